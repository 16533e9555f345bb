"""Before/after helpers for pass tests (in the spirit of LibCST's assertCodemod)."""

from __future__ import annotations

from optimizer.config import Config
from optimizer.pipeline import Status, optimize


def rewrite(before: str, *, select: str | None = None, unsafe: bool = False):
    config = Config(select=frozenset({select}) if select else None, unsafe=unsafe)
    return optimize(before, config=config)


def assert_rewrites(before: str, after: str, *, select: str | None = None, unsafe: bool = False):
    """The optimizer turns ``before`` into ``after``, and a second run changes nothing."""
    result = rewrite(before, select=select, unsafe=unsafe)
    assert not result.problems, result.problems
    assert result.text == after
    again = rewrite(after, select=select, unsafe=unsafe)
    assert again.text == after, "not idempotent"
    assert not [r for r in again.findings if r.status is Status.APPLIED]
    return result


def assert_unchanged(before: str, *, select: str | None = None, unsafe: bool = True):
    """Nothing is applied, even with --unsafe."""
    result = rewrite(before, select=select, unsafe=unsafe)
    assert result.text == before
    return result


def assert_unsafe_fix(before: str, after: str, *, select: str):
    """Without --unsafe the fix is only reported, with its risk; with --unsafe it gives ``after``."""
    result = rewrite(before, select=select)
    assert result.text == before
    assert [r.status for r in result.findings] == [Status.NEEDS_UNSAFE]
    assert result.findings[0].finding.risk
    assert_rewrites(before, after, select=select, unsafe=True)


def assert_safe_fix(before: str, after: str, *, select: str):
    """``before`` becomes ``after`` by SAFE fixes alone (applied without --unsafe), idempotently."""
    result = assert_rewrites(before, after, select=select)
    assert result.applied and all(r.safety.value == "safe" for r in result.applied)
    return result
