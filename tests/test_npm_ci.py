"""DO109 npm-ci: fix table and no-change table, with build contexts."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.passes.npm_ci import PASS
from optimizer.pipeline import Status, optimize

ID = "DO109"
APP = ["package.json", "package-lock.json", "src/index.js"]


def run(dockerfile: str, files=APP, unsafe: bool = True, texts=None):
    context = BuildContext.from_listing(files, texts=texts or {})
    return optimize(dockerfile, context, Config(select=frozenset({ID}), unsafe=unsafe)), context


FIXES = [
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n",
                 "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", {}, id="broad-copy"),
    pytest.param("FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm i --omit=dev --no-audit\nCOPY . .\n",
                 "FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev --no-audit\nCOPY . .\n",
                 {}, id="wildcard-manifests-alias-i-options-kept"),
    pytest.param("FROM node:18\nWORKDIR /srv\nCOPY package.json package-lock.json /srv/\n"
                 "RUN npm install --production --loglevel warn && npm cache clean --force\n",
                 "FROM node:18\nWORKDIR /srv\nCOPY package.json package-lock.json /srv/\n"
                 "RUN npm ci --production --loglevel warn && npm cache clean --force\n",
                 {}, id="explicit-lockfile-value-option-chain"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY npm-shrinkwrap.json package.json ./\nRUN sudo npm install\n",
                 "FROM node:20\nWORKDIR /app\nCOPY npm-shrinkwrap.json package.json ./\nRUN sudo npm ci\n",
                 {"files": ["package.json", "npm-shrinkwrap.json"]}, id="shrinkwrap-sudo"),
    pytest.param("FROM node:20\r\nWORKDIR /app\r\nCOPY . .\r\nRUN npm \\\r\n    install\r\n",
                 "FROM node:20\r\nWORKDIR /app\r\nCOPY . .\r\nRUN npm \\\r\n    ci\r\n",
                 {}, id="crlf-continuation"),
    pytest.param("FROM node:20 AS deps\nWORKDIR /app\nCOPY package-lock.json /app/package-lock.json\n"
                 "COPY package.json ./\nRUN npm install\nFROM deps\nCMD [\"node\", \"src\"]\n",
                 "FROM node:20 AS deps\nWORKDIR /app\nCOPY package-lock.json /app/package-lock.json\n"
                 "COPY package.json ./\nRUN npm ci\nFROM deps\nCMD [\"node\", \"src\"]\n",
                 {}, id="lockfile-copied-to-its-own-name"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install --omit=dev\nRUN npm install\n",
                 "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nRUN npm install\n",
                 {}, id="only-the-first-install-node-modules-exists-for-the-second"),
]

NO_CHANGE = [
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install express\n", {}, id="package-named"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install -g pm2\n", {}, id="global"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install --no-package-lock\n", {},
                 id="lockfile-disabled"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install --weird-flag\n", {}, id="unknown-option"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install --prefix web\n", {}, id="prefix"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN cd web && npm install\n", {}, id="cd-before"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", {}, id="already-ci"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\n", {},
                 id="lockfile-not-copied"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n",
                 {"files": ["package.json", "src/index.js"]}, id="no-lockfile-in-context"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n",
                 {"files": APP + [".dockerignore"], "texts": {".dockerignore": "package-lock.json\n"}},
                 id="lockfile-dockerignored"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . /other\nRUN npm install\n", {}, id="copied-elsewhere"),
    pytest.param("FROM node:8\nWORKDIR /app\nCOPY . .\nRUN npm install\n", {}, id="node-8-has-no-ci"),
    pytest.param("FROM node:20\nCOPY . .\nRUN npm install\n", {}, id="workdir-of-base-image-unknown"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/app/node_modules npm install\n",
                 {}, id="node-modules-cache-mount"),
    pytest.param("FROM node:20 AS b\nRUN true\nFROM node:20\nWORKDIR /app\nCOPY --from=b /x/node_modules ./node_modules\n"
                 "COPY . .\nRUN npm install\n", {}, id="node-modules-from-another-stage"),
    pytest.param("FROM node:20\nWORKDIR /app\nONBUILD COPY . .\nONBUILD RUN npm install\n", {}, id="onbuild"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install\n", {}, id="yarn-is-another-tool"),
]


@pytest.mark.parametrize("before,after,kwargs", FIXES)
def test_fixes(before, after, kwargs):
    result, context = run(before, **kwargs)
    assert result.text == after
    again = optimize(after, context, Config(select=frozenset({ID}), unsafe=True))
    assert again.text == after and not again.findings, "not idempotent"


@pytest.mark.parametrize("before,kwargs", NO_CHANGE)
def test_no_change(before, kwargs):
    result, _ = run(before, **kwargs)
    assert result.text == before
    assert not result.findings


def test_unsafe_only_with_opt_in_and_risk_explained():
    before = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n"
    result, _ = run(before, unsafe=False)
    assert result.text == before
    [reported] = result.findings
    assert reported.status is Status.NEEDS_UNSAFE
    assert "package.json and the lockfile disagree" in reported.finding.risk
    assert "package-lock.json" in reported.finding.message


def test_unknown_context_does_nothing():
    result = optimize("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n",
                      config=Config(select=frozenset({ID}), unsafe=True))
    assert not result.findings


def test_declares_the_lockfile_npm_install_may_rewrite_in_the_image():
    # Real projects (benchmarks/REAL_PROJECTS.md): `npm install` rewrote package-lock.json inside the original
    # image of awesome-compose nginx-nodejs-redis; `npm ci` leaves it as copied.
    from optimizer.verify.declared import Evidence, declared_paths
    from optimizer.verify.filesystem import Snapshot

    covers = declared_paths(PASS.image_changes, Evidence(Snapshot({}), Snapshot({}), frozenset()))
    assert covers("/usr/src/app/package-lock.json") and covers("/app/node_modules/express/index.js")
    assert not covers("/usr/src/app/package.json")
