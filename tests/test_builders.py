"""Each edit builder writes its new text in the file's style: case, indentation, line ending, continuation."""

from __future__ import annotations

import pytest

from optimizer import builders
from optimizer.builders import New, new
from optimizer.edits import apply_edits
from optimizer.facts.runscript import run_script
from optimizer.model import parse


def _apply(doc, edits):
    return apply_edits(doc.text, edits if isinstance(edits, (list, tuple)) else [edits])


def test_new_leaves_out_empty_parts():
    assert new("RUN", "", "make", "") == New("RUN", "make")
    assert builders.render(parse("FROM a\n"), [new("USER", "app"), "ENV A=1 \\\n  B=2"]) == \
        "USER app\nENV A=1 \\\n  B=2\n"


@pytest.mark.parametrize("before, after", [
    pytest.param("FROM a\nCOPY . .\n", "FROM a\nCOPY x ./\nRUN make\nCOPY . .\n", id="upper"),
    pytest.param("from a\ncopy . .\n", "from a\ncopy x ./\nrun make\ncopy . .\n", id="lower"),
    pytest.param("FROM a\r\nCOPY . .\r\n", "FROM a\r\nCOPY x ./\r\nRUN make\r\nCOPY . .\r\n", id="crlf"),
    pytest.param("FROM a\n  # the sources\n  COPY . .", "FROM a\n  COPY x ./\n  RUN make\n\n  # the sources\n  COPY . .",
                 id="indented-comment-kept-with-its-copy"),
])
def test_insert_above(before, after):
    doc = parse(before)
    edits = builders.insert_above(doc, doc.instructions[-1], [new("COPY", "x", "./"), new("RUN", "make")])
    assert _apply(doc, edits) == after


def test_insert_above_moves_instructions_up_first():
    doc = parse("FROM a\nCOPY . /app\n# here\nWORKDIR /app\nRUN make\n")
    _, copy, workdir, _ = doc.instructions
    edits = builders.insert_above(doc, copy, [new("RUN", "fetch")], moved=[workdir])
    assert _apply(doc, edits) == "FROM a\n# here\nWORKDIR /app\nRUN fetch\nCOPY . /app\nRUN make\n"


@pytest.mark.parametrize("before, after", [
    pytest.param("FROM a\nRUN b\nCMD c\n", "FROM a\nRUN b\nRUN d\nCMD c\n", id="middle"),
    pytest.param("from a\r\nrun b", "from a\r\nrun b\r\nrun d\r\n", id="end-without-newline-crlf-lower"),
])
def test_insert_below(before, after):
    doc = parse(before)
    assert _apply(doc, builders.insert_below(doc, doc.instructions[1], [new("RUN", "d")])) == after


@pytest.mark.parametrize("before, after", [
    pytest.param("FROM a\n  copy . /app\nCMD x\n", "FROM a\n  copy a /app/\n  copy b /app/b/\nCMD x\n", id="indent-case"),
    pytest.param("FROM a\r\nCOPY . /app", "FROM a\r\nCOPY a /app/\r\nCOPY b /app/b/", id="crlf-no-final-newline"),
    pytest.param("FROM a\n# keep\nCOPY . /app\n", "FROM a\n# keep\nCOPY a /app/\nCOPY b /app/b/\n", id="comment-stays"),
])
def test_replace(before, after):
    doc = parse(before)
    copy = next(i for i in doc.instructions if i.keyword == "COPY")
    edit = builders.replace(doc, copy, [new("COPY", "a", "/app/"), new("COPY", "b", "/app/b/")])
    assert _apply(doc, edit) == after


@pytest.mark.parametrize("before, after", [
    pytest.param("FROM a\n# all\nCOPY . .\nRUN npm ci\nCMD x\n",
                 "FROM a\nCOPY package.json ./\nRUN npm ci\n# all\nCOPY . .\nCMD x\n", id="middle"),
    pytest.param("FROM a\r\ncopy . .\r\nrun npm ci",
                 "FROM a\r\ncopy package.json ./\r\nrun npm ci\r\ncopy . .", id="last-line-without-newline"),
])
def test_move_below(before, after):
    doc = parse(before)
    copy, run = doc.instructions[1:3]
    assert _apply(doc, builders.move_below(doc, copy, run, [new("COPY", "package.json", "./")])) == after


@pytest.mark.parametrize("before, after", [
    pytest.param("FROM a\nCOPY . .\n\n# one\nRUN b\n\nRUN c\nCMD d\n",
                 "FROM a\n# one\nRUN b\n\nRUN c\n\nCOPY . .\nCMD d\n", id="blank-lines-move-with-them"),
    pytest.param("FROM a\r\nCOPY . .\r\nRUN b", "FROM a\r\nRUN b\r\nCOPY . .", id="last-line-without-newline"),
])
def test_move_above(before, after):
    doc = parse(before)
    runs = [i for i in doc.instructions if i.keyword == "RUN"]
    assert _apply(doc, builders.move_above(doc, runs, doc.instructions[1])) == after


@pytest.mark.parametrize("before, after", [
    pytest.param("FROM golang\nRUN go build\n", "FROM golang AS build\nRUN go build\n", id="upper"),
    pytest.param("from golang:1.22\nrun go build\n", "from golang:1.22 as build\nrun go build\n", id="lower"),
])
def test_name_stage(before, after):
    doc = parse(before)
    assert _apply(doc, builders.name_stage(doc, doc.stages[0], "build")) == after


@pytest.mark.parametrize("before, rewrites, after", [
    pytest.param("FROM g\nRUN make\nCMD [\"/app\"]\n", {},
                 "FROM g\nRUN make\n\nFROM s\nCOPY --from=0 /app /app\nCMD [\"/app\"]\n", id="moves-the-tail"),
    pytest.param("from g\r\nrun make\r\n\r\n# start\r\ncmd /app", {"/app": New("CMD", '["/app"]')},
                 "from g\r\nrun make\r\n\r\nfrom s\r\ncopy --from=0 /app /app\r\n# start\r\ncmd [\"/app\"]\r\n",
                 id="lower-crlf-rewrite-no-final-newline"),
    pytest.param("FROM g\nRUN make\nENTRYPOINT x\n# gone\nCMD y\n", {"y": None},
                 "FROM g\nRUN make\n\nFROM s\nCOPY --from=0 /app /app\nENTRYPOINT x\n", id="drop-with-comments"),
])
def test_append_stage(before, rewrites, after):
    doc = parse(before)
    tail = [i for i in doc.stages[0].instructions if i.keyword in ("CMD", "ENTRYPOINT")]
    by_id = {id(i): rewrites[i.arguments.text] for i in tail if i.arguments.text in rewrites}
    edits = builders.append_stage(doc, [new("FROM", "s"), new("COPY", "--from=0", "/app", "/app")], tail, by_id)
    assert _apply(doc, edits) == after


@pytest.mark.parametrize("before, after", [
    pytest.param("FROM a\nRUN b\n", "FROM a\nRUN b && c\n", id="one-line"),
    pytest.param("FROM a\nRUN b \\\n    && d\n", "FROM a\nRUN b \\\n    && d \\\n    && c\n", id="operator-leads"),
    pytest.param("FROM a\r\nRUN b && \\\r\n  d", "FROM a\r\nRUN b && \\\r\n  d && \\\r\n  c", id="operator-ends-crlf-eof"),
    pytest.param("# escape=`\nFROM a\nRUN b `\n  && d\n", "# escape=`\nFROM a\nRUN b `\n  && d `\n  && c\n",
                 id="escape-directive"),
    pytest.param("FROM a\nRUN <<EOF\nb\nEOF\n", "FROM a\nRUN <<EOF\nb && c\nEOF\n", id="heredoc"),
    pytest.param("FROM a\nRUN x \\\n  && y\nRUN b \\\n    d\n", "FROM a\nRUN x \\\n  && y\nRUN b \\\n    d \\\n    && c\n",
                 id="no-operator-of-its-own-follows-the-file"),
    pytest.param("FROM a\nRUN b \\\n    d\n", "FROM a\nRUN b \\\n    d && \\\n    c\n", id="no-operator-anywhere"),
    pytest.param("FROM a\nRUN b\\\n  && d\n", "FROM a\nRUN b\\\n  && d\\\n  && c\n", id="no-space-before-escape"),
])
def test_append_step(before, after):
    doc = parse(before)
    run = run_script(doc, doc.instructions[-1])
    assert _apply(doc, builders.append_step(doc, run, "c")) == after


@pytest.mark.parametrize("before, joiner, after", [
    pytest.param("FROM a\nRUN b\n", "&&", "FROM a\nRUN u && b\n", id="and"),
    pytest.param("FROM a\nRUN set -e; b\n", ";", "FROM a\nRUN set -e; u; b\n", id="semicolon"),
    pytest.param("FROM a\nRUN <<EOF\nset -e\n  b\nEOF\n", "\n", "FROM a\nRUN <<EOF\nset -e\n  u\n  b\nEOF\n",
                 id="heredoc-line"),
    pytest.param("FROM a\r\nRUN <<EOF\r\nset -e\r\nb\r\nEOF\r\n", "\n",
                 "FROM a\r\nRUN <<EOF\r\nset -e\r\nu\r\nb\r\nEOF\r\n", id="heredoc-line-crlf"),
])
def test_insert_step(before, joiner, after):
    doc = parse(before)
    run = run_script(doc, doc.instructions[-1])
    assert _apply(doc, builders.insert_step(doc, run, run.script.chain[-1].span, "u", joiner)) == after
