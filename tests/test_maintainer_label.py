"""DO110 maintainer-label: fix table and no-change table."""

from __future__ import annotations

import pytest

from optimizer.pipeline import Status

from .helpers import assert_safe_fix, assert_unchanged, assert_unsafe_fix, rewrite

ID = "maintainer-label"

FIXES = [
    pytest.param("FROM debian:12\nMAINTAINER Jane Doe <jane@example.org>\n",
                 'FROM debian:12\nLABEL maintainer="Jane Doe <jane@example.org>"\n', id="plain"),
    pytest.param("FROM debian:12\nmaintainer jane\n", 'FROM debian:12\nlabel maintainer="jane"\n',
                 id="lower-case-keyword-kept"),
    pytest.param('FROM debian:12\nMAINTAINER Jane "JD" Doe\n', 'FROM debian:12\nLABEL maintainer="Jane \\"JD\\" Doe"\n',
                 id="quotes-escaped"),
    pytest.param("FROM debian:12\nMAINTAINER $HOME\\x\n", 'FROM debian:12\nLABEL maintainer="\\$HOME\\\\x"\n',
                 id="dollar-and-backslash-not-expanded"),
    pytest.param("# escape=`\nFROM debian:12\nMAINTAINER a$b`c\n", '# escape=`\nFROM debian:12\nLABEL maintainer="a`$b``c"\n',
                 id="backtick-escape"),
    pytest.param("FROM debian:12\r\n# who to ask\r\nMAINTAINER jane\r\nRUN true\r\n",
                 'FROM debian:12\r\n# who to ask\r\nLABEL maintainer="jane"\r\nRUN true\r\n', id="crlf-comment-kept"),
    pytest.param("FROM debian:12\nMAINTAINER jane", 'FROM debian:12\nLABEL maintainer="jane"', id="no-final-newline"),
    pytest.param("FROM debian:12\n\tMAINTAINER jane\n", 'FROM debian:12\n\tLABEL maintainer="jane"\n',
                 id="indentation-kept"),
    pytest.param("FROM a AS b\nMAINTAINER x\nFROM b\nMAINTAINER y\n",
                 'FROM a AS b\nLABEL maintainer="x"\nFROM b\nLABEL maintainer="y"\n', id="every-stage"),
    pytest.param('FROM a\nLABEL maintainer="x"\nFROM a\nMAINTAINER y\n',
                 'FROM a\nLABEL maintainer="x"\nFROM a\nLABEL maintainer="y"\n', id="label-in-another-stage"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


def test_a_second_maintainer_label_in_the_stage_makes_it_unsafe():
    assert_unsafe_fix('FROM a\nMAINTAINER x\nLABEL "maintainer"="y"\n',
                      'FROM a\nLABEL maintainer="x"\nLABEL "maintainer"="y"\n', select=ID)


NO_CHANGE = [
    pytest.param('FROM a\nLABEL maintainer="x"\n', id="already-label"),
    pytest.param("FROM a\n# dockeropt: ignore=DO110\nMAINTAINER x\n", id="suppressed"),
    pytest.param("FROM a\n# hadolint ignore=DL4000\nMAINTAINER x\n", id="suppressed-hadolint"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert_unchanged(before, select=ID)


def test_multi_line_maintainer_is_only_reported():
    before = "FROM a\nMAINTAINER jane \\\n  # her mail\n  <jane@example.org>\n"
    result = assert_unchanged(before, select=ID)
    assert [r.status for r in result.findings] == [Status.SUGGESTION]
    assert result.findings[0].finding.line == 2


def test_finding_names_the_label_and_hadolint_rule():
    (reported,) = rewrite("FROM a\nMAINTAINER x\n", select=ID).findings
    assert 'LABEL maintainer="x"' in reported.finding.message
    assert reported.hadolint == ("DL4000",)
