"""RUN instructions seen as shell scripts whose spans map back into the Dockerfile."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache

from .edits import Edit
from .model import Dockerfile, Instruction, LogicalText, Stage

#: Shells whose syntax tree-sitter-bash reads correctly.
POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_WINDOWS_HINTS = ("windows", "servercore", "nanoserver", "mcr.microsoft.com/powershell")


@dataclass(frozen=True)
class RunScript:
    """The shell script a RUN executes, parsed, with the text it came from."""

    inst: Instruction  # the RUN (or the ONBUILD holding it)
    source: LogicalText  # the script, mapped to document offsets
    script: object  # optimizer.shell.Script

    @property
    def onbuild(self) -> bool:
        return self.inst.trigger is not None

    def doc_span(self, span: tuple[int, int]) -> tuple[int, int]:
        return self.source.doc_span(*span)

    def text_of(self, span: tuple[int, int]) -> str:
        return self.source.text[span[0]:span[1]]

    def insert_before(self, span: tuple[int, int], text: str) -> Edit:
        return Edit.insert(self.source.doc_offset(span[0]), text)

    def indent_before(self, span: tuple[int, int]) -> str:
        """The whitespace between the start of the script line and ``span``."""
        line_start = self.source.text.rfind("\n", 0, span[0]) + 1
        prefix = self.source.text[line_start:span[0]]
        return prefix if not prefix.strip() else ""


def shell_of(stage: Stage | None, inst: Instruction, doc: Dockerfile) -> tuple[str, ...]:
    """The SHELL in force for ``inst``: the last SHELL before it in its stage, else /bin/sh -c."""
    shell: tuple[str, ...] = ("/bin/sh", "-c")
    if stage is None:
        return shell
    for other in stage.instructions:
        if other is inst:
            break
        if other.keyword == "SHELL" and other.exec_form and other.value:
            shell = other.value
    return shell


def _is_posix(shell: tuple[str, ...], stage: Stage | None) -> bool:
    if stage is not None and any(h in stage.base.lower() for h in _WINDOWS_HINTS):
        return False
    return posixpath.basename(shell[0]).lower().removesuffix(".exe") in POSIX_SHELLS


def run_script(doc: Dockerfile, inst: Instruction) -> RunScript | None:
    """The parsed script of a shell-form RUN (or ONBUILD RUN), or None when we cannot read it
    safely: exec form, a non-POSIX SHELL or Windows base, a heredoc fed to another program, or a
    script tree-sitter cannot parse without errors."""
    target = inst.effective
    if target.keyword != "RUN" or target.exec_form:
        return None
    stage = doc.stage_of(inst)
    if not _is_posix(shell_of(stage, inst, doc), stage):
        return None
    source = target.arguments
    if target.heredocs:
        heredoc = target.heredocs[0]
        if len(target.heredocs) != 1 or source.text.strip() not in _bare_openers(heredoc.name):
            return None
        source = heredoc.logical
    script = _parse(source.text)
    if script.has_errors:
        return None
    return RunScript(inst, source, script)


def _bare_openers(name: str) -> set[str]:
    return {f"<<{q}{name}{q}" for q in ("", "'", '"')} | {f"<<-{q}{name}{q}" for q in ("", "'", '"')}


@lru_cache(maxsize=1024)
def _parse(text: str):
    from .shell import parse_script

    return parse_script(text)


def run_scripts(doc: Dockerfile, stage: Stage) -> list[tuple[Instruction, RunScript | None]]:
    """Every RUN and ONBUILD RUN of a stage in order, with its script when readable."""
    return [(inst, run_script(doc, inst)) for inst in stage.instructions
            if inst.effective.keyword == "RUN"]
