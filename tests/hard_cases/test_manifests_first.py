"""Hard cases of "SAFE means proven" for manifests-first (issue 12): pip, Node, Go (DO205), Maven reactors (DO202).

A manifests-first fix is SAFE only when everything the install reads from the project directory is
copied before it (with its relative path) and nothing it writes there is overwritten later; what
cannot be modelled is named in an UNSAFE risk, or the fix is not offered.
"""

from __future__ import annotations

import json

import pytest

from tests.hard_cases.harness import NONE, NOT_SAFE, SAFE, Case, run_case

PY = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir {args}\nCMD [\"python\", \"app.py\"]\n"


def py(args: str, copies: str) -> tuple[str, str]:
    """A naive Python Dockerfile installing with ``args``, and its fixed form with ``copies`` first."""
    before = PY.format(args=args)
    after = (f"FROM python:3.12-slim\nWORKDIR /app\n{copies}RUN pip install --no-cache-dir {args}\n"
             "COPY . .\nCMD [\"python\", \"app.py\"]\n")
    return before, after


def pip_case(id: str, args: str, context: dict[str, str], expect=SAFE, copies: str = "", names=()) -> Case:
    before, after = py(args, copies)
    return Case(id, "DO205", before, expect, {"app.py": "print('hi')\n", **context}, names,
                after if expect is SAFE else None)


REQ = "flask==3.0.3\ngunicorn==22.0.0\n"
PIP = [
    pip_case("pip-requirements-in-a-subdirectory-keep-their-path", "-r requirements/prod.txt",
             {"requirements/prod.txt": "-r base.txt\ngunicorn==22.0.0\n", "requirements/base.txt": "django==5.0.6\n"},
             copies="COPY requirements/prod.txt requirements/base.txt ./requirements/\n"),
    pip_case("pip-root-file-includes-a-subdirectory-file", "-r requirements.txt",
             {"requirements.txt": "-r requirements/common.txt\nflask==3.0.3\n", "requirements/common.txt": REQ},
             copies="COPY requirements.txt ./\nCOPY requirements/common.txt ./requirements/\n"),
    pip_case("pip-constraints-on-the-command-line", "-r requirements.txt -c constraints.txt",
             {"requirements.txt": REQ, "constraints.txt": "werkzeug==3.0.3\n"},
             copies="COPY requirements.txt constraints.txt ./\n"),
    pip_case("pip-constraint-file-named-in-the-requirements", "-r requirements.txt",
             {"requirements.txt": "-c constraints/py312.txt\n" + REQ, "constraints/py312.txt": "markupsafe==2.1.5\n"},
             copies="COPY requirements.txt ./\nCOPY constraints/py312.txt ./constraints/\n"),
    pip_case("pip-relative-wheel-is-copied", "-r requirements.txt",
             {"requirements.txt": "./wheels/acme_auth-1.2.0-py3-none-any.whl\n" + REQ,
              "wheels/acme_auth-1.2.0-py3-none-any.whl": "PK"},
             copies="COPY requirements.txt ./\nCOPY wheels/acme_auth-1.2.0-py3-none-any.whl ./wheels/\n"),
    pip_case("pip-absolute-sdist-inside-the-workdir-is-copied", "-r requirements.txt",
             {"requirements.txt": "/app/vendor/legacy-client-0.9.tar.gz\n", "vendor/legacy-client-0.9.tar.gz": "gz"},
             copies="COPY requirements.txt ./\nCOPY vendor/legacy-client-0.9.tar.gz ./vendor/\n"),
    pip_case("pip-name-at-file-url-is-copied", "-r requirements.txt",
             {"requirements.txt": "acme-models @ file:///app/dist/acme_models-0.3.0-py3-none-any.whl\n",
              "dist/acme_models-0.3.0-py3-none-any.whl": "PK"},
             copies="COPY requirements.txt ./\nCOPY dist/acme_models-0.3.0-py3-none-any.whl ./dist/\n"),
    pip_case("pip-find-links-directory-in-the-file", "-r requirements.txt",
             {"requirements.txt": "--no-index\n--find-links wheels\nnumpy==1.26.4\n",
              "wheels/numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.whl": "PK"},
             copies="COPY requirements.txt ./\nCOPY wheels ./wheels/\n"),
    pip_case("pip-find-links-on-the-command-line", "--no-index -f ./wheelhouse -r requirements.txt",
             {"requirements.txt": REQ, "wheelhouse/flask-3.0.3-py3-none-any.whl": "PK"},
             copies="COPY requirements.txt ./\nCOPY wheelhouse ./wheelhouse/\n"),
    pip_case("pip-cert-file-in-the-project", "--cert certs/corp-ca.pem -r requirements.txt",
             {"requirements.txt": REQ, "certs/corp-ca.pem": "-----BEGIN CERTIFICATE-----\n"},
             copies="COPY requirements.txt ./\nCOPY certs/corp-ca.pem ./certs/\n"),
    pip_case("pip-hashes-and-continuations-read-nothing-else", "--require-hashes -r requirements.txt",
             {"requirements.txt": "flask==3.0.3 \\\n    --hash=sha256:34e815dfaa43340d1d15a5c3a02b8476004037eb4840b34910c6e21679d288f3\n"},
             copies="COPY requirements.txt ./\n"),
    pip_case("pip-vcs-requirement-builds-in-a-temporary-directory", "-r requirements.txt",
             {"requirements.txt": "git+https://github.com/acme/toolkit.git@v1.4.0#egg=toolkit\n" + REQ},
             copies="COPY requirements.txt ./\n"),
    pip_case("pip-include-outside-the-project-is-not-brought-by-the-copy", "-r requirements.txt",
             {"requirements.txt": "-r /opt/shared/requirements-base.txt\n" + REQ}, copies="COPY requirements.txt ./\n"),
    pip_case("pip-editable-local-library", "-r requirements.txt",
             {"requirements.txt": "-e ./libs/common\n" + REQ, "libs/common/pyproject.toml": "[project]\nname='c'\n"},
             NOT_SAFE, names=("libs/common",)),
    pip_case("pip-local-project-directory", "-r requirements.txt",
             {"requirements.txt": "./packages/core\n" + REQ, "packages/core/setup.py": "from setuptools import setup\n"},
             NOT_SAFE, names=("builds the local project packages/core/",)),
    pip_case("pip-editable-vcs-checks-out-into-the-workdir", "-r requirements.txt",
             {"requirements.txt": "-e git+https://github.com/acme/sdk.git#egg=sdk\n"}, NOT_SAFE, names=("editable",)),
    pip_case("pip-include-through-a-variable", "-r requirements.txt",
             {"requirements.txt": "-r ${REQUIREMENTS_DIR}/base.txt\n"}, NOT_SAFE, names=("${REQUIREMENTS_DIR}",)),
    pip_case("pip-unknown-option-line", "-r requirements.txt",
             {"requirements.txt": "--src ./deps\n" + REQ}, NOT_SAFE, names=("--src ./deps",)),
    Case("python-m-pip-project-module-shadows-the-standard-library", "DO205",
         "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN python -m pip install -r requirements.txt\n", NOT_SAFE,
         {"requirements.txt": REQ, "logging/__init__.py": "", "app.py": ""}, ("logging",)),
    Case("python-m-pip-upgrade-beside-the-install-with-a-shadowing-module", "DO205",
         "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
         "RUN python -m pip install -U pip && pip install -r requirements.txt\n", NONE,
         {"requirements.txt": REQ, "email.py": ""}),
    Case("python-isolated-m-pip-ignores-the-working-directory", "DO205",
         "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN python -I -m pip install -r requirements.txt\n", SAFE,
         {"requirements.txt": REQ, "email.py": ""},
         after="FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\n"
               "RUN python -I -m pip install -r requirements.txt\nCOPY . .\n"),
    pip_case("pip-dependency-group-reads-pyproject", "--group dev -r requirements.txt",
             {"requirements.txt": REQ, "pyproject.toml": "[dependency-groups]\ndev = [\"pytest==8.2.2\"]\n"},
             copies="COPY requirements.txt pyproject.toml ./\n"),
    Case("pip-upgrade-pip-first-in-the-same-run", "DO205",
         "FROM python:3.11-slim\nWORKDIR /code\nCOPY . /code\n"
         "RUN pip install --upgrade pip setuptools wheel && pip install --no-cache-dir -r /code/requirements.txt\n",
         SAFE, {"requirements.txt": REQ},
         after="FROM python:3.11-slim\nWORKDIR /code\nCOPY requirements.txt /code/\n"
               "RUN pip install --upgrade pip setuptools wheel && pip install --no-cache-dir -r /code/requirements.txt\n"
               "COPY . /code\n"),
    pip_case("pip-install-of-the-project-beside-the-requirements", "-r requirements.txt && pip install .",
             {"requirements.txt": REQ}, NONE),
    pip_case("pip-editable-project-itself", "-r requirements.txt", {"requirements.txt": "-e .\n" + REQ}, NONE),
    pip_case("pip-target-inside-the-project", "--target ./vendor -r requirements.txt", {"requirements.txt": REQ}, NONE),
    pip_case("pip-included-file-missing", "-r requirements/prod.txt",
             {"requirements/prod.txt": "-r base.txt\n"}, NONE),
    Case("pip-absolute-destination-and-workdir-after-the-copy", "DO205",
         "FROM python:3.12-slim\nCOPY . /srv/api\nWORKDIR /srv/api\nRUN pip install -r requirements/prod.txt\n", SAFE,
         {"requirements/prod.txt": REQ},
         after="FROM python:3.12-slim\nCOPY requirements/prod.txt /srv/api/requirements/\nWORKDIR /srv/api\n"
               "RUN pip install -r requirements/prod.txt\nCOPY . /srv/api\n"),
    Case("pip-find-links-from-env", "DO205",
         "FROM python:3.12-slim\nENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/srv/wheels\nWORKDIR /srv\nCOPY . .\n"
         "RUN pip install -r requirements.txt\n", SAFE,
         {"requirements.txt": REQ, "wheels/flask-3.0.3-py3-none-any.whl": "PK"},
         after="FROM python:3.12-slim\nENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/srv/wheels\nWORKDIR /srv\n"
               "COPY requirements.txt ./\nCOPY wheels ./wheels/\nRUN pip install -r requirements.txt\nCOPY . .\n"),
    Case("pip-constraint-from-env-is-followed", "DO205",
         "FROM python:3.12-slim\nWORKDIR /app\nENV PIP_CONSTRAINT=constraints/prod.txt\nCOPY . .\n"
         "RUN pip install -r requirements.txt\n", SAFE,
         {"requirements.txt": REQ, "constraints/prod.txt": "-c ../pins.txt\n", "pins.txt": "click==8.1.7\n"},
         after="FROM python:3.12-slim\nWORKDIR /app\nENV PIP_CONSTRAINT=constraints/prod.txt\n"
               "COPY requirements.txt pins.txt ./\nCOPY constraints/prod.txt ./constraints/\n"
               "RUN pip install -r requirements.txt\nCOPY . .\n"),
    Case("pip-config-file-from-env-names-find-links", "DO205",
         "FROM python:3.11\nENV PIP_CONFIG_FILE=/app/pip.conf\nWORKDIR /app\nCOPY . .\n"
         "RUN python -m pip install -r requirements.txt\n", SAFE,
         {"requirements.txt": REQ, "pip.conf": "[global]\nfind-links = /app/vendor/wheels\n",
          "vendor/wheels/gunicorn-22.0.0-py3-none-any.whl": "PK"},
         after="FROM python:3.11\nENV PIP_CONFIG_FILE=/app/pip.conf\nWORKDIR /app\n"
               "COPY requirements.txt pip.conf ./\nCOPY vendor/wheels ./vendor/wheels/\n"
               "RUN python -m pip install -r requirements.txt\nCOPY . .\n"),
    Case("pip-conf-in-the-home-that-is-the-project", "DO205",
         "FROM python:3.12\nWORKDIR /root\nCOPY . .\nRUN pip install -r requirements.txt\n", SAFE,
         {"requirements.txt": REQ, ".config/pip/pip.conf": "[global]\nindex-url = https://pypi.corp.example/simple\n"},
         after="FROM python:3.12\nWORKDIR /root\nCOPY requirements.txt ./\nCOPY .config/pip/pip.conf ./.config/pip/\n"
               "RUN pip install -r requirements.txt\nCOPY . .\n"),
]

# Node ----------------------------------------------------------------------------------------------


def lock(*scripts: str, version: int = 3, extra: dict | None = None) -> str:
    packages = {"": {"name": "app", "version": "1.0.0"}, "node_modules/express": {"version": "4.19.2"}}
    for name in scripts:
        packages[f"node_modules/{name}"] = {"version": "1.0.0", "hasInstallScript": True}
    packages.update(extra or {})
    if version == 1:
        return json.dumps({"name": "app", "lockfileVersion": 1, "dependencies": {"express": {"version": "4.19.2"}}})
    return json.dumps({"name": "app", "lockfileVersion": version, "packages": packages})


def pkg(**fields) -> str:
    return json.dumps({"name": "app", "version": "1.0.0", "dependencies": {"express": "^4.19.2"},
                       "scripts": {"start": "node server.js"}, **fields})


NODE_DF = "FROM node:20-alpine\nWORKDIR /usr/src/app\nCOPY . .\nRUN {install}\nCMD [\"node\", \"server.js\"]\n"


def node_case(id: str, install: str, context: dict[str, str], expect=SAFE, copies: str = "", names=()) -> Case:
    before = NODE_DF.format(install=install)
    after = (f"FROM node:20-alpine\nWORKDIR /usr/src/app\n{copies}RUN {install}\nCOPY . .\n"
             "CMD [\"node\", \"server.js\"]\n")
    return Case(id, "DO205", before, expect, {"server.js": "require('express')\n", **context}, names,
                after if expect is SAFE else None)


NPM = {"package.json": pkg(), "package-lock.json": lock()}
PNPM_LOCK6 = "lockfileVersion: '6.0'\n\ndependencies:\n  express:\n    specifier: ^4.19.2\n    version: 4.19.2\n"
PNPM_LOCK9 = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      express:\n        specifier: ^4.19.2\n"
NODE = [
    node_case("npm-ci-lockfile-v3-without-install-scripts", "npm ci --omit=dev", NPM,
              copies="COPY package.json package-lock.json ./\n"),
    node_case("corepack-pnpm-and-cache-cleanup-beside-the-install",
              "corepack enable pnpm && pnpm install --frozen-lockfile && pnpm store prune",
              {"package.json": pkg(packageManager="pnpm@10.2.0"), "pnpm-lock.yaml": PNPM_LOCK9},
              copies="COPY package.json pnpm-lock.yaml ./\n"),
    node_case("npm-ci-then-a-build-reads-the-sources", "npm ci && npm run build", NPM, NONE),
    node_case("npm-ci-dependencies-with-self-contained-install-scripts", "npm ci",
              {"package.json": pkg(), "package-lock.json": lock("esbuild", "sharp", "bcrypt")},
              copies="COPY package.json package-lock.json ./\n"),
    node_case("npm-ci-prisma-client-generator-reads-the-schema", "npm ci",
              {"package.json": pkg(), "package-lock.json": lock("@prisma/client", "prisma"),
               "prisma/schema.prisma": "generator client { provider = \"prisma-client-js\" }\n"},
              NOT_SAFE, names=("@prisma/client",)),
    node_case("npm-ci-husky-prepare-script", "npm ci",
              {"package.json": pkg(scripts={"prepare": "husky install"}), "package-lock.json": lock()},
              NOT_SAFE, names=("prepare",)),
    node_case("npm-ci-ignore-scripts-proves-no-script-runs", "npm ci --ignore-scripts",
              {"package.json": pkg(scripts={"postinstall": "prisma generate"}),
               "package-lock.json": lock("@prisma/client")},
              copies="COPY package.json package-lock.json ./\n"),
    node_case("npm-ci-ignore-scripts-in-npmrc", "npm ci",
              {"package.json": pkg(scripts={"postinstall": "patch-package"}), "package-lock.json": lock("husky"),
               ".npmrc": "ignore-scripts=true\n"},
              copies="COPY package.json package-lock.json .npmrc ./\n"),
    node_case("npm-ci-lockfile-v1-does-not-record-scripts", "npm ci",
              {"package.json": pkg(), "package-lock.json": lock(version=1)}, NOT_SAFE, names=("does not record",)),
    node_case("npm-file-tarball-dependency-is-copied", "npm ci",
              {"package.json": pkg(dependencies={"internal-ui": "file:vendor/internal-ui-2.1.0.tgz"}),
               "package-lock.json": lock(), "vendor/internal-ui-2.1.0.tgz": "gz"},
              copies="COPY package.json package-lock.json ./\nCOPY vendor/internal-ui-2.1.0.tgz ./vendor/\n"),
    node_case("npm-overrides-point-at-a-local-tarball", "npm ci",
              {"package.json": pkg(overrides={"lodash": "file:./patched/lodash-4.17.21.tgz"}),
               "package-lock.json": lock(), "patched/lodash-4.17.21.tgz": "gz"},
              copies="COPY package.json package-lock.json ./\nCOPY patched/lodash-4.17.21.tgz ./patched/\n"),
    node_case("npm-file-directory-dependency", "npm ci",
              {"package.json": pkg(dependencies={"shared": "file:./packages/shared"}), "package-lock.json": lock(),
               "packages/shared/package.json": '{"name": "shared"}', "packages/shared/index.js": ""},
              NOT_SAFE, names=("packages/shared/",)),
    node_case("npm-file-dependency-outside-the-context", "npm ci",
              {"package.json": pkg(dependencies={"shared": "file:../shared"}), "package-lock.json": lock()}, NONE),
    node_case("npm-workspaces-copy-each-workspace-manifest", "npm ci",
              {"package.json": pkg(workspaces=["packages/*"]), "package-lock.json": lock(),
               "packages/api/package.json": '{"name": "api", "dependencies": {"pg": "^8.11.5"}}',
               "packages/web/package.json": '{"name": "web"}', "packages/api/src/index.js": ""},
              copies="COPY package.json package-lock.json ./\nCOPY packages/api/package.json ./packages/api/\n"
                     "COPY packages/web/package.json ./packages/web/\n"),
    node_case("npm-workspace-with-a-postinstall", "npm ci",
              {"package.json": pkg(workspaces=["packages/*"]), "package-lock.json": lock(),
               "packages/api/package.json": '{"name": "api", "scripts": {"postinstall": "node gen.js"}}'},
              NOT_SAFE, names=("packages/api", "postinstall")),
    node_case("npm-workspace-with-bin-files", "npm ci",
              {"package.json": pkg(workspaces=["tools/*"]), "package-lock.json": lock(),
               "tools/cli/package.json": '{"name": "cli", "bin": {"acme": "dist/cli.js"}}'},
              NOT_SAFE, names=("bin",)),
    node_case("npmrc-cafile-is-copied", "npm ci",
              {**NPM, ".npmrc": "registry=https://npm.corp.example/\ncafile=certs/corp-root.pem\nstrict-ssl=true\n",
               "certs/corp-root.pem": "-----BEGIN CERTIFICATE-----\n"},
              copies="COPY package.json package-lock.json .npmrc ./\nCOPY certs/corp-root.pem ./certs/\n"),
    node_case("npmrc-scoped-registry-and-token", "npm ci",
              {**NPM, ".npmrc": "@acme:registry=https://npm.pkg.github.com\n"
                                "//npm.pkg.github.com/:_authToken=${NPM_TOKEN}\n"},
              copies="COPY package.json package-lock.json .npmrc ./\n"),
    node_case("npmrc-key-not-modelled", "npm ci", {**NPM, ".npmrc": "prefix=./.npm-global\n"},
              NOT_SAFE, names=("prefix",)),
    node_case("npm-install-may-rewrite-the-lockfile", "npm install", NPM, NOT_SAFE, names=("rewrite",)),
    node_case("context-ships-node-modules", "npm ci", {**NPM, "node_modules/express/package.json": "{}"},
              NOT_SAFE, names=("node_modules",)),
    node_case("binding-gyp-at-the-root", "npm ci", {**NPM, "binding.gyp": "{}"}, NOT_SAFE, names=("binding.gyp",)),
    node_case("yarn-classic-lockfile-does-not-record-scripts", "yarn install --frozen-lockfile",
              {"package.json": pkg(), "yarn.lock": "express@^4.19.2:\n  version \"4.19.2\"\n"},
              NOT_SAFE, names=("yarn.lock does not record",)),
    node_case("yarn-offline-mirror-is-copied", "yarn install --frozen-lockfile --offline --ignore-scripts",
              {"package.json": pkg(), "yarn.lock": "express@^4.19.2:\n  version \"4.19.2\"\n",
               ".yarnrc": "yarn-offline-mirror \"./npm-packages-offline-cache\"\nyarn-offline-mirror-pruning true\n",
               "npm-packages-offline-cache/express-4.19.2.tgz": "gz"},
              copies="COPY package.json yarn.lock .yarnrc ./\nCOPY npm-packages-offline-cache ./npm-packages-offline-cache/\n"),
    node_case("yarn-berry-yarn-path-and-plugins", "yarn install --immutable",
              {"package.json": pkg(packageManager="yarn@4.1.1"), "yarn.lock": "__metadata:\n  version: 8\n",
               ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.1.1.cjs\nnodeLinker: node-modules\n"
                              "enableScripts: false\nplugins:\n  - path: .yarn/plugins/@yarnpkg/plugin-outdated.cjs\n",
               ".yarn/releases/yarn-4.1.1.cjs": "//", ".yarn/plugins/@yarnpkg/plugin-outdated.cjs": "//"},
              copies="COPY package.json yarn.lock .yarnrc.yml ./\nCOPY .yarn/releases/yarn-4.1.1.cjs ./.yarn/releases/\n"
                     "COPY .yarn/plugins/@yarnpkg/plugin-outdated.cjs ./.yarn/plugins/@yarnpkg/\n"),
    node_case("yarn-berry-ships-its-install-state", "yarn install --immutable",
              {"package.json": pkg(packageManager="yarn@4.1.1"), "yarn.lock": "__metadata:\n  version: 8\n",
               ".yarnrc.yml": "enableScripts: false\n", ".pnp.cjs": "//"}, NOT_SAFE, names=(".pnp.cjs",)),
    node_case("yarn-berry-resolution-patch-is-copied", "yarn install --immutable",
              {"package.json": pkg(packageManager="yarn@4.1.1", resolutions={
                  "left-pad@1.3.0": "patch:left-pad@npm%3A1.3.0#./patches/left-pad.patch"}),
               "yarn.lock": "__metadata:\n  version: 8\n", ".yarnrc.yml": "enableScripts: false\n",
               "patches/left-pad.patch": "--- a\n"},
              copies="COPY package.json yarn.lock .yarnrc.yml ./\nCOPY patches/left-pad.patch ./patches/\n"),
    node_case("pnpm-patched-dependencies-are-copied", "pnpm install --frozen-lockfile --prod",
              {"package.json": pkg(pnpm={"patchedDependencies": {"express@4.19.2": "patches/express@4.19.2.patch"}}),
               "pnpm-lock.yaml": PNPM_LOCK6, "patches/express@4.19.2.patch": "--- a\n"},
              copies="COPY package.json pnpm-lock.yaml ./\nCOPY patches/express@4.19.2.patch ./patches/\n"),
    node_case("pnpm-lockfile-v6-marks-a-build", "pnpm install --frozen-lockfile",
              {"package.json": pkg(), "pnpm-lock.yaml": PNPM_LOCK6 + "\npackages:\n\n  /@prisma/engines@5.14.0:\n"
                                                                   "    requiresBuild: true\n    dev: false\n"},
              NOT_SAFE, names=("@prisma/engines",)),
    node_case("pnpm-9-lockfile-v9-does-not-record-builds", "pnpm install --frozen-lockfile",
              {"package.json": pkg(packageManager="pnpm@9.1.0"), "pnpm-lock.yaml": PNPM_LOCK9},
              NOT_SAFE, names=("does not record",)),
    node_case("pnpm-10-runs-only-allowed-builds", "pnpm install --frozen-lockfile",
              {"package.json": pkg(packageManager="pnpm@10.2.0", pnpm={"onlyBuiltDependencies": ["esbuild"]}),
               "pnpm-lock.yaml": PNPM_LOCK9},
              copies="COPY package.json pnpm-lock.yaml ./\n"),
    node_case("pnpm-10-allowing-every-build", "pnpm install --frozen-lockfile",
              {"package.json": pkg(packageManager="pnpm@10.2.0", pnpm={"dangerouslyAllowAllBuilds": True}),
               "pnpm-lock.yaml": PNPM_LOCK9}, NOT_SAFE, names=("does not record",)),
    node_case("pnpm-workspace-copies-package-manifests", "pnpm install --frozen-lockfile",
              {"package.json": pkg(packageManager="pnpm@10.2.0"), "pnpm-lock.yaml": PNPM_LOCK9,
               "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - 'libs/*'\n  - '!libs/legacy'\n",
               "apps/api/package.json": '{"name": "api"}', "libs/db/package.json": '{"name": "db"}',
               "libs/legacy/package.json": '{"name": "legacy"}'},
              copies="COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./\nCOPY apps/api/package.json ./apps/api/\n"
                     "COPY libs/db/package.json ./libs/db/\n"),
    node_case("pnpmfile-hooks-run-during-the-install", "pnpm install --frozen-lockfile",
              {"package.json": pkg(packageManager="pnpm@10.2.0"), "pnpm-lock.yaml": PNPM_LOCK9,
               ".pnpmfile.cjs": "module.exports = { hooks: {} }\n"}, NOT_SAFE, names=(".pnpmfile.cjs",)),
    Case("npm-copy-below-workdir-moves-with-absolute-destination", "DO205",
         "FROM node:20\nCOPY . /srv/app\nWORKDIR /srv/app\nRUN npm ci\n", SAFE, NPM,
         after="FROM node:20\nCOPY package.json package-lock.json /srv/app/\nWORKDIR /srv/app\nRUN npm ci\n"
               "COPY . /srv/app\n"),
]

# Go ------------------------------------------------------------------------------------------------

GO_MOD = "module github.com/acme/api\n\ngo 1.22\n\nrequire github.com/acme/internal v0.4.1\n"
GO_CONTEXT = {"go.mod": GO_MOD, "go.sum": "github.com/acme/internal v0.4.1 h1:x=\n", "main.go": "package main\n"}


def go_case(id: str, dockerfile: str, expect=SAFE, after: str | None = None, context=None, names=()) -> Case:
    return Case(id, "DO205", dockerfile, expect, context or GO_CONTEXT, names, after)


GO = [
    go_case("go-workdir-after-the-copy-moves-up",
            "FROM golang:1.22 AS build\nCOPY . /src\nWORKDIR /src\nRUN go build -o /out/api .\n",
            after="FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum /src/\nRUN go mod download\n"
                  "COPY . /src\nRUN go build -o /out/api .\n"),
    go_case("go-gopath-workdir-after-the-copy",
            "FROM golang:1.21-alpine AS builder\nCOPY . /go/src/github.com/acme/api\n"
            "WORKDIR /go/src/github.com/acme/api\nRUN CGO_ENABLED=0 go build -o /api .\n",
            after="FROM golang:1.21-alpine AS builder\nWORKDIR /go/src/github.com/acme/api\n"
                  "COPY go.mod go.sum /go/src/github.com/acme/api/\nRUN go mod download\n"
                  "COPY . /go/src/github.com/acme/api\nRUN CGO_ENABLED=0 go build -o /api .\n"),
    go_case("go-chown-copy-and-workdir-after-it",
            "FROM golang:1.22\nCOPY --chown=1000:1000 . /src\nWORKDIR /src\nRUN go build -o /out/api .\n", NONE),
    go_case("go-inline-goprivate-and-goflags-are-carried",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
            "RUN GOPRIVATE=github.com/acme/* GOFLAGS=-mod=mod go build -o /out/api ./cmd/api\n",
            after="FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\n"
                  "RUN GOPRIVATE=github.com/acme/* GOFLAGS=-mod=mod go mod download\nCOPY . .\n"
                  "RUN GOPRIVATE=github.com/acme/* GOFLAGS=-mod=mod go build -o /out/api ./cmd/api\n"),
    go_case("go-secret-mount-and-git-insteadof-are-carried",
            "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN --mount=type=secret,id=github_token \\\n"
            "    git config --global url.\"https://$(cat /run/secrets/github_token)@github.com/\".insteadOf "
            "\"https://github.com/\" && \\\n    GOPRIVATE=github.com/acme go build -o /out/api .\n",
            after="FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\n"
                  "RUN --mount=type=secret,id=github_token git config --global "
                  "url.\"https://$(cat /run/secrets/github_token)@github.com/\".insteadOf \"https://github.com/\" && "
                  "GOPRIVATE=github.com/acme go mod download\nCOPY . .\nRUN --mount=type=secret,id=github_token \\\n"
                  "    git config --global url.\"https://$(cat /run/secrets/github_token)@github.com/\".insteadOf "
                  "\"https://github.com/\" && \\\n    GOPRIVATE=github.com/acme go build -o /out/api .\n"),
    go_case("go-netrc-written-before-the-build-is-carried",
            "FROM golang:1.22\nARG GIT_TOKEN\nWORKDIR /src\nCOPY . .\n"
            "RUN echo \"machine github.com login ci password ${GIT_TOKEN}\" > /root/.netrc && go build -o /api .\n",
            after="FROM golang:1.22\nARG GIT_TOKEN\nWORKDIR /src\nCOPY go.mod go.sum ./\n"
                  "RUN echo \"machine github.com login ci password ${GIT_TOKEN}\" > /root/.netrc && go mod download\n"
                  "COPY . .\n"
                  "RUN echo \"machine github.com login ci password ${GIT_TOKEN}\" > /root/.netrc && go build -o /api .\n"),
    go_case("go-ssh-mount-and-network-are-carried",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=ssh --network=host go build -o /api .\n",
            after="FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\n"
                  "RUN --mount=type=ssh --network=host go mod download\nCOPY . .\n"
                  "RUN --mount=type=ssh --network=host go build -o /api .\n"),
    go_case("go-build-cache-mount-is-carried",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
            "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /api .\n",
            after="FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\n"
                  "RUN --mount=type=cache,target=/root/.cache/go-build go mod download\nCOPY . .\n"
                  "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /api .\n"),
    go_case("go-module-cache-mount-keeps-downloads-out-of-layers",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /api .\n",
            NONE),
    go_case("go-gopath-cache-mount-holds-the-module-cache",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go go build -o /api .\n", NONE),
    go_case("go-custom-gomodcache-on-a-cache-mount",
            "FROM golang:1.22\nENV GOMODCACHE=/cache/mod\nWORKDIR /src\nCOPY . .\n"
            "RUN --mount=type=cache,target=/cache go build -o /api .\n", NONE),
    go_case("go-setup-step-the-download-does-not-repeat",
            "FROM golang:1.22-alpine\nWORKDIR /src\nCOPY . .\nRUN apk add --no-cache git && go build -o /api .\n",
            NOT_SAFE, names=("apk add --no-cache git",)),
    go_case("go-download-step-before-the-build-is-no-setup",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download && go build -o /api .\n",
            after="FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
                  "RUN go mod download && go build -o /api .\n"),
    go_case("go-appending-setup-step-runs-twice",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
            "RUN echo 'machine git.corp login ci' >> /root/.netrc && go build -o /api .\n",
            NOT_SAFE, names=("twice",)),
    go_case("go-proxy-set-between-the-copy-and-the-build",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nENV GOPROXY=https://goproxy.corp.example\nRUN go build -o /api .\n",
            NONE),
    go_case("go-user-changes-between-the-copy-and-the-build",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nUSER 1000\nRUN go build -o /tmp/api .\n", NONE),
    go_case("go-local-replace-copies-its-go-mod",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /api .\n",
            after="FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY pkg/shared/go.mod ./pkg/shared/\n"
                  "RUN go mod download\nCOPY . .\nRUN go build -o /api .\n",
            context={**GO_CONTEXT, "go.mod": GO_MOD + "\nreplace github.com/acme/shared => ./pkg/shared\n",
                     "pkg/shared/go.mod": "module github.com/acme/shared\n\ngo 1.22\n", "pkg/shared/x.go": ""}),
    go_case("go-replace-outside-the-context",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /api .\n", NONE,
            context={**GO_CONTEXT, "go.mod": GO_MOD + "replace github.com/acme/shared => ../shared\n"}),
    go_case("go-goflags-modfile-from-env",
            "FROM golang:1.22\nENV GOFLAGS=-modfile=go.docker.mod\nWORKDIR /src\nCOPY . .\nRUN go build -o /api .\n", NONE,
            context={**GO_CONTEXT, "go.docker.mod": GO_MOD}),
    go_case("go-goflags-from-a-variable",
            "FROM golang:1.22\nARG GOFLAGS\nWORKDIR /src\nCOPY . .\nRUN GOFLAGS=\"$GOFLAGS\" go build -o /api .\n", NONE),
    go_case("go-without-go-sum",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /api .\n", NOT_SAFE,
            context={"go.mod": GO_MOD, "main.go": "package main\n"}, names=("go.sum",)),
    go_case("go-goflags-vendor-inline",
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN GOFLAGS=-mod=vendor go build -o /api .\n", NONE),
]

# Maven reactors (DO202 is UNSAFE at best) ---------------------------------------------------------


def pom(artifact: str, body: str = "", parent: bool = True) -> str:
    head = ("<parent><groupId>com.acme</groupId><artifactId>shop</artifactId><version>1.0.0-SNAPSHOT</version>"
            "</parent>" if parent else "<groupId>com.acme</groupId><version>1.0.0-SNAPSHOT</version>")
    return (f"<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>{head}"
            f"<artifactId>{artifact}</artifactId>{body}</project>")


def dep(group: str, artifact: str, version: str = "${project.version}") -> str:
    return f"<dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId><version>{version}</version></dependency>"


ROOT = pom("shop", "<packaging>pom</packaging><modules><module>core</module><module>web</module></modules>", parent=False)
SLF4J = "<dependencies>" + dep("org.slf4j", "slf4j-api", "2.0.13") + "</dependencies>"
MVN_DF = "FROM maven:3.9-eclipse-temurin-21 AS build\nWORKDIR /build\nCOPY . .\nRUN mvn -B package -DskipTests\n"


def reactor_case(id: str, core: str, web: str, expect=NONE, names=()) -> Case:
    context = {"pom.xml": ROOT, "core/pom.xml": core, "web/pom.xml": web,
               "core/src/main/java/com/acme/Core.java": "", "web/src/main/java/com/acme/Web.java": ""}
    return Case(id, "DO202", MVN_DF, expect, context, names)


MAVEN = [
    reactor_case("reactor-web-depends-on-sibling-core", pom("core", SLF4J),
                 pom("web", "<dependencies>" + dep("com.acme", "core") + "</dependencies>")),
    reactor_case("reactor-sibling-through-project-groupid", pom("core", SLF4J),
                 pom("web", "<dependencies>" + dep("${project.groupId}", "core") + "</dependencies>")),
    reactor_case("reactor-sibling-bom-import", pom("core", "<packaging>pom</packaging>"),
                 pom("web", "<dependencyManagement><dependencies><dependency><groupId>com.acme</groupId>"
                            "<artifactId>core</artifactId><version>${project.version}</version><type>pom</type>"
                            "<scope>import</scope></dependency></dependencies></dependencyManagement>")),
    reactor_case("reactor-plugin-depends-on-sibling", pom("core", SLF4J),
                 pom("web", "<build><plugins><plugin><groupId>org.codehaus.mojo</groupId>"
                            "<artifactId>jaxb2-maven-plugin</artifactId><version>3.1.0</version><dependencies>"
                            + dep("com.acme", "core") + "</dependencies></plugin></plugins></build>")),
    reactor_case("reactor-module-pom-unreadable", pom("core", SLF4J), "<project><artifactId>web"),
    Case("reactor-modules-in-a-default-profile", "DO202", MVN_DF, NONE,
         {"pom.xml": pom("shop", "<packaging>pom</packaging><modules><module>core</module></modules><profiles><profile>"
                                 "<id>full</id><activation><activeByDefault>true</activeByDefault></activation>"
                                 "<modules><module>web</module></modules></profile></profiles>", parent=False),
          "core/pom.xml": pom("core", SLF4J), "web/pom.xml": pom("web", SLF4J)}),
    reactor_case("reactor-independent-modules", pom("core", SLF4J), pom("web", SLF4J), NOT_SAFE,
                 names=("go-offline runs before the sources",)),
    Case("single-module-project", "DO202", MVN_DF, NOT_SAFE,
         {"pom.xml": pom("shop", SLF4J, parent=False), "src/main/java/com/acme/App.java": ""},
         ("go-offline",)),
]

CASES = [*PIP, *NODE, *GO, *MAVEN]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_manifests_first(case: Case, tmp_path) -> None:
    run_case(case, tmp_path)


def test_the_table_covers_each_class() -> None:
    assert len(PIP) >= 20 and len(NODE) >= 20 and len(GO) >= 10 and len(MAVEN) >= 5
    assert len({case.id for case in CASES}) == len(CASES)
