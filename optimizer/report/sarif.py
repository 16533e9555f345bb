"""The SARIF 2.1.0 report (``--format sarif``) for code scanning: rules from the passes' metadata,
one result per finding with its location, and the text edits of SAFE fixes."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from .. import __version__
from ..diff import unified_diff
from ..docs import explain
from ..passes import PASSES
from .files import FileReport

if TYPE_CHECKING:
    from ..passes.base import Pass
    from ..pipeline import Reported, Result

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
_LEVEL = {"safe": "warning", "unsafe": "warning", "suggestion": "note"}


def to_sarif(reports: list[FileReport]) -> str:
    index = {p.id: i for i, p in enumerate(PASSES)}
    results: list[dict[str, object]] = []
    notifications: list[dict[str, object]] = []
    for report in reports:
        if report.error:
            notifications.append({"level": "error", "message": {"text": report.error},
                                  "locations": [_location(report.path, None)]})
        if report.result is not None:
            results += [_result(report, report.result, r, index[r.pass_.id]) for r in report.result.findings]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dockeropt", "version": __version__, "rules": [_rule(p) for p in PASSES]}},
            "invocations": [{"executionSuccessful": not notifications,
                             "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"


def _rule(pass_: Pass) -> dict[str, object]:
    doc = explain(pass_)
    return {
        "id": pass_.id,
        "name": pass_.name,
        "shortDescription": {"text": pass_.title},
        "fullDescription": {"text": pass_.what},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": _LEVEL[pass_.safety.value]},
        "properties": {"tags": ["dockerfile", pass_.safety.value], "hadolint": list(pass_.hadolint)},
    }


def _result(report: FileReport, result: Result, r: Reported, rule_index: int) -> dict[str, object]:
    message = r.finding.message + (f" ({r.detail})" if r.detail else "")
    found: dict[str, object] = {
        "ruleId": r.pass_.id,
        "ruleIndex": rule_index,
        "level": _LEVEL[r.safety.value],
        "message": {"text": message},
        "locations": [_location(report.path, r.line)],
        "properties": {"safety": r.safety.value, "status": r.status.value, "hadolint": list(r.hadolint),
                       **({"risk": r.finding.risk} if r.finding.risk else {})},
    }
    if r.status.value == "applied" and r.safety.value == "safe":
        changes = _changes(report, result, r)
        if changes:
            found["fixes"] = [{"description": {"text": r.pass_.title}, "artifactChanges": changes}]
    return found


def _location(path: str, line: int | None) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": "stdin" if path == "-" else path}}
    if line is not None:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def _changes(report: FileReport, result: Result, r: Reported) -> list[dict[str, object]]:
    """The Dockerfile's changed line ranges at this finding's line, and the files its fix writes."""
    old, new = result.original.splitlines(keepends=True), result.text.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    replacements: list[dict[str, object]] = []
    for match in _HUNK.finditer(unified_diff(result.original, result.text, "Dockerfile", context=0)):
        a, b, c, d = (int(g) if g is not None else 1 for g in match.groups())
        first, last = (a, a + b - 1) if b else (a + 1, a)  # an insertion goes after line a
        if not (first - 1 <= r.line <= max(last, first)):
            continue
        begin, end = starts[first - 1], starts[last] if b else starts[first - 1]
        replacements.append({"deletedRegion": {"charOffset": begin, "charLength": end - begin},
                             "insertedContent": {"text": "".join(new[c - 1:c - 1 + d] if d else [])}})
    changes: list[dict[str, object]] = \
        [{"artifactLocation": {"uri": report.path}, "replacements": replacements}] if replacements else []
    written = {f.path for f in r.finding.fix.files} if r.finding.fix else set()
    for new_file, extra in zip(result.extra_files, report.files):
        if new_file.path in written:
            at = len(new_file.original or "")
            changes.append({"artifactLocation": {"uri": extra.path}, "replacements": [{
                "deletedRegion": {"charOffset": at, "charLength": 0},
                "insertedContent": {"text": new_file.text[at:]}}]})
    return changes
