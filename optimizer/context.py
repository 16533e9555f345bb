"""Facts about the build context that passes may read (gathered at the edge, frozen here)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class BuildContext:
    """The build context: a root directory, read only when a pass first asks for its files.

    ``known`` is False when there is no context at all; passes must then assume nothing about files.
    """

    root: Path | None = None
    listing: tuple[str, ...] | None = field(default=None, repr=False)

    @classmethod
    def unknown(cls) -> BuildContext:
        return cls()

    @classmethod
    def from_listing(cls, paths: list[str]) -> BuildContext:
        """Facts from a file list (as in the corpus's context.txt); sizes unknown (0)."""
        return cls(listing=tuple(p.strip() for p in paths if p.strip()))

    @property
    def known(self) -> bool:
        return self.root is not None or self.listing is not None

    @cached_property
    def files(self) -> dict[str, int]:
        """``/``-separated paths relative to the root, with sizes; symlinks are not followed."""
        if self.listing is not None:
            return dict.fromkeys(self.listing, 0)
        if self.root is None:
            return {}
        files: dict[str, int] = {}
        for folder, dirs, names in os.walk(self.root):
            dirs.sort()
            for name in sorted(names):
                path = Path(folder, name)
                if path.is_file() and not path.is_symlink():
                    files[path.relative_to(self.root).as_posix()] = path.stat().st_size
        return files
