"""DO101 apt-update-with-install: fix table and no-change table."""

from __future__ import annotations

import pytest

from optimizer.pipeline import Status

from .helpers import assert_safe_fix, assert_unchanged, assert_unsafe_fix, rewrite

ID = "apt-update-with-install"

FIXES = [
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n",
        "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
        id="lone-update"),
    pytest.param(
        "FROM debian\nRUN apt update\nRUN apt install -y curl\n",
        "FROM debian\nRUN apt update && apt install -y curl\n",
        id="apt"),
    pytest.param(
        "FROM debian\nRUN apt-get -qq update\nRUN DEBIAN_FRONTEND=noninteractive apt-get install -y x\n",
        "FROM debian\nRUN apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get install -y x\n",
        id="qq-and-env-prefix"),
    pytest.param(
        "FROM ubuntu\nRUN sudo apt-get update\nRUN sudo apt-get install -y x\n",
        "FROM ubuntu\nRUN sudo apt-get update && sudo apt-get install -y x\n",
        id="sudo"),
    pytest.param(
        "FROM debian\n# refresh\nRUN apt-get update\n\nRUN apt-get install -y a && rm -rf /var/lib/apt/lists/*\n",
        "FROM debian\n# refresh\n\nRUN apt-get update && apt-get install -y a && rm -rf /var/lib/apt/lists/*\n",
        id="comment-kept"),
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN set -eux; apt-get install -y a; rm -rf /var/lib/apt/lists/*\n",
        "FROM debian\nRUN set -eux; apt-get update; apt-get install -y a; rm -rf /var/lib/apt/lists/*\n",
        id="set-e-semicolons"),
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN apt-get install -y a \\\n    # why b\n    b \\\n && echo done\n",
        "FROM debian\nRUN apt-get update && apt-get install -y a \\\n    # why b\n    b \\\n && echo done\n",
        id="comment-in-continuation"),
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN apt-get install -y a\nRUN echo hi\nRUN apt-get install -y b\n",
        "FROM debian\nRUN apt-get update && apt-get install -y a\nRUN echo hi\nRUN apt-get update && apt-get install -y b\n",
        id="several-installs"),
    pytest.param(
        "FROM debian AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y a\n",
        "FROM debian AS base\nFROM base\nRUN apt-get update && apt-get install -y a\n",
        id="update-in-parent-stage"),
    pytest.param(
        "FROM debian\nONBUILD RUN apt-get update\nONBUILD RUN apt-get install -y a\n",
        "FROM debian\nONBUILD RUN apt-get update && apt-get install -y a\n",
        id="onbuild"),
    pytest.param(
        "FROM debian\nRUN apt-get update && apt-get install -y a\nRUN apt-get install -y b\n",
        "FROM debian\nRUN apt-get update && apt-get install -y a\nRUN apt-get update && apt-get install -y b\n",
        id="install-relying-on-earlier-layer"),
    pytest.param(
        "FROM debian\r\nRUN apt-get update\r\nRUN apt-get install -y a \\\r\n  b\r\n",
        "FROM debian\r\nRUN apt-get update && apt-get install -y a \\\r\n  b\r\n",
        id="crlf"),
    pytest.param(
        "FROM debian\r\nRUN apt-get update\r\nRUN <<EOF\r\nset -e\r\napt-get install -y a\r\necho ok\r\nEOF\r\n",
        "FROM debian\r\nRUN <<EOF\r\nset -e\r\napt-get update\r\napt-get install -y a\r\necho ok\r\nEOF\r\n",
        id="crlf-heredoc-line"),
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN apt-get install -y a",
        "FROM debian\nRUN apt-get update && apt-get install -y a",
        id="no-final-newline"),
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN <<EOF\nset -e\napt-get install -y a\necho ok\nEOF\n",
        "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y a\necho ok\nEOF\n",
        id="heredoc-set-e"),
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y a\n",
        "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y a\n",
        id="install-with-mount"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


UNSAFE_FIXES = [
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN apt-get install -y a; echo done\n",
        "FROM debian\nRUN apt-get update && apt-get install -y a; echo done\n",
        id="semicolon-without-set-e"),
    pytest.param(
        "FROM debian\nRUN apt-get update\nRUN if true; then apt-get install -y a; fi\n",
        "FROM debian\nRUN if true; then apt-get update && apt-get install -y a; fi\n",
        id="nested-in-if"),
    pytest.param(
        "FROM python:3.12\nRUN apt-get update\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
        "FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
        id="update-without-install"),
]


@pytest.mark.parametrize(("before", "after"), UNSAFE_FIXES)
def test_unsafe_fix_needs_opt_in(before, after):
    assert_unsafe_fix(before, after, select=ID)


NO_CHANGE = [
    pytest.param("FROM debian\nRUN apt-get update && apt-get install -y a\n", id="already-merged"),
    pytest.param("FROM debian\nONBUILD RUN apt-get update\n", id="onbuild-update-serves-children"),
    pytest.param("FROM debian\nRUN apt-get install -y a\n", id="install-without-any-update"),
    pytest.param("FROM debian\nRUN apt-get update\nRUN apt-cache policy a\nRUN apt-get install -y a\n",
                 id="apt-cache-reads-lists"),
    pytest.param('FROM debian\nRUN apt-get update\nRUN ["apt-get", "install", "-y", "a"]\n', id="exec-form-user"),
    pytest.param("FROM debian\nRUN apt-get update\nRUN true || apt-get install -y a\n", id="or-chain"),
    pytest.param("FROM debian\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\nRUN apt-get install -y a\n",
                 id="lone-update-has-flags"),
    pytest.param("FROM debian\n# dockeropt: ignore=apt-update-with-install\nRUN apt-get update\nRUN apt-get install -y a\n",
                 id="suppressed"),
    pytest.param("FROM debian\n# dockeropt: ignore=DO101\nRUN apt-get update\nRUN apt-get install -y a\n",
                 id="suppressed-by-id"),
    pytest.param("FROM mcr.microsoft.com/windows/servercore\nRUN apt-get update\nRUN apt-get install -y a\n",
                 id="windows"),
    pytest.param('FROM debian\nSHELL ["pwsh", "-c"]\nRUN apt-get update\nRUN apt-get install -y a\n',
                 id="non-posix-shell"),
    pytest.param("FROM debian\nRUN sh -c 'apt-get update'\nRUN apt-get install -y a\n", id="sh-c-left-alone"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert_unchanged(before, select=ID)


def test_finding_explains_and_points_at_the_lone_update():
    result = rewrite("FROM debian\n\nRUN apt-get update\nRUN apt-get install -y a\n", select=ID)
    (reported,) = result.findings
    assert reported.line == 3 and reported.status is Status.APPLIED
    assert "line 4" in reported.finding.message


def test_install_in_an_unrelated_stage_does_not_use_the_update():
    before = "FROM debian\nRUN apt-get update\nFROM debian\nRUN apt-get install -y a\n"
    (reported,) = rewrite(before, select=ID).findings
    assert reported.status is Status.NEEDS_UNSAFE and "nothing after it installs" in reported.finding.message
