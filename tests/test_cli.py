"""The dockeropt command as a user runs it: diff, --write, --check, JSON, errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from optimizer.cli import main
from .helpers import invoke

SPLIT = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"
MERGED = "FROM debian\nRUN apt-get update && apt-get install -y curl\n"


def run(*args, input=None):
    """Invoke the CLI; unless the test picks passes itself, only DO101 runs (stable expectations)."""
    if not {"--select", "--ignore", "--explain"} & set(args):
        args = ("--select", "DO101", *args)
    return invoke(main, list(args), input=input)


@pytest.fixture
def dockerfile(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(SPLIT)
    return path


def test_diff_mode_prints_a_diff_git_can_apply_and_leaves_the_file(dockerfile, tmp_path):
    result = run(str(dockerfile))
    assert result.exit_code == 1
    assert dockerfile.read_text() == SPLIT
    diff = result.stdout_bytes.decode()
    assert diff.startswith("--- a/") and "+RUN apt-get update && apt-get install -y curl" in diff
    assert "DO101 apt-update-with-install [safe, fixable]" in result.stderr
    (tmp_path / "fix.diff").write_bytes(result.stdout_bytes)
    subprocess.run(["git", "apply", "fix.diff"], cwd=tmp_path, check=True)
    assert dockerfile.read_text() == MERGED


def test_write_applies_atomically_and_keeps_the_mode(dockerfile):
    os.chmod(dockerfile, 0o640)
    result = run("--write", str(dockerfile))
    assert result.exit_code == 0
    assert dockerfile.read_text() == MERGED
    assert oct(dockerfile.stat().st_mode & 0o777) == "0o640"
    assert not [p for p in dockerfile.parent.iterdir() if p.name != "Dockerfile"], "temp file left behind"
    again = run("--write", str(dockerfile))
    assert again.exit_code == 0 and dockerfile.read_text() == MERGED


def test_write_keeps_bom_crlf_and_missing_final_newline(tmp_path):
    path = tmp_path / "Dockerfile"
    raw = b"\xef\xbb\xbfFROM debian\r\nRUN apt-get update\r\nRUN apt-get install -y x \xff\r\nCMD x"
    path.write_bytes(raw)
    assert run("--write", str(path)).exit_code == 0
    assert path.read_bytes() == (b"\xef\xbb\xbfFROM debian\r\nRUN apt-get update && apt-get install -y x \xff"
                                 b"\r\nCMD x")


def test_write_follows_a_symlink_and_keeps_the_link(dockerfile, tmp_path):
    link = tmp_path / "Dockerfile.link"
    link.symlink_to(dockerfile)
    assert run("--write", str(link)).exit_code == 0
    assert link.is_symlink() and dockerfile.read_text() == MERGED


def test_check_exits_1_when_fixes_are_available_and_0_when_clean(dockerfile, tmp_path):
    result = run("--check", str(dockerfile))
    assert result.exit_code == 1 and result.stdout == ""
    assert "1 file would change" in result.stderr
    clean = tmp_path / "Clean.Dockerfile"
    clean.write_text(MERGED)
    assert run("--check", str(clean)).exit_code == 0


def test_json_report(dockerfile):
    result = run("--format", "json", str(dockerfile))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["version"] == 1
    (entry,) = report["files"]
    assert entry["changed"] and entry["error"] is None and entry["diff"].startswith("--- a/")
    (finding,) = entry["findings"]
    assert finding | {"message": None} == {
        "id": "DO101", "name": "apt-update-with-install", "line": 2, "message": None,
        "title": "Run apt-get update in the same RUN as apt-get install", "safety": "safe",
        "status": "applied", "detail": None, "risk": None, "hadolint": [], "after": None}


def test_stdin_diff_and_write():
    assert run("-", input=SPLIT).exit_code == 1
    result = run("--write", "-", input=SPLIT)
    assert result.exit_code == 0 and result.stdout == MERGED


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param(b"FROM a\nRUN <<EOF\necho\n", ":2: unterminated heredoc <<EOF", id="unterminated-heredoc"),
    pytest.param(b"FROM a\nRUN a \\\n  b\nprocps\n", ":4: unknown instruction: procps", id="unknown-instruction"),
    pytest.param(b"FROM a\nRUN echo \x00\n", ":2: binary file", id="binary"),
    pytest.param(b"\xff\xfeF\x00R\x00", ":1: UTF-16", id="utf-16"),
    pytest.param(b'FROM a\nCMD ["a", 1]\n', ":2: when using JSON array syntax", id="bad-json"),
])
def test_bad_input_is_one_clear_line_exit_2_and_untouched(tmp_path, content, expected):
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    result = run("--write", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{path}{expected}" or result.stderr.startswith(f"{path}{expected}")
    assert path.read_bytes() == content


def test_missing_file_and_a_folder_without_dockerfiles(tmp_path):
    result = run(str(tmp_path / "nope"), str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope'}: no such file" in result.stderr
    result = run(str(tmp_path))
    assert result.exit_code == 0 and f"no Dockerfile found under {tmp_path}" in result.stderr


def test_one_bad_file_does_not_stop_the_others(dockerfile, tmp_path):
    bad = tmp_path / "Bad.Dockerfile"
    bad.write_text("FROM a\nRUN <<EOF\n")
    result = run("--write", str(bad), str(dockerfile))
    assert result.exit_code == 2
    assert dockerfile.read_text() == MERGED


def test_select_ignore_and_unknown_pass(dockerfile):
    assert run("--select", "DO101", "--ignore", "DO101", str(dockerfile)).exit_code == 2  # no pass left
    assert run("--select", "apt-update-with-install", str(dockerfile)).exit_code == 1
    result = run("--select", "nonsense", str(dockerfile))
    assert result.exit_code == 2 and "unknown pass: nonsense" in result.stderr


def test_explain():
    result = run("--explain", "DO101")
    assert result.exit_code == 0
    assert "## Why is this bad?" in result.stdout and "## Fix safety" in result.stdout
    assert run("--explain", "apt-update-with-install").stdout == result.stdout
    assert run("--explain", "DO999").exit_code == 2


def test_version_is_fast_and_does_not_load_the_shell_parser():
    code = "import sys; from optimizer.cli import main; sys.argv=['dockeropt','--version']\n" \
           "try: main()\nexcept SystemExit: pass\nprint('tree_sitter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("dockeropt, version") and out.strip().endswith("False")


def test_console_entry_answers_version_without_loading_the_argument_parser():
    code = "import sys; from optimizer.console import main; main(); print('optimizer.cli' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code, "--version"], capture_output=True, text=True,
                         check=True).stdout
    assert out == "dockeropt, version 0.1.0\nFalse\n"


def test_json_report_has_an_empty_files_list_without_files_beside_the_dockerfile(dockerfile):
    (entry,) = json.loads(run("--format", "json", str(dockerfile)).stdout)["files"]
    assert entry["files"] == []


def test_a_dockerignore_to_create_is_shown_after_the_dockerfile_diff_and_written_with_it(dockerfile, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    dockerfile.write_text(SPLIT + "COPY . /srv\n")
    result = run("--select", "DO101,DO204", str(dockerfile))
    assert result.exit_code == 1
    diff = result.stdout_bytes.decode()
    assert diff.index("+++ b/") < diff.index("--- /dev/null\n+++ b/") and "+.git\n" in diff
    assert "2 files would change" in result.stderr
    (entry,) = json.loads(run("--select", "DO101,DO204", "--format", "json", str(dockerfile)).stdout)["files"]
    assert [f["new"] for f in entry["files"]] == [True]
    assert run("--select", "DO101,DO204", "--write", str(dockerfile)).exit_code == 0
    assert dockerfile.read_text() == MERGED + "COPY . /srv\n"
    assert ".git\n" in (tmp_path / ".dockerignore").read_text()
    assert run("--select", "DO101,DO204", "--check", str(dockerfile)).exit_code == 0


def test_a_suggestion_says_why_it_is_not_applied(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY target/app.jar app.jar\n"
                    "HEALTHCHECK CMD curl -f localhost:8080/ || exit 1\nCMD [\"java\",\"-jar\",\"app.jar\"]\n")
    result = run("--select", "DO301", "--unsafe", "-v", str(path))
    assert "DO301 java-multi-stage [suggestion] `eclipse-temurin:21-jdk` is a JDK image" in result.stderr
    assert "    not applied: the HEALTHCHECK runs curl, which the runtime image lacks" in result.stderr
    short = run("--select", "DO301", "--unsafe", "--check", str(path))
    assert "DO301 java-multi-stage [suggestion]" in short.stderr and "not applied:" not in short.stderr


def test_a_run_leaves_the_garbage_collector_as_it_found_it(dockerfile):
    """main() may be called in-process (a script, the bot): its GC settings for the run are undone."""
    import gc

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert run(str(dockerfile)).exit_code == 1
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)
