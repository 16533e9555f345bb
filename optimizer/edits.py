"""The single place where text is changed: edits are spans plus replacements, applied together."""

from __future__ import annotations

from typing import Iterable

from .record import record


class EditConflict(ValueError):
    """Two edits overlap, or an edit lies outside the text."""


@record(order=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement`` (offsets are ``str`` indices)."""

    start: int
    end: int
    replacement: str = ""

    @classmethod
    def insert(cls, at: int, text: str) -> Edit:
        return cls(at, at, text)

    @classmethod
    def delete(cls, start: int, end: int) -> Edit:
        return cls(start, end, "")

    @classmethod
    def replace(cls, span: tuple[int, int], text: str) -> Edit:
        return cls(span[0], span[1], text)

    @property
    def is_insertion(self) -> bool:
        return self.start == self.end


def overlaps(a: Edit, b: Edit) -> bool:
    """Edits conflict when their spans intersect, or when both insert at the same point."""
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end


def sort_edits(edits: Iterable[Edit]) -> list[Edit]:
    """Edits in document order; raises EditConflict when two of them overlap."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for before, after in zip(ordered, ordered[1:]):
        if overlaps(before, after):
            raise EditConflict(f"overlapping edits at {before.start}-{before.end} and {after.start}-{after.end}")
    return ordered


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to ``text`` in one splice."""
    parts: list[str] = []
    pos = 0
    for edit in sort_edits(edits):
        if not 0 <= edit.start <= edit.end <= len(text):
            raise EditConflict(f"edit {edit.start}-{edit.end} outside text of length {len(text)}")
        parts.append(text[pos:edit.start])
        parts.append(edit.replacement)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)
