"""DO114 cache-mounts: opt-in, fix table, report-only table, no-finding table, and how it settles with the
cleanup passes it undoes (DO103 apt lists, DO107 pip --no-cache-dir)."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.pipeline import Status, optimize

ID = "DO114"
APT = "--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked"
APT_LINES = APT.replace(" ", " \\\n    ")  # one mount a line in a multi-line RUN
KEEP = ("rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > "
        "/etc/apt/apt.conf.d/keep-cache && ")
SYNTAX = "# syntax=docker/dockerfile:1\n"
PIP = "--mount=type=cache,target=/root/.cache/pip"
GO = "--mount=type=cache,target=/go/pkg/mod"
GO_BUILD = "--mount=type=cache,target=/root/.cache/go-build"
YARN = "--mount=type=cache,target=/usr/local/share/.cache/yarn,sharing=locked"
PNPM = "--mount=type=cache,target=/root/.local/share/pnpm/store"
NPM = "--mount=type=cache,target=/root/.npm"
MAVEN = "--mount=type=cache,target=/root/.m2/repository,sharing=locked"
GRADLE = "--mount=type=cache,target=/root/.gradle/caches --mount=type=cache,target=/root/.gradle/wrapper"
#: A yarn 1 project: the context yarn's cache location depends on.
YARN_CLASSIC = BuildContext.from_listing(["package.json", "yarn.lock"], texts={"package.json": '{"name": "app"}'})


def run(text: str, *, buildkit: bool = True, unsafe: bool = True, select: str | None = ID,
        context: BuildContext | None = None):
    config = Config(unsafe=unsafe, options={"buildkit": buildkit}, select=frozenset({select}) if select else None)
    return optimize(text, context, config=config)


FIXES = [
    pytest.param("FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n",
                 f"{SYNTAX}FROM debian:12\nRUN {APT_LINES} \\\n    {KEEP[:-4]} \\\n"
                 "    && apt-get update && apt-get install -y curl\n", id="apt-cleanup-goes-docker-clean-goes-multi-line"),
    pytest.param("FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y git && apt-get clean\n"
                 "RUN apt-get update && apt-get install -y curl\n",
                 f"{SYNTAX}FROM ubuntu:24.04\nRUN {APT} {KEEP}apt-get update && apt-get install -y git\n"
                 f"RUN {APT} apt-get update && apt-get install -y curl\n", id="hook-removed-once-per-stage"),
    pytest.param("FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n",
                 f"{SYNTAX}FROM python:3.12\nRUN {PIP} pip install -r requirements.txt\n", id="pip-no-cache-dir-goes"),
    pytest.param("FROM python:3.12\nRUN pip install \\\n\t--no-cache-dir \\\n\tflask\n",
                 f"{SYNTAX}FROM python:3.12\nRUN {PIP} \\\n\tpip install \\\n\tflask\n", id="pip-option-alone-on-its-line"),
    pytest.param("FROM node:20\nRUN npm ci\n", f"{SYNTAX}FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
                 id="npm"),
    pytest.param("FROM golang:1.22 AS build\nRUN go mod download\nRUN go build -o /app .\nFROM scratch\n"
                 "COPY --from=build /app /app\n",
                 f"{SYNTAX}FROM golang:1.22 AS build\nRUN {GO} go mod download\nRUN {GO} {GO_BUILD} go build -o /app .\n"
                 "FROM scratch\nCOPY --from=build /app /app\n", id="go-every-run-of-the-tool"),
    pytest.param("# syntax=docker/dockerfile:1.7\nFROM python:3.12\nRUN pip install flask\n",
                 f"# syntax=docker/dockerfile:1.7\nFROM python:3.12\nRUN {PIP} pip install flask\n",
                 id="syntax-directive-kept"),
    pytest.param("FROM python:3.12\nUSER root\nRUN --network=host pip install flask\n",
                 f"{SYNTAX}FROM python:3.12\nUSER root\nRUN --network=host {PIP} pip install flask\n",
                 id="explicit-root-and-other-flags-kept"),
    pytest.param("FROM maven:3.9-eclipse-temurin-17 AS build\nCOPY pom.xml .\nRUN mvn -B dependency:go-offline\n"
                 "COPY src src\nRUN mvn -B -o package\nFROM eclipse-temurin:17-jre\n"
                 "COPY --from=build target/app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
                 f"{SYNTAX}FROM maven:3.9-eclipse-temurin-17 AS build\nCOPY pom.xml .\nRUN {MAVEN} mvn -B "
                 f"dependency:go-offline\nCOPY src src\nRUN {MAVEN} mvn -B -o package\nFROM eclipse-temurin:17-jre\n"
                 "COPY --from=build target/app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
                 id="maven-go-offline-and-package-share-the-repository"),
    pytest.param("FROM eclipse-temurin:17 AS build\nCOPY . .\nRUN ./gradlew --no-daemon build\n",
                 f"{SYNTAX}FROM eclipse-temurin:17 AS build\nCOPY . .\nRUN {GRADLE} ./gradlew --no-daemon build\n",
                 id="gradle-wrapper-caches-and-distribution"),
    pytest.param("FROM node:20\nRUN npm install -g pnpm && pnpm install --frozen-lockfile\n",
                 f"{SYNTAX}FROM node:20\nRUN {NPM} {PNPM} npm install -g pnpm && pnpm install --frozen-lockfile\n",
                 id="pnpm-store-and-npm-for-the-global-install"),
    pytest.param("\ufeffFROM debian:12\r\nRUN apt-get update && apt-get install -y curl\r\n",
                 f"\ufeff# syntax=docker/dockerfile:1\r\nFROM debian:12\r\nRUN {APT} {KEEP}apt-get update && "
                 "apt-get install -y curl\r\n", id="bom-and-crlf"),
]


def test_yarn_1_keeps_its_cache_in_a_mount_when_the_context_shows_yarn_1():
    before = "FROM node:20\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile\n"
    result = run(before, context=YARN_CLASSIC)
    assert result.text == f"{SYNTAX}FROM node:20\nCOPY package.json yarn.lock ./\nRUN {YARN} yarn install --frozen-lockfile\n"
    assert not run(result.text, context=YARN_CLASSIC).findings


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    safe = run(before, unsafe=False)
    assert safe.text == before and [r.status for r in safe.findings] == [Status.NEEDS_UNSAFE]
    result = run(before)
    assert result.text == after
    again = run(after)
    assert again.text == after and not again.findings


REPORTED = [
    pytest.param("FROM python:3.12\nUSER app\nRUN pip install flask\n", "HOME", id="pip-as-another-user"),
    pytest.param("FROM registry.example/base\nRUN pip install flask\n", "root", id="base-user-unknown"),
    pytest.param("FROM python:3.12\nENV PIP_CACHE_DIR=/cache\nRUN pip install flask\n", "PIP_CACHE_DIR",
                 id="pip-cache-moved"),
    pytest.param("FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n", "PIP_NO_CACHE_DIR",
                 id="pip-cache-off"),
    pytest.param("FROM debian:12\nRUN apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists/*\n",
                 "cannot take out", id="apt-cleanup-joined-by-semicolon"),
    pytest.param("FROM debian:12\nRUN apt-get update && apt-get install -y gcc && (make || rm -rf /var/lib/apt/lists/*)\n",
                 "cannot take out", id="apt-cleanup-nested"),
    pytest.param("FROM node:20\nRUN npm ci && npm cache clean --force\n", "cleans npm", id="npm-cache-cleaned"),
    pytest.param("FROM debian:12\nRUN apt-get update\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n",
                 "cannot read", id="an-exec-form-run-of-the-tool"),
    pytest.param("FROM registry.example/go\nRUN go build ./...\n", "golang", id="go-not-on-the-official-image"),
    pytest.param("FROM maven:3.9-eclipse-temurin-17\nCOPY . .\nRUN mvn -B package\nCMD [\"mvn\", \"spring-boot:run\"]\n",
                 "the image runs mvn", id="maven-run-at-start-needs-the-repository"),
    pytest.param("FROM maven:3.9-eclipse-temurin-17\nCOPY . .\nRUN ./mvnw package\nENTRYPOINT ./mvnw spring-boot:run\n",
                 "the image runs mvn", id="maven-wrapper-in-shell-form-entrypoint"),
    pytest.param("FROM golang:1.22\nCOPY . .\nRUN go mod download\nCMD [\"go\", \"run\", \".\"]\n",
                 "the image runs go", id="go-run-at-start-needs-the-modules"),
    pytest.param("FROM maven:3.9-eclipse-temurin-17 AS deps\nCOPY pom.xml .\nRUN mvn dependency:go-offline\n"
                 "FROM maven:3.9-eclipse-temurin-17\nCOPY --from=deps /root/.m2 /root/.m2\n",
                 "line 5 reads maven's downloads", id="repository-copied-to-another-stage"),
    pytest.param("FROM maven:3.9-eclipse-temurin-17\nRUN mvn -s /build/settings.xml package\n", "passes -s",
                 id="maven-settings-may-move-the-repository"),
    pytest.param("FROM maven:3.9-eclipse-temurin-17\nENV MAVEN_OPTS=\"-Dmaven.repo.local=/repo\"\nRUN mvn package\n",
                 "MAVEN_OPTS sets maven.repo.local", id="maven-opts-move-the-repository"),
    pytest.param("FROM gradle:8-jdk17\nRUN gradle build\n", "root", id="gradle-image-home-is-not-root"),
    pytest.param("FROM eclipse-temurin:17\nENV GRADLE_USER_HOME=/cache\nRUN ./gradlew build\n", "GRADLE_USER_HOME",
                 id="gradle-home-moved"),
    pytest.param("FROM node:20\nRUN yarn install\n", "unknown without the build context", id="yarn-version-unknown"),
    pytest.param("FROM node:20\nRUN corepack enable && yarn install\n", "version 2+", id="yarn-switched-by-corepack"),
    pytest.param("FROM node:20\nENV PNPM_HOME=/pnpm\nRUN pnpm install\n", "PNPM_HOME",
                 id="pnpm-home-moves-the-store"),
    pytest.param("FROM node:20\nRUN pnpm install --store-dir /s\n", "passes --store-dir", id="pnpm-store-flag"),
]


@pytest.mark.parametrize(("before", "why"), REPORTED)
def test_reported_without_fix(before, why):
    result = run(before)
    assert result.text == before
    suggestions = [r for r in result.findings if r.status is Status.SUGGESTION]
    assert suggestions and why in " ".join(r.finding.risk for r in suggestions)


@pytest.mark.parametrize(("files", "why"), [
    pytest.param({".yarnrc.yml": "nodeLinker: node-modules\n"}, ".yarnrc.yml makes the project use yarn 2+", id="yarnrc-yml"),
    pytest.param({"package.json": '{"packageManager": "yarn@4.1.0"}'}, "package.json makes the project use yarn 2+",
                 id="package-manager-field"),
])
def test_yarn_2_projects_are_not_mounted_at_yarn_1s_cache(files, why):
    context = BuildContext.from_listing(["yarn.lock", *files], texts=files)
    result = run("FROM node:20\nCOPY . .\nRUN yarn install\n", context=context)
    assert YARN not in result.text and why in result.findings[0].finding.risk


def test_a_project_setting_that_moves_the_pnpm_store_is_named():
    context = BuildContext.from_listing([".npmrc"], texts={".npmrc": "store-dir=/pnpm-store\n"})
    result = run("FROM node:20\nRUN pnpm install\n", context=context)
    assert PNPM not in result.text and ".npmrc sets store-dir" in result.findings[0].finding.risk


def test_a_tool_that_cannot_be_mounted_everywhere_is_mounted_nowhere_and_named():
    before = "FROM python:3.12\nRUN apt-get update && apt-get install -y gcc\nUSER app\nRUN pip install flask\n"
    result = run(before)
    assert f"RUN {APT}" in result.text and PIP not in result.text
    assert [(r.line, r.status.value) for r in result.findings] == [(2, "applied"), (4, "suggestion")]
    assert "HOME" in result.findings[1].finding.risk and "pip" in result.findings[1].finding.message


NOTHING = [
    pytest.param("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", False, id="without-buildkit"),
    pytest.param(f"FROM debian:12\nRUN {APT} apt-get update && apt-get install -y curl\n", True, id="already-mounted"),
    pytest.param("FROM debian:12\nRUN echo hi\n", True, id="no-package-tool"),
    pytest.param("FROM python:3.12\nRUN pip list\n", True, id="pip-without-downloads"),
]


@pytest.mark.parametrize(("before", "buildkit"), NOTHING)
def test_nothing_reported(before, buildkit):
    result = run(before, buildkit=buildkit)
    assert result.text == before and not result.findings


def test_the_fix_declares_what_leaves_the_image():
    (reported,) = run("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n").findings
    changes = reported.finding.fix.image_changes
    assert "/var/lib/apt/**" in changes and "/etc/apt/apt.conf.d/docker-clean" in changes


@pytest.mark.parametrize("before", [
    pytest.param("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n", id="apt-with-do101-and-do103"),
    pytest.param("FROM python:3.12\nRUN pip install flask\nRUN pip install gunicorn\n", id="pip-with-do107-and-do113"),
])
def test_with_every_pass_the_cleanups_do_not_come_back_and_the_result_settles(before):
    result = run(before, select=None)
    assert "rm -rf /var/lib/apt/lists" not in result.text and "--no-cache-dir" not in result.text
    assert result.text.startswith(SYNTAX) and "--mount=type=cache" in result.text
    again = run(result.text, select=None)
    assert again.text == result.text and not again.applied
