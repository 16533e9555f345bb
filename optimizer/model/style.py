"""The Stylist: how a parsed Dockerfile writes its lines, so text a fix adds reads as if written there.

Modelled on ruff's ``Stylist`` (crates/ruff_python_codegen/src/stylist.rs) and LibCST's module
defaults (``Module.default_newline``, ``default_indent``): each convention is read from the file
itself, lazily, and the conventions a fix needs near one instruction (its case, its line ending,
its continuation lines) win over the file's majority.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Literal

from ..record import record

if TYPE_CHECKING:
    from .nodes import Dockerfile, Instruction, Line

Case = Literal["upper", "lower"]


@record
class Continuation:
    """How an instruction is split over lines: ``&&`` leading the continued line (``operator_leads``)
    or ending the line before it (None: no ``&&`` at a line break tells), the indentation of continued
    lines, and whether a space separates the text from the escape token (``apt-get update \\`` rather
    than ``apt-get update\\``)."""

    operator_leads: bool | None
    indent: str
    space_before_escape: bool = True


#: What a file with no multi-line instruction gets: ``&& \\`` at the line end, four spaces.
DEFAULT_CONTINUATION = Continuation(operator_leads=False, indent="    ")


class Stylist:
    """The conventions of one parsed Dockerfile (``Dockerfile.style``); each is computed on first use."""

    def __init__(self, doc: Dockerfile) -> None:
        self.doc = doc

    # --- line endings -------------------------------------------------------------------------

    @cached_property
    def newline(self) -> str:
        """The dominant line ending: CRLF when at least half the lines end with it."""
        text = self.doc.text
        crlf = text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"

    def newline_of(self, line: Line) -> str:
        """The ending of ``line``, or the file's own when it has none (the last line of the file)."""
        return line.ending or self.newline

    # --- keywords -----------------------------------------------------------------------------

    @cached_property
    def keyword_case(self) -> Case:
        """Lower when more instructions are written in lower case than in upper case, else upper
        (mixed spellings such as ``Run`` count for neither; a tie keeps Docker's upper case)."""
        lower = upper = 0
        for inst in self.doc.instructions:
            lower += inst.keyword_text.islower()
            upper += inst.keyword_text.isupper()
        return "lower" if lower > upper else "upper"

    def keyword(self, word: str, near: Instruction | None = None) -> str:
        """``word`` (an instruction keyword or ``AS``) as a new line next to ``near`` writes it: the
        keyword as ``near`` spells it when it is the same one, else in ``near``'s case when that is
        all lower or all upper, else in the file's case."""
        word = word.upper()
        if near is not None:
            written = near.keyword_text
            if near.keyword == word:
                return written
            if written.islower():
                return word.lower()
            if written.isupper():
                return word
        return word.lower() if self.keyword_case == "lower" else word

    # --- indentation, continuation lines, escape and heredocs ----------------------------------

    @property
    def escape(self) -> str:
        """The escape token that continues a line: ``\\``, or a backtick under ``# escape=```."""
        return self.doc.escape

    @staticmethod
    def indent_of(line: Line) -> str:
        """The spaces and tabs a line starts with."""
        text = line.text
        return text[:len(text) - len(text.lstrip(" \t"))]

    def continuation_of(self, inst: Instruction) -> Continuation | None:
        """How ``inst`` continues its lines, or None when it is written on one line.

        The first ``&&`` that starts a continued line, or ends the line before one, decides where
        ``&&`` goes and the indentation; without one, where ``&&`` goes is not known and the last
        line's indentation is kept."""
        code = [line for line in inst.lines if line.kind == "code"]
        if len(code) < 2:
            return None
        space = self._space_before_escape(code[:-1])
        for before, line in zip(code, code[1:]):
            text = line.content
            indent = text[:len(text) - len(text.lstrip())]
            if text[len(indent):].startswith("&&"):
                return Continuation(True, indent, space)
            if self._without_escape(before.content).endswith("&&"):
                return Continuation(False, indent, space)
        last = code[-1].content
        return Continuation(None, last[:len(last) - len(last.lstrip())], space)

    @cached_property
    def continuation(self) -> Continuation:
        """The file's habits for continued lines, for text that has none of its own to follow: where
        ``&&`` goes (the majority of the instructions that tell; ties: at the line end), the most
        common indentation (ties: the first seen) and space before the escape token (ties: yes)."""
        found = [c for c in map(self.continuation_of, self.doc.instructions) if c is not None]
        if not found:
            return DEFAULT_CONTINUATION
        leads = [c.operator_leads for c in found if c.operator_leads is not None]
        indents = [c.indent for c in found]
        spaced = sum(c.space_before_escape for c in found)
        return Continuation(leads.count(True) > leads.count(False), max(indents, key=indents.count),
                            spaced * 2 >= len(found))

    @cached_property
    def heredocs(self) -> bool:
        """The file already uses heredocs (so the builder that reads it has dockerfile:1.4 or later)."""
        return any(inst.effective.heredocs for inst in self.doc.instructions)

    def _without_escape(self, content: str) -> str:
        """A continued line's text without its escape token and the spaces around it."""
        return content.rstrip(" \t")[:-1].rstrip(" \t")

    def _space_before_escape(self, continued: list[Line]) -> bool:
        """Most continued lines put a space or tab before the escape token (ties: yes)."""
        spaced = sum(line.content.rstrip(" \t")[-2:-1] in (" ", "\t") for line in continued)
        return spaced * 2 >= len(continued)
