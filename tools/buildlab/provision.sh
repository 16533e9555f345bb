#!/bin/bash
# The build tests' fixture: podman/buildah plus local base images, provisioned without any registry.
#  - installs podman/buildah/runc/debootstrap with apt when root and missing;
#  - debootstraps Debian bookworm (minbase) from deb.debian.org and imports it as localhost/debian:bookworm,
#    docker.io/library/debian:{bookworm,latest} (so `FROM debian:bookworm` resolves locally), and, in parallel,
#    Ubuntu 24.04 (minbase) from archive.ubuntu.com as ubuntu:24.04, with the keys of Debian's ubuntu-keyring;
#  - builds the stand-ins in parallel lanes: Java 17 (java/*.Dockerfile; Maven resolves offline from Debian's
#    /usr/share/maven-repo), Python, Node.js, Go, nginx, debian:bookworm-slim and distroless static
#    (standins/*.Dockerfile), each labelled with what it really carries, under the official names the golden
#    cases and projects use. Every -alpine name is Debian with an `apk` script over apt-get (standins/apk).
#    README.md (beside this script) lists where each stand-in differs from the real image.
# Idempotent: state lives in $DOCKEROPT_LAB (default ~/.cache/dockeropt-lab; set it to provision a separate lab,
# e.g. to time a run from scratch); a second run only re-tags (seconds). Source env.sh to use podman by hand.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/env.sh"
L=$DOCKEROPT_LAB
PKGS="buildah podman runc fuse-overlayfs debootstrap uidmap containernetworking-plugins iptables"
if ! dpkg -s $PKGS >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PKGS >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PKGS >/dev/null; }
  fi
fi
command -v podman >/dev/null || { echo "provision: podman is not installed (needs root + apt)" >&2; exit 1; }
base_image() {  # base_image IMAGE SUITE MIRROR SCRIPT SOURCES [DEBOOTSTRAP_OPTION...] (TWEAK=function: finishes the tree;
  # UPGRADE=1: with the updates published since the release)
  # debootstraps SUITE (minbase) from MIRROR, gives it the official images' apt/dpkg settings and SOURCES (lines of
  # sources.list), and imports it as localhost/IMAGE. The chroot is kept until the import succeeds.
  local image=$1 suite=$2 mirror=$3 script=$4 sources=$5 C R A clean; shift 5
  podman image exists "localhost/$image" && return 0
  C=$L/chroot-${image//[:\/]/-}; R=$C.rootfs
  if [ ! -e "$C/.lab-ok" ]; then
    rm -rf "$C"
    debootstrap --variant=minbase "$@" "$suite" "$C" "$mirror" $script >/dev/null
    touch "$C/.lab-ok"
  fi
  rm -rf "$R"; cp -a "$C" "$R"
  printf '%s\n' "$sources" > "$R/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod 755 "$R/usr/sbin/policy-rc.d"
  if [ -n "${UPGRADE:-}" ]; then  # the official image is rebuilt with the suite's current updates: so is this one
    cp /etc/resolv.conf "$R/etc/resolv.conf"
    chroot "$R" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Options::=--force-confold \
      dist-upgrade' > "$C.upgrade.log" 2>&1 || { tail -20 "$C.upgrade.log" >&2; return 1; }
  fi
  rm -rf "$R"/.lab-ok "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin "$R"/var/log/*.log
  rm -f "$R/etc/resolv.conf" "$R/etc/hostname"; mkdir -p "$R/var/lib/apt/lists/partial"
  # The official image's apt/dpkg tweaks: clean after installs, gzip'd lists, no translations, no fsync.
  A=$R/etc/apt/apt.conf.d; clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
  printf 'DPkg::Post-Invoke { %s };\nAPT::Update::Post-Invoke { %s };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n' "$clean" "$clean" > "$A/docker-clean"
  echo 'Acquire::GzipIndexes "true";' > "$A/docker-gzip-indexes"
  echo 'Acquire::Languages "none";' > "$A/docker-no-languages"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$A/docker-autoremove-suggests"
  echo force-unsafe-io > "$R/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  # Hosts behind a TLS-intercepting proxy: trust its CA inside builds too (used when a build installs ca-certificates).
  mkdir -p "$R/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/" 2>/dev/null || true
  [ -z "${TWEAK:-}" ] || "$TWEAK" "$R"
  tar -C "$R" --numeric-owner -cf - . | podman import -q --change 'CMD ["bash"]' - "localhost/$image" >/dev/null
  rm -rf "$R" "$C" "$C.upgrade.log"
}
D=http://deb.debian.org/debian
ubuntu_keyring() {  # Ubuntu's archive keys: Debian's ubuntu-keyring package (trixie), fetched with apt (Debian-signed)
  local T=$L/apt-trixie O
  [ -s "$L/ubuntu-keyring/usr/share/keyrings/ubuntu-archive-keyring.gpg" ] && return 0
  rm -rf "$T"; mkdir -p "$T/lists/partial" "$T/archives/partial"; echo "deb $D trixie main" > "$T/sources.list"
  O="-o Dir::Etc::SourceList=$T/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$T/lists
     -o Dir::Cache::archives=$T/archives -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root"
  apt-get -qq $O update && (cd "$T" && apt-get -qq $O download ubuntu-keyring) && dpkg -x "$T"/ubuntu-keyring_*.deb "$L/ubuntu-keyring"
  rm -rf "$T"
}
ubuntu_image() {  # what the official ubuntu:24.04 adds to the minbase tree: the user ubuntu (1000), minimized docs
  chroot "$1" useradd --uid 1000 --user-group --create-home --shell /bin/bash --comment Ubuntu ubuntu
  printf '%s\n' '# Drop man pages, translations and documentation except copyright files and changelogs (minimized image)' \
    'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/locale/*/LC_MESSAGES/*.mo' 'path-exclude=/usr/share/doc/*' \
    'path-include=/usr/share/doc/*/copyright' 'path-include=/usr/share/doc/*/changelog.*z' \
    'path-exclude=/usr/share/groff/*' 'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/lintian/*' \
    > "$1/etc/dpkg/dpkg.cfg.d/excludes"
  find "$1/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -not -name 'changelog.*z' -delete
  find "$1/usr/share/locale" -path '*/LC_MESSAGES/*.mo' -delete
  rm -rf "$1"/usr/share/man/* "$1"/usr/share/groff/* "$1"/usr/share/info/* "$1"/usr/share/lintian/*
}
lane_ubuntu() {  # Ubuntu 24.04 from archive.ubuntu.com (debootstrap has no noble script: jammy's is the same)
  local U=http://archive.ubuntu.com/ubuntu c="main restricted universe multiverse"
  ubuntu_keyring
  UPGRADE=1 TWEAK=ubuntu_image base_image ubuntu:24.04 noble $U /usr/share/debootstrap/scripts/jammy "deb $U noble $c
deb $U noble-updates $c
deb $U noble-backports $c
deb http://security.ubuntu.com/ubuntu noble-security $c" --keyring="$L/ubuntu-keyring/usr/share/keyrings/ubuntu-archive-keyring.gpg"
  podman tag localhost/ubuntu:24.04 docker.io/library/ubuntu:24.04 docker.io/library/ubuntu:noble
}
lane_ubuntu > "$L/lane-ubuntu.log" 2>&1 & ubuntu=$!
base_image debian:bookworm bookworm $D "" "deb $D bookworm main
deb $D bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main"
podman tag localhost/debian:bookworm docker.io/library/debian:bookworm docker.io/library/debian:latest
standin() {  # standin DIR/DOCKERFILE PRIMARY_TAG ALIAS... (BASE=image: the Dockerfile's ARG BASE; ARGS: more --build-arg)
  local df=$HERE/$1 primary=$2 recipe built start=$SECONDS; shift 2
  # Rebuilt when its recipe (Dockerfile, the alpine scripts beside it, BASE's image id, ARGS) changed; images
  # built before recipes were labelled are kept.
  recipe=$({ cat "$df"; [ ! -e "${df%/*}/apk" ] || cat "${df%/*}/apk" "${df%/*}/alpine-users"
             [ -z "${BASE:-}" ] || podman image inspect --format '{{.Id}}' "$BASE"; [ -z "${ARGS:-}" ] || echo "$ARGS"
           } | sha256sum | cut -c1-16)
  built=$(podman image inspect --format '{{index .Labels "dockeropt.standin.recipe"}}' "localhost/$primary" 2>/dev/null) \
    || built=none
  case $built in "$recipe"|"<no value>"|"") ;; *)
    podman build -q --pull=never --layers --format docker ${BASE:+--build-arg BASE=$BASE} \
      $(for a in ${ARGS:-}; do printf -- '--build-arg %s ' "$a"; done) \
      --label "dockeropt.standin.recipe=$recipe" -f "$df" -t "localhost/$primary" "${df%/*}" >/dev/null
    echo "built $primary in $((SECONDS - start)) s" ;;
  esac
  for t in "$primary" "$@"; do podman tag "localhost/$primary" "localhost/$t" "docker.io/library/$t"; done
}
each() { local fmt=$1 v; shift; for v; do printf "$fmt " "$v"; done; }
# The stand-ins, in lanes that build in parallel (each lane in order: an -alpine image after the image it
# extends). A build mostly waits for apt's downloads and dpkg, so lanes overlap well even on 2 cores.
lane_java() {
  standin java/jdk.Dockerfile eclipse-temurin:17-jdk eclipse-temurin:17 openjdk:17 openjdk:17-jdk openjdk:17-jdk-slim
  standin java/maven.Dockerfile maven:3.9-eclipse-temurin-17 maven:3-eclipse-temurin-17 maven:3.8-eclipse-temurin-17 \
    maven:3.8-openjdk-17 maven:3-openjdk-17 maven:3.8-openjdk-17-slim maven:3.8.5-eclipse-temurin-17
}
# Python, Node.js and Go stand-ins (standins/*.Dockerfile): Debian's python3 3.11, nodejs 18, golang-go 1.19
# (golang-1.22 from bookworm-backports for golang:1.22) under every version tag the projects use; the -alpine
# names add an apk script over apt-get (still Debian).
lane_python() {
  local PY="3 3.7 3.8 3.9 3.10 3.11 3.12 3.13 3.14"
  standin standins/python.Dockerfile python:3.11-slim $(each 'python:%s' $PY) $(each 'python:%s-slim' $PY) \
    python:3.9.2 python:3.14.6-slim
  BASE=localhost/python:3.11-slim standin standins/alpine.Dockerfile python:3.11-alpine \
    $(each 'python:%s-alpine' $PY) python:3.9.2-alpine python:3.14.6-alpine
}
lane_node() {
  local NODE="14 16 17 18 20 22 lts lts-buster lts-bullseye lts-bookworm 17.0.1-bullseye 20-bookworm"
  standin standins/node.Dockerfile node:18-slim $(each 'node:%s' $NODE) $(each 'node:%s-slim' $NODE)
  BASE=localhost/node:18-slim standin standins/alpine.Dockerfile node:18-alpine \
    $(each 'node:%s-alpine' 14 16 18 20 22 lts) node:14.17.3-alpine3.14 node:14.4.0-alpine node:20.20.2-alpine
  standin standins/nginx.Dockerfile nginx:1.22 nginx:1 nginx:1.27 nginx:latest
}
lane_go() {
  standin standins/go.Dockerfile golang:1.19 golang:1 golang:1.18 golang:1.18-bullseye golang:1.19-bookworm
  BASE=localhost/golang:1.19 standin standins/alpine.Dockerfile golang:1.19-alpine golang:1-alpine golang:1.18-alpine
}
lane_go122() {
  ARGS="GO_VERSION=1.22 GO_PACKAGE=golang-1.22-go SUITE=bookworm-backports" \
    standin standins/go.Dockerfile golang:1.22 golang:1.22-bookworm
}
lane_debian() {
  standin java/jre.Dockerfile eclipse-temurin:17-jre eclipse-temurin:17-jre-alpine eclipse-temurin:17-jre-jammy \
    eclipse-temurin:17-jre-focal
  BASE=localhost/debian:bookworm standin standins/alpine.Dockerfile alpine:3 alpine:latest alpine:3.14 alpine:3.24.1
  standin standins/debian-slim.Dockerfile debian:bookworm-slim debian:12-slim debian:stable-slim
  standin standins/distroless.Dockerfile distroless-static:debian12
  podman tag localhost/distroless-static:debian12 gcr.io/distroless/static-debian12 gcr.io/distroless/static
}
lanes="java python node go go122 debian"; pids=""
for lane in $lanes; do lane_$lane > "$L/lane-$lane.log" 2>&1 & pids="$pids $!"; done
failed=""; set -- $lanes
for pid in $pids; do wait "$pid" || failed="$failed $1"; shift; done
wait "$ubuntu" || failed="$failed ubuntu"; lanes="$lanes ubuntu"
for lane in $lanes; do cat "$L/lane-$lane.log"; done
for lane in $failed; do echo "provision: the $lane stand-ins failed (log above: $L/lane-$lane.log)" >&2; done
[ -z "$failed" ]
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^localhost/' | sort
