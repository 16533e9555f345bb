"""The lossless Dockerfile document: lines, directives, trivia and instructions with byte-exact spans.

Every node keeps the exact text it was read from, so ``Dockerfile.render()`` gives back the input.
Offsets are ``str`` indices into ``Dockerfile.text`` (bytes are decoded with surrogateescape at the
boundary, so an index maps to exactly one input byte or one decoded character).
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property
from typing import Literal, NamedTuple, Union

from ..record import field, record
from .logical import LogicalText
from .style import Stylist

LineKind = Literal["code", "comment", "blank", "heredoc", "terminator", "directive"]


class Line(NamedTuple):
    """One physical line, with its line ending (``\\n``, ``\\r\\n`` or none at end of file)."""

    number: int  # 1-based, as BuildKit reports lines
    start: int
    text: str
    kind: LineKind

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def content(self) -> str:
        """The line without its line ending."""
        return self.text.rstrip("\r\n")

    @property
    def ending(self) -> str:
        return self.text[len(self.content):]


@record
class Problem:
    """Something that makes a build reject the file, at a 1-based line."""

    line: int
    message: str


@record
class Directive:
    """A parser directive line at the top of the file: ``# syntax=``, ``# escape=``, ``# check=``."""

    line: Line
    name: str
    value: str

    @property
    def text(self) -> str:
        return self.line.text


@record
class Trivia:
    """Blank and comment lines that no instruction owns."""

    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


@record
class Flag:
    """A builder flag such as ``--mount=type=cache,target=/root/.m2`` (BuildKit's unquoted text)."""

    text: str
    span: tuple[int, int]  # document span of the flag as written

    @property
    def name(self) -> str:
        return self.text[2:].partition("=")[0]

    @property
    def value(self) -> str | None:
        name, eq, value = self.text[2:].partition("=")
        return value if eq else None


@record
class Heredoc:
    """A heredoc body read after its instruction, up to its terminator line."""

    name: str
    chomp: bool
    expand: bool
    fd: int
    body: tuple[Line, ...]
    terminator: Line | None  # None when the file ended first (a problem is recorded)

    @property
    def content(self) -> str:
        return "".join(line.text for line in self.body)

    @property
    def logical(self) -> LogicalText:
        """The body as logical text mapped to the document (one contiguous piece)."""
        if not self.body:
            return LogicalText("", ())
        return LogicalText(self.content, ((0, self.body[0].start),))


@record
class Instruction:
    """One instruction: its own lines (continuations, interior comments, heredoc bodies) and the
    comment lines directly above it, which it owns and moves with."""

    keyword: str  # upper case: "RUN"
    keyword_text: str  # as written: "run"
    comments: tuple[Line, ...]
    lines: tuple[Line, ...]
    logical: LogicalText  # the instruction line as BuildKit joins it (continuations removed)
    flags: tuple[Flag, ...]
    arguments: LogicalText  # what follows the keyword and flags, trimmed
    value: tuple[str, ...]  # BuildKit's parsed arguments (JSON items, ENV pairs, words ...)
    exec_form: bool  # JSON (exec) form
    heredocs: tuple[Heredoc, ...] = ()
    trigger: Instruction | None = None  # the instruction an ONBUILD wraps
    escape: str = "\\"
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def start_line(self) -> int:
        return self.lines[0].number

    @property
    def end_line(self) -> int:
        return self.lines[-1].number

    @property
    def start(self) -> int:
        """Offset of the instruction's first line (its indentation included, comments excluded)."""
        return self.lines[0].start

    @property
    def end(self) -> int:
        """Offset just past its last line, line ending included."""
        return self.lines[-1].end

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def full_span(self) -> tuple[int, int]:
        """The span including the owned comment lines above."""
        return (self.comments[0].start if self.comments else self.start), self.end

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.comments) + "".join(line.text for line in self.lines)

    @property
    def effective(self) -> Instruction:
        """The ONBUILD trigger when there is one, else this instruction."""
        return self.trigger or self

    def flag(self, name: str) -> Flag | None:
        """The last flag called ``name`` (BuildKit lets a later flag win)."""
        found = None
        for f in self.flags:
            if f.name == name:
                found = f
        return found

    def flags_named(self, name: str) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.name == name)

    @property
    def comment_texts(self) -> tuple[str, ...]:
        """The owned comments, without ``#`` and surrounding space."""
        return tuple(line.content.strip().lstrip("#").strip() for line in self.comments)


Item = Union[Directive, Trivia, Instruction]


@record
class Stage:
    """A build stage: its FROM and the instructions up to the next FROM."""

    index: int
    from_: Instruction
    instructions: tuple[Instruction, ...]

    @property
    def base(self) -> str:
        return self.from_.value[0] if self.from_.value else ""

    @property
    def name(self) -> str | None:
        """The ``AS name`` of the stage, lower-cased like BuildKit compares it."""
        value = self.from_.value
        if len(value) >= 3 and value[-2].lower() == "as":
            return value[-1].lower()
        return None

    # Indexes that answer "what holds before this instruction" in O(1): passes ask for every RUN.

    @cached_property
    def index_of(self) -> dict[int, int]:
        """Each instruction's index in ``instructions``, by ``id``."""
        return {id(inst): i for i, inst in enumerate(self.instructions)}

    @cached_property
    def shell_before(self) -> tuple[tuple[str, ...] | None, ...]:
        """The exec-form ``SHELL`` in force before each instruction (and, last, after them all); None: none set."""
        shells: list[tuple[str, ...] | None] = [None]
        for inst in self.instructions:
            shells.append(inst.value if inst.keyword == "SHELL" and inst.exec_form and inst.value else shells[-1])
        return tuple(shells)

    @cached_property
    def env_assignments(self) -> dict[str, tuple[tuple[int, str], ...]]:
        """``ENV`` assignments by name: (instruction index, value as written), in file order."""
        found: dict[str, list[tuple[int, str]]] = {}
        for i, inst in enumerate(self.instructions):
            if inst.keyword == "ENV":
                for key, value in zip(inst.value[::2], inst.value[1::2]):
                    found.setdefault(key, []).append((i, value))
        return {key: tuple(values) for key, values in found.items()}

    @cached_property
    def user_assignments(self) -> tuple[tuple[int, str], ...]:
        """``USER`` instructions (not ONBUILD triggers): (instruction index, user as written), in file order."""
        return tuple((i, inst.value[0]) for i, inst in enumerate(self.instructions)
                     if inst.trigger is None and inst.keyword == "USER" and inst.value)


@record
class Dockerfile:
    """A parsed Dockerfile. ``render()`` returns exactly the text it was parsed from."""

    text: str
    bom: str
    items: tuple[Item, ...]
    escape: str
    problems: tuple[Problem, ...]

    def render(self) -> str:
        return self.bom + "".join(item.text for item in self.items)

    @cached_property
    def instructions(self) -> tuple[Instruction, ...]:
        return tuple(item for item in self.items if isinstance(item, Instruction))

    @cached_property
    def _start_lines(self) -> tuple[int, ...]:
        return tuple(inst.start_line for inst in self.instructions)

    def instruction_at(self, line: int) -> Instruction | None:
        """The instruction whose lines include ``line`` (1-based), if any."""
        index = bisect.bisect_right(self._start_lines, line) - 1
        if index >= 0 and line <= self.instructions[index].end_line:
            return self.instructions[index]
        return None

    @cached_property
    def directives(self) -> tuple[Directive, ...]:
        return tuple(item for item in self.items if isinstance(item, Directive))

    @cached_property
    def stages(self) -> tuple[Stage, ...]:
        stages: list[Stage] = []
        current: list[Instruction] = []
        from_: Instruction | None = None
        for inst in self.instructions:
            if inst.keyword == "FROM":
                if from_ is not None:
                    stages.append(Stage(len(stages), from_, tuple(current)))
                from_, current = inst, []
            elif from_ is not None:
                current.append(inst)
        if from_ is not None:
            stages.append(Stage(len(stages), from_, tuple(current)))
        return tuple(stages)

    @cached_property
    def _stage_by_instruction(self) -> dict[int, Stage]:
        return {id(inst): stage for stage in self.stages for inst in (stage.from_, *stage.instructions)}

    def stage_of(self, inst: Instruction) -> Stage | None:
        """The stage an instruction belongs to (None for ARGs before the first FROM)."""
        return self._stage_by_instruction.get(id(inst))

    @cached_property
    def _parents(self) -> dict[int, Stage | None]:
        by_name: dict[str, Stage] = {}
        parents: dict[int, Stage | None] = {}
        for stage in self.stages:
            parents[stage.index] = by_name.get(stage.base.lower())
            if stage.name:
                by_name[stage.name] = stage
        return parents

    @cached_property
    def _stages_by_reference(self) -> dict[str, Stage]:
        refs = {str(stage.index): stage for stage in self.stages}
        refs.update((stage.name, stage) for stage in self.stages if stage.name)
        return refs

    def stage_named(self, reference: str) -> Stage | None:
        """The stage a ``--from=`` names (``AS`` name, any case, or index), None for an image."""
        return self._stages_by_reference.get(reference.lower())

    def parent_of(self, stage: Stage) -> Stage | None:
        """The earlier stage this one is built FROM, if any."""
        return self._parents[stage.index]

    def ancestors(self, stage: Stage) -> list[Stage]:
        """Parent, grandparent, ... (nearest first)."""
        chain = []
        parent = self.parent_of(stage)
        while parent is not None:
            chain.append(parent)
            parent = self.parent_of(parent)
        return chain

    def descendants(self, stage: Stage) -> list[Stage]:
        """Later stages built FROM this one, directly or not, in file order."""
        family = {stage.index}
        found = []
        for other in self.stages[stage.index + 1:]:
            parent = self.parent_of(other)
            if parent is not None and parent.index in family:
                family.add(other.index)
                found.append(other)
        return found

    def reaches_final_image(self, stage: Stage) -> bool:
        """The last stage, or a stage the last one is built FROM (its files end up in the image)."""
        if not self.stages:
            return False
        final = self.stages[-1]
        return stage.index == final.index or any(s.index == stage.index for s in self.ancestors(final))

    @cached_property
    def style(self) -> Stylist:
        """The file's conventions (line ending, keyword case, continuation lines) for text a fix adds."""
        return Stylist(self)

    @cached_property
    def _line_ends(self) -> tuple[int, ...]:
        return tuple(match.start() for match in re.finditer("\n", self.text))

    def line_at(self, offset: int) -> int:
        """1-based line number of a document offset."""
        return bisect.bisect_left(self._line_ends, offset) + 1
