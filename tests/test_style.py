"""The Stylist reads each convention of a file: line ending, keyword case, continuation lines, escape, heredocs."""

from __future__ import annotations

import pytest

from optimizer.model import parse
from optimizer.model.style import DEFAULT_CONTINUATION, Continuation


@pytest.mark.parametrize("text, newline", [
    pytest.param("FROM a\nRUN b\n", "\n", id="lf"),
    pytest.param("FROM a\r\nRUN b\r\n", "\r\n", id="crlf"),
    pytest.param("FROM a\r\nRUN b\r\nRUN c\n", "\r\n", id="mostly-crlf"),
    pytest.param("FROM a\r\nRUN b\nRUN c\n", "\n", id="mostly-lf"),
    pytest.param("FROM a\r\nRUN b\n", "\r\n", id="tie-crlf"),
    pytest.param("FROM a", "\n", id="no-line-ending"),
])
def test_newline(text, newline):
    assert parse(text).style.newline == newline


def test_newline_of_a_line_is_its_own_and_the_files_at_the_end():
    doc = parse("FROM a\nRUN b\r\nRUN c\r\nRUN d")
    first, second, _, last = doc.instructions
    assert doc.style.newline_of(first.lines[0]) == "\n"
    assert doc.style.newline_of(second.lines[0]) == "\r\n"
    assert doc.style.newline_of(last.lines[0]) == "\r\n"  # no ending of its own: the file's


@pytest.mark.parametrize("text, case", [
    pytest.param("FROM a\nRUN b\n", "upper", id="upper"),
    pytest.param("from a\nrun b\n", "lower", id="lower"),
    pytest.param("from a\nrun b\nCOPY c d\n", "lower", id="mostly-lower"),
    pytest.param("FROM a\nrun b\n", "upper", id="tie-upper"),
    pytest.param("From a\nRun b\ncopy c d\n", "lower", id="title-case-counts-for-neither"),
])
def test_keyword_case(text, case):
    assert parse(text).style.keyword_case == case


def test_keyword_follows_the_nearest_instruction_then_the_file():
    doc = parse("from a\nRUN b\ncopy c d\nCopy e f\n")
    _, run, copy, title = doc.instructions
    style = doc.style
    assert style.keyword("copy", near=run) == "COPY"  # an upper-case neighbour
    assert style.keyword("RUN", near=copy) == "run"  # a lower-case neighbour
    assert style.keyword("COPY", near=title) == "Copy"  # the same keyword: as the neighbour writes it
    assert style.keyword("RUN", near=title) == "run"  # a mixed neighbour: the file's case
    assert style.keyword("WORKDIR") == "workdir"
    assert style.keyword("as", near=doc.instructions[0]) == "as"


@pytest.mark.parametrize("text, expected", [
    pytest.param("FROM a\nRUN b && c\n", None, id="one-line"),
    pytest.param("FROM a\nRUN b \\\n    && c\n", Continuation(True, "    "), id="operator-leads"),
    pytest.param("FROM a\nRUN b && \\\n\tc\n", Continuation(False, "\t"), id="operator-ends-tab"),
    pytest.param("FROM a\nRUN b\\\n  && c\n", Continuation(True, "  ", False), id="no-space-before-escape"),
    pytest.param("FROM a\nRUN b c \\\n  d e\n", Continuation(None, "  "), id="no-operator-last-indent"),
    pytest.param("FROM a\nRUN b && c \\\n  # note\n  && d\n", Continuation(True, "  "), id="comment-inside"),
    pytest.param("FROM a\nRUN b \\\n      c && \\\n  d\n", Continuation(False, "  "), id="first-operator-decides"),
    pytest.param("# escape=`\nFROM a\nRUN b `\n   && c\n", Continuation(True, "   "), id="escape-backtick"),
    pytest.param("FROM a\nRUN <<EOF\nb\nEOF\n", None, id="heredoc-is-one-line"),
])
def test_continuation_of(text, expected):
    doc = parse(text)
    assert doc.style.continuation_of(doc.instructions[-1]) == expected


@pytest.mark.parametrize("text, expected", [
    pytest.param("FROM a\nRUN b \\\n  && c\nRUN d && \\\n    e\nRUN f \\\n  && g\n", Continuation(True, "  "),
                 id="majority-leads"),
    pytest.param("FROM a\nRUN b \\\n  && c\nRUN d && \\\n    e\n", Continuation(False, "  "), id="tie-ends"),
    pytest.param("FROM a\nRUN b\\\n\tc\nRUN d \\\n\t&& e\nRUN f\\\n  g\n", Continuation(True, "\t", False),
                 id="undecided-do-not-count-no-space"),
    pytest.param("FROM a\nRUN b\n", DEFAULT_CONTINUATION, id="nothing-continued"),
])
def test_continuation_of_the_file(text, expected):
    assert parse(text).style.continuation == expected


@pytest.mark.parametrize("text, escape", [
    pytest.param("FROM a\n", "\\", id="default"),
    pytest.param("# escape=`\nFROM a\n", "`", id="backtick"),
    pytest.param("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n", "`", id="after-syntax"),
    pytest.param("FROM a\n# escape=`\n", "\\", id="too-late-is-a-comment"),
])
def test_escape(text, escape):
    assert parse(text).style.escape == escape


@pytest.mark.parametrize("text, heredocs", [
    pytest.param("FROM a\nRUN b\n", False, id="none"),
    pytest.param("FROM a\nRUN <<EOF\nb\nEOF\n", True, id="run"),
    pytest.param("FROM a\nONBUILD COPY <<EOF /x\nb\nEOF\n", True, id="onbuild-copy"),
    pytest.param("FROM a\nRUN echo '<<EOF'\n", False, id="quoted-is-not-one"),
])
def test_heredocs(text, heredocs):
    assert parse(text).style.heredocs is heredocs


def test_style_is_computed_once_per_document():
    doc = parse("FROM a\n")
    assert doc.style is doc.style
