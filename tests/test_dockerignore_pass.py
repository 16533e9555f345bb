"""DO204 dockerignore: what the generated .dockerignore lists, what it never lists, and the corpus."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.context.dockerignore import IgnoreMatcher, go_clean, go_match
from optimizer.facts.copies import copy_sources, expand, is_broad
from optimizer.model import parse
from optimizer.pipeline import Status, optimize

from .conftest import read_text

H = "# added by dockeropt\n"
VCS = "# version control\n"
DEPS = "# dependencies and caches (the build installs its own)\n"
OUT = "# build output (the build makes its own)\n"
IDE = "# editor and OS files\n"
SECRET = "# local secrets and credentials: keep them out of builders and images\n"
BUILD = "# build files (the builder reads them anyway)\n"

NODE = "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"index.js\"]\n"
NODE_FILES = ["package.json", "package-lock.json", "index.js", ".git/HEAD", ".git/config",
              "node_modules/express/index.js", "node_modules/.bin/express"]
MAVEN = ("FROM maven:3.9-eclipse-temurin-21 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -B package\n"
         "FROM eclipse-temurin:21-jre\nCOPY --from=build /src/target/app.jar /app.jar\n"
         "CMD [\"java\", \"-jar\", \"/app.jar\"]\n")
MAVEN_FILES = ["pom.xml", "src/main/java/App.java", "target/app.jar", "target/classes/App.class", ".idea/misc.xml",
               "app.iml"]
CORPUS_MANIFESTS = ("pom.xml", "build.gradle", "package.json", "requirements.txt", "go.mod", ".dockerignore")


def run(dockerfile: str, files, texts=None, *, unsafe=False):
    context = BuildContext.from_listing(files, texts=texts or {})
    return optimize(dockerfile, context, Config(select=frozenset({"DO204"}), unsafe=unsafe)), context


def generated(dockerfile: str, files, texts=None, *, unsafe=False) -> str | None:
    """The .dockerignore text the pass writes (None: none), after checking it is idempotent."""
    result, context = run(dockerfile, files, texts, unsafe=unsafe)
    if not result.extra_files:
        return None
    (new,) = result.extra_files
    assert new.path == ".dockerignore"
    assert new.original == (texts or {}).get(".dockerignore")
    again = BuildContext.from_listing([*files, ".dockerignore"], texts={**(texts or {}), ".dockerignore": new.text})
    second = optimize(dockerfile, again, Config(select=frozenset({"DO204"}), unsafe=unsafe))
    assert second.extra_files == (), "not idempotent"
    return new.text


FIXES = [
    pytest.param(NODE, NODE_FILES, {}, H + VCS + ".git\n" + DEPS + "node_modules\n" + BUILD + ".dockerignore\n",
                 id="node-broad-copy-after-npm-ci"),
    pytest.param(NODE.replace("COPY . .", "COPY index.js ./"), NODE_FILES + [".env", "id_rsa", ".npmrc"], {},
                 H + VCS + ".git\n" + DEPS + "node_modules\n" + SECRET + ".env\n.npmrc\nid_rsa\n",
                 id="nothing-broad-copied-secrets-are-safe"),
    pytest.param(NODE, [*NODE_FILES, "Dockerfile", "Dockerfile.dev", "README.md"],
                 {"Dockerfile": NODE, "Dockerfile.dev": NODE.replace("npm ci", "npm install")},
                 H + VCS + ".git\n" + DEPS + "node_modules\n" + BUILD + "Dockerfile\nDockerfile.dev\n.dockerignore\n",
                 id="dockerfiles-in-the-image-and-a-readable-sibling"),
    pytest.param(MAVEN, MAVEN_FILES, {"pom.xml": "<project><artifactId>app</artifactId></project>"},
                 H + OUT + "target\n" + IDE + ".idea\napp.iml\n" + BUILD + ".dockerignore\n",
                 id="maven-output-rebuilt-after-the-copy"),
    pytest.param(MAVEN, MAVEN_FILES, {}, H + IDE + ".idea\napp.iml\n" + BUILD + ".dockerignore\n",
                 id="maven-output-kept-when-the-pom-cannot-be-read"),
    pytest.param("FROM gradle:8-jdk21\nCOPY . /home/gradle/src\nWORKDIR /home/gradle/src\nRUN gradle bootJar\n",
                 ["build.gradle", "settings.gradle", "src/Main.kt", "build/libs/app.jar", ".gradle/8.5/x.lock"],
                 {"build.gradle": "plugins { id 'org.jetbrains.kotlin.jvm' version '2.0.0' }\n"},
                 H + DEPS + ".gradle\n" + OUT + "build\n" + BUILD + ".dockerignore\n", id="gradle-output-and-cache"),
    pytest.param("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n",
                 ["requirements.txt", "app/__init__.py", "app/__pycache__/x.pyc", "__pycache__/y.pyc",
                  ".venv/pyvenv.cfg", ".venv/bin/python", "app/.DS_Store", ".DS_Store"], {},
                 H + DEPS + ".venv\n**/__pycache__\n" + IDE + "**/.DS_Store\n" + BUILD + ".dockerignore\n",
                 id="python-venv-pycache-ds-store"),
    pytest.param("FROM node:20\nWORKDIR /repo\nCOPY . .\nRUN yarn install --frozen-lockfile && yarn build\n",
                 ["package.json", "yarn.lock", "packages/a/package.json", "packages/a/node_modules/x/i.js",
                  "node_modules/y/i.js", "packages/a/dist/index.js", ".vscode/settings.json"],
                 {"package.json": '{"scripts": {"build": "yarn workspaces run build"}}',
                  "packages/a/package.json": '{"scripts": {"build": "tsc --outDir dist"}}'},
                 H + DEPS + "**/node_modules\n" + OUT + "**/dist\n" + IDE + ".vscode\n" + BUILD + ".dockerignore\n",
                 id="monorepo-nested-node-modules-and-dist"),
    pytest.param(NODE, NODE_FILES + [".dockerignore"], {".dockerignore": "# mine\n.git\n"},
                 "# mine\n.git\n\n" + H + DEPS + "node_modules\n" + BUILD + ".dockerignore\n",
                 id="extend-without-repeating-a-user-line"),
    pytest.param(NODE, NODE_FILES + [".dockerignore"], {".dockerignore": "*.log\r\nbuild"},
                 "*.log\r\nbuild\r\n\r\n" + (H + VCS + ".git\n" + DEPS + "node_modules\n" + BUILD + ".dockerignore\n"
                                             ).replace("\n", "\r\n"),
                 id="extend-crlf-without-final-newline"),
    pytest.param("FROM debian\r\nCOPY app.sh /usr/local/bin/\r\n", ["app.sh", ".git/HEAD", ".idea/x.xml"], {},
                 H + VCS + ".git\n" + IDE + ".idea\n", id="crlf-dockerfile"),
    pytest.param("FROM node:20\nONBUILD COPY . /app\nONBUILD RUN cat /app/.env\nCOPY index.js /\n",
                 ["index.js", ".env", "node_modules/x/i.js"], {},
                 H + DEPS + "node_modules\n" + SECRET + ".env\n", id="onbuild-copies-a-later-context"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN <<EOF\nset -e\nnpm ci\nEOF\n",
                 ["package.json", "package-lock.json", "node_modules/x/i.js"], {},
                 H + DEPS + "node_modules\n" + BUILD + ".dockerignore\n", id="heredoc-run-installs"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN apt-get update \\\n# the native addon needs python\n"
                 "  && apt-get install -y python3 \\\n  && npm ci\n",
                 ["package.json", "package-lock.json", "node_modules/x/i.js", "node_modules/x/Dockerfile",
                  "node_modules/x/package.json"],
                 {"node_modules/x/package.json": '{"scripts": {"prepare": "husky install"}}',
                  "node_modules/x/Dockerfile": "FROM scratch\nCOPY node_modules /x\n"},
                 H + DEPS + "node_modules\n" + BUILD + ".dockerignore\n",
                 id="comment-in-continuation-and-files-inside-node-modules-do-not-count"),
    pytest.param("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\n"
                 "COPY cmd ./cmd\nRUN go build -o /app ./cmd\nFROM gcr.io/distroless/static\nCOPY --from=build /app /\n",
                 ["go.mod", "go.sum", "cmd/main.go", "build/build.go", ".git/HEAD"], {},
                 H + VCS + ".git\n", id="go-build-dir-is-source-and-stays"),
]


@pytest.mark.parametrize(("dockerfile", "files", "texts", "expected"), FIXES)
def test_generated_file(dockerfile, files, texts, expected):
    assert generated(dockerfile, files, texts) == expected
    result, _ = run(dockerfile, files, texts)
    assert [r.status for r in result.findings] == [Status.APPLIED]


UNSAFE = [
    pytest.param(NODE, NODE_FILES + [".env", ".env.example"],
                 H + VCS + ".git\n" + DEPS + "node_modules\n" + BUILD + ".dockerignore\n",
                 SECRET + ".env\n", id="env-carried-by-a-broad-copy"),
    pytest.param("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n",
                 ["go.mod", "main.go", ".git/HEAD", ".idea/x.xml"],
                 H + IDE + ".idea\n" + BUILD + ".dockerignore\n", VCS + ".git\n", id="go-build-stamps-vcs"),
]


@pytest.mark.parametrize(("dockerfile", "files", "safe", "unsafe"), UNSAFE)
def test_unsafe_entries_extend_the_safe_file(dockerfile, files, safe, unsafe):
    result, _ = run(dockerfile, files)
    assert [r.status for r in result.findings] == [Status.APPLIED, Status.NEEDS_UNSAFE]
    assert result.findings[1].finding.risk
    assert generated(dockerfile, files) == safe
    assert generated(dockerfile, files, unsafe=True) == safe + unsafe


def test_other_dockerfiles_that_cannot_be_read_make_everything_unsafe():
    files = [*NODE_FILES, "Dockerfile", "Dockerfile.prod"]
    result, _ = run(NODE, files)
    (finding,) = result.findings
    assert finding.status is Status.NEEDS_UNSAFE
    assert "Dockerfile" in finding.finding.risk and "could not be read" in finding.finding.risk


NO_CHANGE = [
    pytest.param(NODE, [], {}, id="empty-context"),
    pytest.param(NODE, ["package.json", "index.js", "README.md", "src/app.js"], {}, id="nothing-worth-excluding"),
    pytest.param(NODE, [*NODE_FILES, ".dockerignore"], {".dockerignore": ".git\nnode_modules\n.dockerignore\n"},
                 id="already-covered"),
    pytest.param(NODE, [*NODE_FILES, ".dockerignore"], {".dockerignore": "*\n!package*.json\n!index.js\n"},
                 id="allow-list-style"),
    pytest.param(NODE, [*NODE_FILES, ".dockerignore"], {".dockerignore": "[\n"}, id="invalid-existing-file"),
    pytest.param(NODE, [*NODE_FILES, "Dockerfile.dockerignore"], {}, id="a-dockerfile-specific-ignore-file"),
    pytest.param(NODE.replace("COPY package", "# dockeropt: ignore=dockerignore\nCOPY package"),
                 NODE_FILES, {}, id="suppressed-on-the-first-copy"),
    pytest.param("FROM debian\nCOPY . /app\nCMD [\"/app/run.sh\"]\n", ["run.sh", "node_modules/x.js", "target/a.jar",
                                                                       "pom.xml", ".env"], {},
                 id="broad-copy-without-install-or-build-keeps-everything-but-secrets-unsafe"),
]


@pytest.mark.parametrize(("dockerfile", "files", "texts"), NO_CHANGE)
def test_no_safe_file(dockerfile, files, texts):
    assert generated(dockerfile, files, texts) is None


def test_unknown_context_writes_nothing():
    result = optimize(NODE, None, Config(select=frozenset({"DO204"}), unsafe=True))
    assert result.extra_files == () and result.findings == ()


# What is never excluded (each row: the path that must stay in the context) ---------------------------

KEPT = [
    pytest.param("FROM eclipse-temurin:21-jre\nCOPY target/app.jar /app.jar\n", MAVEN_FILES, "target",
                 id="copy-names-a-file-inside-target"),
    pytest.param("FROM eclipse-temurin:21-jre\nARG JAR_FILE=target/*.jar\nCOPY ${JAR_FILE} app.jar\n", MAVEN_FILES,
                 "target", id="arg-default-wildcard-source"),
    pytest.param("FROM eclipse-temurin:21-jre\nENV JAR=target/app.jar\nCOPY $JAR app.jar\n", MAVEN_FILES,
                 "target", id="env-source"),
    pytest.param("FROM eclipse-temurin:21-jre\nCOPY ${JAR_FILE:-target/app.jar} app.jar\n", MAVEN_FILES,
                 "target", id="variable-default-source"),
    pytest.param("FROM eclipse-temurin:21-jre\nARG JAR\nCOPY ${JAR} app.jar\n", MAVEN_FILES + [".env"], "target",
                 id="unknown-variable-protects-all-but-vcs-and-editor-files"),
    pytest.param("FROM eclipse-temurin:21-jre\nARG JAR\nCOPY ${JAR} app.jar\n", MAVEN_FILES + [".env"], ".env",
                 id="unknown-variable-protects-secrets"),
    pytest.param("FROM debian\nCOPY . /app\nCMD [\"java\", \"-jar\", \"/app/target/app.jar\"]\n", MAVEN_FILES,
                 "target", id="broad-copy-without-a-build-keeps-the-prebuilt-output"),
    pytest.param("FROM node:20\nCOPY . /app\nCMD [\"node\", \"/app/index.js\"]\n", NODE_FILES, "node_modules",
                 id="broad-copy-without-install-keeps-node-modules"),
    pytest.param("FROM node:20\nCOPY . /app\nRUN npm install -g pm2\nCMD [\"pm2-runtime\", \"/app/index.js\"]\n",
                 NODE_FILES, "node_modules", id="a-global-install-does-not-install-the-app"),
    pytest.param("FROM node:20\nCOPY . /app\nRUN yarn build\n", NODE_FILES, "node_modules",
                 id="yarn-build-uses-the-copied-node-modules"),
    pytest.param("FROM maven:3\nCOPY . /app\nRUN mvn dependency:go-offline\nCMD [\"java\", \"-jar\", \"app.jar\"]\n",
                 MAVEN_FILES, "target", id="go-offline-does-not-rebuild-target"),
    pytest.param("FROM maven:3 AS build\nCOPY . /app\nFROM build\nRUN mvn package\n", MAVEN_FILES, "target",
                 id="the-build-runs-in-another-stage"),
    pytest.param("FROM node:20\nCOPY package.json /app/\nCOPY node_modules /app/node_modules\n", NODE_FILES,
                 "node_modules", id="copy-names-node-modules"),
    pytest.param("FROM maven:3\nCOPY . .\nRUN git rev-parse HEAD > /version && mvn package\n", MAVEN_FILES + [".git/HEAD"],
                 ".git", id="run-runs-git"),
    pytest.param("FROM maven:3\nCOPY . .\nRUN mvn package\n", MAVEN_FILES + [".git/HEAD"], ".git",
                 id="pom-uses-git-commit-id"),
    pytest.param("FROM golang:1.22\nCOPY . .\nRUN make\n", ["Makefile", "build/build.go", "main.go", ".git/HEAD"],
                 "build", id="build-dir-without-gradle-is-source"),
    pytest.param("FROM python:3.12\nCOPY .env /app/.env\nCOPY app /app\n", ["app/main.py", ".env", ".git/HEAD"],
                 ".env", id="copy-names-env"),
    pytest.param("FROM nginx\nCOPY *.pem /etc/nginx/certs/\n", ["server.pem", "server.key", ".git/HEAD"], "server.pem",
                 id="wildcard-names-pem"),
    pytest.param("FROM maven:3\nCOPY . .\nRUN mvn -Dmaven.repo.local=.m2/repository -o package\n",
                 MAVEN_FILES + [".m2/repository/x.jar"], ".m2", id="run-names-m2"),
    pytest.param("FROM python:3.12\nCOPY . /app\nCMD [\"/app/venv/bin/python\", \"/app/main.py\"]\n",
                 ["main.py", "venv/pyvenv.cfg", "venv/bin/python", ".git/HEAD"], "venv", id="cmd-uses-the-venv"),
    pytest.param("FROM golang:1.22\nRUN --mount=type=bind,source=.git,target=/src/.git git -C /src describe\n",
                 ["main.go", ".git/HEAD", ".idea/x.xml"], ".git", id="bind-mount-reads-git"),
    pytest.param("FROM node:20\nCOPY . .\nRUN npm ci\n", NODE_FILES + [".npmrc"], ".npmrc", id="npm-reads-npmrc"),
    pytest.param("FROM node:20\nCOPY . .\nRUN npm ci\n", NODE_FILES + [".env.example", ".env.sample"], ".env.example",
                 id="env-templates"),
    pytest.param("FROM gradle:8\nCOPY . .\nRUN gradle build\n",
                 ["build.gradle", "src/test/resources/private_key.pem", ".git/HEAD"], "src/test/resources/private_key.pem",
                 id="test-fixture-keys"),
    pytest.param(NODE, [*NODE_FILES, "Dockerfile.dev"], "node_modules", id="readable-sibling-copies-node-modules"),
    pytest.param(NODE, [*NODE_FILES, ".dockerignore"], "node_modules/local", id="user-exception-wins"),
    pytest.param("FROM node:20\nCOPY . .\nRUN npm ci\nRUN cat Dockerfile\n", [*NODE_FILES, "Dockerfile"], "Dockerfile",
                 id="run-reads-the-dockerfile"),
    pytest.param("FROM node:20\nCOPY . .\nRUN npm ci && set -a && . ./.env && npm run build\n",
                 [*NODE_FILES, ".env"], ".env", id="run-sources-env"),
    pytest.param("FROM node:20\nCOPY . .\nRUN npm ci && while read -r l; do echo $l; done < config/.env\n",
                 [*NODE_FILES, "config/.env"], "config/.env", id="run-redirect-reads-env"),
    pytest.param("FROM debian\nCOPY [\"my app/\", \"/app/\"]\n", ["my app/run.sh", "my app/.idea/x.xml", ".git/HEAD"],
                 "my app/run.sh", id="json-form-source-with-space"),
]
KEPT_TEXTS = {
    "pom-uses-git-commit-id": {"pom.xml": "<project><build><plugins><plugin><artifactId>git-commit-id-maven-plugin"
                                          "</artifactId></plugin></plugins></build></project>"},
    "readable-sibling-copies-node-modules": {"Dockerfile.dev": "FROM node:20\nCOPY node_modules /app/node_modules\n"},
    "user-exception-wins": {".dockerignore": "node_modules/*\n!node_modules/local\n"},
}


@pytest.mark.parametrize(("dockerfile", "files", "kept"), KEPT)
def test_never_excluded(request, dockerfile, files, kept):
    case = request.node.callspec.id
    texts = KEPT_TEXTS.get(case, {})
    files = [*files, *(t for t in texts if t not in files)]
    for unsafe in (False, True):
        text = generated(dockerfile, files, texts, unsafe=unsafe)
        if text is None:
            continue
        matcher = IgnoreMatcher.from_text(text)
        assert not matcher.matches(kept), (kept, text)
        inside = [f for f in files if f.startswith(kept + "/")]
        assert not any(matcher.matches(f) for f in inside), (kept, text)


def test_the_message_lists_what_is_left_out_and_its_size(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "pack").write_bytes(b"x" * 3000)
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "a.js").write_bytes(b"y" * 100)
    (tmp_path / "package.json").write_text("{}")
    result = optimize(NODE, BuildContext.from_directory(tmp_path), Config(select=frozenset({"DO204"})))
    (finding,) = result.findings
    assert finding.finding.message == (
        "create .dockerignore to leave out .git (1 file, 2.9 KB), node_modules (1 file, 100 B), .dockerignore: "
        "2 files, 3.0 KB less in the build context")
    assert finding.line == 3  # the first COPY from the context: where a suppression comment goes


# The real corpus ----------------------------------------------------------------------------------------


def _sources_excluded(doc, context, before: str, after: str) -> list[str]:
    """Independent of the pass: COPY/ADD sources of ``doc`` that ``after`` excludes and ``before`` did not."""
    old, new = IgnoreMatcher.from_text(before), IgnoreMatcher.from_text(after)
    found = []
    for copy in copy_sources(doc):
        if not copy.from_context or copy.inst.trigger is not None or is_broad(copy.source):
            continue
        source = expand(doc, copy.inst, copy.source) if "$" in copy.source else copy.source
        if source is None or is_broad(source):
            continue
        path = go_clean("/" + source).lstrip("/")
        depth = path.count("/") + 1
        try:
            named = {"/".join(f.split("/")[:depth]) for f in context.files
                     if f.count("/") + 1 >= depth and go_match(path, "/".join(f.split("/")[:depth]))}
        except ValueError:
            named = set()
        if any(excluded(new, p) and not excluded(old, p) for p in {path} | named):
            found.append(copy.source)
    return found


def excluded(matcher, path: str) -> bool:
    """Docker's walk leaves it out, or BuildKit's CopyIgnoredFile check fires on it."""
    return matcher.matches(path) or matcher.matches_or_parent_matches(path)


def test_real_corpus_generated_files_never_exclude_a_copy_source(corpus_files):
    created = extended = bad = 0
    for path in corpus_files:
        text = read_text(path)
        context = BuildContext.from_corpus_entry(path.parent)
        result = optimize(text, context, Config(unsafe=True))
        for new in result.extra_files:
            assert new.path == context.dockerignore_path
            assert new.text.startswith(new.original or "")
            created += new.new
            extended += not new.new
            for doc in (parse(text), parse(result.text)):
                excluded = _sources_excluded(doc, context, new.original or "", new.text)
                bad += bool(excluded)
                assert not excluded, (path.parent.name, excluded, new.text)
            texts = {name: context.read_text(name) for name in CORPUS_MANIFESTS if context.read_text(name) is not None}
            again = BuildContext.from_listing([*context.files, new.path], texts={**texts, new.path: new.text})
            assert optimize(result.text, again, Config(unsafe=True)).extra_files == (), "not idempotent"
    print(f"\nDO204 over {len(corpus_files)} corpus entries: {created} new .dockerignore, {extended} extended, "
          f"{bad} excluding a COPY/ADD source")
    assert bad == 0


def test_a_dockerfile_specific_ignore_file_is_the_one_extended(tmp_path):
    (tmp_path / "app.Dockerfile").write_text(NODE)
    (tmp_path / "app.Dockerfile.dockerignore").write_text("*.log\n")
    (tmp_path / ".dockerignore").write_text("# for the other Dockerfile\n")
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "a.js").write_text("1")
    context = BuildContext.from_directory(tmp_path, dockerfile=tmp_path / "app.Dockerfile")
    result = optimize(NODE, context, Config(select=frozenset({"DO204"})))
    (new,) = result.extra_files
    assert new.path == "app.Dockerfile.dockerignore" and new.original == "*.log\n"
    assert new.text == "*.log\n\n" + H + DEPS + "node_modules\n" + BUILD + "app.Dockerfile\napp.Dockerfile.dockerignore\n.dockerignore\n"
