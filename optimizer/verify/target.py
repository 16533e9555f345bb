"""``verify --target STAGE``: the stages a build of one target stage runs, and whether the rewrite touches them.

A build with ``--target`` runs the target stage and the stages it needs: the stage it is built FROM,
those its ``COPY --from=`` and ``RUN --mount=from=`` name, and so on. A rewrite that changes none of
their instructions is not proven by building that target: verify refuses it and names the lines it changed.
"""

from __future__ import annotations

from ..model import Dockerfile, Stage


class TargetError(ValueError):
    """The target stage does not exist, or the rewrite changes nothing it builds; ``str()`` is the message."""


def needed_stages(doc: Dockerfile, target: str) -> list[Stage]:
    """The target stage and every stage its build needs, in file order; TargetError when there is no such stage."""
    stage = doc.stage_named(target)
    if stage is None:
        names = ", ".join(s.name or str(s.index) for s in doc.stages)
        raise TargetError(f"--target {target}: no such stage (stages: {names})")
    found, todo = {}, [stage]
    while todo:
        current = todo.pop()
        if current.index in found:
            continue
        found[current.index] = current
        todo += [s for s in (doc.parent_of(current), *map(doc.stage_named, _stage_references(current))) if s]
    return [found[i] for i in sorted(found)]


def check_target(original: Dockerfile, rewritten: Dockerfile, target: str, changed_lines: list[int],
                 context_changed: bool = False) -> None:
    """Raise TargetError unless both Dockerfiles have the stage and the rewrite changes what its build runs
    (an instruction it needs, or the context when ``context_changed``: a new .dockerignore); ``changed_lines``,
    the lines of the original the applied fixes are about, go into the message."""
    before, after = (needed_stages(doc, target) for doc in (original, rewritten))
    if _texts(before) == _texts(after) and not context_changed:
        lines = sorted(set(changed_lines))
        shown = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
        raise TargetError(f"--target {target}: the rewrite changes no instruction that a build of stage {target} "
                          f"runs, so building it proves nothing" + (f" (the fixes are on lines {shown})" if lines else ""))


def _stage_references(stage: Stage) -> list[str]:
    refs = [flag.value or "" for inst in stage.instructions for flag in inst.flags_named("from")]
    for inst in stage.instructions:
        for flag in inst.flags_named("mount"):
            refs += [part.split("=", 1)[1] for part in (flag.value or "").split(",") if part.startswith("from=")]
    return refs


def _texts(stages: list[Stage]) -> list[str]:
    return [inst.text for stage in stages for inst in (stage.from_, *stage.instructions)]
