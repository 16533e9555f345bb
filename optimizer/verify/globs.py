"""Glob patterns over absolute image paths: ``*`` and ``?`` within a name, ``**`` any depth, ``!`` excludes.

``/var/lib/apt/lists/**`` matches the folder and everything below it; ``/root/.cache/pip/**`` likewise.
As in ``.dockerignore``, a later pattern wins: ``("/**", "!/app/app.jar")`` matches all but the jar.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Matcher = Callable[[str], bool]


def matcher(patterns: Iterable[str]) -> Matcher:
    """A predicate that is True for the paths ``patterns`` match (the last matching pattern decides)."""
    compiled = [(p.startswith("!"), _regex(p.lstrip("!"))) for p in patterns]

    def matches(path: str) -> bool:
        result = False
        for negated, regex in compiled:
            if regex.fullmatch(path):
                result = not negated
        return result

    return matches


def _regex(pattern: str) -> re.Pattern[str]:
    if not pattern.startswith("/"):
        raise ValueError(f"image path pattern {pattern!r} is not absolute")
    out = []
    for segment in pattern.strip("/").split("/"):
        if segment == "**":
            out.append("(?:/[^/]+)*")
        elif segment:
            out.append("/" + "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in segment))
    return re.compile("".join(out) or "/")
