"""Java facts: the JDK or JRE a base image holds, the jar a Maven/Gradle build writes, and the runtime images."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

__all__ = ["JavaImage", "Runtime", "built_jar", "java_image", "runtime_image"]

#: Java versions eclipse-temurin publishes maintained images for (the LTS releases).
LTS = (8, 11, 17, 21, 25)
#: Distroless Java images by Java version (11 exists only on Debian 11, no longer updated).
_DISTROLESS = {11: "gcr.io/distroless/java11-debian11", 17: "gcr.io/distroless/java17-debian12",
               21: "gcr.io/distroless/java21-debian12"}
#: Image repositories that hold a JDK (or a JRE, by tag) and how their tags name the Java version.
_JDK_REPOSITORIES = ("eclipse-temurin", "openjdk", "amazoncorretto", "java", "adoptopenjdk", "sapmachine")
_TOOL_REPOSITORIES = ("maven", "gradle")


@dataclass(frozen=True)
class JavaImage:
    """What a ``FROM`` image reference says about its Java: family, feature version, JDK or JRE."""

    repository: str  # "maven", "eclipse-temurin", ...
    version: int | None  # the Java feature release (8, 11, 17 ...), None when the tag does not say
    jdk: bool  # a JDK or a build-tool image (False: a JRE image)
    alpine: bool  # musl-based (the tag says alpine)

    @property
    def build_tool(self) -> bool:
        return self.repository in _TOOL_REPOSITORIES


@dataclass(frozen=True)
class Runtime:
    """The runtime image chosen for a Java version and ``--java-runtime``, with what to know about it."""

    image: str | None  # None: no image of that kind for this Java version
    shell: bool  # the image has /bin/sh (distroless has none)
    notes: tuple[str, ...]  # facts a reviewer must know (architectures, libc, no bash ...)


def java_image(reference: str) -> JavaImage | None:
    """The Java facts of an image reference such as ``maven:3.6.1-jdk-8-alpine``; None for other images."""
    name, tag = _split_reference(reference)
    if name is None:
        return None
    parts = tag.lower().split("-") if tag else []
    alpine = "alpine" in parts
    if name in _TOOL_REPOSITORIES:
        return JavaImage(name, _tool_version(name, parts), True, alpine)
    version = _java_major(parts[0]) if parts else None
    jdk = "jre" not in parts
    return JavaImage(name, version, jdk, alpine)


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


def runtime_image(version: int, kind: str) -> Runtime:
    """The JRE runtime image for a Java version: ``kind`` is ``Config.java_runtime`` (alpine|jre|distroless)."""
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
    return Runtime(f"eclipse-temurin:{version}-jre-alpine", True, tuple(notes))


def built_jar(context, tool: str) -> str | None:
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
