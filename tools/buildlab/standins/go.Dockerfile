# Stand-in for golang:1.N, laid out like the official image: GOROOT at /usr/local/go, GOPATH /go, GOTOOLCHAIN=local.
# Built twice: Debian bookworm's golang-go (Go 1.19) for golang:1.18/1.19/1 and golang-1.22-go from
# bookworm-backports for golang:1.22 (see provision.sh). The Go module proxy is not reachable: only modules
# without external requirements (or with vendor/) build. Unlike the official image: no gcc, git or make.
FROM debian:bookworm
ARG GO_VERSION=1.19
ARG GO_PACKAGE=golang-go
ARG SUITE=bookworm
LABEL org.opencontainers.image.description="dockeropt build-lab stand-in, not the official golang image" \
      dockeropt.standin.packages="debian ${SUITE}: ${GO_PACKAGE} (${GO_VERSION}) ca-certificates"
RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/lab-backports.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends -t "$SUITE" "$GO_PACKAGE" ca-certificates \
 && rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/lab-backports.list \
 && ln -s "/usr/lib/go-$GO_VERSION" /usr/local/go \
 && /usr/local/go/bin/go version | grep -q "go$GO_VERSION"
ENV GOTOOLCHAIN=local GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
