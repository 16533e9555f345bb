"""Golden cases in corpus/: each case's expected output and diff, reviewed by hand.

A case is ``corpus/<case>/Dockerfile`` with ``expected.Dockerfile`` and ``expected.diff`` beside it.
A ``context/`` folder makes it a case with a build context, read as ``--context context`` would
(a temporary copy, so that ``context.extra`` can add what git cannot hold: one ``path [size]`` per
line, created with that many bytes, e.g. ``.git/HEAD`` or a large file). Its ``expected.diff`` then
holds the diffs of the files the fixes create or extend too (``context/.dockerignore``), and the
whole patch must apply with ``git apply``. A file named ``unsafe`` runs the case with ``--unsafe``,
``select`` with only the pass ids it lists, ``java-runtime`` with that ``--java-runtime``, ``buildkit``
with ``--buildkit``.

Regenerate after a deliberate change with ``DOCKEROPT_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
and review the result with ``git diff corpus/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.diff import new_file_diff, unified_diff
from optimizer.pipeline import optimize

from .conftest import ROOT, read_text

CASES = sorted(p.parent for p in (ROOT / "corpus").glob("*/Dockerfile"))
UPDATE = os.environ.get("DOCKEROPT_UPDATE_GOLDEN") == "1"


def _config(case) -> Config:
    select = case / "select"  # pass ids, comma-separated: one step of a progression (corpus/java-progression-*)
    runtime = case / "java-runtime"
    options: dict[str, bool | str] = {"java-runtime": read_text(runtime).strip()} if runtime.exists() else {}
    if (case / "buildkit").exists():
        options["buildkit"] = True
    return Config(unsafe=(case / "unsafe").exists(),
                  select=frozenset(read_text(select).replace(",", " ").split()) if select.exists() else None,
                  options=options)


def _workspace(case: Path, tmp_path: Path) -> Path | None:
    """A copy of the case (Dockerfile and context/, plus context.extra), or None without a context."""
    if not (case / "context").is_dir():
        return None
    work = tmp_path / "case"
    work.mkdir()
    shutil.copyfile(case / "Dockerfile", work / "Dockerfile")
    shutil.copytree(case / "context", work / "context", symlinks=True)
    extra = case / "context.extra"
    if extra.is_file():
        for line in read_text(extra).splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, _, size = line.strip().partition(" ")
            target = work / "context" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"x" * int(size or 0))
    return work


def _diff(before: str, result, prefix: str) -> str:
    diff = unified_diff(before, result.text, "Dockerfile")
    for new in result.extra_files:
        label = prefix + new.path
        diff += new_file_diff(new.text, label) if new.new else unified_diff(new.original, new.text, label)
    return diff


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case, tmp_path):
    before = read_text(case / "Dockerfile")
    work = _workspace(case, tmp_path)
    context = BuildContext.from_directory(work / "context") if work else None
    result = optimize(before, context, config=_config(case))
    diff = _diff(before, result, "context/")
    if UPDATE:
        (case / "expected.Dockerfile").write_bytes(result.text.encode("utf-8", "surrogateescape"))
        (case / "expected.diff").write_bytes(diff.encode("utf-8", "surrogateescape"))
    assert result.text == read_text(case / "expected.Dockerfile")
    assert diff == read_text(case / "expected.diff")
    if not diff:
        return
    # The diff we show applies with git to exactly the expected bytes (files beside it included).
    if work is None:
        work = tmp_path
        shutil.copyfile(case / "Dockerfile", work / "Dockerfile")
    (work / "fix.diff").write_bytes((case / "expected.diff").read_bytes())
    subprocess.run(["git", "apply", "fix.diff"], cwd=work, check=True)
    (work / "fix.diff").unlink()
    assert (work / "Dockerfile").read_bytes() == (case / "expected.Dockerfile").read_bytes()
    for new in result.extra_files:
        assert (work / "context" / new.path).read_bytes() == new.text.encode("utf-8", "surrogateescape")
    # Idempotent: a second run over the fixed Dockerfile and context changes nothing.
    again = optimize(result.text, BuildContext.from_directory(work / "context") if context else None,
                     config=_config(case))
    assert again.text == result.text and not again.extra_files, "not idempotent"
