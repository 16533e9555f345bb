"""Which commands of a RUN need a package that apt installs only as a recommend (gcc -> libc6-dev ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from ..shell.apt_tools import COMPILERS, GPG, KEYSERVER_OPTIONS, NEEDS, TLS_FETCHERS

if TYPE_CHECKING:
    from ..shell import Command


def need_of(command: Command) -> str | None:
    """The kind of need (a key of ``NEEDS``) ``command`` has, if any."""
    program = command.program
    values = [w.value or w.text_raw for w in command.words]
    if program in COMPILERS:
        return "compile"
    if program in TLS_FETCHERS and any("https://" in v for v in values):
        return "https"
    if program in GPG and any(v.split("=", 1)[0] in KEYSERVER_OPTIONS for v in values):
        return "keyserver"
    return None


def needs_in(commands: Iterable[Command], line_of: Callable[[Command], int]) -> dict[str, str]:
    """package -> why, for the first command of ``commands`` with each need (``line_of(command)``
    gives its line for the text)."""
    found: dict[str, str] = {}
    for command in commands:
        kind = need_of(command)
        if kind is not None:
            package, why = NEEDS[kind]
            found.setdefault(package, f"`{command.program}` (line {line_of(command)}) {why}")
    return found
