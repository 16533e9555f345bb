"""DO305 node-multi-stage: fix table, report-only table (the unknown named), nginx suggestions, no-change table."""

from __future__ import annotations

import json

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.facts.js_output import output_of
from optimizer.pipeline import Status, optimize

ID = "node-multi-stage"
PKG = {"scripts": {"build": "tsc", "start": "node dist/server.js"}, "dependencies": {"express": "4.21.1"},
       "devDependencies": {"typescript": "5.6.3"}}
LOCK = {"lockfileVersion": 3, "packages": {"": {}, "node_modules/express": {"version": "4.21.1"},
                                           "node_modules/typescript": {"version": "5.6.3", "dev": True}}}
TSCONFIG = '{"compilerOptions": {"outDir": "./dist", "rootDir": "src"}}'
HEAD = "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n"
APP = HEAD + 'EXPOSE 3000\nCMD ["node", "dist/server.js"]\n'
BUILDER = HEAD.replace("FROM node:20\n", "FROM node:20 AS build\n").replace("run build\n", "run build && npm prune --omit=dev\n") + "\n"
RUNTIME = "FROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app /app\n"
TAIL = 'EXPOSE 3000\nCMD ["node", "dist/server.js"]\n'


def context(pkg=None, lock=LOCK, files=None, **texts):
    """A Node project: package.json, package-lock.json (None: none), tsconfig.json and ``texts``."""
    found = {"package.json": json.dumps(PKG if pkg is None else pkg), "tsconfig.json": TSCONFIG, **texts}
    if lock is not None:
        found["package-lock.json"] = json.dumps(lock)
    found = {k: v for k, v in found.items() if v is not None}
    return BuildContext.from_listing([*found, "src/server.ts", *(files or ())], texts=found)


def run(before, ctx=None, unsafe=True):
    return optimize(before, ctx or context(), Config(select=frozenset({ID}), unsafe=unsafe))


def applied(before, ctx=None):
    result = run(before, ctx)
    assert [r.status for r in result.findings] == [Status.APPLIED], [r.finding.risk for r in result.findings]
    again = run(result.text, ctx)
    assert again.text == result.text and not again.findings
    return result


FIXES = [
    pytest.param(APP, None, BUILDER + RUNTIME + TAIL, id="tsc-outdir-node-slim"),
    pytest.param(APP.replace('CMD ["node", "dist/server.js"]', 'CMD ["npm", "start"]'), None,
                 BUILDER + RUNTIME + TAIL.replace('CMD ["node", "dist/server.js"]', 'CMD ["npm", "start"]'),
                 id="npm-start-runs-node"),
    pytest.param(APP.replace("node:20\n", "node:20.11.1-bookworm\n"), None,
                 BUILDER.replace("node:20 AS", "node:20.11.1-bookworm AS")
                 + RUNTIME.replace("node:20-slim", "node:20.11.1-bookworm-slim") + TAIL, id="version-and-suite"),
    pytest.param(APP.replace("node:20\n", "node:20-alpine\n"), None,
                 BUILDER.replace("node:20 AS", "node:20-alpine AS") + RUNTIME.replace("node:20-slim", "node:20-alpine")
                 + TAIL, id="alpine-stays-alpine"),
    pytest.param(APP.replace("node:20\n", "node:14\n"), None,
                 BUILDER.replace("node:20 AS", "node:14 AS").replace("--omit=dev", "--production")
                 + RUNTIME.replace("node:20-slim", "node:14-slim") + TAIL, id="npm-6-prunes-with-production"),
    pytest.param(APP.replace("FROM node:20\n", "FROM node:20 AS app\n"), None,
                 BUILDER.replace("AS build", "AS app") + RUNTIME.replace("--from=build", "--from=app") + TAIL,
                 id="named-stage-keeps-its-name"),
    pytest.param(HEAD + "ENV NODE_ENV=production PORT=3000\nLABEL org.opencontainers.image.title=api\n"
                 "# run as the image's user\nUSER node\n" + TAIL, None,
                 BUILDER + RUNTIME + "ENV NODE_ENV=production PORT=3000\nLABEL org.opencontainers.image.title=api\n"
                 "# run as the image's user\nUSER node\n" + TAIL, id="metadata-after-build-moves-with-comment"),
    pytest.param(HEAD.replace("WORKDIR /app\n", "WORKDIR /app\nENV NPM_CONFIG_LOGLEVEL=warn\n") + TAIL, None,
                 BUILDER.replace("WORKDIR /app\n", "WORKDIR /app\nENV NPM_CONFIG_LOGLEVEL=warn\n")
                 + RUNTIME.replace("WORKDIR /app\n", "WORKDIR /app\nENV NPM_CONFIG_LOGLEVEL=warn\n") + TAIL,
                 id="env-before-build-is-copied"),
    pytest.param(APP.replace("RUN npm ci\nCOPY . .\nRUN npm run build", "COPY . .\nRUN npm ci \\\n && npm run build"), None,
                 BUILDER.replace("RUN npm ci\nCOPY . .\nRUN npm run build && npm prune --omit=dev",
                                 "COPY . .\nRUN npm ci \\\n && npm run build \\\n && npm prune --omit=dev")
                 + RUNTIME + TAIL, id="continued-run-gets-a-continued-step"),
    pytest.param(APP.replace("\n", "\r\n"), None, (BUILDER + RUNTIME + TAIL).replace("\n", "\r\n"), id="crlf"),
    pytest.param(APP.lower().replace('cmd ["node", "dist/server.js"]', 'cmd ["node", "dist/server.js"]'), None,
                 (BUILDER + RUNTIME + TAIL).replace("FROM", "from").replace("WORKDIR", "workdir")
                 .replace("COPY", "copy").replace("RUN", "run").replace("EXPOSE", "expose").replace("CMD", "cmd")
                 .replace(" AS ", " as "), id="lower-case-file-gets-lower-case-lines"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile && yarn build\n" + TAIL,
                 context(pkg={**PKG, "scripts": {"build": "vite build"}}, lock=None, **{"yarn.lock": ""}),
                 "FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile && yarn build && "
                 "yarn install --production --frozen-lockfile --ignore-scripts --prefer-offline\n\n"
                 "FROM node:20\nWORKDIR /app\nCOPY --from=build /app /app\n" + TAIL,
                 id="yarn-1-no-package-lock-keeps-the-full-base"),
    pytest.param(APP, context(lock={"lockfileVersion": 3, "packages": {
        "node_modules/bcrypt": {"hasInstallScript": True}}}),
                 BUILDER + RUNTIME.replace("node:20-slim", "node:20") + TAIL, id="native-module-keeps-the-full-base"),
    pytest.param(APP.replace("COPY . .", "RUN apt-get update && apt-get install -y python3 make g++\nCOPY . ."), None,
                 BUILDER.replace("COPY . .", "RUN apt-get update && apt-get install -y python3 make g++\nCOPY . .")
                 + RUNTIME.replace("node:20-slim", "node:20") + TAIL, id="node-gyp-toolchain-keeps-the-full-base"),
    pytest.param(APP.replace("EXPOSE", "HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1\nEXPOSE"), None,
                 BUILDER + RUNTIME.replace("node:20-slim", "node:20")
                 + TAIL.replace("EXPOSE", "HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1\nEXPOSE"),
                 id="healthcheck-curl-keeps-the-full-base"),
    pytest.param(HEAD.replace("RUN npm run build", "RUN npx vite build") + 'CMD ["npm", "start"]\n',
                 context(pkg={**PKG, "scripts": {"start": "next start"}, "dependencies": {"next": "14"}}),
                 BUILDER.replace("RUN npm run build &&", "RUN npx vite build &&") + RUNTIME + 'CMD ["npm", "start"]\n',
                 id="npx-build-tool-and-start-script-of-a-dependency"),
]


@pytest.mark.parametrize(("before", "ctx", "after"), FIXES)
def test_fix(before, ctx, after):
    result = applied(before, ctx)
    assert result.text == after


def test_without_unsafe_nothing_changes():
    result = run(APP, unsafe=False)
    assert result.text == APP and [r.status for r in result.findings] == [Status.NEEDS_UNSAFE]


def test_the_fix_declares_what_pruning_changes_in_the_copied_workdir():
    (reported,) = run(APP).findings
    assert reported.finding.fix is not None
    assert set(reported.finding.fix.image_changes) >= {"/app/node_modules/**", "/app/package-lock.json"}
    assert "stages" in reported.finding.fix.declares


REPORTED = [
    pytest.param(APP, context(pkg={**PKG, "scripts": {"build": "node scripts/build.js"}}), "where",
                 id="output-not-known"),
    pytest.param(APP.replace('["node", "dist/server.js"]', '["npx", "ts-node", "src/server.ts"]'),
                 context(pkg={**PKG, "devDependencies": {"ts-node": "10"}}), "ts-node, a devDependency",
                 id="command-runs-a-devdependency"),
    pytest.param(APP.replace('["node", "dist/server.js"]', '["pm2-runtime", "dist/server.js"]'), None,
                 "pm2-runtime, which is not a dependency", id="command-runs-an-unknown-program"),
    pytest.param(APP.replace("RUN npm ci", "RUN npm ci && npm install -g pm2"), None, "global",
                 id="global-install"),
    pytest.param(APP, context(pkg={**PKG, "workspaces": ["packages/*"]}), "workspaces", id="workspaces"),
    pytest.param(APP, context(files=["pnpm-lock.yaml"]), "pnpm", id="pnpm"),
    pytest.param(APP.replace("COPY . .", "RUN apt-get update && apt-get install -y ffmpeg\nCOPY . ."), None,
                 "ffmpeg", id="runtime-system-package"),
    pytest.param(APP.replace("RUN npm run build", "RUN npm run build\nRUN cp -r dist /srv/www"), None,
                 "runs cp", id="step-after-build-writes-elsewhere"),
    pytest.param(APP.replace("COPY . .", "COPY --chown=node:node . ."), None, "owners", id="chown"),
    pytest.param(APP.replace("WORKDIR /app\n", "WORKDIR /app\nUSER node\n"), None, "USER node", id="user-before-install"),
    pytest.param(APP.replace("COPY . .", "COPY --from=deps /app/node_modules ./node_modules\nCOPY . ."), None,
                 "another image", id="copy-from-another-image"),
    pytest.param(APP.replace("EXPOSE 3000", "EXPOSE $PORT"), None, "variable", id="carried-variable"),
    pytest.param(APP.replace("RUN npm ci\n", ""), None, "no `npm ci`", id="no-install"),
    pytest.param(APP.replace("RUN npm run build", "RUN npm run build\nCOPY config.json /etc/app/"), None,
                 "outside /app", id="copy-outside-workdir-after-build"),
]


@pytest.mark.parametrize(("before", "ctx", "why"), REPORTED)
def test_reported_without_fix(before, ctx, why):
    result = run(before, ctx)
    assert result.text == before
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION
    assert why in reported.finding.risk, reported.finding.risk


STATIC = [
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nEXPOSE 3000\n"
                 'CMD ["npx", "serve", "-s", "dist"]\n',
                 {"scripts": {"build": "vite build"}}, "`serve`", "/app/dist", "", id="npx-serve-vite-output"),
    pytest.param("FROM node:lts-buster AS development\nWORKDIR /usr/src/app\nCOPY package.json /usr/src/app\n"
                 "RUN npm ci\nCOPY . /usr/src/app\nEXPOSE 3000\nCMD [\"npm\", \"start\"]\n",
                 {"scripts": {"start": "react-scripts start", "build": "react-scripts build"}}, "`react-scripts`",
                 "/usr/src/app/build", "`RUN npm run build`", id="react-dev-server-without-build-step"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install\nCMD yarn serve\n",
                 {"scripts": {"serve": "vue-cli-service serve", "build": "vue-cli-service build"}},
                 "`vue-cli-service`", "/app/dist", "`RUN yarn build`", id="vue-dev-server-yarn"),
]


@pytest.mark.parametrize(("before", "pkg", "server", "output", "step"), STATIC)
def test_static_front_end_is_a_suggestion_with_the_nginx_stage(before, pkg, server, output, step):
    files = ["yarn.lock"] if "yarn" in before else []
    result = run(before, context(pkg=pkg, files=files))
    (reported,) = result.findings
    assert result.text == before and reported.status is Status.SUGGESTION
    message = reported.finding.message
    assert server in message and step in message
    assert "`FROM nginx:1.27-alpine`" in message and f"`COPY --from=" in message
    assert f"{output} /usr/share/nginx/html`" in message and "try_files" in reported.finding.risk


NO_CHANGE = [
    pytest.param(APP.replace("RUN npm run build\n", ""), None, id="no-build-step"),
    pytest.param(APP.replace("node:20", "debian:12"), None, id="not-node"),
    pytest.param(APP.replace("node:20", "node:${NODE}"), None, id="variable-base"),
    pytest.param("FROM node:20 AS b\nRUN true\nFROM b\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n" + TAIL,
                 None, id="built-from-a-stage"),
    pytest.param(BUILDER + RUNTIME + TAIL, None, id="already-multi-stage"),
    pytest.param(APP.replace("WORKDIR /app\n", "").replace("./", "/app/").replace(". .", ". /app"), None,
                 id="no-workdir"),
    pytest.param(APP.replace("COPY . .", "ONBUILD COPY . ."), None, id="onbuild"),
    pytest.param("# dockeropt: ignore=DO305\n" + APP, None, id="suppressed"),
    pytest.param(APP, BuildContext.unknown(), id="context-unknown"),
    pytest.param(APP.replace("RUN npm run build", 'RUN ["npm", "run", "build"]'), None, id="exec-form-build-not-read"),
    pytest.param(APP.replace('CMD ["node", "dist/server.js"]', ""), None, id="no-command"),
]


@pytest.mark.parametrize(("before", "ctx"), NO_CHANGE)
def test_no_change(before, ctx):
    result = run(before, ctx)
    assert result.text == before and not result.findings


OUTPUTS = [
    pytest.param("npm", ("run", "build"), {"build": "vite build"}, {}, "dist", id="vite-default"),
    pytest.param("npm", ("run", "build"), {"build": "vite build"}, {"vite.config.ts": "build: {outDir: 'www'}"},
                 None, id="vite-config-moves-it"),
    pytest.param("npm", ("run", "build"), {"build": "react-scripts build"}, {}, "build", id="create-react-app"),
    pytest.param("yarn", ("build",), {"build": "tsc -p . && vite build --outDir public"}, {}, None,
                 id="two-outputs"),
    pytest.param("npm", ("run", "build"), {"build": "esbuild src/index.ts --bundle --outfile=out/index.js"}, {},
                 "out", id="esbuild-outfile"),
    pytest.param("npm", ("run", "build"), {"build": "npm run build:server", "build:server": "tsc"},
                 {"tsconfig.json": TSCONFIG}, "dist", id="nested-script"),
    pytest.param("npx", ("tsc",), {}, {"tsconfig.json": '{"compilerOptions": {}}'}, None, id="tsc-in-place"),
    pytest.param("npm", ("run", "lint"), {"lint": "eslint ."}, {}, None, id="not-a-build"),
]


@pytest.mark.parametrize(("program", "args", "scripts", "texts", "output"), OUTPUTS)
def test_where_a_build_writes(program, args, scripts, texts, output):
    texts = {"package.json": json.dumps({"scripts": scripts}), **texts}
    assert output_of(program, args, BuildContext.from_listing(list(texts), texts=texts)) == output
