"""One Dockerfile's outcome (optimize_path / write_outcome in session.py): what the CLI's renderers
print and what the bot commits and explains."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pipeline import Result
from ..record import record

if TYPE_CHECKING:
    from ..config import Config
    from ..fileio import Source
    from ..verify.report import VerifyReport


@record
class ExtraFile:
    """A file beside the Dockerfile that the fixes create or extend (e.g. ``.dockerignore``)."""

    path: str  # as named in the diff: relative to the working directory, like the Dockerfile's
    diff: str  # a new-file diff (from /dev/null) or a diff of the appended lines
    new: bool  # created, rather than extended
    written: bool = False
    target: str = ""  # where it is written: the build context's folder and the file's path in it


@record
class FileReport:
    """One path's result, its diff, or the error that stopped it."""

    path: str  # as named in reports and diffs (the bot: relative to the repository's root)
    result: Result | None = None
    diff: str = ""
    error: str = ""  # "path:line: message" when the file (or a file beside it) could not be processed
    written: bool = False
    files: tuple[ExtraFile, ...] = ()
    stdin: bool = False  # read from standard input (``path`` is ``-`` or the --stdin-filename)
    source: Source | None = None  # the Dockerfile as read (write_outcome refuses it if it changed since)
    config: Config | None = None  # the settings it was optimized with
    verify: VerifyReport | None = None  # the bot with --verify: the result of a real-build check

    @property
    def changed(self) -> bool:
        """The Dockerfile or a file beside it changes."""
        return bool(self.result and self.result.changed) or bool(self.files)

    @property
    def changes(self) -> int:
        """How many files change: the Dockerfile and each file beside it."""
        return int(bool(self.result and self.result.changed)) + len(self.files)

    @property
    def full_diff(self) -> str:
        """The Dockerfile's diff followed by those of the files beside it: one patch for ``git apply``."""
        return self.diff + "".join(f.diff for f in self.files)
