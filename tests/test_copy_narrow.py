"""DO203 copy-narrow: fix table (jar and Maven cases), safety table, no-change table."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.passes import Safety
from optimizer.pipeline import Status, optimize

ID = "DO203"
POM = ("<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>"
       "<artifactId>app</artifactId><version>1.0</version>{}</project>")
MODULES = POM.format("<packaging>pom</packaging><modules><module>core</module><module>web</module></modules>")
JAR = ["target/app.jar", "src/main/java/App.java", "README.md", "docs/guide.md"]
MAVEN = ["pom.xml", "src/main/java/App.java", "README.md", "docs/guide.md"]
WRAPPER = MAVEN + ["mvnw", ".mvn/wrapper/maven-wrapper.properties"]
MULTI = ["pom.xml", "core/pom.xml", "core/src/A.java", "web/pom.xml", "web/src/B.java", "README.md"]
JAVA = 'CMD ["java","-jar","/app/target/app.jar"]\n'


def context(files, texts=None):
    return BuildContext.from_listing(files, texts=texts)


def run(dockerfile, ctx, *, select=ID, unsafe=True):
    return optimize(dockerfile, ctx, Config(select=frozenset({select}) if select else None, unsafe=unsafe))


def assert_fix(before, after, ctx, *, select=ID):
    result = run(before, ctx, select=select)
    assert not result.problems, result.problems
    assert result.text == after
    again = run(after, ctx, select=select)
    assert again.text == after, "not idempotent"
    assert not [r for r in again.findings if r.status is Status.APPLIED]
    return result


def maven_ctx(files=MAVEN, pom=POM.format(""), texts=None):
    return context(files, {"pom.xml": pom, **(texts or {})})


FIXES = [
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\n" + JAVA,
                 "FROM eclipse-temurin:17-jre\nCOPY target/app.jar /app/target/app.jar\n" + JAVA,
                 context(JAR), id="seed-jar"),
    pytest.param("FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY . .\nCMD [\"java\",\"-jar\",\"target/app.jar\"]\n",
                 "FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY target/app.jar ./target/app.jar\n"
                 "CMD [\"java\",\"-jar\",\"target/app.jar\"]\n",
                 context(JAR), id="workdir-relative"),
    pytest.param("FROM eclipse-temurin:17-jre\nWORKDIR /srv\nCOPY --chown=1000:1000 --link . /srv/\n"
                 "ENTRYPOINT [\"java\",\"-Xmx512m\",\"-jar\",\"target/app.jar\"]\n",
                 "FROM eclipse-temurin:17-jre\nWORKDIR /srv\n"
                 "COPY --chown=1000:1000 --link target/app.jar /srv/target/app.jar\n"
                 "ENTRYPOINT [\"java\",\"-Xmx512m\",\"-jar\",\"target/app.jar\"]\n",
                 context(JAR), id="flags-kept-entrypoint"),
    pytest.param("FROM eclipse-temurin:17-jre\r\nCOPY . /app\r\nCMD java -jar /app/target/*.jar\r\n",
                 "FROM eclipse-temurin:17-jre\r\nCOPY target/app.jar /app/target/app.jar\r\n"
                 "CMD java -jar /app/target/*.jar\r\n",
                 context(JAR), id="crlf-shell-form-glob-one-match"),
    pytest.param("FROM eclipse-temurin:17-jre\n# the app\nCOPY . /app\nRUN apt-get update && apt-get install -y curl\n"
                 + JAVA,
                 "FROM eclipse-temurin:17-jre\n# the app\nCOPY target/app.jar /app/target/app.jar\n"
                 "RUN apt-get update && apt-get install -y curl\n" + JAVA,
                 context(JAR), id="comment-kept-unrelated-run"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\nRUN chmod 644 /app/target/app.jar\n" + JAVA,
                 "FROM eclipse-temurin:17-jre\nCOPY target/app.jar /app/target/app.jar\n"
                 "RUN chmod 644 /app/target/app.jar\n" + JAVA,
                 context(JAR), id="run-on-the-kept-jar"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\n"
                 "CMD [\"java\",\"-Dspring.config.location=/app/config/application.yml\",\"-jar\",\"/app/target/app.jar\"]\n",
                 "FROM eclipse-temurin:17-jre\nCOPY config/application.yml /app/config/application.yml\n"
                 "COPY target/app.jar /app/target/app.jar\n"
                 "CMD [\"java\",\"-Dspring.config.location=/app/config/application.yml\",\"-jar\",\"/app/target/app.jar\"]\n",
                 context(JAR + ["config/application.yml"]), id="named-config-kept"),
    pytest.param("FROM eclipse-temurin:17-jre\r\n"
                 "CMD [\"java\",\"-Dspring.config.location=/app/config/application.yml\",\"-jar\",\"/app/target/app.jar\"]\r\n"
                 "  COPY . /app",
                 "FROM eclipse-temurin:17-jre\r\n"
                 "CMD [\"java\",\"-Dspring.config.location=/app/config/application.yml\",\"-jar\",\"/app/target/app.jar\"]\r\n"
                 "  COPY config/application.yml /app/config/application.yml\r\n  COPY target/app.jar /app/target/app.jar",
                 context(JAR + ["config/application.yml"]), id="crlf-last-line-without-newline-two-copies"),
    pytest.param("FROM maven:3.9\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n",
                 "FROM maven:3.9\nWORKDIR /app\nCOPY pom.xml ./\nRUN mvn -B dependency:go-offline\n"
                 "COPY src ./src/\nRUN mvn -B package\n",
                 maven_ctx(), id="maven-with-do202"),
    pytest.param("FROM maven:3.9\nWORKDIR /build\nCOPY . /build\nRUN chmod +x mvnw\n"
                 "RUN --mount=type=cache,target=/root/.m2 ./mvnw package\n",
                 "FROM maven:3.9\nWORKDIR /build\nCOPY pom.xml mvnw /build/\nCOPY .mvn /build/.mvn/\n"
                 "COPY src /build/src/\nRUN chmod +x mvnw\nRUN --mount=type=cache,target=/root/.m2 ./mvnw package\n",
                 maven_ctx(WRAPPER), id="maven-wrapper-cache-mount"),
    pytest.param("FROM maven:3.9 AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn package\n"
                 "FROM eclipse-temurin:17-jre\nCOPY --from=build /app/target/app.jar /app.jar\n"
                 "CMD [\"java\",\"-jar\",\"/app.jar\"]\n",
                 "FROM maven:3.9 AS build\nWORKDIR /app\nCOPY pom.xml ./\nCOPY src ./src/\n"
                 "RUN --mount=type=cache,target=/root/.m2 mvn package\n"
                 "FROM eclipse-temurin:17-jre\nCOPY --from=build /app/target/app.jar /app.jar\n"
                 "CMD [\"java\",\"-jar\",\"/app.jar\"]\n",
                 maven_ctx(), id="multi-stage-build-stage"),
    pytest.param("FROM maven:3.9\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn install\n",
                 "FROM maven:3.9\nWORKDIR /app\nCOPY pom.xml ./\nCOPY core ./core/\nCOPY web ./web/\n"
                 "RUN --mount=type=cache,target=/root/.m2 mvn install\n",
                 maven_ctx(MULTI, MODULES, {"core/pom.xml": POM.format(""), "web/pom.xml": POM.format("")}),
                 id="multi-module"),
]


@pytest.mark.parametrize(("before", "after", "ctx"), FIXES)
def test_fixes(before, after, ctx):
    assert_fix(before, after, ctx, select=None if "mvn -B package\n" in before else ID)


def test_unsafe_and_lists_what_is_left_out():
    ctx = BuildContext.from_listing(JAR)
    result = run("FROM eclipse-temurin:17-jre\nCOPY . /app\n" + JAVA, ctx, unsafe=False)
    assert result.text == "FROM eclipse-temurin:17-jre\nCOPY . /app\n" + JAVA
    [reported] = result.findings
    assert reported.status is Status.NEEDS_UNSAFE
    assert reported.finding.fix.safety is Safety.UNSAFE
    assert "README.md" in reported.finding.message and "docs/" in reported.finding.message
    assert "sizes unknown" in reported.finding.message and "src/" in reported.finding.risk


def test_sizes_reported(tmp_path):
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "app.jar").write_bytes(b"x" * 10)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_bytes(b"y" * 300)
    (tmp_path / "README.md").write_bytes(b"z" * 20)
    result = run("FROM eclipse-temurin:17-jre\nCOPY . /app\n" + JAVA, BuildContext.from_directory(tmp_path))
    message = result.findings[0].finding.message
    assert "docs/ (300 bytes)" in message and "README.md (20 bytes)" in message and "(320 bytes)" in message


SUGGESTIONS = [
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\n" + JAVA,
                 context(["src/main/java/App.java", "pom.xml"]), id="jar-not-in-listing"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\n" + JAVA, BuildContext.from_listing(JAR, truncated=True),
                 id="truncated-listing"),
    pytest.param("FROM maven:3.9\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn package\n",
                 maven_ctx(MAVEN + ["frontend/package.json"],
                           POM.format("<build><resources><resource><directory>frontend/dist</directory>"
                                      "</resource></resources></build>")), id="pom-names-left-out-dir"),
]


@pytest.mark.parametrize(("before", "ctx"), SUGGESTIONS)
def test_suggestions(before, ctx):
    result = run(before, ctx)
    assert result.text == before
    [reported] = [r for r in result.findings if r.finding.pass_id == ID]
    assert reported.finding.fix.safety is Safety.SUGGESTION


NO_CHANGE = [
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\n" + JAVA, BuildContext.unknown(), id="unknown-context"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\nCMD [\"/app/start.sh\"]\n",
                 context(JAR + ["start.sh"]), id="not-java"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\nENTRYPOINT [\"/app/entrypoint.sh\"]\n"
                 "CMD [\"java\",\"-jar\",\"/app/target/app.jar\"]\n",
                 context(JAR + ["entrypoint.sh"]), id="program-is-a-copied-script"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\nRUN /app/scripts/setup.sh\n" + JAVA,
                 context(JAR + ["scripts/setup.sh"]), id="run-reads-other-file"),
    pytest.param("FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY . .\nRUN make\nCMD [\"java\",\"-jar\",\"target/app.jar\"]\n",
                 context(JAR), id="run-in-destination"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\nCMD java -jar /app/target/*.jar\n",
                 context(JAR + ["target/other.jar"]), id="glob-two-matches"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\nCMD [\"java\",\"-jar\",\"/opt/app.jar\"]\n",
                 context(JAR), id="jar-outside-destination"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY --exclude=docs . /app\n" + JAVA, context(JAR),
                 id="other-flag"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . \\\n  /app\n" + JAVA, context(JAR), id="continuation"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY [\".\", \"/app\"]\n" + JAVA, context(JAR), id="json-form"),
    pytest.param("FROM eclipse-temurin:17-jre\n# dockeropt: ignore=DO203\nCOPY . /app\n" + JAVA, context(JAR),
                 id="suppressed"),
    pytest.param("FROM eclipse-temurin:17-jre\nONBUILD COPY . /app\n" + JAVA, context(JAR), id="onbuild"),
    pytest.param("FROM eclipse-temurin:17-jre AS base\nCOPY . /app\nFROM base\n" + JAVA, context(JAR),
                 id="stage-with-descendants"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . $APP\n" + JAVA, context(JAR), id="variable-destination"),
    pytest.param("FROM eclipse-temurin:17-jre\nCOPY . /app\nENV CONF=/app/conf/app.yml\n" + JAVA,
                 context(JAR + ["conf/app.yml"]), id="env-names-left-out-file"),
    pytest.param("FROM maven:3.9 AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn package\n"
                 "FROM eclipse-temurin:17-jre\nCOPY --from=build /app/config /config\n",
                 maven_ctx(MAVEN + ["config/a.yml"]), id="copy-from-reads-left-out"),
    pytest.param("FROM maven:3.9\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn package\n"
                 "CMD [\"sh\",\"run.sh\"]\n",
                 maven_ctx(MAVEN + ["run.sh"]), id="maven-cmd-reads-left-out"),
    pytest.param("FROM maven:3.9\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn -f sub/pom.xml package\n",
                 maven_ctx(MAVEN + ["sub/pom.xml"]), id="maven-pom-file-option"),
    pytest.param("FROM maven:3.9\nWORKDIR /app\nCOPY . .\n"
                 "RUN --mount=type=cache,target=/root/.m2 mvn package && cp config/app.yml target/\n",
                 maven_ctx(MAVEN + ["config/app.yml"]), id="maven-run-copies-left-out-file"),
    pytest.param("FROM maven:3.9\nCOPY . /app\nWORKDIR /src\nRUN --mount=type=cache,target=/root/.m2 mvn package\n",
                 maven_ctx(), id="maven-elsewhere"),
]


@pytest.mark.parametrize(("before", "ctx"), NO_CHANGE)
def test_no_change(before, ctx):
    result = run(before, ctx)
    assert result.text == before
    assert not [r for r in result.findings if r.finding.pass_id == ID and r.finding.fix]
