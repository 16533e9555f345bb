"""Java facts: the JDK or JRE a base image holds, the jar a Maven/Gradle build writes, the runtime
images, and how a ``java`` command line reads (the launcher's own option grammar)."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..record import record
from ..shell.grammars import JAVA, JAVA_NO_RUN, compile_options

if TYPE_CHECKING:
    from ..context import BuildContext

__all__ = ["JavaImage", "JavaLaunch", "Runtime", "built_jar", "extra_jars", "java_image", "java_launch",
           "runtime_image"]

#: Java versions eclipse-temurin publishes maintained images for (the LTS releases).
LTS = (8, 11, 17, 21, 25)
#: Distroless Java images by Java version (11 exists only on Debian 11, no longer updated).
_DISTROLESS = {11: "gcr.io/distroless/java11-debian11", 17: "gcr.io/distroless/java17-debian12",
               21: "gcr.io/distroless/java21-debian12"}
#: Image repositories that hold a JDK (or a JRE, by tag) and how their tags name the Java version.
_JDK_REPOSITORIES = ("eclipse-temurin", "openjdk", "amazoncorretto", "java", "adoptopenjdk", "sapmachine",
                     "ibm-semeru-runtimes", "ibmjava")
#: Repositories, and tag words, of images whose JVM is Eclipse OpenJ9 (IBM J9), not HotSpot.
_OPENJ9_REPOSITORIES = ("ibm-semeru-runtimes", "ibmjava")
_OPENJ9_TAG_WORDS = frozenset(("openj9", "semeru"))
#: Java versions IBM Semeru publishes ``ibm-semeru-runtimes:open-<N>-jre`` images for.
_SEMERU = (8, 11, 17, 21)
_TOOL_REPOSITORIES = ("maven", "gradle")
#: Every Docker Hub repository ``java_image`` knows (it returns None for any other image).
REPOSITORIES = _JDK_REPOSITORIES + _TOOL_REPOSITORIES


@record
class JavaImage:
    """What a ``FROM`` image reference says about its Java: family, feature version, JDK or JRE."""

    repository: str  # "maven", "eclipse-temurin", ...
    version: int | None  # the Java feature release (8, 11, 17 ...), None when the tag does not say
    jdk: bool  # a JDK or a build-tool image (False: a JRE image)
    alpine: bool  # musl-based (the tag says alpine)
    openj9: bool = False  # the JVM is Eclipse OpenJ9 (IBM Semeru, ibmjava, an ``-openj9`` tag), not HotSpot

    @property
    def build_tool(self) -> bool:
        return self.repository in _TOOL_REPOSITORIES


@record
class Runtime:
    """The runtime image chosen for a Java version and ``--java-runtime``, with what to know about it."""

    image: str | None  # None: no image of that kind for this Java version
    shell: bool  # the image has /bin/sh (distroless has none)
    notes: tuple[str, ...]  # facts a reviewer must know (architectures, libc, no bash ...)
    alpine: bool = False  # musl and busybox: no bash, and only busybox's tools


def java_image(reference: str) -> JavaImage | None:
    """The Java facts of an image reference such as ``maven:3.6.1-jdk-8-alpine``; None for other images."""
    name, tag = _split_reference(reference)
    if name is None:
        return None
    parts = tag.lower().split("-") if tag else []
    alpine = "alpine" in parts
    openj9 = name in _OPENJ9_REPOSITORIES or bool(_OPENJ9_TAG_WORDS.intersection(parts))
    if name in _TOOL_REPOSITORIES:
        return JavaImage(name, _tool_version(name, parts), True, alpine, openj9)
    if name == "ibm-semeru-runtimes" and parts[:1] in (["open"], ["certified"]):
        parts = parts[1:]  # open-17-jdk, certified-21-jre
    version = _java_major(parts[0]) if parts else None
    jdk = "jre" not in parts
    return JavaImage(name, version, jdk, alpine, openj9)


def _split_reference(reference: str) -> tuple[str | None, str]:
    """(repository on Docker Hub's library, tag) of an image reference; None for other registries."""
    ref = reference.split("@", 1)[0]
    if "$" in ref:
        return None, ""
    path, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
    segments = path.lower().split("/")
    if len(segments) > 1 and ("." in segments[0] or ":" in segments[0] or segments[0] == "localhost"):
        if segments[0] not in ("docker.io", "index.docker.io"):
            return None, ""
        segments = segments[1:]
    if len(segments) == 2 and segments[0] == "library":
        segments = segments[1:]
    if len(segments) != 1 or segments[0] not in _JDK_REPOSITORIES + _TOOL_REPOSITORIES:
        return None, ""
    return segments[0], tag


def _java_major(text: str) -> int | None:
    """``17`` / ``17.0.18_8`` / ``8u342`` / ``1.8`` -> the feature release."""
    match = re.fullmatch(r"(?:1\.(\d+)|(\d+))(?:u\d+)?(?:[._]\d+)*", text)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def _tool_version(name: str, parts: list[str]) -> int | None:
    """The JDK of a ``maven:``/``gradle:`` tag: ``3.8-openjdk-17`` -> 17, ``7.3.2-jdk11-alpine`` -> 11."""
    rest = parts[1:] if parts and re.fullmatch(r"\d+(\.\d+)*", parts[0]) else parts
    for i, part in enumerate(rest):
        glued = re.fullmatch(r"(?:jdk|jre|java|openjdk)(\d+)", part)
        if glued:
            return _java_major(glued.group(1))
        if re.fullmatch(r"\d+", part) and i > 0:
            return _java_major(part)
    return None


def runtime_image(version: int, kind: str, openj9: bool = False) -> Runtime:
    """The JRE runtime image for a Java version: ``kind`` is DO301's ``java-runtime`` option (alpine|jre|distroless).

    An OpenJ9 build image gets IBM Semeru's OpenJ9 JRE (Ubuntu, no Alpine or distroless image), never a
    HotSpot one: OpenJ9's options (``-Xshareclasses``, ``-Xquickstart`` ...) stop HotSpot from starting.
    """
    if openj9:
        if kind == "distroless" or version not in _SEMERU:
            return Runtime(None, True, ())
        notes = ["Eclipse OpenJ9 like the build image (IBM Semeru); Ubuntu-based (glibc), no Alpine image"]
        return Runtime(f"ibm-semeru-runtimes:open-{version}-jre", True, tuple(notes))
    if kind == "distroless":
        image = _DISTROLESS.get(version)
        notes = ["distroless has no shell: CMD/ENTRYPOINT must be exec form, HEALTHCHECK cannot run a command"]
        if version == 11:
            notes.append("java11 exists only on Debian 11 and is no longer updated")
        return Runtime(image, False, tuple(notes))
    if version not in LTS:
        return Runtime(None, True, ())
    if kind == "jre":
        return Runtime(f"eclipse-temurin:{version}-jre", True, ("Ubuntu-based (glibc), multi-arch",))
    notes = ["musl-based Alpine without bash (busybox sh only)"]
    if version < 21:
        notes.append(f"eclipse-temurin:{version}-jre-alpine is published for amd64 only (no arm64 image)")
    return Runtime(f"eclipse-temurin:{version}-jre-alpine", True, tuple(notes), alpine=True)


def built_jar(context: BuildContext, tool: str) -> str | None:
    """The jar ``mvn package`` / ``gradle build`` writes, relative to the project directory, from the
    build files' facts (``target/<finalName>.jar``, ``build/libs/<name>-<version>.jar``); None when
    they do not state it (a multi-module build, an interpolated name, a name Gradle derives from the
    directory ...)."""
    if tool == "maven":
        maven = context.manifests.maven
        if maven is None or not maven.parsed or maven.modules or maven.packaging not in (None, "jar"):
            return None
        return f"target/{maven.final_file}" if maven.final_file else None
    gradle = context.manifests.gradle
    if gradle is None or gradle.subprojects or gradle.jar_file is None:
        return None
    return f"build/libs/{gradle.jar_file}"


def matches(pattern: str, path: str) -> bool:
    """A CMD's jar glob (``target/*.jar``) names ``path`` (shell globbing: ``*`` stops at ``/``)."""
    return fnmatch.fnmatchcase(path, pattern) and pattern.count("/") == path.count("/")


#: Build-file words of plugins or settings that write more jars beside the main one (so a glob
#: such as ``target/*.jar`` matches several): shaded/assembled/source/javadoc/test jars,
#: classifiers, Gradle's shadow plugin and Spring Boot's ``-plain.jar``.
_EXTRA_JAR_MARKERS = {
    "maven": ("maven-shade-plugin", "maven-assembly-plugin", "maven-source-plugin", "maven-javadoc-plugin",
              "test-jar", "<classifier>", "jar-with-dependencies"),
    "gradle": ("shadow", "sourcesjar", "javadocjar", "withsourcesjar", "withjavadocjar", "classifier",
               "org.springframework.boot", "spring-boot"),
}
_BUILD_FILES = {"maven": ("pom.xml",), "gradle": ("build.gradle", "build.gradle.kts")}


def extra_jars(context: BuildContext, tool: str, tasks: Sequence[str] = ()) -> str | None:
    """Why the build may write more than one jar beside the main one (the plugin or setting that says
    so), or None when its build file shows none. Spring Boot's Gradle plugin also writes ``-plain.jar``
    when the ``jar`` task runs (``build``/``assemble``; not for ``gradle bootJar``) and is enabled."""
    only_boot_jar = bool(tasks) and all(t.rsplit(":", 1)[-1] == "bootJar" for t in tasks)
    for name in _BUILD_FILES[tool]:
        text = (context.read_text(name) or "").lower()
        found = [m for m in _EXTRA_JAR_MARKERS[tool] if m in text]
        if tool == "gradle" and (only_boot_jar or re.search(r"\bjar\s*\{[^}]*enabled\s*=\s*false", text)):
            found = [m for m in found if "spring" not in m]
        if found:
            return f"{name} uses {found[0]}, which writes more jars"
    return None


@record
class JavaLaunch:
    """A ``java`` command line read with the launcher's grammar (``JAVA`` in shell.grammars).

    ``mode`` is ``jar`` (``-jar <file>``), ``class`` (a main class), ``module`` (``-m``) or
    ``source`` (a ``.java`` file); ``target`` is the index, in the words given, of the jar, class,
    module or source file (a word the shell expands, when that one may be it), None when missing.
    """

    mode: str
    target: int | None


def java_launch(words: Sequence[str | None]) -> JavaLaunch | None:
    """How ``java`` reads ``words`` (``words[0]`` is the program; None: a word the shell expands).

    A word expanded at run time (``$JAVA_OPTS``) counts as options when an option follows it, else it
    is taken as the target (whose name is then unknown). None when ``words[0]`` is not ``java``, an ``@argfile`` hides the options, or
    the options only print something (``-version``).
    """
    if not words or posixpath.basename(words[0] or "") != "java":
        return None
    table = compile_options(JAVA)
    jar, i = False, 1
    while i < len(words):
        word = words[i]
        if word is None:
            following = words[i + 1] if i + 1 < len(words) else None
            if following is None or not following.startswith("-"):
                return JavaLaunch("jar" if jar else "class", i)
            i += 1
            continue
        if word.startswith("@"):
            return None
        if not word.startswith("-") or word == "-":
            mode = "jar" if jar else ("source" if word.endswith(".java") else "class")
            return JavaLaunch(mode, i)
        name, eq, _ = word.partition("=") if word.startswith("--") else (word, "", "")
        canonical = table.resolve(name)
        if canonical in JAVA_NO_RUN:
            return None
        if canonical == "-m":
            return JavaLaunch("module", i if eq else (i + 1 if i + 1 < len(words) else None))
        jar = jar or canonical == "-jar"
        i += 2 if canonical in table.takes_value and not eq else 1
    return JavaLaunch("jar" if jar else "class", None)
