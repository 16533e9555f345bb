"""The type check: mypy, strict over optimizer/ as pyproject.toml configures it, finds no error.

It runs inside the README's test command, so CI fails on a type error like on any other failing test,
with mypy's report as the failure message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_type_error():
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"mypy found type errors:\n{proc.stdout}{proc.stderr}"


def test_the_check_is_strict_over_the_whole_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["optimizer"]
    assert "overrides" not in config, "every module of optimizer/ is checked strictly; no exceptions"
