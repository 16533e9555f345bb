"""BuildKit's reading rules (frontend/dockerfile/parser), ported so our model means what a build means.

Each function names the Go function it mirrors. They work on ``str`` (decoded with surrogateescape);
the character classes follow Go's ``unicode.IsSpace`` rather than Python's ``str.isspace``.
"""

from __future__ import annotations

import json
import re

from ..record import record

# unicode.IsSpace: the Latin-1 spaces plus the Unicode White_Space property (not \x1c-\x1f).
_GO_SPACES = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
GO_SPACE_CHARS = "".join(sorted(_GO_SPACES))

# BuildKit's ``(.+?)\s*$`` rewritten greedy (same matches): the lazy form is quadratic on inner spaces.
DIRECTIVE_RE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*\S|[^\S\n])\s*\Z", re.ASCII)
WHITESPACE_RE = re.compile(r"[\t\v\f\r ]+")
HEREDOC_RE = re.compile(r"(\d*)<<(-?)([^<]*)\Z")

#: Parser directives BuildKit recognises (``check`` since dockerfile:1.8).
VALID_DIRECTIVES = frozenset({"escape", "syntax", "check"})
#: Instructions whose arguments may open heredocs.
HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})
#: Every instruction keyword a build accepts.
KNOWN_KEYWORDS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})


#: bufio.MaxScanTokenSize - 1: the longest line, in bytes (a CR counted, the LF not), that the
#: bufio.Scanner of Parse reads; a longer one fails the whole parse (handleScannerError).
MAX_LINE_BYTES = 64 * 1024 - 1
_MAX_LINE_CHARS = MAX_LINE_BYTES // 4  # a line of fewer characters is shorter in any encoding


_SPACE_RUN = re.compile(f"[{re.escape(GO_SPACE_CHARS)}]+")
_PLAIN_WORD = re.compile(f"[^{re.escape(GO_SPACE_CHARS)}'\"\\\\]+(?=[{re.escape(GO_SPACE_CHARS)}]|\\Z)")


def is_go_space(ch: str) -> bool:
    """unicode.IsSpace."""
    return ch in _GO_SPACES


def trim_left_space(s: str) -> str:
    """trimLeadingWhitespace."""
    return s.lstrip(GO_SPACE_CHARS)


def trim_newline(s: str) -> str:
    """trimNewline: drop every trailing CR and LF."""
    return s.rstrip("\r\n")


def is_comment(raw_line: str) -> bool:
    """isComment: the line, less its line end and leading space, starts with '#'."""
    return trim_left_space(trim_newline(raw_line)).startswith("#")


def continuation_re(escape: str) -> re.Pattern[str]:
    """The lineContinuationRegex for an escape token (``\\`` or a backtick)."""
    e = re.escape(escape)
    return re.compile(rf"([^{e}]){e}[ \t]*\Z|\A{e}[ \t]*\Z")


def trim_continuation(line: str, pattern: re.Pattern[str]) -> tuple[int, bool]:
    """trimContinuationCharacter: (length of the kept text, whether this line ends the instruction)."""
    stripped = line.rstrip(" \t")
    match = pattern.search(line) if stripped and stripped[-1] in "\\`" else None
    if match is None:
        return len(line), True
    return match.start() + (1 if match.group(1) else 0), False


@record
class RawFlag:
    """A builder flag as extractBuilderFlags reads it, with its span in the logical line."""

    text: str  # BuildKit's word, quotes and escapes removed: ``--from=build``
    start: int
    end: int


def extract_flags(line: str, offset: int = 0) -> tuple[list[RawFlag], int]:
    """extractBuilderFlags: the leading ``--flags`` and the index where the arguments start.

    ``offset`` is added to every returned position. The escape character here is always ``\\``.
    """
    flags: list[RawFlag] = []
    pos, n = 0, len(line)
    while True:
        while pos < n and is_go_space(line[pos]):
            pos += 1
        if pos == n:
            return flags, offset + n
        if not line.startswith("--", pos):
            return flags, offset + pos
        plain = _PLAIN_WORD.match(line, pos)
        if plain and plain.end() > pos + 2:  # fast path: no quotes or escapes in this flag
            flags.append(RawFlag(plain.group(), offset + pos, offset + plain.end()))
            pos = plain.end()
            continue
        start, word, blank_ok, quote = pos, [], False, ""
        while pos < n:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == "\\":
                    if pos + 1 == n:
                        quote = ""
                    else:
                        pos += 1
                        word.append(line[pos])
                else:
                    word.append(ch)
            elif is_go_space(ch):
                break
            elif ch in "'\"":
                quote, blank_ok = ch, True
            elif ch == "\\":
                if pos + 1 < n:
                    pos += 1
                    word.append(line[pos])
            else:
                word.append(ch)
            pos += 1
        text = "".join(word)
        if text == "--":
            return flags, offset + pos if pos < n else offset + n
        if blank_ok or text:
            flags.append(RawFlag(text, offset + start, offset + pos))


def split_command(line: str) -> tuple[int, int, int, int]:
    """splitCommand's first step: the spans ``(cmd_start, cmd_end, rest_start, rest_end)`` in ``line``."""
    start = len(line) - len(trim_left_space(line))
    end = len(line.rstrip(GO_SPACE_CHARS))
    match = WHITESPACE_RE.search(line, start, end)
    if match is None:
        return start, end, end, end
    return start, match.start(), match.end(), end


def trim_span(line: str, start: int, end: int) -> tuple[int, int]:
    """strings.TrimSpace as a span."""
    while start < end and is_go_space(line[start]):
        start += 1
    while end > start and is_go_space(line[end - 1]):
        end -= 1
    return start, end


def parse_words(rest: str, escape: str) -> list[str]:
    """parseWords: split on spaces outside quotes, keeping quotes and escapes in the words."""
    if "'" not in rest and '"' not in rest and escape not in rest:
        return [w for w in _SPACE_RUN.split(rest) if w]
    words: list[str] = []
    word: list[str] = []
    in_word, quote, blank_ok = False, "", False
    pos, n = 0, len(rest)
    while pos < n:
        ch = rest[pos]
        if not in_word:
            if is_go_space(ch):
                pos += 1
                continue
            in_word = True
        if quote:
            if ch == quote:
                quote = ""
            if ch == escape and quote != "'":
                if pos + 1 == n:
                    quote = ""
                    pos += 1
                    continue
                word.append(ch)
                pos += 1
                ch = rest[pos]
            word.append(ch)
            pos += 1
            continue
        if is_go_space(ch):
            if blank_ok or word:
                words.append("".join(word))
            word, blank_ok, in_word = [], False, False
            pos += 1
            continue
        if ch in "'\"":
            quote, blank_ok = ch, True
        if ch == escape:
            if pos + 1 == n:
                pos += 1
                continue
            word.append(ch)
            pos += 1
            ch = rest[pos]
        word.append(ch)
        pos += 1
    if in_word and (blank_ok or word):
        words.append("".join(word))
    return words


class JsonFormError(ValueError):
    """A JSON array whose items are not all strings (BuildKit rejects the file)."""


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def parse_json_array(rest: str) -> list[str] | None:
    """parseJSON: the exec-form list, or None when ``rest`` is not a JSON array (shell form)."""
    rest = trim_left_space(rest)
    if not rest.startswith("["):
        return None
    try:
        value, _ = json.JSONDecoder(parse_constant=_reject_constant).raw_decode(rest)
    except ValueError:
        return None
    strings = [item for item in value if isinstance(item, str)]
    if len(strings) != len(value):
        raise JsonFormError("when using JSON array syntax, arrays must be comprised of strings only")
    return strings


def split_whitespace(rest: str) -> list[str]:
    """parseStringsWhitespaceDelimited."""
    return WHITESPACE_RE.split(rest) if rest else []


def heredoc_words(line: str) -> list[str]:
    """The words of a line as heredocsFromLine sees them (quotes and escapes kept)."""
    words: list[str] = []
    word: list[str] = []
    quote = ""
    pos, n = 0, len(line)
    while pos < n:
        ch = line[pos]
        if quote:
            word.append(ch)
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"' and pos + 1 < n:
                pos += 1
                word.append(line[pos])
        elif is_go_space(ch):
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(ch)
            if ch in "'\"":
                quote = ch
            elif ch == "\\" and pos + 1 < n:
                pos += 1
                word.append(line[pos])
        pos += 1
    if word:
        words.append("".join(word))
    return words


@record
class HeredocSpec:
    """A heredoc opener found on an instruction line."""

    name: str
    chomp: bool  # ``<<-``: leading tabs are stripped from the terminator (and the content)
    expand: bool  # False when any part of the delimiter is quoted
    fd: int


def _unquote_word(word: str) -> str | None:
    """The single shell word ``word`` with quotes and backslashes removed; None if it is not one word."""
    out: list[str] = []
    quote = ""
    pos, n = 0, len(word)
    while pos < n:
        ch = word[pos]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"' and pos + 1 < n and word[pos + 1] in '"\\$`':
                pos += 1
                out.append(word[pos])
            else:
                out.append(ch)
        elif ch in "'\"":
            quote = ch
        elif ch == "\\" and pos + 1 < n:
            pos += 1
            out.append(word[pos])
        elif ch in " \t":
            return None
        else:
            out.append(ch)
        pos += 1
    return "".join(out)


def heredocs_in(line: str) -> list[HeredocSpec]:
    """heredocsFromLine: every ``<<WORD`` opener in a logical line, in order."""
    specs: list[HeredocSpec] = []
    if "<<" not in line:
        return specs
    for word in heredoc_words(line):
        match = HEREDOC_RE.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        name = _unquote_word(rest)
        if name is None:
            continue
        expand = not any(q in rest for q in "'\"")
        specs.append(HeredocSpec(name, match.group(2) == "-", expand, int(match.group(1) or 0)))
    return specs


def too_long_lines(text: str) -> dict[str, int]:
    """handleScannerError's bufio.ErrTooLong: the lines (text -> first 1-based line number) longer than
    MAX_LINE_BYTES in UTF-8 (surrogate-escaped bytes count one each), which Parse refuses with
    "dockerfile line greater than max allowed size of 65535"."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > _MAX_LINE_CHARS and len(line.encode("utf-8", "surrogateescape")) > MAX_LINE_BYTES:
            found.setdefault(line, number)
    return found
