"""DO113 merge-runs: consecutive short RUN instructions of a stage become one RUN (documented in PASS)."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Iterator

from ..edits import Edit
from ..facts.runscript import RunScript, env_in_force, mounts, run_script, shell_of
from ..model import Dockerfile, Instruction, Stage
from ..model.nodes import Directive, Line, Trivia
from ..model.style import Continuation
from ..record import record, replace
from ..suppress import has_ignore_comment
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO113", "merge-runs"

#: hadolint DL3059 leaves a RUN of more commands alone: it was kept apart on purpose.
MAX_COMMANDS = 2
#: Builtins that change the shell itself (directory, variables, options, traps, the process).
_STATEFUL = frozenset({
    "cd", "pushd", "popd", "export", "unset", "readonly", "declare", "typeset", "local", "set", "shopt",
    "alias", "unalias", "trap", "umask", "ulimit", "exit", "exec", "return", "source", ".", "eval", "shift",
    "read", "readarray", "mapfile", "getopts", "hash", "enable", "builtin", "let", "wait", "disown"})
#: Top-level steps a ``&&`` chain may hold without grouping (no compound command, no assignment).
_PLAIN_STEPS = frozenset({"command", "pipeline", "negated_command"})
_SHELL_CHANGERS = frozenset({"dpkg-reconfigure", "update-alternatives", "dpkg-divert"})
_LOGIN = frozenset({"-l", "--login", "-i", "--rcfile", "--init-file"})


@record
class _Part:
    """One RUN of a run of consecutive RUNs, with the doc offsets of its script's first and last step."""

    run: RunScript

    @property
    def inst(self) -> Instruction:
        return self.run.inst

    @property
    def start(self) -> int:
        return self.run.doc_span(self.run.script.chain[0].span)[0]

    @property
    def end(self) -> int:
        return self.run.doc_span(self.run.script.chain[-1].span)[1]

    @property
    def plain_chain(self) -> bool:
        """Top-level commands joined only by ``&&``: its status is what ``&&`` needs, errexit or not."""
        chain = self.run.script.chain
        return all(s.kind in _PLAIN_STEPS for s in chain) and all(s.op_before == "&&" for s in chain[1:])

    @property
    def one_group(self) -> bool:
        chain = self.run.script.chain
        return len(chain) == 1 and chain[0].kind == "subshell"


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        for group in _runs_of_runs(doc, stage):
            yield from _findings(doc, stage, group)


def _runs_of_runs(doc: Dockerfile, stage: Stage) -> Iterator[list[_Part]]:
    """Maximal lists of consecutive candidate RUNs with the same flags (two or more)."""
    group: list[_Part] = []
    for inst in stage.instructions:
        run = _candidate(doc, inst)
        if run is None or (group and _flags(inst) != _flags(group[0].inst)):
            if len(group) > 1:
                yield group
            group = []
        if run is not None:
            group.append(_Part(run))
    if len(group) > 1:
        yield group


def _candidate(doc: Dockerfile, inst: Instruction) -> RunScript | None:
    """The script of a RUN the pass may merge: shell form, no heredoc, short, no ignore comment."""
    if inst.keyword != "RUN" or inst.exec_form or inst.heredocs or has_ignore_comment(inst):
        return None
    run = run_script(doc, inst)
    if run is None or not run.script.chain or len(run.script.commands) > MAX_COMMANDS:
        return None
    return run


def _flags(inst: Instruction) -> tuple[str, ...]:
    return tuple(flag.text for flag in inst.flags)


def _findings(doc: Dockerfile, stage: Stage, group: list[_Part]) -> Iterator[Finding]:
    """One fix per stretch that can be merged; a suggestion where a part cannot come before the next."""
    shell = shell_of(stage, group[0].inst, doc)
    shared = _group_problems(doc, group[0].inst, shell)
    if shared:
        yield _finding(group, risk="; ".join(shared))
        return
    stretch = [group[0]]
    for part in group[1:]:
        problems = _earlier_part_problems(doc, stretch[-1], shell)
        if problems:
            yield from _merge(doc, stretch)
            yield _finding([stretch[-1], part], risk="; ".join(problems))
            stretch = [part]
        else:
            stretch.append(part)
    yield from _merge(doc, stretch)


def _finding(parts: list[_Part], fix: Fix | None = None, risk: str = "") -> Finding:
    """The finding on the second RUN (where hadolint reports DL3059), touching the others."""
    lines = ", ".join(str(p.inst.start_line) for p in parts)
    message = f"{len(parts)} consecutive RUN instructions (lines {lines}) can be one RUN: one layer, one container"
    return PASS.finding(parts[1].inst.start_line, message, fix, risk=risk, end_line=parts[-1].inst.end_line,
                        touches=tuple(p.inst.start_line for p in parts if p is not parts[1]))


def _group_problems(doc: Dockerfile, inst: Instruction, shell: tuple[str, ...]) -> list[str]:
    """Why no RUN of this group may be merged: per-RUN mounts, or a shell that reads start-up files."""
    problems = []
    if any(flag.name not in ("mount", "network", "security") for flag in inst.flags):
        problems.append("a RUN flag this pass does not know")
    fresh = [m["type"] for m in mounts(inst)
             if m["type"] == "tmpfs" or (m["type"] == "bind" and {"rw", "readwrite"} & m.keys())]
    if fresh:
        problems.append(f"each RUN gets a fresh {fresh[0]} mount; merged, a later part sees what an earlier wrote")
    if _LOGIN & set(shell[1:]) or any(env_in_force(doc, inst, name) is not None for name in ("BASH_ENV", "ENV")):
        problems.append("the shell reads start-up files at each RUN (login/interactive SHELL or BASH_ENV/ENV), "
                        "which an earlier part may change")
    return problems


def _earlier_part_problems(doc: Dockerfile, part: _Part, shell: tuple[str, ...]) -> list[str]:
    """Why ``part`` cannot run before another part in the same shell."""
    run, line = part.run, part.inst.start_line
    problems = []
    tail = doc.text[part.end:part.inst.end]
    rest = "".join(c for c in tail if not c.isspace() and c not in (part.inst.escape, ";"))
    if "#" in rest:
        problems.append(f"a shell comment ends the RUN on line {line} and would swallow what follows")
    elif "&" in rest or any(s.op_before == "&" for s in run.script.chain):
        problems.append(f"the RUN on line {line} runs a command in the background")
    elif rest:
        problems.append(f"the RUN on line {line} ends in `{rest}`")
    if _errexit(run, shell) and not part.plain_chain:
        problems.append(f"the RUN on line {line} may run with `set -e`, which the shell ignores left of `&&`")
    if _replaces_shell(run, shell):
        problems.append(f"the RUN on line {line} may replace the shell ({shell[0]}) the next RUN starts")
    return problems


def _errexit(run: RunScript, shell: tuple[str, ...]) -> bool:
    """errexit may be on while the script runs: set by the SHELL, a ``set``, or a sourced/eval'd text."""
    if _sets_errexit(shell[1:]):
        return True
    for command in run.script.commands:
        if command.name in (".", "source", "eval"):
            return True
        if command.name == "set" and (not all(w.is_static for w in command.words)
                                      or _sets_errexit(tuple(w.value or "" for w in command.words))):
            return True
    return False


def _sets_errexit(args: tuple[str, ...]) -> bool:
    """``-e``, ``-eux``, ``-o errexit`` among shell or ``set`` arguments."""
    for index, arg in enumerate(args):
        if arg == "-o":
            if args[index + 1:index + 2] == ("errexit",):
                return True
        elif arg.startswith("-") and not arg.startswith("--") and "e" in arg[1:]:
            return True
    return False


def _replaces_shell(run: RunScript, shell: tuple[str, ...]) -> bool:
    """The script may replace the shell binary a later RUN starts (a word naming it, or a tool that
    switches /bin/sh)."""
    names = {shell[0], posixpath.basename(shell[0]), "/bin/sh", "sh"}
    for command in run.script.commands:
        if command.name in _SHELL_CHANGERS:
            return True
        for word in command.words:
            text = (word.value if word.is_static else None) or word.text_raw
            if text in names or any(text.endswith("/" + posixpath.basename(n)) for n in names):
                return True
    return False


def _merge(doc: Dockerfile, parts: list[_Part]) -> Iterator[Finding]:
    """The fix joining ``parts`` into the first one's RUN (nothing for a single part)."""
    if len(parts) < 2:
        return
    grouped = [_needs_subshell(p) for p in parts[:-1]] + [_needs_grouping(parts[-1])]
    style = _style(doc, parts)
    escape = doc.style.escape
    gap = " " if style.space_before_escape else ""
    edits = []
    if grouped[0]:
        edits.append(Edit.insert(parts[0].start, _open(parts[0])))
    for (before, was_grouped), (part, is_grouped) in zip(zip(parts, grouped), zip(parts[1:], grouped[1:])):
        newline = doc.style.newline_of(before.inst.lines[-1])
        comments = "".join(line.text for line in _comment_lines(doc, before.end, part.start))
        close, open_ = (")" if was_grouped else ""), (_open(part) if is_grouped else "")
        if style.operator_leads:
            text = f"{close}{gap}{escape}{newline}{comments}{style.indent}&& {open_}"
        else:
            text = f"{close} &&{gap}{escape}{newline}{comments}{style.indent}{open_}"
        edits.append(Edit(before.end, part.start, text))
    if grouped[-1]:
        edits.append(Edit.insert(parts[-1].end, ")"))
    risk = ("one RUN is one cache entry: editing either part re-runs both; a process an earlier part leaves "
            "running (a daemon, `service ... start`, gpg-agent) now lives on while the later parts run")
    yield _finding(parts, Fix(tuple(edits), Safety.UNSAFE), risk)


def _needs_subshell(part: _Part) -> bool:
    """An earlier part runs in ``( ... )`` unless it is a plain ``&&`` chain that cannot change the shell."""
    if part.one_group:
        return False
    return not part.plain_chain or any(c.name is None or c.name in _STATEFUL for c in part.run.script.commands)


def _needs_grouping(part: _Part) -> bool:
    """The last part is grouped unless ``a && <part>`` already fails exactly when it does."""
    return not part.one_group and any(s.op_before not in (None, "&&") for s in part.run.script.chain)


def _open(part: _Part) -> str:
    """``(``, with a space when the part starts with ``(`` itself (``((`` is bash arithmetic)."""
    return "( " if part.run.text_of(part.run.script.chain[0].span).startswith("(") else "("


def _style(doc: Dockerfile, parts: list[_Part]) -> Continuation:
    """How the merged RUN continues its lines: as its first multi-line part does, else as the file does."""
    for part in parts:
        found = doc.style.continuation_of(part.inst)
        if found is not None:
            leads = doc.style.continuation.operator_leads if found.operator_leads is None else found.operator_leads
            return replace(found, operator_leads=leads)
    return doc.style.continuation


def _comment_lines(doc: Dockerfile, start: int, end: int) -> Iterator[Line]:
    """The comment lines between two offsets, in order (blank lines are left out)."""
    for item in doc.items:
        lines = (item.line,) if isinstance(item, Directive) else item.lines if isinstance(item, Trivia) \
            else (*item.comments, *item.lines)
        for line in lines:
            if start <= line.start and line.end <= end and line.kind == "comment":
                yield line


PASS = Pass(
    # Trigger: it reports only RUN instructions.
    triggers=("run",),
    id=ID,
    name=NAME,
    title="Merge consecutive short RUN instructions into one",
    what="""
        Where two or more RUNs follow each other in a stage with nothing but comment and blank lines between
        them, each short (at most two commands: hadolint's DL3059 judges that longer RUNs were kept apart on
        purpose, and those are the steps whose separate cache entries pay), shell form, no heredoc, the same
        flags, joins them into the first RUN with `&&`. The comments between them stay, byte for byte, as
        comment lines inside the continuation; blank lines between them are dropped (a blank line inside a
        continuation is deprecated); the continuation style (`&&` leading or trailing, indentation) is the
        first multi-line RUN's.

        Each RUN runs `<shell> -c <text>` on the filesystem the previous one left, with the same USER,
        WORKDIR, SHELL, ENV and ARGs (nothing else stands between them). The merged text keeps what each
        part does:
        - failure: `a && b` fails exactly when a fails (b never runs, as the build would stop) or b fails. A
          part whose own status is not the one `&&` needs is grouped: `x; y` or `x || y` becomes `(x; y)`.
        - shell state: an earlier part that may change the shell (`cd`, `export`, `set`, `umask`, `exit`,
          `exec`, an assignment, a function ...) runs in a subshell `( ... )`, so the next part starts with
          the state a fresh `sh -c` has. The last part needs grouping only.
        - `set -e`: inside `( ... ) &&` the shell ignores errexit, so an earlier part that may run with
          errexit on (`set -e`, `SHELL [..., "-e", ...]`, a sourced file) is merged only when it is a plain
          `&&` chain of commands, where errexit changes nothing.

        Only reported (no fix) when an earlier part ends in a shell comment (it would swallow `&& b`), runs
        something in the background with `&`, may rely on errexit outside a plain `&&` chain, or may replace
        the shell the next RUN starts (`ln -sf /bin/bash /bin/sh`, `dpkg-reconfigure dash`); when the SHELL
        reads start-up files that an earlier part may write (login or interactive SHELL, `BASH_ENV`/`ENV`
        set, as nvm's installer relies on); and for tmpfs or read-write bind mounts (each RUN gets a fresh
        one). A RUN with an ignore comment is never merged: the suppression would move inside the RUN or
        spread to the other.
    """,
    why="""
        Every RUN is a layer, a cache entry and a container started and committed. Two small steps written as
        two RUNs (`RUN mkdir /data` then `RUN chown app /data`) cost a layer each, and a file one step creates
        and the next deletes stays in the first layer for good.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because what the text cannot show may differ: a process an earlier part leaves running (a
        daemon it starts, `service x start`, the gpg-agent that `gpg` launches) now lives on while the later
        parts run instead of being killed at the end of its RUN; hard links an earlier part creates are no
        longer split by a layer boundary when a later part changes one of them; a lone command is no longer
        the container's PID 1. And the build cache: one RUN is one cache entry, so editing either part re-runs
        both (merging a slow install with a step you edit often costs build time).
    """,
    examples=(Example(
        before=("FROM debian:12\nRUN useradd --system app\n# where the app keeps its data\n"
                "RUN mkdir -p /data\nRUN cd /data && chown app .\n"),
        after=("FROM debian:12\nRUN useradd --system app && \\\n# where the app keeps its data\n"
               "    mkdir -p /data && \\\n    cd /data && chown app .\n"),
        config={"unsafe": True}),),
    hadolint=("DL3059",),
    check=check,
)
