"""One contract per rule: each pass's documentation lives once, in its Pass fields, in fixed sections."""

from __future__ import annotations

import importlib

import pytest

from optimizer.passes import PASSES
from optimizer.passes.base import Safety

OPENING = {Safety.SAFE: "Safe because", Safety.UNSAFE: "Unsafe because", Safety.SUGGESTION: "Suggested only because"}


@pytest.mark.parametrize("pass_", PASSES, ids=[p.id for p in PASSES])
def test_the_documentation_is_written_once_in_fixed_sections(pass_):
    module = importlib.import_module(pass_.check.__module__)
    assert module.__doc__.count("\n") == 0 and module.__doc__.startswith(f"{pass_.id} {pass_.name}: ")
    assert pass_.what and pass_.why and pass_.examples
    assert pass_.safety_notes.startswith(OPENING[pass_.safety]), pass_.safety_notes[:40]
    if pass_.safety is Safety.SAFE:
        assert "provided" in pass_.safety_notes
    for text in (pass_.what, pass_.why, pass_.safety_notes):
        assert "``" not in text and text == text.strip() and not text.startswith(" ")
