"""Class 6 of "SAFE means proven": DO204 dockerignore leaves out only what the build provably never uses.

``.git`` goes (SAFE) only when every step that sees it is known not to ask git; a step that may
(setuptools-scm, an npm script, a Makefile, ``git describe``) keeps it, and one dockeropt does not
model makes the exclusion UNSAFE with the step named. Build output goes only when the build
provably writes it again, dependency and tool-home directories only when nothing points at them,
``.env`` only when it holds secrets, and a root ``.dockerignore`` must be right for every
Dockerfile of the context.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from .harness import NONE, NOT_SAFE, SAFE, Case, run_case

PY = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN {run}\nCMD [\"python\", \"app.py\"]\n")
NODE = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD [\"node\", \"dist/index.js\"]\n"
MAVEN = "FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n"
GIT = {".git/HEAD": "ref: refs/heads/main\n", ".git/config": "[core]\n"}
APP = {"app.py": "print('hi')\n", "requirements.txt": "flask==3.0.0\n"}
POM = "<project><modelVersion>4.0.0</modelVersion><artifactId>a</artifactId><version>1</version></project>\n"
HEAD = "# added by dockeropt\n"
VCS = "# version control\n.git\n"
BUILD_FILES = "# build files (the builder reads them anyway)\nDockerfile\n.dockerignore\n"


STAGED = "FROM alpine:3.20 AS src\nWORKDIR /src\nCOPY . .\nFROM python:3.12-slim\nCOPY --from=src {src} /app\nRUN {run}\n"


def _package(scripts: dict[str, str], dev: tuple[str, ...] = ()) -> str:
    return json.dumps({"name": "app", "scripts": scripts, "devDependencies": {d: "*" for d in dev}})


def _ignore(*groups: str) -> str:
    return HEAD + "".join(groups) + BUILD_FILES


@dataclass(frozen=True)
class IgnoreCase(Case):
    written: str | None = None  # the exact .dockerignore the SAFE fix writes


def _git(case_id: str, run: str, expect, context: dict[str, str], names=(), written=None) -> IgnoreCase:
    """A Python image whose RUN is ``run``, with ``.git`` in the context."""
    return IgnoreCase(case_id, "DO204", PY.format(run=run), expect, {**GIT, **APP, **context}, names=names,
                      written=written)


CASES = [
    # .git: kept when anything that sees it may ask git; UNSAFE when a step is not modelled.
    _git("git-pip-requirements-only", "pip install --no-cache-dir -r requirements.txt", SAFE, {},
         written=_ignore(VCS)),
    _git("git-setuptools-scm-version", "pip install --no-cache-dir .", NONE,
         {"pyproject.toml": "[build-system]\nrequires = ['setuptools>=64', 'setuptools-scm>=8']\n"}),
    _git("git-setup-py-runs-git-describe", "python setup.py install", NONE,
         {"setup.py": "import subprocess\nv = subprocess.check_output(['git', 'describe', '--tags'])\n"}),
    _git("git-requirements-install-the-project", "pip install -r requirements.txt", NONE,
         {"requirements.txt": "-e .\n", "setup.py": "import os\nos.popen('git rev-parse HEAD')\n"}),
    _git("git-makefile-git-describe", "make install", NONE,
         {"Makefile": "VERSION := $(shell git describe --tags)\ninstall:\n\tpip install .\n"}),
    _git("git-makefile-recipe-script-unknown", "make install", NOT_SAFE,
         {"Makefile": "install:\n\t./scripts/stamp-version.sh\n\tpip install -r requirements.txt\n"},
         names=("stamp-version.sh",)),
    _git("git-makefile-plain-recipes", "make install", SAFE,
         {"Makefile": "install:\n\tpip install --no-cache-dir -r requirements.txt\n"}, written=_ignore(VCS)),
    _git("git-build-script-not-in-context", "./build.sh", NOT_SAFE, {}, names=("build.sh", "may ask git")),
    _git("git-build-script-asks-git", "sh build.sh", NONE,
         {"build.sh": "set -e\nREV=$(git rev-parse --short HEAD)\necho $REV > rev.txt\n"}),
    _git("git-build-script-plain", "sh build.sh", SAFE,
         {"build.sh": "set -e\nmkdir -p /app/data\npip install --no-cache-dir -r requirements.txt\n"},
         written=_ignore(VCS)),
    _git("git-unmodelled-tool", "bundle exec rake assets:precompile", NOT_SAFE, {},
         names=("line 4", "`bundle`", "dockeropt does not model")),
    _git("git-shell-c-script", "sh -c 'git log -1 --format=%H > /app/COMMIT'", NONE, {}),
    # .git followed through COPY --from into the stages that copy the carrier's directory
    IgnoreCase("git-copied-from-a-stage-then-asked", "DO204", STAGED.format(src="/src", run="git -C /app describe "
               "--tags > /VERSION"), NONE, {**GIT, **APP}),
    IgnoreCase("git-copied-from-a-stage-then-unknown-step", "DO204", STAGED.format(src="/src", run="bundle exec rake "
               "build"), NOT_SAFE, {**GIT, **APP}, names=("bundle", "may ask git")),
    IgnoreCase("git-copied-from-a-stage-by-a-variable", "DO204", "ARG DIR\n" + STAGED.format(src="$DIR", run="bundle "
               "exec rake build"), NOT_SAFE, {**GIT, **APP}, names=("bundle",)),
    IgnoreCase("git-copied-two-stages-on", "DO204", STAGED.format(src="/src", run="true") + "FROM python:3.12-slim\n"
               "COPY --from=1 /app /srv\nRUN bundle exec rake build\n", NOT_SAFE, {**GIT, **APP}, names=("bundle",)),
    IgnoreCase("git-stage-copies-only-the-output", "DO204", STAGED.format(src="/src/dist", run="bundle exec rake build"),
               SAFE, {**GIT, **APP}),
    IgnoreCase("git-go-build-stamps-vcs", "DO204",
         "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n", NOT_SAFE,
         {**GIT, "go.mod": "module x\n", "main.go": "package main\nfunc main() {}\n"},
         names=("go build", "vcs.revision")),
    _git("git-installed-for-the-build", "apt-get update && apt-get install -y git && pip install -r requirements.txt",
         NONE, {}),
    IgnoreCase("git-go-build-without-vcs-stamping", "DO204",
               "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -buildvcs=false -o /app .\nCMD [\"/app\"]\n",
               SAFE, {**GIT, "go.mod": "module x\n", "main.go": "package main\nfunc main() {}\n"},
               written=_ignore(VCS)),
    IgnoreCase("git-command-runs-git-at-start", "DO204",
         "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"-c\", \"git pull && python app.py\"]\n", NONE,
         {**GIT, **APP}),
    IgnoreCase("git-maven-git-commit-id-plugin", "DO204", MAVEN, NONE,
         {**GIT, "pom.xml": POM.replace("</project>", "<build><plugins><plugin><artifactId>git-commit-id-maven-plugin"
                                         "</artifactId></plugin></plugins></build></project>")}),
    IgnoreCase("git-maven-plain-pom", "DO204", MAVEN, SAFE, {**GIT, "pom.xml": POM, "src/main/java/A.java": "class A {}\n"},
         written=_ignore(VCS)),
    IgnoreCase("git-npm-build-script-git-describe", "DO204", NODE, NONE,
         {**GIT, "package.json": _package({"build": "VERSION=$(git describe --tags) vite build"}, ("vite",)),
          "index.js": "\n"}),
    IgnoreCase("git-npm-build-script-runs-node-code", "DO204", NODE, NOT_SAFE,
         {**GIT, "package.json": _package({"build": "node scripts/version.js && vite build"}, ("vite",)),
          "index.js": "\n"}, names=("npm script `build`", "`node`")),
    IgnoreCase("git-npm-husky-prepare", "DO204", NODE, NONE,
         {**GIT, "package.json": _package({"prepare": "husky install", "build": "vite build"}, ("husky", "vite")),
          "index.js": "\n"}),
    # Build output: left out only when the build provably writes it again.
    IgnoreCase("dist-vite-default-output", "DO204", NODE, SAFE,
         {**GIT, "package.json": _package({"build": "vite build"}, ("vite",)), "dist/index.js": "\n"},
         written=_ignore(VCS, "# build output (the build makes its own)\ndist\n")),
    IgnoreCase("dist-committed-assets-react-scripts-writes-build", "DO204", NODE, SAFE,
         {**GIT, "package.json": _package({"build": "react-scripts build"}, ("react-scripts",)),
          "dist/index.js": "\n", "dist/logo.svg": "<svg/>\n"}, written=_ignore(VCS)),
    IgnoreCase("dist-vite-config-moves-the-output", "DO204", NODE, SAFE,
         {**GIT, "package.json": _package({"build": "vite build"}, ("vite",)), "dist/index.js": "\n",
          "vite.config.js": "export default { build: { outDir: 'public/build' } }\n"}, written=_ignore(VCS)),
    IgnoreCase("dist-tsc-out-dir", "DO204", NODE, SAFE,
         {**GIT, "package.json": _package({"build": "tsc"}, ("typescript",)), "dist/index.js": "\n",
          "tsconfig.json": '{"compilerOptions": {"outDir": "./dist"}}\n'},
         written=_ignore(VCS, "# build output (the build makes its own)\ndist\n")),
    IgnoreCase("target-rebuilt-by-maven", "DO204", MAVEN, SAFE,
               {"pom.xml": POM, "src/main/java/A.java": "class A {}\n", "target/classes/A.class": "x"},
               written=_ignore("# build output (the build makes its own)\ntarget\n")),
    IgnoreCase("target-not-rebuilt-pom-moves-the-output", "DO204", MAVEN, NONE,
               {"pom.xml": POM.replace("</project>", "<build><directory>out</directory></build></project>"),
                "src/main/java/A.java": "class A {}\n", "target/static/app.js": "x"}),
    IgnoreCase("build-dir-moved-by-gradle", "DO204",
               "FROM gradle:8-jdk21\nWORKDIR /src\nCOPY . .\nRUN gradle assemble\n", NONE,
               {"build.gradle": "plugins { id 'java' }\nlayout.buildDirectory = file('out')\n",
                "settings.gradle": "rootProject.name = 'a'\n", "build/resources/banner.txt": "hi"}),
    # Dependency directories and tool homes: left out only when nothing points at them.
    IgnoreCase("venv-named-by-env-path-kept", "DO204",
         "FROM python:3.12\nWORKDIR /app\nENV PATH=/app/.venv/bin:$PATH\nCOPY . .\n"
         "RUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n", NONE,
         {**APP, ".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/bin/python": ""}),
    IgnoreCase("venv-named-by-env-path-recreated", "DO204",
         "FROM python:3.12\nWORKDIR /app\nENV PATH=/app/.venv/bin:$PATH\nCOPY . .\n"
         "RUN python -m venv /app/.venv && pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n", SAFE,
         {**APP, ".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/bin/python": ""},
         written=_ignore("# dependencies and caches (the build installs its own)\n.venv\n")),
    IgnoreCase("m2-maven-config-points-at-it", "DO204", MAVEN.replace("mvn -B package", "mvn -o -B package"), NONE,
         {"pom.xml": POM, ".mvn/maven.config": "-Dmaven.repo.local=.m2/repository\n",
          ".m2/repository/junit/junit.pom": "<project/>\n"}),
    IgnoreCase("m2-settings-local-repository", "DO204", MAVEN, NONE,
         {"pom.xml": POM, ".mvn/settings.xml": "<settings><localRepository>${user.dir}/.m2</localRepository></settings>",
          ".m2/repository/junit/junit.pom": "<project/>\n"}),
    IgnoreCase("m2-unused-cache", "DO204", MAVEN, SAFE,
         {"pom.xml": POM, ".m2/repository/junit/junit.pom": "<project/>\n"},
         written=_ignore("# dependencies and caches (the build installs its own)\n.m2\n")),
    # .env: settings are not secrets; secrets the project reads are a human's call.
    IgnoreCase("env-settings-not-secrets", "DO204", PY.format(run="pip install -r requirements.txt"), NONE,
         {**APP, ".env": "PORT=8080\nUI_PORT=3000\nLOG_LEVEL=info\n"}),
    IgnoreCase("env-secret-inlined-by-vite", "DO204", NODE, NOT_SAFE,
         {"package.json": _package({"build": "vite build"}, ("vite",)), ".env": "VITE_API_KEY=abc123\n"},
         names=("VITE_API_KEY", "vite reads .env")),
    IgnoreCase("env-secret-read-by-python-dotenv", "DO204", PY.format(run="pip install -r requirements.txt"), NOT_SAFE,
         {"app.py": "\n", "requirements.txt": "python-dotenv==1.0\n", ".env": "DB_PASSWORD=hunter2\n"},
         names=("DB_PASSWORD", "python-dotenv")),
    IgnoreCase("env-secret-nothing-reads-it", "DO204", PY.format(run="pip install -r requirements.txt"), NOT_SAFE,
         {**APP, ".env": "AWS_SECRET_ACCESS_KEY=xyz\n"}, names=("AWS_SECRET_ACCESS_KEY",)),
    IgnoreCase("env-secret-never-copied", "DO204",
         "FROM python:3.12\nWORKDIR /app\nCOPY app.py requirements.txt ./\nRUN pip install -r requirements.txt\n",
         SAFE, {**APP, ".env": "DB_PASSWORD=hunter2\n"}, names=("local secrets",)),
    # A root .dockerignore shared by other Dockerfiles must be right for each.
    _git("sibling-dockerfile-asks-git", "pip install -r requirements.txt", NONE,
         {"release.Dockerfile": "FROM python:3.12\nCOPY . /src\nRUN cd /src && git describe --tags > VERSION\n"}),
    IgnoreCase("sibling-dockerfile-unreadable", "DO204", PY.format(run="pip install -r requirements.txt"), NOT_SAFE,
               {**GIT, **APP, "Dockerfile.windows": "FROM mcr.microsoft.com/windows\0\n"},
               names=("could not be read", "Dockerfile.windows")),
    IgnoreCase("stage-built-from-the-copy-asks-git", "DO204",
               "FROM python:3.12 AS base\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
               "FROM base AS release\nRUN make version\n", NONE,
               {**GIT, **APP, "Makefile": "version:\n\tgit describe --tags > VERSION\n"}),
    IgnoreCase("sibling-dockerfile-copies-dist", "DO204", NODE, SAFE,
         {**GIT, "package.json": _package({"build": "vite build"}, ("vite",)), "dist/index.js": "\n",
          "Dockerfile.nginx": "FROM nginx:1.27\nCOPY dist /usr/share/nginx/html\n"},
         written=HEAD + VCS + "# build files (the builder reads them anyway)\n.dockerignore\n"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_dockerignore_hard_case(case, tmp_path):
    result = run_case(case, tmp_path)
    if case.written is not None:
        (written,) = result.extra_files
        assert written.text == case.written
