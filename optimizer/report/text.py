"""Human-readable finding lines: ``path:line: ID [safety, status] message``."""

from __future__ import annotations

from .files import FileReport

_STATUS_WORDS = {
    "applied": "fixed",
    "needs-unsafe": "fix with --unsafe",
    "suggestion": "suggestion",
    "rejected": "fix rejected",
    "conflict": "fix deferred",
}


def finding_lines(report: FileReport, *, written: bool) -> list[str]:
    """One line per finding (and per warning) of a file."""
    if report.error and report.result is None:
        return [report.error]
    lines = []
    for r in report.result.findings:
        status = _STATUS_WORDS[r.status.value]
        if r.status.value == "applied" and not written:
            status = "fixable"
        detail = f" ({r.detail})" if r.detail else ""
        label = status if status == r.safety.value else f"{r.safety.value}, {status}"
        lines.append(f"{report.path}:{r.line}: {r.pass_.id} {r.pass_.name} [{label}] {r.finding.message}{detail}")
        if r.finding.risk:
            # For a suggestion the risk is why dockeropt leaves the change to a person.
            lines.append(f"    {'not applied' if r.status.value == 'suggestion' else 'risk'}: {r.finding.risk}")
    lines.extend(f"{report.path}: warning: {w}" for w in report.result.warnings)
    if report.error:
        lines.append(report.error)
    return lines


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
