"""Facts about the build context that passes may read (gathered at the edge, frozen here).

A ``BuildContext`` is a directory (walked lazily, the first time a pass asks for files), a file
listing (tests, the corpus's ``context.txt``), or unknown. Passes never open files themselves: they
read ``files`` / ``included`` / ``exists`` / ``read_text`` / ``manifests`` from here.

The walk lists every file under the root, breadth first (shallow paths survive a cap), without
following symbolic links (a link is listed as a file of size 0 and never entered, so nothing outside
the root is read) and without skipping anything itself: the existing ``.dockerignore`` decides what
the build sees (``included``), with Docker's exact matching (``optimizer.context.dockerignore``).
It stops after ``MAX_FILES`` files and sets ``truncated`` so a huge monorepo cannot hang a run.
"""

from __future__ import annotations

import functools
import os
import stat
from collections import deque
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from ..record import field, record
from .dockerignore import DockerignoreError, IgnoreMatcher, go_clean, go_match
from .manifests import Manifests

__all__ = ["BuildContext", "MAX_FILES", "MAX_TEXT"]

MAX_FILES = 200_000  # files listed before a walk gives up (``truncated``)
MAX_TEXT = 1 << 20  # ``read_text`` reads files up to this size (1 MiB)
CORPUS_MANIFESTS = ("pom.xml", "build.gradle", "package.json", "requirements.txt", "go.mod", ".dockerignore")
CORPUS_LISTING_CAP = 2000  # context.txt keeps at most this many lines


@record(eq=False)
class BuildContext:
    """The build context: a root directory or a listing, read only when a pass first asks.

    ``known`` is False when there is no context at all; passes must then assume nothing about files.
    """

    root: Path | None = None
    listing: tuple[str, ...] | None = field(default=None, repr=False)
    texts: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    dockerfile: Path | None = field(default=None, repr=False)
    listing_truncated: bool = field(default=False, repr=False)
    max_files: int = field(default=MAX_FILES, repr=False)
    _reads: dict[str, str | None] = field(default_factory=dict, init=False, repr=False)

    # Construction -------------------------------------------------------------------------------

    @classmethod
    def unknown(cls) -> BuildContext:
        return cls()

    @classmethod
    def from_directory(
        cls, root: str | os.PathLike[str], *, dockerfile: str | os.PathLike[str] | None = None,
        max_files: int = MAX_FILES,
    ) -> BuildContext:
        """A context directory, walked lazily on first use.

        ``dockerfile`` (the path the user gave) lets a ``<Dockerfile>.dockerignore`` beside it take
        precedence over the root's ``.dockerignore``, as BuildKit does.
        """
        return cls(Path(root), dockerfile=Path(dockerfile) if dockerfile is not None else None,
                   max_files=max_files)

    @classmethod
    def from_listing(
        cls, paths: Iterable[str], *, texts: Mapping[str, str] | None = None, truncated: bool = False
    ) -> BuildContext:
        """Facts from a file list (sizes 0 = unknown) plus the text of some files, keyed by context path."""
        listing = tuple(dict.fromkeys(p for p in (_context_path(line.strip()) for line in paths) if p))
        normalized = tuple((key, text) for key, text in (
            (_context_path(name), text) for name, text in (texts or {}).items()) if key)
        return cls(listing=listing, texts=normalized, listing_truncated=truncated)

    @classmethod
    def from_corpus_entry(cls, entry_dir: str | os.PathLike[str]) -> BuildContext:
        """A ``corpus/real/<id>/`` entry: its ``context.txt`` plus the manifest copies beside it."""
        entry = Path(entry_dir)
        listing_file = entry / "context.txt"
        lines = listing_file.read_text(encoding="utf-8").splitlines() if listing_file.is_file() else []
        texts = {}
        for name in CORPUS_MANIFESTS:
            copy = entry / name
            if copy.is_file():
                texts[name] = _decode(copy.read_bytes())
        total = _corpus_context_files(str(entry.parent / "MANIFEST.tsv")).get(entry.name)
        truncated = len(lines) >= CORPUS_LISTING_CAP or (total is not None and total > len(lines))
        return cls.from_listing(lines, texts=texts, truncated=truncated)

    # Files ----------------------------------------------------------------------------------------

    @property
    def known(self) -> bool:
        return self.root is not None or self.listing is not None

    @cached_property
    def _walk(self) -> tuple[dict[str, int], bool]:
        if self.listing is not None:
            files = dict.fromkeys(self.listing, 0)
            for key, text in self.texts:
                files[key] = len(text.encode("utf-8", "surrogateescape"))
            return dict(sorted(files.items())), self.listing_truncated
        if self.root is None:
            return {}, False
        return _walk_directory(self.root, self.max_files)

    @property
    def files(self) -> dict[str, int]:
        """Every file of the context (``/``-separated, relative), size in bytes (0 = unknown); before .dockerignore."""
        return self._walk[0]

    @property
    def truncated(self) -> bool:
        """True when the listing stopped early (``MAX_FILES``, or a capped corpus listing): files may be missing."""
        return self._walk[1]

    # .dockerignore --------------------------------------------------------------------------------

    @cached_property
    def dockerignore_path(self) -> str:
        """The ignore file Docker reads, relative to the context root.

        ``.dockerignore`` unless a ``<Dockerfile>.dockerignore`` sits beside the Dockerfile (then
        that one wins, and extending the root's ``.dockerignore`` would change nothing).
        """
        specific = self._dockerfile_ignore_file
        if specific is not None and self.root is not None:
            return Path(os.path.relpath(specific, self.root)).as_posix()
        return ".dockerignore"

    @cached_property
    def _dockerfile_ignore_file(self) -> Path | None:
        if self.dockerfile is None or self.root is None:
            return None
        candidate = self.dockerfile.with_name(self.dockerfile.name + ".dockerignore")
        return candidate if candidate.is_file() else None

    @cached_property
    def dockerignore_text(self) -> str | None:
        """The text of the ignore file in force (None when there is none)."""
        specific = self._dockerfile_ignore_file
        if specific is not None:
            try:
                return _decode(specific.read_bytes()[: MAX_TEXT + 1])
            except OSError:
                return None
        return self.read_text(".dockerignore")

    @cached_property
    def _ignore(self) -> tuple[IgnoreMatcher | None, str | None]:
        text = self.dockerignore_text
        if text is None:
            return None, None
        try:
            return IgnoreMatcher.from_text(text), None
        except DockerignoreError as error:
            return None, str(error)

    @property
    def ignore_matcher(self) -> IgnoreMatcher | None:
        """The parsed ignore file in force; None when absent or invalid (see ``dockerignore_error``)."""
        return self._ignore[0]

    @property
    def dockerignore_error(self) -> str | None:
        """Why the existing ignore file is invalid (Docker would fail the build), else None.

        With an invalid file nothing is reported as ignored; do not extend such a file.
        """
        return self._ignore[1]

    def is_ignored(self, path: str) -> bool:
        """Does the existing ignore file leave ``path`` (file or directory) out of the context?"""
        matcher = self.ignore_matcher
        key = _context_path(path)
        if matcher is None or not key:
            return False
        return matcher.matches(key)

    @cached_property
    def included(self) -> dict[str, int]:
        """The files the build actually sees: ``files`` minus what the ignore file excludes."""
        matcher = self.ignore_matcher
        if matcher is None:
            return self.files
        excluded = matcher.excluded(self.files)
        return {path: size for path, size in self.files.items() if path not in excluded}

    @cached_property
    def _included_dirs(self) -> frozenset[str]:
        dirs: set[str] = set()
        for path in self.included:
            parts = path.split("/")[:-1]
            for i in range(len(parts), 0, -1):
                prefix = "/".join(parts[:i])
                if prefix in dirs:
                    break
                dirs.add(prefix)
        return frozenset(dirs)

    def exists(self, path: str) -> bool:
        """Is ``path`` a file, or a directory holding some file, that the build sees?

        The root (``.``) exists in any known context. A path outside the root never exists.
        In a ``truncated`` context a False answer may be wrong.
        """
        key = _context_path(path)
        if key is None:
            return False
        if key == "":
            return self.known
        return key in self.included or key in self._included_dirs

    def glob(self, pattern: str) -> list[str]:
        """Included files a COPY/ADD source names: Go ``filepath.Match`` on a path or one of its parents."""
        key = _context_path(pattern)
        if key is None:
            return []
        if key == "":
            return list(self.included)
        found = []
        try:
            for path in self.included:
                parts = path.split("/")
                if any(go_match(key, "/".join(parts[:i])) for i in range(1, len(parts) + 1)):
                    found.append(path)
        except DockerignoreError:
            return []
        return found

    def read_text(self, path: str) -> str | None:
        """A small text file (<= 1 MiB) of the context, None if absent, too large, binary or outside the root.

        It reads files whether or not the ignore file excludes them (manifests describe the
        project); ask ``exists`` whether the build can see one.
        """
        key = _context_path(path)
        if not key:
            return None
        if key in self._reads:
            return self._reads[key]
        text = self._read(key)
        self._reads[key] = text
        return text

    def _read(self, key: str) -> str | None:
        if self.listing is not None:
            return dict(self.texts).get(key)
        if self.root is None:
            return None
        root = os.path.realpath(self.root)
        real = os.path.realpath(os.path.join(root, *key.split("/")))
        if real != root and not real.startswith(root + os.sep):
            return None  # a link out of the context
        try:
            info = os.stat(real)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_TEXT:
                return None
            with open(real, "rb") as handle:
                data = handle.read(MAX_TEXT + 1)
        except OSError:
            return None
        if len(data) > MAX_TEXT or b"\0" in data:
            return None
        return _decode(data)

    # Manifests --------------------------------------------------------------------------------------

    @cached_property
    def manifests(self) -> Manifests:
        """Build manifests at the context root, parsed lazily (before .dockerignore)."""
        return Manifests(self.files, self.read_text)


def _context_path(path: str) -> str | None:
    """A path as a context key: cleaned, relative, '' for the root, None when it leaves the root."""
    cleaned = go_clean(path).lstrip("/")
    if cleaned in ("", "."):
        return ""
    if cleaned == ".." or cleaned.startswith("../"):
        return None
    return cleaned


def _walk_directory(root: Path, limit: int) -> tuple[dict[str, int], bool]:
    """Breadth-first listing of every file under ``root``; links are listed, never followed."""
    files: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([("", os.fspath(root))])
    while queue:
        prefix, directory = queue.popleft()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue  # unreadable directory: Docker would fail on it too unless it is ignored
        for entry in entries:
            path = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    queue.append((path + "/", entry.path))
                    continue
                size = entry.stat(follow_symlinks=False).st_size if entry.is_file(follow_symlinks=False) else 0
            except OSError:
                size = 0
            if len(files) >= limit:
                return dict(sorted(files.items())), True
            files[path] = size
    return dict(sorted(files.items())), False


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


@functools.lru_cache(maxsize=8)
def _corpus_context_files(manifest: str) -> dict[str, int]:
    """``id -> context_files`` from a corpus MANIFEST.tsv (empty when absent)."""
    import csv

    try:
        with open(manifest, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError:
        return {}
    counts = {}
    for row in rows:
        try:
            counts[row["id"]] = int(row.get("context_files") or "")
        except (KeyError, ValueError):
            continue
    return counts
