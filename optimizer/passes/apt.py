"""Facts about apt commands shared by the apt passes (what reads the lists, what installs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..facts.apt_lists import Access, access_of

if TYPE_CHECKING:
    from ..shell import Command

APT_PROGRAMS = ("apt-get", "apt")
LISTS_DIR = "/var/lib/apt/lists"


def is_update(cmd: Command) -> bool:
    return any(cmd.is_(program, "update") for program in APT_PROGRAMS)


def is_install(cmd: Command) -> bool:
    return any(cmd.is_(program, "install") for program in APT_PROGRAMS)


def reads_lists(cmd: Command) -> bool:
    """The command reads the package lists (installs, upgrades, queries, tools that run apt-get)."""
    return access_of(cmd) is Access.READS


def with_privilege_of(cmd: Command, text: str) -> str:
    """``text`` run with the privilege ``cmd`` was given: ``sudo`` when ``cmd`` ran through it."""
    return f"sudo {text}" if "sudo" in cmd.wrappers else text
