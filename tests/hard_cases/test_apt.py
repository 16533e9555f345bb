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

CASES = READERS


@pytest.mark.parametrize("case", CASES, ids=str)
def test_apt_hard_case(case: Case, tmp_path):
    run_case(case, tmp_path)
