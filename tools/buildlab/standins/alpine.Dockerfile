# The -alpine names (python:3.N-alpine, node:N-alpine, golang:1.N-alpine, alpine:3.N): a Debian stand-in plus
# Alpine's commands, not Alpine: `apk` is a script over apt-get with Debian packages (./apk), and adduser/
# addgroup take busybox's options over Debian's useradd/groupadd (./alpine-users). glibc, not musl.
ARG BASE=debian:bookworm
FROM ${BASE}
LABEL dockeropt.standin.alpine="not Alpine: Debian with an apk script over apt-get and busybox-style adduser/addgroup"
COPY apk /sbin/apk
COPY alpine-users /usr/local/sbin/adduser
COPY alpine-users /usr/local/sbin/addgroup
RUN mkdir -p /var/cache/apk \
 && echo 'Dir::State::Lists "/var/cache/apk/lists/";' > /etc/apt/apt.conf.d/zz-apk-index
