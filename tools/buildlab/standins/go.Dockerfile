# Stand-in for golang:1.N (every 1.N: it is Debian bookworm's Go 1.19), laid out like the official image:
# GOROOT at /usr/local/go, GOPATH /go. The Go module proxy is not reachable: only modules without
# external requirements (or with vendor/) build.
FROM debian:bookworm
LABEL org.opencontainers.image.description="dockeropt build-lab stand-in, not the official golang image" \
      dockeropt.standin.packages="debian bookworm: golang-go (1.19) ca-certificates"
RUN apt-get update \
 && apt-get install -y --no-install-recommends golang-go ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "$(go env GOROOT)" /usr/local/go
ENV GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
