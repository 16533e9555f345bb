"""Logical text: a string joined from pieces of the document that remembers where each piece came from."""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property

from ..record import record


@record
class LogicalText:
    """Text such as a RUN body after BuildKit removed continuations and interior comment lines.

    ``pieces`` holds ``(logical_start, doc_start)`` pairs in order; each piece runs until the next
    piece's ``logical_start`` (the last one to the end of ``text``). Offsets are ``str`` indices.
    """

    text: str
    pieces: tuple[tuple[int, int], ...]

    @classmethod
    def join(cls, ranges: list[tuple[int, int]], doc: str) -> LogicalText:
        """Join document ranges ``[(start, end), ...]`` into one logical text."""
        if len(ranges) == 1:  # most instructions are one line
            start, end = ranges[0]
            return cls(doc[start:end], ((0, start),) if end > start else ())
        parts: list[str] = []
        pieces: list[tuple[int, int]] = []
        length = 0
        for start, end in ranges:
            if end <= start:
                continue
            pieces.append((length, start))
            parts.append(doc[start:end])
            length += end - start
        return cls("".join(parts), tuple(pieces))

    @cached_property
    def _starts(self) -> list[int]:
        return [logical_start for logical_start, _ in self.pieces]

    def _piece(self, index: int) -> tuple[int, int]:
        return self.pieces[max(bisect_right(self._starts, index) - 1, 0)]

    def doc_offset(self, index: int) -> int:
        """Document offset of the character at logical ``index`` (``len(text)`` maps past the end)."""
        if not self.pieces:
            raise ValueError("empty logical text has no document position")
        if index >= len(self.text):
            logical_start, doc_start = self.pieces[-1]
            return doc_start + index - logical_start
        logical_start, doc_start = self._piece(index)
        return doc_start + index - logical_start

    def doc_span(self, start: int, end: int) -> tuple[int, int]:
        """Document span covering logical ``[start, end)``; an empty span maps to an insertion point."""
        if end <= start:
            point = self.doc_offset(start - 1) + 1 if start > 0 else self.doc_offset(0)
            return point, point
        return self.doc_offset(start), self.doc_offset(end - 1) + 1

    def is_contiguous(self, start: int, end: int) -> bool:
        """True when logical ``[start, end)`` is one unbroken run of document text."""
        doc_start, doc_end = self.doc_span(start, end)
        return doc_end - doc_start == end - start

    def slice(self, start: int, end: int) -> LogicalText:
        """The logical sub-text ``[start, end)`` with its own piece table."""
        if len(self.pieces) == 1:
            doc_start = self.pieces[0][1]
            return LogicalText(self.text[start:end], ((0, doc_start + start),) if end > start else ())
        pieces: list[tuple[int, int]] = []
        for k, (ls, ds) in enumerate(self.pieces):
            le = self.pieces[k + 1][0] if k + 1 < len(self.pieces) else len(self.text)
            lo, hi = max(ls, start), min(le, end)
            if lo < hi:
                pieces.append((lo - start, ds + lo - ls))
        return LogicalText(self.text[start:end], tuple(pieces))
