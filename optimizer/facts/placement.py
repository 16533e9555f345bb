"""Where lines inserted above a source copy go and how they are written (DO202, DO205)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from ..edits import Edit
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


def insert_above(first_source: Instruction, moved: list[Instruction], text: str) -> tuple[Edit, ...]:
    """Insert ``text`` above the source copy, preceded by the WORKDIRs that move up (with their comments)."""
    moved_text = "".join(inst.text for inst in moved)
    return (Edit.insert(first_source.full_span[0], moved_text + text),
            *(Edit.delete(*inst.full_span) for inst in moved))


def copy_lines(first_source: Instruction, flags: str, copies: list[tuple[list[str], str]]) -> str:
    """``COPY`` lines in the source copy's indentation, keyword case and line ending."""
    keyword_case, indent, newline = _style(first_source)
    return "".join(indent + " ".join([keyword_case("COPY"), *([flags] if flags else []), *files, target]) + newline
                   for files, target in copies)


def new_lines(first_source: Instruction, run_inst: Instruction, flags: str,
              copies: list[tuple[list[str], str]], command: str) -> str:
    """The inserted COPY lines and resolution RUN, in the source copy's indentation, keyword case and
    line ending (the RUN keeps the build RUN's flags, e.g. a secret mount)."""
    keyword_case, indent, newline = _style(first_source)
    text = copy_lines(first_source, flags, copies)
    run_flags = " ".join(f.text for f in run_inst.effective.flags)
    text += indent + " ".join(p for p in (keyword_case("RUN"), run_flags, command) if p) + newline
    if first_source.comments:
        text += newline  # the copy's comment stays with the copy it describes
    return text


def _style(first_source: Instruction) -> tuple[Callable[[str], str], str, str]:
    keyword_case = str.lower if first_source.keyword_text.islower() else (lambda word: word)
    first_line = first_source.comments[0] if first_source.comments else first_source.lines[0]
    indent = first_line.text[:len(first_line.text) - len(first_line.text.lstrip(" \t"))]
    return keyword_case, indent, first_line.ending or "\n"


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
