"""Run the passes over a Dockerfile to a fixpoint, applying allowed fixes that keep the file valid."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .config import Config
from .context import BuildContext
from .edits import Edit, EditConflict, apply_edits, sort_edits
from .model import Dockerfile, Problem, parse
from .passes import PASSES
from .passes.base import Finding, Pass, Safety
from .postcheck import post_check
from .suppress import is_suppressed


class Status(enum.Enum):
    """What happened to a finding."""

    APPLIED = "applied"
    NEEDS_UNSAFE = "needs-unsafe"  # an UNSAFE fix that --unsafe would apply
    SUGGESTION = "suggestion"  # shown only
    REJECTED = "rejected"  # the fix broke an invariant and was dropped
    CONFLICT = "conflict"  # overlapped another fix and could not be applied in the rounds allowed


@dataclass(frozen=True)
class Reported:
    """A finding as the user sees it: the pass, the line in the original file, and its outcome."""

    pass_: Pass
    finding: Finding
    line: int
    status: Status
    detail: str = ""

    @property
    def safety(self) -> Safety:
        return self.finding.safety

    @property
    def hadolint(self) -> tuple[str, ...]:
        """The hadolint rules this change resolves."""
        rules = self.finding.hadolint
        return rules if rules is not None else self.pass_.hadolint


@dataclass(frozen=True)
class Result:
    """Everything ``optimize`` learned about one Dockerfile."""

    original: str
    text: str
    findings: tuple[Reported, ...] = ()
    problems: tuple[Problem, ...] = ()  # the input itself is invalid; nothing was changed
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def applied(self) -> tuple[Reported, ...]:
        return tuple(r for r in self.findings if r.status is Status.APPLIED)


def selected_passes(config: Config) -> tuple[Pass, ...]:
    return tuple(p for p in PASSES if config.wants(p.id, p.name))


def optimize(text: str, context: BuildContext | None = None, config: Config | None = None) -> Result:
    """Optimize Dockerfile text. Never raises for bad input: problems are in the result."""
    config = config or Config()
    context = context or BuildContext.unknown()
    doc = parse(text)
    if doc.problems:
        return Result(text, text, problems=doc.problems)
    history = _History(text)
    applied: list[Reported] = []
    remaining: list[Reported] = []
    warnings: dict[str, None] = {}  # ordered set
    for _ in range(config.max_rounds):
        remaining = []
        changed = False
        for pass_ in selected_passes(config):
            try:
                doc, reported = _run_pass(pass_, doc, context, config, history)
            except Exception as error:  # a bug in a pass must not take the file (or the run) down
                warnings[f"internal error in {pass_.id} {pass_.name}, pass skipped: "
                         f"{type(error).__name__}: {error}"] = None
                continue
            changed |= any(r.status is Status.APPLIED for r in reported)
            applied.extend(r for r in reported if r.status is Status.APPLIED)
            remaining.extend(r for r in reported if r.status is not Status.APPLIED)
        if not changed:
            return Result(text, doc.text, tuple(applied + remaining), warnings=tuple(warnings))
    warnings[f"fixes did not settle after {config.max_rounds} rounds; the last round's changes are kept"] = None
    return Result(text, doc.text, tuple(applied + remaining), warnings=tuple(warnings))


def _allowed(safety: Safety, config: Config) -> bool:
    return safety is Safety.SAFE or (safety is Safety.UNSAFE and config.unsafe)


def _run_pass(pass_: Pass, doc: Dockerfile, context: BuildContext, config: Config,
              history: _History) -> tuple[Dockerfile, list[Reported]]:
    """Check one pass and apply its allowed fixes, each kept only if the file stays valid."""
    reported: list[Reported] = []
    accepted: list[Edit] = []
    accepted_doc = doc
    for finding in pass_.check(doc, context, config):
        if is_suppressed(doc, finding, pass_):
            continue
        line = history.original_line(doc.text, finding.line)
        fix = finding.fix
        if fix is None or fix.safety is Safety.SUGGESTION:
            reported.append(Reported(pass_, finding, line, Status.SUGGESTION))
            continue
        if not _allowed(fix.safety, config):
            reported.append(Reported(pass_, finding, line, Status.NEEDS_UNSAFE))
            continue
        try:
            candidate = parse(apply_edits(doc.text, [*accepted, *fix.edits]))
        except EditConflict:
            reported.append(Reported(pass_, finding, line, Status.CONFLICT))
            continue
        reason = post_check(doc, candidate, fix.declares | pass_.declares, config)
        if reason:
            reported.append(Reported(pass_, finding, line, Status.REJECTED, reason))
            continue
        accepted.extend(fix.edits)
        accepted_doc = candidate
        reported.append(Reported(pass_, finding, line, Status.APPLIED))
    if accepted:
        history.record(accepted)
    return accepted_doc, reported


@dataclass
class _History:
    """The edit batches applied so far, to map a line of the current text back to the original."""

    original: str
    batches: list[list[Edit]] = field(default_factory=list)

    def record(self, edits: list[Edit]) -> None:
        self.batches.append(sort_edits(edits))

    def original_line(self, current: str, line: int) -> int:
        offset = _line_offset(current, line)
        for edits in reversed(self.batches):
            offset = _map_back(offset, edits)
        return self.original.count("\n", 0, offset) + 1


def _line_offset(text: str, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos


def _map_back(offset: int, edits: list[Edit]) -> int:
    """Map an offset in the edited text to the text before ``edits`` (sorted, non-overlapping)."""
    shift = 0
    for edit in edits:
        new_start = edit.start + shift
        new_end = new_start + len(edit.replacement)
        if offset < new_start:
            break
        if offset < new_end:
            return edit.start
        shift += len(edit.replacement) - (edit.end - edit.start)
    return offset - shift

