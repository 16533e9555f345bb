"""Suppression comments: ``# dockeropt: ignore=<id|name>[,...]`` and ``# hadolint ignore=DLxxxx``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Dockerfile, Instruction
    from .passes.base import Finding, Pass

_IGNORE = re.compile(r"#\s*(dockeropt:|hadolint)\s*ignore\s*=\s*([\w\-, ]+)", re.IGNORECASE)


def _ignored_keys(inst: Instruction) -> set[str]:
    """Every id, name or hadolint code named by ignore comments owned by ``inst`` (upper-cased)."""
    keys: set[str] = set()
    for line in inst.comments:
        match = _IGNORE.search(line.content)
        if match:
            keys.update(k.strip().upper() for k in match.group(2).split(",") if k.strip())
    return keys


def has_ignore_comment(inst: Instruction) -> bool:
    """``inst`` owns an ignore comment for any rule (a fix that moves its comments changes what they suppress)."""
    return bool(_ignored_keys(inst))


def is_suppressed(doc: Dockerfile, finding: Finding, pass_: Pass) -> bool:
    """True when an instruction the finding is on or touches carries an ignore comment naming this pass."""
    rules = finding.hadolint if finding.hadolint is not None else pass_.hadolint
    names = {pass_.id.upper(), pass_.name.upper(), *rules}
    for line in (finding.line, *finding.touches):
        inst = doc.instruction_at(line)
        if inst is not None and inst.comments and _ignored_keys(inst) & names:
            return True
    return False
