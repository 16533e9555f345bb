"""The lossless model: exact round-trip, BuildKit agreement, spans, ownership of comments."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import parse
from optimizer.model import Instruction

from .conftest import read_text


def _no_surrogates(text: str) -> str:
    """The oracle (a Go extension) crashes on lone surrogates: show it U+FFFD instead, as Go would."""
    return re.sub("[\ud800-\udfff]", "\ufffd", text)


def buildkit_view(oracle, text: str) -> list[tuple]:
    """What BuildKit reports for each instruction, in our vocabulary."""
    return [((c.cmd or "").upper(), c.start_line, c.end_line, tuple(c.flags), tuple(c.value))
            for c in oracle.parse_string(_no_surrogates(text))]


def our_view(instructions: tuple[Instruction, ...]) -> list[tuple]:
    return [(_no_surrogates(i.keyword), i.start_line, i.end_line,
             tuple(_no_surrogates(f.text) for f in i.flags), tuple(map(_no_surrogates, i.value)))
            for i in instructions]


EDGE_CASES = [
    pytest.param("FROM debian\nRUN echo hi\n", id="plain"),
    pytest.param("FROM debian\r\nRUN apt-get update \\\r\n && echo hi\r\n", id="crlf"),
    pytest.param("FROM debian\nRUN a \\\r\n  b\r\nCMD x\n", id="mixed-endings"),
    pytest.param("FROM debian\nRUN echo hi", id="no-final-newline"),
    pytest.param("FROM debian\nRUN echo \\", id="continuation-at-eof"),
    pytest.param("\ufeffFROM debian\nRUN x\n", id="bom"),
    pytest.param("\ufeff# syntax=docker/dockerfile:1\nFROM debian\n", id="bom-directive"),
    pytest.param("# syntax=docker/dockerfile:1.7\n# check=skip=JSONArgsRecommended\nFROM a\n",
                 id="syntax-and-check"),
    pytest.param("# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\ `\n  && echo\n",
                 id="escape-backtick"),
    pytest.param("#escape=`\r\nFROM w\r\nRUN a `\r\n b\r\n", id="escape-crlf"),
    pytest.param("FROM a\nRUN apt-get update \\\n    # a comment inside\n    && apt-get install -y x \\\n\n    && echo done\n",
                 id="comment-and-blank-in-continuation"),
    pytest.param("FROM a\nRUN echo a \\   \t\n  b\n", id="space-after-escape"),
    pytest.param("FROM a\nRUN echo a\\\\\nRUN b\n", id="escaped-escape"),
    pytest.param("FROM a\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n", id="heredoc"),
    pytest.param("FROM a\nRUN <<-EOF\n\techo x\n\tEOF\n", id="heredoc-chomp"),
    pytest.param("FROM a\nRUN <<'EOF'\necho $HOME\nEOF\n", id="heredoc-quoted"),
    pytest.param("FROM a\nRUN cat <<A <<B > /x\na\nA\nb\nB\n", id="heredoc-two"),
    pytest.param("FROM a\nCOPY <<EOF /etc/x.conf\nk=v\nEOF\n", id="copy-heredoc"),
    pytest.param("FROM a\nRUN python3 <<EOF\nprint(1)\nEOF", id="heredoc-no-final-newline"),
    pytest.param("FROM a\nRUN cat<<EOF\n", id="not-a-heredoc-without-space"),
    pytest.param('FROM a\nCMD ["java", "-jar", "/app.jar"]\nENTRYPOINT ["/bin/sh","-c"]\n', id="json"),
    pytest.param('FROM a\nRUN ["echo", "a"] \\\n  x\n', id="json-continued"),
    pytest.param("from a as b\nrun echo\ncopy --from=b /a /b\n", id="lowercase"),
    pytest.param("FROM a\nONBUILD RUN apt-get update\nONBUILD COPY . /app\n", id="onbuild"),
    pytest.param("ARG V=1\nFROM debian:${V} AS build\nARG X\n", id="arg-before-from"),
    pytest.param("FROM a\nRUN --mount=type=cache,target=/var/cache/apt --network=none apt-get x\n",
                 id="mount-flags"),
    pytest.param('FROM a\nCOPY --chown=app:app --link --chmod=755 src/ /app/\nCOPY --from build /a /b\n',
                 id="copy-flags"),
    pytest.param('FROM a\nENV A=1 B="x y" C=z\\ w\nENV D e f\nLABEL a=b "c d"=e\n', id="env-label"),
    pytest.param("FROM a\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\n"
                 "HEALTHCHECK NONE\n", id="healthcheck"),
    pytest.param("FROM a\n\n\n# trailing\n\n", id="trailing-trivia"),
    pytest.param("  FROM a\n\t RUN x\n", id="indented"),
    pytest.param("FROM a\nRUN echo \xe9\udcff\udc80\n", id="non-utf8"),
    pytest.param("FROM a\nRUN a \\\n\\\n b\n", id="lone-escape-line"),
    pytest.param("FROM a\nRUN a\r\r\n", id="double-cr"),
    pytest.param("FROM a\nEXPOSE 80  443/tcp\nVOLUME [\"/data\"]\nUSER app\nWORKDIR /app\n", id="misc"),
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_case_round_trips(text):
    assert parse(text).render() == text


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_case_agrees_with_buildkit(text, oracle):
    assert our_view(parse(text).instructions) == buildkit_view(oracle, text)


def test_real_corpus_round_trips(corpus_files):
    different = [p.parent.name for p in corpus_files if parse(read_text(p)).render() != read_text(p)]
    assert different == [], f"{len(different)} of {len(corpus_files)} files change on a round trip"


def test_real_corpus_agrees_with_buildkit(corpus_files, oracle):
    """Same instruction sequence as BuildKit, instruction for instruction.

    BuildKit drops comments inside continuations and before instructions; those are compared by
    line numbers only (our model keeps them as comment lines of the instruction)."""
    disagreeing = []
    for path in corpus_files:
        text = read_text(path)
        if our_view(parse(text).instructions) != buildkit_view(oracle, text):
            disagreeing.append(path.parent.name)
    assert disagreeing == []


def test_logical_line_is_buildkits(oracle):
    text = "FROM a\nRUN apt-get update \\\n  # note\n  && apt-get install -y x \\\n\n  && echo\n"
    (_, run) = parse(text).instructions
    (_, ref) = oracle.parse_string(text)
    assert run.logical.text == ref.original


def test_directives_then_comment_ownership():
    doc = parse("# syntax=docker/dockerfile:1\n# escape=`\n\n# about the base\nFROM a\n"
                "# free comment\n\n# install\n# two lines\nRUN x\n")
    assert [d.name for d in doc.directives] == ["syntax", "escape"]
    assert doc.escape == "`"
    from_, run = doc.instructions
    assert from_.comment_texts == ("about the base",)
    assert run.comment_texts == ("install", "two lines")
    assert doc.text[run.full_span[0]:run.full_span[1]] == "# install\n# two lines\nRUN x\n"


def test_directive_after_instruction_is_a_comment():
    doc = parse("FROM a\n# escape=`\nRUN a `\n")
    assert doc.directives == () and doc.escape == "\\"


def test_instruction_lines_and_spans():
    text = "FROM a\nRUN apt-get update \\\n  # c\n  && apt-get install -y curl\nCMD x\n"
    doc = parse(text)
    run = doc.instructions[1]
    assert (run.start_line, run.end_line) == (2, 4)
    assert [line.kind for line in run.lines] == ["code", "comment", "code"]
    assert text[run.start:run.end] == "RUN apt-get update \\\n  # c\n  && apt-get install -y curl\n"
    body = run.arguments
    at = body.text.index("curl")
    assert text[slice(*body.doc_span(at, at + 4))] == "curl"
    start, end = body.doc_span(0, len(body.text))
    assert text[start:end] == "apt-get update \\\n  # c\n  && apt-get install -y curl"


def test_flags_have_document_spans():
    text = "FROM a\nRUN --mount=type=cache,target=/root/.m2 \\\n    --network=none mvn package\n"
    run = parse(text).instructions[1]
    assert [f.name for f in run.flags] == ["mount", "network"]
    assert run.flag("mount").value == "type=cache,target=/root/.m2"
    assert [text[slice(*f.span)] for f in run.flags] == ["--mount=type=cache,target=/root/.m2",
                                                          "--network=none"]
    assert run.arguments.text == "mvn package"


def test_heredoc_body_and_terminator():
    doc = parse("FROM a\nRUN <<-EOT bash\n\tset -e\n\techo hi\n\tEOT\nCMD x\n")
    run = doc.instructions[1]
    (heredoc,) = run.heredocs
    assert heredoc.name == "EOT" and heredoc.chomp and heredoc.expand
    assert heredoc.content == "\tset -e\n\techo hi\n"
    assert heredoc.terminator.number == 5 and run.end_line == 5
    assert doc.instructions[2].start_line == 6


def test_onbuild_trigger():
    run = parse("FROM a\nONBUILD RUN apt-get update\n").instructions[1]
    assert run.keyword == "ONBUILD" and run.trigger.keyword == "RUN"
    assert run.effective.arguments.text == "apt-get update"


def test_stages():
    doc = parse("ARG V\nFROM maven:3 AS build\nRUN mvn package\nFROM eclipse-temurin:17-jre\nCOPY --from=build /a /a\n")
    assert [(s.base, s.name, len(s.instructions)) for s in doc.stages] == [
        ("maven:3", "build", 1), ("eclipse-temurin:17-jre", None, 1)]


@pytest.mark.parametrize(("text", "line", "message"), [
    pytest.param("FROM a\nRUN <<EOF\necho\n", 2, "unterminated heredoc", id="unterminated-heredoc"),
    pytest.param("FROM a\nRUN [\"a\", 1]\n", 2, "arrays must be comprised of strings", id="json-non-string"),
    pytest.param("FROM a\nRUN a \\\n  procps\nprocps\n", 4, "unknown instruction: procps", id="unknown"),
    pytest.param("# escape=x\nFROM a\n", 1, "invalid escape token", id="bad-escape"),
    pytest.param("# syntax=a\n# syntax=b\nFROM a\n", 2, "only one syntax", id="duplicate-directive"),
    pytest.param("FROM a\nENV A\n", 2, "ENV must have two arguments", id="env-one-arg"),
    pytest.param("# just a comment\n", 1, "no instructions", id="empty"),
])
def test_problems_are_recorded_not_raised(text, line, message):
    problems = parse(text).problems
    assert any(p.line == line and message in p.message for p in problems), problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("FROMRUN aEOF#\\`<-'\"=[],\t\r\n\ufeff\udcff")), max_size=120))
def test_any_text_round_trips(text):
    assert parse(text).render() == text


_PIECES = st.sampled_from([
    "FROM a", "FROM a AS b", "RUN echo hi", "RUN a \\", "RUN a `", "  && b \\", "# c", "  # c", "",
    "   ", "RUN <<EOF", "RUN <<-EOF cat", "COPY <<EOF /x", "EOF", "\tEOF", "x", "CMD [\"a\"]",
    "ENV A=1 B=\"x y\"", "ENV A b c", "ARG X", "ONBUILD RUN x \\", "# escape=`", "# syntax=x",
    "RUN --mount=type=cache,target=/x y", "COPY --from=b /a /b", "LABEL a=b", "\\", "RUN a\\\\",
    "HEALTHCHECK CMD x", "EXPOSE 80 443", "RUN cat <<'E' >f", "E", "run x",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_generated_files_agree_with_buildkit(pieces, newline, final_newline):
    """Differential test: wherever BuildKit parses a file, we read the same instructions;
    wherever it rejects one, we record a problem."""
    import dockerfile  # the oracle; this test is pointless without it

    text = newline.join(pieces) + (newline if final_newline else "")
    doc = parse(text)
    assert doc.render() == text
    try:
        expected = buildkit_view(dockerfile, text)
    except dockerfile.GoParseError:
        assert doc.problems
        return
    assert our_view(doc.instructions) == expected
