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


EVIDENCE = "evidence"


@pytest.fixture
def evidence(request):
    """Record a report (a verify result, a benchmark row) for the end of the run: the build tests' evidence
    in CI's log. Kept in the test's report, so it reaches the terminal from pytest-xdist's workers too."""
    def record(text: str) -> None:
        request.node.user_properties.append((EVIDENCE, text))
    return record


def pytest_terminal_summary(terminalreporter):
    """Print the recorded evidence, test by test, after the results."""
    shown_any = False
    for reports in terminalreporter.stats.values():
        for report in reports:
            texts = [value for key, value in getattr(report, "user_properties", ()) if key == EVIDENCE]
            if not texts or getattr(report, "when", "call") != "call":
                continue
            if not shown_any:
                terminalreporter.section("evidence from real builds")
                shown_any = True
            terminalreporter.write_line(f"\n{report.nodeid} ({report.outcome})")
            for text in texts:
                terminalreporter.write_line(text)


def pytest_collection_modifyitems(items):
    """Real builds first: each takes minutes, so pytest-xdist's workers start them at once and the quick
    tests fill the workers around them (the run ends with quick tests instead of one long build)."""
    items.sort(key=lambda item: "lab" not in getattr(item, "fixturenames", ()))
