"""What the Maven and Gradle halves of DO202 share: the instructions above the build, the copy's flags,
the wrapper's chmod, and the finding that inserts the resolution lines above the source copy."""

from __future__ import annotations

from collections.abc import Callable

from ...edits import Edit
from ...facts.runscript import mounts, run_script
from ...model import Dockerfile, Instruction
from ...shell import Command
from ..base import Finding, Fix, Safety

ID, NAME = "DO202", "dependency-manifests-first"


def segment_above(doc: Dockerfile, run_inst: Instruction) -> list[Instruction] | None:
    """The COPY/ADD/RUN/WORKDIR instructions right above ``run_inst`` in its stage, in file order."""
    stage = doc.stage_of(run_inst)
    if stage is None:
        return None
    insts = list(stage.instructions)
    index = next(i for i, inst in enumerate(insts) if inst is run_inst)
    segment = []
    for inst in reversed(insts[:index]):
        if inst.keyword not in ("COPY", "ADD", "RUN", "WORKDIR"):
            break
        segment.append(inst)
    segment.reverse()
    return segment


def lands_in(path: str | None, project: str) -> bool:
    return path is not None and (path == project or path.startswith(project.rstrip("/") + "/"))


def reads_context_or_caches(run_inst: Instruction, cache_dir: str) -> bool:
    """A bind mount (it reads the context) or a cache mount on the tool's cache dir: no split."""
    return any(m["type"] == "bind" or (m["type"] == "cache" and cache_dir in m.get("target", ""))
               for m in mounts(run_inst))


def tool_runs_above(doc: Dockerfile, segment: list[Instruction], runs_tool: Callable[[Command], bool]) -> bool:
    """A RUN above the build runs the tool already (its resolution is there: idempotence) or cannot be read."""
    for inst in segment:
        if inst.keyword == "RUN":
            other = run_script(doc, inst)
            if other is None or any(runs_tool(command) for command in other.script.commands):
                return True
    return False


def wrapper_chmod(doc: Dockerfile, segment: list[Instruction], first_source: Instruction, wrapper: str) -> str:
    """``chmod +x mvnw && `` when a RUN between the copy and the build makes the wrapper executable."""
    for inst in segment[segment.index(first_source) + 1:]:
        if inst.keyword != "RUN":
            continue
        run = run_script(doc, inst)
        if run is None:
            continue
        for command in run.script.commands:
            if command.name == "chmod" and any((w.value or "").endswith(wrapper) for w in command.words):
                return run.script.text[command.span[0]:command.span[1]] + " && "
    return ""


def copy_flags(first_source: Instruction) -> str | None:
    """The flags of the source copy that the new copies keep; None when it has another flag."""
    if any(flag.name not in ("chown", "chmod", "link") for flag in first_source.effective.flags):
        return None
    return " ".join(flag.text for flag in first_source.effective.flags)


def finding(first_source: Instruction, run_inst: Instruction, moved: list[Instruction], message: str,
            edits: tuple[Edit, ...], risk: str) -> Finding:
    """The finding on the source copy; it touches the build RUN the new lines serve and the WORKDIRs that move up."""
    return Finding(ID, first_source.start_line, message, Fix(edits, Safety.UNSAFE), risk=risk,
                   end_line=run_inst.end_line, touches=(run_inst.start_line, *(inst.start_line for inst in moved)))
