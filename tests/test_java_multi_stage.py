"""DO301 java-multi-stage: a builder stage plus a JRE runtime stage, or a JDK image put on the JRE."""

from __future__ import annotations

import pytest

from optimizer import parse
from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.docs import explain
from optimizer.passes import java_multi_stage
from optimizer.pipeline import Status, optimize

POM = ("<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>app</artifactId>"
       "<version>1.0</version><properties><maven.compiler.release>{release}</maven.compiler.release>"
       "</properties><build>{final}</build></project>")


def _context(release="17", final="<finalName>svc</finalName>", extra=()):
    pom = POM.format(release=release, final=final)
    return BuildContext.from_listing(["pom.xml", "src/main/java/A.java", *extra], texts={"pom.xml": pom})


def _run(before, *, context=None, runtime="alpine", unsafe=True):
    config = Config(select=frozenset({"DO301"}), unsafe=unsafe, options={"java-runtime": runtime})
    return optimize(before, context, config)


MAVEN = "FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n"
MAVEN_LOWER = "from maven:3.9-eclipse-temurin-17\nworkdir /app\ncopy . .\nrun mvn -B package\n"

FIXES = [
    ("maven-single-stage",
     MAVEN + 'EXPOSE 8080\nCMD ["java","-jar","target/app.jar"]\n', None, "alpine",
     "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n\n"
     "FROM eclipse-temurin:17-jre-alpine\nWORKDIR /app\nCOPY --from=build /app/target/app.jar /app/target/app.jar\n"
     'EXPOSE 8080\nCMD ["java","-jar","target/app.jar"]\n'),
    ("existing-name-reused-and-comments-move",
     "FROM maven:3.8-openjdk-17 as compile\nWORKDIR /app\nCOPY . .\nRUN mvn package\n"
     '# the service\nENTRYPOINT ["java","-jar","/app/target/app.jar"] # trailing\n', None, "alpine",
     "FROM maven:3.8-openjdk-17 as compile\nWORKDIR /app\nCOPY . .\nRUN mvn package\n\n"
     "FROM eclipse-temurin:17-jre-alpine\nWORKDIR /app\nCOPY --from=compile /app/target/app.jar /app/target/app.jar\n"
     '# the service\nENTRYPOINT ["java","-jar","/app/target/app.jar"] # trailing\n'),
    ("app-env-copied-build-env-left",
     "FROM maven:3-eclipse-temurin-21\nENV MAVEN_OPTS=-Xmx1g\nENV APP_MODE=prod\nLABEL team=a\nWORKDIR /src\n"
     "COPY . .\nRUN mvn -B verify\nCMD java -jar /src/target/app.jar\n", None, "alpine",
     "FROM maven:3-eclipse-temurin-21 AS build\nENV MAVEN_OPTS=-Xmx1g\nENV APP_MODE=prod\nLABEL team=a\n"
     "WORKDIR /src\nCOPY . .\nRUN mvn -B verify\n\nFROM eclipse-temurin:21-jre-alpine\nWORKDIR /src\n"
     "ENV APP_MODE=prod\nLABEL team=a\nCOPY --from=build /src/target/app.jar /src/target/app.jar\n"
     "CMD java -jar /src/target/app.jar\n"),
    ("healthcheck-bash-on-the-ubuntu-jre",
     MAVEN + "HEALTHCHECK CMD bash -c 'echo > /dev/tcp/localhost/8080'\n" + 'CMD ["java","-jar","target/app.jar"]\n',
     None, "jre",
     "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n\n"
     "FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY --from=build /app/target/app.jar /app/target/app.jar\n"
     "HEALTHCHECK CMD bash -c 'echo > /dev/tcp/localhost/8080'\n" + 'CMD ["java","-jar","target/app.jar"]\n'),
    ("glob-resolved-from-the-pom",
     MAVEN + "CMD java -jar target/*.jar\n", _context(), "alpine",
     "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n\n"
     "FROM eclipse-temurin:17-jre-alpine\nWORKDIR /app\nCOPY --from=build /app/target/svc.jar /app/target/svc.jar\n"
     "CMD java -jar target/*.jar\n"),
    ("version-from-the-pom",
     "FROM maven:3.9.9\nWORKDIR /app\nCOPY . .\nRUN mvn package\nCMD [\"java\",\"-jar\",\"target/svc.jar\"]\n",
     _context(release="21"), "alpine",
     "FROM maven:3.9.9 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn package\n\nFROM eclipse-temurin:21-jre-alpine\n"
     "WORKDIR /app\nCOPY --from=build /app/target/svc.jar /app/target/svc.jar\n"
     'CMD ["java","-jar","target/svc.jar"]\n'),
    ("gradle-boot-jar",
     "FROM gradle:8.5-jdk21\nWORKDIR /home/app\nCOPY . .\nRUN gradle bootJar\nCMD java -jar build/libs/*.jar\n",
     BuildContext.from_listing(["build.gradle", "settings.gradle"], texts={
         "build.gradle": "plugins { id 'org.springframework.boot' version '3.2.0' }\nversion = '1.0'\n",
         "settings.gradle": "rootProject.name = 'demo'\n"}), "alpine",
     "FROM gradle:8.5-jdk21 AS build\nWORKDIR /home/app\nCOPY . .\nRUN gradle bootJar\n\n"
     "FROM eclipse-temurin:21-jre-alpine\nWORKDIR /home/app\n"
     "COPY --from=build /home/app/build/libs/demo-1.0.jar /home/app/build/libs/demo-1.0.jar\n"
     "CMD java -jar build/libs/*.jar\n"),
    ("jar-copied-into-place-after-the-build",
     "FROM openjdk:17-jdk-alpine\nWORKDIR /build\nCOPY . /build\nRUN ./mvnw clean package\nARG APP_FILE\n"
     "EXPOSE 50051\nRUN cp ./target/${APP_FILE} app.jar\nCMD [\"java\",\"-jar\",\"app.jar\"]\n", None, "alpine",
     "FROM openjdk:17-jdk-alpine AS build\nWORKDIR /build\nCOPY . /build\nRUN ./mvnw clean package\nARG APP_FILE\n"
     "EXPOSE 50051\nRUN cp ./target/${APP_FILE} app.jar\n\nFROM eclipse-temurin:17-jre-alpine\nWORKDIR /build\n"
     "EXPOSE 50051\nCOPY --from=build /build/app.jar /build/app.jar\nCMD [\"java\",\"-jar\",\"app.jar\"]\n"),
    ("jre-runtime",
     MAVEN + 'CMD ["java","-jar","target/app.jar"]\n', None, "jre",
     "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n\n"
     "FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY --from=build /app/target/app.jar /app/target/app.jar\n"
     'CMD ["java","-jar","target/app.jar"]\n'),
    ("distroless-cmd-becomes-exec-entrypoint",
     MAVEN + "CMD exec java -Xmx256m -jar target/app.jar\n", None, "distroless",
     "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n\n"
     "FROM gcr.io/distroless/java17-debian12\nWORKDIR /app\n"
     "COPY --from=build /app/target/app.jar /app/target/app.jar\n"
     'ENTRYPOINT ["java", "-Xmx256m", "-jar", "target/app.jar"]\n'),
    ("no-final-newline-and-crlf",
     "FROM maven:3.9-eclipse-temurin-17\r\nWORKDIR /app\r\nCOPY . .\r\nRUN mvn package\r\n"
     'CMD ["java","-jar","target/app.jar"]', None, "alpine",
     "FROM maven:3.9-eclipse-temurin-17 AS build\r\nWORKDIR /app\r\nCOPY . .\r\nRUN mvn package\r\n\r\n"
     "FROM eclipse-temurin:17-jre-alpine\r\nWORKDIR /app\r\nCOPY --from=build /app/target/app.jar "
     '/app/target/app.jar\r\nCMD ["java","-jar","target/app.jar"]\r\n'),
    ("multi-stage-jdk-runtime-swapped",
     "FROM maven:3.8-jdk-11 AS build\nCOPY . /src\nRUN mvn -f /src/pom.xml package\n"
     "FROM openjdk:11\nCOPY --from=build /src/target/demo.jar /demo.jar\nENTRYPOINT [\"java\",\"-jar\",\"/demo.jar\"]\n",
     None, "alpine",
     "FROM maven:3.8-jdk-11 AS build\nCOPY . /src\nRUN mvn -f /src/pom.xml package\n"
     "FROM eclipse-temurin:11-jre-alpine\nCOPY --from=build /src/target/demo.jar /demo.jar\n"
     'ENTRYPOINT ["java","-jar","/demo.jar"]\n'),
    ("lower-case-file-gets-lower-case-lines",
     MAVEN_LOWER + "cmd exec java -jar target/app.jar\n", None, "distroless",
     "from maven:3.9-eclipse-temurin-17 as build\nworkdir /app\ncopy . .\nrun mvn -B package\n\n"
     "from gcr.io/distroless/java17-debian12\nworkdir /app\n"
     "copy --from=build /app/target/app.jar /app/target/app.jar\n"
     'entrypoint ["java", "-jar", "target/app.jar"]\n'),
    ("lower-case-prebuilt-distroless-cmd-to-exec",
     "from eclipse-temurin:21-jdk\ncopy build/libs/app.jar /app.jar\ncmd java -jar /app.jar\n", None, "distroless",
     "from gcr.io/distroless/java21-debian12\ncopy build/libs/app.jar /app.jar\n"
     'entrypoint ["java", "-jar", "/app.jar"]\n'),
    ("prebuilt-jar-swapped-keeps-platform-flag",
     "FROM --platform=linux/amd64 openjdk:8-jdk-alpine AS run\nADD target/app.jar app.jar\n"
     "ENTRYPOINT exec java $JAVA_OPTS -jar /app.jar\n", None, "alpine",
     "FROM --platform=linux/amd64 eclipse-temurin:8-jre-alpine AS run\nADD target/app.jar app.jar\n"
     "ENTRYPOINT exec java $JAVA_OPTS -jar /app.jar\n"),
    ("prebuilt-distroless-shell-cmd-to-exec",
     "FROM eclipse-temurin:21-jdk\nCOPY build/libs/app.jar /app.jar\nCMD java -jar /app.jar\n", None, "distroless",
     "FROM gcr.io/distroless/java21-debian12\nCOPY build/libs/app.jar /app.jar\n"
     'ENTRYPOINT ["java", "-jar", "/app.jar"]\n'),
]


@pytest.mark.parametrize("before,context,runtime,after", [f[1:] for f in FIXES], ids=[f[0] for f in FIXES])
def test_fix(before, context, runtime, after):
    safe = _run(before, context=context, runtime=runtime, unsafe=False)
    assert safe.text == before, "an UNSAFE fix was applied without --unsafe"
    assert Status.NEEDS_UNSAFE in [r.status for r in safe.findings]
    result = _run(before, context=context, runtime=runtime)
    assert result.text == after
    applied = [r for r in result.findings if r.status is Status.APPLIED]
    assert len(applied) == 1 and applied[0].finding.risk
    assert not parse(after).problems
    again = _run(after, context=context, runtime=runtime)
    assert again.text == after, "not idempotent"


def test_multi_stage_fix_declares_only_the_stages_when_the_runtime_settings_stay():
    finding = next(iter(java_multi_stage.check(parse(MAVEN + 'CMD ["java","-jar","target/app.jar"]\n'),
                                               BuildContext.unknown(), Config())))
    assert finding.fix.declares == {"stages"}


def test_relative_workdirs_become_one_absolute_workdir_and_declare_the_runtime_change():
    before = ("FROM maven:3.9-eclipse-temurin-17\nWORKDIR /srv\nWORKDIR app\nCOPY . .\nRUN mvn package\n"
              'CMD ["java","-jar","target/app.jar"]\n')
    finding = next(iter(java_multi_stage.check(parse(before), BuildContext.unknown(), Config())))
    assert finding.fix.declares == {"stages", "runtime"}
    assert _run(before).text.endswith("FROM eclipse-temurin:17-jre-alpine\nWORKDIR /srv/app\n"
                                      "COPY --from=build /srv/app/target/app.jar /srv/app/target/app.jar\n"
                                      'CMD ["java","-jar","target/app.jar"]\n')


def test_prebuilt_jar_also_suggests_a_builder_stage():
    before = "FROM openjdk:17-jdk-slim\nCOPY target/app.jar /app.jar\nCMD [\"java\",\"-jar\",\"/app.jar\"]\n"
    result = _run(before, unsafe=False)
    assert [r.status for r in result.findings] == [Status.NEEDS_UNSAFE, Status.SUGGESTION]
    assert "builder stage" in result.findings[1].finding.message


SUGGESTIONS = [
    ("version-unknown", "FROM maven:3.9.9\nWORKDIR /app\nCOPY . .\nRUN mvn package\n"
     'CMD ["java","-jar","target/app.jar"]\n', None, "alpine", "Java version"),
    ("jar-relative-to-unknown-workdir", "FROM maven:3.8-openjdk-17\nCOPY . .\nRUN mvn package\n"
     'CMD ["java","-jar","target/app.jar"]\n', None, "alpine", "jar's path"),
    ("glob-without-build-facts", MAVEN + "CMD java -jar target/*.jar\n", None, "alpine", "jar's path"),
    ("glob-not-matching-the-pom", MAVEN + "CMD java -jar target/*-all.jar\n", _context(), "alpine", "jar's path"),
    ("jar-name-from-a-variable", MAVEN + "CMD java -jar target/$JAR\n", None, "alpine", "jar's path"),
    ("packages-installed", "FROM maven:3.8-openjdk-17\nRUN apt-get update && apt-get install -y fontconfig\n"
     "WORKDIR /app\nCOPY . .\nRUN mvn package\nCMD java -jar target/app.jar\n", None, "alpine", "apt-get"),
    ("healthcheck-curl", MAVEN + "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\n"
     "CMD java -jar target/app.jar\n", None, "alpine", "curl"),
    ("named-user", MAVEN + "USER app\nCMD java -jar target/app.jar\n", None, "alpine", "USER app"),
    ("steps-after-the-build", MAVEN + "RUN cp conf/app.yml /etc/app.yml\nCMD java -jar target/app.jar\n", None,
     "alpine", "after the build"),
    ("variable-in-env", MAVEN + "ENV CONF=$HOME/conf\nCMD java -jar target/app.jar\n", None, "alpine", "variable"),
    ("non-lts-version", "FROM openjdk:18-slim\nCOPY --from=b /a.jar /a.jar\nCMD java -jar /a.jar\n", None, "alpine",
     "Java 18"),
    ("distroless-java-8", "FROM openjdk:8\nCOPY --from=b /a.jar /a.jar\nCMD java -jar /a.jar\n", None,
     "distroless", "distroless"),
    ("distroless-shell-variable", "FROM openjdk:17\nCOPY --from=b /a.jar /a.jar\nCMD java $OPTS -jar /a.jar\n",
     None, "distroless", "no shell"),
    ("script-entrypoint", "FROM openjdk:17\nCOPY --from=b /a.jar /a.jar\nCOPY start.sh /\n"
     'ENTRYPOINT ["/start.sh"]\n', None, "alpine", "shell script"),
    ("jdk-tool-in-run", "FROM eclipse-temurin:17\nCOPY --from=b /a.jar /a.jar\nRUN jar -xf /a.jar\n"
     "CMD java -cp . app.Main\n", None, "alpine", "jar, a JDK tool"),
    ("workdir-from-an-argument", "FROM maven:3.8-openjdk-17\nARG DIR=/app\nWORKDIR $DIR\nCOPY . .\n"
     "RUN mvn package\nCMD java -jar /app/target/app.jar\n", None, "alpine", "WORKDIR is not known"),
    ("build-and-app-env-mixed", MAVEN + "ENV JAVA_HOME=/opt/jdk APP=1\nCMD java -jar target/app.jar\n", None,
     "alpine", "build-tool and application"),
    ("jdk-env-after-the-build", MAVEN + "ENV JAVA_HOME=/usr/lib/jvm/java-17\nCMD java -jar target/app.jar\n",
     None, "alpine", "runtime image has its own"),
    ("user-created-in-the-stage", "FROM eclipse-temurin:17\nRUN useradd app\nUSER app\nCOPY --from=b /a.jar /a.jar\n"
     "CMD java -jar /a.jar\n", None, "alpine", "useradd"),
]


@pytest.mark.parametrize("before,context,runtime,risk", [s[1:] for s in SUGGESTIONS], ids=[s[0] for s in SUGGESTIONS])
def test_suggestion_only(before, context, runtime, risk):
    result = _run(before, context=context, runtime=runtime)
    assert result.text == before
    statuses = [r.status for r in result.findings]
    assert statuses and set(statuses) == {Status.SUGGESTION}
    assert risk in result.findings[0].finding.risk


NO_CHANGE = [
    ("jre-image-from-a-stage", "FROM eclipse-temurin:17-jre\nCOPY --from=b /a.jar /a.jar\nCMD java -jar /a.jar\n"),
    ("not-java", "FROM node:20\nCOPY . .\nCMD node index.js\n"),
    ("runs-maven-at-run-time", MAVEN + 'CMD ["mvn","spring-boot:run"]\n'),
    ("final-stage-from-a-stage", "FROM openjdk:17 AS base\nCOPY . /app\nFROM base\nCMD java -jar /app/a.jar\n"),
    ("jdk-without-a-command", "FROM eclipse-temurin:17-jdk\nCOPY a.jar /a.jar\n"),
    ("other-registry", "FROM ghcr.io/acme/openjdk:17\nCOPY a.jar /a.jar\nCMD java -jar /a.jar\n"),
]


@pytest.mark.parametrize("before", [n[1] for n in NO_CHANGE], ids=[n[0] for n in NO_CHANGE])
def test_no_finding(before):
    assert not _run(before).findings


def test_explain_reads_well():
    doc = explain(java_multi_stage.PASS)
    assert "eclipse-temurin:17-jre-alpine" in doc and "amd64" in doc and "Anything else is a suggestion" in doc


def _java_corpus_entries(corpus_files):
    return [p for p in corpus_files if "\tjava-" in _manifest_rows(p.parent.parent).get(p.parent.name, "")]


def _manifest_rows(root):
    lines = (root / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {line.split("\t", 1)[0]: line for line in lines}


@pytest.mark.parametrize("runtime", ["alpine", "distroless"])
def test_java_corpus_rewrites_are_valid_idempotent_and_end_on_a_jre(corpus_files, oracle, runtime):
    """DO301 alone over the Java files of the real corpus: each fix parses (ours and BuildKit's parser),
    is idempotent, and leaves a final stage on the chosen runtime image running the same java command."""
    entries = _java_corpus_entries(corpus_files)
    assert len(entries) >= 80
    applied = 0
    for path in entries:
        before = path.read_bytes().decode("utf-8", "surrogateescape")
        context = BuildContext.from_corpus_entry(path.parent)
        result = _run(before, context=context, runtime=runtime)
        if result.text == before:
            continue
        applied += 1
        after = parse(result.text)
        assert not after.problems, path
        oracle.parse_string(result.text)
        final = after.stages[-1]
        assert final.base.startswith("eclipse-temurin:" if runtime == "alpine" else "gcr.io/distroless/"), path
        assert _run(result.text, context=context, runtime=runtime).text == result.text, f"{path}: not idempotent"
    assert applied >= 5


BOOT_POM = ("<project><modelVersion>4.0.0</modelVersion><parent><groupId>org.springframework.boot</groupId>"
            "<artifactId>spring-boot-starter-parent</artifactId><version>{boot}</version></parent>"
            "<artifactId>app</artifactId><build><plugins><plugin><groupId>org.springframework.boot</groupId>"
            "<artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>")


def _boot(boot):
    return BuildContext.from_listing(["pom.xml", "src/main/java/A.java"], texts={"pom.xml": BOOT_POM.format(boot=boot)})


def test_spring_layers_extract_in_the_builder_and_copy_each_layer():
    before = MAVEN + 'CMD ["java","-jar","target/app.jar"]\n'
    config = Config(select=frozenset({"DO301"}), unsafe=True, options={"spring-layers": True})
    result = optimize(before, _boot("3.3.2"), config)
    assert result.text == (
        "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n"
        "RUN java -Djarmode=tools -jar /app/target/app.jar extract --layers --destination /app/target/extracted\n"
        "\nFROM eclipse-temurin:17-jre-alpine\nWORKDIR /app\n"
        "COPY --from=build /app/target/extracted/dependencies/ /app/target/\n"
        "COPY --from=build /app/target/extracted/spring-boot-loader/ /app/target/\n"
        "COPY --from=build /app/target/extracted/snapshot-dependencies/ /app/target/\n"
        "COPY --from=build /app/target/extracted/application/ /app/target/\n"
        'CMD ["java","-jar","target/app.jar"]\n')
    assert "layers.xml" in result.findings[0].finding.risk
    assert optimize(result.text, _boot("3.3.2"), config).text == result.text


def test_spring_layers_in_a_lower_case_file_are_lower_case():
    before = MAVEN_LOWER + 'cmd ["java","-jar","target/app.jar"]\n'
    config = Config(select=frozenset({"DO301"}), unsafe=True, options={"spring-layers": True})
    result = optimize(before, _boot("3.3.2"), config)
    assert "\nrun java -Djarmode=tools -jar /app/target/app.jar extract" in result.text
    assert result.text.count("\ncopy --from=build /app/target/extracted/") == 4
    assert not any(word in result.text for word in ("RUN", "COPY", "FROM", "WORKDIR", " AS "))


@pytest.mark.parametrize("context,note", [(_boot("3.2.5"), "needs Spring Boot 3.3"), (_context(), "no Spring Boot")],
                         ids=["boot-3.2", "not-boot"])
def test_spring_layers_fall_back_to_the_whole_jar_and_say_why(context, note):
    before = MAVEN + 'CMD ["java","-jar","target/app.jar"]\n'
    config = Config(select=frozenset({"DO301"}), unsafe=True, options={"spring-layers": True})
    result = optimize(before, context, config)
    assert "COPY --from=build /app/target/app.jar /app/target/app.jar" in result.text
    assert note in result.findings[0].finding.risk
