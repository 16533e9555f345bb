"""Edits that add, move or extend instructions, with new text written in the file's style.

A pass says *what* to write (``new("COPY", "--from=build", "/app", "/app")``) and *where* (above an
instruction, after it, in its place, in a new stage at the end, as a ``&&`` step of a RUN); the
builders here decide *how* it is written, from ``Dockerfile.style`` (model/style.py): the keyword
case of the neighbouring instruction or of the file, its indentation, its line ending, and for a
continued RUN its escape token, ``&&`` placement and indentation. Only ``edits.py`` splices text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, Union

from .edits import Edit, apply_edits
from .model import Dockerfile, Instruction, Line, Stage, Stylist, Trivia
from .record import record

if TYPE_CHECKING:
    from .facts.runscript import RunScript


@record
class New:
    """An instruction a fix writes: its keyword (written in the file's case) and what follows it."""

    keyword: str
    arguments: str


def new(keyword: str, *parts: str) -> New:
    """``New`` from the parts after the keyword, joined by spaces (empty parts left out)."""
    return New(keyword, " ".join(part for part in parts if part))


#: Lines to write: new instructions, or an existing instruction's text kept as written (``written``).
Block = Sequence[Union[New, str]]


def written(inst: Instruction) -> str:
    """An instruction's own lines as written (continuations included, comments above it and its final
    line ending left out), to carry it into a block unchanged."""
    return "".join(line.text for line in inst.lines).rstrip("\r\n")


def render(doc: Dockerfile, block: Block, *, near: Instruction | None = None, indent: str = "",
           newline: str | None = None) -> str:
    """The lines of ``block``, each ended by ``newline`` (default: the file's), new keywords in the
    case ``near`` (else the file) writes them."""
    style = doc.style
    end = style.newline if newline is None else newline
    return "".join(indent + (_instruction(style, item, near) if isinstance(item, New) else item) + end
                   for item in block)


def _instruction(style: Stylist, item: New, near: Instruction | None) -> str:
    keyword = style.keyword(item.keyword, near)
    return f"{keyword} {item.arguments}" if item.arguments else keyword


def _first_line(inst: Instruction) -> Line:
    """The first line an instruction owns: its first comment, else its own first line."""
    return inst.comments[0] if inst.comments else inst.lines[0]


def _render_like(doc: Dockerfile, inst: Instruction, block: Block) -> tuple[str, str]:
    """``block`` in the indentation and line ending of ``inst``'s first line (and its keyword case);
    also returns that line ending."""
    first = _first_line(inst)
    newline = doc.style.newline_of(first)
    return render(doc, block, near=inst, indent=Stylist.indent_of(first), newline=newline), newline


# --- adding lines ---------------------------------------------------------------------------------


def insert_above(doc: Dockerfile, anchor: Instruction, block: Block,
                 moved: Sequence[Instruction] = ()) -> tuple[Edit, ...]:
    """Insert ``block`` above ``anchor`` and the comments it owns (then a blank line keeps those with
    the instruction they describe), preceded by the instructions of ``moved``, which leave their place
    (each with its comments)."""
    text, newline = _render_like(doc, anchor, block)
    if anchor.comments:
        text += newline
    moved_text = "".join(inst.text for inst in moved)
    return (Edit.insert(anchor.full_span[0], moved_text + text), *(Edit.delete(*inst.full_span) for inst in moved))


def insert_below(doc: Dockerfile, anchor: Instruction, block: Block) -> Edit:
    """Insert ``block`` right after ``anchor`` (a line ending first when the file ends without one)."""
    last = anchor.lines[-1]
    newline = doc.style.newline_of(last)
    text = render(doc, block, near=anchor, indent=Stylist.indent_of(anchor.lines[0]), newline=newline)
    return Edit.insert(anchor.end, text if last.ending else newline + text)


def replace(doc: Dockerfile, inst: Instruction, block: Block) -> Edit:
    """Replace ``inst`` (not the comments above it) with ``block``, in its indentation, line ending
    and keyword case; the last line keeps the instruction's ending (none at the end of the file)."""
    last = inst.lines[-1]
    newline = doc.style.newline_of(last)
    text = render(doc, block, near=inst, indent=Stylist.indent_of(inst.lines[0]), newline=newline)
    return Edit.replace(inst.span, text[:len(text) - len(newline)] + last.ending)


# --- moving lines ---------------------------------------------------------------------------------


def move_below(doc: Dockerfile, inst: Instruction, target: Instruction,
               replacement: Block = ()) -> tuple[Edit, Edit]:
    """Move ``inst`` with its comments to just after ``target`` (a later instruction), leaving
    ``replacement`` (written like ``inst``) in its place. A file that ended without a line ending
    still does."""
    start, end = inst.full_span
    body = doc.text[start:end]
    at = target.end
    if not target.lines[-1].ending:
        newline = doc.style.newline_of(inst.lines[-1])
        body = newline + body.removesuffix(newline)
    text, _ = _render_like(doc, inst, replacement)
    return Edit.replace((start, end), text), Edit.insert(at, body)


def move_above(doc: Dockerfile, insts: Sequence[Instruction], anchor: Instruction) -> list[Edit]:
    """Move ``insts`` (later instructions, in file order) with their comments to just above ``anchor``
    and its comments. The blank lines right above each go with it, except that those of the first stay
    between the moved group and ``anchor``. A file that ended without a line ending still does."""
    text = doc.text
    deletions: list[list[int]] = []
    pieces: list[str] = []
    gap = ""
    for index, inst in enumerate(insts):
        start, end = inst.full_span
        blanks = _blank_lines_above(doc, inst)
        if index:
            pieces.append(blanks)
        else:
            gap = blanks
        pieces.append(text[start:end])
        deletions.append([start - len(blanks), end])
    deletions = _merged(deletions)
    last = deletions[-1]
    if last[1] == len(text) and not text.endswith("\n"):  # the line now last gives up its line ending
        ending = "\r\n" if text[:last[0]].endswith("\r\n") else "\n"
        last[0] -= len(ending)
        pieces[-1] += ending
    return [*(Edit.delete(start, end) for start, end in deletions),
            Edit.insert(anchor.full_span[0], "".join(pieces) + gap)]


def _blank_lines_above(doc: Dockerfile, inst: Instruction) -> str:
    """The blank lines right above an instruction's comments."""
    items = doc.items
    for index, item in enumerate(items):
        if item is inst:
            before = items[index - 1] if index else None
            if isinstance(before, Trivia) and all(line.kind == "blank" for line in before.lines):
                return before.text
            return ""
    return ""


def _merged(spans: list[list[int]]) -> list[list[int]]:
    """Touching or overlapping ``[start, end]`` spans joined, in order."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


# --- stages ---------------------------------------------------------------------------------------


def name_stage(doc: Dockerfile, stage: Stage, name: str) -> Edit:
    """`` AS name`` after the image of the stage's FROM (``as`` in a lower-case file)."""
    args = stage.from_.arguments
    at = args.text.find(stage.base) + len(stage.base)
    return Edit.insert(args.doc_span(0, at)[1], f" {doc.style.keyword('AS', stage.from_)} {name}")


def append_stage(doc: Dockerfile, block: Block, moved: Sequence[Instruction] = (),
                 rewrites: Mapping[int, New | None] | None = None) -> list[Edit]:
    """A new stage at the end of the file, after a blank line: ``block`` (its FROM first), then
    ``moved``, the file's last instructions, which leave their place with their comments. ``rewrites``
    (by ``id``) writes some of the moved instructions anew in their place, or drops them (None)."""
    rewrites = rewrites or {}
    newline = doc.style.newline
    edits: list[Edit] = []
    tail, rest = "", doc.text
    if moved:
        start, end = moved[0].full_span[0], moved[-1].end
        inner = []
        for inst in (i for i in moved if id(i) in rewrites):
            item = rewrites[id(inst)]
            if item is None:
                inner.append(Edit(inst.full_span[0] - start, inst.full_span[1] - start, ""))
            else:
                text = render(doc, [item], near=inst, newline=inst.lines[-1].ending)
                inner.append(Edit(inst.start - start, inst.end - start, text))
        tail = apply_edits(doc.text[start:end], inner)
        if not tail.endswith(("\n", "\r")):
            tail += newline
        edits.append(Edit.delete(start, end))
        rest = doc.text[:start] + doc.text[end:]
    ending = "" if rest.endswith("\n") else newline
    separator = "" if rest.endswith(newline + newline) else newline
    edits.append(Edit.insert(len(doc.text), ending + separator + render(doc, block) + tail))
    return edits


# --- steps of a RUN -------------------------------------------------------------------------------


def append_step(doc: Dockerfile, run: RunScript, step: str) -> Edit:
    """Add ``&& step`` after the RUN's last step, continued the way the RUN continues its lines
    (escape token and the space before it, ``&&`` placement, indentation; where ``&&`` goes is the file's habit when no
    ``&&`` of the RUN is at a line break), on the same line when the RUN is one line or a heredoc.

    Joining with ``&&`` keeps failure behaviour: the new step runs only when the last one
    succeeded, so a failing last step still fails the RUN.
    """
    last = run.script.chain[-1].span
    continuation = None if run.is_heredoc else doc.style.continuation_of(run.inst)
    if continuation is None:
        return step_after(run, last, step)
    doc_end = run.doc_span(last)[1]
    line = next((ln for ln in run.inst.lines if ln.start <= doc_end <= ln.end), run.inst.lines[-1])
    space = " " if continuation.space_before_escape else ""
    escape = space + run.inst.escape + doc.style.newline_of(line) + continuation.indent
    leads = continuation.operator_leads
    if leads if leads is not None else doc.style.continuation.operator_leads:
        return Edit.insert(doc_end, f"{escape}&& {step}")
    return Edit.insert(doc_end, f" &&{escape}{step}")


def step_after(run: RunScript, span: tuple[int, int], step: str) -> Edit:
    """`` && step`` right after the script span ``span``, on its line."""
    return Edit.insert(run.doc_span(span)[1], f" && {step}")


Joiner = Literal["&&", ";", "\n"]


def insert_step(doc: Dockerfile, run: RunScript, before: tuple[int, int], step: str,
                joiner: Joiner = "&&") -> Edit:
    """Add ``step`` before the script span ``before``, joined to it by ``joiner``: ``step && ``,
    ``step; ``, or a line of its own in a heredoc (ended like the heredoc's lines, indented like the
    line it goes above)."""
    if joiner == "\n":
        at = run.source.doc_offset(before[0])
        line = next((ln for ln in run.inst.lines if ln.start <= at < ln.end), run.inst.lines[-1])
        separator = doc.style.newline_of(line) + run.indent_before(before)
    else:
        separator = f"{joiner} " if joiner == ";" else f" {joiner} "
    return run.insert_before(before, step + separator)
