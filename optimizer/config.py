"""Options that change what the optimizer does (from flags or ``[tool.dockeropt]``)."""

from __future__ import annotations

from typing import Mapping

from .record import field, record


@record
class Config:
    """Which passes run and which fixes may be applied."""

    select: frozenset[str] | None = None  # pass ids or names; None means every pass
    ignore: frozenset[str] = frozenset()
    unsafe: bool = False  # also apply UNSAFE fixes
    max_rounds: int = 5  # fixpoint cap: rounds of all passes before we give up converging
    post_check_oracle: bool = True  # also re-parse rewrites with BuildKit's parser when installed
    time_limit: float | None = None  # seconds optimize() may spend on one file; None: no limit
    #: the passes' own options that a flag or the config file set, by name ("java-runtime"); a pass
    #: reads its Option with ``option.of(config)``, which falls back to the declared default
    options: Mapping[str, bool | str] = field(default_factory=dict, hash=False)

    def wants(self, pass_id: str) -> bool:
        """Whether the pass runs: ``select`` and ``ignore`` hold ids, names, id prefixes or hadolint ids."""
        from .selection import selected

        if self.select is not None and pass_id not in selected(self.select):
            return False
        return pass_id not in selected(self.ignore)
