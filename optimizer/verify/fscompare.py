"""The filesystem oracle: the paths whose files differ between the two images, and who declared each.

A difference is a path only one image has, or one whose type, mode, owner, size, content or link
target differs. It is declared when an applied pass's ``image_changes`` cover it (``declared``);
any other difference fails the verification. The paths in ``VOLATILE`` change in every build, whatever
the Dockerfile: they are compared without their size and content (presence, type, mode and owner still
count); those in ``VOLATILE_NAMES`` are named by the time of the build and not compared at all; the JSON
files in ``VOLATILE_FIELDS`` are compared without the fields that hold the time of the build (any other
field, or a file that is not such JSON, still counts). All are counted as ``volatile``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..record import record
from .globs import Matcher, matcher

if TYPE_CHECKING:
    from .filesystem import Snapshot

#: (pattern, why its content differs between any two builds)
VOLATILE = (
    ("/var/log/**", "logs record when the build ran (dpkg.log, apt/history.log, apt/term.log)"),
    ("/var/cache/ldconfig/aux-cache", "ldconfig's record of the libraries' inode numbers and change times"),
    ("/**/.m2/repository/**/_remote.repositories", "Maven's resolver writes the time it resolved an artifact"),
    ("/**/.m2/repository/**/resolver-status.properties", "Maven's resolver writes when it last checked"),
    ("/**/.npm/_cacache/index-v5/**", "npm's cache index records when each entry was written"),
)
#: (pattern, why its names differ between any two builds): any difference there is volatile
VOLATILE_NAMES = (
    ("/**/.npm/_logs/**", "npm names its debug logs by the time it ran"),
)
#: (pattern, the fields that hold a time, why): a JSON object differing only in those numbers is volatile
VOLATILE_FIELDS = (
    ("/**/.config/configstore/*.json", ("lastCheck", "lastUpdateCheck"),
     "npm tools record when they last checked for an update (nodemon's postinstall writes lastCheck, "
     "update-notifier lastUpdateCheck): the time of the install"),
)
KEPT = tuple(pattern for pattern, _, _ in VOLATILE_FIELDS)  # the texts a Snapshot keeps for them
UNDECLARED_SHOWN = 50  # the JSON report lists this many undeclared paths
_volatile = matcher(pattern for pattern, _ in VOLATILE)
_volatile_names = matcher(pattern for pattern, _ in VOLATILE_NAMES)
_volatile_fields = tuple((matcher((pattern,)), fields) for pattern, fields, _ in VOLATILE_FIELDS)


@record
class PathDiff:
    """One path that differs: ``added``, ``removed`` or ``changed`` (with what), and who declared it."""

    path: str
    change: str  # added | removed | changed
    what: tuple[str, ...] = ()  # for changed: type, mode, owner, size, content, target
    declared_by: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"{self.change} {self.path}" + (f" ({', '.join(self.what)})" if self.what else "")


@record
class FilesystemDiff:
    """The comparison of two images' files."""

    diffs: tuple[PathDiff, ...]
    volatile: tuple[str, ...] = ()  # paths whose content differs the way it does between any two builds
    generated: tuple[tuple[str, str], ...] = ()  # (path, how a removed package's maintainer script wrote it)

    @property
    def same(self) -> bool:
        return not self.diffs

    @property
    def undeclared(self) -> tuple[PathDiff, ...]:
        return tuple(d for d in self.diffs if not d.declared_by)

    def count(self, change: str) -> int:
        return sum(d.change == change for d in self.diffs)

    def declared_by(self) -> dict[str, int]:
        """How many differences each pass declares (a path two passes declare counts for both)."""
        counts: dict[str, int] = {}
        for diff in self.diffs:
            for pass_id in diff.declared_by:
                counts[pass_id] = counts.get(pass_id, 0) + 1
        return counts

    def summary(self) -> str:
        """``same``, or ``+added -removed ~changed`` with the undeclared count or who declared them."""
        volatile = f" ({len(self.volatile)} volatile compared without content)" if self.volatile else ""
        if self.same:
            return "same" + volatile
        undeclared = len(self.undeclared)
        counts = f"+{self.count('added')} -{self.count('removed')} ~{self.count('changed')}"
        if undeclared:
            return f"{counts}: {undeclared} undeclared" + volatile
        return f"{counts}, declared by " + ", ".join(f"{p} ({n})" for p, n in self.declared_by().items()) + volatile

    def to_dict(self) -> dict[str, object]:
        return {"same": self.same, "added": self.count("added"), "removed": self.count("removed"),
                "changed": self.count("changed"),
                "undeclared": [d.path for d in self.undeclared[:UNDECLARED_SHOWN]],
                "declared_by": self.declared_by(), "volatile": len(self.volatile),
                "generated": dict(self.generated[:UNDECLARED_SHOWN])}


def compare_files(original: Snapshot, rewritten: Snapshot, declarations: Mapping[str, Matcher]) -> FilesystemDiff:
    """Every path that differs between the images, with the passes (by id) whose declarations cover it."""
    before, after = original.files, rewritten.files
    diffs, volatile = [], []
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if _volatile_names(path):
            volatile.append(path)
            continue
        what: tuple[str, ...]
        if old is None or new is None:
            change, what = ("added", ()) if old is None else ("removed", ())
        else:
            what = old.differences(new)
            if what and set(what) <= {"size", "content"} and (
                    _volatile(path) or _times_differ(path, original.texts.get(path), rewritten.texts.get(path))):
                volatile.append(path)
                continue
            if not what:
                continue
            change = "changed"
        declared_by = tuple(pass_id for pass_id, covers in declarations.items() if covers(path))
        diffs.append(PathDiff(path, change, what, declared_by))
    return FilesystemDiff(tuple(diffs), tuple(volatile))


def _times_differ(path: str, before: str | None, after: str | None) -> bool:
    """Whether two JSON objects of a ``VOLATILE_FIELDS`` path differ only in numbers of its time fields."""
    fields = next((fields for covers, fields in _volatile_fields if covers(path)), None)
    if fields is None or before is None or after is None:
        return False
    try:
        old, new = json.loads(before), json.loads(after)
    except ValueError:
        return False
    if not isinstance(old, dict) or not isinstance(new, dict):
        return False
    times = [value for data in (old, new) for key, value in data.items() if key in fields]
    rest = [{key: value for key, value in data.items() if key not in fields} for data in (old, new)]
    return rest[0] == rest[1] and all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in times)
