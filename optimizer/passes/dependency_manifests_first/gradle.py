"""DO202 for Gradle: copy the settings, build scripts, wrapper, gradle/ and buildSrc/ and run ``dependencies``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...builders import insert_above
from ...facts.build_tools import gradle_files, is_gradle, read_gradle
from ...facts.copies import destination, from_context, is_broad, is_copy, landing, normalise, sources, workdir_in_force
from ...facts.placement import resolution_lines, workdirs_to_move
from ...facts.runscript import env_in_force, run_script
from ...model import Dockerfile, Instruction
from ..base import Finding
from .layout import (copy_flags, finding, lands_in, reads_context_or_caches, segment_above, tool_runs_above,
                     wrapper_chmod)

if TYPE_CHECKING:
    from ...context import BuildContext


def gradle_finding(doc: Dockerfile, context: BuildContext, run_inst: Instruction) -> Finding | None:
    run = run_script(doc, run_inst)
    if run is None:
        return None
    gradle = read_gradle(run)
    if gradle is None:
        return None
    if reads_context_or_caches(run_inst, ".gradle"):
        return None
    cwd = workdir_in_force(doc, run_inst)
    segment = segment_above(doc, run_inst)
    if cwd is None or not segment:
        return None
    if tool_runs_above(doc, segment, is_gradle):
        return None
    # The first copy from the context into the project directory must be ``COPY . <project>``.
    first_source = None
    for inst in segment:
        if not is_copy(inst) or not any(from_context(inst, s) for s in sources(inst)):
            continue
        if inst.effective.flag("from") is not None or not lands_in(landing(doc, inst), cwd):
            continue
        first_source = inst
        break
    if first_source is None:
        return None
    moved = workdirs_to_move(segment, first_source)
    if moved is None:
        return None
    if (len(sources(first_source)) != 1 or not is_broad(sources(first_source)[0])
            or normalise("/" + sources(first_source)[0]) != "/" or landing(doc, first_source) != cwd):
        return None
    needed = gradle_files(context, gradle)
    if not needed:
        return None
    flags = copy_flags(first_source)
    if flags is None:
        return None
    dest_text = destination(first_source) or ""
    base = "./" if dest_text in (".", "./") else dest_text if dest_text.endswith("/") else dest_text + "/"
    files = [p for p in needed if not p.endswith("/")]
    copies = [(files, base)] + [([p.rstrip("/")], base + p) for p in needed if p.endswith("/")]
    chmod = ""
    if gradle.wrapper and not gradle.prefix.startswith("chmod"):
        chmod = wrapper_chmod(doc, segment, first_source, "gradlew")
    command = chmod + " ".join([gradle.prefix, *gradle.kept, "dependencies"])
    edits = insert_above(doc, first_source, resolution_lines(run_inst, flags, copies, command), moved)
    what = ("the plugins" + (", the wrapper's Gradle distribution" if gradle.wrapper else "")
            + " and the dependency graph of every configuration (POM/module metadata)")
    risk = ("`dependencies` runs before the sources are copied: a build script that reads other files at "
            f"configuration time may fail; it resolves {what}, but not the dependency jars, which still "
            "download during the build, as do configurations that plugins or tasks resolve lazily")
    stage = doc.stage_of(run_inst)
    image = (stage.base if stage is not None else "").split("/")[-1]
    if image.startswith("gradle") and not gradle.user_home and env_in_force(doc, run_inst, "GRADLE_USER_HOME") is None:
        risk += ("; the gradle image declares VOLUME /home/gradle/.gradle: the legacy builder discards what "
                 "a RUN writes there (BuildKit keeps it), so the new layer only helps with BuildKit")
    message = (f"the Gradle build at line {run_inst.start_line} resolves its plugins and dependencies again after "
               f"every change to what `{first_source.effective.keyword} {' '.join(sources(first_source))}` copies; "
               f"copy {', '.join(needed)} first and run `dependencies`: {what} resolve once, in a layer "
               "a source edit reuses")
    return finding(first_source, run_inst, moved, message, edits, risk)
