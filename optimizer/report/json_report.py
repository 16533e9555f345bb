"""The JSON report (schema version 1, documented in the README)."""

from __future__ import annotations

import json

from .files import FileReport

SCHEMA_VERSION = 1


def to_json(reports: list[FileReport], *, written: bool) -> str:
    return json.dumps({
        "version": SCHEMA_VERSION,
        "written": written,
        "files": [_file(r) for r in reports],
    }, indent=2) + "\n"  # ASCII: undecodable bytes become \udcXX escapes


def _file(report: FileReport) -> dict[str, object]:
    result = report.result
    return {
        "path": report.path,
        "changed": report.changed,
        "written": report.written,
        "error": report.error or None,
        "diff": report.diff,
        "files": [{"path": f.path, "diff": f.diff, "new": f.new} for f in report.files],
        "warnings": list(result.warnings) if result else [],
        "findings": [{
            "id": r.pass_.id,
            "name": r.pass_.name,
            "line": r.line,
            "message": r.finding.message,
            "title": r.pass_.title,
            "safety": r.safety.value,
            "status": r.status.value,
            "detail": r.detail or None,
            "risk": r.finding.risk or None,
            "hadolint": list(r.hadolint),
            "after": {"id": r.after.pass_.id, "line": r.after.line} if r.after else None,
        } for r in (result.findings if result else ())],
    }
