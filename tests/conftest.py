"""Shared test fixtures: the real-world corpus in ../shared and the BuildKit parser oracle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
REAL_CORPUS = ROOT.parent / "shared" / "corpus" / "real"
STRICT = os.environ.get("DOCKEROPT_STRICT_TESTS") == "1"  # set by .ci/run: a skip becomes a failure

# CI replays the same property-test examples every run (a gate must not depend on luck); local runs
# keep exploring new examples, and a failure they find becomes a table case.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if STRICT:
    settings.load_profile("ci")


def require(condition: bool, reason: str) -> None:
    """Skip when an optional test input is missing; fail instead under DOCKEROPT_STRICT_TESTS."""
    if not condition:
        if STRICT:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


def shown(path: Path) -> str:
    """A path as skip reasons and messages name it: relative to the repository (``~/...`` under the home
    folder), never this machine's folders."""
    home, path = Path.home(), Path(path).absolute()
    if path.is_relative_to(home) and not path.is_relative_to(ROOT.parent):
        return "~/" + path.relative_to(home).as_posix()
    return Path(os.path.relpath(path, ROOT)).as_posix()


def real_corpus_files() -> list[Path]:
    return sorted(REAL_CORPUS.glob("*/Dockerfile")) if REAL_CORPUS.is_dir() else []


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


@pytest.fixture
def corpus_files() -> list[Path]:
    files = real_corpus_files()
    require(bool(files), f"real corpus not found at {shown(REAL_CORPUS)}")
    return files


@pytest.fixture
def oracle():
    """BuildKit's own parser (PyPI `dockerfile`): the test oracle for instruction boundaries."""
    try:
        import dockerfile
    except ImportError:
        require(False, "the `dockerfile` package (BuildKit parser) is not installed")
    return dockerfile
