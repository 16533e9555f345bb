"""DO111 exec-form: fix table, report-only table and no-change table."""

from __future__ import annotations

import pytest

from optimizer.pipeline import Status

from .helpers import assert_rewrites, assert_unchanged, assert_unsafe_fix, rewrite

ID = "exec-form"

FIXES = [
    pytest.param("FROM node:22\nCMD node server.js\n", 'FROM node:22\nCMD ["node", "server.js"]\n', id="cmd"),
    pytest.param("FROM node:22\nENTRYPOINT /usr/bin/tini -- node a.js\n",
                 'FROM node:22\nENTRYPOINT ["/usr/bin/tini", "--", "node", "a.js"]\n', id="entrypoint"),
    pytest.param("FROM a\ncmd exec python -m app\n", 'FROM a\ncmd ["python", "-m", "app"]\n', id="exec-dropped-case-kept"),
    pytest.param("FROM a\nCMD echo 'hello world' \"it's\"\n", 'FROM a\nCMD ["echo", "hello world", "it\'s"]\n',
                 id="quoted-words"),
    pytest.param("FROM a\r\n# start\r\nCMD app \\\r\n  --port 80\r\n", 'FROM a\r\n# start\r\nCMD ["app", "--port", "80"]\r\n',
                 id="crlf-continuation-comment-above-kept"),
    pytest.param("FROM a\nCMD app", 'FROM a\nCMD ["app"]', id="no-final-newline"),
    pytest.param("FROM a\n  CMD app --port 80\n", 'FROM a\n  CMD ["app", "--port", "80"]\n', id="indentation-kept"),
    pytest.param("FROM a\nCMD app é\n", 'FROM a\nCMD ["app", "é"]\n', id="non-ascii-kept-readable"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_unsafe_fix(before, after, select=ID)


def test_every_stage():
    assert_rewrites("FROM a AS base\nCMD app\nFROM a\nCMD srv\n", 'FROM a AS base\nCMD ["app"]\nFROM a\nCMD ["srv"]\n',
                    select=ID, unsafe=True)


REPORTED = [
    pytest.param("FROM a\nENTRYPOINT app\nCMD --help\n", id="entrypoint-with-cmd"),
    pytest.param("FROM a AS base\nENTRYPOINT app\nFROM base\nCMD --help\n", id="entrypoint-with-cmd-in-child-stage"),
    pytest.param('FROM a\nENTRYPOINT ["tini", "--"]\nCMD app\n', id="cmd-under-entrypoint"),
    pytest.param('FROM a AS base\nENTRYPOINT ["tini"]\nFROM base\nCMD app\n', id="cmd-under-inherited-entrypoint"),
]


@pytest.mark.parametrize("before", REPORTED)
def test_reported_without_fix(before):
    result = assert_unchanged(before, select=ID)
    assert [r.status for r in result.findings] == [Status.SUGGESTION]
    assert result.findings[0].finding.risk


NO_CHANGE = [
    pytest.param('FROM a\nCMD ["app"]\n', id="already-exec"),
    pytest.param("FROM a\nCMD app --port $PORT\n", id="variable"),
    pytest.param("FROM a\nCMD app *.conf\n", id="glob"),
    pytest.param("FROM a\nCMD app ~/conf\n", id="tilde"),
    pytest.param("FROM a\nCMD app > /log\n", id="redirect"),
    pytest.param("FROM a\nCMD migrate && serve\n", id="two-commands"),
    pytest.param("FROM a\nCMD app | tee log\n", id="pipeline"),
    pytest.param("FROM a\nCMD PORT=80 app\n", id="assignment"),
    pytest.param("FROM a\nCMD cd /app\n", id="builtin"),
    pytest.param("FROM a\nCMD . /env\n", id="dot-builtin"),
    pytest.param("FROM a\nCMD sudo app\n", id="wrapper"),
    pytest.param('FROM a\nSHELL ["/bin/bash", "-c"]\nCMD app\n', id="shell-set"),
    pytest.param('FROM a AS base\nSHELL ["pwsh", "-c"]\nFROM base\nCMD app\n', id="shell-set-in-parent"),
    pytest.param("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD app.exe\n", id="windows"),
    pytest.param("FROM a\nONBUILD CMD app\n", id="onbuild"),
    pytest.param("FROM a\n# hadolint ignore=DL3025\nCMD app\n", id="suppressed-hadolint"),
    pytest.param("FROM a\n# dockeropt: ignore=exec-form\nCMD app\n", id="suppressed"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    result = assert_unchanged(before, select=ID)
    assert not result.findings


def test_finding_shows_the_exec_form_and_hadolint_rule():
    (reported,) = rewrite("FROM a\nCMD app -v\n", select=ID).findings
    assert '`CMD ["app", "-v"]`' in reported.finding.message
    assert reported.hadolint == ("DL3025",)
