"""Class 7 of "SAFE means proven": DO301 java-multi-stage, what its runtime stage would lose or change.

DO301 is never SAFE (the runtime image is another distribution), so the table tells an UNSAFE fix
(``unsafe=True`` with its exact ``after``) from a suggestion (``after`` = the input: nothing applied
even with --unsafe), and names the unknown that blocks a fix.
"""

from __future__ import annotations

import pytest

from .harness import NONE, NOT_SAFE, Case, run_case

MAVEN = "FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n"
BUILT = "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n\n"
RUNTIME = "FROM eclipse-temurin:17-jre-alpine\nWORKDIR /app\n"
COPY_APP = "COPY --from=build /app/target/app.jar /app/target/app.jar\n"
RUN_APP = 'CMD ["java","-jar","target/app.jar"]\n'


def _pom(build: str = "<finalName>svc</finalName>") -> str:
    return ("<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>svc</artifactId>"
            "<version>1.0</version><properties><maven.compiler.release>17</maven.compiler.release></properties>"
            f"<build>{build}</build></project>")


SHADE = ("<finalName>svc</finalName><plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
         "<artifactId>maven-shade-plugin</artifactId></plugin></plugins>")
BOOT_GRADLE = "plugins { id 'org.springframework.boot' version '3.2.0' }\nversion = '1.0'\n"
GRADLE_GLOB = "FROM gradle:8.5-jdk21\nWORKDIR /home/app\nCOPY . .\nRUN gradle {task}\nCMD java -jar build/libs/*.jar\n"


def _fix(case_id: str, dockerfile: str, after: str, *names: str, context=None) -> Case:
    return Case(case_id, "DO301", dockerfile, NOT_SAFE, context or {}, names=names, after=after, unsafe=True)


def _suggestion(case_id: str, dockerfile: str, *names: str, context=None) -> Case:
    return Case(case_id, "DO301", dockerfile, NOT_SAFE, context or {}, names=names, after=dockerfile, unsafe=True)


CASES = [
    # The java launcher's grammar: the jar is the first word that is not an option.
    _fix("jvm-option-after-jar-is-not-the-jar",
         MAVEN + 'CMD ["java","-jar","-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005","target/app.jar"]\n',
         BUILT + RUNTIME + COPY_APP
         + 'CMD ["java","-jar","-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005","target/app.jar"]\n'),
    _fix("system-property-and-app-arguments",
         MAVEN + 'ENTRYPOINT ["java","-Dspring.profiles.active=prod","-jar","target/app.jar","--server.port=80"]\n',
         BUILT + RUNTIME + COPY_APP
         + 'ENTRYPOINT ["java","-Dspring.profiles.active=prod","-jar","target/app.jar","--server.port=80"]\n'),
    _fix("classpath-value-before-jar-skipped",
         MAVEN + 'CMD ["java","--add-opens","java.base/java.lang=ALL-UNNAMED","-jar","target/app.jar"]\n',
         BUILT + RUNTIME + COPY_APP
         + 'CMD ["java","--add-opens","java.base/java.lang=ALL-UNNAMED","-jar","target/app.jar"]\n'),
    Case("main-class-launch-is-not-a-jar-build", "DO301",
         MAVEN + 'CMD ["java","-cp","target/classes","com.example.Main"]\n', NONE),
    Case("argfile-hides-the-options", "DO301", MAVEN + 'CMD ["java","@/app/jvm.args","-jar","target/app.jar"]\n', NONE),
    Case("version-only-runs-nothing", "DO301", MAVEN + "CMD java -version\n", NONE),
    _suggestion("jar-from-a-variable", MAVEN + "CMD java -jar target/$JAR\n", "jar's path"),
    _suggestion("variable-where-the-jar-should-be", MAVEN + "CMD java -jar $JAVA_OPTS target/app.jar\n", "jar's path"),
    _fix("options-variable-before-jar",
         "FROM openjdk:8-jdk-alpine\nADD target/app.jar app.jar\nENV JAVA_OPTS=\"\"\n"
         "ENTRYPOINT exec java $JAVA_OPTS -jar /app.jar\n",
         "FROM eclipse-temurin:8-jre-alpine\nADD target/app.jar app.jar\nENV JAVA_OPTS=\"\"\n"
         "ENTRYPOINT exec java $JAVA_OPTS -jar /app.jar\n", "amd64 only"),
    # Runtime JVM options in ENV belong to the runtime stage.
    _fix("jdk-java-options-before-the-build-carried",
         MAVEN.replace("WORKDIR /app\n", "ENV JDK_JAVA_OPTIONS=\"-Xmx512m -XX:+UseG1GC\"\nWORKDIR /app\n") + RUN_APP,
         BUILT.replace("WORKDIR /app\n", "ENV JDK_JAVA_OPTIONS=\"-Xmx512m -XX:+UseG1GC\"\nWORKDIR /app\n", 1)
         + RUNTIME + "ENV JDK_JAVA_OPTIONS=\"-Xmx512m -XX:+UseG1GC\"\n" + COPY_APP + RUN_APP),
    _fix("jdk-java-options-after-the-build-moved",
         MAVEN + "ENV JDK_JAVA_OPTIONS=-XX:MaxRAMPercentage=75\n" + RUN_APP,
         BUILT + RUNTIME + COPY_APP + "ENV JDK_JAVA_OPTIONS=-XX:MaxRAMPercentage=75\n" + RUN_APP),
    _fix("java-tool-options-moved",
         MAVEN + "ENV JAVA_TOOL_OPTIONS=-Xss512k\n" + RUN_APP,
         BUILT + RUNTIME + COPY_APP + "ENV JAVA_TOOL_OPTIONS=-Xss512k\n" + RUN_APP),
    _suggestion("java-agent-only-the-builder-has",
                MAVEN + 'ENV JAVA_TOOL_OPTIONS="-javaagent:/app/otel/opentelemetry-javaagent.jar"\n' + RUN_APP,
                "JAVA_TOOL_OPTIONS naming /app/otel/opentelemetry-javaagent.jar"),
    _suggestion("maven-and-app-options-in-one-env",
                MAVEN.replace("WORKDIR /app\n", "ENV MAVEN_OPTS=-Xmx1g JAVA_OPTS=-Xmx256m\nWORKDIR /app\n") + RUN_APP,
                "build-tool and application variables together"),
    # OpenJ9 (IBM Semeru) is never swapped to HotSpot.
    _fix("semeru-maven-builder-gets-a-semeru-runtime",
         MAVEN.replace("maven:3.9-eclipse-temurin-17", "maven:3.9-ibm-semeru-17-focal")
         + "ENV JAVA_TOOL_OPTIONS=-Xshareclasses\n" + RUN_APP,
         BUILT.replace("maven:3.9-eclipse-temurin-17", "maven:3.9-ibm-semeru-17-focal")
         + "FROM ibm-semeru-runtimes:open-17-jre\nWORKDIR /app\n" + COPY_APP
         + "ENV JAVA_TOOL_OPTIONS=-Xshareclasses\n" + RUN_APP, "OpenJ9"),
    _fix("semeru-jdk-put-on-the-semeru-jre",
         'FROM ibm-semeru-runtimes:open-21-jdk\nCOPY target/app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n',
         'FROM ibm-semeru-runtimes:open-21-jre\nCOPY target/app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n',
         "OpenJ9"),
    _fix("adoptopenjdk-openj9-tag",
         'FROM adoptopenjdk:11-jdk-openj9\nCOPY app.jar /app.jar\nCMD ["java","-Xquickstart","-jar","/app.jar"]\n',
         'FROM ibm-semeru-runtimes:open-11-jre\nCOPY app.jar /app.jar\nCMD ["java","-Xquickstart","-jar","/app.jar"]\n',
         "OpenJ9"),
    _suggestion("openj9-without-a-semeru-release",
                'FROM ibm-semeru-runtimes:open-16-jdk\nCOPY app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n',
                "OpenJ9", "ibm-semeru-runtimes:open-<16>-jre"),
    # What the Alpine runtime lacks, in HEALTHCHECK and the command (default deny).
    _suggestion("healthcheck-bash-on-alpine",
                MAVEN + "HEALTHCHECK CMD bash -c 'echo > /dev/tcp/localhost/8080'\n" + RUN_APP,
                "HEALTHCHECK runs bash"),
    _suggestion("healthcheck-curl", MAVEN + "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\n" + RUN_APP,
                "HEALTHCHECK runs curl"),
    _suggestion("healthcheck-wget-exec-form",
                MAVEN + 'HEALTHCHECK CMD ["wget","-q","-O-","http://localhost:8080/health"]\n' + RUN_APP,
                "HEALTHCHECK runs wget"),
    _suggestion("healthcheck-script-of-unknown-shell",
                MAVEN + "HEALTHCHECK CMD /app/healthcheck.sh\n" + RUN_APP, "/app/healthcheck.sh"),
    _fix("healthcheck-in-java-works-anywhere",
         MAVEN + 'HEALTHCHECK CMD ["java","-cp","target/app.jar","app.Health"]\n' + RUN_APP,
         BUILT + RUNTIME + COPY_APP + 'HEALTHCHECK CMD ["java","-cp","target/app.jar","app.Health"]\n' + RUN_APP),
    _suggestion("command-through-bash-on-alpine",
                'FROM openjdk:17-jdk\nCOPY app.jar /app.jar\nCMD ["bash","-c","java -jar /app.jar"]\n',
                "starts bash", "bash, which the Alpine image does not have"),
    # A jar named by a glob: the build's real artifact, or a suggestion.
    _fix("glob-resolved-to-the-final-name", MAVEN + "CMD java -jar target/*.jar\n",
         BUILT + RUNTIME + "COPY --from=build /app/target/svc.jar /app/target/svc.jar\nCMD java -jar target/*.jar\n",
         context={"pom.xml": _pom(), "src/main/java/A.java": "class A {}\n"}),
    _suggestion("glob-with-the-shade-plugin-matches-two-jars", MAVEN + "CMD java -jar target/*.jar\n",
                "maven-shade-plugin", context={"pom.xml": _pom(SHADE), "src/main/java/A.java": "class A {}\n"}),
    _suggestion("glob-without-a-build-file", MAVEN + "CMD java -jar target/*.jar\n", "jar's path",
                context={"src/main/java/A.java": "class A {}\n"}),
    _suggestion("glob-spring-boot-gradle-build-writes-a-plain-jar", GRADLE_GLOB.format(task="build"),
                "org.springframework.boot", context={"build.gradle": BOOT_GRADLE,
                                                      "settings.gradle": "rootProject.name = 'demo'\n"}),
    _fix("glob-spring-boot-gradle-bootjar-only", GRADLE_GLOB.format(task="bootJar"),
         "FROM gradle:8.5-jdk21 AS build\nWORKDIR /home/app\nCOPY . .\nRUN gradle bootJar\n\n"
         "FROM eclipse-temurin:21-jre-alpine\nWORKDIR /home/app\n"
         "COPY --from=build /home/app/build/libs/demo-1.0.jar /home/app/build/libs/demo-1.0.jar\n"
         "CMD java -jar build/libs/*.jar\n",
         context={"build.gradle": BOOT_GRADLE, "settings.gradle": "rootProject.name = 'demo'\n"}),
    # Messages true of the file: a stage that starts a script is not said to "only run Java", a Gradle
    # project is not told to build with Maven.
    _suggestion("prebuilt-jar-of-a-gradle-project",
                'FROM eclipse-temurin:17-jre\nCOPY build/libs/app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n',
                "FROM gradle:<version> AS build",
                context={"build.gradle": "plugins { id 'java' }\n", "settings.gradle": "rootProject.name = 'app'\n"}),
    _suggestion("script-entrypoint-message-is-true",
                'FROM eclipse-temurin:17-jdk\nCOPY app /opt/app\nCMD ["catalina.sh","run"]\n',
                "starts catalina.sh", "not java"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_java_multi_stage_hard_case(case, tmp_path):
    result = run_case(case, tmp_path)
    for found in result.findings:
        if "only runs Java" in found.finding.message:
            assert "not java" not in (found.finding.risk or ""), "the message contradicts its risk"
