"""DO202 dependency-manifests-first: copy the build manifests (Maven, Gradle), resolve, then copy the sources (documented in PASS)."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ..builders import insert_above
from ..facts.placement import copy_groups, resolution_lines, workdirs_to_move
from ..facts.build_tools import (copied_paths, gradle_files, is_gradle, maven_files, maven_reactor, read_gradle,
                                 read_mvn, sibling_dependencies)
from ..facts.copies import destination, from_context, is_broad, is_copy, landing, normalise, sources, workdir_in_force
from ..model import Dockerfile, Instruction
from ..facts.runscript import env_in_force, mounts, run_script
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO202", "dependency-manifests-first"


def _segment(doc: Dockerfile, run_inst: Instruction) -> list[Instruction] | None:
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


def _lands_in(path: str | None, project: str) -> bool:
    return path is not None and (path == project or path.startswith(project.rstrip("/") + "/"))


def check(doc: Dockerfile, context: BuildContext, config: Config) -> list[Finding]:
    if not getattr(context, "known", False):
        return []
    maven, gradle = context.manifests.maven is not None, context.manifests.gradle is not None
    if not maven and not gradle:
        return []
    findings = []
    for inst in doc.instructions:
        if inst.keyword != "RUN":
            continue
        finding = _check_run(doc, context, inst) if maven else None
        if finding is None and gradle:
            finding = _check_gradle_run(doc, context, inst)
        if finding is not None:
            findings.append(finding)
    return findings


def _reads_context_or_caches(run_inst: Instruction, cache_dir: str) -> bool:
    """A bind mount (it reads the context) or a cache mount on the tool's cache dir: no split."""
    return any(m["type"] == "bind" or (m["type"] == "cache" and cache_dir in m.get("target", ""))
               for m in mounts(run_inst))


def _check_run(doc: Dockerfile, context: BuildContext, run_inst: Instruction) -> Finding | None:
    run = run_script(doc, run_inst)
    if run is None:
        return None
    mvn, _ = read_mvn(run)
    if mvn is None:
        return None
    if _reads_context_or_caches(run_inst, ".m2"):
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
    segment = _segment(doc, run_inst)
    if not segment:
        return None
    for inst in segment:
        if inst.keyword == "RUN":
            other = run_script(doc, inst)
            if other is None or any(c.program in ("mvn", "mvnw") or (c.name or "").endswith("mvnw")
                                    for c in other.script.commands):
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
        if not _lands_in(dest, project):
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
        if _lands_in(path, project):
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
                if named is None and _lands_in(landing(doc, inst), project):
                    return None
                brought |= named or set()

        def covered(path: str) -> bool:
            return any(path == n or path.startswith(n + "/") for n in brought)

        missing = [p for p in missing if p != ".mvn" or covered(p)]
        if not all(covered(p) for p in missing):
            return None
    flags = _copy_flags(first_source)
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
    chmod = _wrapper_chmod(doc, segment, first_source, "mvnw") if mvn.wrapper else ""
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
    return PASS.finding(first_source.start_line, message, Fix(edits, Safety.UNSAFE), risk=risk,
                        end_line=run_inst.end_line, touches=_touches(run_inst, moved))


def _touches(run_inst: Instruction, moved: list[Instruction]) -> tuple[int, ...]:
    """Besides the source copy: the build RUN the new lines serve and the WORKDIRs that move up."""
    return (run_inst.start_line, *(inst.start_line for inst in moved))


def _reactor_resolvable(context: BuildContext) -> bool:
    """go-offline can resolve every module on its own: no module pom is unreadable and none uses a
    sibling module (maven-dependency-plugin before 3.9 looks for the unbuilt sibling SNAPSHOT in the
    repositories and fails)."""
    reactor, _ = maven_reactor(context)
    if reactor is None:
        return False
    uses, unread = sibling_dependencies(reactor)
    return not uses and not unread


def _wrapper_chmod(doc: Dockerfile, segment: list[Instruction], first_source: Instruction, wrapper: str) -> str:
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


def _copy_flags(first_source: Instruction) -> str | None:
    """The flags of the source copy that the new copies keep; None when it has another flag."""
    if any(flag.name not in ("chown", "chmod", "link") for flag in first_source.effective.flags):
        return None
    return " ".join(flag.text for flag in first_source.effective.flags)


# Gradle ------------------------------------------------------------------------------------------

def _check_gradle_run(doc: Dockerfile, context: BuildContext, run_inst: Instruction) -> Finding | None:
    run = run_script(doc, run_inst)
    if run is None:
        return None
    gradle = read_gradle(run)
    if gradle is None:
        return None
    if _reads_context_or_caches(run_inst, ".gradle"):
        return None
    cwd = workdir_in_force(doc, run_inst)
    segment = _segment(doc, run_inst)
    if cwd is None or not segment:
        return None
    for inst in segment:
        if inst.keyword == "RUN":
            other = run_script(doc, inst)
            if other is None or any(is_gradle(c) for c in other.script.commands):
                return None
    # The first copy from the context into the project directory must be ``COPY . <project>``.
    first_source = None
    for inst in segment:
        if not is_copy(inst) or not any(from_context(inst, s) for s in sources(inst)):
            continue
        if inst.effective.flag("from") is not None or not _lands_in(landing(doc, inst), cwd):
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
    flags = _copy_flags(first_source)
    if flags is None:
        return None
    dest_text = destination(first_source) or ""
    base = "./" if dest_text in (".", "./") else dest_text if dest_text.endswith("/") else dest_text + "/"
    files = [p for p in needed if not p.endswith("/")]
    copies = [(files, base)] + [([p.rstrip("/")], base + p) for p in needed if p.endswith("/")]
    chmod = ""
    if gradle.wrapper and not gradle.prefix.startswith("chmod"):
        chmod = _wrapper_chmod(doc, segment, first_source, "gradlew")
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
    return PASS.finding(first_source.start_line, message, Fix(edits, Safety.UNSAFE), risk=risk,
                        end_line=run_inst.end_line, touches=_touches(run_inst, moved))


PASS = Pass(
    image_changes=("/**/.m2/**", "/**/.gradle/**"),
    id=ID,
    name=NAME,
    title="Copy the build manifests (Maven, Gradle) and resolve dependencies before the sources",
    what="""
        Maven, per stage (not for ONBUILD triggers: their build context is another one):
        - finds a RUN whose top-level `mvn`/`./mvnw` command runs `package`, `install`,
          `verify` or `deploy` (no wrapper such as sudo, no `cd` before it in the RUN);
        - walks up over the COPY/ADD/RUN/WORKDIR instructions right above it (any other instruction ends
          the walk, so ENV/ARG/USER/SHELL are the same for the new RUN) and finds the first copy that brings
          sources into the project directory (the RUN's WORKDIR, or the directory of `-f`): `COPY . .`,
          `COPY src ./src`...; the build context's root must map onto the project directory (`COPY .`
          or `COPY pom.xml`), so the context's root pom.xml is the project's pom;
        - moves the WORKDIRs between that copy and the build above it (`COPY . /app` + `WORKDIR /app`
          + `RUN mvn package`: the new RUN must run where the build does), only across copies with an
          absolute destination and no `--chown`/`--chmod` (never across a RUN);
        - inserts above that copy (above its comments, in the file's line ending, indentation and
          keyword case): `COPY` lines for the manifests not yet copied (`pom.xml`, each module's
          `pom.xml` for multi-module builds, recursively, a `<parent>` pom the relativePath names inside
          the context, `mvnw` when the build runs the wrapper, `.mvn/` whenever it exists (it holds
          maven.config and core extensions), and a settings/toolchains file given by a relative `-s`/
          `-gs`/`-t`), keeping the copy's `--chown`/`--chmod`/`--link` flags; then
          `RUN <mvn as written> <resolution flags> dependency:go-offline` with the RUN's own flags
          (`--mount=type=secret` ...). Kept mvn options: `-B`, `-q`, `-ntp`, `-U`, `-C`/`-c`,
          `-s`/`-gs`/`-t`, `-P`, `-D...`, `-f`, `-pl`/`-am`; dropped: `-T`, `-X`,
          `-e`, `-l` and the goals. When a RUN between the copy and the build does `chmod +x mvnw`,
          the new RUN does the same first.

        Not offered when: a module uses another module of the reactor (a dependency, an imported BOM, a
        plugin or a plugin's dependency naming a sibling's artifactId), or a module pom cannot be read to
        tell: go-offline resolves each module from the repositories, and maven-dependency-plugin before
        3.9 does not take an unbuilt sibling from the reactor, so the sibling SNAPSHOT is "not found"
        (apache/maven-dependency-plugin MDEP-204); a pom declares modules in a profile (the reactor
        then depends on which profiles are active); a RUN above already runs mvn (`dependency:go-offline`/`resolve` is there, or
        this pass's own line: idempotence); the build is offline (`-o`/`--offline`); the RUN caches
        ~/.m2 with `--mount=type=cache` (the repository is not in any layer: the split would add a
        resolution step whose result lives in the same cache the build already reuses, so it gains little
        and costs a layer; left alone) or bind-mounts the context; a word of the mvn command we do not know
        (an unknown option); the project directory or a destination is not resolvable (variables, base
        image WORKDIR); a module pom, the wrapper or the settings file is missing from the context; the
        context is unknown.

        Gradle (single-project builds only). Gradle has no `dependency:go-offline`
        (gradle/gradle#14051 is an open request for one). `gradle dependencies` is the closest built-in:
        loading the build script resolves and downloads its plugins (and `./gradlew` downloads the
        Gradle distribution), and the report resolves the dependency graph of every configuration of the
        project it runs in, which downloads the POM/Gradle module metadata, but not the dependency jars
        (the report needs the graph, not the files). A task that resolves the files of every
        configuration of every project would need an init script the pass would have to invent and that
        the configuration cache rejects; we do not generate one. So the Gradle split caches the plugins,
        the distribution and the metadata (most of the round trips of a resolution), and the jars still
        download in the build's layer: a real but smaller gain than Maven's, said in the finding.
        - finds a RUN whose top-level `gradle`/`./gradlew` command runs `build`, `assemble`,
          `bootJar`, `bootWar`, `installDist`, `jar`, `war`, `shadowJar`, `distTar` or
          `distZip` (no task path such as `:app:build`, no second gradle command in the RUN, only
          `chmod +x gradlew`-like harmless steps before it);
        - the first copy of the walk (as for Maven) must be `COPY . <the RUN's WORKDIR>`;
        - inserts above it `COPY settings.gradle(.kts) build.gradle(.kts) gradle.properties gradlew ./`
          (those that exist; `gradlew` when the build runs the wrapper), `COPY gradle ./gradle/` (the
          wrapper, `libs.versions.toml`, scripts; without the wrapper only when it holds more than
          `gradle/wrapper/`) and `COPY buildSrc ./buildSrc/` when they exist, then
          `RUN <gradle as written> <resolution options> dependencies`. Kept options: `--no-daemon`,
          `-q`, `--refresh-dependencies`/`-U`, `-P`/`-D`/`--project-prop`/`--system-prop`,
          `-g`/`--gradle-user-home`; dropped: `-x`, logging, `--parallel`, `--build-cache`,
          `--scan`, `--console`, `--warning-mode`, `--max-workers`, configuration cache flags.
        Not offered when: the build is offline or a dry run; settings `include` subprojects
        (`dependencies` would only resolve the root project) or use `includeBuild` (composite
        builds); the build applies the Android or Kotlin Multiplatform plugins (they resolve lazily) or
        `apply from` another script; the build uses the wrapper and `gradlew` or
        `gradle/wrapper/gradle-wrapper.properties` is missing; the root build file is missing; an
        unknown option, `-p`/`-b`/`-c`/`-I` (other files or directories); the RUN caches
        `~/.gradle` with `--mount=type=cache` or bind-mounts the context.
    """,
    why="""
        `COPY . /app` followed by `RUN mvn package` downloads every dependency and plugin
        again after any source edit, because the build's layer is keyed on the whole copy. Copying only the
        poms first and running `mvn dependency:go-offline` puts the dependency download in a layer keyed
        on the poms alone: dependencies resolve once, and a source edit reuses the cached layer. The
        original `COPY` and `RUN mvn ...` stay exactly as written below the new lines, so the build
        itself is unchanged; the later build does not get `-o` (go-offline misses plugins and
        dependencies resolved lazily, such as surefire providers), it simply finds most of ~/.m2 filled.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because the build order changes: go-offline runs before the sources exist, so a pom that
        reads files from `src` (or any other file) at resolution time, a profile activated by a file's
        presence, or a plugin that needs generated sources may fail or resolve differently;
        extensions resolved lazily still download during the later build. The image content itself is
        the same (the original COPY and build run unchanged after it).

        Gradle: a build script
        reading other files (`version.txt`, `.env`) at configuration time may fail without the
        sources, and plugins that resolve configurations lazily still download during the build. The
        official `gradle` image declares `VOLUME /home/gradle/.gradle`: the legacy builder discards
        what a RUN writes there (BuildKit keeps it), which the finding says when the stage is FROM gradle
        and no `-g`/`GRADLE_USER_HOME` moves the cache elsewhere.
    """,
    examples=(Example(
        before=("FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY . .\n"
                "RUN mvn -B package -DskipTests\n"),
        after=("FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY pom.xml ./\n"
               "RUN mvn -B -DskipTests dependency:go-offline\nCOPY . .\n"
               "RUN mvn -B package -DskipTests\n"),
        context={"pom.xml": ("<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>"
                             "<artifactId>app</artifactId><version>1.0</version></project>"),
                 "src/main/java/App.java": None},
        config={"unsafe": True}),),
    check=check,
)
