"""Facts about apt commands shared by the apt passes (what reads the lists, what installs)."""

from __future__ import annotations

APT_PROGRAMS = ("apt-get", "apt")
#: apt subcommands that read the package lists.
READS_LISTS = ("install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "reinstall")
LISTS_DIR = "/var/lib/apt/lists"


def is_update(cmd) -> bool:
    return any(cmd.is_(program, "update") for program in APT_PROGRAMS)


def is_install(cmd) -> bool:
    return any(cmd.is_(program, "install") for program in APT_PROGRAMS)


def reads_lists(cmd) -> bool:
    """The command needs package lists (install, upgrade ...); ``apt-cache`` counts too."""
    return cmd.program == "apt-cache" or any(
        cmd.is_(program, sub) for program in APT_PROGRAMS for sub in READS_LISTS)
