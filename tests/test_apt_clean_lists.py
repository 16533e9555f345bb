"""DO103 apt-clean-lists: fix table and no-change table (hadolint DL3009's cases among them)."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.pipeline import Status, optimize

from .helpers import assert_safe_fix, assert_unchanged, rewrite

ID = "apt-clean-lists"
RM = "rm -rf /var/lib/apt/lists/*"

FIXES = [
    pytest.param(
        "FROM scratch\nRUN apt-get update && apt-get install python\n",
        f"FROM scratch\nRUN apt-get update && apt-get install python && {RM}\n",
        id="hadolint-no-cleanup"),
    pytest.param(
        "FROM scratch\nRUN apt-get update && apt-get install -y python > /tmp/install.log\n",
        f"FROM scratch\nRUN apt-get update && apt-get install -y python > /tmp/install.log && {RM}\n",
        id="install-output-redirect-stays-on-the-install"),
    pytest.param(
        "FROM ubuntu as foo\nRUN hey!\nFROM scratch\nRUN apt-get update && apt-get install python\n",
        f"FROM ubuntu as foo\nRUN hey!\nFROM scratch\nRUN apt-get update && apt-get install python && {RM}\n",
        id="hadolint-last-stage"),
    pytest.param(
        "FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM foo\nRUN echo hey!\n",
        f"FROM ubuntu as foo\nRUN apt-get update && apt-get install python && {RM}\nFROM foo\nRUN echo hey!\n",
        id="hadolint-intermediate-stage-used-later"),
    pytest.param(
        "FROM ubuntu as foo\nONBUILD RUN apt-get update && apt-get install python\nFROM scratch\nRUN echo hey!\n",
        f"FROM ubuntu as foo\nONBUILD RUN apt-get update && apt-get install python && {RM}\n"
        "FROM scratch\nRUN echo hey!\n",
        id="hadolint-onbuild-in-unused-stage"),
    pytest.param(
        "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt \\\n"
        "    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n"
        "    apt-get update && apt-get install python\n",
        "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt \\\n"
        "    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n"
        f"    apt-get update && apt-get install python && \\\n    {RM}\n",
        id="hadolint-cache-mount-of-archives-only"),
    pytest.param(
        "FROM debian\nRUN apt update && apt install -y curl\n",
        f"FROM debian\nRUN apt update && apt install -y curl && {RM}\n",
        id="apt"),
    pytest.param(
        "FROM debian\nRUN apt-get update \\\n && apt-get install -y \\\n      curl \\\n      # for TLS\n"
        "      ca-certificates\n",
        "FROM debian\nRUN apt-get update \\\n && apt-get install -y \\\n      curl \\\n      # for TLS\n"
        f"      ca-certificates \\\n && {RM}\n",
        id="leading-and-style-with-comment"),
    pytest.param(
        "FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl\n",
        f"FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl && \\\n    {RM}\n",
        id="trailing-and-style"),
    pytest.param(
        "FROM debian\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\nCMD [\"curl\"]\r\n",
        f"FROM debian\r\nRUN apt-get update \\\r\n && apt-get install -y curl \\\r\n && {RM}\r\nCMD [\"curl\"]\r\n",
        id="crlf"),
    pytest.param(
        "FROM debian\r\nRUN apt-get update && \\\r\n    apt-get install -y curl",
        f"FROM debian\r\nRUN apt-get update && \\\r\n    apt-get install -y curl && \\\r\n    {RM}",
        id="crlf-last-line-without-newline"),
    pytest.param(
        "# escape=`\nFROM debian\nRUN apt-get update `\n && apt-get install -y curl\n",
        f"# escape=`\nFROM debian\nRUN apt-get update `\n && apt-get install -y curl `\n && {RM}\n",
        id="escape-directive-backtick"),
    pytest.param(
        "FROM debian\nRUN set -eux; apt-get update; apt-get install -y curl\n",
        f"FROM debian\nRUN set -eux; apt-get update; apt-get install -y curl && {RM}\n",
        id="set-e-semicolons"),
    pytest.param(
        "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n",
        f"FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl && {RM}\nEOF\n",
        id="heredoc"),
    pytest.param(
        "FROM debian\nRUN <<EOT\napt-get update && apt-get install -y curl\ncat > /etc/x <<EOF\nhi\nEOF\necho done\nEOT\n",
        f"FROM debian\nRUN <<EOT\napt-get update && apt-get install -y curl\ncat > /etc/x <<EOF\nhi\nEOF\necho done && {RM}\nEOT\n",
        id="heredoc-with-inner-heredoc-earlier"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get install -y curl # why curl\n",
        f"FROM debian\nRUN apt-get update && apt-get install -y curl && {RM} # why curl\n",
        id="trailing-shell-comment"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get install -y curl && apt-get clean\n",
        f"FROM debian\nRUN apt-get update && apt-get install -y curl && apt-get clean && {RM}\n",
        id="apt-get-clean-keeps-lists"),
    pytest.param(
        "FROM debian\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl\n",
        f"FROM debian\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl && {RM}\n",
        id="removal-before-the-update"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git\n",
        f"FROM debian\nRUN apt-get update && apt-get install -y curl && {RM}\n"
        f"RUN apt-get update && apt-get install -y git && {RM}\n",
        id="later-install-updates-itself"),
    pytest.param(
        "FROM debian AS base\nRUN apt-get update && apt-get install -y curl\n"
        "FROM base\nRUN apt-get update && apt-get install -y git\n",
        f"FROM debian AS base\nRUN apt-get update && apt-get install -y curl && {RM}\n"
        f"FROM base\nRUN apt-get update && apt-get install -y git && {RM}\n",
        id="child-stage-updates-itself"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get purge -y x\n",
        f"FROM debian\nRUN apt-get update && apt-get install -y curl && {RM}\nRUN apt-get purge -y x\n",
        id="later-removal-needs-no-lists"),
    pytest.param(
        "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && "
        "apt-get install -y curl\n",
        "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && "
        f"apt-get install -y curl && {RM}\n",
        id="archives-cache-only"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


NO_CHANGE = [
    pytest.param("FROM scratch\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\n",
                 id="hadolint-cleanup"),
    pytest.param("FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM scratch\nRUN echo hey!\n",
                 id="hadolint-stage-not-in-final-image"),
    pytest.param("FROM ubuntu as foo\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\n"
                 "FROM foo\nRUN hey!\n", id="hadolint-intermediate-stage-cleans"),
    pytest.param("FROM debian\nRUN --mount=type=cache,target=/var/lib/apt/lists \\\n"
                 "    apt-get update && apt-get install python\n", id="hadolint-cache-mount-lists"),
    pytest.param("FROM debian\nRUN --mount=type=cache,target=/var/lib/apt \\\n"
                 "    --mount=type=cache,target=/var/cache/apt \\\n"
                 "    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n"
                 "    apt-get update && apt-get install python\n", id="hadolint-cache-mount-apt-dirs"),
    pytest.param("FROM debian\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\n"
                 "RUN --mount=type=cache,target=/var/lib/apt \\\n    apt-get update && apt-get install python\n",
                 id="cache-mount-var-lib-apt-only"),  # hadolint warns; the lists never reach the layer
    pytest.param("FROM debian\nRUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && "
                 "apt-get install -y curl\n", id="tmpfs-mount"),
    pytest.param("FROM debian\nRUN apt-get update\n", id="update-only"),
    pytest.param("FROM debian\nRUN apt-get install -y curl\n", id="install-without-update"),
    pytest.param("FROM debian\nRUN apt-get update && apt-cache policy curl\n", id="update-then-query-only"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists\n",
                 id="removes-directory"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*/\n",
                 id="removes-with-trailing-slash"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/*\n",
                 id="removes-var-lib-apt"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl && "
                 "rm -rf /var/lib/apt/lists/* /var/cache/apt/*\n", id="removes-with-other-paths"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl && "
                 "find /var/lib/apt/lists -type f -delete\n", id="find-delete"),
    pytest.param("FROM debian:trixie\nRUN set -eux; apt-get update; apt-get install -y curl; apt-get dist-clean\n",
                 id="apt-get-dist-clean"),
    pytest.param("FROM debian:trixie\nRUN apt-get update && apt-get install -y curl && apt-get distclean\n",
                 id="apt-get-distclean"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n",
                 id="later-install-relies-on-lists"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-cache policy git\n",
                 id="later-apt-cache-reads-lists"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt list --installed\n",
                 id="later-apt-list-reads-lists"),
    pytest.param("FROM debian AS base\nRUN apt-get update && apt-get install -y curl\n"
                 "FROM base\nRUN apt-get install -y git\n", id="child-stage-relies-on-lists"),
    pytest.param("FROM debian AS base\nRUN apt-get update && apt-get install -y curl\n"
                 "FROM base AS mid\nRUN echo hi\nFROM mid\nRUN apt-get install -y git\n",
                 id="grandchild-relies-on-lists"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl\nONBUILD RUN apt-get install -y git\n",
                 id="onbuild-trigger-relies-on-lists"),
    pytest.param("FROM debian\nONBUILD RUN apt-get update && apt-get install -y curl\n"
                 "ONBUILD RUN apt-get install -y git\n", id="later-onbuild-relies-on-lists"),
    pytest.param('FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN ["apt-get", "install", "-y", "x"]\n',
                 id="later-exec-form-mentions-apt"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl && cat <<EOF > /etc/x\nhi\nEOF\n",
                 id="last-step-feeds-a-heredoc"),
    pytest.param("FROM debian\nRUN <<EOT\napt-get update && apt-get install -y curl\ncat <<EOF > /etc/x\nhi\nEOF\nEOT\n",
                 id="heredoc-run-ends-with-shell-heredoc"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl &\n", id="backgrounded"),
    pytest.param("FROM debian\n# dockeropt: ignore=DO103\nRUN apt-get update && apt-get install -y curl\n",
                 id="suppressed"),
    pytest.param("FROM debian\n# hadolint ignore=DL3009\nRUN apt-get update && apt-get install -y curl\n",
                 id="hadolint-suppressed"),
    pytest.param('FROM debian\nSHELL ["pwsh", "-c"]\nRUN apt-get update && apt-get install -y curl\n',
                 id="non-posix-shell"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert_unchanged(before, select=ID)


def test_later_install_made_safe_by_apt_update_with_install():
    """DO101 runs first and gives the later install its own update, so both RUNs get the cleanup."""
    before = "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n"
    result = rewrite(before)
    assert result.text == (f"FROM debian\nRUN apt-get update && apt-get install -y curl && {RM}\n"
                           f"RUN apt-get update && apt-get install -y git && {RM}\n")


def test_lists_stay_when_the_later_update_could_not_be_added():
    before = "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN true || apt-get install -y git\n"
    result = optimize(before, config=Config(unsafe=True, ignore=frozenset({"merge-runs"})))  # RUNs kept apart
    assert RM not in result.text


def test_finding_explains_the_size():
    result = rewrite("FROM debian\nRUN apt-get update && apt-get install -y curl\n", select=ID)
    (reported,) = result.findings
    assert reported.status is Status.APPLIED and reported.line == 2
    assert "MB" in reported.finding.message
