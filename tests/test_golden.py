"""Golden cases in corpus/: each case's expected output and diff, reviewed by hand.

Regenerate after a deliberate change with ``DOCKEROPT_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
and review the result with ``git diff corpus/``.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from optimizer.config import Config
from optimizer.diff import unified_diff
from optimizer.pipeline import optimize

from .conftest import ROOT, read_text

CASES = sorted(p.parent for p in (ROOT / "corpus").glob("*/Dockerfile"))
UPDATE = os.environ.get("DOCKEROPT_UPDATE_GOLDEN") == "1"


def _config(case) -> Config:
    return Config(unsafe=(case / "unsafe").exists())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case, tmp_path):
    before = read_text(case / "Dockerfile")
    result = optimize(before, config=_config(case))
    diff = unified_diff(before, result.text, "Dockerfile")
    if UPDATE:
        (case / "expected.Dockerfile").write_bytes(result.text.encode("utf-8", "surrogateescape"))
        (case / "expected.diff").write_bytes(diff.encode("utf-8", "surrogateescape"))
    assert result.text == read_text(case / "expected.Dockerfile")
    assert diff == read_text(case / "expected.diff")
    assert optimize(result.text, config=_config(case)).text == result.text, "not idempotent"
    if diff:  # the diff we show applies with git to exactly the expected bytes
        (tmp_path / "Dockerfile").write_bytes((case / "Dockerfile").read_bytes())
        (tmp_path / "fix.diff").write_bytes((case / "expected.diff").read_bytes())
        subprocess.run(["git", "apply", "fix.diff"], cwd=tmp_path, check=True)
        assert (tmp_path / "Dockerfile").read_bytes() == (case / "expected.Dockerfile").read_bytes()
