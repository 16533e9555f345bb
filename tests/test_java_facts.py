"""Java facts: what an image tag says about its Java, the jar a build writes, and the runtime images."""

from __future__ import annotations

import pytest

from optimizer.context import BuildContext
from optimizer.context.manifests import parse_pom
from optimizer.facts.java import built_jar, java_image, java_launch, runtime_image

IMAGES = [
    ("maven:3.6.1-jdk-8-alpine", ("maven", 8, True, True)),
    ("maven:3.8-openjdk-17", ("maven", 17, True, False)),
    ("maven:3-eclipse-temurin-17", ("maven", 17, True, False)),
    ("maven:3.9.6-eclipse-temurin-21-alpine", ("maven", 21, True, True)),
    ("maven:3.8.6-openjdk-18-slim", ("maven", 18, True, False)),
    ("maven:3.9.9", ("maven", None, True, False)),
    ("maven", ("maven", None, True, False)),
    ("gradle:7.3.2-jdk11-alpine", ("gradle", 11, True, True)),
    ("gradle:jdk17", ("gradle", 17, True, False)),
    ("openjdk:11-jdk-slim", ("openjdk", 11, True, False)),
    ("openjdk:8u342-jdk", ("openjdk", 8, True, False)),
    ("openjdk:17", ("openjdk", 17, True, False)),
    ("openjdk:11.0.2-jre-slim", ("openjdk", 11, False, False)),
    ("eclipse-temurin:17-jdk", ("eclipse-temurin", 17, True, False)),
    ("eclipse-temurin:17.0.18_8-jre-alpine", ("eclipse-temurin", 17, False, True)),
    ("docker.io/library/eclipse-temurin:24.0.2_12-jdk@sha256:abc", ("eclipse-temurin", 24, True, False)),
    ("amazoncorretto:21", ("amazoncorretto", 21, True, False)),
    ("java:8-jdk-alpine", ("java", 8, True, True)),
    ("java", ("java", None, True, False)),
]


@pytest.mark.parametrize("reference,expected", IMAGES, ids=[i[0] for i in IMAGES])
def test_java_image_reads_version_and_kind_from_the_tag(reference, expected):
    image = java_image(reference)
    assert (image.repository, image.version, image.jdk, image.alpine) == expected


@pytest.mark.parametrize("reference", ["debian:bookworm", "gcr.io/distroless/java17-debian12",
                                       "ghcr.io/openzipkin/java:21", "${BASE}", "myorg/openjdk:17"])
def test_other_images_are_not_java_images(reference):
    assert java_image(reference) is None


RUNTIMES = [
    (17, "alpine", "eclipse-temurin:17-jre-alpine", "amd64 only"),
    (21, "alpine", "eclipse-temurin:21-jre-alpine", "musl"),
    (8, "jre", "eclipse-temurin:8-jre", "multi-arch"),
    (21, "distroless", "gcr.io/distroless/java21-debian12", "no shell"),
    (11, "distroless", "gcr.io/distroless/java11-debian11", "Debian 11"),
    (8, "distroless", None, ""),
    (18, "alpine", None, ""),
]


@pytest.mark.parametrize("version,kind,image,note", RUNTIMES, ids=[f"{r[0]}-{r[1]}" for r in RUNTIMES])
def test_runtime_image_per_version_and_kind(version, kind, image, note):
    runtime = runtime_image(version, kind)
    assert runtime.image == image
    assert note in " ".join(runtime.notes)


def test_alpine_runtime_of_21_is_not_flagged_amd64_only():
    assert not any("amd64" in n for n in runtime_image(21, "alpine").notes)


POM = """<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>app</artifactId>
<version>1.0</version>{packaging}<properties>{props}</properties><build>{final}<plugins>{plugins}</plugins></build>
</project>"""


def _pom(packaging="", props="", final="", plugins="", modules=""):
    text = POM.format(packaging=packaging, props=props, final=final, plugins=plugins)
    return text.replace("</project>", modules + "</project>")


MAVEN_JARS = [
    ("artifact-version", _pom(), "target/app-1.0.jar"),
    ("final-name", _pom(final="<finalName>svc</finalName>"), "target/svc.jar"),
    ("final-name-interpolated", _pom(final="<finalName>${project.artifactId}</finalName>"), "target/app.jar"),
    ("spring-boot-repackage", _pom(plugins="<plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin>"),
     "target/app-1.0.jar"),
    ("war", _pom(packaging="<packaging>war</packaging>"), None),
    ("multi-module", _pom(modules="<modules><module>core</module></modules>"), None),
    ("unknown-property", _pom(final="<finalName>${name}</finalName>"), None),
]


@pytest.mark.parametrize("name,pom,jar", MAVEN_JARS, ids=[m[0] for m in MAVEN_JARS])
def test_maven_jar_from_the_pom(name, pom, jar):
    context = BuildContext.from_listing(["pom.xml", "src/main/java/A.java"], texts={"pom.xml": pom})
    assert built_jar(context, "maven") == jar


GRADLE_JARS = [
    ("name-version", "version = '1.0'\n", "rootProject.name = 'demo'\n", [], "demo-1.0.jar"),
    ("groovy-call", "version '1.2'\n", "rootProject.name = 'demo'\n", [], "demo-1.2.jar"),
    ("no-version", "plugins { id 'java' }\n", "rootProject.name = 'demo'\n", [], "demo.jar"),
    ("version-in-properties", "plugins { id 'java' }\n", "rootProject.name = 'demo'\n", ["gradle.properties"], None),
    ("boot-file-name", "plugins { id 'org.springframework.boot' version '3.2.0' }\n"
     "bootJar {\n  archiveFileName = 'app.jar'\n}\n", "", [], "app.jar"),
    ("kotlin-set", "tasks.named<Jar>(\"jar\") {\n  archiveBaseName.set(\"x\")\n}\nversion = \"2\"\n", "", [],
     "x-2.jar"),
    ("name-from-directory", "version = '1.0'\n", "", [], None),
    ("interpolated-version", "version = \"${major}.1\"\n", "rootProject.name = 'demo'\n", [], None),
    ("classifier", "version = '1'\njar {\n  archiveClassifier = 'all'\n}\n", "rootProject.name = 'd'\n", [], None),
]


@pytest.mark.parametrize("name,build,settings,extra,jar", GRADLE_JARS, ids=[g[0] for g in GRADLE_JARS])
def test_gradle_jar_from_the_build_files(name, build, settings, extra, jar):
    texts = {"build.gradle": build}
    if settings:
        texts["settings.gradle"] = settings
    context = BuildContext.from_listing([*texts, *extra], texts=texts)
    assert built_jar(context, "gradle") == (f"build/libs/{jar}" if jar else None)


JAVA_VERSIONS = [
    ("release-property", "<maven.compiler.release>17</maven.compiler.release>", "", 17),
    ("java-version", "<java.version>11</java.version>", "", 11),
    ("source-1.8", "<maven.compiler.source>1.8</maven.compiler.source>", "", 8),
    ("toolchains", "", "<plugin><artifactId>maven-toolchains-plugin</artifactId><configuration><toolchains>"
     "<jdk><version>21</version></jdk></toolchains></configuration></plugin>", 21),
    ("none", "", "", None),
]


@pytest.mark.parametrize("name,props,plugins,major", JAVA_VERSIONS, ids=[v[0] for v in JAVA_VERSIONS])
def test_maven_java_version(name, props, plugins, major):
    assert parse_pom(_pom(props=props, plugins=plugins)).java_major == major


LAUNCHES = [
    (["java", "-jar", "app.jar"], ("jar", 2)),
    (["java", "-jar", "-agentlib:jdwp=transport=dt_socket,server=y", "target/app.jar", "--port=1"], ("jar", 3)),
    (["java", "-cp", "app.jar", "com.example.Main"], ("class", 3)),
    (["java", "--class-path=lib/*", "-jar", "app.jar"], ("jar", 3)),
    (["/opt/java/bin/java", "-p", "mods", "-m", "app/com.example.Main"], ("module", 4)),
    (["java", "Hello.java"], ("source", 1)),
    (["java", None, "-jar", "/app.jar"], ("jar", 3)),  # $JAVA_OPTS before -jar: options
    (["java", "-jar", None], ("jar", 2)),  # the jar itself is a variable
]


@pytest.mark.parametrize("words,expected", LAUNCHES, ids=[" ".join(w or "$X" for w in c[0]) for c in LAUNCHES])
def test_java_command_lines_read_with_the_launchers_grammar(words, expected):
    launch = java_launch(words)
    assert (launch.mode, launch.target) == expected


@pytest.mark.parametrize("words", [["java", "-version"], ["java", "--list-modules"], ["java", "@args", "-jar", "a.jar"],
                                   ["javac", "-d", "out", "A.java"]])
def test_launches_that_run_nothing_or_cannot_be_read(words):
    assert java_launch(words) is None


def test_openj9_images_are_told_apart_and_stay_on_openj9():
    semeru = java_image("ibm-semeru-runtimes:open-17-jdk")
    assert (semeru.repository, semeru.version, semeru.jdk, semeru.openj9) == ("ibm-semeru-runtimes", 17, True, True)
    assert java_image("maven:3.9-ibm-semeru-21-jammy").openj9
    assert not java_image("eclipse-temurin:21-jdk").openj9
    assert runtime_image(17, "alpine", openj9=True).image == "ibm-semeru-runtimes:open-17-jre"
    assert runtime_image(17, "distroless", openj9=True).image is None
