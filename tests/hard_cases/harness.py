"""One table format for the hard cases of "SAFE means proven" (issue 12).

A ``Case`` is a Dockerfile, its build context (path -> file text, written to a temporary
directory) and what must happen for one pass:

- ``SAFE``: the pass applies a SAFE fix (and ``after``, when given, is the exact result);
- ``NOT_SAFE``: the pass still reports the change, but only as UNSAFE or a suggestion, and its
  risk or message names the unknown (every string in ``names`` appears in it);
- ``NONE``: the pass offers nothing at all (no finding).

``run_case`` asserts it; each class's module holds ``CASES`` and one parametrized test.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.passes.base import Safety
from optimizer.pipeline import Status, optimize


class Expect(enum.Enum):
    SAFE = "safe"
    NOT_SAFE = "not-safe"
    NONE = "none"


SAFE, NOT_SAFE, NONE = Expect.SAFE, Expect.NOT_SAFE, Expect.NONE


@dataclass(frozen=True)
class Case:
    id: str
    pass_id: str
    dockerfile: str
    expect: Expect
    context: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # words the risk/message must contain (NOT_SAFE), or the SAFE fix's message
    after: str | None = None  # exact result of the SAFE fix (of the UNSAFE one, for NOT_SAFE with unsafe)
    unsafe: bool = False  # run with --unsafe (the NOT_SAFE fix is then applied, SAFE ones as usual)

    def __str__(self) -> str:
        return self.id


def _context(case: Case, root: Path) -> BuildContext | None:
    if not case.context:
        return None
    for path, text in case.context.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    if "Dockerfile" not in case.context:
        (root / "Dockerfile").write_text(case.dockerfile)
    return BuildContext.from_directory(root)


def run_case(case: Case, tmp_path: Path):
    """Run ``case.pass_id`` alone on the case and assert what it expects; returns the result."""
    config = Config(select=frozenset({case.pass_id}), unsafe=case.unsafe)
    result = optimize(case.dockerfile, _context(case, tmp_path), config)
    assert not result.problems, result.problems
    mine = [r for r in result.findings if r.finding.pass_id == case.pass_id]
    texts = " ".join(f"{r.finding.message} {r.finding.risk}" for r in mine)
    if case.expect is NONE:
        assert not mine, f"{case.id}: expected no finding, got {texts!r}"
        assert result.text == case.dockerfile
    elif case.expect is NOT_SAFE:
        assert mine, f"{case.id}: expected an UNSAFE fix or a suggestion, got nothing"
        assert all(r.safety is not Safety.SAFE for r in mine), f"{case.id}: labelled SAFE: {texts!r}"
        if not case.unsafe:
            assert result.text == case.dockerfile, f"{case.id}: changed without --unsafe"
        for word in case.names:
            assert word in texts, f"{case.id}: {word!r} not named in {texts!r}"
        if case.after is not None:  # with --unsafe: the UNSAFE fix's exact result (the input: a suggestion)
            assert result.text == case.after
    else:
        applied = [r for r in mine if r.status is Status.APPLIED]
        assert applied and all(r.safety is Safety.SAFE for r in applied), f"{case.id}: no SAFE fix: {texts!r}"
        if case.after is not None:
            assert result.text == case.after
        for word in case.names:
            assert word in texts, f"{case.id}: {word!r} not named in {texts!r}"
    return result
