"""DO205 manifests-first-langs: fix table, unsafe table, no-change table (npm/yarn/pnpm, pip, Go)."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.passes import Safety
from optimizer.pipeline import Status, optimize

ID = "DO205"
PKG = '{"name": "app", "version": "1.0.0", "scripts": {"start": "node src/index.js"}}'
PKG_HOOK = '{"name": "app", "scripts": {"postinstall": "node scripts/patch.js"}}'
NODE = ["package.json", "package-lock.json", "src/index.js"]
LOCK = '{"name": "app", "lockfileVersion": 3, "packages": {"": {"name": "app"}, "node_modules/ms": {"version": "2.1.3"}}}'
NODE_T = {"package.json": PKG, "package-lock.json": LOCK}
PY = ["requirements.txt", "app.py"]
PY_T = {"requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n"}
GO = ["go.mod", "go.sum", "main.go"]
GO_T = {"go.mod": "module example.com/app\n\ngo 1.22\n\nrequire github.com/google/uuid v1.6.0\n"}

NODE_BEFORE = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"node\", \"src/index.js\"]\n"
NODE_AFTER = ("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\n"
              "COPY . .\nCMD [\"node\", \"src/index.js\"]\n")
PY_BEFORE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
PY_AFTER = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\n"
            "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n")
GO_BEFORE = ("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n"
             "FROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\n")
GO_AFTER = ("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
            "RUN go build -o /out/app .\nFROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\n")


def run(dockerfile, files, texts, *, unsafe=False):
    context = BuildContext.from_listing(files, texts=texts)
    return optimize(dockerfile, context, Config(select=frozenset({ID}), unsafe=unsafe)), context


def check_fix(before, after, files, texts, *, unsafe=False):
    result, context = run(before, files, texts, unsafe=unsafe)
    assert not result.problems, result.problems
    assert result.text == after
    again = optimize(after, context, Config(select=frozenset({ID}), unsafe=unsafe))
    assert again.text == after, "not idempotent"
    assert not [r for r in again.findings if r.status is Status.APPLIED]
    return result


FIXES = [
    pytest.param(NODE_BEFORE, NODE_AFTER, NODE, NODE_T, id="npm-ci"),
    pytest.param(NODE_BEFORE, NODE_AFTER.replace("package.json package-lock.json", "package.json package-lock.json .npmrc"),
                 [*NODE, ".npmrc"], {**NODE_T, ".npmrc": "registry=https://registry.npmjs.org/\n"}, id="npm-with-npmrc"),
    pytest.param(NODE_BEFORE.replace("npm ci --omit=dev", "yarn install --frozen-lockfile --ignore-scripts"),
                 NODE_AFTER.replace("npm ci --omit=dev", "yarn install --frozen-lockfile --ignore-scripts")
                 .replace("package-lock.json", "yarn.lock"),
                 ["package.json", "yarn.lock", "src/index.js"], NODE_T, id="yarn-frozen-no-scripts"),
    pytest.param(NODE_BEFORE.replace("npm ci --omit=dev", "pnpm install --frozen-lockfile --prod"),
                 NODE_AFTER.replace("npm ci --omit=dev", "pnpm install --frozen-lockfile --prod")
                 .replace("package-lock.json", "pnpm-lock.yaml"),
                 ["package.json", "pnpm-lock.yaml", "src/index.js"],
                 {**NODE_T, "pnpm-lock.yaml": "lockfileVersion: '6.0'\n\npackages:\n\n  /ms@2.1.3:\n    dev: false\n"},
                 id="pnpm-frozen"),
    pytest.param(PY_BEFORE, PY_AFTER, PY, PY_T, id="pip-requirements"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", "-r requirements.txt -r requirements-dev.txt"),
                 PY_AFTER.replace("-r requirements.txt", "-r requirements.txt -r requirements-dev.txt")
                 .replace("COPY requirements.txt ./", "COPY requirements.txt requirements-dev.txt ./\n"
                                                      "COPY requirements/base.txt ./requirements/"),
                 [*PY, "requirements-dev.txt", "requirements/base.txt"],
                 {**PY_T, "requirements-dev.txt": "-r requirements/base.txt\npytest\n", "requirements/base.txt": "rich\n"},
                 id="pip-follows-r-references"),
    pytest.param(PY_BEFORE, PY_AFTER.replace("COPY requirements.txt ./\n", "COPY requirements.txt ./\nCOPY wheels/a.whl ./wheels/\n"),
                 [*PY, "wheels/a.whl"], {"requirements.txt": "./wheels/a.whl\n"}, id="pip-local-wheel-copied"),
    # requirement specifiers beside -r name index packages, which read no file (the pinned naive variants of
    # benchmarks/real_projects add `pip install -r requirements.txt "werkzeug<3"`-style pins)
    pytest.param(PY_BEFORE.replace("-r requirements.txt", '-r requirements.txt "werkzeug<3" flask[async]==2.0.1 rich'),
                 PY_AFTER.replace("-r requirements.txt", '-r requirements.txt "werkzeug<3" flask[async]==2.0.1 rich'),
                 PY, PY_T, id="pip-requirements-and-specifiers"),
    pytest.param(GO_BEFORE, GO_AFTER, GO, GO_T, id="go-build-gets-a-download"),
    pytest.param("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n",
                 "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
                 "RUN go build -o /app .\n", GO, GO_T, id="go-mod-download-moves"),
    pytest.param("FROM node:20\nWORKDIR /app\n# the sources\nCOPY --chown=node:node . .\nENV NODE_ENV=production\n"
                 "USER node\nRUN npm ci\n",
                 "FROM node:20\nWORKDIR /app\nCOPY --chown=node:node package.json package-lock.json ./\n"
                 "ENV NODE_ENV=production\nUSER node\nRUN npm ci\n# the sources\nCOPY --chown=node:node . .\n",
                 NODE, NODE_T, id="chown-comment-and-env-between"),
    pytest.param(NODE_BEFORE.replace("\n", "\r\n"), NODE_AFTER.replace("\n", "\r\n"), NODE, NODE_T, id="crlf"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci", "FROM node:20\nWORKDIR /app\n"
                 "COPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .", NODE, NODE_T, id="no-final-newline"),
    pytest.param("FROM node:20\nCOPY . /srv/app\nWORKDIR /srv/app\nRUN npm ci \\\n    # reproducible\n    --ignore-scripts\n",
                 "FROM node:20\nCOPY package.json package-lock.json /srv/app/\nWORKDIR /srv/app\n"
                 "RUN npm ci \\\n    # reproducible\n    --ignore-scripts\nCOPY . /srv/app\n",
                 NODE, NODE_T, id="absolute-destination-workdir-after-comment-in-continuation"),
    pytest.param("FROM python:3.12 AS deps\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                 "FROM deps\nCMD [\"python\", \"app.py\"]\n",
                 "FROM python:3.12 AS deps\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n"
                 "COPY . .\nFROM deps\nCMD [\"python\", \"app.py\"]\n", PY, PY_T, id="multi-stage"),
    pytest.param(NODE_BEFORE.replace("RUN npm ci --omit=dev", "RUN <<EOF\nnpm ci --omit=dev\nEOF"),
                 NODE_AFTER.replace("RUN npm ci --omit=dev", "RUN <<EOF\nnpm ci --omit=dev\nEOF"),
                 NODE, NODE_T, id="heredoc-run"),
]

UNSAFE = [
    pytest.param(NODE_BEFORE, NODE_AFTER, NODE, {"package.json": PKG_HOOK}, "postinstall", id="npm-lifecycle-script"),
    pytest.param(NODE_BEFORE.replace("npm ci --omit=dev", "npm install"),
                 NODE_AFTER.replace("npm ci --omit=dev", "npm install"), NODE, NODE_T, "rewrite", id="npm-install"),
    pytest.param(NODE_BEFORE, NODE_AFTER, [*NODE, "node_modules/x/index.js"], NODE_T, "node_modules",
                 id="context-ships-node-modules"),
    pytest.param(NODE_BEFORE.replace("npm ci --omit=dev", "npm install"),
                 NODE_AFTER.replace("npm ci --omit=dev", "npm install").replace(" package-lock.json", ""),
                 ["package.json", "src/index.js"], {"package.json": PKG}, "no lockfile", id="npm-without-lockfile"),
    pytest.param(NODE_BEFORE.replace("npm ci --omit=dev", "yarn install --frozen-lockfile"),
                 NODE_AFTER.replace("npm ci --omit=dev", "yarn install --frozen-lockfile").replace("package-lock.json", "yarn.lock"),
                 ["package.json", "yarn.lock", "src/index.js"], NODE_T, "yarn.lock does not record", id="yarn-frozen"),
    pytest.param(NODE_BEFORE.replace("npm ci --omit=dev", "yarn"),
                 NODE_AFTER.replace("npm ci --omit=dev", "yarn").replace("package-lock.json", "yarn.lock"),
                 ["package.json", "yarn.lock"], NODE_T, "yarn.lock", id="yarn-unfrozen"),
    pytest.param(PY_BEFORE, PY_AFTER, PY, {"requirements.txt": "-e git+https://github.com/a/b.git#egg=b\n"},
                 "editable", id="pip-editable-vcs"),
    pytest.param(GO_BEFORE, GO_AFTER.replace(" go.sum", ""), ["go.mod", "main.go"], GO_T, "go.sum", id="go-without-sum"),
    pytest.param(GO_BEFORE.replace("COPY . .\n", "COPY . .\nRUN apt-get install -y git\n"),
                 GO_AFTER.replace("COPY . .\n", "COPY . .\nRUN apt-get install -y git\n"), GO, GO_T, "RUNs between",
                 id="go-runs-between"),
]

NO_CHANGE = [
    pytest.param(NODE_BEFORE, [], {}, id="unknown-context"),
    pytest.param(NODE_BEFORE, ["src/index.js"], {}, id="no-package-json"),
    pytest.param(NODE_BEFORE, [*NODE, ".dockerignore"], {**NODE_T, ".dockerignore": "package.json\n"},
                 id="package-json-ignored"),
    pytest.param(NODE_BEFORE, [*NODE, "node_modules/x/index.js", ".dockerignore"],
                 {**NODE_T, ".dockerignore": "node_modules\npackage.json\n"}, id="package-json-ignored-2"),
    pytest.param(NODE_BEFORE, NODE, {"package.json": '{"dependencies": {"lib": "file:./lib"}}'}, id="file-dependency"),
    pytest.param(NODE_BEFORE.replace("npm ci --omit=dev", "npm ci && npm run build"), NODE, NODE_T, id="chained-install"),
    pytest.param(NODE_BEFORE.replace("npm ci --omit=dev", "npm install express"), NODE, NODE_T, id="npm-install-a-package"),
    pytest.param(NODE_BEFORE.replace("WORKDIR /app\nCOPY . .", "WORKDIR /app\nCOPY . /srv"), NODE, NODE_T,
                 id="install-not-in-the-copied-dir"),
    pytest.param(NODE_BEFORE.replace("COPY . .\n", "COPY . .\nRUN npm run build\n"), NODE, NODE_T, id="other-run-first"),
    pytest.param(NODE_BEFORE.replace("COPY . .\n", "COPY . .\nCOPY .env.production .env\n"), NODE, NODE_T,
                 id="copy-between"),
    pytest.param(NODE_BEFORE.replace("COPY . .", "# dockeropt: ignore=DO205\nCOPY . ."), NODE, NODE_T, id="suppressed"),
    pytest.param(NODE_BEFORE.replace("RUN npm ci", "# dockeropt: ignore=manifests-first-langs\nRUN npm ci"), NODE, NODE_T,
                 id="suppressed-on-the-install"),
    pytest.param(NODE_BEFORE.replace("COPY . .", "ONBUILD COPY . .").replace("RUN npm", "ONBUILD RUN npm"), NODE, NODE_T,
                 id="onbuild"),
    pytest.param(NODE_AFTER, NODE, NODE_T, id="already-manifests-first"),
    pytest.param(PY_BEFORE, PY, {"requirements.txt": "-e .\n"}, id="pip-editable-project"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", "."), PY, PY_T, id="pip-install-dot"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", "-r requirements.txt -e ."), PY, PY_T, id="pip-r-and-e-dot"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", "-r requirements.txt ./lib"), [*PY, "lib/setup.py"], PY_T,
                 id="pip-r-and-a-local-directory"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", "-r requirements.txt dist-1.0.whl"), [*PY, "dist-1.0.whl"],
                 PY_T, id="pip-r-and-a-wheel-of-the-context"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", "-r requirements.txt lib.tar.gz"), [*PY, "lib.tar.gz"],
                 PY_T, id="pip-r-and-an-sdist-of-the-context"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", '-r requirements.txt "$EXTRA"'), PY, PY_T,
                 id="pip-r-and-a-variable"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", '-r requirements.txt "pkg @ file:///app/w.whl"'), PY, PY_T,
                 id="pip-r-and-a-direct-reference"),
    pytest.param(PY_BEFORE.replace("-r requirements.txt", "-r requirements.txt git+https://x.org/r.git"), PY, PY_T,
                 id="pip-r-and-a-vcs-url"),
    pytest.param(PY_BEFORE.replace("RUN pip", "RUN --mount=type=bind,target=/x pip"), PY, PY_T, id="bind-mount"),
    pytest.param(GO_BEFORE, [*GO, "lib/x.go"], {"go.mod": GO_T["go.mod"] + "replace example.com/lib => ./lib\n"},
                 id="go-local-replace"),
    pytest.param(GO_BEFORE, [*GO, "vendor/modules.txt"], GO_T, id="go-vendored"),
    pytest.param(GO_BEFORE.replace("go build", "go build -mod=vendor"), GO, GO_T, id="go-mod-vendor"),
    pytest.param(GO_BEFORE.replace("RUN go build", "RUN --mount=type=cache,target=/go/pkg/mod go build"), GO, GO_T,
                 id="go-cache-mount"),
    pytest.param(GO_BEFORE.replace("COPY . .\n", "COPY . .\nENV GOPROXY=https://proxy.corp\n"), GO, GO_T,
                 id="go-proxy-set-between"),
    pytest.param(GO_AFTER, GO, GO_T, id="go-already-downloaded"),
    pytest.param(GO_BEFORE.replace("RUN go build", "RUN GOFLAGS=-mod=vendor go build"), GO, GO_T, id="go-flags-prefix"),
    pytest.param(GO_BEFORE.replace("go build -o /out/app .", "go install golang.org/x/tools/cmd/goimports@v0.24.0"),
                 GO, GO_T, id="go-install-of-a-tool"),
    pytest.param(GO_BEFORE.replace("RUN go build", "RUN cd cmd/app && go build"), GO, GO_T, id="go-build-after-cd"),
]


@pytest.mark.parametrize(("before", "after", "files", "texts"), FIXES)
def test_fixes(before, after, files, texts):
    result = check_fix(before, after, files, texts)
    assert [r.finding.safety for r in result.findings] == [Safety.SAFE]


@pytest.mark.parametrize(("before", "after", "files", "texts", "risk"), UNSAFE)
def test_unsafe(before, after, files, texts, risk):
    result, _ = run(before, files, texts)
    assert result.text == before
    assert [r.status for r in result.findings] == [Status.NEEDS_UNSAFE]
    assert risk in result.findings[0].finding.risk
    check_fix(before, after, files, texts, unsafe=True)


@pytest.mark.parametrize(("before", "files", "texts"), NO_CHANGE)
def test_no_change(before, files, texts):
    context = BuildContext.from_listing(files, texts=texts) if files else None
    result = optimize(before, context, Config(select=frozenset({ID}), unsafe=True))
    assert result.text == before


def test_lockfile_ignored_copies_package_json_only():
    files, texts = [*NODE, ".dockerignore"], {**NODE_T, ".dockerignore": "package-lock.json\n"}
    result, _ = run(NODE_BEFORE, files, texts, unsafe=True)
    assert "COPY package.json ./\n" in result.text


def test_message_says_what_stays_cached():
    result, _ = run(NODE_BEFORE, NODE, NODE_T)
    (reported,) = result.findings
    assert "node_modules stays cached" in reported.finding.message


def test_ignored_node_modules_is_safe():
    files = [*NODE, "node_modules/x/index.js", ".dockerignore"]
    result = check_fix(NODE_BEFORE, NODE_AFTER, files, {**NODE_T, ".dockerignore": "node_modules\n"})
    assert result.findings[0].status is Status.APPLIED
