"""Which user a RUN runs as, from the USER instructions of its stage and the stages it is built FROM."""

from __future__ import annotations

from ..model import Dockerfile, Instruction

_ROOT = frozenset({"root", "0"})


def user_in_force(doc: Dockerfile, inst: Instruction) -> str | None:
    """The last ``USER`` value before ``inst`` in its stage lineage; None when the file sets none
    (the base image's user, usually root)."""
    stage = doc.stage_of(inst)
    if stage is None:
        return None
    user = None
    for ancestor in [*reversed(doc.ancestors(stage)), stage]:
        for candidate in ancestor.instructions:
            if candidate is inst:
                return user
            if candidate.trigger is None and candidate.keyword == "USER" and candidate.value:
                user = candidate.value[0]
    return user


def is_root(user: str | None) -> bool:
    """``USER root``, ``USER 0:0`` ..., or no USER in the file (counted as the base image's root)."""
    return user is None or user.partition(":")[0] in _ROOT
