"""Docker's `.dockerignore` matching, ported from moby/patternmatcher and BuildKit's reader and walker.

Three Go sources define what an ignore file means, and this module follows each of them:

- ``ReadAll`` (moby/buildkit frontend/dockerfile/dockerignore): a UTF-8 BOM is dropped from the
  first line; a line *starting* with ``#`` is a comment (`` # x`` is a pattern); lines are trimmed
  and blank ones skipped; ``!`` marks an exception (trimmed again after the ``!``); the pattern is
  cleaned with ``filepath.Clean`` and one leading ``/`` is dropped.
- ``patternmatcher.New`` and ``Pattern.compile`` (moby/patternmatcher): a syntax check with
  ``filepath.Match``, then each pattern becomes an exact, prefix (``foo/**``), suffix (``**/foo``)
  or regexp matcher; ``*`` and ``?`` never cross ``/``, ``**`` spans any number of directories,
  ``\\`` escapes the next character (as a regexp escape, so ``\\d`` is a digit class, as in Docker).
- BuildKit's context walk (tonistiigi/fsutil ``filterFS.Walk``): a directory is tested before its
  contents with ``MatchesUsingParentResults`` (a pattern that matched a parent directory matches
  everything under it; the last matching line wins); an excluded directory is still walked when an
  exception could re-include something inside it, and skipped otherwise.

``IgnoreMatcher.matches`` answers the walk's question (is this path left out of the context?);
``IgnoreMatcher.matches_or_parent_matches`` is the Go function BuildKit's ``CopyIgnoredFile`` check
calls on a COPY/ADD source.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from functools import cached_property

from ..record import field, record

__all__ = [
    "DockerignoreError",
    "IgnoreMatcher",
    "Pattern",
    "go_clean",
    "go_match",
    "parse_patterns",
]

_BOM = "\ufeff"
_MAX_LINE = 64 * 1024  # bufio.Scanner's default token limit: a longer line makes ReadAll fail
# patternmatcher's shouldEscape: it means to quote .+()|{}$ but its bitmap drops every byte >= 64,
# so `{`, `|` and `}` reach the regexp unquoted (`a|b` is an alternation in Docker too).
_REGEX_QUOTED = frozenset(".+()$")
_PATTERN_CHARS = frozenset("*[]?^\\")  # fsutil's patternChars on Unix


class DockerignoreError(ValueError):
    """The ignore file is one Docker refuses (the build fails), or uses a regexp escape we cannot port."""


@record
class Pattern:
    """One effective line of an ignore file.

    ``text`` is the pattern as patternmatcher keeps it (cleaned, without ``!``); ``line`` is the
    1-based line number in the file and ``source`` the line as written.
    """

    text: str
    exclusion: bool = False
    line: int = 0
    source: str = ""
    kind: str = field(default="exact", compare=False)  # exact | prefix | suffix | regexp
    regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    tokens: tuple[str, ...] | None = field(default=None, compare=False, repr=False)  # see _wildcard_match

    def __str__(self) -> str:
        return ("!" if self.exclusion else "") + self.text

    def match(self, path: str) -> bool:
        """``Pattern.match``: does this pattern match exactly this ``/``-separated path?"""
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix[:1] == "/" and path == suffix[1:]  # **/foo matches "foo"
        if self.tokens is not None:
            return _wildcard_match(self.tokens, path)
        assert self.regex is not None
        return self.regex.search(path) is not None  # MatchString: unanchored but for ^ and $


def parse_patterns(text: str) -> list[Pattern]:
    """The patterns of an ignore file, as ``ReadAll`` + ``patternmatcher.New`` produce them.

    Raises ``DockerignoreError`` where Docker refuses the file (a bare ``!``, a malformed ``[``
    class or a trailing ``\\``, a line over 64 KiB) or where a pattern's regexp uses an escape this
    port does not translate.
    """
    patterns: list[Pattern] = []
    for number, raw in enumerate(_lines(text), start=1):
        line = raw[1:] if number == 1 and raw.startswith(_BOM) else raw
        if len(line.encode("utf-8", "surrogateescape")) > _MAX_LINE:
            raise DockerignoreError(f"line {number}: longer than 64 KiB (bufio.Scanner: token too long)")
        if line.startswith("#"):
            continue
        pattern = _go_trim(line)
        if not pattern:
            continue
        # ReadAll: normalise, keeping the '!' prefix out of Clean.
        invert = pattern[0] == "!"
        if invert:
            pattern = _go_trim(pattern[1:])
        if pattern:
            pattern = go_clean(pattern)
            if len(pattern) > 1 and pattern[0] == "/":
                pattern = pattern[1:]
        if invert:
            pattern = "!" + pattern
        # patternmatcher.New: trim and clean once more, then split off the '!'.
        pattern = _go_trim(pattern)
        if not pattern:
            continue  # "/ /" cleans to " ", which New then drops
        pattern = go_clean(pattern)
        exclusion = pattern[0] == "!"
        if exclusion:
            if len(pattern) == 1:
                raise DockerignoreError(f'line {number}: illegal exclusion pattern: "!"')
            pattern = pattern[1:]
        if not _go_match_syntax_ok(pattern):
            raise DockerignoreError(f"line {number}: syntax error in pattern {pattern!r}")
        kind, regex, tokens = _compile(pattern, number)
        patterns.append(Pattern(pattern, exclusion, number, raw, kind, regex, tokens))
    return patterns


@record
class IgnoreMatcher:
    """The patterns of one ignore file and Docker's answers about paths of the build context."""

    patterns: tuple[Pattern, ...] = ()
    _dirs: dict[str, tuple[bool, tuple[bool, ...] | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_text(cls, text: str) -> IgnoreMatcher:
        return cls(tuple(parse_patterns(text)))

    @property
    def has_exclusions(self) -> bool:
        """``PatternMatcher.Exclusions``: does any line start with ``!``?"""
        return any(p.exclusion for p in self.patterns)

    def matches(self, path: str) -> bool:
        """Is ``path`` (a file or directory, relative to the context root) left out of the context?

        This is the BuildKit walk: each parent directory is matched first and its results are
        inherited, and a path under a directory the walk skips is excluded with it.
        """
        parts = _split(path)
        if not parts:
            return False  # the root itself is never excluded
        skipped, info = self._dir_state(tuple(parts[:-1]))
        if skipped:
            return True
        matched, _ = self._match_with_parent("/".join(parts), info)
        return matched

    def excluded(self, paths: Iterable[str]) -> set[str]:
        """The subset of ``paths`` that ``matches`` (parent directories are matched once each)."""
        return {p for p in paths if self.matches(p)}

    def matches_or_parent_matches(self, path: str) -> bool:
        """``PatternMatcher.MatchesOrParentMatches`` on a cleaned path (BuildKit's CopyIgnoredFile).

        Unlike ``matches`` it checks each pattern against the path and each of its parents
        independently of the walk, which is why BuildKit's check skips files with exceptions.
        """
        cleaned = go_clean(path)
        if cleaned == ".":
            return False
        parent_dirs = _parent_dirs(cleaned)
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            match = pattern.match(cleaned)
            if not match and parent_dirs:
                match = any(pattern.match("/".join(parent_dirs[: i + 1])) for i in range(len(parent_dirs)))
            if match:
                matched = not pattern.exclusion
        return matched

    # The walk -----------------------------------------------------------------------------------

    def _match_with_parent(self, path: str, parent: tuple[bool, ...] | None) -> tuple[bool, tuple[bool, ...]]:
        """``MatchesUsingParentResults``: the result and the per-pattern info for the children."""
        matched = False
        info: list[bool] = []
        parent_dirs = _parent_dirs(path) if parent is None else []
        for i, pattern in enumerate(self.patterns):
            match = bool(parent) and parent[i]  # type: ignore[index]
            if not match:
                if pattern.exclusion != matched:
                    info.append(False)
                    continue
                match = pattern.match(path)
                if not match and parent is None and parent_dirs:
                    match = any(pattern.match("/".join(parent_dirs[: k + 1])) for k in range(len(parent_dirs)))
            info.append(match)
            if match:
                matched = not pattern.exclusion
        return matched, tuple(info)

    def _dir_state(self, parts: tuple[str, ...]) -> tuple[bool, tuple[bool, ...] | None]:
        """(skipped by the walk, match info) of a directory given as path components."""
        state: tuple[bool, tuple[bool, ...] | None] = (False, None)  # the root
        depth = len(parts)
        while depth and "/".join(parts[:depth]) not in self._dirs:
            depth -= 1  # the deepest ancestor already matched
        if depth:
            state = self._dirs["/".join(parts[:depth])]
        for end in range(depth + 1, len(parts) + 1):
            key = "/".join(parts[:end])
            skipped, parent = state
            if not skipped:
                matched, info = self._match_with_parent(key, parent)
                state = (matched and self._walk_skips(key), info)
            self._dirs[key] = state
        return state

    def _walk_skips(self, directory: str) -> bool:
        """fsutil's optimisation: an excluded directory is not walked when no exception can reach inside."""
        prefixes = self._exception_prefixes
        if prefixes is None:
            return False  # an exception with wildcards: every excluded directory is walked
        return not any(prefix.startswith(directory + "/") for prefix in prefixes)

    @cached_property
    def _exception_prefixes(self) -> tuple[str, ...] | None:
        """The exceptions without a trailing /* or /**, plus "/"; None if one still has wildcards."""
        prefixes = tuple(_without_trailing_glob(p.text) for p in self.patterns if p.exclusion)
        if any(_PATTERN_CHARS.intersection(prefix) for prefix in prefixes):
            return None
        return tuple(prefix + "/" for prefix in prefixes)


# Go's path handling --------------------------------------------------------------------------------


def go_clean(path: str) -> str:
    """Go's ``filepath.Clean`` on Unix: the shortest equivalent path, purely lexically."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(part)
    cleaned = "/".join(out)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def go_match(pattern: str, name: str) -> bool:
    """Go's ``filepath.Match`` on Unix (COPY/ADD wildcards use it); raises on a malformed pattern."""
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and chunk == "":
            return "/" not in name  # a trailing * matches the rest unless it has a /
        rest = _match_chunk(chunk, name)
        if rest is not None and (rest == "" or pattern):
            name = rest
            continue
        if star:
            i = 0
            found = False
            while i < len(name) and name[i] != "/":
                rest = _match_chunk(chunk, name[i + 1 :])
                if rest is not None and not (pattern == "" and rest):
                    name = rest
                    found = True
                    break
                i += 1
            if found:
                continue
        _validate_rest(pattern)
        return False
    return name == ""


def _go_match_syntax_ok(pattern: str) -> bool:
    try:
        go_match(pattern, ".")
    except DockerignoreError:
        return False
    return True


def _validate_rest(pattern: str) -> None:
    while pattern:
        _, chunk, pattern = _scan_chunk(pattern)
        _match_chunk(chunk, "", check_only=True)


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    star = False
    while pattern.startswith("*"):
        pattern = pattern[1:]
        star = True
    in_range = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern):
                i += 1
        elif c == "[":
            in_range = True
        elif c == "]":
            in_range = False
        elif c == "*" and not in_range:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def _match_chunk(chunk: str, s: str, *, check_only: bool = False) -> str | None:
    """``matchChunk``: the rest of ``s`` after ``chunk`` matched its start, or None; raises on bad syntax."""
    failed = check_only
    while chunk:
        if not failed and not s:
            failed = True
        c = chunk[0]
        if c == "[":
            r = ""
            if not failed:
                r, s = s[0], s[1:]
            chunk = chunk[1:]
            negated = chunk.startswith("^")
            if negated:
                chunk = chunk[1:]
            matched = False
            ranges = 0
            while True:
                if chunk.startswith("]") and ranges > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == "-":
                    hi, chunk = _get_esc(chunk[1:])
                if not failed and lo <= r <= hi:
                    matched = True
                ranges += 1
            if matched == negated:
                failed = True
        elif c == "?":
            if not failed:
                if s[0] == "/":
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
        else:
            if c == "\\":
                chunk = chunk[1:]
                if not chunk:
                    raise DockerignoreError("trailing backslash")
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
    return None if failed else s


def _get_esc(chunk: str) -> tuple[str, str]:
    if not chunk or chunk[0] in "-]":
        raise DockerignoreError("bad character class")
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise DockerignoreError("bad character class")
    r, rest = chunk[0], chunk[1:]
    if not rest:
        raise DockerignoreError("unterminated character class")
    return r, rest


# patternmatcher's compile, then its RE2 regexp in Python's dialect ---------------------------------


def _compile(pattern: str, line: int) -> tuple[str, re.Pattern[str] | None, tuple[str, ...] | None]:
    """``Pattern.compile``: the match kind and, for regexp patterns, the compiled regexp, plus the
    pattern as wildcard tokens when ``_wildcard_match`` can take over from the regexp (else None).

    Tokens: one literal character (``\\c``), ``?``, ``*``, ``**`` (at the end) or ``**/``."""
    rx = "^"
    kind = "exact"
    tokens: list[str] | None = []  # None once the pattern uses regexp syntax
    i = 0
    n = len(pattern)
    iteration = 0
    while i < n:
        ch = pattern[i]
        i += 1
        token: str | None = "\\" + ch
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":  # treat **/ as **
                    i += 1
                if i >= n:  # "**" at the end: align with .gitignore and accept everything
                    token = "**"
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        rx += ".*"
                        kind = "regexp"
                else:
                    token = "**/"
                    if not rx.endswith("(.*/)?"):  # **/**/ matches what **/ does (and repeats backtrack exponentially)
                        rx += "(.*/)?"  # any number of directories, even none
                    else:
                        token = ""
                    kind = "regexp"
                if iteration == 0:
                    kind = "suffix"
            else:
                rx += "[^/]*"
                token = "*"
                kind = "regexp"
        elif ch == "?":
            rx += "[^/]"
            token = "?"
            kind = "regexp"
        elif ch in _REGEX_QUOTED:
            rx += "\\" + ch
        elif ch == "\\":
            if i < n:
                rx += "\\" + pattern[i]
                token = "\\" + pattern[i] if not pattern[i].isalnum() else None  # RE2's \d is a class
                i += 1
                kind = "regexp"
            else:
                rx += "\\"
                token = None
        elif ch in "[]":
            rx += ch
            token = None
            kind = "regexp"
        else:
            rx += ch
            if ch in "{}|^":
                token = None  # RE2 syntax
        if token is None:
            tokens = None
        elif token and tokens is not None:
            tokens.append(token)
        iteration += 1
    if kind != "regexp":
        return kind, None, None
    try:
        python_rx = _re2_to_python(rx + "$")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            regex = re.compile(python_rx, re.ASCII)
    except (re.error, _Unsupported) as error:
        raise DockerignoreError(f"line {line}: pattern {pattern!r}: {error}") from None
    if tokens is None or sum(t in _STAR_TOKENS for t in tokens) < _MIN_STARS:
        return kind, regex, None
    return kind, regex, tuple(tokens)


class _Unsupported(Exception):
    pass


# Linear-time matching for wildcard-only patterns ---------------------------------------------------
#
# Python's ``re`` backtracks: ``*a*a*a*a*a*a*b`` against a 40-character name takes seconds, and
# each extra star multiplies it, where Go's RE2 is linear. A pattern made only of literals, ``?``,
# ``*``, ``**`` and ``**/`` (the regexp ``[^/]``, ``[^/]*``, ``.*``, ``(.*/)?``) is matched by a
# set-of-states simulation instead; patterns using ``[...]``, ``{``, ``|``, ``^`` or a ``\``
# before a letter keep the translated regexp (they are rare and carry RE2 syntax).

_STAR_TOKENS = frozenset({"*", "**", "**/"})
_MIN_STARS = 3  # with fewer stars the backtracking cost is at most quadratic in the name: keep re


def _wildcard_match(tokens: tuple[str, ...], path: str) -> bool:
    """Does the whole of ``path`` match ``tokens`` (RE2 semantics: ``.`` never matches a newline)?

    A state is (token index, inside the ``.*`` of a ``(.*/)?`` group); each character maps the set
    of states to the next set, so the cost is len(path) x len(tokens)."""
    end = len(tokens)

    def closure(states: set[tuple[int, bool]]) -> set[tuple[int, bool]]:
        todo = list(states)
        while todo:
            index, inside = todo.pop()
            if not inside and index < end and tokens[index] in _STAR_TOKENS and (index + 1, False) not in states:
                states.add((index + 1, False))
                todo.append((index + 1, False))
        return states

    states = closure({(0, False)})
    for ch in path:
        following: set[tuple[int, bool]] = set()
        for index, inside in states:
            token = tokens[index] if index < end else None
            if inside or token == "**/":
                if ch != "\n":
                    following.add((index, True))  # the group's .*
                if ch == "/":
                    following.add((index + 1, False))  # the group's closing /
            elif token is None:
                continue
            elif token == "*":
                if ch != "/":
                    following.add((index, False))
            elif token == "**":
                if ch != "\n":
                    following.add((index, False))
            elif token == "?":
                if ch != "/":
                    following.add((index + 1, False))
            elif ch == token[1]:
                following.add((index + 1, False))
        if not following:
            return False
        states = closure(following)
    return (end, False) in states


_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_PERL = {"d": "0-9", "s": "\\t\\n\\f\\r ", "w": "0-9A-Za-z_"}  # RE2's classes are ASCII-only
_CONTROL = {"a": "\x07", "f": "\x0c", "n": "\n", "r": "\r", "t": "\t", "v": "\x0b"}


def _re2_to_python(rx: str) -> str:
    """Translate the RE2 regexp patternmatcher builds into Python ``re`` with the same meaning."""
    out: list[str] = []
    i = 0
    n = len(rx)
    while i < n:
        c = rx[i]
        if c == "\\":
            text, i = _escape(rx, i)
            out.append(text)
        elif c == "[":
            text, i = _class(rx, i)
            out.append(text)
        elif c == "^":
            out.append("(?:^)")  # RE2 may repeat an assertion (`^{2}`); Python only a group
            i += 1
        elif c == "$":
            out.append("(?:\\Z)")  # Python's $ also matches before a final newline
            i += 1
        elif c == "{":
            repeat = _REPEAT.match(rx, i)
            if repeat is None:
                out.append("\\{")  # not a repetition: a literal in RE2 (Python reads `{,n}` as one)
                i += 1
                continue
            low = int(repeat.group(1))
            high = low if repeat.group(2) is None else (int(repeat.group(3)) if repeat.group(3) else None)
            if low > 1000 or (high is not None and (high > 1000 or high < low)):
                raise _Unsupported(f"invalid repeat count {repeat.group(0)}")
            out.append(repeat.group(0))
            i = repeat.end()
        elif c == "}":
            out.append("\\}")
            i += 1
        else:
            out.append(c)  # ( ) ? . * | / ] and literals patternmatcher left as they are
            i += 1
    return "".join(out)


_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")


def _class(rx: str, i: int) -> tuple[str, int]:
    """One RE2 bracket expression (as regexp/syntax parseClass reads it) in Python's dialect."""
    out = ["["]
    i += 1
    if i < len(rx) and rx[i] == "^":
        out.append("^")
        i += 1
    first = True
    while i >= len(rx) or rx[i] != "]" or first:
        first = False
        if rx.startswith("[:", i) and rx.find(":]", i + 2) != -1:
            end = rx.find(":]", i + 2)
            name = rx[i + 2 : end]
            if name not in _POSIX:
                raise _Unsupported(f"character class [:{name}:]")
            out.append(_POSIX[name])
            i = end + 2
            continue
        if rx.startswith("\\", i) and i + 1 < len(rx) and rx[i + 1] in _PERL:
            out.append(_PERL[rx[i + 1]])
            i += 2
            continue
        lo, i = _class_char(rx, i)
        hi = lo
        if i + 1 < len(rx) and rx[i] == "-" and rx[i + 1] != "]":
            hi, i = _class_char(rx, i + 1)
            if hi < lo:
                raise _Unsupported(f"invalid character class range {lo}-{hi}")
        out.append(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}")
    out.append("]")
    return "".join(out), i + 1


def _class_char(rx: str, i: int) -> tuple[str, int]:
    if i >= len(rx):
        raise _Unsupported("missing closing ]")
    if rx[i] != "\\":
        return rx[i], i + 1
    char, j = _escaped_char(rx, i)
    if char is None:
        raise _Unsupported(f"regexp escape {rx[i:i + 2]} in a character class")
    return char, j


def _escape(rx: str, i: int) -> tuple[str, int]:
    """RE2's meaning of the escape at ``rx[i]`` (outside a class) as Python regexp text, and its end."""
    char, j = _escaped_char(rx, i)
    if char is not None:
        return re.escape(char), j
    c = rx[i + 1]
    if c in _PERL:
        return f"[{_PERL[c]}]", i + 2
    if c.lower() in _PERL:
        return f"[^{_PERL[c.lower()]}]", i + 2
    if c in "bBA":
        return f"(?:\\{c})", i + 2  # RE2's \b is ASCII-only: regexps are compiled with re.ASCII
    if c == "z":
        return "(?:\\Z)", i + 2
    raise _Unsupported(f"regexp escape \\{c}")


def _escaped_char(rx: str, i: int) -> tuple[str | None, int]:
    """RE2's parseEscape for the escapes that stand for one character (punctuation, octal, hex, control)."""
    if i + 1 >= len(rx):
        raise _Unsupported("trailing backslash")
    c = rx[i + 1]
    j = i + 2
    if c < "\x80" and not c.isalnum():
        return c, j
    if c in _CONTROL:
        return _CONTROL[c], j
    if c in _OCTAL:
        if c != "0" and not (j < len(rx) and rx[j] in _OCTAL):
            raise _Unsupported(f"regexp escape \\{c} (a backreference)")
        value = int(c)
        for _ in range(2):
            if j < len(rx) and rx[j] in _OCTAL:
                value = value * 8 + int(rx[j])
                j += 1
        return chr(value), j
    if c == "x":
        if rx.startswith("{", j):
            end = rx.find("}", j)
            digits = rx[j + 1 : end] if end != -1 else ""
            j = end + 1
        else:
            digits = rx[j : j + 2] if len(rx[j : j + 2]) == 2 else ""
            j += 2
        if not digits or not all(d in _HEX for d in digits) or int(digits, 16) > 0x10FFFF:
            raise _Unsupported("invalid hex escape")
        return chr(int(digits, 16)), j
    return None, i


_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")


# Helpers ---------------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """bufio.ScanLines: split on \\n, drop one trailing \\r per line, no final empty line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _go_trim(s: str) -> str:
    """strings.TrimSpace (Unicode white space, as Go defines it)."""
    return s.strip(" \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                   "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _split(path: str) -> list[str]:
    """A context path as components: cleaned, relative, ``/``-separated."""
    cleaned = go_clean(path)
    while cleaned.startswith("/"):
        cleaned = cleaned[1:]
    if cleaned in ("", "."):
        return []
    return cleaned.split("/")


def _parent_dirs(path: str) -> list[str]:
    """``strings.Split(filepath.Dir(path), "/")``, or [] when the parent is "." (no parents to try)."""
    parent = go_clean(path[: path.rfind("/") + 1]) if "/" in path else "."
    return [] if parent == "." else parent.split("/")


def _without_trailing_glob(text: str) -> str:
    if text.endswith("/**"):
        text = text[:-3]
    if text.endswith("/*"):
        text = text[:-2]
    return text
