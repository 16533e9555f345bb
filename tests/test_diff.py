"""Tests for optimizer.diff: unidiff parses the output and `git apply` reproduces the new bytes."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unidiff import PatchSet

from optimizer.diff import colorize, diff_stats, new_file_diff, unified_diff

BIG = "".join(f"RUN echo {i}\n" for i in range(20_000))
LINES = "".join(f"line {i}\n" for i in range(1, 31))

CASES = {
    "single-line-change": ("FROM a\nRUN x\nCMD y\n", "FROM a\nRUN z\nCMD y\n"),
    "hunks-far-apart": (LINES, LINES.replace("line 2\n", "two\n").replace("line 28\n", "28\n")),
    "hunks-merge": (LINES, LINES.replace("line 5\n", "five\n").replace("line 12\n", "twelve\n")),
    "hunks-just-apart": (LINES, LINES.replace("line 5\n", "five\n").replace("line 13\n", "thirteen\n")),
    "insert-top": ("b\nc\n", "a\nb\nc\n"),
    "insert-bottom": ("a\nb\n", "a\nb\nc\n"),
    "delete-everything": ("a\nb\nc\n", ""),
    "create-from-empty": ("", "a\nb\n"),
    "crlf": ("FROM a\r\nRUN x\r\nCMD y\r\n", "FROM a\r\nRUN z\r\nCMD y\r\n"),
    "mixed-crlf-lf": ("a\r\nb\nc\r\nd\n", "a\nb\r\nc\r\nd\nx\r\n"),
    "lone-cr-in-line": ("a\rb\nc\n", "a\rB\nc\r"),
    "no-eol-old": ("a\nb", "a\nc\n"),
    "no-eol-new": ("a\nb\n", "a\nc"),
    "no-eol-both": ("a\nb", "a\nc"),
    "no-eol-unchanged-context": ("a\nb\nc", "A\nb\nc"),
    "final-newline-added": ("a\nb", "a\nb\n"),
    "final-newline-removed": ("a\nb\n", "a\nb"),
    "crlf-final-newline-removed": ("a\r\n", "a\r"),
    "lone-surrogates": ("FROM \udcff\nRUN \udce9t\udcc3\n", "FROM \udcff\nRUN \udcc3t\n"),
    "minus-and-plus-content": ("-- a\n++ b\nc\n", "--- x\n+++ y\nc\n"),
    "big-file-two-changes": (
        BIG,
        BIG.replace("RUN echo 123\n", "RUN echo changed\n").replace("RUN echo 19000\n", ""),
    ),
}


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _git_apply(tmp_path: Path, diff: str) -> None:
    """Apply diff in tmp_path (its own repository, so paths resolve from there)."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "patch.diff").write_bytes(_bytes(diff))
    for check in (["--check"], []):
        subprocess.run(
            ["git", "apply", "--whitespace=nowarn", *check, "patch.diff"],
            cwd=tmp_path, check=True, capture_output=True,
        )


def _unidiff_counts(diff: str) -> tuple[int, int]:
    """(added, removed) according to unidiff, after checking it parses as one file."""
    patch = PatchSet(diff)
    assert len(patch) == 1
    return patch[0].added, patch[0].removed


def _check_roundtrip(tmp_path: Path, old: str, new: str, context: int = 3) -> str:
    diff = unified_diff(old, new, "docker/Dockerfile", context=context)
    target = tmp_path / "docker" / "Dockerfile"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_bytes(old))
    _git_apply(tmp_path, diff)
    assert target.read_bytes() == _bytes(new)
    return diff


@pytest.mark.parametrize(("old", "new"), CASES.values(), ids=CASES.keys())
def test_unified_diff_applies(tmp_path: Path, old: str, new: str) -> None:
    start = time.perf_counter()
    diff = unified_diff(old, new, "docker/Dockerfile")
    assert time.perf_counter() - start < 2
    assert diff.startswith("--- a/docker/Dockerfile\n+++ b/docker/Dockerfile\n@@ -")
    assert diff_stats(diff) == _unidiff_counts(diff)
    _check_roundtrip(tmp_path, old, new)


@pytest.mark.parametrize(("old", "new"), CASES.values(), ids=CASES.keys())
def test_identical_texts_give_empty_diff(old: str, new: str) -> None:
    assert unified_diff(old, old, "f") == ""
    assert unified_diff(new, new, "f") == ""


NEW_FILES = {name: new for name, (_, new) in CASES.items() if new}


@pytest.mark.parametrize("content", NEW_FILES.values(), ids=NEW_FILES.keys())
def test_new_file_diff_applies(tmp_path: Path, content: str) -> None:
    diff = new_file_diff(content, "sub/.dockerignore")
    lines = len(_lines(content))
    count = "" if lines == 1 else f",{lines}"
    assert diff.startswith(f"--- /dev/null\n+++ b/sub/.dockerignore\n@@ -0,0 +1{count} @@\n")
    assert diff_stats(diff) == _unidiff_counts(diff) == (lines, 0)
    target = tmp_path / "sub" / ".dockerignore"
    assert not target.exists()
    _git_apply(tmp_path, diff)
    assert target.read_bytes() == _bytes(content)


def test_new_file_diff_of_empty_content() -> None:
    assert new_file_diff("", "x") == ""


def test_exact_output_and_hunk_headers() -> None:
    assert unified_diff("a\nb", "a\nb\n", "f") == (
        "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
    )
    assert unified_diff("b\n", "a\nb\n", "f", "g", context=0) == "--- a/f\n+++ b/g\n@@ -0,0 +1 @@\n+a\n"
    assert unified_diff("a\n", "", "f") == "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-a\n"
    assert unified_diff("x\r\n", "y\r\n", "f") == "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\r\n+y\r\n"


def test_hunk_merging_follows_git() -> None:
    """Changes 2*context equal lines apart share a hunk; one more line splits them."""
    assert unified_diff(LINES, CASES["hunks-merge"][1], "f").count("@@ -") == 1
    assert unified_diff(LINES, CASES["hunks-just-apart"][1], "f").count("@@ -") == 2
    old, new = "a\nb\nc\n", "A\nb\nC\n"
    assert unified_diff(old, new, "f", context=0).count("@@ -") == 2
    assert unified_diff(old, new, "f", context=1).count("@@ -") == 1


def test_matches_git_diff_output(tmp_path: Path) -> None:
    old, new = CASES["hunks-far-apart"]
    (tmp_path / "a").write_text(old)
    (tmp_path / "b").write_text(new)
    git = subprocess.run(
        ["git", "diff", "--no-index", "--no-color", "a", "b"], cwd=tmp_path, capture_output=True, text=True
    ).stdout
    git = git[git.index("--- a/a"):]
    git = re.sub(r"^(@@ .* @@).*$", r"\1", git, flags=re.MULTILINE)  # drop git's function-name context
    assert unified_diff(old, new, "a", "b") == git


def test_context_must_not_be_negative() -> None:
    with pytest.raises(ValueError):
        unified_diff("a", "b", "f", context=-1)


def test_colorize_only_adds_colours() -> None:
    diff = unified_diff("-- a\nb\n", "++ a\nb\n", "f")
    coloured = colorize(diff)
    assert "\x1b[1m--- a/f\x1b[0m\n" in coloured
    assert "\x1b[36m@@ -1,2 +1,2 @@\x1b[0m\n" in coloured
    assert "\x1b[31m--- a\x1b[0m\n" in coloured
    assert "\x1b[32m+++ a\x1b[0m\n" in coloured
    assert " b\n" in coloured
    assert coloured.replace("\x1b[1m", "").replace("\x1b[36m", "").replace("\x1b[31m", "").replace(
        "\x1b[32m", "").replace("\x1b[0m", "") == diff
    assert diff_stats(diff) == (1, 1)


def _lines(text: str) -> list[str]:
    """Lines split on "\\n" only, keeping endings (independent of the module's helper)."""
    return [line for line in text.replace("\n", "\n\0").split("\0") if line]


def _edit_distance(a: list[str], b: list[str]) -> int:
    """Insertions + deletions of a minimal line diff (quadratic LCS table)."""
    row = [0] * (len(b) + 1)
    for line in a:
        prev, row = row, [0]
        for j, other in enumerate(b):
            row.append(prev[j] + 1 if line == other else max(prev[j + 1], row[j]))
    return len(a) + len(b) - 2 * row[-1]


_LINE = st.sampled_from(["a\n", "b\n", "c\r\n", "a\r\n", "\udcff\n", "-x\n"])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    text = "".join(draw(st.lists(_LINE, max_size=8)))
    if text and draw(st.booleans()):
        text = text[:-1]  # drop the final newline ("\r\n" -> "\r")
    return text


@settings(max_examples=60, deadline=None)
@given(old=_texts(), new=_texts(), context=st.integers(0, 3))
def test_property_minimal_and_applies(
    tmp_path_factory: pytest.TempPathFactory, old: str, new: str, context: int
) -> None:
    assert unified_diff(old, old, "Dockerfile", context=context) == ""
    if old == new:
        return
    diff = unified_diff(old, new, "docker/Dockerfile", context=context)
    added, removed = diff_stats(diff)
    assert (added, removed) == _unidiff_counts(diff)
    assert added + removed == _edit_distance(_lines(old), _lines(new))
    # Zero-context hunks cannot be applied exactly by git (git's own -U0 diffs lose a final
    # newline the same way), so the byte-exact round trip is checked with context only.
    if context:
        _check_roundtrip(tmp_path_factory.mktemp("prop"), old, new, context)
