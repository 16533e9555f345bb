"""Every documented example is what its pass does: the rule pages and ``--explain`` show tested text."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.passes import PASSES
from optimizer.passes.base import Safety
from optimizer.pipeline import Status, optimize

EXAMPLES = [pytest.param(p, example, id=f"{p.id}-{i}") for p in PASSES for i, example in enumerate(p.examples)]
SUGGESTIONS = [e for e in EXAMPLES if e.values[0].safety is Safety.SUGGESTION or e.values[1].suggestion]
UNSAFE = [e for e in EXAMPLES if e.values[1].config.get("unsafe")]


def run(pass_, example, **config):
    """Optimize the example's ``before`` with its pass alone, its context and its config (or ``config``)."""
    context = BuildContext.unknown()
    if example.context is not None:
        texts = {path: text for path, text in example.context.items() if text is not None}
        context = BuildContext.from_listing(example.context, texts=texts)
    return optimize(example.before, context, Config(select=frozenset({pass_.id}), **(config or example.config)))


@pytest.mark.parametrize("pass_, example", EXAMPLES)
def test_optimizing_before_gives_after(pass_, example):
    result = run(pass_, example)
    assert not result.problems and not result.warnings
    assert {f.finding.pass_id for f in result.findings} == {pass_.id}
    if pass_.safety is Safety.SUGGESTION or example.suggestion:
        assert result.text == example.before and not result.extra_files
        assert {f.status for f in result.findings} == {Status.SUGGESTION}
        return
    assert result.text == example.after
    assert {f.path: f.text for f in result.extra_files} == dict(example.files)
    statuses = [f.status for f in result.findings]
    assert Status.APPLIED in statuses and set(statuses) <= {Status.APPLIED, Status.SUGGESTION}, statuses


@pytest.mark.parametrize("pass_, example", SUGGESTIONS)
def test_a_suggestion_names_every_line_its_example_adds(pass_, example):
    messages = " ".join(f.finding.message for f in run(pass_, example).findings)
    added = [line for line in example.after.splitlines() if line.strip() and line not in example.before.splitlines()]
    assert added
    for line in added:
        assert f"`{line}`" in messages or f"`{line.split(None, 1)[1]}`" in messages, line


@pytest.mark.parametrize("pass_, example", UNSAFE)
def test_an_example_that_names_unsafe_needs_it(pass_, example):
    result = run(pass_, example, unsafe=False, **{k: v for k, v in example.config.items() if k != "unsafe"})
    assert result.text == example.before
    assert Status.NEEDS_UNSAFE in {f.status for f in result.findings}
