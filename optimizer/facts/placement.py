"""What goes above a source copy before the build that uses it, and which WORKDIRs move up with it (DO202, DO205)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from ..builders import New, new
from ..model import Instruction
from .copies import destination


def workdirs_to_move(segment: list[Instruction], first_source: Instruction) -> list[Instruction] | None:
    """The WORKDIRs between the source copy and the build, which move up with the new lines so the
    new RUN runs where the build does (``COPY . /app`` + ``WORKDIR /app`` + ``RUN mvn package``).
    None when moving them could change what the instructions they cross do: a RUN (its working
    directory), a relative COPY destination, a ``--chown``/``--chmod`` copy (WORKDIR would create
    its directory first, owned by root), or a WORKDIR with a variable."""
    after = segment[segment.index(first_source):]
    workdirs = [inst for inst in after if inst.keyword == "WORKDIR"]
    if not workdirs:
        return []
    if any("$" in word for inst in workdirs for word in inst.value):
        return None
    for inst in after[:after.index(workdirs[-1])]:
        if inst.keyword == "RUN":
            return None
        if inst.keyword == "WORKDIR":
            continue
        dest = destination(inst)
        if dest is None or not dest.startswith("/") or "$" in dest:
            return None
        if any(flag.name in ("chown", "chmod") for flag in inst.effective.flags):
            return None
    return workdirs


def copy_instructions(flags: str, copies: list[tuple[list[str], str]]) -> list[New]:
    """One ``COPY [flags] <sources> <target>`` per ``copy_groups`` pair."""
    return [new("COPY", flags, *files, target) for files, target in copies]


def resolution_lines(run_inst: Instruction, flags: str, copies: list[tuple[list[str], str]],
                     command: str) -> list[New]:
    """The copies, then a RUN of ``command`` with the build RUN's flags (a secret mount ...)."""
    run_flags = " ".join(f.text for f in run_inst.effective.flags)
    return [*copy_instructions(flags, copies), new("RUN", run_flags, command)]


def copy_groups(paths: list[str], base: str, is_dir: Callable[[str], bool]) -> list[tuple[list[str], str]]:
    """(sources, target) pairs that copy context ``paths`` below ``base`` (a destination ending in
    ``/``) keeping their relative paths: the files of one directory in one COPY (a COPY of several
    files puts them all in its one target directory), the root's first, then each directory in a
    COPY of its own."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        if not is_dir(path):
            groups.setdefault(posixpath.dirname(path), []).append(path)
    ordered = sorted(groups.items(), key=lambda item: item[0] != "")  # the root's files first
    copies = [(files, base + (directory + "/" if directory else "")) for directory, files in ordered]
    return copies + [([path], base + path + "/") for path in paths if is_dir(path)]
