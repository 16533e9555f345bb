"""COPY/ADD facts (optimizer.facts.copies): sources, destination, breadth, where a copy lands."""

from __future__ import annotations

import pytest

from optimizer import parse
from optimizer.facts.copies import (CopySource, copy_sources, destination, expand, from_context,
                              is_broad, is_context_copy, landing, workdir_in_force)


def _last(text: str):
    doc = parse(text)
    return doc, doc.instructions[-1]


BROAD = [
    pytest.param(".", id="dot"),
    pytest.param("./", id="dot-slash"),
    pytest.param("/", id="root"),
    pytest.param("*", id="star"),
    pytest.param("./*", id="dot-star"),
    pytest.param("**", id="double-star"),
    pytest.param("./.", id="dot-dot-slash-dot"),
    pytest.param("..", id="parent-is-still-the-root"),
]
NARROW = [
    pytest.param("src/", id="directory"),
    pytest.param("src", id="directory-no-slash"),
    pytest.param("*.jar", id="glob"),
    pytest.param("target/*.jar", id="nested-glob"),
    pytest.param("requirements.txt", id="file"),
    pytest.param("./app", id="dot-prefixed"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("source", BROAD)
def test_broad(source):
    assert is_broad(source)


@pytest.mark.parametrize("source", NARROW)
def test_not_broad(source):
    assert not is_broad(source)


SOURCES = [
    pytest.param("FROM a\nCOPY . /app\n", [(".", True)], id="context"),
    pytest.param("FROM a\nCOPY --chown=1:1 a b /dst/\n", [("a", True), ("b", True)], id="several"),
    pytest.param('FROM a\nCOPY ["a b", "c", "/dst/"]\n', [("a b", True), ("c", True)], id="json"),
    pytest.param("FROM a AS b\nFROM a\nCOPY --from=b /out /app\n", [("/out", False)], id="from-stage"),
    pytest.param("FROM a\nADD https://example.com/x.tgz /opt/\n", [("https://example.com/x.tgz", False)],
                 id="url"),
    pytest.param("FROM a\nADD git@github.com:o/r.git /src\n", [("git@github.com:o/r.git", False)], id="git"),
    pytest.param("FROM a\nADD app.tar.gz /opt/\n", [("app.tar.gz", True)], id="local-archive"),
    pytest.param("FROM a\nCOPY <<EOF /etc/motd\nhi\nEOF\n", [("<<EOF", False)], id="heredoc"),
    pytest.param("FROM a\nONBUILD COPY . /app\n", [(".", True)], id="onbuild"),
    pytest.param("FROM a\nCOPY $SRC /app\n", [("$SRC", True)], id="variable"),
]


@pytest.mark.parametrize(("text", "expected"), SOURCES)
def test_copy_sources(text, expected):
    doc = parse(text)
    found = copy_sources(doc)
    assert [(s.source, s.from_context) for s in found] == expected
    assert all(isinstance(s, CopySource) and s.inst is doc.instructions[-1] for s in found)


def test_copy_sources_in_file_order_and_other_instructions_ignored():
    doc = parse("FROM a\nCOPY x /x\nRUN true\nADD y /y\nCOPY z /z\n")
    assert [s.source for s in copy_sources(doc)] == ["x", "y", "z"]


DESTINATIONS = [
    pytest.param("FROM a\nCOPY . /app\n", "/app", id="plain"),
    pytest.param("FROM a\nCOPY a b dir/\n", "dir/", id="trailing-slash-kept"),
    pytest.param('FROM a\nCOPY ["a", "/x y/"]\n', "/x y/", id="json"),
    pytest.param("FROM a\nONBUILD ADD . /src\n", "/src", id="onbuild"),
    pytest.param("FROM a\nCOPY onlyone\n", None, id="odd-form"),
]


@pytest.mark.parametrize(("text", "expected"), DESTINATIONS)
def test_destination(text, expected):
    _, inst = _last(text)
    assert destination(inst) == expected


LANDINGS = [
    pytest.param("FROM a\nCOPY . /app/\n", "/app", id="absolute"),
    pytest.param("FROM a\nWORKDIR /srv\nCOPY . .\n", "/srv", id="dot-in-workdir"),
    pytest.param("FROM a\nWORKDIR /srv\nWORKDIR app\nCOPY x lib/\n", "/srv/app/lib", id="relative-workdirs"),
    pytest.param("FROM a\nENV APP=/opt/app\nWORKDIR $APP\nCOPY . .\n", "/opt/app", id="workdir-from-env"),
    pytest.param("FROM a\nENV APP=/opt/app\nCOPY . ${APP}/src\n", "/opt/app/src", id="dest-from-env"),
    pytest.param("FROM a\nCOPY . .\n", None, id="base-image-workdir"),
    pytest.param("FROM a\nARG DIR=/x\nCOPY . $DIR\n", None, id="arg-may-be-overridden"),
    pytest.param("FROM a\nCOPY . ${APP:-/app}\n", None, id="default-form-not-evaluated"),
    pytest.param("FROM a AS base\nWORKDIR /w\nFROM base\nCOPY . sub\n", "/w/sub", id="inherited-workdir"),
    pytest.param("FROM a\nWORKDIR /a\nFROM b\nCOPY . .\n", None, id="other-stage-workdir"),
    pytest.param("FROM a\nCOPY . //app//x/../y\n", "/app/y", id="normalised"),
]


@pytest.mark.parametrize(("text", "expected"), LANDINGS)
def test_landing(text, expected):
    doc, inst = _last(text)
    assert landing(doc, inst) == expected


def test_workdir_in_force_is_the_last_before_the_instruction():
    doc = parse("FROM a\nWORKDIR /one\nRUN true\nWORKDIR /two\n")
    run = doc.instructions[2]
    assert workdir_in_force(doc, run) == "/one"


def test_expand_uses_env_only():
    doc, inst = _last("FROM a\nENV A=/x B=$A\nARG C=/c\nRUN true\n")
    assert expand(doc, inst, "$A/y") == "/x/y"
    assert expand(doc, inst, "${A}") == "/x"
    assert expand(doc, inst, "$B") is None  # a value holding variables is not chased
    assert expand(doc, inst, "$C") is None
    assert expand(doc, inst, "plain") == "plain"


def test_context_copy():
    doc = parse("FROM a AS b\nCOPY . /x\nCOPY --from=b /x /y\nADD https://e.com/f /f\n")
    assert [is_context_copy(i) for i in doc.instructions[1:]] == [True, False, False]
    assert from_context(doc.instructions[1], ".")
