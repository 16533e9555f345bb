"""Where a RUN runs, as the rest of the Dockerfile says: PATH, HOME, the homes the file sets up and
variables in force that point tools at files.

Public API: ``Scope.at(doc, inst, homes)`` with ``home_directories(doc)``.
"""

from __future__ import annotations

import re

from ..model import Dockerfile, Instruction
from ..record import record
from ..shell import tools
from .copies import instructions_before
from .paths import ImagePath, absolute
from .runscript import env_in_force, run_script
from .users import home_in_force


@record
class Scope:
    """What the rest of the file says about where a RUN runs: PATH, HOME, and variables that
    point tools at files."""

    path_dirs: tuple[ImagePath, ...]  # the PATH in force
    homes: tuple[ImagePath, ...]  # home directories the file sets up
    home: ImagePath | None = None  # HOME, when an ENV in force sets it or USER + /etc/passwd tell it
    reading_variables: tuple[tuple[str, ImagePath], ...] = ()  # (NAME, path) of variables in force

    @classmethod
    def at(cls, doc: Dockerfile, inst: Instruction, homes: tuple[ImagePath, ...]) -> Scope:
        """The scope in force for ``inst`` (``homes``: ``home_directories(doc)``)."""
        home = env_in_force(doc, inst, "HOME")
        if home is None:
            home = home_in_force(doc, inst)
        return cls(_path_dirs(doc, inst), homes,
                   absolute(home) if home and home.startswith("/") and "$" not in home else None,
                   _reading_variables(doc, inst))

    def concrete(self, path: ImagePath) -> ImagePath:
        """``~/x`` as an absolute path when HOME is known."""
        if path.root == "~" and self.home is not None:
            return ImagePath("/", self.home.parts + path.parts)
        return path


def home_directories(doc: Dockerfile) -> tuple[ImagePath, ...]:
    """Home directories the file sets: ``ENV HOME=...`` and ``useradd -d``/``adduser --home``."""
    found: list[ImagePath] = []
    for inst in doc.instructions:
        target = inst.effective
        if target.keyword == "ENV":
            found += [absolute(v.strip("\"'")) for k, v in zip(target.value[::2], target.value[1::2])
                      if k == "HOME" and v.strip("\"'").startswith("/")]
        run = run_script(doc, inst) if target.keyword == "RUN" else None
        for command in run.script.commands if run else ():
            if tools.TOOLS.get(command.program or "") is not tools.USER:
                continue
            options, _ = tools.USER.parse_words(command.words)
            found += [absolute(o.value) for o in options
                      if o.canonical in ("-d", "-h") and o.value and o.value.startswith("/")]
    return tuple(found)


def _reading_variables(doc: Dockerfile, inst: Instruction) -> tuple[tuple[str, ImagePath], ...]:
    """Paths named by ENV/ARG variables in force that make tools read files (``PYTHONPATH`` ...)."""
    found: list[tuple[str, ImagePath]] = []
    for other in instructions_before(doc, inst):
        if other.keyword == "ENV":
            pairs = list(zip(other.value[::2], other.value[1::2]))
        elif other.keyword == "ARG":
            pairs = [(name, value) for name, _, value in (v.partition("=") for v in other.value)]
        else:
            continue
        for name, value in pairs:
            if tools.READING_VARIABLES.fullmatch(name):
                found += [(name, absolute(token)) for token in re.split(r"[\s:=,;\"']+", value)
                          if token.startswith("/")]
    return tuple(found)


def _path_dirs(doc: Dockerfile, inst: Instruction) -> tuple[ImagePath, ...]:
    value = env_in_force(doc, inst, "PATH")
    entries = list(tools.DEFAULT_PATH)
    if value is not None:
        entries = []
        for part in value.split(":"):
            if part in ("$PATH", "${PATH}"):
                entries.extend(tools.DEFAULT_PATH)
            elif part.startswith("/") and "$" not in part:
                entries.append(part)
    return tuple(absolute(e) for e in entries)


