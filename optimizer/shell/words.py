"""Shell words and assignments: source text, span, and literal value when knowable."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from ..record import record
from .source import Source, Span

if TYPE_CHECKING:
    from tree_sitter import Node

# (text, quoted): quoted text is literal; unquoted text may still glob or tilde-expand.
Segments = list[tuple[str, bool]]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLAIN = re.compile(r"[^\\'\"`$]*")
_MAYBE_PATTERN = re.compile(r"[*?\[{~]")
_BRACE_GROUP = re.compile(r"\{[^{}]*\}")  # innermost; a ``,`` or ``..`` inside makes it a brace expansion
_DQ_ESCAPABLE = frozenset('$`"\\\n')
_EXPANDS = frozenset("{(_@*#?$!-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ANSI_C = {
    "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}


@record
class Word:
    """One shell word.

    ``value`` is the word after quote removal, or None when it holds a
    parameter, command or arithmetic expansion.  ``is_static`` additionally
    requires that no unquoted glob, brace or tilde pattern could change it.
    """

    text_raw: str
    value: str | None
    span: Span
    is_static: bool


@record
class Assignment:
    """``NAME=value`` (before a command, or as an ``env``/``sudo`` argument)."""

    name: str
    value: str | None  # None when not a plain literal
    span: Span


def word_of(nodes: Sequence[Node], src: Source) -> Word:
    """The word spelled by adjacent nodes (tree-sitter sometimes splits one word)."""
    start, end = src.span(nodes[0].start_byte, nodes[-1].end_byte)
    raw = src.text[start:end]
    segments: Segments = []
    for i, node in enumerate(nodes):
        part = _segments(node, src, last=i == len(nodes) - 1)
        if part is None:
            return Word(raw, None, (start, end), False)
        segments += part
    value = "".join(text for text, _ in segments)
    pattern = _MAYBE_PATTERN.search(value) is not None and _is_pattern(segments)
    return Word(raw, value, (start, end), not pattern)


def assignment_of(node: Node, src: Source) -> Assignment:
    """A ``variable_assignment`` node as an Assignment."""
    name_node = node.child_by_field_name("name")
    value_node = node.child_by_field_name("value")
    name = src.slice(name_node.start_byte, name_node.end_byte) if name_node else ""
    if value_node is None:
        value: str | None = ""
    else:
        segments = _segments(value_node, src, last=True)
        value = None if segments is None or _has_tilde(segments) else "".join(t for t, _ in segments)
    return Assignment(name, value, src.span(node.start_byte, node.end_byte))


def assignment_word(node: Node, src: Source) -> Word:
    """A ``variable_assignment`` given as an argument (``export A=b``) as a Word."""
    assignment = assignment_of(node, src)
    start, end = assignment.span
    raw = src.text[start:end]
    if assignment.value is None:
        return Word(raw, None, (start, end), False)
    operator = "+=" if raw[len(assignment.name):].startswith("+=") else "="
    return Word(raw, assignment.name + operator + assignment.value, (start, end), True)


def assignment_from_word(word: Word) -> Assignment | None:
    """``NAME=value`` given as a plain argument (to ``env`` or ``sudo``), else None."""
    if word.value is None:
        return None
    name, eq, value = word.value.partition("=")
    if not eq or not _NAME.fullmatch(name) or not word.text_raw.startswith(name + "="):
        return None
    return Assignment(name, value if word.is_static else None, word.span)


def _segments(node: Node, src: Source, last: bool) -> Segments | None:
    kind = node.type
    raw = src.slice(node.start_byte, node.end_byte)
    if kind in ("word", "number", "variable_name"):
        return _unquoted(raw)
    if kind == "raw_string":
        return [(raw[1:-1], True)]
    if kind == "string":
        if not (len(raw) >= 2 and raw[0] == raw[-1] == '"'):
            return None
        if any(c.is_named and c.type != "string_content" for c in node.children):
            return None
        return [(_unescape_double_quoted(raw[1:-1]), True)]
    if kind == "ansi_c_string":
        text = _unescape_ansi_c(raw[2:-1])
        return None if text is None else [(text, True)]
    if kind == "concatenation":
        out: Segments = []
        children = node.children
        for i, child in enumerate(children):
            part = _segments(child, src, last=last and i == len(children) - 1)
            if part is None:
                return None
            out += part
        return out
    if kind == "$" and last:  # a trailing lone `$` is literal
        return [("$", False)]
    return None


def _unquoted(raw: str) -> Segments | None:
    if _PLAIN.fullmatch(raw):
        return [(raw, False)]
    out: Segments = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n:
            if raw[i + 1] != "\n":
                out.append((raw[i + 1], True))
            i += 2
            continue
        if ch in "'\"`" or (ch == "$" and raw[i + 1 : i + 2] in _EXPANDS):
            return None  # quoting or expansion tree-sitter did not split out
        out.append((ch, False))
        i += 1
    return out


def _unescape_double_quoted(body: str) -> str:
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "\\" and i + 1 < n and body[i + 1] in _DQ_ESCAPABLE:
            if body[i + 1] != "\n":
                out.append(body[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _unescape_ansi_c(body: str) -> str | None:
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= n or body[i + 1] not in _ANSI_C:
            return None  # numeric and control escapes: not worth guessing
        out.append(_ANSI_C[body[i + 1]])
        i += 2
    return "".join(out)


def _unquoted_view(segments: Segments) -> str:
    """The word with every quoted char blanked out, for pattern checks."""
    return "".join(text if not quoted else "\0" * len(text) for text, quoted in segments)


def _has_tilde(segments: Segments) -> bool:
    view = _unquoted_view(segments)
    return view.startswith("~") or ":~" in view


def _is_pattern(segments: Segments) -> bool:
    view = _unquoted_view(segments)
    if view.startswith("~") or "*" in view or "?" in view:
        return True
    bracket = view.find("[")
    return (bracket != -1 and "]" in view[bracket + 1 :]) or any(
        "," in group or ".." in group for group in _BRACE_GROUP.findall(view))
