"""Build manifests at the context root, parsed into plain facts (Maven, Gradle, Node, Python, Go).

Each fact is what the file states (after Maven's own defaults and property interpolation); a fact
the file does not state, or that cannot be resolved, is None or () — never a guess. Each kind is
parsed the first time it is asked for.

pom.xml is read with ``xml.etree`` without namespaces mattering; a document with a DOCTYPE is
refused (no entity expansion). Gradle build scripts are code, so only literal statements are read
(plugin ids, ``JavaLanguageVersion.of(17)``, ``sourceCompatibility = '17'``, ``include 'a'``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from ..record import record
from .dockerignore import go_clean

if TYPE_CHECKING:  # xml.etree and tomllib are imported when a pom.xml or pyproject.toml is read
    import xml.etree.ElementTree as ET

__all__ = [
    "GoModule",
    "GradleProject",
    "Manifests",
    "MavenParent",
    "MavenProject",
    "NodeProject",
    "PythonProject",
]

Reader = Callable[[str], "str | None"]


# Maven ---------------------------------------------------------------------------------------------


@record
class MavenParent:
    group_id: str | None
    artifact_id: str | None
    version: str | None
    relative_path: str | None  # as written; Maven's default is ../pom.xml


@record
class MavenProject:
    """Facts of the root pom.xml. ``parsed`` is False when the file exists but could not be read."""

    parsed: bool = False
    group_id: str | None = None  # the project's, else the parent's (Maven's inheritance)
    artifact_id: str | None = None
    version: str | None = None  # the project's, else the parent's
    packaging: str | None = None  # as declared; Maven's default is "jar"
    final_name: str | None = None  # <build><finalName>, interpolated
    final_name_unresolved: bool = False  # <finalName> is written but names a property we cannot resolve
    modules: tuple[str, ...] = ()  # <modules>, cleaned paths relative to the root
    profile_modules: tuple[str, ...] = ()  # <profiles><profile><modules>: in the reactor when the profile is active
    java_version: str | None = None  # compiler release/target/source, as written ("1.8", "17")
    spring_boot: bool = False  # spring-boot-maven-plugin in <build><plugins>
    spring_boot_version: str | None = None  # spring-boot-starter-parent's version, else the plugin's
    has_wrapper: bool = False  # mvnw and .mvn/ in the context
    parent: MavenParent | None = None
    #: "groupId:artifactId" of what resolution fetches: dependencies (also in profiles), imported
    #: BOMs, build plugins and their dependencies; "?" for a groupId that does not resolve
    references: tuple[str, ...] = ()

    @property
    def java_major(self) -> int | None:
        """``java_version`` as a feature release number: "1.8" -> 8, "17" -> 17."""
        return _java_major(self.java_version)

    @property
    def final_file(self) -> str | None:
        """The artifact file ``mvn package`` writes in target/: ``<finalName>.<extension>``."""
        extension = _PACKAGING_EXTENSION.get(self.packaging or "jar")
        if extension is None:
            return None
        name = self.final_name
        if self.final_name_unresolved:
            return None
        if name is None and self.artifact_id and self.version:
            name = f"{self.artifact_id}-{self.version}"
        return f"{name}.{extension}" if name else None


_PACKAGING_EXTENSION = {
    "jar": "jar", "war": "war", "ear": "ear", "rar": "rar",
    "ejb": "jar", "maven-plugin": "jar", "bundle": "jar",
}
_PROPERTY = re.compile(r"\$\{([^}]+)\}")
_MAX_PROPERTY = 4096  # characters an interpolated value may grow to
_DOCTYPE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_pom(text: str | None, *, has_wrapper: bool = False) -> MavenProject:
    """The facts of one pom.xml text (a ``MavenProject`` with ``parsed=False`` when unusable)."""
    if text is None or _DOCTYPE.search(text):
        return MavenProject(has_wrapper=has_wrapper)
    import xml.etree.ElementTree as ET

    try:
        project = ET.fromstring(text.lstrip("\ufeff"))
    except (ET.ParseError, ValueError):
        return MavenProject(has_wrapper=has_wrapper)
    if _local(project.tag) != "project":
        return MavenProject(has_wrapper=has_wrapper)

    parent_el = _child(project, "parent")
    parent = None
    if parent_el is not None:
        parent = MavenParent(_text(parent_el, "groupId"), _text(parent_el, "artifactId"),
                             _text(parent_el, "version"), _text(parent_el, "relativePath"))
    raw = {
        "groupId": _text(project, "groupId") or (parent.group_id if parent else None),
        "artifactId": _text(project, "artifactId"),
        "version": _text(project, "version") or (parent.version if parent else None),
        "packaging": _text(project, "packaging"),
    }
    properties = {}
    props_el = _child(project, "properties")
    if props_el is not None:
        for prop in props_el:
            if isinstance(prop.tag, str):
                properties[_local(prop.tag)] = (prop.text or "").strip()
    build = _child(project, "build")
    final_name = _text(build, "finalName") if build is not None else None

    values: dict[str, str | None] = dict(properties)
    for key, value in raw.items():
        values[f"project.{key}"] = value
        values[f"pom.{key}"] = value
        values.setdefault(key, value)  # the deprecated bare ${version}; a property of that name wins
    if parent is not None:
        for key, value in (("groupId", parent.group_id), ("artifactId", parent.artifact_id),
                           ("version", parent.version)):
            values[f"project.parent.{key}"] = value
            values[f"parent.{key}"] = value
    values["project.build.finalName"] = final_name

    def resolve(value: str | None) -> str | None:
        return _interpolate(value, values)

    plugins = _plugins(build)
    modules_el = _child(project, "modules")
    modules: tuple[str, ...] = ()
    if modules_el is not None:
        modules = tuple(dict.fromkeys(
            go_clean(m.text.strip()) for m in _children(modules_el, "module") if m.text and m.text.strip()))
    return MavenProject(
        parsed=True,
        group_id=resolve(raw["groupId"]),
        artifact_id=resolve(raw["artifactId"]),
        version=resolve(raw["version"]),
        packaging=resolve(raw["packaging"]),
        final_name=resolve(final_name),
        final_name_unresolved=final_name is not None and resolve(final_name) is None,
        modules=modules,
        profile_modules=_profile_modules(project),
        java_version=_maven_java_version(plugins, properties, resolve),
        spring_boot=any(_text(p, "artifactId") == "spring-boot-maven-plugin" for p in plugins),
        spring_boot_version=_spring_boot_version(parent, plugins, resolve),
        has_wrapper=has_wrapper,
        parent=parent,
        references=_maven_references(project, resolve),
    )


def _maven_references(project: ET.Element, resolve: Callable[[str | None], str | None]) -> tuple[str, ...]:
    """Coordinates (``group:artifact``) of every dependency, imported BOM, plugin and plugin
    dependency the pom (and its profiles) declares; a plugin without a groupId is Maven's
    ``org.apache.maven.plugins``."""
    found = []
    for element in project.iter():
        if not isinstance(element.tag, str) or _local(element.tag) not in ("dependency", "plugin"):
            continue
        default = "org.apache.maven.plugins" if _local(element.tag) == "plugin" else None
        group = resolve(_text(element, "groupId") or default) or "?"
        artifact = resolve(_text(element, "artifactId"))
        if artifact:
            found.append(f"{group}:{artifact}")
    return tuple(dict.fromkeys(found))


def _profile_modules(project: ET.Element) -> tuple[str, ...]:
    profiles = _child(project, "profiles")
    if profiles is None:
        return ()
    return tuple(dict.fromkeys(go_clean(m.text.strip()) for profile in _children(profiles, "profile")
                               for block in _children(profile, "modules") for m in _children(block, "module")
                               if m.text and m.text.strip()))


def _spring_boot_version(parent: MavenParent | None, plugins: list[ET.Element],
                         resolve: Callable[[str | None], str | None]) -> str | None:
    if parent is not None and parent.artifact_id == "spring-boot-starter-parent":
        return resolve(parent.version)
    for plugin in plugins:
        if _text(plugin, "artifactId") == "spring-boot-maven-plugin":
            return resolve(_text(plugin, "version"))
    return None


def _plugins(build: ET.Element | None) -> list[ET.Element]:
    """``<build><plugins><plugin>`` (pluginManagement only configures, so it is not included)."""
    if build is None:
        return []
    plugins_el = _child(build, "plugins")
    return list(_children(plugins_el, "plugin")) if plugins_el is not None else []


def _maven_java_version(plugins: list[ET.Element], properties: Mapping[str, str],
                        resolve: Callable[[str | None], str | None]) -> str | None:
    """The compiler's release, else target, else source: plugin configuration first, then properties."""
    for plugin in plugins:
        if _text(plugin, "artifactId") != "maven-compiler-plugin":
            continue
        config = _child(plugin, "configuration")
        if config is None:
            continue
        for key in ("release", "target", "source"):
            value = resolve(_text(config, key))
            if value:
                return value
    for key in ("maven.compiler.release", "maven.compiler.target", "maven.compiler.source", "java.version"):
        value = resolve(properties.get(key))
        if value:
            return value
    for plugin in plugins:  # maven-toolchains-plugin: <toolchains><jdk><version>17</version>
        if _text(plugin, "artifactId") != "maven-toolchains-plugin":
            continue
        config = _child(plugin, "configuration")
        toolchains = _child(config, "toolchains") if config is not None else None
        jdk = _child(toolchains, "jdk") if toolchains is not None else None
        value = resolve(_text(jdk, "version"))
        if value:
            return value.strip("[]()")
    return None


def _interpolate(value: str | None, values: Mapping[str, str | None]) -> str | None:
    """Replace ``${name}`` from ``values`` (nested up to 10 levels); None if anything stays unresolved."""
    if value is None:
        return None
    for _ in range(10):
        if "${" not in value:
            return value or None
        def substitute(match: re.Match[str]) -> str:
            found = values.get(match.group(1).strip())
            return found if found is not None else match.group(0)
        end = value.rfind("}") + 1  # no match ends later; scanning past it is quadratic on "${${${..."
        replaced = _PROPERTY.sub(substitute, value[:end]) + value[end:]
        if replaced == value or len(replaced) > _MAX_PROPERTY:  # nested properties can grow exponentially
            return None
        value = replaced
    return None if "${" in value else value or None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (c for c in element if isinstance(c.tag, str) and _local(c.tag) == name)


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next(_children(element, name), None)


def _text(element: ET.Element | None, name: str) -> str | None:
    if element is None:
        return None
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _java_major(version: str | None) -> int | None:
    if not version:
        return None
    match = re.fullmatch(r"\s*(?:1\.(\d+)|(\d+))(?:\.\d+)*\s*", version)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


# Gradle --------------------------------------------------------------------------------------------


@record
class GradleProject:
    build_file: str | None = None  # "build.gradle" | "build.gradle.kts"
    settings_file: str | None = None  # "settings.gradle" | "settings.gradle.kts"
    kotlin_dsl: bool = False
    has_wrapper: bool = False  # gradlew in the context
    wrapper_files: tuple[str, ...] = ()  # gradlew, gradlew.bat, gradle/wrapper/*
    java_version: str | None = None  # toolchain languageVersion, else target/sourceCompatibility
    spring_boot: bool = False  # the org.springframework.boot plugin is applied
    spring_boot_version: str | None = None  # the version the plugins block gives that plugin
    subprojects: tuple[str, ...] = ()  # `include` in settings, as paths ("app", "libs/core")
    project_name: str | None = None  # settings' rootProject.name (else Gradle uses the directory's name)
    version: str | None = None  # a literal top-level `version = '1.0'`
    version_unknown: bool = False  # a `version` statement whose value is not a literal
    archive_file_name: str | None = None  # the jar task's archiveFileName (bootJar's for Spring Boot)
    archive_base_name: str | None = None  # the jar task's archiveBaseName, else archivesBaseName
    archive_details: bool = False  # the jar task sets a classifier/version/appendix (its name is not derived here)
    properties_file: bool = False  # gradle.properties exists (it may set the version)

    @property
    def java_major(self) -> int | None:
        return _java_major(self.java_version)

    @property
    def jar_file(self) -> str | None:
        """The file name of the jar ``gradle build`` writes to build/libs (the boot jar for Spring
        Boot): ``<name>-<version>.jar``; None when the build files do not state it."""
        if self.archive_file_name:
            return self.archive_file_name
        base = self.archive_base_name or self.project_name
        if base is None or self.archive_details or self.version_unknown:
            return None
        if self.version is None:
            return None if self.properties_file else f"{base}.jar"
        return f"{base}-{self.version}.jar"


# Patterns compiled on first use (re caches them): most runs read no Gradle file.
_GRADLE_TOOLCHAIN = r"JavaLanguageVersion\s*\.\s*of\s*\(\s*['\"]?(\d+)['\"]?\s*\)"
_GRADLE_COMPAT = r"\b{key}\s*=\s*(?:JavaVersion\s*\.\s*VERSION_(\d+(?:_\d+)?)|['\"]?(\d+(?:\.\d+)?)['\"]?)"
_GRADLE_BOOT = (
    r"""\bid\s*\(?\s*['"]org\.springframework\.boot['"]\s*\)?(?:\s*version\s*\(?\s*['"](?P<version>[^'"\n]*)['"]\s*\)?)?"""
    r"""(?P<off>\s*apply\s*\(?\s*false)?"""
    r"""|\bapply\s*\(?\s*plugin\s*[:=]\s*(?:['"](?:org\.springframework\.boot|spring-boot)['"]"""
    r"""|(?:org\.springframework\.boot\.gradle\.plugin\.)?SpringBootPlugin\b)""")
# Line starts take [^\S\n]*, not \s*: the same matches, without rescanning a run of blank lines from each line.
_GRADLE_INCLUDE = r"""(?m)^[^\S\n]*include\s*\(?((?:\s*['"][^'"\n]+['"]\s*,?)+)"""
_GRADLE_COMMENT_START = re.compile(r"//|/\*")
_GRADLE_LITERAL = r"""\s*(?:=|\.set\s*\(|\()?\s*['"]([^'"$\n]+)['"]"""
_GRADLE_VERSION = r"(?m)^[^\S\n]*(?:project\.)?version\b(?:" + _GRADLE_LITERAL + ")?"
_GRADLE_ROOT_NAME = r"\brootProject\.name" + _GRADLE_LITERAL
_GRADLE_ARCHIVES_NAME = r"\b(?:archivesBaseName|archivesName)" + _GRADLE_LITERAL


def parse_gradle(files: Mapping[str, int], read: Reader) -> GradleProject | None:
    build_file = next((name for name in ("build.gradle.kts", "build.gradle") if name in files), None)
    settings_file = next((name for name in ("settings.gradle.kts", "settings.gradle") if name in files), None)
    has_wrapper = "gradlew" in files
    if build_file is None and settings_file is None and not has_wrapper:
        return None
    wrapper_files = tuple(p for p in files if p in ("gradlew", "gradlew.bat") or p.startswith("gradle/wrapper/"))
    build_text = _strip_gradle_comments(read(build_file)) if build_file else ""
    settings_text = _strip_gradle_comments(read(settings_file)) if settings_file else ""
    java_version = None
    match = re.search(_GRADLE_TOOLCHAIN, build_text)
    if match:
        java_version = match.group(1)
    else:
        for key in ("targetCompatibility", "sourceCompatibility"):
            match = re.search(_GRADLE_COMPAT.format(key=key), build_text)
            if match:
                java_version = (match.group(1) or "").replace("_", ".") or match.group(2)
                break
    subprojects: list[str] = []
    for match in re.finditer(_GRADLE_INCLUDE, settings_text):
        for name in re.findall(r"""['"]([^'"\n]+)['"]""", match.group(1)):
            path = name.strip(":").replace(":", "/")
            if path:
                subprojects.append(path)
    boot = [m for m in re.finditer(_GRADLE_BOOT, build_text) if not m.group("off")]
    spring_boot = bool(boot)
    jar_task = _gradle_block(build_text, "bootJar" if spring_boot else "jar")
    archives_name = re.search(_GRADLE_ARCHIVES_NAME, build_text)
    version = re.search(_GRADLE_VERSION, build_text)
    return GradleProject(
        project_name=_group(re.search(_GRADLE_ROOT_NAME, settings_text)),
        version=_group(version),
        version_unknown=version is not None and version.group(1) is None,
        archive_file_name=_group(re.search(r"\b(?:archiveFileName|archiveName)" + _GRADLE_LITERAL, jar_task)),
        archive_base_name=(_group(re.search(r"\b(?:archiveBaseName|baseName)" + _GRADLE_LITERAL, jar_task))
                           or _group(archives_name)),
        archive_details=bool(re.search(r"\b(?:archiveClassifier|archiveVersion|archiveAppendix|classifier)\b",
                                       jar_task)),
        properties_file="gradle.properties" in files,
        build_file=build_file,
        settings_file=settings_file,
        kotlin_dsl=(build_file or settings_file or "").endswith(".kts"),
        has_wrapper=has_wrapper,
        wrapper_files=wrapper_files,
        java_version=java_version,
        spring_boot=spring_boot,
        spring_boot_version=next((m.group("version") for m in boot if m.group("version")), None),
        subprojects=tuple(dict.fromkeys(subprojects)),
    )


def _gradle_block(text: str, name: str) -> str:
    """The body of a top-level task block such as ``bootJar { ... }`` / ``tasks.named("jar") { ... }``."""
    # [^\S\n]* rather than \s*: the same ends, without rescanning a run of blank lines from each newline
    match = re.search(r"""(?:^|\n)[^\S\n]*(?:tasks\s*\.\s*(?:named|getByName)\s*(?:<[\w.]+>)?\s*\(\s*['"]%s['"]\s*\)"""
                      r"""|(?:tasks\s*\.\s*)?%s)\s*\{""" % (name, name), text)
    if not match:
        return ""
    depth, start = 1, match.end()
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start:i]
    return ""


def _group(match: re.Match[str] | None) -> str | None:
    return (match.group(1) or "").strip() or None if match else None


def _strip_gradle_comments(text: str | None) -> str:
    """Drop ``//`` and ``/* */`` comments in one linear scan (a regex is quadratic on many unclosed ``/*``)."""
    if not text:
        return ""
    kept, pos, closed = [], 0, True
    while (start := _GRADLE_COMMENT_START.search(text, pos)) is not None:
        at = start.start()
        if start.group() == "//":
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
        else:
            close = text.find("*/", at + 2) if closed else -1
            if close < 0:  # unclosed, and so is every later one: kept as text
                closed = False
                kept.append(text[pos:at + 1])
                pos = at + 1
                continue
            end = close + 2
        kept.append(text[pos:at])
        pos = end
    kept.append(text[pos:])
    return "".join(kept)


# Node ----------------------------------------------------------------------------------------------

NODE_LOCKFILES = {  # lockfile -> package manager
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "yarn.lock": "yarn",
    "pnpm-lock.yaml": "pnpm",
}
NODE_CONFIG_FILES = (".npmrc", ".yarnrc", ".yarnrc.yml", "pnpm-workspace.yaml", ".pnpmfile.cjs", ".nvmrc",
                     ".node-version")


@record
class NodeProject:
    """package.json at the root. ``parsed`` is False when its text is unknown or not JSON."""

    parsed: bool = False
    lockfile: str | None = None  # the lockfile of ``package_manager``
    lockfiles: tuple[str, ...] = ()  # every lockfile present (bun's included)
    package_manager: str | None = None  # "npm" | "yarn" | "pnpm" | "bun": packageManager field, else the lockfile
    package_manager_field: str | None = None  # e.g. "pnpm@9.1.0"
    name: str | None = None
    version: str | None = None
    scripts: tuple[str, ...] = ()  # script names
    workspaces: tuple[str, ...] = ()
    node_engine: str | None = None  # engines.node
    config_files: tuple[str, ...] = ()  # .npmrc, .yarnrc.yml, ... present at the root
    yarn_berry_files: tuple[str, ...] = ()  # .yarn/releases/*, .yarn/plugins/* (needed by `yarn install`)
    local_specs: tuple[str, ...] = ()  # file:/link:/portal:/path specs in dependencies, resolutions, overrides
    patch_files: tuple[str, ...] = ()  # pnpm/bun patchedDependencies paths, yarn ``patch:...#path`` files
    only_built: tuple[str, ...] | None = None  # pnpm.onlyBuiltDependencies (None: not set)
    builds_all: bool = False  # pnpm.dangerouslyAllowAllBuilds or pnpm.neverBuiltDependencies (a deny list)


def parse_node(files: Mapping[str, int], read: Reader) -> NodeProject | None:
    if "package.json" not in files:
        return None
    lockfiles = tuple(name for name in (*NODE_LOCKFILES, "bun.lockb", "bun.lock") if name in files)
    data = None
    text = read("package.json")
    if text is not None:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        data = None
    field = _str(data.get("packageManager")) if data else None
    manager = (field.split("@", 1)[0].strip() or None) if field else None
    if manager is None:
        kinds = {NODE_LOCKFILES.get(name, "bun") for name in lockfiles}
        manager = kinds.pop() if len(kinds) == 1 else None
    lockfile = next((name for name in lockfiles if NODE_LOCKFILES.get(name) == manager), None)
    if lockfile == "package-lock.json" and "npm-shrinkwrap.json" in lockfiles:
        lockfile = "npm-shrinkwrap.json"  # npm prefers the shrinkwrap
    workspaces: tuple[str, ...] = ()
    engines_node = None
    scripts: tuple[str, ...] = ()
    if data is not None:
        ws = data.get("workspaces")
        if isinstance(ws, dict):
            ws = ws.get("packages")
        if isinstance(ws, list):
            workspaces = tuple(w for w in ws if isinstance(w, str))
        engines = data.get("engines")
        if isinstance(engines, dict):
            engines_node = _str(engines.get("node"))
        if isinstance(data.get("scripts"), dict):
            scripts = tuple(k for k in data["scripts"] if isinstance(k, str))
    specs, patches = _node_local_specs(data or {})
    pnpm = (data or {}).get("pnpm")
    only_built = pnpm.get("onlyBuiltDependencies") if isinstance(pnpm, dict) else None
    return NodeProject(
        local_specs=specs,
        patch_files=patches,
        only_built=tuple(v for v in only_built if isinstance(v, str)) if isinstance(only_built, list) else None,
        builds_all=isinstance(pnpm, dict) and (bool(pnpm.get("dangerouslyAllowAllBuilds"))
                                               or "neverBuiltDependencies" in pnpm),
        parsed=data is not None,
        lockfile=lockfile,
        lockfiles=lockfiles,
        package_manager=manager,
        package_manager_field=field,
        name=_str(data.get("name")) if data else None,
        version=_str(data.get("version")) if data else None,
        scripts=scripts,
        workspaces=workspaces,
        node_engine=engines_node,
        config_files=tuple(name for name in NODE_CONFIG_FILES if name in files),
        yarn_berry_files=tuple(p for p in files if p.startswith((".yarn/releases/", ".yarn/plugins/"))),
    )


_DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
_LOCAL_PROTOCOLS = ("file:", "link:", "portal:")


def _node_local_specs(data: dict[str, object]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Specs naming local paths (dependencies, yarn ``resolutions``, npm ``overrides``, pnpm
    ``overrides``) and patch files (pnpm/bun ``patchedDependencies``, yarn ``patch:`` protocol)."""
    values: list[str] = []
    for key in (*_DEPENDENCY_FIELDS, "resolutions", "overrides"):
        values.extend(_string_leaves(data.get(key)))
    pnpm = data.get("pnpm")
    if isinstance(pnpm, dict):
        values.extend(_string_leaves(pnpm.get("overrides")))
    patches = [v for v in _string_leaves(data.get("patchedDependencies"))]
    if isinstance(pnpm, dict):
        patches.extend(_string_leaves(pnpm.get("patchedDependencies")))
    specs = []
    for value in values:
        if value.startswith("patch:") and "#" in value:
            patches.append(value.rsplit("#", 1)[1].split("::", 1)[0])
        elif node_local_path(value) is not None:
            specs.append(value)
    return tuple(dict.fromkeys(specs)), tuple(dict.fromkeys(patches))


def node_local_path(spec: str) -> str | None:
    """The path a dependency spec names (``file:../lib``, ``./vendor/x.tgz``, ``link:lib``), else None."""
    for protocol in _LOCAL_PROTOCOLS:
        if spec.startswith(protocol):
            return spec[len(protocol):].removeprefix("//") or "."
    if spec.startswith(("./", "../", "/", "~/")) or spec in (".", ".."):
        return spec
    return None


def _string_leaves(value: object) -> list[str]:
    """Every string value in a (nested) JSON object or list (npm ``overrides`` nest)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _string_leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _string_leaves(item)]
    return []


def lockfile_install_scripts(name: str, text: str) -> tuple[str, ...] | None:
    """Packages a lockfile marks as running install scripts; None when the lockfile does not
    record it (package-lock v1, yarn.lock, pnpm lockfile v9) or cannot be read."""
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        packages = data.get("packages") if isinstance(data, dict) else None
        if not isinstance(packages, dict) or not isinstance(data.get("lockfileVersion"), int) \
                or data["lockfileVersion"] < 2:
            return None
        return tuple(dict.fromkeys(
            key.rsplit("node_modules/", 1)[-1] for key, entry in packages.items()
            if key and isinstance(entry, dict) and entry.get("hasInstallScript")))
    if name == "pnpm-lock.yaml":
        version = re.search(r"^lockfileVersion:\s*['\"]?(\d+)", text, re.MULTILINE)
        if version is None or int(version.group(1)) >= 9:
            return None
        names, current = [], None
        for line in text.splitlines():
            key = re.match(r"^  ['\"]?/?((?:@[^/@\s]+/)?[^/@(\s'\"]+)[/@]", line)
            if key:
                current = key.group(1)
            elif current and line.strip() == "requiresBuild: true":
                names.append(current)
        return tuple(dict.fromkeys(names))
    return None


def parse_ini(text: str) -> dict[str, str]:
    """``key=value`` lines (.npmrc); ``;``/``#`` comments, quotes stripped; the last value wins."""
    found = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")) or "=" not in line:
            continue
        key, _, value = line.partition("=")
        found[key.strip()] = value.strip().strip("\"'")
    return found


def parse_yarnrc(text: str) -> dict[str, str]:
    """Yarn 1 ``.yarnrc`` lines: ``key "value"`` or ``key value``; ``#`` comments."""
    found = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        found[key.strip().strip("\"'")] = value.strip().strip("\"'")
    return found


def parse_simple_yaml(text: str) -> dict[str, list[str]] | None:
    """Top-level keys of a flat YAML file (.yarnrc.yml, pnpm-workspace.yaml) with their scalar
    value or list items (``- x`` or ``- path: x``); None for anything more (anchors, flow maps)."""
    found: dict[str, list[str]] = {}
    key = None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            name, colon, value = line.partition(":")
            if not colon or name.startswith(("-", "&", "*", "{", "[")):
                return None
            key = name.strip().strip("\"'")
            value = value.strip()
            if value.startswith(("&", "*", "|", ">")):
                return None
            found[key] = _yaml_flow_list(value) if value.startswith("[") else [value.strip("\"'")] if value else []
            continue
        item = line.strip()
        if key is None:
            return None
        if item.startswith("- "):
            item = item[2:].strip()
            found[key].append(item.split(":", 1)[1].strip().strip("\"'") if item.startswith("path:")
                              else item.strip("\"'"))
        else:
            found[key].append(item)  # a nested mapping line: kept as text, read by callers as unknown
    return found


def _yaml_flow_list(value: str) -> list[str]:
    return [item.strip().strip("\"'") for item in value.strip("[]").split(",") if item.strip()]


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


# Python --------------------------------------------------------------------------------------------

_REQUIREMENTS_NAME = re.compile(r"[\w.-]*requirements[\w.-]*\.txt", re.IGNORECASE)


@record
class PythonProject:
    requirements: tuple[str, ...] = ()  # requirements*.txt at the root and requirements/*.txt
    pyproject: bool = False
    poetry_lock: bool = False
    pipfile: bool = False
    pipfile_lock: bool = False
    setup_py: bool = False
    setup_cfg: bool = False
    uv_lock: bool = False
    build_backend: str | None = None  # [build-system] build-backend of pyproject.toml
    references: tuple[str, ...] = ()  # context paths the requirements files name (-r/-c files, local paths)


def parse_python(files: Mapping[str, int], read: Reader) -> PythonProject | None:
    requirements = tuple(
        p for p in files
        if ("/" not in p and _REQUIREMENTS_NAME.fullmatch(p))
        or (p.startswith("requirements/") and p.count("/") == 1 and p.endswith(".txt"))
    )
    names = ("pyproject.toml", "poetry.lock", "Pipfile", "Pipfile.lock", "setup.py", "setup.cfg", "uv.lock")
    present = {name: name in files for name in names}
    if not requirements and not any(present.values()):
        return None
    backend = None
    try:  # Python 3.11+
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        tomllib = None  # type: ignore[assignment]
    if present["pyproject.toml"] and tomllib is not None:
        text = read("pyproject.toml")
        if text is not None:
            try:
                system = tomllib.loads(text).get("build-system")
                if isinstance(system, dict):
                    backend = _str(system.get("build-backend"))
            except (tomllib.TOMLDecodeError, ValueError):
                backend = None
    references: list[str] = []
    seen: set[str] = set()
    for path in requirements:
        _requirement_references(path, read, references, seen)
    return PythonProject(
        requirements=requirements,
        pyproject=present["pyproject.toml"],
        poetry_lock=present["poetry.lock"],
        pipfile=present["Pipfile"],
        pipfile_lock=present["Pipfile.lock"],
        setup_py=present["setup.py"],
        setup_cfg=present["setup.cfg"],
        uv_lock=present["uv.lock"],
        build_backend=backend,
        references=tuple(dict.fromkeys(r for r in references if r not in requirements)),
    )


@record
class Requirements:
    """One pip requirements file as pip reads it; paths and URLs as written.

    ``unknown`` names what pip would read that is not modelled here: an option line this parser
    does not know.
    """

    includes: tuple[str, ...] = ()  # -r / --requirement
    constraints: tuple[str, ...] = ()  # -c / --constraint
    find_links: tuple[str, ...] = ()  # -f / --find-links (URL or path)
    editables: tuple[str, ...] = ()  # -e / --editable targets (VCS URL or path)
    paths: tuple[str, ...] = ()  # requirement lines naming a local file or directory (wheel, sdist, project)
    unknown: tuple[str, ...] = ()


#: Option lines of a requirements file that read no file (pip's req_file SUPPORTED_OPTIONS and
#: per-requirement options).
_REQ_HARMLESS_OPTIONS = frozenset({
    "-i", "--index-url", "--extra-index-url", "--no-index", "--pre", "--trusted-host", "--prefer-binary",
    "--only-binary", "--no-binary", "--require-hashes", "--use-feature", "--hash", "--config-settings",
    "--global-option", "--install-option", "--build-option", "--ignore-requires-python"})
_REQ_VALUE_OPTIONS = {"-r": "includes", "--requirement": "includes", "-c": "constraints", "--constraint": "constraints",
                      "-f": "find_links", "--find-links": "find_links", "-e": "editables", "--editable": "editables"}
_ARCHIVE = re.compile(r"\.(whl|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|zip)$", re.IGNORECASE)


def parse_requirements(text: str) -> Requirements:
    """The facts of one requirements file's text (pip's req_file format)."""
    found: dict[str, list[str]] = {key: [] for key in ("includes", "constraints", "find_links", "editables",
                                                        "paths", "unknown")}
    for line in _requirement_lines(text):
        if line.startswith("-"):
            option, value = _split_option(line)
            field = _REQ_VALUE_OPTIONS.get(option)
            if field is not None and value:
                found[field].append(value.split()[0])
            elif option not in _REQ_HARMLESS_OPTIONS:
                found["unknown"].append(f"the option line `{line[:60]}`")
            continue
        spec = re.split(r"\s+--?[A-Za-z]", line, maxsplit=1)[0].split(";", 1)[0].strip()
        path = requirement_path(spec)
        if path is not None:
            found["paths"].append(path)
    return Requirements(**{key: tuple(values) for key, values in found.items()})


def _split_option(line: str) -> tuple[str, str]:
    """``--opt=value`` / ``--opt value`` / ``-o value`` / ``-ovalue`` -> (option, value)."""
    if line.startswith("--"):
        match = re.match(r"(--[^=\s]+)\s*=?\s*(.*)$", line)
        return (match.group(1), match.group(2).strip()) if match else (line, "")
    return line[:2], line[2:].lstrip(" =\t")


def requirement_path(spec: str) -> str | None:
    """The local path a requirement names (``./pkg``, ``wheels/a.whl``, ``name @ file:///w/a.whl``), as
    written; None for a name, a remote URL or a VCS link (pip's ``_looks_like_path``/archive rules)."""
    if " @ " in spec or re.match(r"^[\w.\[\],-]+\s*@\s*\S", spec):
        spec = spec.split("@", 1)[1].strip()
    if spec.startswith("file:"):
        return re.sub(r"^file:(//(localhost)?)?", "", spec).split("#", 1)[0] or None
    if "://" in spec or spec.startswith(("git+", "hg+", "svn+", "bzr+")):
        return None
    target = spec.split("#", 1)[0].split("[", 1)[0]
    if target.startswith((".", "/")) or "/" in target or _ARCHIVE.search(target):
        return target
    return None


def local_reference(base: str, target: str) -> str | None:
    """A path a file at ``base`` names, as a context path (None for URLs, absolute paths and paths
    leaving the context)."""
    if "://" in target or target.startswith("/"):
        return None
    cleaned = go_clean(f"{base}/{target}" if base else target)
    if cleaned == ".." or cleaned.startswith("../"):
        return None
    return cleaned


def _requirement_references(path: str, read: Reader, out: list[str], seen: set[str], depth: int = 0) -> None:
    """Files and directories a requirements file names: -r/-c files (followed), local paths, -e/-f dirs."""
    if path in seen or depth > 5:
        return
    seen.add(path)
    text = read(path)
    if text is None:
        return
    base = path.rsplit("/", 1)[0] if "/" in path else ""
    facts = parse_requirements(text)
    for target in facts.includes:
        found = local_reference(base, target)
        if found is not None:
            out.append(found)
            _requirement_references(found, read, out, seen, depth + 1)
    for target in (*facts.editables, *facts.paths, *facts.find_links, *facts.constraints):
        found = local_reference(base if target in facts.find_links + facts.constraints else "",
                                re.sub(r"^file:(//)?", "", target))
        if found is not None and not (target in facts.editables and requirement_path(target) is None):
            out.append(found)


def _requirement_lines(text: str) -> list[str]:
    joined = re.sub(r"\\\r?\n", "", text)
    lines = []
    for raw in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if line:
            lines.append(line)
    return lines


# Go ------------------------------------------------------------------------------------------------


@record
class GoModule:
    go_sum: bool = False
    module: str | None = None  # the module path
    go_version: str | None = None  # the `go` directive
    toolchain: str | None = None
    local_replaces: tuple[str, ...] = ()  # replace targets inside the context ("./lib", "../x" are kept as written)
    vendored: bool = False  # vendor/modules.txt present
    workspace: bool = False  # go.work present
    parsed: bool = False


def parse_go(files: Mapping[str, int], read: Reader) -> GoModule | None:
    if "go.mod" not in files:
        return None
    text = read("go.mod")
    module = go_version = toolchain = None
    replaces: list[str] = []
    if text is not None:
        in_replace = False
        for raw in text.splitlines():
            line = raw.split("//", 1)[0].strip()
            if not line:
                continue
            if in_replace:
                if line == ")":
                    in_replace = False
                else:
                    _go_replace(line, replaces)
                continue
            word, _, rest = line.partition(" ")
            rest = rest.strip()
            if word == "module":
                module = rest.strip('"`') or None
            elif word == "go":
                go_version = rest or None
            elif word == "toolchain":
                toolchain = rest or None
            elif word == "replace":
                if rest == "(":
                    in_replace = True
                else:
                    _go_replace(rest, replaces)
    return GoModule(
        go_sum="go.sum" in files,
        module=module,
        go_version=go_version,
        toolchain=toolchain,
        local_replaces=tuple(dict.fromkeys(replaces)),
        vendored="vendor/modules.txt" in files,
        workspace="go.work" in files,
        parsed=text is not None,
    )


def _go_replace(spec: str, out: list[str]) -> None:
    _, arrow, target = spec.partition("=>")
    if not arrow:
        return
    path = target.strip().split()[0] if target.strip() else ""
    if path.startswith(("./", "../")) or path in (".", ".."):
        out.append(path)


# All of them ---------------------------------------------------------------------------------------


class Manifests:
    """The manifests at the context root; each kind is parsed on first access."""

    def __init__(self, files: Mapping[str, int], read: Reader) -> None:
        self._files = files
        self._read = read

    @cached_property
    def maven(self) -> MavenProject | None:
        if "pom.xml" not in self._files:
            return None
        has_wrapper = "mvnw" in self._files and any(p.startswith(".mvn/") for p in self._files)
        return parse_pom(self._read("pom.xml"), has_wrapper=has_wrapper)

    @cached_property
    def gradle(self) -> GradleProject | None:
        return parse_gradle(self._files, self._read)

    @cached_property
    def node(self) -> NodeProject | None:
        return parse_node(self._files, self._read)

    @cached_property
    def python(self) -> PythonProject | None:
        return parse_python(self._files, self._read)

    @cached_property
    def go(self) -> GoModule | None:
        return parse_go(self._files, self._read)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds present, e.g. ("maven", "node")."""
        return tuple(kind for kind in ("maven", "gradle", "node", "python", "go") if getattr(self, kind) is not None)

    def __repr__(self) -> str:
        return f"Manifests({', '.join(self.kinds) or 'none'})"
