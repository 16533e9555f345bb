"""Facts about the build context that passes may read (gathered at the edge, frozen here)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BuildContext:
    """The build context's files: ``/``-separated paths relative to its root, with sizes.

    ``known`` is False when no context was read; passes must then assume nothing about files.
    """

    files: dict[str, int] = field(default_factory=dict, hash=False)
    known: bool = False

    @classmethod
    def unknown(cls) -> BuildContext:
        return cls()

    @classmethod
    def scan(cls, root: str | os.PathLike[str]) -> BuildContext:
        """Every regular file under ``root`` (symlinks are not followed)."""
        base = Path(root)
        files: dict[str, int] = {}
        for folder, dirs, names in os.walk(base):
            dirs.sort()
            for name in sorted(names):
                path = Path(folder, name)
                if path.is_file() and not path.is_symlink():
                    files[path.relative_to(base).as_posix()] = path.stat().st_size
        return cls(files, True)

    @classmethod
    def from_listing(cls, paths: list[str]) -> BuildContext:
        """Facts from a file list (as in the corpus's context.txt); sizes unknown (0)."""
        return cls({p.strip(): 0 for p in paths if p.strip()}, True)
