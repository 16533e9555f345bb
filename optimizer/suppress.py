"""Suppression comments: ``# dockeropt: ignore=<id|name>[,...]`` and ``# hadolint ignore=DLxxxx``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Dockerfile, Instruction
    from .passes.base import Finding, Pass

_IGNORE = re.compile(r"#\s*(dockeropt:|hadolint)\s*ignore\s*=\s*([\w\-, ]+)", re.IGNORECASE)


def ignored_keys(inst: Instruction) -> set[str]:
    """Every id, name or hadolint code named by ignore comments owned by ``inst`` (upper-cased)."""
    keys: set[str] = set()
    for line in inst.comments:
        match = _IGNORE.search(line.content)
        if match:
            keys.update(k.strip().upper() for k in match.group(2).split(",") if k.strip())
    return keys


def is_suppressed(doc: Dockerfile, finding: Finding, pass_: Pass) -> bool:
    """True when the instruction the finding is on carries an ignore comment naming this pass."""
    inst = doc.instruction_at(finding.line)
    if inst is None or not inst.comments:
        return False
    keys = ignored_keys(inst)
    rules = finding.hadolint if finding.hadolint is not None else pass_.hadolint
    return bool(keys & {pass_.id.upper(), pass_.name.upper(), *rules})
