"""Findings for CI systems: GitHub workflow annotations and GitLab Code Quality JSON."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from .files import FileReport

if TYPE_CHECKING:
    from ..pipeline import Reported

_GITHUB_LEVEL = {"safe": "warning", "unsafe": "warning", "suggestion": "notice"}
_GITLAB_SEVERITY = {"safe": "minor", "unsafe": "minor", "suggestion": "info"}


def to_github(reports: list[FileReport]) -> str:
    """One ``::warning file=...,line=...,title=...::message`` command per finding (``::error`` per bad file)."""
    lines = []
    for report in reports:
        if report.error:
            lines.append(_command("error", {"file": report.path, "title": "dockeropt"}, report.error))
        for r in report.result.findings if report.result else ():
            title = f"{r.pass_.id} {r.pass_.name} ({_status(r)})"
            message = r.finding.message + (f" ({r.detail})" if r.detail else "")
            if r.finding.risk:
                message += f"\nrisk: {r.finding.risk}"
            lines.append(_command(_GITHUB_LEVEL[r.safety.value], {"file": report.path, "line": str(r.line),
                                                                   "title": title}, message))
    return "".join(line + "\n" for line in lines)


def _command(level: str, properties: dict[str, str], message: str) -> str:
    props = ",".join(f"{key}={_property(value)}" for key, value in properties.items())
    return f"::{level} {props}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def to_gitlab(reports: list[FileReport]) -> str:
    """A Code Quality report: a JSON array of issues (description, check_name, fingerprint, severity, location)."""
    issues: list[dict[str, object]] = []
    seen: dict[str, int] = {}  # the fingerprint leaves the line out, so moved findings keep theirs
    for report in reports:
        found = [(1, "dockeropt", report.error, "major")] if report.error else []
        found += [(r.line, f"dockeropt/{r.pass_.id}", f"{r.pass_.id} {r.pass_.name} ({_status(r)}): "
                   f"{r.finding.message}", _GITLAB_SEVERITY[r.safety.value])
                  for r in (report.result.findings if report.result else ())]
        for line, check, description, severity in found:
            key = f"{report.path}\0{check}\0{description}"
            seen[key] = seen.get(key, 0) + 1
            fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
            issues.append({"description": description, "check_name": check, "fingerprint": fingerprint,
                           "severity": severity, "location": {"path": report.path, "lines": {"begin": line}}})
    return json.dumps(issues, indent=2) + "\n"


def _status(r: Reported) -> str:
    return {"applied": "fixable", "needs-unsafe": "fix with --unsafe"}.get(r.status.value, r.status.value)
