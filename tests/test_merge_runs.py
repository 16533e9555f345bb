"""DO113 merge-runs: fix table, report-only table, no-finding table, and the merged scripts run by a
real shell against the separate RUNs (same failure, same output)."""

from __future__ import annotations

import itertools
import shutil
import subprocess

import pytest

from optimizer.model import parse

from .helpers import assert_reported_without_fix, assert_rewrites, assert_unchanged, assert_unsafe_fix, rewrite

ID = "merge-runs"

FIXES = [
    pytest.param("FROM alpine\nRUN mkdir /data\nRUN chown nobody /data\n",
                 "FROM alpine\nRUN mkdir /data && \\\n    chown nobody /data\n", id="two-one-liners"),
    pytest.param("FROM alpine\nRUN mkdir /data\n\n# owned by nobody\n\n# (the app's user)\nRUN chown nobody /data\n",
                 "FROM alpine\nRUN mkdir /data && \\\n# owned by nobody\n# (the app's user)\n    chown nobody /data\n",
                 id="comments-kept-byte-exact-blank-lines-dropped"),
    pytest.param("FROM debian:12\nRUN apt-get update \\\n && apt-get install -y curl\nRUN curl --version\n",
                 "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y curl \\\n && curl --version\n",
                 id="leading-and-style-of-the-first-run"),
    pytest.param("FROM alpine\nRUN a; b\nRUN c || d\n",
                 "FROM alpine\nRUN (a; b) && \\\n    (c || d)\n", id="own-status-grouped"),
    pytest.param("FROM alpine\nRUN cd /tmp && make\nRUN cd /src && make\n",
                 "FROM alpine\nRUN (cd /tmp && make) && \\\n    cd /src && make\n", id="cd-isolated-last-part-plain"),
    pytest.param("FROM alpine\nRUN export A=1\nRUN A=2\nRUN echo $A\n",
                 "FROM alpine\nRUN (export A=1) && \\\n    (A=2) && \\\n    echo $A\n", id="variables-isolated"),
    pytest.param("FROM alpine\nRUN (cd x && make)\nRUN (a) || b\n",
                 "FROM alpine\nRUN (cd x && make) && \\\n    ( (a) || b)\n", id="subshell-kept-no-arithmetic-double-paren"),
    pytest.param("FROM alpine\nRUN a;\nRUN b\n", "FROM alpine\nRUN a && \\\n    b\n", id="trailing-semicolon"),
    pytest.param("FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n"
                 "RUN --mount=type=cache,target=/go/pkg/mod go build ./...\n",
                 "FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod go mod download && \\\n    go build ./...\n",
                 id="identical-cache-mounts"),
    pytest.param('FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -s x | tar -x\nRUN make\n',
                 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -s x | tar -x && \\\n    make\n',
                 id="pipefail-shell"),
    pytest.param("FROM alpine\nRUN set -eux && apk add git\nRUN git --version\n",
                 "FROM alpine\nRUN (set -eux && apk add git) && \\\n    git --version\n", id="errexit-in-a-plain-chain"),
    pytest.param("FROM alpine\nRUN a\nRUN set -e; b\n",
                 "FROM alpine\nRUN a && \\\n    (set -e; b)\n", id="errexit-in-the-last-part"),
    pytest.param("FROM alpine\r\nRUN a\r\n# c\r\nRUN b\r\n", "FROM alpine\r\nRUN a && \\\r\n# c\r\n    b\r\n", id="crlf"),
    pytest.param("# escape=`\nFROM alpine\nRUN a\nRUN b\n", "# escape=`\nFROM alpine\nRUN a && `\n    b\n",
                 id="escape-directive"),
    pytest.param("FROM alpine\nRUN a\nRUN b \\\n    --flag\n", "FROM alpine\nRUN a && \\\n    b \\\n    --flag\n",
                 id="multi-line-second-run"),
    pytest.param("FROM alpine\nRUN a\nRUN b > /log\nRUN c\n",
                 "FROM alpine\nRUN a && \\\n    b > /log && \\\n    c\n", id="redirect-stays-on-its-command"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_unsafe_fix(before, after, select=ID)


REPORTED = [
    pytest.param("FROM alpine\nRUN a # note\nRUN b\n", "shell comment", id="trailing-shell-comment"),
    pytest.param("FROM alpine\nRUN a &\nRUN b\n", "background", id="background-job"),
    pytest.param("FROM alpine\nRUN a & b\nRUN c\n", "background", id="background-step"),
    pytest.param("FROM alpine\nRUN set -e; a\nRUN b\n", "set -e", id="errexit-script"),
    pytest.param('FROM alpine\nSHELL ["/bin/sh", "-e", "-c"]\nRUN a; b\nRUN c\n', "set -e", id="errexit-shell"),
    pytest.param("FROM alpine\nRUN . /env; a\nRUN b\n", "set -e", id="sourced-file-may-set-errexit"),
    pytest.param("FROM debian\nRUN ln -sf /bin/bash /bin/sh\nRUN source /x\n", "replace the shell", id="replaces-sh"),
    pytest.param("FROM debian\nRUN dpkg-reconfigure dash\nRUN b\n", "replace the shell", id="reconfigures-dash"),
    pytest.param('FROM debian\nSHELL ["/bin/bash", "--login", "-c"]\nRUN a\nRUN nvm install 20\n', "start-up files",
                 id="login-shell"),
    pytest.param("FROM debian\nENV BASH_ENV=/etc/profile.d/env.sh\nRUN a\nRUN b\n", "start-up files", id="bash-env"),
    pytest.param("FROM alpine\nRUN --mount=type=tmpfs,target=/t a\nRUN --mount=type=tmpfs,target=/t b\n", "tmpfs",
                 id="tmpfs-mount-fresh-per-run"),
    pytest.param("FROM alpine\nRUN --mount=type=bind,target=/s,rw a\nRUN --mount=type=bind,target=/s,rw b\n", "bind",
                 id="read-write-bind-mount"),
]


@pytest.mark.parametrize(("before", "why"), REPORTED)
def test_reported_without_fix(before, why):
    assert_reported_without_fix(before, why, select=ID)


NOTHING = [
    pytest.param("FROM alpine\nRUN a\n", id="one-run"),
    pytest.param("FROM alpine\nRUN a && b && c\nRUN d\n", id="three-commands-kept-apart-on-purpose"),
    pytest.param("FROM alpine\nRUN a\nRUN b | c | d\n", id="three-commands-in-a-pipeline"),
    pytest.param("FROM alpine\nRUN --network=none a\nRUN b\n", id="different-flags"),
    pytest.param('FROM alpine\nRUN ["a"]\nRUN b\n', id="exec-form"),
    pytest.param("FROM alpine\nRUN <<EOF\na\nEOF\nRUN b\n", id="heredoc"),
    pytest.param("FROM alpine\nRUN a\nENV X=1\nRUN b\n", id="env-between"),
    pytest.param("FROM alpine\nRUN a\nARG X\nRUN b\n", id="arg-between"),
    pytest.param("FROM alpine\nRUN a\nUSER nobody\nRUN b\n", id="user-between"),
    pytest.param("FROM alpine\nRUN a\nCOPY x /x\nRUN b\n", id="copy-between"),
    pytest.param("FROM alpine\nRUN a\nFROM alpine\nRUN b\n", id="other-stage"),
    pytest.param("FROM alpine\nONBUILD RUN a\nONBUILD RUN b\n", id="onbuild"),
    pytest.param("FROM alpine\nRUN a\n# dockeropt: ignore=DO113\nRUN b\n", id="suppressed-by-id"),
    pytest.param("FROM alpine\nRUN a\n# hadolint ignore=DL3059\nRUN b\n", id="suppressed-for-hadolint"),
    pytest.param("FROM debian\nRUN apt-get update\n# dockeropt: ignore=DO102\nRUN apt-get install -y curl\n",
                 id="another-rules-suppression-would-move-inside"),
    pytest.param("FROM debian\n# hadolint ignore=DL3008\nRUN apt-get install -y curl\nRUN apt-get install -y git\n",
                 id="a-suppression-would-spread-to-the-next-run"),
    pytest.param('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\nRUN echo hi\n', id="windows"),
]


@pytest.mark.parametrize("before", NOTHING)
def test_nothing_reported(before):
    assert not assert_unchanged(before, select=ID).findings


def test_a_workdir_between_makes_two_merges():
    result = assert_rewrites("FROM alpine\nRUN a\nRUN b\nWORKDIR /x\nRUN c\nRUN d\n",
                             "FROM alpine\nRUN a && \\\n    b\nWORKDIR /x\nRUN c && \\\n    d\n", select=ID, unsafe=True)
    assert [r.line for r in result.applied] == [3, 6]


def test_a_part_that_cannot_come_first_splits_the_merge():
    before = "FROM alpine\nRUN a\nRUN b # note\nRUN c\nRUN d\n"
    result = rewrite(before, select=ID, unsafe=True)
    assert result.text == "FROM alpine\nRUN a && \\\n    b # note\nRUN c && \\\n    d\n"
    assert sorted((r.line, r.status.value) for r in result.findings) == [(3, "applied"), (4, "suggestion"), (5, "applied")]


def test_finding_names_the_lines_and_the_cache_cost_and_resolves_dl3059():
    (reported,) = rewrite("FROM alpine\nRUN a\n\nRUN b\nRUN c\n", select=ID).findings
    assert reported.line == 4 and reported.finding.end_line == 5  # where hadolint reports DL3059
    assert "lines 2, 4, 5" in reported.finding.message
    assert "re-runs both" in reported.finding.risk and reported.hadolint == ("DL3059",)


def test_apt_update_alone_is_left_to_do101_and_the_whole_pipeline_settles():
    before = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nRUN mkdir /data\n"
    result = rewrite(before, unsafe=True)
    assert [r.pass_.id for r in result.applied][:1] == ["DO101"]  # SAFE, first: one RUN for update and install
    again = rewrite(result.text, unsafe=True)
    assert again.text == result.text and not again.applied


# --- the merged script, run by a real shell, against the separate RUNs ---------------------------------

BODIES = ["true", "false", "false; true", "true; false", "cd /; pwd", "pwd", "X=1", "echo x=$X", "exit 0",
          "false || echo rescued", "true || false", "echo a | false", "(exit 3)", "set -u; echo ${Y:-y}",
          "export Z=1; echo z=$Z", "echo z=${Z:-unset}", "set -eu && echo on", "umask 077", "umask",
          "f() { echo f; }; f", "type f >/dev/null 2>&1 && echo has-f || echo no-f", "echo end;",
          "false && echo never", "set -e && false", "trap 'echo trapped' EXIT", "shift 2>/dev/null; echo $#"]
SHELLS = [("/bin/sh", "-c"), ("/bin/bash", "-o", "pipefail", "-c"), ("/bin/sh", "-e", "-c")]


def _separately(shell, bodies, cwd, alone: dict) -> tuple[bool, str]:
    """What the RUNs do one by one: each a fresh shell, the build stopping at the first failure."""
    out = ""
    for body in bodies:
        if body not in alone:
            run = subprocess.run([*shell, body], capture_output=True, text=True, cwd=cwd)
            alone[body] = (run.returncode == 0, run.stdout)
        ok, printed = alone[body]
        out += printed
        if not ok:
            return False, out
    return True, out


def _merged(shell, bodies) -> str | None:
    """The body of the RUN the pass makes of ``bodies`` (None: no fix)."""
    shell_line = f"SHELL {list(shell)}\n".replace("'", '"') if shell != SHELLS[0] else ""
    text = "FROM alpine\n" + shell_line + "".join(f"RUN {b}\n" for b in bodies)
    result = rewrite(text, select=ID, unsafe=True)
    runs = [i for i in parse(result.text).instructions if i.keyword == "RUN"]
    return runs[0].arguments.text if len(runs) == 1 else None


@pytest.mark.parametrize("shell", SHELLS, ids=["sh", "bash-pipefail", "sh-errexit"])
def test_merged_runs_fail_and_print_as_the_separate_runs(shell, tmp_path):
    if not shutil.which(shell[0]):
        pytest.skip(f"{shell[0]} is not installed")
    compared, alone = 0, {}
    for bodies in itertools.chain(itertools.permutations(BODIES, 2), [BODIES[4:8], BODIES[13:17]]):
        merged = _merged(shell, bodies)
        if merged is None:
            continue
        compared += 1
        run = subprocess.run([*shell, merged], capture_output=True, text=True, cwd=tmp_path)
        assert (run.returncode == 0, run.stdout) == _separately(shell, bodies, tmp_path, alone), (bodies, merged)
    assert compared > 300
