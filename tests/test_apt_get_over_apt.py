"""DO104 apt-get-over-apt: fix table, unsafe table and no-change table."""

from __future__ import annotations

import pytest

from optimizer.passes.apt_get_over_apt import official_name
from optimizer.pipeline import Status

from .helpers import assert_safe_fix, assert_unchanged, assert_unsafe_fix, rewrite

ID = "apt-get-over-apt"

FIXES = [
    pytest.param(
        "FROM debian:bookworm\nRUN apt update && apt install -y curl\n",
        "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n",
        id="update-and-install"),
    pytest.param(
        "FROM ubuntu:24.04\nRUN sudo DEBIAN_FRONTEND=noninteractive apt install -y x\n",
        "FROM ubuntu:24.04\nRUN sudo DEBIAN_FRONTEND=noninteractive apt-get install -y x\n",
        id="sudo-and-env-prefix"),
    pytest.param(
        "FROM debian\nRUN DEBIAN_FRONTEND=noninteractive apt -qq -y install x\n",
        "FROM debian\nRUN DEBIAN_FRONTEND=noninteractive apt-get -qq -y install x\n",
        id="options-before-subcommand"),
    pytest.param(
        "FROM debian\nRUN /usr/bin/apt remove -y x\n",
        "FROM debian\nRUN /usr/bin/apt-get remove -y x\n",
        id="full-path"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt upgrade -y\n",
        "FROM debian\nRUN apt-get update && apt-get upgrade --with-new-pkgs -y\n",
        id="upgrade-allows-new-packages"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt full-upgrade -y\n",
        "FROM debian\nRUN apt-get update && apt-get dist-upgrade -y\n",
        id="full-upgrade-is-dist-upgrade"),
    pytest.param(
        "FROM debian\nRUN apt reinstall -y tzdata\n",
        "FROM debian\nRUN apt-get install --reinstall -y tzdata\n",
        id="reinstall"),
    pytest.param(
        "FROM debian\nRUN apt autopurge -y\n",
        "FROM debian\nRUN apt-get autoremove --purge -y\n",
        id="autopurge"),
    pytest.param(
        "FROM myorg/base\nRUN apt purge -y x && apt autoremove -y && apt clean\n",
        "FROM myorg/base\nRUN apt-get purge -y x && apt-get autoremove -y && apt-get clean\n",
        id="non-downloading-commands-on-any-base"),
    pytest.param(
        "FROM myorg/base\nRUN apt-get update && apt install -y x && apt-get clean\n",
        "FROM myorg/base\nRUN apt-get update && apt-get install -y x && apt-get clean\n",
        id="unknown-base-archives-cleaned-later"),
    pytest.param(
        "FROM myorg/base\nRUN --mount=type=cache,target=/var/cache/apt apt install -y x\n",
        "FROM myorg/base\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y x\n",
        id="unknown-base-archives-in-cache-mount"),
    pytest.param(
        "FROM mirror.gcr.io/library/ubuntu:24.04 AS base\nFROM base\nRUN apt install -y x\n",
        "FROM mirror.gcr.io/library/ubuntu:24.04 AS base\nFROM base\nRUN apt-get install -y x\n",
        id="official-base-through-parent-stage"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt install -y \\\n    # the client\n    curl \\\n && echo done\n",
        "FROM debian\nRUN apt-get update && apt-get install -y \\\n    # the client\n    curl \\\n && echo done\n",
        id="comment-in-continuation"),
    pytest.param(
        "FROM debian\r\nRUN apt-get update \\\r\n && apt install -y curl\r\n",
        "FROM debian\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n",
        id="crlf"),
    pytest.param(
        "FROM debian\nRUN <<EOF\nset -e\napt install -y curl\nEOF\n",
        "FROM debian\nRUN <<EOF\nset -e\napt-get install -y curl\nEOF\n",
        id="heredoc"),
    pytest.param(
        "FROM debian\nONBUILD RUN apt install -y curl\n",
        "FROM debian\nONBUILD RUN apt-get install -y curl\n",
        id="onbuild"),
    pytest.param(
        "FROM debian AS build\nRUN apt install -y gcc\nFROM debian\nRUN apt install -y curl\n",
        "FROM debian AS build\nRUN apt-get install -y gcc\nFROM debian\nRUN apt-get install -y curl\n",
        id="multi-stage"),
    pytest.param(
        "FROM debian\nRUN apt \\\n    install -y curl\n",
        "FROM debian\nRUN apt-get \\\n    install -y curl\n",
        id="subcommand-on-next-line"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


UNSAFE_FIXES = [
    pytest.param(
        "FROM myorg/base\nRUN apt install -y x\n",
        "FROM myorg/base\nRUN apt-get install -y x\n",
        id="unknown-base-keeps-archives"),
    pytest.param(
        "FROM ${BASE}\nRUN apt upgrade -y\n",
        "FROM ${BASE}\nRUN apt-get upgrade --with-new-pkgs -y\n",
        id="base-from-arg"),
    pytest.param(
        "FROM debian\nRUN apt -qq install x || true\n",
        "FROM debian\nRUN apt-get -qq install x || true\n",
        id="qq-implies-yes-for-apt-get-only"),
]


@pytest.mark.parametrize(("before", "after"), UNSAFE_FIXES)
def test_unsafe_fix_needs_opt_in(before, after):
    assert_unsafe_fix(before, after, select=ID)


NO_CHANGE = [
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y curl\n", id="already-apt-get"),
    pytest.param("FROM debian\nRUN apt show curl\n", id="show-query"),
    pytest.param("FROM debian\nRUN apt list --installed > /pkgs.txt\n", id="list-query"),
    pytest.param("FROM debian\nRUN apt policy curl\n", id="policy-query"),
    pytest.param("FROM debian\nRUN apt search curl\n", id="search-query"),
    pytest.param("FROM debian\nRUN apt edit-sources\n", id="edit-sources"),
    pytest.param("FROM debian\nRUN apt $CMD curl\n", id="subcommand-from-variable"),
    pytest.param("FROM debian\nRUN 'apt' install -y curl\n", id="quoted-command-word"),
    pytest.param("FROM debian\nRUN apt-cache policy curl && aptitude install -y x\n", id="other-apt-tools"),
    pytest.param('FROM debian\nRUN ["apt", "install", "-y", "curl"]\n', id="exec-form"),
    pytest.param("FROM debian\nRUN sh -c 'apt install -y curl'\n", id="sh-c-left-alone"),
    pytest.param("FROM debian\n# dockeropt: ignore=apt-get-over-apt\nRUN apt install -y curl\n", id="suppressed"),
    pytest.param("FROM debian\n# hadolint ignore=DL3027\nRUN apt install -y curl\n", id="hadolint-suppressed"),
    pytest.param('FROM debian\nSHELL ["pwsh", "-c"]\nRUN apt install -y curl\n', id="non-posix-shell"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert_unchanged(before, select=ID)


def test_query_commands_are_suggestions_pointing_at_apt_cache():
    result = rewrite("FROM debian\nRUN apt show curl\n", select=ID)
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION
    assert "apt-cache show" in reported.finding.message


def test_unsafe_risk_names_the_kept_archives():
    result = rewrite("FROM myorg/base\nRUN apt install -y x\n", select=ID)
    assert "/var/cache/apt/archives" in result.findings[0].finding.risk


@pytest.mark.parametrize(("reference", "name"), [
    ("debian:bookworm-slim", "debian"),
    ("docker.io/library/python:3.12", "python"),
    ("mirror.gcr.io/library/ubuntu:24.04", "ubuntu"),
    ("localhost:5000/ubuntu", "ubuntu"),
    ("ubuntu@sha256:abc", "ubuntu"),
    ("myorg/python:3.12", None),
    ("ghcr.io/myorg/debian", None),
    ("${BASE}", None),
])
def test_official_name(reference, name):
    assert official_name(reference) == name
