"""Which user a RUN runs as, from the USER instructions of its stage and the stages it is built FROM."""

from __future__ import annotations

import bisect

from ..model import Dockerfile, Instruction, Stage

_ROOT = frozenset({"root", "0"})


def user_in_force(doc: Dockerfile, inst: Instruction) -> str | None:
    """The last ``USER`` value before ``inst`` in its stage lineage; None when the file sets none
    (the base image's user, usually root)."""
    stage = doc.stage_of(inst)
    if stage is None:
        return None
    user = None
    for ancestor in reversed(doc.ancestors(stage)):
        user = _last_user(ancestor, len(ancestor.instructions), user)
    return _last_user(stage, stage.index_of.get(id(inst), len(stage.instructions)), user)


def _last_user(stage: Stage, before: int, user: str | None) -> str | None:
    """The last ``USER`` of ``stage`` among its first ``before`` instructions, else ``user``."""
    assignments = stage.user_assignments
    count = bisect.bisect_left(assignments, before, key=lambda assignment: assignment[0])
    return assignments[count - 1][1] if count else user


def is_root(user: str | None) -> bool:
    """``USER root``, ``USER 0:0`` ..., or no USER in the file (counted as the base image's root)."""
    return user is None or user.partition(":")[0] in _ROOT
