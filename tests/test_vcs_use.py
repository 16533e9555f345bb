"""facts.vcs_use: which build steps may ask git about the checkout, and facts.js_output: what a JS build writes."""

from __future__ import annotations

import json

import pytest

from optimizer.context import BuildContext
from optimizer.facts import js_output
from optimizer.facts.vcs_use import NONE, READS, UNKNOWN, git_use


def _context(texts: dict[str, str]) -> BuildContext:
    return BuildContext.from_listing(list(texts), texts=texts)


PACKAGE = json.dumps({"scripts": {"postinstall": "node tools/patch.js", "build": "vite build"}})

STEPS = [
    ("pip-options-before-install", ("pip", ("--no-cache-dir", "install", "flask")), {}, NONE),
    ("pip-local-project-with-scm", ("pip", ("install", ".")),
     {"pyproject.toml": "[tool.setuptools_scm]\n"}, READS),
    ("pip-requirements-unreadable", ("pip", ("install", "-r", "requirements.txt")), {}, UNKNOWN),
    ("npm-install-runs-postinstall", ("npm", ("ci",)), {"package.json": PACKAGE}, UNKNOWN),
    ("npm-install-ignoring-scripts", ("npm", ("ci", "--ignore-scripts")), {"package.json": PACKAGE}, NONE),
    ("npm-global-install", ("npm", ("install", "-g", "pm2")), {}, NONE),
    ("yarn-bare-is-an-install", ("yarn", ()), {"package.json": PACKAGE}, UNKNOWN),
    ("npm-run-vite-build", ("npm", ("run", "build")), {"package.json": PACKAGE}, NONE),
    ("gradle-without-build-file", ("gradle", ("build",)), {}, UNKNOWN),
    ("gradle-groovy-calls-git", ("gradlew", ("build",)),
     {"build.gradle": "version = 'git describe'.execute().text.trim()\n"}, READS),
    ("git-itself", ("git", ("describe",)), {}, READS),
    ("package-manager", ("apt-get", ("install", "-y", "curl")), {}, NONE),
]


@pytest.mark.parametrize("command,texts,expected", [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_git_use_of_one_step(command, texts, expected):
    use, why = git_use([(7, (command,))], _context(texts))
    assert use == expected
    assert why.startswith("line 7 runs ") if use == UNKNOWN else True


def test_an_unreadable_run_is_unknown():
    assert git_use([(3, None)], _context({}))[0] == UNKNOWN


@pytest.mark.parametrize("script,files,directory,expected", [
    ("vite build", {}, "dist", True),
    ("vite build", {"vite.config.ts": "export default { build: { outDir: 'www' } }"}, "dist", False),
    ("react-scripts build", {}, "dist", False),
    ("tsc -p . && cp -r assets dist/assets", {}, "dist", True),
    ("tsc", {"tsconfig.json": '{"compilerOptions": {"outDir": "lib"}}'}, "dist", False),
    ("next build && next export -o out", {}, "out", True),
])
def test_js_build_output_is_proven_from_the_files(script, files, directory, expected):
    context = _context({"package.json": json.dumps({"scripts": {"build": script}}), **files})
    assert js_output.writes(directory, "npm", ("run", "build"), context) is expected
