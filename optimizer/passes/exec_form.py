"""DO111 exec-form: a shell-form CMD/ENTRYPOINT that is one plain command becomes exec form (documented in PASS)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterator

from ..facts.commands import shell_form_words
from ..facts.runscript import runs_posix_shell
from ..builders import New, render, replace
from ..model import Dockerfile, Instruction, Stage
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO111", "exec-form"

#: Shell builtins and keywords: exec form cannot run them (there is no such program).
_BUILTINS = frozenset({".", ":", "source", "cd", "export", "set", "unset", "ulimit", "umask", "trap", "eval",
                       "exit", "wait", "alias", "read", "shift", "readonly", "local", "return", "command",
                       "type", "hash", "getopts", "jobs", "fg", "bg", "times", "let", "declare", "typeset"})


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    final = doc.stages[-1] if doc.stages else None
    for stage in doc.stages:
        for inst in stage.instructions:
            if inst.keyword not in ("CMD", "ENTRYPOINT") or inst.exec_form or inst.heredocs:
                continue
            words = _words(inst)
            if words is None or not runs_posix_shell(doc, inst):
                continue
            yield _finding(doc, stage, inst, words, stage is final)


def _words(inst: Instruction) -> list[str] | None:
    """The literal words of a one-command shell form (``exec`` dropped), or None."""
    words = shell_form_words(inst.arguments.text)
    if words is None or not all(words):
        return None
    literal = [w for w in words if w]  # every word
    return None if literal[0] in _BUILTINS else literal


def _finding(doc: Dockerfile, stage: Stage, inst: Instruction, words: list[str], final: bool) -> Finding:
    exec_form = New(inst.keyword, json.dumps(words, ensure_ascii=False))
    new = render(doc, [exec_form], near=inst, newline="")
    message = (f"shell-form {inst.keyword} runs under `/bin/sh -c`, which may keep signals from the program; "
               f"use the exec form `{new}`")
    blocker = _blocker(doc, stage, inst)
    if blocker:
        return PASS.finding(inst.start_line, message, risk=blocker)
    if inst.keyword == "CMD":
        risk = ("the program becomes PID 1 and gets the signals itself; an ENTRYPOINT from the base image "
                "now receives these words instead of `/bin/sh -c \"...\"`")
    else:
        risk = "the program becomes PID 1 and gets the signals itself; `docker run` arguments now reach it"
    edit = replace(doc, inst, [exec_form])
    declares = frozenset({"runtime"}) if final else frozenset()
    return PASS.finding(inst.start_line, message, Fix((edit,), Safety.UNSAFE, declares), risk=risk)


def _blocker(doc: Dockerfile, stage: Stage, inst: Instruction) -> str:
    """Why the arguments the program gets would surely change ("" when they need not)."""
    if inst.keyword == "ENTRYPOINT":
        later = [s for s in [stage, *doc.descendants(stage)] for i in s.instructions if i.keyword == "CMD"]
        if later:
            return "a CMD is set for this ENTRYPOINT: in exec form it would become the program's arguments"
        return ""
    chain = [stage, *doc.ancestors(stage)]
    if any(i.keyword == "ENTRYPOINT" for s in chain for i in s.instructions):
        return ("an ENTRYPOINT is set: it would receive these words instead of `/bin/sh -c \"...\"`; "
                "check what it does with its arguments")
    return ""


PASS = Pass(
    # Trigger: it reports only CMD and ENTRYPOINT instructions.
    triggers=("cmd", "entrypoint"),
    id=ID,
    name=NAME,
    title="Write CMD and ENTRYPOINT in exec form so signals reach the program",
    what="""
        A shell-form CMD or ENTRYPOINT (any stage) whose text is one simple command of literal words
        (`exec` in front dropped) becomes the JSON array of those words, keyword and line ending kept:
        `CMD node server.js` -> `CMD ["node", "server.js"]`.

        Nothing is offered when a word holds a variable, a glob, a tilde, quotes whose meaning is not plain,
        a redirect, an assignment, several commands (`&&`, `;`, `|`) or a shell builtin (`cd`, `export`,
        `.` ...), when SHELL is set in the stage or a stage it is built from, or on Windows bases. Only
        reported (no fix) when the change of arguments is certain: an ENTRYPOINT whose stage (or a stage
        built from it) sets a CMD, which would become the program's arguments, and a CMD under an
        ENTRYPOINT set in this file, which would receive the words.
    """,
    why="""
        `CMD node server.js` runs `/bin/sh -c "node server.js"`. Where the shell does not replace itself
        with the program (bash and dash do for a lone command, other shells and older versions may not), the
        shell is PID 1: `docker stop` sends SIGTERM to the shell, which does not pass it on, and the
        container is killed after the grace period. A shell-form ENTRYPOINT also ignores `docker run`
        arguments and CMD. `CMD ["node", "server.js"]` runs the program directly.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because the program is no longer started by `/bin/sh`: it becomes PID 1 and now gets the
        signals (an application that ignores SIGTERM or leaves zombies behind behaves differently), and the
        shell's own start-up is gone. For a CMD, an ENTRYPOINT inherited from the base image now receives
        the words instead of `/bin/sh -c "<text>"`. For an ENTRYPOINT, `docker run` arguments are now passed
        to the program.
    """,
    examples=(Example(before='FROM node:22-slim\nCOPY . /app\nCMD node /app/server.js\n',
                      after='FROM node:22-slim\nCOPY . /app\nCMD ["node", "/app/server.js"]\n',
                      config={"unsafe": True}),),
    check=check,
    hadolint=("DL3025",),
)
