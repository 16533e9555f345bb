"""DO301 java-multi-stage: run Java on a JRE image, the build in a builder stage (documented in PASS)."""

from __future__ import annotations

import json
import posixpath
import re
from typing import TYPE_CHECKING, Sequence

from .. import builders
from ..builders import New, append_stage, insert_below, name_stage, new, written
from ..facts.commands import stage_command
from ..facts.copies import from_context, normalise, sources, workdir_in_force
from ..edits import Edit
from ..facts.java import REPOSITORIES as _JAVA_REPOSITORIES
from ..facts.java import JavaImage, Runtime, built_jar, extra_jars, java_image, java_launch, matches, runtime_image
from ..model import Dockerfile, Instruction, Stage
from ..facts.runscript import run_script
from ..record import record
from ..shell import Command, parse_script
from .base import Example, Finding, Fix, Option, Pass, Safety
from .multi_stage import declares, free_stage_name

JAVA_RUNTIME = Option("java-runtime", "alpine", "runtime image: eclipse-temurin's -jre-alpine or -jre, or distroless",
                      choices=("alpine", "jre", "distroless"))
SPRING_LAYERS = Option("spring-layers", False, "extract Spring Boot layers in the runtime stage (Boot >= 3.3)")

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO301", "java-multi-stage"

#: Settings of a stage that make up what its image does when run (carried to the runtime stage).
_CARRIED = ("ENV", "EXPOSE", "LABEL", "VOLUME", "USER", "STOPSIGNAL", "HEALTHCHECK", "ENTRYPOINT", "CMD",
            "MAINTAINER")
_ADDITIVE = ("ENV", "EXPOSE", "LABEL", "VOLUME")
_METADATA = (*_CARRIED, "WORKDIR", "ARG")
#: ENV keys that describe the build tool or the JDK image, not the application.
_BUILD_ENV_PREFIXES = ("MAVEN_", "M2_", "GRADLE_", "JAVA_HOME", "JDK_", "PATH")
#: ENV keys that hold the options of every JVM the image starts: the application's, so they belong to
#: the runtime stage (the launcher reads JDK_JAVA_OPTIONS, the JVM JAVA_TOOL_OPTIONS, scripts JAVA_OPTS).
_JVM_OPTION_KEYS = frozenset(("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JAVA_OPTS",
                              "JAVA_OPTIONS"))
#: Paths a JVM option may name that every runtime image has.
_SYSTEM_DIRS = ("/tmp", "/dev/", "/proc/", "/sys/")
#: Programs every runtime image with a shell has: the JVM, sh and its builtins, the basic file tools.
_SHELL_TOOLS = frozenset({"java", "sh", "exit", "test", "[", "echo", "printf", "true", "false", ":", "kill",
                          "cat", "ls", "sleep", "grep"})
#: ... and what only the Ubuntu-based (glibc) runtime images have besides.
_GLIBC_TOOLS = frozenset({"bash"})
_BUILDERS = ("mvn", "mvnw", "gradle", "gradlew")
_PACKAGE_MANAGERS = ("apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper")
_JDK_TOOLS = ("jar", "javac", "jcmd", "jstack", "jmap", "jlink", "jdeps", "jshell", "jstat", "jinfo")
#: Commands a swap-shape RUN may use that any JRE image has (busybox sh on Alpine included).
_PLAIN = frozenset({"mkdir", "chmod", "chown", "ln", "echo", "touch", "true", "rm", "cp", "mv", "ls", "cat",
                    "set", "printf", "java", "test", ":"})
_BUILD_HELPERS = frozenset({"chmod", "ls", "echo", "set", "true", "pwd", "printf", ":"})
#: Spring Boot's default layers, least often changed first.
_SPRING_LAYERS = ("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")


@record
class _Command:
    """The program the final stage runs: ENTRYPOINT and CMD words, and where the jar is."""

    instructions: tuple[Instruction, ...]  # the ENTRYPOINT and/or CMD that make it up
    words: tuple[str | None, ...]  # None: a word a shell expands at run time
    jar: int | None  # index of the word after -jar

    @property
    def java(self) -> bool:
        return bool(self.words) and posixpath.basename(self.words[0] or "") == "java"


def check(doc: Dockerfile, context: BuildContext, config: Config) -> list[Finding]:
    if not doc.stages:
        return []
    stage = doc.stages[-1]
    image = java_image(stage.base)
    if image is None or doc.parent_of(stage) is not None:
        return []
    if not image.jdk:
        command = _command(stage)
        return [_prebuilt_finding(stage, context)] if command and command.java and _prebuilt(stage) else []
    if any(i.keyword == "ONBUILD" for i in stage.instructions):
        return []
    command = _command(stage)
    builds = [i for i in stage.instructions if _runs_builder(doc, i)]
    if builds:
        if command is None or not command.java or command.jar is None:
            return []
        return [_builder_finding(doc, context, config, stage, image, command, builds[-1])]
    if command is None or not (command.java or _is_script(command)):
        return []
    return _swap_findings(doc, context, config, stage, image, command)


# --- what the stage runs -----------------------------------------------------------------------


def _command(stage: Stage) -> _Command | None:
    found = stage_command(stage, _words)
    if found is None:
        return None
    used, words = found
    launch = java_launch(words)
    jar = launch.target if launch is not None and launch.mode == "jar" else None
    return _Command(used, tuple(words), jar)


def _words(inst: Instruction) -> list[str | None] | None:
    """The words of an exec-form or simple shell-form command (``exec`` dropped); None otherwise."""
    if inst.exec_form:
        return list(inst.value)
    script = parse_script(inst.arguments.text)
    if script.has_errors or len(script.commands) != 1 or len(script.chain) != 1:
        return None
    command = script.commands[0]
    if command.env or command.redirects or command.name is None or any(w != "exec" for w in command.wrappers):
        return None
    return [command.name, *(w.value if w.is_static or w.value is not None and "$" not in w.text_raw else None
                            for w in command.words)]


def _is_script(command: _Command) -> bool:
    return bool(command.words) and command.words[0] is not None and not command.java


def _runs_builder(doc: Dockerfile, inst: Instruction) -> bool:
    if inst.keyword != "RUN":
        return False
    run = run_script(doc, inst)
    if run is None:
        return False
    return any(_program(c) in _BUILDERS for c in run.script.commands)


def _program(command: Command) -> str:
    return posixpath.basename(command.name or "").removesuffix(".cmd")


# --- (a) a stage that builds its own jar -------------------------------------------------------


def _builder_finding(doc: Dockerfile, context: BuildContext, config: Config, stage: Stage, image: JavaImage,
                     command: _Command, build: Instruction) -> Finding:
    line = stage.from_.start_line
    tool = "gradle" if any(_program(c).startswith("gradle") for c in _commands(doc, build)) else "maven"
    version, version_note = _version(image, context, tool)
    runtime = runtime_image(version, JAVA_RUNTIME.choice(config), image.openj9) if version else None
    target = runtime.image if runtime else None
    index = stage.instructions.index(build)
    tail_at = max(i for i, inst in enumerate(stage.instructions) if inst.keyword not in _METADATA) + 1
    head, tail = stage.instructions[:tail_at], stage.instructions[tail_at:]
    jar, glob = _jar_path(doc, context, stage, command, build, tool)
    problems = _runtime_problems(image, version, target, config, "the base image's tag")
    if jar is None:
        problems.append("the jar's path is not known from the Dockerfile and the build file")
    elif glob is not None:
        problems.append(glob)
    later = [i for i in stage.instructions[index + 1:tail_at] if i.keyword not in _METADATA]
    placing = [i for i in later if jar is not None and _places_jar(doc, i, jar)]
    if len(later) > len(placing):
        problems.append(f"line {later[-1].start_line} runs after the build and may prepare files the application "
                        "needs; the runtime stage only gets the jar")
    for inst in (i for i in tail if _build_env(i)):
        problems.append(f"line {inst.start_line} sets the JDK's or build tool's variables after the build; the "
                        "runtime image has its own")
    workdir = _head_workdir(doc, head, tail)
    if workdir is None and any(i.keyword == "WORKDIR" for i in head):
        problems.append("the WORKDIR is not known (a variable)")
    problems += _stage_problems(doc, stage, [i for i in head if i not in placing], build_ok=True)
    problems += _carry_problems(stage, command, runtime)
    problems += _jvm_option_problems(stage, jar)
    name = stage.name or free_stage_name(doc)
    written_name = stage.from_.value[-1] if stage.name else name
    runtime_text = target or _placeholder(image, version)
    proposal = (f"name this stage `{written_name}` and add a runtime stage `FROM {runtime_text}` with "
                f"`COPY --from={written_name} {jar or '<path of the jar>'} {jar or '<path of the jar>'}` and the "
                "run-time settings")
    if problems or runtime is None or runtime.image is None or jar is None:  # each of these is a problem
        return PASS.finding(line, f"the image ships the JDK and the build; {proposal}",
                            risk="; ".join(problems))
    layers, layers_note = _spring_layers(context, tool, config)
    edits = _builder_edits(doc, stage, head, tail, name, runtime.image, jar, command, runtime, workdir, layers)
    risk = ("the runtime stage holds only the jar: files the application reads at run time from the "
            f"builder (config next to the sources, a Class-Path beside the jar) and JDK tools are gone; "
            f"{'; '.join(runtime.notes)}{version_note}{layers_note}")
    fix = Fix(tuple(edits), Safety.UNSAFE, declares(doc, edits))
    message = (f"`{stage.base}` ships the JDK, the build tool and the sources: build in this stage "
               f"(`{written_name}`) and run the jar on `{target}`")
    return PASS.finding(line, message, fix, risk=risk)


def _spring_layers(context: BuildContext, tool: str, config: Config) -> tuple[bool, str]:
    """Whether to copy Spring Boot's layers instead of the jar (``--spring-layers``), and what to say."""
    if not SPRING_LAYERS.of(config):
        return False, ""
    project = context.manifests.maven if tool == "maven" else context.manifests.gradle
    if project is None or not project.spring_boot:
        return False, "; --spring-layers: the build file applies no Spring Boot plugin, the jar is copied whole"
    release = re.match(r"(\d+)\.(\d+)", project.spring_boot_version or "")
    if release is None or (int(release.group(1)), int(release.group(2))) < (3, 3):
        return False, ("; --spring-layers needs Spring Boot 3.3 or later (`-Djarmode=tools`), the build file "
                       f"says {project.spring_boot_version or 'no version'}: the jar is copied whole")
    return True, ("; Spring Boot layers (`-Djarmode=tools extract --layers`, Boot >= 3.3): a custom layers.xml "
                  "names other layers, and a fully executable jar (launch script) cannot be extracted")


def _places_jar(doc: Dockerfile, inst: Instruction, jar: str) -> bool:
    """A RUN after the build that only copies or moves the built jar to the path the command runs
    (``RUN cp target/${APP_FILE} app.jar``): part of the build."""
    run = run_script(doc, inst) if inst.keyword == "RUN" else None
    cwd = workdir_in_force(doc, inst)
    if run is None or cwd is None or len(run.script.commands) != 1:
        return False
    command = run.script.commands[0]
    if _program(command) not in ("cp", "mv") or command.env or command.redirects or not command.words:
        return False
    target = command.words[-1].value
    return target is not None and "$" not in target and normalise(posixpath.join(cwd, target)) == jar


def _version(image: JavaImage, context: BuildContext, tool: str) -> tuple[int | None, str]:
    if image.version is not None:
        return image.version, ""
    project = context.manifests.maven if tool == "maven" else context.manifests.gradle
    major = project.java_major if project is not None else None
    if major is None:
        return None, ""
    return major, (f"; Java {major} comes from the build file, not the build image: the JDK that compiles "
                   "may be newer")


def _jar_path(doc: Dockerfile, context: BuildContext, stage: Stage, command: _Command, build: Instruction,
              tool: str) -> tuple[str | None, str | None]:
    """The absolute path of the jar the command runs, from the Dockerfile (and the build file for a
    glob), and why a glob may match other jars too (None when it names the build's only jar)."""
    assert command.jar is not None  # the builder shape runs a jar
    word = command.words[command.jar]
    last = stage.instructions[-1]
    cwd = workdir_in_force(doc, last) if last.keyword != "WORKDIR" else None
    if word is None or "$" in word:
        return None, None
    if not word.startswith("/"):
        if cwd is None:
            return None, None
        word = posixpath.join(cwd, word)
    path = normalise(word)
    if not any(c in path for c in "*?["):
        return path, None
    project = workdir_in_force(doc, build)
    known = getattr(context, "known", False)
    built = built_jar(context, tool) if known else None
    if project is None or built is None:
        return None, None
    candidate = normalise(posixpath.join(project, built))
    if not matches(path, candidate):
        return None, None
    extra = extra_jars(context, tool, _tasks(doc, build))
    return candidate, (f"`{word}` may match more than {posixpath.basename(candidate)}: {extra}" if extra else None)


def _tasks(doc: Dockerfile, build: Instruction) -> list[str]:
    """The Gradle tasks (or Maven phases) the build step names."""
    return [w.value or "" for c in _commands(doc, build) if _program(c) in _BUILDERS
            for w in c.words if not (w.value or "-").startswith("-")]


def _commands(doc: Dockerfile, build: Instruction) -> tuple[Command, ...]:
    """The commands of the build RUN (one that runs a build tool, so readable)."""
    run = run_script(doc, build)
    return run.script.commands if run is not None else ()


def _builder_edits(doc: Dockerfile, stage: Stage, head: Sequence[Instruction], tail: Sequence[Instruction],
                   name: str, image: str, jar: str, command: _Command, runtime: Runtime, workdir: str | None,
                   layers: bool) -> list[Edit]:
    edits: list[Edit] = [name_stage(doc, stage, name)] if stage.name is None else []
    rewrites = {} if runtime.shell else _exec_rewrites(command)
    block: list[New | str] = [new("FROM", image), *([new("WORKDIR", workdir)] if workdir else [])]
    for inst in _carried(head, tail):
        carried = rewrites.get(id(inst), written(inst))
        if carried is not None:
            block.append(carried)
    source = stage.from_.value[-1] if stage.name else name
    if layers:  # the builder extracts the layers; each becomes a COPY, the jar keeps its path
        folder = posixpath.dirname(jar)
        extracted = posixpath.join(folder, "extracted")
        edits.append(insert_below(doc, head[-1], [new(
            "RUN", f"java -Djarmode=tools -jar {jar} extract --layers --destination {extracted}")]))
        block += [new("COPY", f"--from={source}", f"{extracted}/{layer}/", f"{folder}/") for layer in _SPRING_LAYERS]
    else:
        block.append(new("COPY", f"--from={source}", jar, jar))
    return edits + append_stage(doc, block, tail, rewrites)


def _head_workdir(doc: Dockerfile, head: Sequence[Instruction], tail: Sequence[Instruction]) -> str | None:
    """The absolute WORKDIR the moved settings start from, when the builder set one (head ends with a
    RUN/COPY/ADD, so the WORKDIR in force there is the builder's last)."""
    if not any(i.keyword == "WORKDIR" for i in head):
        return None
    return workdir_in_force(doc, tail[0] if tail else head[-1])


def _carried(head: Sequence[Instruction], tail: Sequence[Instruction]) -> list[Instruction]:
    """The builder's run-time settings before its last build step that the image keeps: every
    additive one, the last of the others (unless a moved one of that kind replaces it)."""
    moved = {i.keyword for i in tail}
    keep = []
    for i, inst in enumerate(head):
        if inst.keyword not in _CARRIED or _build_env(inst):
            continue
        if inst.keyword not in _ADDITIVE:
            if inst.keyword in moved or any(o.keyword == inst.keyword for o in head[i + 1:]):
                continue
        keep.append(inst)
    return keep


def _build_env(inst: Instruction) -> bool:
    return inst.keyword == "ENV" and all(_build_key(k) for k in inst.value[::2])


def _build_key(key: str) -> bool:
    """An ENV key of the build tool or the JDK image (JVM options are the application's)."""
    return key.startswith(_BUILD_ENV_PREFIXES) and key not in _JVM_OPTION_KEYS








# --- checks shared by the shapes -----------------------------------------------------------------


def _stage_problems(doc: Dockerfile, stage: Stage, instructions: Sequence[Instruction], build_ok: bool) -> list[str]:
    """Why the runtime image may lack what the stage's RUN steps set up."""
    problems = []
    if any(i.keyword == "SHELL" for i in stage.instructions):
        problems.append("the stage sets SHELL; the runtime image may not have that shell")
    for inst in instructions:
        if inst.keyword != "RUN":
            continue
        run = run_script(doc, inst)
        if run is None:
            problems.append(f"the RUN at line {inst.start_line} cannot be read")
            continue
        programs = {_program(c) for c in run.script.commands}
        managers = sorted(programs & set(_PACKAGE_MANAGERS))
        tools = sorted(programs & set(_JDK_TOOLS))
        if managers and build_ok:
            problems.append(f"line {inst.start_line} installs packages with {managers[0]}: the runtime "
                            "stage does not have them (add what the application needs there)")
        elif managers:
            problems.append(f"line {inst.start_line} runs {managers[0]}: the runtime image is another "
                            "distribution (Alpine has apk, not apt-get; package names differ)")
        elif tools:
            problems.append(f"line {inst.start_line} runs {tools[0]}, a JDK tool the JRE does not have")
        elif build_ok and programs & set(_BUILDERS):
            continue
        elif not programs <= (_BUILD_HELPERS if build_ok else _PLAIN):
            other = sorted(programs - (_BUILD_HELPERS if build_ok else _PLAIN))[0]
            problems.append(f"line {inst.start_line} runs {other}: what it sets up may be needed at run time "
                            "and the runtime image may not have it")
    return problems


def _carry_problems(stage: Stage, command: _Command, runtime: Runtime | None) -> list[str]:
    """Why the run-time settings would not work as they are on the runtime image."""
    problems = []
    shell = runtime is None or runtime.shell
    for inst in stage.instructions:
        if inst.keyword == "USER" and inst.value:
            user = inst.value[0].split(":")[0]
            if not user.isdigit() and user not in ("root", "0"):
                problems.append(f"USER {user} must exist in the runtime image (create it there)")
        elif inst.keyword == "HEALTHCHECK" and inst.value and inst.value[0].upper() == "CMD":
            if not shell:
                problems.append("the HEALTHCHECK runs a command; the distroless image has no shell or tools")
                continue
            missing = _missing_tools(_healthcheck_programs(inst), runtime)
            if missing:
                problems.append(f"the HEALTHCHECK runs {', '.join(missing)}, which the runtime image "
                                f"{_lacks(runtime)}")
        elif inst.keyword in _CARRIED and inst.keyword not in ("CMD", "ENTRYPOINT") and not _build_env(inst) \
                and "$" in inst.arguments.text:
            problems.append(f"line {inst.start_line} uses a variable the runtime stage may not set")
        elif inst.keyword == "ENV" and not _build_env(inst) and any(_build_key(k) for k in inst.value[::2]):
            problems.append(f"line {inst.start_line} sets build-tool and application variables together")
    names = [posixpath.basename(w or "") for w in command.words]
    if any(n in _JDK_TOOLS for n in names):
        problems.append("the command runs a JDK tool the JRE does not have")
    if runtime is not None and runtime.alpine and "bash" in names:
        problems.append("the command runs bash, which the Alpine image does not have (busybox sh only)")
    if names and names[0].endswith(".sh"):
        problems.append("the command runs a shell script: the runtime image may lack its shell (the Alpine "
                        "image has no bash) or what it calls")
    if not shell and None in command.words:
        problems.append("the command uses shell variables; the distroless image has no shell")
    return problems


def _healthcheck_programs(inst: Instruction) -> list[str | None]:
    """The programs a ``HEALTHCHECK CMD`` runs (None: one that cannot be read)."""
    if inst.exec_form:
        return [inst.value[1] if len(inst.value) > 1 else None]
    script = parse_script(" ".join(inst.value[1:]))
    if script.has_errors or not script.commands:
        return [None]
    return [c.name if c.name is not None and "$" not in c.name else None for c in script.commands]


def _missing_tools(programs: list[str | None], runtime: Runtime | None) -> list[str]:
    """The programs the runtime image is not known to have (default deny)."""
    have = _SHELL_TOOLS if runtime is None or runtime.alpine else _SHELL_TOOLS | _GLIBC_TOOLS
    found = ["an unreadable command" if p is None else p for p in programs
             if p is None or posixpath.basename(p) not in have]
    return list(dict.fromkeys(found))


def _lacks(runtime: Runtime | None) -> str:
    if runtime is not None and runtime.alpine:
        return "lacks (Alpine: busybox sh, no bash, curl or wget of its own)"
    return "may not have (it has the JRE and a shell's basic tools only)"


def _jvm_option_problems(stage: Stage, jar: str | None) -> list[str]:
    """JVM options set in ENV that name files a new runtime stage would not have (an agent, a policy)."""
    problems = []
    for inst in stage.instructions:
        if inst.keyword != "ENV":
            continue
        for key, value in zip(inst.value[::2], inst.value[1::2]):
            if key not in _JVM_OPTION_KEYS:
                continue
            paths = [p for p in re.findall(r"(?:^|[:=\s\"'])(/[^\s:=,\"']+)", value)
                     if p != jar and not p.startswith(_SYSTEM_DIRS)]
            if paths:
                problems.append(f"line {inst.start_line} sets {key} naming {paths[0]}, which the runtime stage "
                                "does not get (it only gets the jar)")
    return problems


def _placeholder(image: JavaImage, version: int | None) -> str:
    """The runtime image to fill in when none can be proposed (OpenJ9 stays OpenJ9)."""
    java = version or "java-version"
    return f"ibm-semeru-runtimes:open-<{java}>-jre" if image.openj9 else f"eclipse-temurin:<{java}>-jre-alpine"


def _runtime_problems(image: JavaImage, version: int | None, target: str | None, config: Config,
                      where: str) -> list[str]:
    """Why there is no runtime image to propose: the version is unknown, or none of that kind exists."""
    if version is None:
        return [f"the Java version is not in {where} nor in the build file"]
    if target is not None:
        return []
    if image.openj9:
        return [f"the build image runs Eclipse OpenJ9 (IBM Semeru), and there is no {JAVA_RUNTIME.of(config)} OpenJ9 "
                f"runtime image for Java {version}; a HotSpot runtime (eclipse-temurin) would reject OpenJ9 options "
                "(-Xshareclasses, -Xquickstart) and behave differently"]
    return [f"there is no {JAVA_RUNTIME.of(config)} runtime image for Java {version}"]


def _exec_rewrites(command: _Command) -> dict[int, New | None]:
    """Distroless (its own ENTRYPOINT is ``java -jar``, and it has no shell): the java command as one
    exec-form ENTRYPOINT in place of its first instruction, the others dropped (by ``id``; None: dropped)."""
    if all(i.exec_form for i in command.instructions) and command.instructions[0].keyword == "ENTRYPOINT":
        return {}
    first, *rest = command.instructions
    rewrites: dict[int, New | None] = {id(first): new("ENTRYPOINT", json.dumps(list(command.words)))}
    rewrites.update((id(i), None) for i in rest)
    return rewrites


# --- (b), (c): a JDK image that only runs the jar ------------------------------------------------


def _swap_findings(doc: Dockerfile, context: BuildContext, config: Config, stage: Stage, image: JavaImage,
                   command: _Command) -> list[Finding]:
    line = stage.from_.start_line
    version, version_note = _version(image, context, "maven" if context.manifests.maven else "gradle")
    runtime = runtime_image(version, JAVA_RUNTIME.choice(config), image.openj9) if version else None
    target = runtime.image if runtime else None
    problems = _runtime_problems(image, version, target, config, f"the tag of `{stage.base}`")
    if not command.java:
        problems.append(f"the image starts {command.words[0]}, not java: check it needs nothing the JRE image lacks")
    problems += _stage_problems(doc, stage, stage.instructions, build_ok=False)
    problems += _carry_problems(stage, command, runtime)
    proposal = target or _placeholder(image, version)
    if command.java:
        message = f"`{stage.base}` is a JDK image and the stage only runs Java: use the JRE image `{proposal}`"
    else:
        message = (f"`{stage.base}` is a JDK image and the stage starts {command.words[0]}: if that needs only a "
                   f"Java runtime, use the JRE image `{proposal}`")
    if image.repository in ("openjdk", "java"):
        message += f" (the `{image.repository}` images are deprecated)"
    findings: list[Finding] = []
    if problems or runtime is None or runtime.image is None:  # no runtime image is a problem
        findings.append(PASS.finding(line, message, risk="; ".join(problems)))
    else:
        edits = [Edit.replace(_image_span(stage), runtime.image)]
        if not runtime.shell:
            edits += _exec_edits(doc, command)
        risk = (f"the runtime image is another distribution than `{stage.base}` (libc, CA certificates, "
                f"fonts, timezone data) and has no JDK tools; {'; '.join(runtime.notes)}{version_note}")
        findings.append(PASS.finding(line, message, Fix(tuple(edits), Safety.UNSAFE, declares(doc, edits)),
                                     risk=risk))
    if _prebuilt(stage):
        findings.append(_prebuilt_finding(stage, context))
    return findings


def _prebuilt(stage: Stage) -> bool:
    """The stage copies a jar built outside the image from the context (shape b)."""
    return any(from_context(i, s) and (s.endswith(".jar") or "target/" in s or "build/libs/" in s)
               for i in stage.instructions if i.keyword in ("COPY", "ADD") for s in sources(i))


def _prebuilt_finding(stage: Stage, context: BuildContext) -> Finding:
    manifests = context.manifests if getattr(context, "known", False) else None
    if manifests is not None and manifests.maven is not None:
        builder = "maven:<version>"
    elif manifests is not None and manifests.gradle is not None:
        builder = "gradle:<version>"
    else:
        builder = "<the image of your build tool>"
    return PASS.finding(
        stage.from_.start_line,
        f"the jar is built outside the image: build it in a builder stage (`FROM {builder} AS build` ... "
        "`COPY --from=build <jar> ...`) so every builder gets the same jar",
        risk="the build moves into the image: its JDK, settings and repositories must be available there")


def _exec_edits(doc: Dockerfile, command: _Command) -> list[Edit]:
    """The distroless rewrite of the command (``_exec_rewrites``) made in place."""
    rewrites = _exec_rewrites(command)
    return [builders.replace(doc, i, [item]) if (item := rewrites[id(i)]) else Edit.delete(*i.full_span)
            for i in command.instructions if id(i) in rewrites]


def _image_span(stage: Stage) -> tuple[int, int]:
    """The document span of the image word of a FROM."""
    args = stage.from_.arguments
    at = args.text.find(stage.base)
    return args.doc_span(at, at + len(stage.base))


PASS = Pass(
    # Trigger: it reports only a final stage FROM a Java image (repository names of facts/java.py; a variable in FROM is no image).
    triggers=_JAVA_REPOSITORIES,
    image_changes=("new-root",),
    id=ID,
    name=NAME,
    title="Run Java images on a JRE runtime image, with the build in a builder stage",
    what="""
        Three shapes, all about the final stage:
        - The final stage builds the jar itself (`RUN mvn package` / `gradle build` in a JDK or build-tool
          image) and runs it with `java -jar`: the stage becomes the builder (`AS build`, or its existing
          name; its lines stay as they are), and a runtime stage is appended:
          `FROM eclipse-temurin:<N>-jre-alpine`, the run-time settings the builder had (WORKDIR, ENV,
          EXPOSE, LABEL, VOLUME, USER, STOPSIGNAL, HEALTHCHECK, ENTRYPOINT/CMD; those after the last build
          step move with their comments, those before are copied), and `COPY --from=build <jar> <jar>` at
          the path the command names.
        - A JDK image that only runs a prebuilt jar copied from the context: the base becomes the JRE
          image; a second finding (a suggestion) says building the jar in a builder stage gives every
          builder the same result.
        - A multi-stage build whose final stage runs on a JDK image: the base becomes the JRE image.

        Java version: from the base image's tag (`maven:3.6.1-jdk-8-alpine`, `openjdk:11-jdk-slim`,
        `eclipse-temurin:17-jdk`, `amazoncorretto:21`, `gradle:7.3.2-jdk11`), else from pom.xml /
        build.gradle (release/target/source, `java.version`, toolchains, `sourceCompatibility`). The jar:
        the path the `java -jar` command names, read with the launcher's own grammar (the first word that
        is not an option: `java -jar -agentlib:jdwp=... app.jar` runs `app.jar`); a glob (`target/*.jar`)
        only when the build file states the jar's name (finalName, artifactId-version, bootJar's
        archiveFileName ...) and writes no other jar it could match (shade/assembly/source plugins,
        classifiers, Spring Boot's `-plain.jar` from Gradle's `jar` task).

        Runtime (`--java-runtime`, key `java-runtime`): `alpine` (default) `eclipse-temurin:<N>-jre-alpine`,
        musl-based, busybox sh and no bash, amd64 only for 8/11/17; `jre` `eclipse-temurin:<N>-jre`
        (Ubuntu, multi-arch); `distroless` `gcr.io/distroless/java<N>-debian12` (17, 21; 11 on debian11): no
        shell, and its own `ENTRYPOINT ["/usr/bin/java", "-jar"]`, so the command becomes an exec-form
        ENTRYPOINT. Only eclipse-temurin images are proposed (the `openjdk` images are deprecated), for the
        LTS releases 8, 11, 17, 21, 25; an Eclipse OpenJ9 build image (`ibm-semeru-runtimes`, `ibmjava`,
        `maven:...-ibm-semeru-17`, an `-openj9` tag) gets IBM Semeru's OpenJ9 JRE
        `ibm-semeru-runtimes:open-<N>-jre` (8, 11, 17, 21; no Alpine or distroless image), never a HotSpot
        one. JVM options set in ENV (`JDK_JAVA_OPTIONS`, `JAVA_TOOL_OPTIONS`, `JAVA_OPTS`) are the
        application's: they go to the runtime stage.

        `--spring-layers` (key `spring-layers`): for a Spring Boot >= 3.3 build (the version from
        spring-boot-starter-parent, the Maven plugin or the Gradle plugin), the builder also runs
        `java -Djarmode=tools -jar <jar> extract --layers --destination <dir>/extracted` and the runtime
        stage copies the four default layers (dependencies, spring-boot-loader, snapshot-dependencies,
        application) into the jar's directory, so the command runs the same jar path and a code change ships
        only the application layer. Older or unknown Boot versions keep the whole jar (`layertools` is gone
        in Boot 4.1, and before 3.3 the extracted layout differs).
    """,
    why="""
        A JDK or `maven:`/`gradle:` image ships the compiler, the build tool, `~/.m2` and the sources into
        production: several hundred MB the application never uses at run time, meaning bigger pulls, slower
        starts and more CVEs to patch. A JRE image plus the jar is what runs.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because the runtime image is another distribution (libc, shell, CA certificates, fonts,
        timezone data; musl and no bash on Alpine) and the application may read at run time what only the
        builder has (files copied with the sources, a `Class-Path` next to the jar, JDK tools): never safe.
        Offered (unsafe) provided everything the runtime stage needs is modelled: the Java version and the
        jar are known from the files, the jar is the build's only artifact the command can name, the JVM is
        the same kind (OpenJ9 stays OpenJ9), every program the command and HEALTHCHECK start is known to be
        in the runtime image (default deny: java, sh and its basic tools; bash only on the Ubuntu images),
        and the JVM options in ENV name no file the builder alone has. Anything else is a suggestion (no
        fix; the risk names what is not known): no runtime image of that kind exists for the version, the
        stage installs packages or runs other steps the runtime stage would need, the command is a script
        or a JDK tool, a HEALTHCHECK runs curl, wget, bash on Alpine or a script, a named USER would not
        exist, carried settings use variables, or the stage sets SHELL.
    """,
    examples=(Example(
        before=('FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n'
                'EXPOSE 8080\nCMD ["java","-jar","target/app.jar"]\n'),
        after=('FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n'
               '\nFROM eclipse-temurin:17-jre-alpine\nWORKDIR /app\nCOPY --from=build /app/target/app.jar '
               '/app/target/app.jar\nEXPOSE 8080\nCMD ["java","-jar","target/app.jar"]\n'),
        config={"unsafe": True}),
        Example(before='FROM openjdk:17-jdk-slim\nCOPY target/app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n',
                after=('FROM eclipse-temurin:17-jre-alpine\nCOPY target/app.jar /app.jar\n'
                       'CMD ["java","-jar","/app.jar"]\n'),
                config={"unsafe": True})),
    supersedes=("DO303",),
    check=check,
    declares=frozenset(),
    options=(JAVA_RUNTIME, SPRING_LAYERS),
)
