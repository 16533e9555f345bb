"""Documentation generated from the passes' metadata stays in step with the code."""

from __future__ import annotations

from optimizer.docs import explain
from optimizer.passes import PASSES

from .conftest import ROOT


def test_readme_passes_table_is_current():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    gen_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_docs)
    readme = (ROOT / "README.md").read_text()
    assert gen_docs.render(readme) == readme, "README's pass table is stale: run python tools/gen_docs.py"


def test_every_pass_is_documented_and_has_a_unique_id_and_name():
    assert len({p.id for p in PASSES}) == len({p.name for p in PASSES}) == len(PASSES)
    for p in PASSES:
        doc = explain(p)
        assert p.what and p.why and p.safety_notes and p.examples, p.id
        assert "## Example" in doc and "## Fix safety" in doc
