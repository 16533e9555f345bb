"""What a Dockerfile reads from its build context: sources, the programs its RUNs run, path words.

``ContextUse(doc)`` answers for one Dockerfile: its ``sources`` (each COPY/ADD source read from the
context and each ``RUN --mount=type=bind`` without ``from``, expanded with ``expand_with_defaults``
and cleaned as Docker does), its ``runs`` (the programs each RUN runs, with their arguments), and
its ``words`` (path components of everything it runs or sets). ``relation`` tells whether a source
names a path or carries it inside a larger directory; ``newly_excluded_sources`` tells which sources
a new ``.dockerignore`` would leave out (the post-check of an ignore file a fix writes).
"""

from __future__ import annotations

import posixpath
import re
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from ..context.dockerignore import DockerignoreError, IgnoreMatcher, go_clean, go_match
from ..record import record
from .copies import copy_sources, expand_with_defaults, is_broad, landing, normalise, sources
from ..model import Dockerfile, Instruction
from .runscript import mounts, run_script
from ..shell.grammars import PYTHON_NAME

if TYPE_CHECKING:
    from ..context import BuildContext

_COMPONENT_SPLIT = re.compile(r"[/=:,;<>|&$`{}\s\"'()\[\]]+")


@record
class Source:
    """A path of the context that an instruction reads: COPY/ADD source or bind mount."""

    written: str
    kind: str  # "broad" | "literal" | "glob" | "wild" (a variable we could not expand)
    path: str  # cleaned, relative to the context root ("" for broad)
    stage: int
    position: int  # index of the instruction in its stage
    mount: bool = False  # a RUN's bind mount: that RUN itself reads it

    def paths_in(self, context: BuildContext) -> list[str]:
        """The context paths the source names: its own, or those a wildcard matches (Go's
        filepath.Match, as Docker); none for broad and unexpandable sources."""
        if self.kind == "literal":
            return [self.path]
        if self.kind != "glob":
            return []
        depth = self.path.count("/") + 1
        prefixes = dict.fromkeys("/".join(f.split("/", depth)[:depth])
                                 for f in context.files if f.count("/") + 1 >= depth)
        try:
            return [prefix for prefix in prefixes if go_match(self.path, prefix)]
        except DockerignoreError:
            return []


@record
class _Run:
    stage: int
    position: int
    commands: tuple[tuple[str, tuple[str, ...]], ...]  # (program, arguments)
    opaque: bool  # not readable as shell: judged by its words only
    line: int = 0  # where the RUN starts in the Dockerfile


class ContextUse:
    """What one Dockerfile reads from the context: its sources, RUN programs and path words."""

    def __init__(self, doc: Dockerfile) -> None:
        self.doc = doc

    @cached_property
    def sources(self) -> list[Source]:
        found = []
        for copy in copy_sources(self.doc):
            inst = copy.inst
            if not copy.from_context or inst.trigger is not None:  # ONBUILD reads a later build's context
                continue
            found.append(self._source(inst, copy.source, mount=False))
        for stage in self.doc.stages:
            for inst in stage.instructions:
                if inst.keyword != "RUN":
                    continue
                for mount in mounts(inst):
                    if mount["type"] == "bind" and "from" not in mount:
                        source = mount.get("source", mount.get("src", "."))
                        found.append(self._source(inst, source, mount=True))
        return found

    def _source(self, inst: Instruction, written: str, *, mount: bool) -> Source:
        stage = self.doc.stage_of(inst)
        index = stage.index if stage else -1
        position = stage.instructions.index(inst) if stage else -1
        text = expand_with_defaults(self.doc, inst, written)
        if text is None:
            return Source(written, "wild", "", index, position, mount)
        if is_broad(text):
            return Source(written, "broad", "", index, position, mount)
        path = go_clean("/" + text).lstrip("/")
        if path in ("", "."):
            return Source(written, "broad", "", index, position, mount)
        kind = "glob" if any(c in path for c in "*?[") else "literal"
        return Source(written, kind, path, index, position, mount)

    @cached_property
    def runs(self) -> list[_Run]:
        found = []
        for stage in self.doc.stages:
            for position, inst in enumerate(stage.instructions):
                if inst.keyword != "RUN":
                    continue
                script = run_script(self.doc, inst)
                if script is not None:
                    commands = tuple((_program(cmd.program or ""), tuple(w.value or w.text_raw for w in cmd.words))
                                     for cmd in script.script.commands)
                    found.append(_Run(stage.index, position, commands, False, inst.start_line))
                elif inst.exec_form and inst.value:
                    program = _program(posixpath.basename(inst.value[0]))
                    found.append(_Run(stage.index, position, ((program, tuple(inst.value[1:])),), False,
                                      inst.start_line))
                else:
                    found.append(_Run(stage.index, position, (), True, inst.start_line))
        return found

    @cached_property
    def words(self) -> frozenset[str]:
        """Path components of every word the Dockerfile runs or sets (not COPY/ADD/FROM).

        A lexical scan of each instruction's text and heredoc bodies, on purpose: it only ever keeps
        a path in the context, and it also sees what the shell layer does not model as a word (the
        redirect of a loop, an exec-form or PowerShell RUN).
        """
        words: set[str] = set()
        for inst in self.doc.instructions:
            target = inst.effective
            if target.keyword in ("FROM", "COPY", "ADD"):
                continue
            for text in (target.arguments.text, *(h.content for h in target.heredocs)):
                words.update(_COMPONENT_SPLIT.split(text))
        words.discard("")
        return frozenset(words)

    def runs_program(self, program: str) -> bool:
        """A RUN runs ``program`` (or names it, when a RUN cannot be read as shell)."""
        return any(p == program for run in self.runs for p, _ in run.commands) or any(
            run.opaque for run in self.runs) and program in self.words

    @staticmethod
    def _matches(run: _Run, test: Callable[[str, tuple[str, ...]], bool]) -> bool:
        return any(test(program, args) for program, args in run.commands)

    def runs_after(self, carrier: Source, test: Callable[[str, tuple[str, ...]], bool]) -> bool:
        """A RUN of the carrier's stage, after it (or the RUN mounting it), runs a command ``test``
        (``test(program, args)``) accepts."""
        return any(run.stage == carrier.stage and self._matches(run, test) for run in self.runs_seeing(carrier))

    def runs_seeing(self, carrier: Source, path: str | None = None) -> list[_Run]:
        """The RUNs that see what the carrier copies: its stage's after it (or the RUN mounting it), every
        RUN of a stage built FROM that stage, and those after a ``COPY --from=<stage>`` that brings the
        copied ``path`` (a context path; anything the carrier copies when None) into another stage, and
        so on (unless the carrier is a mount)."""
        if carrier.mount:
            return [run for run in self.runs if run.stage == carrier.stage and run.position == carrier.position]
        points = self._reached(carrier, path)
        return [run for run in self.runs if any(run.stage == stage and run.position > after for stage, after in points)]

    def _reached(self, carrier: Source, path: str | None) -> set[tuple[int, int]]:
        """(stage, position) pairs after which a RUN sees ``path``: the carrier, the stages built FROM a
        stage holding it, the ``COPY --from`` of that stage whose sources may hold it."""
        inst = self.doc.stages[carrier.stage].instructions[carrier.position]
        located: dict[int, str | None] = {carrier.stage: self._landed(inst, carrier, path)}
        points = {(carrier.stage, carrier.position)}
        changed = True
        while changed:
            changed = False
            for stage in self.doc.stages:
                if stage.index not in located:
                    parent = next((a for a in self.doc.ancestors(stage) if a.index in located), None)
                    if parent is not None:
                        located[stage.index] = located[parent.index]
                        points.add((stage.index, -1))
                        changed = True
                for position, other in enumerate(stage.instructions):
                    flag = other.flag("from") if other.keyword in ("COPY", "ADD") else None
                    source = self.doc.stage_named(flag.value or "") if flag is not None else None
                    if source is None or source.index not in located or (stage.index, position) in points:
                        continue
                    brings, moved = _brought(self.doc, other, located[source.index])
                    if not brings:
                        continue
                    points.add((stage.index, position))
                    if stage.index in located and located[stage.index] != moved:
                        located[stage.index] = None
                    else:
                        located.setdefault(stage.index, moved)
                    changed = True
        return points

    def _landed(self, inst: Instruction, carrier: Source, path: str | None) -> str | None:
        """Where the carrier puts context ``path`` in the image; None when we cannot tell."""
        where = landing(self.doc, inst)
        if where is None or path is None or carrier.kind not in ("broad", "literal"):
            return None
        rest = path if carrier.kind == "broad" else path[len(carrier.path):].lstrip("/")
        return normalise(posixpath.join(where, rest)) if rest else None

    def runs_in_stage(self, carrier: Source, test: Callable[[str, tuple[str, ...]], bool]) -> bool:
        """A RUN of the carrier's stage runs a command ``test`` accepts."""
        return any(run.stage == carrier.stage and self._matches(run, test) for run in self.runs)

    def relation(self, path: str, *, wild_names: bool = True) -> tuple[bool, list[Source]]:
        """(named, carriers): whether a source names ``path`` (or something inside it), and the
        sources that copy it as part of a larger directory or the whole context. A source we could
        not expand names every path unless ``wild_names`` is False."""
        named = False
        carriers = []
        parts = path.split("/")
        for source in self.sources:
            if source.kind == "broad":
                carriers.append(source)
            elif source.kind == "wild":
                if wild_names:
                    named = True
            elif source.kind == "literal":
                if source.path == path or source.path.startswith(path + "/"):
                    named = True
                elif path.startswith(source.path + "/"):
                    carriers.append(source)
            else:
                spattern = source.path.split("/")
                n = len(spattern)
                try:
                    if len(parts) <= n:
                        if go_match("/".join(spattern[:len(parts)]), path):
                            named = True
                    elif go_match(source.path, "/".join(parts[:n])):
                        carriers.append(source)
                except DockerignoreError:
                    named = True
        return named, carriers


def _program(name: str) -> str:
    """``python3.12`` -> ``python`` (pip is already ``pip``)."""
    return "python" if PYTHON_NAME.fullmatch(name) else name


def ignores(matcher: IgnoreMatcher, path: str) -> bool:
    """Docker's walk leaves ``path`` out, or BuildKit's CopyIgnoredFile test
    (``MatchesOrParentMatches``) fires on it."""
    return matcher.matches(path) or matcher.matches_or_parent_matches(path)


def newly_excluded_sources(doc: Dockerfile, context: BuildContext, before: str, after: str) -> list[str]:
    """COPY/ADD (and bind-mount) sources of ``doc`` that ``after`` excludes but ``before`` did not.

    A source counts when ``ignores`` holds for it; a wildcard source when it holds for one of the
    paths it matches in the context. What lies inside a copied directory may be left out (that is
    the point of the file), and broad sources (``.``) do not count.
    """
    try:
        old = IgnoreMatcher.from_text(before)
        new = IgnoreMatcher.from_text(after)
    except DockerignoreError as error:
        return [f"(the file is invalid: {error})"]
    found = [source.written for source in ContextUse(doc).sources
             if any(ignores(new, p) and not ignores(old, p) for p in source.paths_in(context))]
    return list(dict.fromkeys(found))


def _brought(doc: Dockerfile, copy: Instruction, where: str | None) -> tuple[bool, str | None]:
    """Whether a ``COPY --from`` may bring the path at ``where`` (None: unknown) of its source stage,
    and where it then lands (None when we cannot tell); sources are read from the stage's root."""
    brings, found = False, None
    for written in sources(copy):
        text = expand_with_defaults(doc, copy, written)
        source = normalise("/" + text) if text is not None and not any(c in text for c in "*?[$") else None
        if source is None or where is None:
            return True, None
        if where == source or where.startswith(source.rstrip("/") + "/"):
            dest = landing(doc, copy)
            rest = where[len(source):].lstrip("/")
            brings, found = True, normalise(posixpath.join(dest, rest)) if dest is not None and rest else None
        elif source.startswith(where.rstrip("/") + "/"):
            return True, None  # a part of it
    return brings, found
