#!/bin/bash
# The build tests' fixture: podman/buildah plus local base images, provisioned without any registry.
#  - installs podman/buildah/runc/debootstrap with apt when root and missing;
#  - debootstraps Debian bookworm (minbase) from deb.debian.org and imports it as localhost/debian:bookworm,
#    docker.io/library/debian:{bookworm,latest} (so `FROM debian:bookworm` resolves locally);
#  - builds Java 17 stand-ins from Debian packages (java/*.Dockerfile): eclipse-temurin:17-jdk/-jre/
#    -jre-alpine (an alias: Debian's JRE, not Alpine), openjdk:17, maven:3.8-openjdk-17, maven:3.9-eclipse-
#    temurin-17 ... with a Maven that resolves every artifact from Debian's /usr/share/maven-repo, offline.
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
standin() {  # standin DOCKERFILE PRIMARY_TAG ALIAS...
  local df=$1 primary=$2; shift 2
  podman image exists "localhost/$primary" \
    || podman build -q --pull=never --layers --format docker -f "$HERE/java/$df" -t "localhost/$primary" "$HERE/java" >/dev/null
  for t in "$primary" "$@"; do podman tag "localhost/$primary" "localhost/$t" "docker.io/library/$t"; done
}
standin jdk.Dockerfile eclipse-temurin:17-jdk eclipse-temurin:17 openjdk:17 openjdk:17-jdk openjdk:17-jdk-slim
standin jre.Dockerfile eclipse-temurin:17-jre eclipse-temurin:17-jre-alpine eclipse-temurin:17-jre-jammy
standin maven.Dockerfile maven:3.9-eclipse-temurin-17 maven:3-eclipse-temurin-17 maven:3.8-eclipse-temurin-17 \
  maven:3.8-openjdk-17 maven:3-openjdk-17 maven:3.8-openjdk-17-slim
rm -rf "$C"                       # only needed until the base image is imported
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'debian|temurin|openjdk|maven' | sort
