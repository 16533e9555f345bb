"""DO105 apt-assume-yes: fix table, unsafe table and no-change table."""

from __future__ import annotations

import pytest

from optimizer.pipeline import Status

from .helpers import assert_safe_fix, assert_unchanged, assert_unsafe_fix, rewrite

ID = "apt-assume-yes"

FIXES = [
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get install curl\n",
        "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
        id="install"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get install --no-install-recommends curl\n",
        "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
        id="right-after-subcommand"),
    pytest.param(
        "FROM debian\nRUN apt-get -q update && apt-get -q install curl\n",
        "FROM debian\nRUN apt-get -q update && apt-get -q install -y curl\n",
        id="single-q-is-not-yes"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get dist-upgrade --force-yes\n",
        "FROM debian\nRUN apt-get update && apt-get dist-upgrade -y --force-yes\n",
        id="force-yes-does-not-answer"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get upgrade && apt-get autoremove && apt-get purge x\n",
        "FROM debian\nRUN apt-get update && apt-get upgrade -y && apt-get autoremove -y && apt-get purge -y x\n",
        id="upgrade-autoremove-purge"),
    pytest.param(
        "FROM debian\nRUN apt install -qq curl\n",
        "FROM debian\nRUN apt install -y -qq curl\n",
        id="apt-binary-qq-still-asks"),
    pytest.param(
        "FROM ubuntu\nRUN sudo DEBIAN_FRONTEND=noninteractive apt-get install x\n",
        "FROM ubuntu\nRUN sudo DEBIAN_FRONTEND=noninteractive apt-get install -y x\n",
        id="sudo-and-env"),
    pytest.param(
        "FROM debian\nRUN set -eux; apt-get update; apt-get install curl; rm -rf /var/lib/apt/lists/*\n",
        "FROM debian\nRUN set -eux; apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists/*\n",
        id="set-e-semicolons"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get install \\\n    # the client\n    curl\n",
        "FROM debian\nRUN apt-get update && apt-get install -y \\\n    # the client\n    curl\n",
        id="comment-in-continuation"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get \\\n    install \\\n    curl\n",
        "FROM debian\nRUN apt-get update && apt-get \\\n    install -y \\\n    curl\n",
        id="subcommand-alone-on-its-line"),
    pytest.param(
        "FROM debian\r\nRUN apt-get update \\\r\n && apt-get install curl\r\n",
        "FROM debian\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n",
        id="crlf"),
    pytest.param(
        "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install curl\nEOF\n",
        "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n",
        id="heredoc-set-e"),
    pytest.param(
        "FROM debian\nONBUILD RUN apt-get update && apt-get install curl\n",
        "FROM debian\nONBUILD RUN apt-get update && apt-get install -y curl\n",
        id="onbuild"),
    pytest.param(
        "FROM debian AS build\nRUN apt-get install gcc\nFROM debian\nRUN apt-get install curl\n",
        "FROM debian AS build\nRUN apt-get install -y gcc\nFROM debian\nRUN apt-get install -y curl\n",
        id="multi-stage"),
    pytest.param(
        "FROM debian\nRUN apt-get install curl </dev/null\n",
        "FROM debian\nRUN apt-get install -y curl </dev/null\n",
        id="stdin-dev-null"),
    pytest.param(
        "FROM debian\nRUN echo 'APT::Get::Assume-Yes \"false\";' > /etc/apt/apt.conf.d/90no\n"
        "RUN apt-get install curl\n",
        "FROM debian\nRUN echo 'APT::Get::Assume-Yes \"false\";' > /etc/apt/apt.conf.d/90no\n"
        "RUN apt-get install -y curl\n",
        id="config-says-false"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


UNSAFE_FIXES = [
    pytest.param(
        "FROM debian\nRUN apt-get install curl || true\n",
        "FROM debian\nRUN apt-get install -y curl || true\n",
        id="failure-tolerated-by-or"),
    pytest.param(
        "FROM debian\nRUN apt-get install curl; echo done\n",
        "FROM debian\nRUN apt-get install -y curl; echo done\n",
        id="semicolon-without-set-e"),
    pytest.param(
        "FROM debian\nRUN if true; then apt-get install curl; fi\n",
        "FROM debian\nRUN if true; then apt-get install -y curl; fi\n",
        id="nested-in-if"),
    pytest.param(
        "FROM debian\nRUN apt-get install curl | tee /log\n",
        "FROM debian\nRUN apt-get install -y curl | tee /log\n",
        id="pipeline"),
    pytest.param(
        "FROM debian\nRUN set -e; apt-get install curl && echo ok; echo more\n",
        "FROM debian\nRUN set -e; apt-get install -y curl && echo ok; echo more\n",
        id="set-e-ignored-inside-and-list"),
]


@pytest.mark.parametrize(("before", "after"), UNSAFE_FIXES)
def test_unsafe_fix_needs_opt_in(before, after):
    assert_unsafe_fix(before, after, select=ID)


NO_CHANGE = [
    pytest.param("FROM debian\nRUN apt-get install -y curl\n", id="has-y"),
    pytest.param("FROM debian\nRUN apt-get install --yes curl\n", id="has-yes"),
    pytest.param("FROM debian\nRUN apt-get --assume-yes install curl\n", id="has-assume-yes"),
    pytest.param("FROM debian\nRUN apt-get install -yq curl\n", id="bundled-yq"),
    pytest.param("FROM debian\nRUN apt-get install -qy curl\n", id="bundled-qy"),
    pytest.param("FROM debian\nRUN apt-get -qq install curl\n", id="qq-implies-y"),
    pytest.param("FROM debian\nRUN apt-get -q -q install curl\n", id="q-q-implies-y"),
    pytest.param("FROM debian\nRUN apt-get -q=2 install curl\n", id="q-equals-2"),
    pytest.param("FROM debian\nRUN apt-get -o APT::Get::Assume-Yes=true install curl\n", id="option-assume-yes"),
    pytest.param("FROM debian\nRUN apt-get --option=APT::Get::Assume-Yes=1 install curl\n", id="long-option"),
    pytest.param("FROM debian\nRUN apt-get --assume-no install curl\n", id="assume-no"),
    pytest.param("FROM debian\nRUN apt-get --trivial-only install curl\n", id="trivial-only"),
    pytest.param("FROM debian\nRUN yes | apt-get install curl\n", id="yes-pipe"),
    pytest.param("FROM debian\nRUN echo y | \\\n    apt-get install curl\n", id="echo-pipe-continued"),
    pytest.param("FROM debian\nRUN apt-get install curl < answers.txt\n", id="stdin-redirect"),
    pytest.param("FROM debian\nRUN apt-get install curl <<EOF\ny\nEOF\n", id="stdin-heredoc"),
    pytest.param("FROM debian\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n"
                 "RUN apt-get install curl\n", id="earlier-config"),
    pytest.param("FROM debian AS base\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n"
                 "FROM base\nRUN apt-get install curl\n", id="config-in-parent-stage"),
    pytest.param("FROM debian\nRUN echo 'APT::Get::Assume-Yes \"1\";' > /etc/apt/apt.conf.d/90yes && "
                 "apt-get install curl\n", id="config-in-same-run"),
    pytest.param("FROM debian\nRUN apt-get update && apt-get clean && apt-get source x && apt-get download x\n",
                 id="commands-that-never-ask"),
    pytest.param("FROM debian\nRUN apt-get $ACTION curl\n", id="subcommand-from-variable"),
    pytest.param('FROM debian\nRUN ["apt-get", "install", "curl"]\n', id="exec-form"),
    pytest.param("FROM debian\n# dockeropt: ignore=DO105\nRUN apt-get install curl\n", id="suppressed"),
    pytest.param("FROM debian\n# hadolint ignore=DL3014\nRUN apt-get install curl\n", id="hadolint-suppressed"),
    pytest.param("FROM mcr.microsoft.com/windows/servercore\nRUN apt-get install curl\n", id="windows"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert_unchanged(before, select=ID)


def test_finding_points_at_the_run():
    result = rewrite("FROM debian\n\nRUN apt-get update \\\n && apt-get install curl\n", select=ID)
    (reported,) = result.findings
    assert reported.line == 3 and reported.status is Status.APPLIED
    assert "apt-get install" in reported.finding.message
