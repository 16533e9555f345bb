"""The per-file outcome that the CLI hands to every renderer."""

from __future__ import annotations

from dataclasses import dataclass

from ..pipeline import Result


@dataclass(frozen=True)
class FileReport:
    """One path's result, its diff, or the error that stopped it."""

    path: str
    result: Result | None = None
    diff: str = ""
    error: str = ""  # "path:line: message" when the file could not be processed
    written: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.result and self.result.changed)
