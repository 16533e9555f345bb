"""The pipeline's safety net, with passes made up for the test: post-check, conflicts, fixpoint,
suppression and line numbers mapped back to the input."""

from __future__ import annotations

import pytest

from optimizer import pipeline
from optimizer.config import Config
from optimizer.edits import Edit
from optimizer.passes.base import Fix, Pass, Safety
from optimizer.pipeline import Status, optimize


def make_pass(check, *, id="DO900", name="test-pass", hadolint=()):
    return Pass(id=id, name=name, title="t", what="w", why="y", safety=Safety.SAFE, safety_notes="",
                examples=(), check=check, hadolint=hadolint)


@pytest.fixture
def passes(monkeypatch):
    def install(*made):
        monkeypatch.setattr(pipeline, "INDEX", made)
    return install


def _run_instruction(doc):
    return next(i for i in doc.instructions if i.keyword == "RUN")


def drop_backslash(doc, context, config):
    """Breaks the file the way other auto-fixers do: a lost `\\` turns a package into an instruction."""
    run = _run_instruction(doc)
    at = doc.text.index("\\", run.start)
    yield PASS_BREAKS.finding(run.start_line, "breaks", Fix((Edit(at, at + 1, ""),), Safety.SAFE))


PASS_BREAKS = make_pass(drop_backslash, id="DO901", name="breaks-things")


def test_a_fix_that_breaks_the_file_is_dropped_and_reported(passes):
    passes(PASS_BREAKS)
    text = "FROM debian\nRUN apt-get install -y \\\n    procps\n"
    result = optimize(text)
    assert result.text == text
    (reported,) = result.findings
    assert reported.status is Status.REJECTED
    assert "unknown instruction: procps" in reported.detail


def change_cmd(doc, context, config):
    cmd = next(i for i in doc.instructions if i.keyword == "CMD")
    if "old" in cmd.logical.text:
        yield PASS_CMD.finding(cmd.start_line, "cmd", Fix((Edit.replace(cmd.arguments.doc_span(0, len(cmd.arguments.text)), "new"),), Safety.SAFE))


PASS_CMD = make_pass(change_cmd, id="DO902", name="changes-cmd")


def test_a_fix_that_changes_the_final_cmd_is_rejected_unless_declared(passes):
    passes(PASS_CMD)
    text = "FROM a\nCMD old\n"
    result = optimize(text)
    assert result.text == text and result.findings[0].status is Status.REJECTED
    assert "CMD" in result.findings[0].detail


def append_comment(doc, context, config):
    yield PASS_FOREVER.finding(1, "again", Fix((Edit.insert(len(doc.text), "# more\n"),), Safety.SAFE))


PASS_FOREVER = make_pass(append_comment, id="DO903", name="never-settles")


def test_fixpoint_is_capped_with_a_warning(passes):
    passes(PASS_FOREVER)
    result = optimize("FROM a\n", config=Config(max_rounds=3))
    assert result.text == "FROM a\n" + "# more\n" * 3
    assert result.warnings and "did not settle" in result.warnings[0]


def two_overlapping(doc, context, config):
    run = _run_instruction(doc)
    if "RUN a" in doc.text:
        yield PASS_OVERLAP.finding(2, "first", Fix((Edit(run.start, run.start + 5, "RUN b"),), Safety.SAFE))
    if "--y" not in doc.text:
        yield PASS_OVERLAP.finding(2, "second", Fix((Edit(run.start + 4, run.start + 5, doc.text[run.start + 4] + " --y"),), Safety.SAFE))


PASS_OVERLAP = make_pass(two_overlapping, id="DO904", name="overlaps")


def test_overlapping_fixes_wait_for_the_next_round(passes):
    passes(PASS_OVERLAP)
    result = optimize("FROM x\nRUN a\n")
    assert result.text == "FROM x\nRUN b --y\n"
    assert [r.status for r in result.findings] == [Status.APPLIED, Status.APPLIED]


def test_a_conflict_left_at_the_round_cap_is_reported(passes):
    passes(PASS_OVERLAP)
    result = optimize("FROM x\nRUN a\n", config=Config(max_rounds=1))
    assert [r.status for r in result.findings] == [Status.APPLIED, Status.CONFLICT]


def unsafe_everywhere(doc, context, config):
    for inst in doc.instructions:
        if inst.keyword == "RUN" and "--x" not in inst.text:
            yield PASS_UNSAFE.finding(inst.start_line, "unsafe", Fix((Edit.insert(inst.end - 1, " --x"),), Safety.UNSAFE),
                                      risk="may differ")


PASS_UNSAFE = make_pass(unsafe_everywhere, id="DO905", name="unsafe-one", hadolint=("DL3015",))


def test_unsafe_fixes_need_opt_in_and_suppression_comments_are_honoured(passes):
    passes(PASS_UNSAFE)
    text = "FROM a\nRUN one\n# hadolint ignore=DL3015\nRUN two\n# dockeropt: ignore=unsafe-one\nRUN three\nRUN four\n"
    assert [r.status for r in optimize(text).findings] == [Status.NEEDS_UNSAFE, Status.NEEDS_UNSAFE]
    result = optimize(text, config=Config(unsafe=True))
    assert result.text == text.replace("RUN one", "RUN one --x").replace("RUN four", "RUN four --x")


def test_an_ignore_comment_on_any_instruction_a_finding_touches_suppresses_it(passes):
    def move_last_run_first(doc, context, config):
        runs = [i for i in doc.instructions if i.keyword == "RUN"]
        last = runs[-1]
        if "three" not in last.text:
            return
        edits = (Edit.delete(*last.full_span), Edit.insert(runs[0].full_span[0], doc.text[slice(*last.full_span)]))
        yield MOVER.finding(last.start_line, "move", Fix(edits, Safety.SAFE),
                            touches=tuple(r.start_line for r in runs[:-1]))

    MOVER = make_pass(move_last_run_first, id="DO902", name="mover")
    passes(MOVER)
    text = "FROM a\nRUN one\nRUN two\nRUN three\n"
    assert optimize(text).text == "FROM a\nRUN three\nRUN one\nRUN two\n"
    for touched in ("RUN one", "RUN two", "RUN three"):
        for comment in ("# dockeropt: ignore=DO902", "# dockeropt: ignore=mover"):
            commented = text.replace(touched, f"{comment}\n{touched}")
            result = optimize(commented)
            assert result.text == commented and not result.findings
    other = text.replace("RUN two", "# dockeropt: ignore=DO101\nRUN two")
    assert optimize(other).text == "FROM a\nRUN three\nRUN one\n# dockeropt: ignore=DO101\nRUN two\n"


def test_lines_are_reported_in_the_original_file(passes):
    def add_lines_then_flag(doc, context, config):
        if not doc.text.startswith("# a"):
            yield PASS_A.finding(1, "a", Fix((Edit.insert(0, "# a\n# b\n"),), Safety.SAFE))

    def flag_run(doc, context, config):
        run = _run_instruction(doc)
        yield PASS_B.finding(run.start_line, "b")

    PASS_A = make_pass(add_lines_then_flag, id="DO906", name="adds-lines")
    PASS_B = make_pass(flag_run, id="DO907", name="flags-run")
    passes(PASS_A, PASS_B)
    result = optimize("FROM a\nRUN x\n")
    suggestion = next(r for r in result.findings if r.pass_.id == "DO907")
    assert suggestion.line == 2 and suggestion.status is Status.SUGGESTION


def test_invalid_input_is_never_rewritten():
    result = optimize("FROM a\nRUN <<EOF\n")
    assert result.problems and result.text == "FROM a\nRUN <<EOF\n" and not result.findings


def test_a_crashing_pass_is_reported_and_skipped_never_raised(passes):
    def crash(doc, context, config):
        raise RecursionError("maximum recursion depth exceeded")
        yield  # a generator, like every check

    passes(make_pass(crash, id="DO908", name="crashes"))
    result = optimize("FROM a\n")
    assert result.text == "FROM a\n"
    assert result.warnings == ("internal error in DO908 crashes, pass skipped: RecursionError: "
                               "maximum recursion depth exceeded",)


def test_a_run_of_thousands_of_steps_is_handled():
    text = "FROM debian\nRUN apt-get update\nRUN " + " \\\n && ".join(f"echo {i}" for i in range(3000)) \
        + " \\\n && apt-get install -y x\n"
    result = optimize(text)
    assert not result.warnings and result.text.count("apt-get update") == 1
