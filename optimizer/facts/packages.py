"""Packages that RUN steps install with apt-get, apt, apk, dnf, yum or microdnf, as written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..model import Dockerfile, Instruction
from .runscript import run_script

if TYPE_CHECKING:
    from ..shell import Command

INSTALL_COMMANDS = (("apt-get", "install"), ("apt", "install"), ("apk", "add"), ("dnf", "install"),
                    ("yum", "install"), ("microdnf", "install"))


def installs(command: Command) -> bool:
    """The command installs packages with a package manager."""
    return any(command.is_(*words) for words in INSTALL_COMMANDS)


def packages(command: Command) -> set[str]:
    """The packages an install command names ("?" for a word the shell expands)."""
    return {w.value or "?" for w in command.positional()} if installs(command) else set()


def installed_packages(doc: Dockerfile, instructions: Iterable[Instruction]) -> set[str]:
    """Every package the readable RUNs among ``instructions`` install."""
    names: set[str] = set()
    for inst in instructions:
        run = run_script(doc, inst) if inst.keyword == "RUN" else None
        for command in run.script.commands if run else ():
            names |= packages(command)
    return names
