"""DO202 for Maven: copy the poms (modules, wrapper, .mvn/, settings) and run ``dependency:go-offline``."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ...builders import insert_above
from ...facts.build_tools import copied_paths, maven_files, maven_reactor, read_mvn, sibling_dependencies
from ...facts.copies import destination, from_context, is_broad, is_copy, landing, normalise, sources, workdir_in_force
from ...facts.placement import copy_groups, resolution_lines, workdirs_to_move
from ...facts.runscript import run_script
from ...model import Dockerfile, Instruction
from ..base import Finding
from .layout import (copy_flags, finding, lands_in, reads_context_or_caches, segment_above, tool_runs_above,
                     wrapper_chmod)

if TYPE_CHECKING:
    from ...context import BuildContext


def maven_finding(doc: Dockerfile, context: BuildContext, run_inst: Instruction) -> Finding | None:
    run = run_script(doc, run_inst)
    if run is None:
        return None
    mvn, _ = read_mvn(run)
    if mvn is None:
        return None
    if reads_context_or_caches(run_inst, ".m2"):
        return None
    cwd = workdir_in_force(doc, run_inst)
    if cwd is None and mvn.pom_file is not None and mvn.pom_file.startswith("/"):
        if any(not value.startswith("/") for value in mvn.file_values):
            return None  # a relative -s needs the WORKDIR
        cwd = "/"  # an absolute -f does not depend on the WORKDIR
    if cwd is None:
        return None
    project = cwd
    if mvn.pom_file is not None:
        if "$" in mvn.pom_file:
            return None
        pom_path = normalise(posixpath.join(cwd, mvn.pom_file))
        project = posixpath.dirname(pom_path) if pom_path.endswith(".xml") else pom_path
    segment = segment_above(doc, run_inst)
    if not segment:
        return None
    if tool_runs_above(doc, segment, lambda c: c.program in ("mvn", "mvnw") or (c.name or "").endswith("mvnw")):
        return None
    # The first copy that brings sources into the project directory.
    already: set[str] = set()
    first_source = None
    for inst in segment:
        if not is_copy(inst) or not any(from_context(inst, s) for s in sources(inst)):
            continue
        if inst.effective.flag("from") is not None:
            continue
        dest = landing(doc, inst)
        if not lands_in(dest, project):
            continue
        named = copied_paths(inst, project, doc)
        if named is not None and all(n in ("pom.xml", "mvnw", ".mvn") or n.endswith(".xml") for n in named):
            already |= named
            continue
        first_source = inst
        break
    if first_source is None:
        return None
    moved = workdirs_to_move(segment, first_source)
    if moved is None:
        return None
    broad = any(is_broad(s) for s in sources(first_source))
    if broad:
        if landing(doc, first_source) != project or len(sources(first_source)) != 1:
            return None
    elif "pom.xml" not in already:
        # Narrow sources (``COPY src ./src``): the pom must come from the context root too.
        later = [i for i in segment[segment.index(first_source):] if is_copy(i)]
        if not any((copied_paths(i, project, doc) or set()) & {"pom.xml"} for i in later):
            return None
    # Files given to mvn (-s settings.xml) that the build reads from the project directory.
    relative_files = []
    for value in mvn.file_values:
        path = normalise(posixpath.join(cwd, value))
        if lands_in(path, project):
            relative_files.append(posixpath.relpath(path, project))
    needed, reason = maven_files(context, mvn, relative_files)
    if not needed or not _reactor_resolvable(context):
        return None
    missing = [p for p in needed if p not in already]
    if not broad:
        # Narrow copies: never bring a file the build did not have; ``.mvn/`` is optional.
        brought: set[str] = set()
        for inst in segment[segment.index(first_source):]:
            if is_copy(inst):
                named = copied_paths(inst, project, doc)
                if named is None and lands_in(landing(doc, inst), project):
                    return None
                brought |= named or set()

        def covered(path: str) -> bool:
            return any(path == n or path.startswith(n + "/") for n in brought)

        missing = [p for p in missing if p != ".mvn" or covered(p)]
        if not all(covered(p) for p in missing):
            return None
    flags = copy_flags(first_source)
    if flags is None:
        return None
    dest_text = destination(first_source) or ""
    if not broad:
        dest_text = project
    if "$" in dest_text and not broad:
        return None
    base = dest_text if dest_text.endswith("/") else dest_text + "/"
    if dest_text in (".", "./"):
        base = "./"
    # One COPY per target directory (a COPY of several files flattens them into one directory);
    # the root files first, then module poms, then ``.mvn/`` (a directory: copied on its own).
    copies = copy_groups(missing, base, lambda path: path == ".mvn")
    chmod = wrapper_chmod(doc, segment, first_source, "mvnw") if mvn.wrapper else ""
    command = chmod + " ".join([mvn.prefix, *mvn.kept, "dependency:go-offline"])
    edits = insert_above(doc, first_source, resolution_lines(run_inst, flags, copies, command), moved)
    risk = ("go-offline runs before the sources are copied: a pom or plugin that reads files from the "
            "sources at resolution time, or a profile activated by a file, may fail or resolve differently; "
            "plugins and dependencies resolved lazily still download during the build")
    copied = ", ".join(missing) if missing else "the manifests already copied"
    message = (f"the Maven build at line {run_inst.start_line} downloads its dependencies again after every "
               f"change to what `{first_source.effective.keyword} {' '.join(sources(first_source))}` copies; "
               f"copy {copied} first and run `dependency:go-offline`: dependencies resolve once, and a "
               "source edit reuses the cached layer")
    return finding(first_source, run_inst, moved, message, edits, risk)


def _reactor_resolvable(context: BuildContext) -> bool:
    """go-offline can resolve every module on its own: no module pom is unreadable and none uses a
    sibling module (maven-dependency-plugin before 3.9 looks for the unbuilt sibling SNAPSHOT in the
    repositories and fails)."""
    reactor, _ = maven_reactor(context)
    if reactor is None:
        return False
    uses, unread = sibling_dependencies(reactor)
    return not uses and not unread
