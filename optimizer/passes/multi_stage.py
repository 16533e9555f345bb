"""What the multi-stage passes (DO301, DO302, DO305, DO306) share: the builder's name and their fix's declarations."""

from __future__ import annotations

from ..edits import Edit, apply_edits
from ..model import Dockerfile, parse
from ..postcheck import RUNTIME_KEYWORDS

BUILDER_NAMES = ("build", "builder", "build-stage")


def free_stage_name(doc: Dockerfile) -> str:
    """A name for a new builder stage that no stage has (stage names are not case-sensitive)."""
    used = {s.name.lower() for s in doc.stages if s.name}
    candidates = (*BUILDER_NAMES, *(f"build-{n}" for n in range(2, len(used) + 3)))
    return next(n for n in candidates if n not in used)


def declares(doc: Dockerfile, edits: list[Edit]) -> frozenset[str]:
    """``stages``, and ``runtime`` only when the final image's CMD/ENTRYPOINT/USER/WORKDIR/EXPOSE change."""
    after = parse(apply_edits(doc.text, edits))
    return frozenset({"stages"} | ({"runtime"} if _runtime(doc) != _runtime(after) else set()))


def _runtime(doc: Dockerfile) -> list[tuple[str, tuple[str, ...], bool]]:
    """The final stage's settings the post-check compares (``postcheck.RUNTIME_KEYWORDS``)."""
    return [(i.keyword, i.value, i.exec_form) for i in doc.stages[-1].instructions if i.keyword in RUNTIME_KEYWORDS]
