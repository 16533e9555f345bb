"""Hard cases of "SAFE means proven" for the apt passes (issue 12, classes 4 and 8, distro and messages)."""

from __future__ import annotations

import pytest

from .harness import NONE, NOT_SAFE, SAFE, Case, run_case

RM = "rm -rf /var/lib/apt/lists/*"

# Class 4: every reader of the package lists counts (DO101 merge, DO103 removal).
READERS = [
    Case("clean-known-steps-after", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt\nRUN pip install requests\n",
         SAFE, after="FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && " + RM + "\n"
         "RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt\nRUN pip install requests\n"),
    Case("clean-later-update-refreshes", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN apt-get update && apt-get install -y git\n", SAFE),
    Case("clean-apt-get-download-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y dpkg-dev\n"
         "RUN cd /tmp && apt-get download libssl3\n", NONE),
    Case("clean-apt-get-satisfy-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN apt-get satisfy -y 'python3 (>= 3.11)'\n", NONE),
    Case("clean-apt-get-source-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y dpkg-dev\n"
         "RUN apt-get source hello\n", NONE),
    Case("clean-build-dep-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y devscripts\n"
         "RUN apt-get build-dep -y python3\n", NONE),
    Case("clean-apt-cache-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN apt-cache policy openjdk-17-jre-headless > /versions.txt\n", NONE),
    Case("clean-xargs-install-later", "DO103",
         "FROM debian:bookworm\nCOPY packages.txt /tmp/\nRUN apt-get update && apt-get install -y curl\n"
         "RUN xargs -a /tmp/packages.txt apt-get install -y\n",
         NONE, context={"packages.txt": "git\n"}),
    Case("clean-sh-c-install-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN sh -c 'apt-get install -y jq'\n", NONE),
    Case("clean-bash-c-update-first-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN bash -c 'apt-get update && apt-get install -y jq'\n", SAFE),
    Case("clean-rosdep-install-later", "DO103",
         "FROM ros:humble\nRUN apt-get update && apt-get install -y python3-rosdep\n"
         "RUN rosdep install --from-paths src -y --ignore-src\n", NONE),
    Case("clean-copied-install-script-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "COPY install.sh /tmp/\nRUN /tmp/install.sh\n",
         NOT_SAFE, context={"install.sh": "#!/bin/sh\napt-get install -y jq\n"},
         names=("/tmp/install.sh", "line 4")),
    Case("clean-bash-script-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "COPY scripts/ /scripts/\nRUN bash /scripts/setup.sh\n",
         NOT_SAFE, context={"scripts/setup.sh": "apt-get install -y jq\n"}, names=("/scripts/setup.sh",)),
    Case("clean-curl-pipe-sh-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -\n",
         NOT_SAFE, names=("bash",)),
    Case("clean-unknown-program-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN install-deps --all\n", NOT_SAFE, names=("`install-deps`", "line 3")),
    Case("clean-unknown-in-child-stage", "DO103",
         "FROM debian:bookworm AS base\nRUN apt-get update && apt-get install -y curl\n"
         "FROM base\nRUN hey!\n", NOT_SAFE, names=("hey!",)),
    Case("clean-exec-form-later", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN [\"/opt/setup\", \"--all\"]\n", NOT_SAFE, names=("line 3",)),
    Case("clean-install-packages-refreshes", "DO103",
         "FROM bitnami/minideb:bookworm\nRUN apt-get update && apt-get install -y curl\n"
         "RUN install_packages jq\n", SAFE),
    Case("clean-sudo-install", "DO103",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo\nUSER app\n"
         "RUN sudo apt-get update && sudo apt-get install -y jq\n",
         SAFE, after="FROM debian:bookworm\nRUN apt-get update && apt-get install -y sudo && " + RM + "\n"
         "USER app\nRUN sudo apt-get update && sudo apt-get install -y jq && sudo " + RM + "\n"),
    Case("merge-known-steps-between", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nRUN mkdir -p /opt/app\nRUN apt-get install -y curl\n",
         SAFE, after="FROM debian:bookworm\nRUN mkdir -p /opt/app\nRUN apt-get update && apt-get install -y curl\n"),
    Case("merge-unknown-step-between", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nCOPY setup.sh /\nRUN /setup.sh\nRUN apt-get install -y curl\n",
         NOT_SAFE, context={"setup.sh": "apt-get install -y jq\n"}, names=("/setup.sh", "line 4")),
    Case("merge-unknown-before-install-same-run", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nRUN ./configure-apt && apt-get install -y curl\n",
         NOT_SAFE, names=("./configure-apt",)),
    Case("merge-apt-get-download-is-a-reader", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get download libssl3\n",
         SAFE, after="FROM debian:bookworm\nRUN apt-get update && apt-get download libssl3\n"),
    Case("merge-rosdep-is-a-reader", "DO101",
         "FROM ros:humble\nRUN apt-get update\nRUN rosdep install --from-paths src -y\n",
         SAFE, after="FROM ros:humble\nRUN apt-get update && rosdep install --from-paths src -y\n"),
    Case("merge-xargs-install", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nRUN xargs apt-get install -y < /tmp/packages.txt\n",
         SAFE, after="FROM debian:bookworm\nRUN apt-get update && xargs apt-get install -y < /tmp/packages.txt\n"),
    Case("merge-sh-c-install", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nRUN sh -c 'apt-get install -y curl'\n",
         SAFE, after="FROM debian:bookworm\nRUN apt-get update && sh -c 'apt-get install -y curl'\n"),
    Case("merge-apt-cache-between", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nRUN apt-cache show curl\nRUN apt-get install -y curl\n",
         NONE),
    Case("merge-sudo-after-user", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nUSER app\nRUN sudo apt-get install -y curl\n",
         SAFE, after="FROM debian:bookworm\nUSER app\nRUN sudo apt-get update && sudo apt-get install -y curl\n"),
    Case("merge-non-root-without-sudo", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nUSER app\nRUN apt-get install -y curl\n",
         NOT_SAFE, names=("USER app", "sudo")),
    Case("merge-back-to-root", "DO101",
         "FROM debian:bookworm\nUSER app\nRUN sudo apt-get update\nUSER root\nRUN apt-get install -y curl\n",
         SAFE),
    Case("lone-update-unknown-after", "DO101",
         "FROM debian:bookworm\nRUN apt-get update\nRUN ./build.sh\n", NOT_SAFE, names=("FROM",)),
]

# Class 8: a command that needs a dropped recommend is named, and the recommend kept.
NEEDS = [
    Case("nir-gcc-same-run-keeps-libc6-dev", "DO102",
         "FROM debian:bookworm\nCOPY hello.c /src/\n"
         "RUN apt-get update && apt-get install -y gcc && gcc -o /usr/local/bin/hello /src/hello.c\n",
         NOT_SAFE, context={"hello.c": "int main(void) { return 0; }\n"},
         names=("keeps libc6-dev explicitly", "`gcc` (line 3)")),
    Case("nir-env-list-git-clone-https", "DO102",
         "FROM debian:bookworm\nENV BUILD_PACKAGES=\"git make\"\n"
         "RUN apt-get update && apt-get install -y $BUILD_PACKAGES\n"
         "RUN git clone https://github.com/madler/zlib.git /src/zlib\n",
         NOT_SAFE, names=("keeps ca-certificates explicitly: git needs it for HTTPS",)),
    Case("nir-arg-list-curl", "DO102",
         "FROM debian:bookworm\nARG TOOLS=\"curl unzip\"\nRUN apt-get update && apt-get install -y ${TOOLS}\n",
         NOT_SAFE, names=("keeps ca-certificates explicitly: curl needs it",)),
    Case("nir-curl-from-base-fetches-https", "DO102",
         "FROM buildpack-deps:bookworm-curl\nRUN apt-get update && apt-get install -y python3\n"
         "RUN curl -fsSLo /tmp/get-pip.py https://bootstrap.pypa.io/get-pip.py\n",
         NOT_SAFE, names=("keeps ca-certificates explicitly", "`curl` (line 3) fetches over HTTPS")),
    Case("nir-gpg-keyserver-keeps-dirmngr", "DO102",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y gpg\n"
         "RUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys 0xABCDEF\n",
         NOT_SAFE, names=("keeps dirmngr explicitly", "keyserver")),
    Case("nir-cmake-then-cc", "DO102",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y cmake make\n"
         "RUN cc -O2 -o /usr/local/bin/tool tool.c\n",
         NOT_SAFE, names=("keeps libc6-dev explicitly", "`cc` (line 3)")),
    Case("nir-git-ssh-remote-named", "DO102",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y git\n",
         NOT_SAFE, names=("openssh-client", "ssh remotes")),
    Case("nir-undefined-variable-unknown", "DO102",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y jq $EXTRA_PACKAGES\n",
         NOT_SAFE, names=("unknown for: $EXTRA_PACKAGES",)),
    Case("nir-ca-installed-earlier-not-kept", "DO102",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\n"
         "RUN apt-get update && apt-get install -y python3\nRUN curl -fsSL https://example.com/x -o /x\n",
         NOT_SAFE, names=("drops",)),
    Case("nir-nothing-needed-nothing-kept", "DO102",
         "FROM debian:bookworm\nRUN apt-get update && apt-get install -y jq\n",
         NOT_SAFE, names=("jq: no recommended packages to drop",)),
]

# The base's distribution and release decide which data applies; messages true of the file.
DISTRO = [
    Case("nir-stretch-no-sizes", "DO102",
         "FROM debian:stretch\nRUN apt-get update && apt-get install -y openjdk-8-jdk-headless\n",
         NOT_SAFE, names=("debian:stretch (Debian 9 stretch)", "sizes are not given")),
    Case("nir-bullseye-official-image", "DO102",
         "FROM node:20-bullseye\nRUN apt-get update && apt-get install -y python3\n",
         NOT_SAFE, names=("Debian 11 bullseye", "sizes are not given")),
    Case("nir-temurin-is-ubuntu", "DO102",
         "FROM eclipse-temurin:17-jdk\nRUN apt-get update && apt-get install -y curl\n",
         NOT_SAFE, names=("eclipse-temurin:17-jdk (built on Ubuntu, release not named by the tag)",)),
    Case("nir-python-tag-names-no-release", "DO102",
         "FROM python:3.12\nRUN apt-get update && apt-get install -y libpq-dev\n",
         NOT_SAFE, names=("python:3.12 (built on Debian, release not named by the tag)",)),
    Case("nir-derived-image-ships-its-own", "DO102",
         "FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y libpq-dev\n",
         NOT_SAFE, names=("built on Debian 12 bookworm", "ships packages of its own", "sizes are not given")),
    Case("nir-arg-default-in-from", "DO102",
         "ARG DEBIAN_RELEASE=bookworm\nFROM debian:${DEBIAN_RELEASE}-slim\n"
         "RUN apt-get update && apt-get install -y openjdk-17-jre-headless\n",
         NOT_SAFE, names=("MB on a clean debian:bookworm",)),
    Case("nir-stage-parent", "DO102",
         "FROM debian:bookworm-slim AS base\nFROM base\nRUN apt-get update && apt-get install -y wget\n",
         NOT_SAFE, names=("on a clean debian:bookworm",)),
    Case("microdnf-ubi8-no-yes", "DO108",
         "FROM registry.access.redhat.com/ubi8/ubi-minimal:8.3\n"
         "RUN microdnf install openssl curl && microdnf clean all\n", NONE),
    Case("microdnf-ubi9-yes", "DO108",
         "FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\n"
         "RUN microdnf install openssl && microdnf clean all\n",
         SAFE, after="FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\n"
         "RUN microdnf install -y openssl && microdnf clean all\n"),
    Case("apk-index-deleted-by-the-run", "DO106",
         "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n",
         SAFE, names=("which this RUN deletes again",)),
    Case("apk-index-kept", "DO106",
         "FROM alpine:3.20\nRUN apk add curl\n", SAFE, names=("keeps the package index in /var/cache/apk",)),
]

CASES = READERS + NEEDS + DISTRO


@pytest.mark.parametrize("case", CASES, ids=str)
def test_apt_hard_case(case: Case, tmp_path):
    run_case(case, tmp_path)
