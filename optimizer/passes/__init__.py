"""The passes. Each module keeps its rationale, safety notes and examples; ``PASSES`` (all of them, in run
order) is imported on first use: a run imports only the passes ``_index.INDEX`` selects for its file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from .all import PASSES


def __getattr__(name: str) -> object:
    if name == "PASSES":
        from .all import PASSES

        return PASSES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PASSES", "Example", "Finding", "Fix", "Pass", "Safety"]
