"""The rule pages in docs/rules/ are generated from the passes' metadata and match `--explain`."""

from __future__ import annotations

import importlib.util

import pytest

from optimizer.cli import main
from optimizer.passes import PASSES

from .conftest import ROOT
from .helpers import invoke

RULES = ROOT / "docs" / "rules"


def gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_pages_are_current_and_nothing_else_is_there():
    pages = gen_docs().rule_pages()
    on_disk = {p.name: p.read_text() for p in RULES.glob("*.md")}
    assert on_disk == pages, "docs/rules is stale: run python tools/gen_docs.py"


@pytest.mark.parametrize("pass_", PASSES, ids=[p.id for p in PASSES])
def test_explain_prints_the_rule_page(pass_):
    page = (RULES / f"{pass_.id}-{pass_.name}.md").read_text()
    for key in (pass_.id, pass_.name):
        result = invoke(main, ["--explain", key])
        assert result.exit_code == 0 and result.output == page
    assert "## What it does" in page and "## Example" in page and "## Fix safety" in page


def test_the_index_links_every_page():
    index = (RULES / "README.md").read_text()
    for p in PASSES:
        assert f"[{p.id}]({p.id}-{p.name}.md)" in index and (RULES / f"{p.id}-{p.name}.md").is_file()
