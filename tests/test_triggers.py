"""A pass's trigger words (``Pass.triggers``) skip it only where it finds nothing.

Every pass runs here without its words, in every round of the fixpoint (and on the original text the
pipeline looks back at), over the real corpus, the golden cases in corpus/, the hard cases and the rule
examples, safe and with --unsafe --buildkit; wherever the words are not in the text the pass was given,
it must have reported nothing. The index a run reads instead of importing the passes is checked too.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from optimizer.record import replace
from pathlib import Path

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.passes import PASSES
from optimizer.passes._index import INDEX
from optimizer.passes.index import trigger_text, triggered
from optimizer.pipeline import optimize

from .conftest import ROOT, read_text
from .hard_cases.harness import Case, _context

REAL = ROOT.parent / "shared" / "corpus" / "real"
CONFIGS = (Config(), Config(unsafe=True, options={"buildkit": True}))


def _unfiltered(wrong: list[str]) -> tuple:
    """Every pass without trigger words, noting in ``wrong`` each finding on a text without them."""

    def wrap(pass_):
        def check(doc, context, config):
            findings = list(pass_.check(doc, context, config))
            if findings and not triggered(pass_, trigger_text(doc.text)):
                wrong.append(f"{pass_.id} {pass_.triggers} reported {findings[0].message!r} on:\n{doc.text}")
            return findings

        return replace(pass_, triggers=(), check=check)

    return tuple(wrap(p) for p in PASSES)


def _check_all(inputs) -> int:
    """Optimize each (text, context) with every configuration; fail naming the first wrong skip."""
    wrong: list[str] = []
    passes = _unfiltered(wrong)
    count = 0
    for text, context in inputs:
        for config in CONFIGS:
            optimize(text, context, config, passes=passes)
            count += 1
        assert not wrong, wrong[0]
    return count


def test_every_pass_has_words_or_runs_always_and_the_words_are_matchable():
    for p in PASSES:
        for word in p.triggers:
            assert word and word == word.lower() and not any(c.isspace() or c in "\\`'\"" for c in word), (p.id, word)
    assert {p.id for p in PASSES if not p.triggers} == {"DO204", "DO303", "DO304"}


def test_the_real_corpus_gives_no_finding_where_the_words_are_missing():
    if not REAL.is_dir():
        pytest.skip("the real corpus (../shared/corpus/real) is not here")
    paths = sorted(REAL.glob("*/Dockerfile"))
    inputs = ((p.read_bytes().decode("utf-8", "surrogateescape"), BuildContext.from_corpus_entry(p.parent))
              for p in paths)
    assert _check_all(inputs) == 2 * len(paths) > 0


def test_the_golden_cases_give_no_finding_where_the_words_are_missing():
    cases = sorted(p.parent for p in (ROOT / "corpus").glob("*/Dockerfile"))
    inputs = ((read_text(c / "Dockerfile"),
               BuildContext.from_directory(c / "context") if (c / "context").is_dir() else None) for c in cases)
    assert _check_all(inputs) == 2 * len(cases) > 0


def test_the_hard_cases_give_no_finding_where_the_words_are_missing(tmp_path):
    cases: list[Case] = []
    for module in sorted((ROOT / "tests" / "hard_cases").glob("test_*.py")):
        found = vars(importlib.import_module(f"tests.hard_cases.{module.stem}"))
        cases += {id(c): c for value in found.values() if isinstance(value, list)
                  for c in value if isinstance(c, Case)}.values()
    inputs = ((case.dockerfile, _context(case, _folder(tmp_path, i))) for i, case in enumerate(cases))
    assert _check_all(inputs) == 2 * len(cases) > 100


def _folder(root: Path, i: int) -> Path:
    folder = root / str(i)
    folder.mkdir()
    return folder


def test_the_rule_examples_give_no_finding_where_the_words_are_missing():
    examples = [e for p in PASSES for e in p.examples]
    inputs = ((e.before, BuildContext.from_listing(e.context, texts={k: v for k, v in e.context.items() if v is not None})
               if e.context is not None else None) for e in examples)
    assert _check_all(inputs) == 2 * len(examples) > 0


@pytest.mark.parametrize(("text", "words"), [
    pytest.param("FROM debian\nRUN ap\\\n  t-get install -y x\n", ("apt",), id="line-continuation"),
    pytest.param("# escape=`\nFROM debian\nRUN ap`\n  t-get install -y x\n", ("apt",), id="escape-directive"),
    pytest.param("FROM debian\nRUN ap\\\n# note\n  t-get install -y x\n", ("apt",), id="comment-in-continuation"),
    pytest.param("FROM debian\nRUN a'p't-get install -y x\n", ("apt",), id="shell-quotes"),
    pytest.param("FROM debian\nRUN <<EOF\nAPT-GET install -y x\nEOF\n", ("apt",), id="heredoc-and-case"),
    pytest.param("FROM debian\nmaıntaıner me\n", ("maintainer",), id="dotless-i-upper-cases-to-I"),
])
def test_words_are_found_however_the_text_spells_them(text, words):
    assert triggered(replace(PASSES[0], triggers=words), trigger_text(text))


def test_a_json_unicode_escape_runs_every_pass():
    assert trigger_text('FROM debian\nRUN ["\\u0061pt-get", "install", "-y", "x"]\n') is None
    assert not triggered(replace(PASSES[0], triggers=("apt",)), trigger_text("FROM debian\nCMD [\"x\"]\n"))


def test_the_index_lists_every_pass_as_it_declares_itself():
    assert [e.id for e in INDEX] == [p.id for p in PASSES]
    for entry, p in zip(INDEX, PASSES):
        assert entry.load() is p
        assert (entry.name, entry.hadolint, entry.options, entry.supersedes, entry.triggers) == \
               (p.name, p.hadolint, p.options, p.supersedes, p.triggers)


def test_the_generated_index_is_current():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    gen_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_docs)
    assert gen_docs.index_source() == read_text(ROOT / "optimizer" / "passes" / "_index.py"), \
        "optimizer/passes/_index.py is stale: run python tools/gen_docs.py"


def test_a_file_without_run_imports_neither_the_run_passes_nor_tree_sitter(tmp_path):
    (tmp_path / "Dockerfile").write_text('FROM debian:12\nCMD ["x"]\n')
    probe = ("import sys\nfrom optimizer.cli import main\nmain(['--check', sys.argv[1]])\n"
             "print(sorted(m for m in sys.modules if m.startswith(('optimizer.passes.', 'tree_sitter', 'tomllib'))))")
    out = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "Dockerfile")], capture_output=True, text=True,
                         cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"}, check=False).stdout
    loaded = eval(out.strip().splitlines()[-1])  # noqa: S307 - our own output
    assert "optimizer.passes.dockerignore" in loaded and "optimizer.passes.base_image" in loaded
    assert not [m for m in loaded if m.startswith(("optimizer.passes.apt", "optimizer.passes.merge_runs",
                                                   "optimizer.passes.copy", "tree_sitter", "tomllib"))], loaded
