"""Hostile and odd inputs: dockeropt answers with one clear line and exit 2, never blocks, never
damages a file, never reads outside the build context and never runs anything from a Dockerfile."""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import optimizer.pipeline
from optimizer.cli import main
from optimizer.config import Config
from optimizer.fileio import MAX_BYTES
from optimizer.passes import PASSES
from optimizer.pipeline import TimeLimitExceeded, optimize
from optimizer.record import replace
from .helpers import invoke

SPLIT = b"FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"
MERGED = b"FROM debian\nRUN apt-get update && apt-get install -y curl\n"
CLEAN = b"FROM debian\nCMD [\"true\"]\n"
DOCKEROPT = Path(sys.executable).parent / "dockeropt"


def run(*args, input=None):
    """The CLI in-process with only DO101, so the expected rewrite stays SPLIT -> MERGED."""
    return invoke(main, ["--select", "DO101", *args], input=input)


def garbage() -> bytes:
    return random.Random(8).randbytes(4096)


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(b"FROM a\nRUN echo \x00 hi\n", ":2: binary file (NUL byte) is not a Dockerfile", id="nul-byte"),
    pytest.param(garbage(), ":1: binary file (NUL byte) is not a Dockerfile", id="binary-garbage"),
    pytest.param("FROM a\n".encode("utf-16"), ":1: UTF-16 text is not supported; save the Dockerfile as UTF-8",
                 id="utf-16-bom"),
    pytest.param(b"\xfe\xff" + "FROM a\n".encode("utf-16-be"), ":1: UTF-16 text is not supported", id="utf-16-be-bom"),
    pytest.param("FROM a\n".encode("utf-16-le"), ":1: binary file (NUL byte)", id="utf-16-without-bom"),
    pytest.param("FROM a\n".encode("utf-32"), ":1: UTF-32 text is not supported", id="utf-32-bom"),
    pytest.param(b"", ":1: file with no instructions", id="empty"),
    pytest.param(b"# just a comment\n\n", ":2: file with no instructions", id="only-comments"),
    pytest.param(b"FROM a\nRUN <<EOF\necho\n", ":2: unterminated heredoc <<EOF", id="unterminated-heredoc"),
])
def test_bad_content_is_one_clear_line_exit_2_and_untouched(tmp_path, content, message):
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    for mode in ("--write", "--check", "--diff"):
        result = run(mode, str(path))
        assert result.exit_code == 2, mode
        assert result.stderr.startswith(f"{path}{message}"), result.stderr
        assert path.read_bytes() == content


def test_invalid_utf8_is_kept_byte_exact_in_and_around_rewritten_lines(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b'FROM debian\nLABEL note="caf\xe9 \xff"\nRUN apt-get update\nRUN apt-get install -y \xfe\xfa\n')
    assert run("--write", str(path)).exit_code == 0
    assert path.read_bytes() == b'FROM debian\nLABEL note="caf\xe9 \xff"\nRUN apt-get update && apt-get install -y \xfe\xfa\n'


def test_invalid_utf8_in_json_and_diff_output(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(SPLIT.replace(b"curl", b"curl-\xff"))
    report = json.loads(run("--format", "json", str(path)).stdout_bytes.decode("utf-8", "surrogateescape"))
    assert report["files"][0]["path"] == str(path)
    assert b"+RUN apt-get update && apt-get install -y curl-\xff" in run(str(path)).stdout_bytes


@pytest.mark.parametrize(("kind", "message"), [
    pytest.param("fifo", "not a regular file (a FIFO, socket or device); not read", id="fifo"),
    pytest.param("symlink-to-fifo", "not a regular file (a FIFO, socket or device); not read", id="symlink-to-fifo"),
    pytest.param("device", "not a regular file (a FIFO, socket or device); not read", id="dev-null"),
    pytest.param("missing", "no such file", id="missing"),
    pytest.param("broken-symlink", "broken symbolic link", id="broken-symlink"),
])
def test_a_path_that_is_not_a_regular_file_is_refused_without_blocking(tmp_path, kind, message):
    path = tmp_path / "Dockerfile"
    if kind in ("fifo", "symlink-to-fifo"):
        os.mkfifo(tmp_path / "fifo")
        path = tmp_path / "fifo" if kind == "fifo" else path
        if kind == "symlink-to-fifo":
            path.symlink_to(tmp_path / "fifo")
    elif kind == "device":
        path = Path(os.devnull)
    elif kind == "broken-symlink":
        path.symlink_to(tmp_path / "gone")
    # A real process with a timeout: a FIFO opened for reading would block until a writer comes.
    done = subprocess.run([str(DOCKEROPT), "--write", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(f"{path}: {message}"), done.stderr


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "Dockerfile"
    content = b"FROM a\n" + b"# " + b"x" * MAX_BYTES + b"\n"
    path.write_bytes(content)
    result = run("--write", str(path))
    assert result.exit_code == 2
    assert f"{path}: larger than {MAX_BYTES >> 20} MiB" in result.stderr
    assert path.stat().st_size == len(content)


def test_standard_input_over_the_size_limit_is_refused():
    result = run("-", input=b"FROM a\n# " + b"x" * MAX_BYTES)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"<stdin>: larger than {MAX_BYTES >> 20} MiB")


@pytest.mark.parametrize("line", [
    pytest.param(b"RUN echo " + b"a" * 5_000_000, id="5MB-RUN-line"),
    pytest.param(b"# " + b"c" * 5_000_000, id="5MB-comment"),
    pytest.param(b"LABEL x=" + b"l" * 5_000_000, id="5MB-LABEL"),
    pytest.param(b"RUN echo " + b"a && echo " * 2_000 + b"end", id="20KB-chain-on-one-line"),
])
def test_an_absurdly_long_line_is_handled(tmp_path, line):
    path = tmp_path / "Dockerfile"
    content = b"FROM debian\n" + line + b"\n" + SPLIT.split(b"\n", 1)[1]
    path.write_bytes(content)
    result = run("--write", str(path))
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == b"FROM debian\n" + line + b"\n" + MERGED.split(b"\n", 1)[1]


def test_write_through_a_symlink_edits_the_target_and_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "Dockerfile"
    target.write_bytes(SPLIT)
    link = tmp_path / "Dockerfile"
    link.symlink_to(Path("real") / "Dockerfile")
    chain = tmp_path / "Chain.Dockerfile"
    chain.symlink_to(link)
    assert run("--write", str(chain)).exit_code == 0
    assert chain.is_symlink() and link.is_symlink() and os.readlink(link) == os.path.join("real", "Dockerfile")
    assert target.read_bytes() == MERGED


@pytest.mark.parametrize("where", ["file", "folder"])
def test_write_refuses_a_read_only_file_or_folder(tmp_path, where):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "Dockerfile"
    path.write_bytes(SPLIT)
    (path if where == "file" else folder).chmod(0o555 if where == "folder" else 0o444)
    try:
        result = run("--write", str(path))
        listing = sorted(p.name for p in folder.iterdir())
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert result.exit_code == 2
    expected = "read-only file; not written" if where == "file" else f"read-only folder {folder}; not written"
    assert f"{path}: {expected}" in result.stderr
    assert path.read_bytes() == SPLIT and listing == ["Dockerfile"]


def test_write_refuses_a_file_changed_on_disk_while_dockeropt_ran(tmp_path, monkeypatch):
    path = tmp_path / "Dockerfile"
    path.write_bytes(SPLIT)
    edited = SPLIT + b"# saved by an editor meanwhile\n"
    real = optimizer.pipeline.optimize

    def optimize_while_an_editor_saves(*args, **kwargs):
        result = real(*args, **kwargs)
        path.write_bytes(edited)
        return result

    monkeypatch.setattr(optimizer.pipeline, "optimize", optimize_while_an_editor_saves)
    result = run("--write", str(path))
    assert result.exit_code == 2
    assert f"{path}: changed on disk while dockeropt was running; not written" in result.stderr
    assert path.read_bytes() == edited


def _slow_pass(seconds: float):
    """A pass that only sleeps on files holding ``# slow``."""
    import time

    def check(doc, context, config):
        if "# slow" in doc.text:
            time.sleep(seconds)
        return ()

    return replace(PASSES[0], check=check)


def test_timeout_gives_up_on_one_file_leaves_it_unchanged_and_goes_on(tmp_path, monkeypatch):
    slow, fine = tmp_path / "Slow.Dockerfile", tmp_path / "Dockerfile"
    slow.write_bytes(SPLIT + b"# slow\n")
    fine.write_bytes(SPLIT)
    real = optimizer.pipeline.selected_entries
    monkeypatch.setattr(optimizer.pipeline, "selected_entries",
                        lambda config: (_slow_pass(0.3), _slow_pass(0.3), *real(config)))
    result = run("--write", "--timeout", "0.2", str(slow), str(fine))
    assert result.exit_code == 2
    assert f"{slow}: gave up after 0.2 s (--timeout); file left unchanged" in result.stderr
    assert slow.read_bytes() == SPLIT + b"# slow\n"
    assert fine.read_bytes() == MERGED


def test_optimize_raises_time_limit_exceeded_past_its_deadline():
    with pytest.raises(TimeLimitExceeded):
        optimize(SPLIT.decode(), config=Config(time_limit=0))
    assert optimize(SPLIT.decode(), config=Config(time_limit=60, select=frozenset({"DO101"}))).text == MERGED.decode()


@pytest.mark.parametrize(("files", "args", "expected"), [
    pytest.param(["clean", "clean"], [], 0, id="all-clean-0"),
    pytest.param(["clean", "split"], [], 1, id="clean-and-fixable-1"),
    pytest.param(["bad", "split", "clean"], [], 2, id="bad-first-2"),
    pytest.param(["split", "missing", "clean", "fifo"], ["--write"], 2, id="write-with-missing-and-fifo-2"),
    pytest.param(["split", "clean"], ["--write"], 0, id="write-all-good-0"),
    pytest.param(["readonly", "split", "nul"], ["--write"], 2, id="write-readonly-and-nul-2"),
])
def test_one_bad_file_does_not_stop_the_others_and_the_exit_code_is_the_worst(tmp_path, files, args, expected):
    contents = {"clean": CLEAN, "split": SPLIT, "bad": b"FROM a\nRUN <<EOF\n", "nul": b"FROM a\x00\n",
                "readonly": SPLIT}
    paths = []
    for i, kind in enumerate(files):
        path = tmp_path / f"{i}-{kind}.Dockerfile"
        if kind == "fifo":
            os.mkfifo(path)
        elif kind != "missing":
            path.write_bytes(contents[kind])
        if kind == "readonly":
            path.chmod(0o444)
        paths.append(path)
    done = subprocess.run([str(DOCKEROPT), "--select", "DO101", *args, *map(str, paths)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == expected, done.stderr
    for kind, path in zip(files, paths):
        if kind in ("missing", "fifo"):
            assert f"{path}: " in done.stderr
        elif kind == "split":
            assert path.read_bytes() == (MERGED if "--write" in args else SPLIT)
        else:
            assert path.read_bytes() == contents[kind]
        if kind in ("bad", "nul", "readonly", "missing", "fifo"):
            assert any(line.startswith(f"{path}") for line in done.stderr.splitlines()), kind


@pytest.fixture
def escaping_context(tmp_path):
    """A context whose Dockerfile copies ``../``, and whose links point outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("token\n")
    (outside / "requirements.txt").write_text("flask\n")
    (outside / "package.json").write_text('{"name": "outside"}\n')
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "app.py").write_text("print(1)\n")
    (context / "data").symlink_to(outside)
    (context / "requirements.txt").symlink_to(outside / "requirements.txt")
    (context / "package.json").symlink_to(outside / "package.json")
    (context / ".dockerignore").symlink_to(outside / "secret.txt")
    dockerfile = context / "Dockerfile"
    dockerfile.write_text("FROM python:3.12\nWORKDIR /app\nCOPY ../outside/secret.txt /s\nCOPY data/secret.txt /t\n"
                          "COPY requirements.txt package.json ./\nRUN pip install -r requirements.txt\n"
                          "COPY . .\nADD ../outside /o\n")
    return outside, context, dockerfile


def test_copy_from_outside_the_context_is_reported(escaping_context):
    _, _, dockerfile = escaping_context
    result = run("--select", "DO107", str(dockerfile))
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        f"{dockerfile}: warning: line 3: COPY source ../outside/secret.txt points outside the build context; "
        "Docker cannot copy from there and dockeropt does not look there",
        f"{dockerfile}: warning: line 8: ADD source ../outside points outside the build context; "
        "Docker cannot copy from there and dockeropt does not look there",
    ]


def test_the_context_layer_never_reads_outside_the_context(escaping_context):
    """Every file dockeropt opens or folder it lists during a run, via an audit hook: none outside."""
    outside, context, dockerfile = escaping_context
    seen: list[str] = []
    _AUDIT.append(seen)
    try:
        for args in ([], ["--write", "--unsafe"], ["--format", "json", "--unsafe"]):
            invoke(main, [*args, str(dockerfile)])
    finally:
        _AUDIT.remove(seen)
    opened = {os.path.realpath(p) for p in seen}
    assert any(p.startswith(os.path.realpath(context)) for p in opened), "the audit hook saw nothing"
    assert not [p for p in opened if p.startswith(os.path.realpath(outside))]
    assert (outside / "secret.txt").read_text() == "token\n"


def test_a_dockerfile_outside_its_context_is_reported(tmp_path):
    (tmp_path / "ctx").mkdir()
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(SPLIT)
    result = run("--context", str(tmp_path / "ctx"), str(dockerfile))
    assert result.exit_code == 1
    assert (f"{dockerfile}: warning: the Dockerfile is outside the build context {tmp_path / 'ctx'} "
            "(as with docker build -f); only files under the context are read") in result.stderr
    inside = run("--context", str(tmp_path), str(dockerfile))
    assert "outside the build context" not in inside.stderr


_AUDIT: list[list[str]] = []  # the lists collecting paths while a test watches


def _audit(event: str, args: tuple) -> None:
    if _AUDIT and event in ("open", "os.scandir", "os.listdir") and args and isinstance(args[0], (str, bytes, Path)):
        _AUDIT[-1].append(os.fsdecode(args[0]))
    if _COMMANDS and event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork"):
        _COMMANDS[-1].append(event)


_COMMANDS: list[list[str]] = []
sys.addaudithook(_audit)

HOSTILE = """\
# syntax=docker/dockerfile:1
ARG BASE=$(touch {m}/arg-default)
FROM debian:bookworm AS build
ARG VERSION=`touch {m}/backticks`
ENV PATH="$(touch {m}/env):$PATH"
SHELL ["/bin/sh", "-c", "touch {m}/shell"]
RUN touch {m}/run
RUN apt-get update
RUN apt-get install -y curl $(touch {m}/install)
RUN <<EOF
touch {m}/heredoc
EOF
COPY --chmod=755 <<EOF /entry.sh
#!/bin/sh
touch {m}/copy-heredoc
EOF
ONBUILD RUN touch {m}/onbuild
HEALTHCHECK CMD touch {m}/healthcheck
ENTRYPOINT ["/bin/sh", "-c", "touch {m}/entrypoint"]
CMD touch {m}/cmd
"""


@pytest.mark.parametrize("args", [
    pytest.param([], id="diff"),
    pytest.param(["--write", "--unsafe"], id="write-unsafe"),
    pytest.param(["--format", "json", "--unsafe"], id="json"),
    pytest.param(["--check"], id="check"),
])
def test_nothing_from_a_dockerfile_is_ever_executed(tmp_path, args):
    markers = tmp_path / "markers"
    markers.mkdir()
    path = tmp_path / "Dockerfile"
    path.write_text(HOSTILE.format(m=markers))
    commands: list[str] = []
    _COMMANDS.append(commands)
    try:
        result = invoke(main, [*args, str(path)])
    finally:
        _COMMANDS.remove(commands)
    assert result.exit_code in (0, 1), result.stderr
    assert commands == [], "dockeropt started a process"
    done = subprocess.run([str(DOCKEROPT), *args, str(path)], capture_output=True, cwd=tmp_path, timeout=60)
    assert done.returncode in (0, 1)
    assert list(markers.iterdir()) == []
    assert stat.S_ISREG(path.stat().st_mode)


# --- bounded cost: inputs that made a regex backtrack for hours, now linear ------------------------


def _within(seconds: int, fn):
    """``fn()``, failing (instead of hanging the suite) if it runs ``seconds``; the fixed code takes milliseconds."""
    import signal

    def stop(signum, frame):
        raise AssertionError(f"still running after {seconds} s: catastrophic backtracking is back")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        return fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_directive_with_a_megabyte_of_inner_spaces_parses():
    from optimizer.model import parse

    value = "x" + " " * 1_000_000 + "y"
    doc = _within(30, lambda: parse(f"# syntax={value}  \nFROM a\n"))
    assert [(d.name, d.value) for d in doc.directives] == [("syntax", value)]


@pytest.mark.parametrize(("word", "static"), [
    pytest.param("{" + "," * 1_000_000, True, id="unclosed-brace-1MB-of-commas"),
    pytest.param("{a," * 50_000 + "{b,c}", False, id="brace-expansion-after-50k-unclosed"),
])
def test_brace_expansion_detection_on_a_long_word(word, static):
    from optimizer.shell import parse_script

    script = _within(30, lambda: parse_script(f"echo {word}"))
    assert script.commands[0].argv[1].is_static is static


@pytest.mark.parametrize("files", [
    pytest.param({"Dockerfile": "FROM maven:3\nCOPY . .\nRUN mvn -B package\n",
                  "pom.xml": "<project><artifactId>" + "${" * 500_000 + "</artifactId></project>"}, id="pom-unclosed-${"),
    pytest.param({"Dockerfile": "FROM maven:3\nCOPY . .\nRUN mvn -B package\n",
                  "pom.xml": "<project><artifactId>${a}</artifactId><version>1</version><properties>"
                             + "".join(f"<{n}>{('${' + m + '}') * 50}</{n}>" for n, m in zip("abcde", "bcdef"))
                             + "<f>xxxxxxxxxx</f></properties></project>"}, id="pom-nested-properties-50^5"),
    pytest.param({"Dockerfile": "FROM gradle:8\nCOPY . .\nRUN gradle build\n", "build.gradle": "/* " * 330_000},
                 id="gradle-unclosed-comments"),
    pytest.param({"Dockerfile": "FROM gradle:8\nCOPY . .\nRUN gradle build\n", "build.gradle": "\n" * 1_000_000 + "jar {}\n"},
                 id="gradle-a-megabyte-of-blank-lines"),
    pytest.param({"Dockerfile": "FROM python:3.12\nCOPY x ${" + "a" * 1_000_000 + "\nRUN pip install -r requirements.txt\n"},
                 id="copy-destination-unclosed-variable"),
    pytest.param({"Dockerfile": "FROM a\nCOPY . /app\n", ".dockerignore": "**/" * 12 + "x\n",
                  "/".join(["d"] * 60) + "/y": ""}, id="dockerignore-repeated-double-star"),
])
def test_hostile_context_files_do_not_hang_a_run(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = _within(60, lambda: invoke(main, ["--unsafe", str(tmp_path / "Dockerfile")]))
    assert result.exit_code in (0, 1), result.stderr


def test_repeated_double_stars_in_dockerignore_keep_their_meaning():
    from optimizer.context.dockerignore import IgnoreMatcher

    matcher = IgnoreMatcher.from_text("**/" * 12 + "x\n")
    assert _within(30, lambda: (matcher.matches("a/" * 60 + "x"), matcher.matches("a/" * 60 + "y"), matcher.matches("x"))) \
        == (True, False, True)
