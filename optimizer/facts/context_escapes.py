"""COPY/ADD sources that climb out of the build context (``../x``): reported, never read."""

from __future__ import annotations

import posixpath

from .copies import copy_sources
from ..model import Dockerfile


def escape_warnings(doc: Dockerfile) -> list[str]:
    """One warning per context source whose path leaves the context root.

    Docker never copies from outside the context (BuildKit resolves ``../x`` to ``x`` at the
    context root, the legacy builder refuses it), and the context layer never reads outside the
    root either, so passes see such a source as absent; the user should know why.
    """
    return [f"line {s.inst.start_line}: {s.inst.effective.keyword} source {s.source} points outside the build "
            "context; Docker cannot copy from there and dockeropt does not look there"
            for s in copy_sources(doc) if s.from_context and _climbs_out(s.source)]


def _climbs_out(source: str) -> bool:
    if source.startswith("/"):
        return False  # the context root, as Docker reads it
    cleaned = posixpath.normpath(source)
    return cleaned == ".." or cleaned.startswith("../")
