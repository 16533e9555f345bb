"""DO110 maintainer-label: MAINTAINER <name> becomes LABEL maintainer=<name> (documented in PASS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..builders import New, render, replace
from ..model import Dockerfile, Instruction, Stage
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO110", "maintainer-label"


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        for inst in stage.instructions:
            if inst.keyword == "MAINTAINER" and inst.value:
                yield _finding(doc, stage, inst)


def _finding(doc: Dockerfile, stage: Stage, inst: Instruction) -> Finding:
    label = _label(inst)
    message = f"MAINTAINER is deprecated: use `{render(doc, [label], near=inst, newline='')}`"
    if len(inst.lines) > 1:
        return PASS.finding(inst.start_line, message, risk="the instruction spans several lines; rewrite it by hand")
    fix_safety = Safety.UNSAFE if _other_maintainer_label(stage) else Safety.SAFE
    edit = replace(doc, inst, [label])
    risk = "" if fix_safety is Safety.SAFE else \
        "the stage sets a `maintainer` label too; the later of the two wins, so its value may change"
    return PASS.finding(inst.start_line, message, Fix((edit,), fix_safety), risk=risk)


def _label(inst: Instruction) -> New:
    """``LABEL maintainer="<value>"`` with what LABEL would expand or unquote escaped."""
    escape = inst.escape
    value = "".join(escape + ch if ch in ('"', "$", escape) else ch for ch in " ".join(inst.value))
    return New("LABEL", f'maintainer="{value}"')


def _other_maintainer_label(stage: Stage) -> bool:
    return any(i.keyword == "LABEL" and "maintainer" in (k.strip("\"'").lower() for k in i.value[::2])
               for i in stage.instructions)


PASS = Pass(
    # Trigger: it reports only MAINTAINER instructions.
    triggers=("maintainer",),
    id=ID,
    name=NAME,
    title="Use LABEL maintainer=... instead of the deprecated MAINTAINER",
    what="""
        A one-line `MAINTAINER` in any stage becomes a `LABEL maintainer="..."` in its place, keyword case
        kept (`maintainer` -> `label`). MAINTAINER does not expand variables and LABEL does, so `$`, `"` and
        the escape character are escaped in the value. A MAINTAINER written over several lines, whose
        continuation lines may hold comments, is only reported.
    """,
    why="""
        `MAINTAINER` has been deprecated since Docker 1.13; BuildKit warns about it (`MaintainerDeprecated`)
        and hadolint reports DL4000. It writes the image's `Author` field, which few tools read; the
        `maintainer` label is what registries, scanners and `docker inspect --format '{{.Config.Labels}}'`
        show, and it is what the official images use.
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because no program in the container can see the image's `Author` field or its labels (neither
        reaches the container's filesystem, environment or process), provided no other `maintainer` label
        is set in the stage. What does change, and is declared: `docker inspect` shows the name as the
        `maintainer` label instead of `Author`; a child image inherits labels but not `Author`.

        Unsafe because, with another `maintainer` label in the stage, the new label would override it or be
        overridden by it, depending on order.
    """,
    examples=(Example(before='FROM debian:12\nMAINTAINER Jane Doe <jane@example.org>\n',
                      after='FROM debian:12\nLABEL maintainer="Jane Doe <jane@example.org>"\n'),),
    check=check,
    hadolint=("DL4000",),
)
