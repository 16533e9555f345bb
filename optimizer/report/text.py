"""Human-readable finding lines (``path:line: ID name [safety, status] message``), statistics and the summary."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Sequence, TypedDict

from .files import FileReport

if TYPE_CHECKING:
    from ..pipeline import Reported

_STATUS_WORDS = {
    "applied": "fixed",
    "needs-unsafe": "fix with --unsafe",
    "suggestion": "suggestion",
    "rejected": "fix rejected",
    "conflict": "fix deferred",
}
_ANSI = {"path": "1", "id": "1;31", "label": "36", "warning": "33", "error": "1;31"}


class PassCount(TypedDict):
    """One row of ``--statistics``."""

    id: str
    name: str
    count: int
    fixable: int


def paint(text: str, role: str, colour: bool) -> str:
    """``text`` in the colour of its role (bold path, red id, cyan label ...) when ``colour``."""
    return f"\x1b[{_ANSI[role]}m{text}\x1b[0m" if colour else text


def finding_lines(report: FileReport, *, written: bool, verbose: bool = False, colour: bool = False) -> list[str]:
    """One line per finding (and per warning) of a file. Risk paragraphs follow the findings whose fix
    is applied (or would be, without ``--check``); the others' only with ``verbose``."""
    if report.result is None:  # then ``error`` says why
        return [paint(report.error, "error", colour)]
    lines = []
    for depth, r in _nested(report.result.findings):
        status = _STATUS_WORDS[r.status.value]
        if r.status.value == "applied" and not written:
            status = "fixable"
        detail = f" ({r.detail})" if r.detail else ""
        label = status if status == r.safety.value else f"{r.safety.value}, {status}"
        where = paint(f"{report.path}:{r.line}:", "path", colour)
        after = f"  after {r.after.pass_.id}: " if depth and r.after is not None else ""
        lines.append(f"{after}{where} {paint(r.pass_.id, 'id', colour)} {r.pass_.name} {paint(f'[{label}]', 'label', colour)} "
                     f"{r.finding.message}{detail}")
        if r.finding.risk and (verbose or r.status.value == "applied"):
            # For a suggestion the risk is why dockeropt leaves the change to a person.
            lines.append(f"    {'not applied' if r.status.value == 'suggestion' else 'risk'}: {r.finding.risk}")
    lines.extend(f"{paint(f'{report.path}:', 'path', colour)} {paint('warning:', 'warning', colour)} {w}"
                 for w in report.result.warnings)
    if report.error:
        lines.append(paint(report.error, "error", colour))
    return lines


def _nested(findings: Sequence[Reported]) -> list[tuple[int, Reported]]:
    """The findings in line order, each followed by those that exist only because of its fix (depth 1)."""
    ids = {id(r) for r in findings}
    under: dict[int, list[Reported]] = {}
    for r in findings:
        if r.after is not None and id(r.after) in ids:
            under.setdefault(id(r.after), []).append(r)
    ordered: list[tuple[int, Reported]] = []

    def visit(r: Reported, depth: int) -> None:
        ordered.append((depth, r))
        for child in under.get(id(r), ()):
            visit(child, 1)
    for r in findings:
        if r.after is None or id(r.after) not in ids:
            visit(r, 0)
    return ordered


def statistics(reports: list[FileReport]) -> list[PassCount]:
    """Findings per pass, most frequent first: id, name, count, and how many are fixable."""
    findings = [r for report in reports if report.result for r in report.result.findings]
    counts = Counter(r.pass_.id for r in findings)
    fixable = Counter(r.pass_.id for r in findings if r.status.value == "applied")
    names = {r.pass_.id: r.pass_.name for r in findings}
    return [PassCount(id=key, name=names[key], count=count, fixable=fixable[key])
            for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def statistics_lines(reports: list[FileReport]) -> list[str]:
    """The statistics as aligned text: ``count  id  name  (n fixable)``."""
    rows = statistics(reports)
    width = max((len(str(row["count"])) for row in rows), default=1)
    return [f"{row['count']:>{width}}  {row['id']}  {row['name']}"
            + (f"  ({row['fixable']} fixable)" if row["fixable"] else "") for row in rows]


def summary(reports: list[FileReport], *, written: bool) -> str:
    """The closing line, e.g. ``2 files would change, 1 error``."""
    changed = sum(r.changes - (sum(not f.written for f in r.files) if written else 0) for r in reports)
    errors = sum(bool(r.error) for r in reports)
    verb = "changed" if written else "would change"
    parts = [f"{changed} file{'s' * (changed != 1)} {verb}" if changed else "nothing to change"]
    unsafe = sum(1 for r in reports if r.result for f in r.result.findings if f.status.value == "needs-unsafe")
    if unsafe:
        parts.append(f"{unsafe} more fix{'es' * (unsafe != 1)} with --unsafe")
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)}")
    return ", ".join(parts)
