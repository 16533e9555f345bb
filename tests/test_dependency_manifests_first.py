"""DO202 dependency-manifests-first (Maven, Gradle): fix table, no-change table, safety and risk."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.passes import Safety
from optimizer.pipeline import Status, optimize

ID = "DO202"
POM = ("<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>"
       "<artifactId>app</artifactId><version>1.0</version>{}</project>")
MODULES = POM.format("<packaging>pom</packaging><modules><module>core</module><module>web</module></modules>")
NESTED = POM.format("<packaging>pom</packaging><modules><module>libs</module></modules>")
LIBS = POM.format("<packaging>pom</packaging><modules><module>a</module></modules>")
PARENT_IN_CONTEXT = POM.format("<parent><groupId>g</groupId><artifactId>p</artifactId><version>1</version>"
                               "<relativePath>build/parent/pom.xml</relativePath></parent>")
SRC = ["pom.xml", "src/main/java/App.java"]
WRAPPER = SRC + ["mvnw", ".mvn/wrapper/maven-wrapper.properties"]
MULTI = ["pom.xml", "core/pom.xml", "core/src/A.java", "web/pom.xml", "web/src/B.java"]
MODULE = ("<project><parent><groupId>com.example</groupId><artifactId>app</artifactId><version>1.0</version>"
          "</parent><artifactId>{}</artifactId><dependencies><dependency><groupId>org.slf4j</groupId>"
          "<artifactId>slf4j-api</artifactId><version>2.0.13</version></dependency></dependencies></project>")
MODULE_TEXTS = {"core/pom.xml": MODULE.format("core"), "web/pom.xml": MODULE.format("web")}


def run(dockerfile: str, files=SRC, pom: str = POM.format(""), texts=None, unsafe: bool = True):
    context = BuildContext.from_listing(files, texts={"pom.xml": pom, **(texts or {})})
    return optimize(dockerfile, context, Config(select=frozenset({ID}), unsafe=unsafe)), context


def assert_fix(before, after, **kwargs):
    result, context = run(before, **kwargs)
    assert not result.problems, result.problems
    assert result.text == after
    again = optimize(after, context, Config(select=frozenset({ID}), unsafe=True))
    assert again.text == after, "not idempotent"
    assert not again.findings
    return result


FIXES = [
    pytest.param(
        "FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY . .\nRUN mvn -B package -DskipTests\n",
        "FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY pom.xml ./\n"
        "RUN mvn -B -DskipTests dependency:go-offline\nCOPY . .\nRUN mvn -B package -DskipTests\n",
        {}, id="seed"),
    pytest.param(
        "FROM maven\nCOPY . /app\nWORKDIR /app\nRUN mvn package\n",
        "FROM maven\nWORKDIR /app\nCOPY pom.xml /app/\nRUN mvn dependency:go-offline\nCOPY . /app\nRUN mvn package\n",
        {}, id="workdir-between-moves-up"),
    pytest.param(
        "FROM maven\n# sources\nCOPY . /app\n# build here\nWORKDIR /app\nCOPY extra.txt /opt/\nWORKDIR sub\n"
        "RUN mvn -f .. package\n",
        "FROM maven\n# build here\nWORKDIR /app\nWORKDIR sub\nCOPY pom.xml /app/\n"
        "RUN mvn -f .. dependency:go-offline\n\n# sources\nCOPY . /app\nCOPY extra.txt /opt/\n"
        "RUN mvn -f .. package\n",
        {"files": SRC + ["extra.txt"]}, id="workdirs-move-with-comments-across-absolute-copies"),
    pytest.param(
        "FROM maven\nWORKDIR /build\nCOPY . /build\nRUN chmod +x ./mvnw\nRUN ./mvnw clean package -U -DskipTests\n",
        "FROM maven\nWORKDIR /build\nCOPY pom.xml mvnw /build/\nCOPY .mvn /build/.mvn/\n"
        "RUN chmod +x ./mvnw && ./mvnw -U -DskipTests dependency:go-offline\nCOPY . /build\n"
        "RUN chmod +x ./mvnw\nRUN ./mvnw clean package -U -DskipTests\n",
        {"files": WRAPPER}, id="wrapper-with-chmod"),
    pytest.param(
        "FROM maven\nWORKDIR /app\nCOPY pom.xml .\nCOPY src ./src\nRUN mvn package\n",
        "FROM maven\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn dependency:go-offline\nCOPY src ./src\nRUN mvn package\n",
        {}, id="pom-already-first"),
    pytest.param(
        "FROM maven\nCOPY src /app/src\nCOPY pom.xml /app\nRUN mvn -f /app/pom.xml clean package\n",
        "FROM maven\nCOPY pom.xml /app/\nRUN mvn -f /app/pom.xml dependency:go-offline\nCOPY src /app/src\n"
        "COPY pom.xml /app\nRUN mvn -f /app/pom.xml clean package\n",
        {}, id="src-then-pom-absolute-f"),
    pytest.param(
        "FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn -B -q -s settings.xml -Pprod -Dx=1 -T 4 -X -e install\n",
        "FROM maven\nWORKDIR /app\nCOPY pom.xml settings.xml ./\n"
        "RUN mvn -B -q -s settings.xml -Pprod -Dx=1 dependency:go-offline\n"
        "COPY . .\nRUN mvn -B -q -s settings.xml -Pprod -Dx=1 -T 4 -X -e install\n",
        {"files": SRC + ["settings.xml"]}, id="resolution-flags-kept-others-dropped"),
    pytest.param(
        "FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn -s /usr/share/maven/ref/settings-docker.xml verify\n",
        "FROM maven\nWORKDIR /app\nCOPY pom.xml ./\nRUN mvn -s /usr/share/maven/ref/settings-docker.xml "
        "dependency:go-offline\nCOPY . .\nRUN mvn -s /usr/share/maven/ref/settings-docker.xml verify\n",
        {}, id="settings-outside-the-project-not-copied"),
    pytest.param(
        "FROM maven\nWORKDIR /src\nCOPY . .\nRUN mvn -B package\n",
        "FROM maven\nWORKDIR /src\nCOPY pom.xml ./\nCOPY core/pom.xml ./core/\nCOPY web/pom.xml ./web/\n"
        "RUN mvn -B dependency:go-offline\nCOPY . .\nRUN mvn -B package\n",
        {"files": MULTI, "pom": MODULES, "texts": MODULE_TEXTS}, id="multi-module"),
    pytest.param(
        "FROM maven\nWORKDIR /src\nCOPY . .\nRUN mvn package\n",
        "FROM maven\nWORKDIR /src\nCOPY pom.xml ./\nCOPY libs/pom.xml ./libs/\nCOPY libs/a/pom.xml ./libs/a/\n"
        "RUN mvn dependency:go-offline\nCOPY . .\nRUN mvn package\n",
        {"files": ["pom.xml", "libs/pom.xml", "libs/a/pom.xml", "libs/a/src/A.java"], "pom": NESTED,
         "texts": {"libs/pom.xml": LIBS, "libs/a/pom.xml": MODULE.format("a")}}, id="nested-modules"),
    pytest.param(
        "FROM maven\nWORKDIR /src\nCOPY . .\nRUN mvn package\n",
        "FROM maven\nWORKDIR /src\nCOPY pom.xml ./\nCOPY build/parent/pom.xml ./build/parent/\n"
        "RUN mvn dependency:go-offline\nCOPY . .\nRUN mvn package\n",
        {"files": SRC + ["build/parent/pom.xml"], "pom": PARENT_IN_CONTEXT}, id="parent-relative-path-in-context"),
    pytest.param(
        "FROM maven\r\nWORKDIR /app\r\nCOPY . .\r\nRUN mvn package\r\n",
        "FROM maven\r\nWORKDIR /app\r\nCOPY pom.xml ./\r\nRUN mvn dependency:go-offline\r\nCOPY . .\r\nRUN mvn package\r\n",
        {}, id="crlf"),
    pytest.param(
        "from maven\nworkdir /app\n  copy . .\n  run mvn package",
        "from maven\nworkdir /app\n  copy pom.xml ./\n  run mvn dependency:go-offline\n  copy . .\n  run mvn package",
        {}, id="lowercase-indent-no-final-newline"),
    pytest.param(
        "FROM maven\nWORKDIR /app\n# sources\nCOPY --chown=1000:1000 . .\n"
        "RUN mvn -B \\\n    # build it\n    package\n",
        "FROM maven\nWORKDIR /app\nCOPY --chown=1000:1000 pom.xml ./\nRUN mvn -B dependency:go-offline\n\n"
        "# sources\nCOPY --chown=1000:1000 . .\nRUN mvn -B \\\n    # build it\n    package\n",
        {}, id="comments-chown-and-continuation"),
    pytest.param(
        "FROM maven\nWORKDIR /app\nCOPY . .\nRUN <<EOF\nset -e\nmvn -B package\nEOF\n",
        "FROM maven\nWORKDIR /app\nCOPY pom.xml ./\nRUN mvn -B dependency:go-offline\n"
        "COPY . .\nRUN <<EOF\nset -e\nmvn -B package\nEOF\n",
        {}, id="heredoc-run"),
    pytest.param(
        "FROM maven AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=secret,id=m2,target=/root/.m2/settings.xml "
        "mvn package\nFROM eclipse-temurin:17-jre\nCOPY --from=build /app/target/app.jar /app.jar\n",
        "FROM maven AS build\nWORKDIR /app\nCOPY pom.xml ./\nRUN --mount=type=secret,id=m2,target=/root/.m2/settings.xml "
        "mvn dependency:go-offline\nCOPY . .\nRUN --mount=type=secret,id=m2,target=/root/.m2/settings.xml "
        "mvn package\nFROM eclipse-temurin:17-jre\nCOPY --from=build /app/target/app.jar /app.jar\n",
        {}, id="multi-stage-secret-mount-kept"),
]

NO_CHANGE = [
    pytest.param("FROM maven\nCOPY . /app\nRUN chmod -R g+w /app\nWORKDIR /app\nRUN mvn package\n", {},
                 id="workdir-not-moved-across-a-run"),
    pytest.param("FROM maven\nWORKDIR /x\nCOPY . /app\nCOPY a.txt b/\nWORKDIR /app\nRUN mvn package\n",
                 {"files": SRC + ["a.txt"]}, id="workdir-not-moved-across-a-relative-destination"),
    pytest.param("FROM maven\nCOPY --chown=1000 . /app\nWORKDIR /app\nRUN mvn package\n", {},
                 id="workdir-not-moved-across-chown-copy"),
    pytest.param("FROM maven\nARG D=/app\nCOPY . /app\nWORKDIR $D\nRUN mvn package\n", {},
                 id="workdir-with-variable-not-moved"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn -o package\n", {}, id="offline"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn dependency:go-offline\nCOPY src ./src\n"
                 "RUN mvn package\n", {}, id="already-go-offline"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn -B dependency:resolve\nCOPY . .\n"
                 "RUN mvn package\n", {}, id="already-resolve"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn package\n",
                 {}, id="m2-cache-mount"),
    pytest.param("FROM maven\nCOPY . .\nRUN mvn package\n", {}, id="base-image-workdir"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN cd sub && mvn package\n", {}, id="cd-before"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN if true; then mvn package; fi\n", {}, id="not-top-level"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn --weird-option package\n", {}, id="unknown-option"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn clean\n", {}, id="no-build-goal"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN ./mvnw package\n", {}, id="wrapper-missing"),
    pytest.param("FROM maven\nWORKDIR /src\nCOPY . .\nRUN mvn package\n",
                 {"files": ["pom.xml", "core/pom.xml"], "pom": MODULES}, id="module-pom-missing"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn -s settings.xml package\n", {}, id="settings-missing"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . /other\nRUN mvn package\n", {}, id="copy-elsewhere"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY app/ .\nRUN mvn package\n", {}, id="subdir-copy-no-root-pom-copy"),
    pytest.param("FROM maven\nWORKDIR /usr/src/app\nONBUILD COPY . /usr/src/app\nONBUILD RUN mvn install\n",
                 {}, id="onbuild"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\n# dockeropt: ignore=DO202\nRUN mvn package\n",
                 {}, id="suppressed-on-run"),
    pytest.param("FROM maven\nWORKDIR /app\n# dockeropt: ignore=dependency-manifests-first\nCOPY . .\nRUN mvn package\n",
                 {}, id="suppressed-on-copy"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY --exclude=*.md . .\nRUN mvn package\n", {}, id="unknown-copy-flag"),
    # a WORKDIR the fix would move up: suppressed since the pipeline decides (before issue 15 it moved, comment and all)
    pytest.param("FROM maven\nCOPY . /app\n# dockeropt: ignore=DO202\nWORKDIR /app\nRUN mvn package\n",
                 {}, id="suppressed-on-a-moved-workdir"),
]


@pytest.mark.parametrize("before,after,kwargs", FIXES)
def test_fixes(before, after, kwargs):
    assert_fix(before, after, **kwargs)


@pytest.mark.parametrize("before,kwargs", NO_CHANGE)
def test_no_change(before, kwargs):
    result, _ = run(before, **kwargs)
    assert result.text == before
    assert not [f for f in result.findings if f.status is Status.APPLIED]


def test_unsafe_only_with_opt_in_and_risk_explained():
    before = "FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn package\n"
    result, _ = run(before, unsafe=False)
    assert result.text == before
    [finding] = result.findings
    assert finding.status is Status.NEEDS_UNSAFE
    assert finding.finding.safety is Safety.UNSAFE
    assert "reuses the cached layer" in finding.finding.message
    assert "resolution time" in finding.finding.risk


def test_unknown_context_does_nothing():
    result = optimize("FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn package\n",
                      config=Config(select=frozenset({ID}), unsafe=True))
    assert not result.findings


def test_chmod_in_the_build_run_is_repeated():
    before = "FROM maven\nWORKDIR /b\nCOPY . .\nRUN chmod +x mvnw && ./mvnw -B package\n"
    after = ("FROM maven\nWORKDIR /b\nCOPY pom.xml mvnw ./\nCOPY .mvn ./.mvn/\n"
             "RUN chmod +x mvnw && ./mvnw -B dependency:go-offline\nCOPY . .\n"
             "RUN chmod +x mvnw && ./mvnw -B package\n")
    assert_fix(before, after, files=WRAPPER)


@pytest.mark.parametrize("run_line", [
    "RUN export MAVEN_OPTS=-Xmx1g && mvn package",
    "RUN mvn -v && mvn package",
    "RUN sudo mvn package",
], ids=["export-before", "other-mvn-before", "wrapper-command"])
def test_steps_before_the_build_block(run_line):
    before = f"FROM maven\nWORKDIR /app\nCOPY . .\n{run_line}\n"
    result, _ = run(before)
    assert result.text == before


def test_narrow_copies_never_add_files_the_build_did_not_have():
    before = "FROM maven\nWORKDIR /app\nCOPY src ./src\nCOPY pom.xml .\nRUN mvn package\n"
    after = ("FROM maven\nWORKDIR /app\nCOPY pom.xml /app/\nRUN mvn dependency:go-offline\nCOPY src ./src\n"
             "COPY pom.xml .\nRUN mvn package\n")
    assert_fix(before, after, files=WRAPPER)  # .mvn/ exists but the build never copies it
    # the wrapper is needed but not copied by the build: no fix
    result, _ = run("FROM maven\nWORKDIR /app\nCOPY pom.xml .\nCOPY src ./src\nRUN ./mvnw package\n", files=WRAPPER)
    assert not result.findings


# Gradle ------------------------------------------------------------------------------------------

BOOT = "plugins {\n    id 'java'\n    id 'org.springframework.boot' version '3.2.0'\n}\n"
GRADLE_TEXTS = {"settings.gradle": "rootProject.name = 'app'\n", "build.gradle": BOOT}
GRADLE = ["settings.gradle", "build.gradle", "src/main/java/App.java"]
GRADLEW = GRADLE + ["gradlew", "gradlew.bat", "gradle/wrapper/gradle-wrapper.properties",
                    "gradle/wrapper/gradle-wrapper.jar"]


def run_gradle(dockerfile: str, files=GRADLEW, texts=None, unsafe: bool = True):
    texts = {name: text for name, text in {**GRADLE_TEXTS, **(texts or {})}.items() if name in files}
    context = BuildContext.from_listing(files, texts=texts)
    return optimize(dockerfile, context, Config(select=frozenset({ID}), unsafe=unsafe)), context


GRADLE_FIXES = [
    pytest.param(
        "FROM gradle:8-jdk17 AS build\nWORKDIR /home/gradle/app\nCOPY . .\nRUN gradle --no-daemon bootJar\n",
        "FROM gradle:8-jdk17 AS build\nWORKDIR /home/gradle/app\nCOPY settings.gradle build.gradle ./\n"
        "RUN gradle --no-daemon dependencies\nCOPY . .\nRUN gradle --no-daemon bootJar\n",
        {}, id="gradle-image-spring-boot"),
    pytest.param(
        "FROM eclipse-temurin:17\nWORKDIR /app\nCOPY . /app\nRUN chmod +x gradlew\n"
        "RUN ./gradlew build -x test --stacktrace --parallel -Pprod=1 -D x=y --console=plain\n",
        "FROM eclipse-temurin:17\nWORKDIR /app\nCOPY settings.gradle build.gradle gradlew /app/\n"
        "COPY gradle /app/gradle/\nRUN chmod +x gradlew && ./gradlew -Pprod=1 -D x=y dependencies\nCOPY . /app\n"
        "RUN chmod +x gradlew\nRUN ./gradlew build -x test --stacktrace --parallel -Pprod=1 -D x=y --console=plain\n",
        {}, id="wrapper-chmod-flags"),
    pytest.param(
        "FROM eclipse-temurin:17\nWORKDIR /app\nCOPY . .\nRUN chmod +x ./gradlew && ./gradlew -q installDist\n",
        "FROM eclipse-temurin:17\nWORKDIR /app\nCOPY settings.gradle.kts build.gradle.kts gradle.properties gradlew ./\n"
        "COPY gradle ./gradle/\nCOPY buildSrc ./buildSrc/\n"
        "RUN chmod +x ./gradlew && ./gradlew -q dependencies\nCOPY . .\n"
        "RUN chmod +x ./gradlew && ./gradlew -q installDist\n",
        {"files": ["settings.gradle.kts", "build.gradle.kts", "gradle.properties", "gradlew",
                   "gradle/wrapper/gradle-wrapper.properties", "gradle/libs.versions.toml",
                   "buildSrc/build.gradle.kts", "src/main/kotlin/App.kt"],
         "texts": {"settings.gradle.kts": 'rootProject.name = "app"\n',
                   "build.gradle.kts": "plugins { application }\n"}}, id="kotlin-dsl-properties-buildsrc"),
    pytest.param(
        "FROM gradle:8.5-jdk21\nWORKDIR /src\nCOPY . .\nRUN gradle build --no-daemon\n",
        "FROM gradle:8.5-jdk21\nWORKDIR /src\nCOPY build.gradle ./\nRUN gradle --no-daemon dependencies\n"
        "COPY . .\nRUN gradle build --no-daemon\n",
        {"files": ["build.gradle", "src/main/java/A.java"]}, id="no-settings-no-wrapper"),
    pytest.param(
        "FROM gradle:8-jdk17\r\nWORKDIR /app\r\nCOPY . .\r\nRUN gradle assemble\r\n",
        "FROM gradle:8-jdk17\r\nWORKDIR /app\r\nCOPY settings.gradle build.gradle ./\r\n"
        "RUN gradle dependencies\r\nCOPY . .\r\nRUN gradle assemble\r\n",
        {}, id="gradle-crlf"),
    pytest.param(
        "from gradle\nworkdir /app\n# all of it\n  copy --chown=gradle:gradle . .\n"
        "  run gradle \\\n      # quiet\n      --no-daemon build",
        "from gradle\nworkdir /app\ncopy --chown=gradle:gradle settings.gradle build.gradle ./\n"
        "run gradle --no-daemon dependencies\n\n"
        "# all of it\n  copy --chown=gradle:gradle . .\n  run gradle \\\n      # quiet\n      --no-daemon build",
        {}, id="gradle-lowercase-comments-chown-continuation"),
    pytest.param(
        "FROM gradle AS build\nWORKDIR /app\nCOPY . .\nRUN <<EOF\nset -e\ngradle --no-daemon build\nEOF\n"
        "FROM eclipse-temurin:17-jre\nCOPY --from=build /app/build/libs/app.jar /app.jar\n",
        "FROM gradle AS build\nWORKDIR /app\nCOPY settings.gradle build.gradle ./\nCOPY gradle ./gradle/\n"
        "RUN gradle --no-daemon dependencies\nCOPY . .\nRUN <<EOF\nset -e\ngradle --no-daemon build\nEOF\n"
        "FROM eclipse-temurin:17-jre\nCOPY --from=build /app/build/libs/app.jar /app.jar\n",
        {"files": GRADLE + ["gradle/libs.versions.toml"]}, id="gradle-heredoc-multi-stage-version-catalog"),
    pytest.param(
        "FROM gradle:8-jdk17\nCOPY . /app\nWORKDIR /app\nRUN gradle --no-daemon build\n",
        "FROM gradle:8-jdk17\nWORKDIR /app\nCOPY settings.gradle build.gradle /app/\n"
        "RUN gradle --no-daemon dependencies\nCOPY . /app\nRUN gradle --no-daemon build\n",
        {"files": GRADLE}, id="gradle-workdir-between-moves-up"),
]

GRADLE_NO_CHANGE = [
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle --offline build\n", {}, id="gradle-offline"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle build --dry-run\n", {}, id="gradle-dry-run"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle test\n", {}, id="gradle-no-build-task"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle :app:build\n", {}, id="gradle-task-path"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle --weird build\n", {}, id="gradle-unknown-option"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle -p sub build\n", {}, id="gradle-project-dir"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN cd sub && gradle build\n", {}, id="gradle-cd-before"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle --version && gradle build\n", {},
                 id="gradle-two-commands"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/home/gradle/.gradle "
                 "gradle build\n", {}, id="gradle-cache-mount"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY build.gradle settings.gradle ./\nRUN gradle dependencies\n"
                 "COPY . .\nRUN gradle build\n", {}, id="gradle-already-split"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY src ./src\nCOPY build.gradle .\nRUN gradle build\n", {},
                 id="gradle-narrow-copies"),
    pytest.param("FROM gradle\nCOPY . .\nRUN gradle build\n", {}, id="gradle-base-image-workdir"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN ./gradlew build\n", {"files": GRADLE},
                 id="gradle-wrapper-missing"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN ./gradlew build\n",
                 {"files": GRADLE + ["gradlew"]}, id="gradle-wrapper-properties-missing"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle build\n",
                 {"files": GRADLE + ["core/build.gradle"],
                  "texts": {"settings.gradle": "rootProject.name = 'app'\ninclude 'core'\n"}}, id="gradle-multi-project"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle build\n",
                 {"texts": {"settings.gradle": "includeBuild('../lib')\n"}}, id="gradle-composite"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle assemble\n",
                 {"texts": {"build.gradle": "plugins { id 'com.android.application' }\n"}}, id="gradle-android"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle assemble\n",
                 {"texts": {"build.gradle": "plugins { kotlin(\"multiplatform\") }\n"}}, id="gradle-kmp"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle build\n",
                 {"texts": {"build.gradle": "apply from: 'deps.gradle'\n"}}, id="gradle-apply-from"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\nRUN gradle build\n",
                 {"files": ["settings.gradle", "src/A.java"]}, id="gradle-no-build-file"),
    pytest.param("FROM gradle\nWORKDIR /usr/src/app\nONBUILD COPY . /usr/src/app\nONBUILD RUN gradle build\n",
                 {}, id="gradle-onbuild"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . .\n# dockeropt: ignore=DO202\nRUN gradle build\n",
                 {}, id="gradle-suppressed-on-run"),
    pytest.param("FROM gradle\nWORKDIR /app\n# dockeropt: ignore=dependency-manifests-first\nCOPY . .\n"
                 "RUN gradle build\n", {}, id="gradle-suppressed-on-copy"),
    pytest.param("FROM gradle\nWORKDIR /app\nCOPY . /other\nRUN gradle build\n", {}, id="gradle-copy-elsewhere"),
]


@pytest.mark.parametrize("before,after,kwargs", GRADLE_FIXES)
def test_gradle_fixes(before, after, kwargs):
    result, context = run_gradle(before, **kwargs)
    assert not result.problems, result.problems
    assert result.text == after
    again = optimize(after, context, Config(select=frozenset({ID}), unsafe=True))
    assert again.text == after, "not idempotent"
    assert not again.findings


@pytest.mark.parametrize("before,kwargs", GRADLE_NO_CHANGE)
def test_gradle_no_change(before, kwargs):
    result, _ = run_gradle(before, **kwargs)
    assert result.text == before
    assert not result.findings


def test_gradle_is_unsafe_and_honest_about_what_it_caches():
    before = "FROM gradle:8-jdk17\nWORKDIR /app\nCOPY . .\nRUN gradle --no-daemon build\n"
    result, _ = run_gradle(before, unsafe=False)
    assert result.text == before
    [finding] = result.findings
    assert finding.status is Status.NEEDS_UNSAFE
    assert finding.finding.safety is Safety.UNSAFE
    assert "not the dependency jars" in finding.finding.risk
    assert "VOLUME /home/gradle/.gradle" in finding.finding.risk
    # another base image, or a user home outside the volume: no volume note
    for other in ("FROM eclipse-temurin:17\nWORKDIR /app\nCOPY . .\nRUN ./gradlew build\n",
                  "FROM gradle:8-jdk17\nWORKDIR /app\nCOPY . .\nRUN gradle -g /cache build\n"):
        [finding] = run_gradle(other)[0].findings
        assert "VOLUME" not in finding.finding.risk
    assert "-g /cache dependencies" in run_gradle(
        "FROM gradle:8-jdk17\nWORKDIR /app\nCOPY . .\nRUN gradle -g /cache build\n")[0].text


def test_maven_wins_when_both_manifests_exist():
    context = BuildContext.from_listing(["pom.xml", "build.gradle", "src/A.java"],
                                        texts={"pom.xml": POM.format(""), "build.gradle": BOOT})
    for run_line, resolve in (("RUN mvn package", "mvn dependency:go-offline"),
                              ("RUN gradle build", "gradle dependencies")):
        result = optimize(f"FROM x\nWORKDIR /app\nCOPY . .\n{run_line}\n", context,
                          Config(select=frozenset({ID}), unsafe=True))
        assert f"RUN {resolve}\n" in result.text
