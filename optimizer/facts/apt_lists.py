"""What each command of a RUN does with apt's package lists: reads, fetches, nothing, or unknown."""

from __future__ import annotations

import enum
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator

from ..record import record
from ..shell.apt_tools import (APT_INSTALLS, APT_NO_LISTS, APT_QUERIES, FETCHERS, NO_LISTS,
                               QUERY_READERS, READERS, SHELLS, SOURCING)

if TYPE_CHECKING:
    from ..shell import Command, Script

_APT = ("apt-get", "apt")


class Access(enum.Enum):
    NONE = "none"  # known to leave the lists alone
    READS = "reads"  # reads whatever lists are there
    FETCHES = "fetches"  # downloads fresh lists (apt-get update)
    UNKNOWN = "unknown"  # not modelled: it might read them


@record
class ListUse:
    """One thing a script does with the lists, attributed to the command of the script that does it.

    ``command`` is the script's own command (``sh -c '...'`` for what its string runs); ``what``
    names it for a risk text; ``top_level`` is False when it runs conditionally (nested, or inside
    a nested ``sh -c``).
    """

    command: Command
    access: Access
    what: str
    top_level: bool
    query: bool = False  # a READS that only looks (apt-cache, apt list ...), installs nothing


@record
class _Found:
    """A use before it is attributed to the script's command (see ``ListUse``)."""

    access: Access
    what: str
    top_level: bool = True
    query: bool = False


def list_uses(script: Script) -> Iterator[ListUse]:
    """What every command of ``script`` (an ``optimizer.shell.Script``) does with the lists, in order."""
    for command in script.commands:
        for use in _uses(command):
            yield ListUse(command, use.access, use.what, command.top_level and use.top_level, use.query)


def access_of(command: Command) -> Access:
    """The strongest access of one command (READS or UNKNOWN over FETCHES over NONE)."""
    found = {use.access for use in _uses(command)}
    for access in (Access.UNKNOWN, Access.READS, Access.FETCHES):
        if access in found:
            return access
    return Access.NONE


def named(found: list[tuple[str, int]]) -> list[str]:
    """``(what, line)`` pairs as risk-text items, one per thing: "`make` (lines 35, 36)"."""
    lines: dict[str, list[int]] = {}
    for what, line in found:
        lines.setdefault(what, [])
        if line not in lines[what]:
            lines[what].append(line)
    return [f"{what} (line{'s' * (len(at) > 1)} {', '.join(map(str, at))})" for what, at in lines.items()]


def _use(access: Access, what: str, query: bool = False) -> _Found:
    return _Found(access, what, True, query)


def _uses(command: Command) -> list[_Found]:
    """What one simple command does with the lists; several uses for an ``sh -c`` string."""
    program = command.program
    if program is None:
        return [_use(Access.UNKNOWN, f"`{_first_word(command)}` (a command name we cannot know)")]
    sub = command.subcommand
    if program in _APT:
        if sub in APT_INSTALLS or sub in APT_QUERIES:
            return [_use(Access.READS, f"`{program} {sub}`", sub in APT_QUERIES)]
        if sub == "update":
            return [_use(Access.FETCHES, f"`{program} update`")]
        if sub in APT_NO_LISTS or sub is None:
            return [_use(Access.NONE, program)]
        return [_use(Access.UNKNOWN, f"`{program} {sub}`")]
    fetches = FETCHERS.get(program, frozenset())
    if fetches is None or sub in fetches:
        return [_use(Access.FETCHES, f"`{program}`" if fetches is None else f"`{program} {sub}`")]
    if program in QUERY_READERS:
        return [_use(Access.READS, f"`{program}{' ' + sub if sub else ''}`", query=True)]
    if program in READERS:
        subs = READERS[program]
        if subs is None or sub in subs:
            return [_use(Access.READS, f"`{program}{' ' + sub if subs and sub else ''}`")]
        return [_use(Access.NONE, program)]
    if program in SHELLS:
        return _shell(command, program)
    if program in SOURCING:
        return [_use(Access.UNKNOWN, f"`{program}` of a script we do not read")]
    if "/" in (command.name or "") or program.endswith(".sh"):
        return [_use(Access.UNKNOWN, f"the script `{command.name}`")]
    if program in NO_LISTS:
        return [_use(Access.NONE, program)]
    return [_use(Access.UNKNOWN, f"`{program}`")]


def _first_word(command: Command) -> str:
    return command.argv[0].text_raw if command.argv else "?"


def _shell(command: Command, program: str) -> list[_Found]:
    """``sh -c 'STRING'``: what STRING does; a script file or stdin is unknown."""
    words = command.words
    i = 0
    while i < len(words):
        value = words[i].value or ""
        if value in ("-o", "+o"):
            i += 2
            continue
        if value.startswith("-") and value != "-" and value != "--":
            if "c" in value[1:] and not value.startswith("--"):
                string = words[i + 1] if i + 1 < len(words) else None
                if string is None or not string.is_static or string.value is None:
                    return [_use(Access.UNKNOWN, f"`{program} -c` with a string we cannot read")]
                return _string(string.value, program)
            i += 1
            continue
        break
    if i < len(words) and words[i].value != "-":
        return [_use(Access.UNKNOWN, f"the script `{words[i].text_raw}`")]
    return [_use(Access.UNKNOWN, f"a script fed to `{program}` on its input")]


def _string(text: str, shell: str) -> list[_Found]:
    script = _parse(text)
    if script.has_errors:
        return [_use(Access.UNKNOWN, f"`{shell} -c` with a string we cannot parse")]
    return [_Found(use.access, f"{use.what} (in `{shell} -c`)", inner.top_level and use.top_level, use.query)
            for inner in script.commands for use in _uses(inner)]


@lru_cache(maxsize=256)
def _parse(text: str) -> Script:
    from ..shell import parse_script

    return parse_script(text)
