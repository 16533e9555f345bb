"""Maven and Gradle invocations in RUN scripts, and the project files they need."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ..context.manifests import MavenProject, parse_pom
from ..record import record
from .copies import destination, landing, normalise, sources
from ..model import Dockerfile, Instruction

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..shell import Command, Script
    from .runscript import RunScript

_MVN_BUILD_GOALS = frozenset({"package", "install", "verify", "deploy"})
_MVN_RESOLVE_GOALS = ("dependency:go-offline", "dependency:resolve", "dependency:resolve-plugins",
                      "de.qaware.maven:go-offline-maven-plugin:resolve-dependencies")
#: Options kept as they are (no value).
_MVN_KEEP_FLAGS = frozenset({"-B", "--batch-mode", "-q", "--quiet", "-ntp", "--no-transfer-progress", "-U",
                             "--update-snapshots", "-C", "--strict-checksums", "-c", "--lax-checksums",
                             "-am", "--also-make", "-amd", "--also-make-dependents", "-N", "--non-recursive"})
#: Options dropped (no value).
_MVN_DROP_FLAGS = frozenset({"-X", "--debug", "-e", "--errors", "-fae", "--fail-at-end", "-ff", "--fail-fast",
                             "-fn", "--fail-never", "-V", "--show-version", "-nsu", "--no-snapshot-updates",
                             "--color", "-llr", "--legacy-local-repository"})
#: Options taking a value that are kept; the file ones name a file the build reads.
_MVN_KEEP_VALUE = frozenset({"-s", "--settings", "-gs", "--global-settings", "-t", "--toolchains", "-P",
                             "--activate-profiles", "-f", "--file", "-pl", "--projects"})
_MVN_FILE_OPTIONS = frozenset({"-s", "--settings", "-gs", "--global-settings", "-t", "--toolchains"})
#: Options taking a value that are dropped.
_MVN_DROP_VALUE = frozenset({"-T", "--threads", "-l", "--log-file", "-rf", "--resume-from", "-b", "--builder"})
#: Steps that may run before the build in its RUN (a ``chmod +x`` of the wrapper joins the prefix).
_HARMLESS_BEFORE = frozenset({"set", "echo", "printf", "true", ":", "ls", "pwd", "java", "chmod"})
_MVN_OFFLINE = frozenset({"-o", "--offline"})
_MVN_SHORT_ATTACHED = ("-P", "-s", "-t", "-f", "-T", "-l")  # commons-cli accepts -Pprod, -sfile


@record
class MavenRun:
    """A build's top-level mvn command, as the passes need it."""

    prefix: str  # env assignments and the program, as written
    kept: tuple[str, ...]  # resolution options as written
    file_values: tuple[str, ...]  # values of -s/-gs/-t (None-free)
    pom_file: str | None  # -f value
    wrapper: bool


def read_mvn(run: RunScript) -> tuple[MavenRun | None, str]:
    """The build's mvn command of a RUN script, or (None, reason)."""
    script = run.script
    found = None
    for command in script.commands:
        if command.program in ("mvn", "mvnw") or (command.name or "").endswith(("/mvn", "mvnw", "mvnw.cmd")):
            args = [w.value for w in command.words]
            if any(a in _MVN_OFFLINE for a in args if a):
                return None, "offline"
            if any(a and a.startswith(_MVN_RESOLVE_GOALS) for a in args):
                return None, "resolves"
            if found is None and any(a in _MVN_BUILD_GOALS for a in args if a):
                found = command
    if found is None:
        return None, "no build"
    if not found.top_level or found.wrappers or found.step_index is None:
        return None, "nested"
    chmod = _wrapper_chmod(script, found, "mvnw")
    if chmod is None:
        return None, "a step before the build may change what it sees"
    kept: list[str] = []
    files: list[str] = []
    pom_file = None
    words = found.words
    i = 0
    while i < len(words):
        word = words[i]
        text = word.value
        if text is None:
            if word.text_raw.startswith("-"):
                return None, "unknown word"
            i += 1  # a goal or property built from a variable: goals are dropped
            continue
        if not text.startswith("-") or text == "-":
            i += 1
            continue
        name, eq, value = text.partition("=")
        if text.startswith("-D"):
            if text == "-D" and i + 1 < len(words):
                kept.append(f"{word.text_raw} {words[i + 1].text_raw}")
                i += 2
            else:
                kept.append(word.text_raw)
                i += 1
            continue
        if name in _MVN_KEEP_FLAGS and not eq:
            kept.append(word.text_raw)
        elif name in _MVN_DROP_FLAGS and not eq:
            pass
        elif name in _MVN_KEEP_VALUE or name in _MVN_DROP_VALUE:
            raw = word.text_raw
            option_value: str | None
            if eq:
                option_value = value
            elif i + 1 < len(words):
                option_value = words[i + 1].value
                raw = f"{raw} {words[i + 1].text_raw}"
                i += 1
            else:
                return None, "unknown word"
            if name in _MVN_KEEP_VALUE:
                kept.append(raw)
                if name in _MVN_FILE_OPTIONS:
                    if option_value is None:
                        return None, "unknown word"
                    files.append(option_value)
                if name in ("-f", "--file"):
                    if option_value is None:
                        return None, "unknown word"
                    pom_file = option_value
        elif text.startswith(_MVN_SHORT_ATTACHED) and not text.startswith("--"):
            flag, rest = text[:2], text[2:]
            if flag in ("-T", "-l"):
                pass
            else:
                kept.append(word.text_raw)
                if flag in ("-s", "-t"):
                    files.append(rest)
                if flag == "-f":
                    pom_file = rest
        else:
            return None, "unknown word"
        i += 1
    prefix_end = found.name_span[1]
    prefix = chmod + run.script.text[found.span[0]:prefix_end]
    wrapper = (found.name or "").endswith("mvnw")
    return MavenRun(prefix, tuple(kept), tuple(files), pom_file, wrapper), ""


def copied_paths(inst: Instruction, project: str, doc: Dockerfile) -> set[str] | None:
    """Context paths (relative to the root) a copy brings to the same place in the project
    directory, when its sources are named files landing in ``project``; None otherwise."""
    dest = landing(doc, inst)
    raw = destination(inst) or ""
    if dest is None:
        return None
    out = set()
    for source in sources(inst):
        key = normalise("/" + source).lstrip("/")
        if not key or any(c in key for c in "*?[$"):
            return None
        if raw.endswith("/") or dest == project or len(sources(inst)) > 1:
            target = posixpath.join(dest, posixpath.basename(key))
        else:
            target = dest
        if target != posixpath.join(project, key):
            return None
        out.add(key)
    return out


def maven_files(context: BuildContext, mvn: MavenRun, project_rel_files: list[str]) -> tuple[list[str], str]:
    """The context files go-offline needs, or ([], reason)."""
    reactor, reason = maven_reactor(context)
    if reactor is None:
        return [], reason
    needed = list(reactor)
    if mvn.wrapper:
        if not context.exists("mvnw"):
            return [], "the build runs ./mvnw but mvnw is not in the build context"
        needed.append("mvnw")
    if context.exists(".mvn"):
        needed.append(".mvn")
    for value in project_rel_files:
        if not context.exists(value):
            return [], f"{value} (given to mvn) is not in the build context"
        needed.append(value)
    return needed, ""


def maven_reactor(context: BuildContext) -> tuple[dict[str, MavenProject | None] | None, str]:
    """The poms of the reactor, root first (context path -> facts, None for a parent pom outside
    the module tree), or (None, reason)."""
    maven = context.manifests.maven
    if maven is None or not maven.parsed:
        return None, "no parsed pom.xml at the context root"
    poms: dict[str, MavenProject | None] = {"pom.xml": maven}
    seen = {""}
    todo = [("", maven)]
    while todo:
        base, project = todo.pop(0)
        if project.profile_modules:
            return None, f"{posixpath.join(base, 'pom.xml')} declares modules in profiles"
        parent = project.parent
        if parent is not None and parent.relative_path:
            rel = normalise("/" + posixpath.join(base, parent.relative_path)).lstrip("/")
            if not posixpath.join(base, parent.relative_path).startswith(".."):
                candidate = rel if rel.endswith(".xml") else posixpath.join(rel, "pom.xml") if rel else "pom.xml"
                if context.exists(candidate) and candidate not in poms:
                    poms[candidate] = None
        for module in project.modules:
            path = normalise("/" + posixpath.join(base, module)).lstrip("/")
            pom = path if path.endswith(".xml") else posixpath.join(path, "pom.xml")
            if posixpath.join(base, module).startswith("..") or not context.exists(pom):
                return None, f"module pom {pom} is not in the build context"
            module_project = parse_pom(context.read_text(pom))
            if poms.get(pom) is None:
                poms[pom] = module_project
            module_dir = posixpath.dirname(pom)
            if module_dir not in seen and len(seen) < 200:
                seen.add(module_dir)
                todo.append((module_dir, module_project))
    return poms, ""


def sibling_dependencies(reactor: dict[str, MavenProject | None]) -> tuple[list[str], list[str]]:
    """(module poms that use another reactor module: ``a/pom.xml -> b``, poms that could not be
    read). go-offline resolves every module's dependencies from the repositories; before
    maven-dependency-plugin 3.9 it does not take a sibling from the reactor, so the unbuilt
    SNAPSHOT module cannot be found."""
    modules = {path: project for path, project in reactor.items() if project is not None}
    unread = [path for path, project in modules.items() if not project.parsed]
    own = {}
    for path, project in modules.items():
        if project.artifact_id:
            own[project.artifact_id] = (project.group_id, path)
    uses = []
    for path, project in modules.items():
        for reference in project.references:
            group, _, artifact = reference.partition(":")
            target = own.get(artifact)
            if target is not None and target[1] != path and (target[0] is None or group in ("?", target[0])):
                uses.append(f"{path} uses {artifact}")
    return uses, unread


# Gradle ------------------------------------------------------------------------------------------

_GRADLE_BUILD_TASKS = frozenset({"build", "assemble", "bootJar", "bootWar", "installDist", "jar", "war",
                                 "shadowJar", "distTar", "distZip"})
#: Gradle options kept as they are (no value): they change what or how dependencies resolve.
_GRADLE_KEEP_FLAGS = frozenset({"--no-daemon", "-q", "--quiet", "--refresh-dependencies", "-U"})
#: Gradle options dropped (no value): logging, parallelism, caches of task outputs.
_GRADLE_DROP_FLAGS = frozenset({"-s", "--stacktrace", "-S", "--full-stacktrace", "-i", "--info", "-d", "--debug",
                                "-w", "--warn", "--parallel", "--no-parallel", "--build-cache", "--no-build-cache",
                                "--scan", "--no-scan", "--continue", "--configuration-cache",
                                "--no-configuration-cache", "--daemon", "--no-watch-fs", "--watch-fs",
                                "--console=plain", "--console=rich", "--console=auto", "--console=verbose"})
#: Gradle options taking a value: kept (the user home is where the dependencies go) or dropped.
_GRADLE_KEEP_VALUE = frozenset({"-g", "--gradle-user-home"})
_GRADLE_DROP_VALUE = frozenset({"-x", "--exclude-task", "--warning-mode", "--max-workers", "--console"})
_GRADLE_OFFLINE = frozenset({"--offline", "-m", "--dry-run"})
#: Plugins that resolve lazily or need more than the root build files; never offered.
_GRADLE_UNSUPPORTED = ("com.android.", "android {", "multiplatform", "org.jetbrains.kotlin.multiplatform",
                       "includeBuild", "apply from", "apply(from")


@record
class GradleRun:
    prefix: str  # ``chmod +x gradlew && `` and env assignments and the program, as written
    kept: tuple[str, ...]
    wrapper: bool
    user_home: bool  # -g/--gradle-user-home given


def is_gradle(command: Command) -> bool:
    name = command.name or ""
    return command.program in ("gradle", "gradlew") or name.endswith(("/gradle", "gradlew"))


def read_gradle(run: RunScript) -> GradleRun | None:
    """The build's top-level gradle/gradlew command of a RUN script, or None."""
    script = run.script
    found = None
    for command in script.commands:
        if not is_gradle(command):
            continue
        args = [w.value for w in command.words]
        if any(a in _GRADLE_OFFLINE or (a or "").startswith("--offline") for a in args if a):
            return None
        if found is None and any(a in _GRADLE_BUILD_TASKS for a in args if a):
            found = command
        elif found is None or command is not found:
            return None  # a second gradle command (``gradle dependencies`` already there, ...)
    if found is None or not found.top_level or found.wrappers or found.step_index is None:
        return None
    chmod = _wrapper_chmod(script, found, "gradlew")
    if chmod is None:
        return None
    kept: list[str] = []
    user_home = False
    words = found.words
    i = 0
    while i < len(words):
        word = words[i]
        text = word.value
        if text is None:
            return None  # a task or option built from a variable
        if not text.startswith("-"):
            if ":" in text or text.startswith("$"):
                return None  # a task path (``:app:build``): a multi-project build
            i += 1
            continue
        name, eq, _ = text.partition("=")
        if text.startswith(("-P", "-D")) and not text.startswith("--"):
            if text in ("-P", "-D"):
                if i + 1 >= len(words):
                    return None
                kept.append(f"{word.text_raw} {words[i + 1].text_raw}")
                i += 2
                continue
            kept.append(word.text_raw)
        elif text.startswith("--project-prop=") or text.startswith("--system-prop="):
            kept.append(word.text_raw)
        elif text in _GRADLE_KEEP_FLAGS:
            kept.append(word.text_raw)
        elif text in _GRADLE_DROP_FLAGS:
            pass
        elif name in _GRADLE_KEEP_VALUE or name in _GRADLE_DROP_VALUE:
            raw = word.text_raw
            if not eq:
                if i + 1 >= len(words) or words[i + 1].value is None:
                    return None
                raw = f"{raw} {words[i + 1].text_raw}"
                i += 1
            if name in _GRADLE_KEEP_VALUE:
                kept.append(raw)
                user_home = True
        else:
            return None  # unknown, or -p/-b/-c/-I/--include-build: other files or directories
        i += 1
    prefix = chmod + script.text[found.span[0]:found.name_span[1]]
    wrapper = (found.name or "").endswith("gradlew")
    return GradleRun(prefix, tuple(kept), wrapper, user_home)


def gradle_files(context: BuildContext, gradle: GradleRun) -> list[str] | None:
    """The context files and directories ``gradle dependencies`` needs, or None (not offered)."""
    project = context.manifests.gradle
    if project is None or project.build_file is None or project.subprojects:
        return None
    texts = []
    for name in (project.build_file, project.settings_file):
        if name is None:
            continue
        text = context.read_text(name)
        if text is None or not context.exists(name):
            return None
        texts.append(text)
    if any(marker in text for text in texts for marker in _GRADLE_UNSUPPORTED):
        return None
    needed = [name for name in (project.settings_file, project.build_file) if name]
    if context.exists("gradle.properties"):
        needed.append("gradle.properties")
    if gradle.wrapper:
        if not (context.exists("gradlew") and context.exists("gradle/wrapper/gradle-wrapper.properties")):
            return None
        needed.append("gradlew")
    # Directories last (each on its own COPY): gradle/ holds the wrapper and libs.versions.toml,
    # buildSrc/ is compiled and put on the build script's classpath.
    # (gradle/ for a build without the wrapper only when it holds more than the wrapper).
    build_logic = any(p.startswith("gradle/") and not p.startswith("gradle/wrapper/") for p in context.included)
    if context.exists("gradle") and (gradle.wrapper or build_logic):
        needed.append("gradle/")
    if context.exists("buildSrc"):
        needed.append("buildSrc/")
    if gradle.wrapper and "gradle/" not in needed:
        return None
    return needed


def _wrapper_chmod(script: Script, build: Command, wrapper: str) -> str | None:
    """The ``chmod`` of the build wrapper (``mvnw``, ``gradlew``) among the steps before ``build``, as
    ``"chmod +x mvnw && "`` to keep in front of the moved command ("" when there is none); None when a
    step before the build may change what it sees (anything but harmless steps and that chmod)."""
    chmod = ""
    for step in script.chain[:build.step_index]:
        cmd = step.command
        if cmd is None or cmd.name not in _HARMLESS_BEFORE or cmd.env or cmd.redirects:
            return None
        if cmd.name == "chmod":
            if not any((w.value or "").endswith(wrapper) for w in cmd.words):
                return None
            chmod = script.text[cmd.span[0]:cmd.span[1]] + " && "
    return chmod
