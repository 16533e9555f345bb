"""Class 9 of "SAFE means proven": a fix must not break a rule BuildKit's parser enforces, judged by our
own model (no optional ``dockerfile`` package): here the bufio.Scanner limit of Parse, 65535 bytes a
line (a CR counted, the LF not; handleScannerError: "dockerfile line greater than max allowed size").
"""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.model.buildkit import MAX_LINE_BYTES, too_long_lines
from optimizer.pipeline import Status, optimize

HEAD = "FROM debian:bookworm\n"
INSTALL = "RUN apt-get update && apt-get install -y "
CLEAN = " && rm -rf /var/lib/apt/lists/*"


def _install_line(length: int, ending: str = "\n") -> str:
    """An install RUN of exactly ``length`` bytes before its line end (``pkg0 pkg1 ...`` padded)."""
    words, size = [], len(INSTALL)
    while size < length - 12:
        words.append(f"pkg{len(words)}")
        size += len(words[-1]) + 1
    line = INSTALL + " ".join(words)
    return line + "x" * (length - len(line.encode())) + ending


@pytest.mark.parametrize("text, too_long", [
    pytest.param("a" * MAX_LINE_BYTES, False, id="65535-bytes"),
    pytest.param("a" * (MAX_LINE_BYTES + 1), True, id="65536-bytes"),
    pytest.param("a" * (MAX_LINE_BYTES - 1) + "\r\n", False, id="65534-plus-CR"),
    pytest.param("a" * MAX_LINE_BYTES + "\r\n", True, id="65535-plus-CR"),
    pytest.param("é" * (MAX_LINE_BYTES // 2 + 1), True, id="utf8-two-byte-characters"),
    pytest.param("é" * (MAX_LINE_BYTES // 2), False, id="utf8-just-under"),
    pytest.param("a" * 40_000 + "\n" + "b" * 40_000, False, id="two-long-lines-each-under"),
])
def test_the_scanner_limit(text, too_long):
    assert bool(too_long_lines(text)) is too_long


@pytest.mark.parametrize("body, ending", [(MAX_LINE_BYTES, "\n"), (MAX_LINE_BYTES + 1, "\n"), (MAX_LINE_BYTES + 1, ""),
                                          (MAX_LINE_BYTES - 1, "\r\n"), (MAX_LINE_BYTES, "\r\n")])
def test_the_limit_agrees_with_buildkits_parser(oracle, body, ending):
    text = "FROM debian\n" + "RUN echo " + "a" * (body - 9) + ending
    try:
        oracle.parse_string(text)
        accepted = True
    except oracle.GoParseError as error:
        assert "greater than max allowed size of 65535" in str(error)
        accepted = False
    assert accepted is not bool(too_long_lines(text))


def test_a_fix_crossing_the_limit_is_rejected_and_reported():
    line = _install_line(MAX_LINE_BYTES - len(CLEAN) + 1)
    text = HEAD + line
    result = optimize(text, None, Config(select=frozenset({"DO103"})))
    assert result.text == text
    (reported,) = [r for r in result.findings if r.finding.pass_id == "DO103"]
    assert reported.status is Status.REJECTED
    assert "line 2 longer than BuildKit's limit of 65535 bytes" in reported.detail


def test_a_fix_ending_exactly_at_the_limit_is_applied():
    line = _install_line(MAX_LINE_BYTES - len(CLEAN))
    result = optimize(HEAD + line, None, Config(select=frozenset({"DO103"})))
    assert result.text == HEAD + line.rstrip("\n") + CLEAN + "\n"
    assert not too_long_lines(result.text)


def test_a_crlf_line_counts_its_carriage_return():
    line = _install_line(MAX_LINE_BYTES - len(CLEAN), ending="\r\n")
    result = optimize(HEAD.replace("\n", "\r\n") + line, None, Config(select=frozenset({"DO103"})))
    assert [r.status for r in result.findings if r.finding.pass_id == "DO103"] == [Status.REJECTED]


def test_an_input_line_already_over_the_limit_does_not_block_other_fixes():
    long_comment = "# " + "c" * MAX_LINE_BYTES + "\n"
    text = HEAD + long_comment + "RUN apt-get update && apt-get install -y curl\n"
    result = optimize(text, None, Config(select=frozenset({"DO103"})))
    assert result.text == HEAD + long_comment + "RUN apt-get update && apt-get install -y curl" + CLEAN + "\n"
