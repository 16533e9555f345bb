"""RUN instructions seen as shell scripts whose spans map back into the Dockerfile."""

from __future__ import annotations

import bisect
import itertools
import posixpath
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Iterator

from ..edits import Edit
from ..model import Dockerfile, Instruction, LogicalText, Stage
from ..record import record

if TYPE_CHECKING:
    from ..shell import Command, Script, Word

#: Shells whose syntax tree-sitter-bash reads correctly.
POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_WINDOWS_HINTS = ("windows", "servercore", "nanoserver", "mcr.microsoft.com/powershell")


@record
class RunScript:
    """The shell script a RUN executes, parsed, with the text it came from."""

    inst: Instruction  # the RUN (or the ONBUILD holding it)
    source: LogicalText  # the script, mapped to document offsets
    script: Script

    @property
    def onbuild(self) -> bool:
        return self.inst.trigger is not None

    def doc_span(self, span: tuple[int, int]) -> tuple[int, int]:
        return self.source.doc_span(*span)

    def text_of(self, span: tuple[int, int]) -> str:
        return self.source.text[span[0]:span[1]]

    def insert_before(self, span: tuple[int, int], text: str) -> Edit:
        return Edit.insert(self.source.doc_offset(span[0]), text)

    def insert_option(self, command: Command, option: str) -> Edit:
        """Insert `` option`` before the command's first operand (after its options)."""
        words = command.words
        operands = command.positional()
        anchor = words[-1] if words else None
        if operands:
            first = words.index(operands[0])
            anchor = words[first - 1] if first else None
        end = anchor.span[1] if anchor else command.name_span[1]
        return Edit.insert(self.doc_span((end - 1, end))[1], f" {option}")

    def insert_after(self, word: Word, text: str) -> Edit:
        """Insert `` text`` right after ``word`` (a subcommand such as ``add`` or ``install``)."""
        end = word.span[1]
        return Edit.insert(self.doc_span((end - 1, end))[1], f" {text}")

    def line_of(self, span: tuple[int, int]) -> int:
        """The 1-based file line where a script span starts."""
        at = self.source.doc_offset(span[0])
        return next((line.number for line in self.inst.lines if line.start <= at < line.end),
                    self.inst.start_line)

    def errexit_before(self, step: int) -> bool:
        """A top-level ``set -e`` (or ``-eux`` ...) runs before the given chain step."""
        return any(
            command.top_level and command.step_index is not None and command.step_index < step
            and command.name == "set"
            and any(w.value and w.value.startswith("-") and not w.value.startswith("--") and "e" in w.value
                    for w in command.words)
            for command in self.script.commands)

    def failure_is_fatal(self, command: Command) -> bool:
        """A non-zero exit of ``command`` fails the whole RUN.

        True for a top-level step followed only by ``&&`` steps, or one that ends its statement while
        ``set -e`` is in force. Nested commands (if, loops, subshells, pipelines) count as tolerated.
        """
        if not command.top_level or command.step_index is None:
            return False
        step = command.step_index
        after = self.script.chain[step + 1:]
        if all(s.op_before == "&&" for s in after):
            return True
        ends_statement = not after or after[0].op_before in (";", "\n")
        return ends_statement and self.errexit_before(step)

    @property
    def is_heredoc(self) -> bool:
        return self.source is not self.inst.effective.arguments

    def indent_before(self, span: tuple[int, int]) -> str:
        """The whitespace between the start of the script line and ``span``."""
        line_start = self.source.text.rfind("\n", 0, span[0]) + 1
        prefix = self.source.text[line_start:span[0]]
        return prefix if not prefix.strip() else ""


def mounts(inst: Instruction) -> list[dict[str, str]]:
    """The ``--mount`` options of a RUN as dicts (``type`` defaults to bind, ``target`` is normalised)."""
    found = []
    for flag in inst.effective.flags_named("mount"):
        options = dict(part.partition("=")[::2] for part in (flag.value or "").split(",") if part)
        options.setdefault("type", "bind")
        for alias in ("dst", "destination"):
            if alias in options:
                options.setdefault("target", options.pop(alias))
        found.append(options)
    return found


#: Mount types whose content never reaches a layer (a bind mount may be an offline package cache).
CACHE_MOUNT_TYPES = ("cache", "tmpfs", "bind")


def mounted_any(inst: Instruction, paths: Iterable[str | None]) -> bool:
    """One of ``paths`` lies in (or contains) a cache, tmpfs or bind mount of the RUN."""
    cleaned = [path.rstrip("/") for path in paths if path]
    inside = [m.get("target", "").rstrip("/") for m in mounts(inst) if m["type"] in CACHE_MOUNT_TYPES]
    return any(mounted_over(inst, path, CACHE_MOUNT_TYPES) for path in cleaned) or any(
        target.startswith(path + "/") for path in cleaned for target in inside)


def mentions_apt(inst: Instruction) -> bool:
    """The instruction's text names an apt tool (for RUNs we cannot read as shell)."""
    return any(word in inst.text for word in ("apt-get", "apt ", "apt-cache"))


def mounted_over(inst: Instruction, path: str, types: tuple[str, ...] = ("cache", "tmpfs")) -> bool:
    """``path`` lies in a cache/tmpfs mount of the RUN, so what it writes there never reaches a layer."""
    for mount in mounts(inst):
        target = mount.get("target", "").rstrip("/")
        if mount["type"] in types and target and (path == target or path.startswith(target + "/")):
            return True
    return False


def env_in_force(doc: Dockerfile, inst: Instruction, name: str) -> str | None:
    """The value ``ENV name=...`` has when ``inst`` runs (its stage and the stages it is built FROM)."""
    stage = doc.stage_of(inst)
    if stage is None:
        return None
    value = None
    for ancestor in reversed(doc.ancestors(stage)):
        value = _last_env(ancestor, len(ancestor.instructions), name, value)
    return _last_env(stage, stage.index_of.get(id(inst), len(stage.instructions)), name, value)


def _last_env(stage: Stage, before: int, name: str, value: str | None) -> str | None:
    """The last ``ENV name=`` of ``stage`` among its first ``before`` instructions, else ``value``."""
    assignments = stage.env_assignments.get(name, ())
    count = bisect.bisect_left(assignments, before, key=lambda assignment: assignment[0])
    return assignments[count - 1][1].strip("\"'") if count else value


def shell_of(stage: Stage | None, inst: Instruction, doc: Dockerfile) -> tuple[str, ...]:
    """The SHELL in force for ``inst``: the last SHELL before it in its stage, else /bin/sh -c."""
    if stage is None:
        return ("/bin/sh", "-c")
    return stage.shell_before[stage.index_of.get(id(inst), len(stage.instructions))] or ("/bin/sh", "-c")


def _is_posix(shell: tuple[str, ...], stage: Stage | None) -> bool:
    return _posix_on(shell[0], stage.base if stage is not None else None)


@lru_cache(maxsize=256)
def _posix_on(shell: str, base: str | None) -> bool:
    if base is not None and any(h in base.lower() for h in _WINDOWS_HINTS):
        return False
    return posixpath.basename(shell).lower().removesuffix(".exe") in POSIX_SHELLS


# Each pass asks for the script of every RUN again, on the same document: the answers for the last
# few documents are kept, by identity (a document and its instructions are immutable). The
# instruction is stored beside its answer, so an instruction that is not the document's own (and
# whose id may be reused once it is gone) is never mistaken for another. Each document also keeps its
# parsed scripts by text (a script depends on its text only): a document rewritten by a fix finds the
# scripts of its unchanged RUNs in the document before it, however many RUNs it has (the text cache
# below thrashes once a file has more distinct RUN texts than it holds). When full, the least
# recently used document is dropped (the document before a fix stays while the fixed one is read).
_MEMO_DOCUMENTS = 4


class _Known:
    """The memo of one document: its RUNs' answers by instruction id, its scripts by text."""

    __slots__ = ("doc", "runs", "scripts", "used")

    def __init__(self, doc: Dockerfile, used: int) -> None:
        self.doc = doc
        self.runs: dict[int, tuple[Instruction, RunScript | None]] = {}
        self.scripts: dict[str, Script] = {}
        self.used = used


_memo: dict[int, _Known] = {}
_clock = itertools.count()
_last: _Known | None = None  # the memo used last (a use is stamped only when it changes)


def run_script(doc: Dockerfile, inst: Instruction) -> RunScript | None:
    """The parsed script of a shell-form RUN (or ONBUILD RUN), or None when we cannot read it
    safely: exec form, a non-POSIX SHELL or Windows base, a heredoc fed to another program, or a
    script tree-sitter cannot parse without errors."""
    global _last
    entry = _memo.get(id(doc))
    if entry is None or entry.doc is not doc:
        entry = _remember(doc)
    if entry is not _last:
        entry.used = next(_clock)
        _last = entry
    known = entry.runs.get(id(inst))
    if known is not None and known[0] is inst:
        return known[1]
    found = _run_script(doc, inst, entry)
    entry.runs[id(inst)] = (inst, found)
    return found


def _remember(doc: Dockerfile) -> _Known:
    """A new memo for ``doc``, dropping the least recently used one when full. The entries are copied
    in one C call before they are compared (no iteration over a dict another thread may change)."""
    entries = list(_memo.items())
    if len(entries) >= _MEMO_DOCUMENTS:
        oldest = min(entries, key=lambda item: item[1].used)[0]
        _memo.pop(oldest, None)
    entry = _memo[id(doc)] = _Known(doc, next(_clock))
    return entry


def _script(text: str, entry: _Known) -> Script:
    """The parsed script of ``text``: from this document's memo, another remembered document's, or the
    text cache."""
    script = entry.scripts.get(text)
    if script is None:
        for other in list(_memo.values()):
            script = other.scripts.get(text)
            if script is not None:
                break
        else:
            script = _parse(text)
        entry.scripts[text] = script
    return script


def _run_script(doc: Dockerfile, inst: Instruction, entry: _Known) -> RunScript | None:
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
    script = _script(source.text, entry)
    if script.has_errors:
        return None
    return RunScript(inst, source, script)


def _bare_openers(name: str) -> set[str]:
    return {f"<<{q}{name}{q}" for q in ("", "'", '"')} | {f"<<-{q}{name}{q}" for q in ("", "'", '"')}


#: A RUN (or ONBUILD RUN) of a stage and its script, None when it cannot be read as shell.
StageRun = tuple[Instruction, RunScript | None]


# Every pass reads every RUN, in each round and once more on the original text: a cache smaller
# than the RUNs of a file re-parses them all for each pass. A script is about 3 KB of objects.
@lru_cache(maxsize=32768)
def _parse(text: str) -> Script:
    from ..shell import parse_script

    return parse_script(text)


class RunsAfter:
    """``runs[start:]`` without copying it, to iterate as often as needed: passes look at the RUNs
    after each RUN of a stage and usually stop at the next one, so a copy made the stage quadratic
    (a 40,000-RUN file spent more time copying than reading)."""

    __slots__ = ("runs", "start")

    def __init__(self, runs: list[StageRun], start: int) -> None:
        self.runs = runs
        self.start = start

    def __iter__(self) -> Iterator[StageRun]:
        runs = self.runs
        return (runs[i] for i in range(self.start, len(runs)))


def later_runs(doc: Dockerfile, stage: Stage, after: Iterable[StageRun]) -> Iterator[StageRun]:
    """The RUNs after a position in a stage (``after``), then those of the stages built FROM it
    (lazily: the callers usually stop at the first)."""
    yield from after
    for child in doc.descendants(stage):
        yield from run_scripts(doc, child)


def run_scripts(doc: Dockerfile, stage: Stage) -> list[StageRun]:
    """Every RUN and ONBUILD RUN of a stage in order, with its script when readable."""
    return [(inst, run_script(doc, inst)) for inst in stage.instructions
            if inst.effective.keyword == "RUN"]


def runs_posix_shell(doc: Dockerfile, inst: Instruction) -> bool:
    """A shell-form ``inst`` runs in ``/bin/sh -c``: no SHELL in its stage or the stages it is built
    from (a SHELL in a registry image is not known), and no Windows base."""
    stage = doc.stage_of(inst)
    if stage is None:
        return False
    chain = [stage, *doc.ancestors(stage)]
    return not any(i.keyword == "SHELL" for s in chain for i in s.instructions) and \
        _is_posix(("/bin/sh",), chain[-1])
