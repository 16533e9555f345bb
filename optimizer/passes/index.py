"""What the pipeline, the selection, the config file and the flags need of each pass, without importing it."""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Option, Pass


class Entry:
    """One pass as ``_index.py`` lists it (generated from its ``Pass(...)`` fields by tools/gen_docs.py)."""

    __slots__ = ("id", "name", "module", "hadolint", "options", "supersedes", "triggers")

    def __init__(self, id: str, name: str, module: str, *, hadolint: tuple[str, ...] = (),
                 options: tuple[Option, ...] = (), supersedes: tuple[str, ...] = (),
                 triggers: tuple[str, ...] = ()) -> None:
        self.id = id
        self.name = name
        self.module = module  # under optimizer.passes, holding ``PASS``
        self.hadolint = hadolint
        self.options = options
        self.supersedes = supersedes
        self.triggers = triggers

    def load(self) -> Pass:
        """The pass itself (imports its module)."""
        found: Pass = importlib.import_module(f".{self.module}", __package__).PASS
        return found


#: Removed before trigger words are looked up: whitespace (line continuations, heredoc indentation), the
#: escape characters (``\\`` or the ``# escape=`` backtick) and quotes. A word the model reads is spelled by
#: the text without them (shell quote removal, joined continuation lines, ANSI-C ``$'...'`` named escapes,
#: JSON escapes other than ``\\u``), and removing characters never breaks an occurrence of a trigger word,
#: which holds none of them.
_IGNORED = re.compile(r"[\s\\`'\"]+")
#: Lines a continued instruction drops (BuildKit removes comment lines inside a continuation).
_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)


def trigger_text(text: str) -> str | None:
    """The text trigger words are looked up in: every spelling the model might read, lower case, joined.

    Over-approximates on purpose (a pass that runs needlessly costs time; one skipped wrongly loses a
    finding). ``str.upper()`` folds a few non-ASCII letters onto ASCII ones (``ı`` → ``I``, ``ſ`` → ``S``),
    so a non-ASCII text is also looked at through it. A JSON ``\\u`` escape (exec form) can spell any
    letter: such a text gives None, which matches every trigger.
    """
    spellings = [text.lower()]
    if not text.isascii():
        spellings.append(text.upper().lower())
    if any("\\u" in s for s in spellings):
        return None
    variants = [_IGNORED.sub("", s) for s in spellings]
    variants += [_IGNORED.sub("", _COMMENT_LINE.sub("", s)) for s in spellings]
    return "\0".join(variants)


def triggered(entry: Entry | Pass, found: str | None) -> bool:
    """Whether the pass may report anything on the text whose ``trigger_text`` is ``found``.

    With ``found`` None (a ``\\u`` escape) and without triggers, the pass always runs."""
    if found is None or not entry.triggers:
        return True
    return any(word in found for word in entry.triggers)
