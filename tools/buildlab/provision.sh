#!/bin/bash
# The build tests' fixture: podman/buildah plus local base images, provisioned without any registry.
#  - installs podman/buildah/runc/debootstrap with apt when root and missing;
#  - debootstraps Debian bookworm (minbase) from deb.debian.org and imports it as localhost/debian:bookworm,
#    docker.io/library/debian:{bookworm,latest} (so `FROM debian:bookworm` resolves locally);
#  - builds Java 17 stand-ins from Debian packages (java/*.Dockerfile): eclipse-temurin:17-jdk/-jre/
#    -jre-alpine (an alias: Debian's JRE, not Alpine), openjdk:17, maven:3.8-openjdk-17, maven:3.9-eclipse-
#    temurin-17 ... with a Maven that resolves every artifact from Debian's /usr/share/maven-repo, offline;
#  - builds Python, Node.js and Go stand-ins from Debian packages (standins/*.Dockerfile, each labelled with
#    what it carries): python:3.N[-slim|-alpine] (Python 3.11), node:N[-slim|-alpine] (Node.js 18 + npm and
#    yarn from the npm registry), golang:1.N[-alpine] (Go 1.19), alpine:3.N. Every -alpine name is Debian
#    with an `apk` script over apt-get (standins/apk), not Alpine.
# Idempotent: state lives in $DOCKEROPT_LAB (~/.cache/dockeropt-lab); a second run only re-tags (~1 s).
# Source env.sh to use podman/buildah against it by hand.
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
C=$L/chroot                       # pristine minbase chroot
if ! podman image exists localhost/debian:bookworm; then
  if [ ! -e "$C/.lab-ok" ]; then
    rm -rf "$C"
    debootstrap --variant=minbase bookworm "$C" http://deb.debian.org/debian >/dev/null
    touch "$C/.lab-ok"
  fi
  R=$L/rootfs; rm -rf "$R"; cp -a "$C" "$R"
  rm -rf "$R"/.lab-ok "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin "$R"/var/log/*.log
  rm -f "$R/etc/resolv.conf" "$R/etc/hostname"; mkdir -p "$R/var/lib/apt/lists/partial"
  { echo 'deb http://deb.debian.org/debian bookworm main'; echo 'deb http://deb.debian.org/debian bookworm-updates main'
    echo 'deb http://deb.debian.org/debian-security bookworm-security main'; } > "$R/etc/apt/sources.list"
  # The official image's apt/dpkg tweaks: clean after installs, gzip'd lists, no translations, no fsync.
  A=$R/etc/apt/apt.conf.d; clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
  printf 'DPkg::Post-Invoke { %s };\nAPT::Update::Post-Invoke { %s };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n' "$clean" "$clean" > "$A/docker-clean"
  echo 'Acquire::GzipIndexes "true";' > "$A/docker-gzip-indexes"
  echo 'Acquire::Languages "none";' > "$A/docker-no-languages"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$A/docker-autoremove-suggests"
  echo force-unsafe-io > "$R/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod 755 "$R/usr/sbin/policy-rc.d"
  # Hosts behind a TLS-intercepting proxy: trust its CA inside builds too (used when a build installs ca-certificates).
  mkdir -p "$R/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/" 2>/dev/null || true
  tar -C "$R" --numeric-owner -cf - . | podman import -q --change 'CMD ["bash"]' - localhost/debian:bookworm >/dev/null
  rm -rf "$R"
fi
podman tag localhost/debian:bookworm docker.io/library/debian:bookworm docker.io/library/debian:latest
standin() {  # standin DIR/DOCKERFILE PRIMARY_TAG ALIAS... (BASE=image: the Dockerfile's ARG BASE)
  local df=$HERE/$1 primary=$2 recipe built; shift 2
  # Rebuilt when its recipe (Dockerfile, the alpine scripts beside it, BASE's image id) changed; images
  # built before recipes were labelled are kept.
  recipe=$({ cat "$df"; [ ! -e "${df%/*}/apk" ] || cat "${df%/*}/apk" "${df%/*}/alpine-users"
             [ -z "${BASE:-}" ] || podman image inspect --format '{{.Id}}' "$BASE"; } | sha256sum | cut -c1-16)
  built=$(podman image inspect --format '{{index .Labels "dockeropt.standin.recipe"}}' "localhost/$primary" 2>/dev/null) \
    || built=none
  case $built in "$recipe"|"<no value>"|"") ;; *)
    podman build -q --pull=never --layers --format docker ${BASE:+--build-arg BASE=$BASE} \
      --label "dockeropt.standin.recipe=$recipe" -f "$df" -t "localhost/$primary" "${df%/*}" >/dev/null ;;
  esac
  for t in "$primary" "$@"; do podman tag "localhost/$primary" "localhost/$t" "docker.io/library/$t"; done
}
standin java/jdk.Dockerfile eclipse-temurin:17-jdk eclipse-temurin:17 openjdk:17 openjdk:17-jdk openjdk:17-jdk-slim
standin java/jre.Dockerfile eclipse-temurin:17-jre eclipse-temurin:17-jre-alpine eclipse-temurin:17-jre-jammy \
  eclipse-temurin:17-jre-focal
standin java/maven.Dockerfile maven:3.9-eclipse-temurin-17 maven:3-eclipse-temurin-17 maven:3.8-eclipse-temurin-17 \
  maven:3.8-openjdk-17 maven:3-openjdk-17 maven:3.8-openjdk-17-slim maven:3.8.5-eclipse-temurin-17
# Python, Node.js and Go stand-ins (standins/*.Dockerfile): Debian's python3 3.11, nodejs 18, golang-go 1.19
# under every version tag the projects use; the -alpine names add an apk script over apt-get (still Debian).
each() { local fmt=$1 v; shift; for v; do printf "$fmt " "$v"; done; }
PY="3 3.7 3.8 3.9 3.10 3.11 3.12 3.13 3.14"
standin standins/python.Dockerfile python:3.11-slim $(each 'python:%s' $PY) $(each 'python:%s-slim' $PY) \
  python:3.9.2 python:3.14.6-slim
BASE=localhost/python:3.11-slim standin standins/alpine.Dockerfile python:3.11-alpine $(each 'python:%s-alpine' $PY) \
  python:3.9.2-alpine python:3.14.6-alpine
NODE="14 16 17 18 20 22 lts lts-buster lts-bullseye lts-bookworm 17.0.1-bullseye"
standin standins/node.Dockerfile node:18-slim $(each 'node:%s' $NODE) $(each 'node:%s-slim' $NODE)
BASE=localhost/node:18-slim standin standins/alpine.Dockerfile node:18-alpine $(each 'node:%s-alpine' 14 16 18 20 22 lts) \
  node:14.17.3-alpine3.14 node:14.4.0-alpine node:20.20.2-alpine
standin standins/go.Dockerfile golang:1.19 golang:1 golang:1.18 golang:1.18-bullseye golang:1.19-bookworm
BASE=localhost/golang:1.19 standin standins/alpine.Dockerfile golang:1.19-alpine golang:1-alpine golang:1.18-alpine
BASE=localhost/debian:bookworm standin standins/alpine.Dockerfile alpine:3 alpine:latest alpine:3.14 alpine:3.24.1
rm -rf "$C"                       # only needed until the base image is imported
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^localhost/' | sort
