"""What the bot would change in a folder: each Dockerfile optimized with its project's config."""

from __future__ import annotations

from pathlib import Path

from ..discover import find_dockerfiles
from ..record import record
from ..report.files import FileReport
from ..session import Request, optimize_path, write_outcome


@record
class Plan:
    """Every Dockerfile of a repository, what changes, and the files that could not be read."""

    files: tuple[FileReport, ...]  # paths relative to the repository's root
    errors: tuple[str, ...] = ()

    @property
    def changed(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if f.changed)

    @property
    def diff(self) -> str:
        return "".join(f.full_diff for f in self.changed)


def make_plan(root: Path, *, unsafe: bool = False) -> Plan:
    """Optimize every Dockerfile under ``root`` (nothing is written)."""
    request = Request(flags={"unsafe": unsafe}, root=root)
    reports = [optimize_path(str(dockerfile), request) for dockerfile in find_dockerfiles(root)]
    return Plan(tuple(r for r in reports if not r.error), tuple(r.error for r in reports if r.error))


def apply_plan(plan: Plan) -> tuple[str, ...]:
    """Write the plan's changes (into the scratch clone it was made on, never the user's checkout);
    returns the errors of the files that could not be written."""
    return tuple(error for error in (write_outcome(report).error for report in plan.changed) if error)
