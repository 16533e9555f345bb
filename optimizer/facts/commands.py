"""The command a stage runs (its ENTRYPOINT and CMD) and the words of a shell-form command line."""

from __future__ import annotations

from typing import Callable

from ..model import Instruction, Stage
from ..shell import parse_script


def shell_form_words(text: str) -> list[str | None] | None:
    """The program and arguments of ``text`` run by ``/bin/sh -c`` (a leading ``exec`` dropped), None for
    a word the shell would expand (a variable, glob, tilde); None overall when ``text`` is not one plain
    command (several commands, redirects, assignments, other wrappers, a syntax error, undecodable bytes)."""
    if not text.strip() or any("\udc80" <= ch <= "\udcff" for ch in text):
        return None
    script = parse_script(text)
    if script.has_errors or len(script.commands) != 1 or len(script.chain) != 1:
        return None
    command = script.commands[0]
    if command.env or command.redirects or command.name is None or any(w != "exec" for w in command.wrappers):
        return None
    if len(command.argv) != len(command.wrappers) + 1 + len(command.words):
        return None  # options of the wrapper (``exec -a name``)
    if not command.argv[len(command.wrappers)].is_static:
        return None
    return [command.name, *(w.value if w.is_static else None for w in command.words)]


Words = list[str | None]
#: The ENTRYPOINT/CMD instructions a stage runs and their words.
StageCommand = tuple[tuple[Instruction, ...], Words]


def stage_command(stage: Stage, words_of: Callable[[Instruction], Words | None]) -> StageCommand | None:
    """The ENTRYPOINT/CMD instructions in force at the end of ``stage`` and their words, read by
    ``words_of`` (None: a word a shell expands); None when there is none, an ENTRYPOINT and a CMD are not
    both in exec form (a shell-form ENTRYPOINT ignores CMD), or ``words_of`` cannot read one."""
    entry = cmd = None
    for inst in stage.instructions:
        if inst.keyword == "ENTRYPOINT":
            entry, cmd = inst, None  # a later ENTRYPOINT resets the CMD
        elif inst.keyword == "CMD":
            cmd = inst
    used = tuple(i for i in (entry, cmd) if i is not None)
    if not used or (entry is not None and cmd is not None and not (entry.exec_form and cmd.exec_form)):
        return None
    words: Words = []
    for inst in used:
        found = words_of(inst)
        if found is None:
            return None
        words += found
    return used, words
