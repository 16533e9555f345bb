"""DO202 dependency-manifests-first: copy the Maven/Gradle manifests and resolve first (documented in PASS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import Dockerfile
from ..base import Example, Finding, Pass, Safety
from .gradle import gradle_finding
from .layout import ID, NAME
from .maven import maven_finding

if TYPE_CHECKING:
    from ...config import Config
    from ...context import BuildContext


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
        finding = maven_finding(doc, context, inst) if maven else None
        if finding is None and gradle:
            finding = gradle_finding(doc, context, inst)
        if finding is not None:
            findings.append(finding)
    return findings


PASS = Pass(
    # Trigger: it reports only RUNs with an `mvn`/`mvnw` or `gradle`/`gradlew` command.
    triggers=("mvn", "gradle"),
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
