"""Paths in the image as the facts layer compares them: ``ImagePath`` and its algebra.

A path is absolute (root ``/``), relative to a working directory the Dockerfile does not fix (root
``.``: the base image's WORKDIR) or under an unknown HOME (root ``~``). ``overlap`` and ``within``
compare two paths and say "cannot tell" (None) instead of guessing. The tool table's paths
(``optimizer.shell.tools``) are given here as ImagePaths: ``CONFIG_READS``, ``LANGUAGE_INSTALLS``,
``system_owned``.

Public API: ``ImagePath``, ``absolute``, ``resolve``, ``overlap``, ``within``, ``under``,
``related`` and ``through_links`` (the same across symlinks made earlier), ``new_common_parent``,
``system_owned``, ``looks_like_path``, ``literal_directory``, ``CONFIG_READS``, ``LANGUAGE_INSTALLS``.
"""

from __future__ import annotations

import posixpath
import re
from typing import Callable, Iterable

from ..record import record
from ..shell import tools
from .copies import normalise


@record
class ImagePath:
    """A path in the image: root "/" (absolute), "." (relative to the base image's WORKDIR, which
    this file does not fix) or "~" (the home directory, unknown), and its parts."""

    root: str
    parts: tuple[str, ...]

    def __str__(self) -> str:
        body = "/".join(self.parts)
        if self.root == "/":
            return "/" + body
        return f"{self.root}/{body}" if body else self.root


#: A symlink made in the image: (link, target), None where that end is unknown.
Symlink = tuple[ImagePath | None, ImagePath | None]


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in normalise("/" + text).split("/") if p)


def absolute(text: str) -> ImagePath:
    """An absolute path (``..`` and ``//`` normalised away)."""
    return ImagePath("/", _split(text))


def resolve(text: str, cwd: ImagePath | None) -> ImagePath | None:
    """``text`` (a shell or Dockerfile path) as an ImagePath; None when it depends on something unknown."""
    text = _glob_prefix(text)
    if text.startswith("/"):
        return absolute(text)
    if text == "~" or text.startswith("~/"):
        return ImagePath("~", _split(text[1:]))
    if text.startswith("~") or cwd is None:
        return None
    joined = posixpath.normpath(posixpath.join("/".join(cwd.parts) or ".", text))
    if joined.startswith(".."):
        return None
    return ImagePath(cwd.root, tuple(p for p in joined.split("/") if p and p != "."))


def _glob_prefix(text: str) -> str:
    """The directory a glob can only match under (``/var/lib/apt/lists/*`` -> its directory)."""
    cut = min((i for i, ch in enumerate(text) if ch in "*?[{"), default=None)
    if cut is None:
        return text
    return text[:cut].rpartition("/")[0] + "/" if "/" in text[:cut] else "."


def overlap(a: ImagePath, b: ImagePath, homes: tuple[ImagePath, ...] = ()) -> bool | None:
    """One path lies in (or is) the other: True/False, None when we cannot tell.

    ``~`` (HOME unknown) may be /root, a directory under /home, or a home this Dockerfile gives a
    user (``useradd -d``, ``ENV HOME``): ``homes``. Other directories are not guessed as HOME.
    """
    if a.root == b.root:
        n = min(len(a.parts), len(b.parts))
        return a.parts[:n] == b.parts[:n]
    if {a.root, b.root} == {"~", "/"}:
        fixed = a if a.root == "/" else b
        candidates = (absolute("/root"), absolute("/home"), *homes)
        return None if any(overlap(fixed, home) for home in candidates) else False
    return None


def within(inner: ImagePath, outer: ImagePath) -> bool | None:
    """``inner`` is ``outer`` or lies under it (None when we cannot tell)."""
    if inner.root != outer.root:
        return overlap(inner, outer)
    return inner.parts[:len(outer.parts)] == outer.parts


def through_links(path: ImagePath, links: Iterable[Symlink]) -> list[ImagePath]:
    """``path`` and where it leads through symlinks ``(link, target)`` made earlier."""
    found = [path]
    for link, target in links:
        if link is None or target is None:
            continue
        for known in list(found):
            if within(known, link) is True:
                moved = ImagePath(target.root, target.parts + known.parts[len(link.parts):])
                if moved not in found:
                    found.append(moved)
    return found


def related(a: ImagePath, b: ImagePath, homes: tuple[ImagePath, ...] = (), links: Iterable[Symlink] = (),
            test: Callable[[ImagePath, ImagePath], bool | None] | None = None) -> bool | None:
    """``test`` (``overlap``, the default, or ``within``) of ``a`` and ``b``, also through symlinks
    made earlier: True when some way they are related, None when we cannot tell, else False."""
    def check(x: ImagePath, y: ImagePath) -> bool | None:
        return overlap(x, y, homes) if test is None else test(x, y)

    result: bool | None = False
    for x in through_links(a, links):
        for y in through_links(b, links):
            relation = check(x, y)
            if relation:
                return True
            if relation is None:
                result = None
    for link, target in links:
        known = link if target is None else target if link is None else None
        if known is not None and any(overlap(side, known, homes) is not False for side in (a, b)):
            result = None  # a symlink with an end we cannot resolve leads to or from here
    return result


def under(path: ImagePath, prefixes: tuple[str, ...]) -> bool:
    return any(path.root == "/" and path.parts[:len(p)] == p for p in map(_split, prefixes))


def new_common_parent(a: ImagePath, b: ImagePath) -> ImagePath | None:
    """The deepest directory two absolute paths share when base images may lack it (whichever
    step creates it first decides its owner); None when they share none or every image has it."""
    if not a.root == b.root == "/":
        return None
    common: list[str] = []
    for x, y in zip(a.parts, b.parts):
        if x != y:
            break
        common.append(x)
    return None if tuple(common) in _EXISTING else ImagePath("/", tuple(common))


def system_owned(path: ImagePath) -> bool:
    """``path`` lies where system packages install files (not /usr/local, /usr/src, /var/tmp)."""
    return under(path, tools.SYSTEM_WRITES) and (
        not under(path, tools.SYSTEM_SPARED) or under(path, tools.SYSTEM_SPARED_NOT))


def literal_directory(raw: str) -> str | None:
    """``/usr/share/zoneinfo/$TZ`` stays under /usr/share/zoneinfo/ whatever TZ holds (a variable
    holding ``..`` is not considered); None when the word does not start with a literal directory."""
    match = re.match(r'"?(/[^$`"\'\\*?\[{]*/)', raw)
    return match.group(1) if match and ".." not in match.group(1) else None


def looks_like_path(value: str) -> bool:
    """A package-manager operand that names a file, not a package (``./x.deb``, ``dir/x``, ``x.whl``)."""
    if value.startswith(("/", "./", "../", "~")) or value in (".", ".."):
        return True
    if "://" in value or value.startswith(("@", "git+", "hkp:", "hkps:")) or "@" in value:
        return False
    head = value.split("/")[0]
    if "/" in value and ":" not in head:
        return True
    return value.lower().endswith(tools.FILE_EXTENSIONS)


def rooted(text: str) -> ImagePath:
    """An absolute or ``~/`` path of a table (``optimizer.shell.tools``) as an ImagePath."""
    found = resolve(text, None)
    if found is None:
        raise ValueError(f"not an absolute or home path: {text}")
    return found


def _table(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[ImagePath, ...]]:
    return {kind: tuple(rooted(text) for text in texts) for kind, texts in table.items()}


#: Configuration and state each kind of tool reads: a copy landing there feeds the step.
CONFIG_READS = _table(tools.CONFIG_READS)
#: Where each language package manager installs.
LANGUAGE_INSTALLS = _table(tools.LANGUAGE_INSTALLS)
#: Directories that exist in every base image (a copy and a RUN may both create under them).
_EXISTING = frozenset(_split(p) for p in tools.EXISTING_DIRS)
