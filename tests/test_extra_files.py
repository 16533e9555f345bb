"""Files beside the Dockerfile that fixes create or extend (``Fix.files`` -> ``Result.extra_files``):
the pipeline's rules for them, their atomic writes, and how the CLI shows and writes them."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from optimizer import fileio, pipeline
from optimizer.cli import main
from optimizer.context import BuildContext
from optimizer.edits import Edit
from optimizer.fileio import InputError, create_atomic, extend_atomic
from optimizer.passes.base import Fix, NewFile, Pass, Safety
from optimizer.pipeline import Status, optimize
from .helpers import invoke

DOCKERFILE = "FROM debian\nCOPY app.py /app/\nCMD [\"python3\", \"/app/app.py\"]\n"


def make_pass(check, *, id="DO950", name="file-pass"):
    return Pass(id=id, name=name, title="t", what="w", why="y", safety=Safety.SAFE, safety_notes="",
                examples=(), check=check)


@pytest.fixture
def passes(monkeypatch):
    def install(*made):
        monkeypatch.setattr(pipeline, "INDEX", made)
    return install


def listing(*paths, **texts):
    return BuildContext.from_listing(list(paths) + list(texts), texts={k.replace("_", "."): v for k, v in texts.items()})


def writes(path, text, original=None, safety=Safety.SAFE, edits=()):
    """A check that proposes one file, always the same (as a file-only pass does every round)."""
    def check(doc, context, config):
        yield PASS_FILE.finding(1, "file", Fix(tuple(edits), safety, files=(NewFile(path, text, original),)))
    return check


PASS_FILE = make_pass(writes(".dockerignore", ".git\n"))


# The pipeline ---------------------------------------------------------------------------------------


def test_a_file_only_fix_is_applied_once_and_does_not_change_the_text(passes):
    passes(PASS_FILE)
    result = optimize(DOCKERFILE, listing("app.py", ".git/HEAD"))
    assert result.text == DOCKERFILE and not result.changed
    assert result.extra_files == (NewFile(".dockerignore", ".git\n", None),)
    assert [r.status for r in result.findings] == [Status.APPLIED]
    assert result.applied == result.findings


def test_a_file_only_fix_is_reported_once_even_when_other_passes_take_several_rounds(passes):
    def edit_twice(doc, context, config):
        if "RUN b" not in doc.text:
            at = doc.text.index("CMD")
            yield PASS_EDIT.finding(1, "edit", Fix((Edit.insert(at, "RUN a\n" if "RUN a" not in doc.text else "RUN b\n"),),
                                                  Safety.SAFE))
    PASS_EDIT = make_pass(edit_twice, id="DO951", name="edits")
    passes(PASS_EDIT, PASS_FILE)
    result = optimize(DOCKERFILE, listing("app.py"))
    assert "RUN a\nRUN b\n" in result.text
    assert [(r.pass_.id, r.status) for r in result.findings] == [
        ("DO951", Status.APPLIED), ("DO951", Status.APPLIED), ("DO950", Status.APPLIED)]
    assert len(result.extra_files) == 1


def test_a_fix_with_edits_and_files_keeps_its_file_after_its_round(passes):
    def both(doc, context, config):
        if "RUN a" not in doc.text:
            at = doc.text.index("CMD")
            yield PASS_BOTH.finding(1, "both", Fix((Edit.insert(at, "RUN a\n"),), Safety.SAFE,
                                                   files=(NewFile("notes.txt", "hello\n"),)))
    PASS_BOTH = make_pass(both)
    passes(PASS_BOTH)
    result = optimize(DOCKERFILE, listing("app.py"))
    assert "RUN a\n" in result.text
    assert result.extra_files == (NewFile("notes.txt", "hello\n"),)


def test_without_a_known_context_a_file_is_rejected(passes):
    passes(PASS_FILE)
    result = optimize(DOCKERFILE)
    assert result.extra_files == ()
    assert result.findings[0].status is Status.REJECTED
    assert "context is unknown" in result.findings[0].detail


@pytest.mark.parametrize(("files", "texts", "new", "detail"), [
    pytest.param(["app.py", ".dockerignore"], {".dockerignore": "x\n"}, NewFile(".dockerignore", ".git\n"),
                 "already exists", id="new-file-over-an-existing-one"),
    pytest.param(["app.py", ".dockerignore"], {".dockerignore": "x\n"}, NewFile(".dockerignore", "y\n.git\n", "y\n"),
                 "not what the fix expects", id="original-differs-from-disk"),
    pytest.param(["app.py", ".dockerignore"], {".dockerignore": "x\n"}, NewFile(".dockerignore", ".git\n", "x\n"),
                 "may only append", id="drops-a-user-line"),
    pytest.param(["app.py"], {}, NewFile("../outside", "x\n"), "not a plain path", id="outside-the-context"),
    pytest.param(["app.py"], {}, NewFile("/etc/passwd", "x\n"), "not a plain path", id="absolute"),
    pytest.param(["app.py"], {}, NewFile("a/./b", "x\n"), "not a plain path", id="not-clean"),
    pytest.param(["app.py", ".dockerignore"], {".dockerignore": "x\n"}, NewFile(".dockerignore", "x\n", "x\n"),
                 "leaves .dockerignore as it is", id="no-op"),
])
def test_a_file_that_breaks_a_rule_is_rejected(passes, files, texts, new, detail):
    passes(make_pass(writes(new.path, new.text, new.original)))
    result = optimize(DOCKERFILE, BuildContext.from_listing(files, texts=texts))
    assert result.extra_files == ()
    (reported,) = result.findings
    assert reported.status is Status.REJECTED and detail in reported.detail


def test_a_dockerignore_that_excludes_a_copy_source_is_rejected(passes):
    """The post-check of generated files: BuildKit's CopyIgnoredFile condition, with Docker's matching."""
    passes(make_pass(writes(".dockerignore", "*.py\n")))
    result = optimize(DOCKERFILE, listing("app.py"))
    assert result.extra_files == ()
    assert "COPY/ADD" in result.findings[0].detail and "app.py" in result.findings[0].detail


def test_a_dockerignore_line_the_user_already_had_is_not_blamed_on_the_fix(passes):
    passes(make_pass(writes(".dockerignore", "app.py\n.git\n", "app.py\n")))
    result = optimize(DOCKERFILE, BuildContext.from_listing(["app.py", ".dockerignore"],
                                                            texts={".dockerignore": "app.py\n"}))
    assert result.extra_files == (NewFile(".dockerignore", "app.py\n.git\n", "app.py\n"),)


def test_a_later_fix_may_build_on_an_earlier_fix_file_and_the_result_diffs_against_the_disk(passes):
    def two(doc, context, config):
        yield PASS_TWO.finding(1, "first", Fix((), Safety.SAFE, files=(NewFile(".dockerignore", "a\n"),)))
        yield PASS_TWO.finding(1, "second", Fix((), Safety.UNSAFE, files=(NewFile(".dockerignore", "a\nb\n", "a\n"),)))
    PASS_TWO = make_pass(two)
    passes(PASS_TWO)
    context = listing("app.py", "a", "b")
    safe = optimize(DOCKERFILE, context)
    assert safe.extra_files == (NewFile(".dockerignore", "a\n"),)
    assert [r.status for r in safe.findings] == [Status.APPLIED, Status.NEEDS_UNSAFE]
    unsafe = optimize(DOCKERFILE, context, pipeline.Config(unsafe=True))
    assert unsafe.extra_files == (NewFile(".dockerignore", "a\nb\n", None),)
    assert [r.status for r in unsafe.findings] == [Status.APPLIED, Status.APPLIED]


def test_two_fixes_writing_the_same_file_from_the_same_base_conflict(passes):
    def two(doc, context, config):
        yield PASS_TWO.finding(1, "first", Fix((), Safety.SAFE, files=(NewFile(".dockerignore", "a\n"),)))
        yield PASS_TWO.finding(1, "second", Fix((), Safety.SAFE, files=(NewFile(".dockerignore", "b\n"),)))
    PASS_TWO = make_pass(two)
    passes(PASS_TWO)
    result = optimize(DOCKERFILE, listing("app.py"))
    assert result.extra_files == (NewFile(".dockerignore", "a\n"),)
    assert [r.status for r in result.findings] == [Status.APPLIED, Status.CONFLICT]


def test_a_suppressed_file_fix_writes_nothing(passes):
    def on_from(doc, context, config):
        yield PASS_FROM.finding(2, "file", Fix((), Safety.SAFE, files=(NewFile(".dockerignore", ".git\n"),)))
    PASS_FROM = make_pass(on_from)
    passes(PASS_FROM)
    result = optimize("# dockeropt: ignore=file-pass\n" + DOCKERFILE, listing("app.py"))
    assert result.extra_files == () and result.findings == ()


# fileio ---------------------------------------------------------------------------------------------


def test_create_atomic_writes_a_new_file_with_the_umask_mode(tmp_path):
    target = tmp_path / ".dockerignore"
    create_atomic(str(target), ".git\r\nnode_modules\n")
    assert target.read_bytes() == b".git\r\nnode_modules\n"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == [".dockerignore"], "temp file left behind"


def test_create_atomic_never_overwrites_a_file_that_exists_or_appears(tmp_path, monkeypatch):
    target = tmp_path / ".dockerignore"
    target.write_text("mine\n")
    with pytest.raises(InputError, match="already exists"):
        create_atomic(str(target), ".git\n")
    assert target.read_text() == "mine\n"
    # The file appears between our check and the link: the link fails, nothing is overwritten.
    target.unlink()
    real_link = os.link

    def racing_link(src, dst):
        with open(dst, "w") as handle:
            handle.write("theirs\n")
        return real_link(src, dst)
    monkeypatch.setattr(fileio.os, "link", racing_link)
    with pytest.raises(InputError, match="appeared on disk"):
        create_atomic(str(target), ".git\n")
    assert target.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == [".dockerignore"], "temp file left behind"


def test_create_atomic_without_hard_links_still_never_overwrites(tmp_path, monkeypatch):
    def no_link(src, dst):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(fileio.os, "link", no_link)
    target = tmp_path / ".dockerignore"
    create_atomic(str(target), ".git\n")
    assert target.read_text() == ".git\n"
    target.unlink()

    def no_link_and_racing(src, dst):
        target.write_text("theirs\n")
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(fileio.os, "link", no_link_and_racing)
    with pytest.raises(InputError, match="appeared on disk"):
        create_atomic(str(target), ".git\n")
    assert target.read_text() == "theirs\n"


@pytest.mark.parametrize(("raw", "original", "text", "expected"), [
    pytest.param(b"a\r\nb\r\n", "a\r\nb\r\n", "a\r\nb\r\n\r\n.git\r\n", b"a\r\nb\r\n\r\n.git\r\n", id="crlf"),
    pytest.param(b"a", "a", "a\n\n.git\n", b"a\n\n.git\n", id="no-final-newline"),
    pytest.param(b"\xef\xbb\xbfa\n", "a\n", "a\n.git\n", b"\xef\xbb\xbfa\n.git\n", id="bom-kept"),
    pytest.param(b"caf\xe9\n", "caf\ufffd\n", "caf\ufffd\n.git\n", b"caf\xe9\n.git\n", id="undecodable-byte-kept"),
])
def test_extend_atomic_keeps_the_bytes_and_only_appends(tmp_path, raw, original, text, expected):
    target = tmp_path / ".dockerignore"
    target.write_bytes(raw)
    os.chmod(target, 0o600)
    extend_atomic(str(target), original, text)
    assert target.read_bytes() == expected
    assert target.stat().st_mode & 0o777 == 0o600


def test_extend_atomic_refuses_a_changed_file_or_a_rewrite(tmp_path):
    target = tmp_path / ".dockerignore"
    target.write_text("a\nb\n")
    with pytest.raises(InputError, match="changed on disk"):
        extend_atomic(str(target), "a\n", "a\n.git\n")
    with pytest.raises(InputError, match="only appending"):
        extend_atomic(str(target), "a\nb\n", "a\n.git\n")
    assert target.read_text() == "a\nb\n"


# The CLI --------------------------------------------------------------------------------------------

NODE = "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"index.js\"]\n"


@pytest.fixture
def project(tmp_path):
    """A Node project with a .git directory and the host's node_modules beside the Dockerfile."""
    (tmp_path / "Dockerfile").write_text(NODE)
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "package-lock.json").write_text("{}\n")
    (tmp_path / "index.js").write_text("console.log(1)\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "index.js").write_text("module.exports = 1\n")
    return tmp_path


EXPECTED = ("# added by dockeropt\n# version control\n.git\n"
            "# dependencies and caches (the build installs its own)\nnode_modules\n"
            "# build files (the builder reads them anyway)\nDockerfile\n.dockerignore\n")


def cli(*args, cwd=None):
    args = ("--select", "DO204", *args)
    if cwd is None:
        return invoke(main, list(args))
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return invoke(main, list(args))
    finally:
        os.chdir(old)


def test_cli_shows_a_new_file_diff_that_git_applies(project):
    result = cli("Dockerfile", cwd=project)
    assert result.exit_code == 1
    assert result.stdout.startswith("--- /dev/null\n+++ b/.dockerignore\n@@ -0,0 +1,8 @@\n")
    assert not (project / ".dockerignore").exists()
    assert "DO204 dockerignore [safe, fixable] create .dockerignore" in result.stderr
    assert "1 file would change" in result.stderr
    (project / "fix.diff").write_bytes(result.stdout_bytes)
    subprocess.run(["git", "apply", "fix.diff"], cwd=project, check=True)
    assert (project / ".dockerignore").read_text() == EXPECTED


def test_cli_names_the_file_like_the_dockerfile(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("cwd")
    relative = os.path.relpath(project / "Dockerfile", elsewhere)
    result = cli(relative, cwd=elsewhere)
    expected = os.path.relpath(project / ".dockerignore", elsewhere)
    assert f"+++ b/{expected}\n" in result.stdout
    absolute = cli(str(project / "Dockerfile"))
    assert "+++ b/.dockerignore\n" in absolute.stdout


def test_cli_write_creates_the_file_and_a_second_run_changes_nothing(project):
    result = cli("--write", str(project / "Dockerfile"))
    assert result.exit_code == 0, result.stderr
    assert (project / ".dockerignore").read_text() == EXPECTED
    assert (project / "Dockerfile").read_text() == NODE
    assert "1 file changed" in result.stderr
    again = cli("--check", str(project / "Dockerfile"))
    assert again.exit_code == 0 and "nothing to change" in again.stderr


def test_cli_check_counts_a_file_to_create_as_a_change(project):
    result = cli("--check", str(project / "Dockerfile"))
    assert result.exit_code == 1 and result.stdout == ""


def test_cli_extends_an_existing_dockerignore_keeping_its_bytes(project):
    (project / ".dockerignore").write_bytes(b"# mine\r\n*.log\r\n.git")
    result = cli(str(project / "Dockerfile"))
    assert result.exit_code == 1
    assert "--- a/.dockerignore\n+++ b/.dockerignore\n" in result.stdout
    assert cli("--write", str(project / "Dockerfile")).exit_code == 0
    assert (project / ".dockerignore").read_bytes() == (
        b"# mine\r\n*.log\r\n.git\r\n\r\n# added by dockeropt\r\n"
        b"# dependencies and caches (the build installs its own)\r\nnode_modules\r\n"
        b"# build files (the builder reads them anyway)\r\nDockerfile\r\n.dockerignore\r\n")


def test_cli_does_not_overwrite_a_dockerignore_that_appeared_meanwhile(project, monkeypatch):
    from optimizer import session

    real = session.write_outcome

    def racing(report):
        (project / ".dockerignore").write_text("theirs\n")
        return real(report)
    monkeypatch.setattr(session, "write_outcome", racing)
    result = cli("--write", str(project / "Dockerfile"))
    assert result.exit_code == 2
    assert "appeared on disk" in result.stderr or "already exists" in result.stderr
    assert (project / ".dockerignore").read_text() == "theirs\n"


def test_cli_writes_the_dockerfile_first_and_the_file_beside_it(project):
    (project / "Dockerfile").write_text("FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\nCOPY . /app\n")
    result = invoke(main, ["--select", "DO101,DO204", "--write", str(project / "Dockerfile")])
    assert result.exit_code == 0
    assert "apt-get update && apt-get install" in (project / "Dockerfile").read_text()
    assert (project / ".dockerignore").read_text().startswith("# added by dockeropt\n# version control\n.git\n")
    assert "2 files changed" in result.stderr


def test_cli_json_lists_the_files(project):
    result = cli("--format", "json", str(project / "Dockerfile"))
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["changed"] is True and entry["diff"] == ""
    (extra,) = entry["files"]
    assert extra["path"] == ".dockerignore" and extra["new"] is True
    assert extra["diff"].startswith("--- /dev/null\n+++ b/.dockerignore\n")
    assert entry["findings"][0]["id"] == "DO204" and entry["findings"][0]["status"] == "applied"


def test_cli_context_option_and_stdin(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere")
    (other / "Dockerfile").write_text(NODE)
    result = cli("--context", str(project), str(other / "Dockerfile"))
    assert result.exit_code == 1
    assert "+.git\n" in result.stdout
    stdin = invoke(main, ["--select", "DO204", "--context", str(project), "-"], input=NODE)
    assert stdin.exit_code == 1 and "+++ b/" in stdin.stdout
    assert not (project / ".dockerignore").exists()


def test_cli_stdin_write_says_the_file_beside_it_was_not_written(project):
    result = invoke(main, ["--select", "DO204", "--context", str(project), "--write", "-"], input=NODE)
    assert result.exit_code == 0 and result.stdout == NODE
    assert ".dockerignore not written: standard input has no folder" in result.stderr
    assert "nothing to change" in result.stderr
    assert not (project / ".dockerignore").exists()
