"""Run the passes over a Dockerfile to a fixpoint, applying allowed fixes that keep the file valid."""

from __future__ import annotations

import bisect
import enum
import itertools
import re
import time
from functools import cached_property, lru_cache
from typing import Literal

from .config import Config
from .context import BuildContext
from .facts.context_escapes import escape_warnings
from .edits import Edit, EditConflict, apply_edits, sort_edits
from .model import Dockerfile, Problem, parse
from .passes._index import INDEX
from .passes.base import Finding, Fix, NewFile, Pass, Safety
from .passes.index import Entry, trigger_text, triggered
from .postcheck import file_problem, post_check
from .record import field, record, replace
from .suppress import is_suppressed


class TimeLimitExceeded(Exception):
    """``optimize`` ran past ``Config.time_limit``; nothing it did so far is kept."""


class Status(enum.Enum):
    """What happened to a finding."""

    APPLIED = "applied"
    NEEDS_UNSAFE = "needs-unsafe"  # an UNSAFE fix that --unsafe would apply
    SUGGESTION = "suggestion"  # shown only
    REJECTED = "rejected"  # the fix broke an invariant and was dropped
    CONFLICT = "conflict"  # overlapped another fix and could not be applied in the rounds allowed


@record
class Reported:
    """A finding as the user sees it: the pass, the line in the original file, and its outcome."""

    pass_: Pass
    finding: Finding
    line: int
    status: Status
    detail: str = ""
    after: Reported | None = None  # the applied fix without which this finding would not exist

    @property
    def safety(self) -> Safety:
        return self.finding.safety

    @property
    def hadolint(self) -> tuple[str, ...]:
        """The hadolint rules this change resolves."""
        rules = self.finding.hadolint
        return rules if rules is not None else self.pass_.hadolint


@record
class Result:
    """Everything ``optimize`` learned about one Dockerfile."""

    original: str
    text: str
    findings: tuple[Reported, ...] = ()
    problems: tuple[Problem, ...] = ()  # the input itself is invalid; nothing was changed
    warnings: tuple[str, ...] = ()
    extra_files: tuple[NewFile, ...] = ()  # files beside the Dockerfile that applied fixes create or extend

    @property
    def changed(self) -> bool:
        """The Dockerfile's text changed (``extra_files`` lists the files beside it that change)."""
        return self.text != self.original

    @property
    def applied(self) -> tuple[Reported, ...]:
        return tuple(r for r in self.findings if r.status is Status.APPLIED)


def selected_entries(config: Config) -> tuple[Entry | Pass, ...]:
    """The passes ``config`` selects, in run order, as the index lists them (nothing imported)."""
    return tuple(p for p in INDEX if config.wants(p.id))


def selected_passes(config: Config) -> tuple[Pass, ...]:
    """The passes ``config`` selects (imports each)."""
    return tuple(p.load() if isinstance(p, Entry) else p for p in selected_entries(config))


def optimize(text: str, context: BuildContext | None = None, config: Config | None = None,
             passes: tuple[Pass, ...] | None = None) -> Result:
    """Optimize Dockerfile text. Never raises for bad input: problems are in the result.

    ``passes`` replaces the passes ``config`` selects (e.g. a test-only pass). A pass runs (and its module
    is imported) only when one of its trigger words occurs in the text it would be given. Raises
    ``TimeLimitExceeded`` once ``config.time_limit`` has passed (checked before each pass and finding).
    """
    config = config or Config()
    context = context or BuildContext.unknown()
    deadline = time.monotonic() + config.time_limit if config.time_limit is not None else None
    doc = parse(text)
    if doc.problems:
        return Result(text, text, problems=doc.problems)
    history = _History(text, context, config, doc)
    files = _Files(context)
    applied: list[Reported] = []
    remaining: list[Reported] = []
    warnings: dict[str, None] = dict.fromkeys(escape_warnings(doc))  # ordered set
    chosen = passes if passes is not None else selected_entries(config)
    found = trigger_text(text)  # of the text in ``doc``, computed again when a fix changes it
    found_in = doc
    for _ in range(config.max_rounds):
        remaining = []
        files.new_round()
        changed = False
        for item in chosen:
            _check_time(deadline)
            if found_in is not doc:
                found, found_in = trigger_text(doc.text), doc
            if not triggered(item, found):
                continue
            pass_ = item.load() if isinstance(item, Entry) else item
            try:
                doc, reported = _run_pass(pass_, doc, context, config, history, files, deadline)
            except TimeLimitExceeded:
                raise
            except Exception as error:  # a bug in a pass must not take the file (or the run) down
                warnings[f"internal error in {pass_.id} {pass_.name}, pass skipped: "
                         f"{type(error).__name__}: {error}"] = None
                continue
            for r in reported:
                # A fix that only writes files leaves the text as it was: the pass proposes it again
                # next round, so it is reported (and its files kept) from the last round only.
                if r.status is Status.APPLIED and r.finding.fix is not None and r.finding.fix.edits:
                    changed = True
                    applied.append(r)
                else:
                    remaining.append(r)
        if not changed:
            break
    else:
        warnings[f"fixes did not settle after {config.max_rounds} rounds; the last round's changes are kept"] = None
    extra, rejected = files.final(doc)
    findings = _without_superseded(sorted((rejected.get(id(r), r) for r in applied + remaining), key=lambda r: r.line))
    return Result(text, doc.text, findings, warnings=tuple(warnings), extra_files=extra)


def _without_superseded(findings: list[Reported]) -> tuple[Reported, ...]:
    """The findings without those a better one replaces: a pass's findings on a line where a pass that
    supersedes it proposes a fix (one piece of advice a line, not two that disagree)."""
    replaced = {(other, r.line) for r in findings if r.finding.fix is not None for other in r.pass_.supersedes}
    return tuple(r for r in findings if (r.pass_.id, r.line) not in replaced)


def _check_time(deadline: float | None) -> None:
    """Give up once ``deadline`` (a ``time.monotonic()`` value) has passed."""
    if deadline is not None and time.monotonic() > deadline:
        raise TimeLimitExceeded


def _allowed(safety: Safety, config: Config) -> bool:
    return safety is Safety.SAFE or (safety is Safety.UNSAFE and config.unsafe)


def _run_pass(pass_: Pass, doc: Dockerfile, context: BuildContext, config: Config,
              history: _History, files: _Files, deadline: float | None = None) -> tuple[Dockerfile, list[Reported]]:
    """Check one pass and apply its allowed fixes, each kept only if the file stays valid."""
    reported: list[Reported] = []
    accepted: list[Edit] = []
    owners: list[Reported] = []  # the finding behind each accepted edit
    accepted_doc = doc
    findings = list(pass_.check(doc, context, config))
    together = _all_at_once(pass_, doc, findings, config)
    for finding in findings:
        _check_time(deadline)
        if is_suppressed(doc, finding, pass_):
            continue
        line, after = history.origin(pass_, doc.text, finding.line)
        fix = finding.fix
        if fix is None or fix.safety is Safety.SUGGESTION:
            reported.append(Reported(pass_, finding, line, Status.SUGGESTION, after=after))
            continue
        if not _allowed(fix.safety, config):
            reported.append(Reported(pass_, finding, line, Status.NEEDS_UNSAFE, after=after))
            continue
        status, reason = files.conflict(fix.files)
        if status is not None:
            reported.append(Reported(pass_, finding, line, status, reason, after=after))
            continue
        candidate = accepted_doc
        if fix.edits and together is None:
            try:
                candidate = parse(apply_edits(doc.text, [*accepted, *fix.edits]))
            except EditConflict:
                reported.append(Reported(pass_, finding, line, Status.CONFLICT, after=after))
                continue
            reason = post_check(doc, candidate, fix.declares | pass_.declares, config)
            if reason:
                reported.append(Reported(pass_, finding, line, Status.REJECTED, reason, after=after))
                continue
        reason = next(filter(None, (file_problem(candidate, context, f) for f in fix.files)), "")
        if reason:
            reported.append(Reported(pass_, finding, line, Status.REJECTED, reason, after=after))
            continue
        report = Reported(pass_, finding, line, Status.APPLIED, after=after)
        accepted.extend(fix.edits)
        owners.extend([report] * len(fix.edits))
        accepted_doc = candidate
        files.add(fix, report)
        reported.append(report)
    if accepted:
        history.record(accepted, owners)
    return together if together is not None and accepted else accepted_doc, reported


def _all_at_once(pass_: Pass, doc: Dockerfile, findings: list[Finding], config: Config) -> Dockerfile | None:
    """The document with every allowed fix of the pass applied at once, if that passes the post-check
    under the strictest of their declarations; None to check fix by fix. One parse per pass, not one
    per fix: a file with a thousand fixes stays linear. (Fixes that write files go fix by fix.)"""
    fixes = [f.fix for f in findings if f.fix is not None and f.fix.safety is not Safety.SUGGESTION
             and _allowed(f.fix.safety, config) and not is_suppressed(doc, f, pass_)]
    if len(fixes) < 2 or any(fix.files for fix in fixes):
        return None
    try:
        candidate = parse(apply_edits(doc.text, [edit for fix in fixes for edit in fix.edits]))
    except EditConflict:
        return None
    declares = frozenset.intersection(*(fix.declares for fix in fixes)) | pass_.declares
    return None if post_check(doc, candidate, declares, config) else candidate


class _Absent(enum.Enum):
    """A file that does not exist in the build context."""

    ABSENT = "absent"


_ABSENT = _Absent.ABSENT


@record(frozen=False)
class _Files:
    """The files beside the Dockerfile that applied fixes create or extend, with the findings behind them.

    Files of fixes that also edit the text are kept for good (those fixes are not proposed again);
    files of file-only fixes are proposed again every round, so each round starts without them.
    """

    context: BuildContext
    kept: dict[str, tuple[NewFile, list[Reported]]] = field(default_factory=dict)
    current: dict[str, tuple[NewFile, list[Reported]]] = field(default_factory=dict)

    def new_round(self) -> None:
        self.current = {path: (file, list(reports)) for path, (file, reports) in self.kept.items()}

    def conflict(self, new_files: tuple[NewFile, ...]) -> tuple[Status | None, str]:
        """Whether these files can be applied on top of what the context and earlier fixes hold."""
        for new in new_files:
            if new.path in self.current:
                if new.original != self.current[new.path][0].text:
                    return Status.CONFLICT, f"{new.path} was changed by another fix"
                continue
            on_disk = _on_disk(self.context, new.path)
            if new.original is None and on_disk is not _ABSENT:
                return Status.REJECTED, f"{new.path} already exists"
            if new.original is not None and new.original != on_disk:
                return Status.REJECTED, f"{new.path} is not what the fix expects"
        return None, ""

    def add(self, fix: Fix, report: Reported) -> None:
        for new in fix.files:
            reports: list[Reported] = []
            if new.path in self.current:  # built on an earlier fix's file: the diff starts from the disk
                earlier, reports = self.current[new.path]
                new = replace(new, original=earlier.original)
            self.current[new.path] = (new, [*reports, report])
            if fix.edits:
                self.kept[new.path] = self.current[new.path]

    def final(self, doc: Dockerfile) -> tuple[tuple[NewFile, ...], dict[int, Reported]]:
        """The files to write, re-checked against the final text, and the findings whose file failed."""
        extra: list[NewFile] = []
        rejected: dict[int, Reported] = {}
        for new, reports in self.current.values():
            reason = file_problem(doc, self.context, new)
            if reason:
                rejected.update((id(r), replace(r, status=Status.REJECTED, detail=reason)) for r in reports)
            else:
                extra.append(new)
        return tuple(extra), rejected


def _on_disk(context: BuildContext, path: str) -> str | None | Literal[_Absent.ABSENT]:
    """The current text of a context file, or _ABSENT; None when it exists but cannot be read."""
    if path not in context.files:
        return _ABSENT
    if path == context.dockerignore_path:
        return context.dockerignore_text
    return context.read_text(path)


@record(frozen=False)
class _History:
    """The edit batches applied so far (each edit with the finding it fixed), to map a line of the
    current text back to the original and to tell which earlier fix a finding depends on."""

    original: str
    context: BuildContext
    config: Config
    original_doc: Dockerfile  # the original text parsed (once, for the passes and their memos)
    batches: list[_Batch] = field(default_factory=list)
    first_lines: dict[str, frozenset[int]] = field(default_factory=dict)

    def record(self, edits: list[Edit], owners: list[Reported]) -> None:
        self.batches.append(_Batch(edits, owners))

    def origin(self, pass_: Pass, current: str, line: int) -> tuple[int, Reported | None]:
        """The line in the original text, and the earliest fix whose new text is on this line when the
        pass finds nothing on that line of the original (the finding exists only because of that fix)."""
        start, end = _line_offset(current, line), _line_offset(current, line + 1)
        creators: list[Reported] = []
        for batch in reversed(self.batches):
            creators += batch.creators(start, end)
            start, end = batch.map_back(start), max(batch.map_back(end), batch.map_back(start))
        original = bisect.bisect_right(_line_starts(self.original), start)
        if not creators or original in self._found_originally(pass_):
            return original, None
        return original, creators[-1]

    @cached_property
    def original_triggers(self) -> str | None:
        return trigger_text(self.original)

    def _found_originally(self, pass_: Pass) -> frozenset[int]:
        """The lines the pass finds something on in the original text (checked once, when first needed)."""
        if pass_.id not in self.first_lines:
            if not triggered(pass_, self.original_triggers):
                self.first_lines[pass_.id] = frozenset()  # its trigger words are not in the original
                return self.first_lines[pass_.id]
            try:
                found = frozenset(f.line for f in pass_.check(self.original_doc, self.context, self.config))
            except Exception:  # the pass fails on the original: nothing to compare with
                found = frozenset()
            self.first_lines[pass_.id] = found
        return self.first_lines[pass_.id]


class _Batch:
    """One pass's applied edits in document order, with the offsets of their new text, so that mapping
    an offset back or finding the edits on a line is a binary search (linear in the fix count overall)."""

    def __init__(self, edits: list[Edit], owners: list[Reported]) -> None:
        order = {id(edit): i for i, edit in enumerate(edits)}
        self.edits = sort_edits(edits)
        self.owners = [owners[order[id(edit)]] for edit in self.edits]
        self.starts = [edit.start for edit in self.edits]
        self.shifts = [0, *itertools.accumulate(len(e.replacement) - (e.end - e.start) for e in self.edits)]
        # Where each edit's new text begins: shifted by the edits that start strictly before it.
        self.new_starts = [e.start + self.shifts[bisect.bisect_left(self.starts, e.start)] for e in self.edits]
        # The same, shifted by every edit before it in order (where _map_back places it).
        self.placed = [e.start + self.shifts[i] for i, e in enumerate(self.edits)]

    def creators(self, start: int, end: int) -> list[Reported]:
        """The findings whose edits inserted text overlapping ``[start, end)`` (offsets after the batch)."""
        found = []
        i = bisect.bisect_left(self.new_starts, end) - 1
        while i >= 0 and self.new_starts[i] >= start:  # begins inside the range
            found.append(i)
            i -= 1
        if i >= 0:  # the edits beginning at the last point before the range may reach into it
            before = self.new_starts[i]
            while i >= 0 and self.new_starts[i] == before:
                found.append(i)
                i -= 1
        return [self.owners[i] for i in sorted(found)
                if self.edits[i].replacement and self.new_starts[i] < end
                and start < self.new_starts[i] + len(self.edits[i].replacement)]

    def map_back(self, offset: int) -> int:
        """Map an offset in the edited text to the text before the batch."""
        i = bisect.bisect_right(self.placed, offset) - 1
        if i < 0:
            return offset
        edit = self.edits[i]
        if offset < self.placed[i] + len(edit.replacement):
            return edit.start
        return offset - self.shifts[i + 1]


def _line_offset(text: str, line: int) -> int:
    starts = _line_starts(text)
    return starts[max(line, 1) - 1] if line <= len(starts) else len(text)


@lru_cache(maxsize=4)
def _line_starts(text: str) -> tuple[int, ...]:
    """The offset of each line of ``text`` (found once per text, not once per finding)."""
    return (0, *(match.end() for match in re.finditer("\n", text)))
