"""Whether build steps may ask git about the checkout (read ``.git``): known yes, known no, or unknown.

A step is judged by what it runs. ``git`` reads; file, package and user tools do not; a build tool
runs what the project's files define (package.json scripts, a Makefile, setup.py, pom.xml ...), so
those files are read and searched for git use (a plugin, ``git describe``), and the scripts they
name are judged the same way; a file that cannot be read, and any program not modelled here, is
unknown. ``go build`` stamps the commit from ``.git`` into the binary: unknown, with that reason.
The answer holds provided the tools' own plugins and dependencies do not run git unseen.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..shell import parse_script
from ..shell.grammars import PYTHON_NAME, program_key

if TYPE_CHECKING:
    from ..context import BuildContext

READS, UNKNOWN, NONE = "reads", "unknown", "none"
_RANK = {NONE: 0, UNKNOWN: 1, READS: 2}

#: Build-file text that shows the build asks git (a git plugin, versions from tags).
VCS_MARKERS = ("git-commit-id", "buildnumber-maven-plugin", "jgit", "git-properties", "gitproperties",
               "git-version", "gitversion", "grgit", "axion-release", "nebula.release", "jgitver",
               "husky", "simple-git", "git-rev", "setuptools_scm", "setuptools-scm", "versioneer",
               "hatch-vcs", "dunamai", "pbr", "dynamic-versioning", "vergen", "git describe",
               "git rev-parse")
#: Programs that never ask git about the checkout they run in (file, package, user and text tools).
_NO_GIT = frozenset("""
    apt-get apt apk yum dnf microdnf zypper dpkg rpm mkdir cp mv rm rmdir chmod chown chgrp ln echo printf
    cat ls touch true false test [ : set export cd pwd env sed awk grep find xargs tar unzip gzip gunzip
    curl wget useradd adduser addgroup groupadd usermod id whoami sleep sort uniq head tail tee wc cut tr
    update-ca-certificates ldconfig locale-gen localedef ulimit umask exit source . java
""".split())
#: Build tools whose steps the project's files define: (files to read, glob-like suffixes of more).
_PROJECT_FILES = {
    "maven": ("pom.xml", ".mvn/extensions.xml"),
    "gradle": ("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.properties"),
    "sbt": ("build.sbt",),
    "cargo": ("Cargo.toml", "build.rs"),
    "python": ("setup.py", "setup.cfg", "pyproject.toml"),
    "make": ("Makefile", "makefile", "GNUmakefile"),
}
_TOOLS = {"mvn": "maven", "mvnw": "maven", "gradle": "gradle", "gradlew": "gradle", "sbt": "sbt",
          "cargo": "cargo", "make": "make", "poetry": "python", "pdm": "python", "hatch": "python",
          "pipenv": "python", "flit": "python"}
_NODE = frozenset(("npm", "yarn", "pnpm", "bun"))
_NODE_INSTALL = frozenset(("install", "i", "ci", "add"))
_NODE_LIFECYCLE = ("preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare")
#: JavaScript tools that only read the project's sources and their own config file (``<name>.config.*``).
_JS_TOOLS = frozenset(("vite", "webpack", "tsc", "next", "react-scripts", "ng", "vue-cli-service", "parcel",
                       "rollup", "esbuild", "nuxt", "astro", "svelte-kit", "remix", "eslint", "jest", "vitest"))
_GIT_WORD = re.compile(r"\bgit\b")
_DECLARATIVE = (".xml", ".toml", ".cfg", ".properties", ".json")
_DEPTH = 4


def git_use(steps: Iterable[tuple[int, tuple[tuple[str, tuple[str, ...]], ...] | None]],
            context: BuildContext) -> tuple[str, str]:
    """How the steps use git: ``(READS|UNKNOWN|NONE, why)``, the worst step deciding.

    Each step is ``(line, commands)``; ``commands`` is None for a RUN that cannot be read as shell.
    """
    worst = (NONE, "")
    for line, commands in steps:
        if commands is None:
            found = (UNKNOWN, f"the RUN at line {line} cannot be read as shell: it may ask git")
        else:
            found = _worst(_command(program, args, context, 0) for program, args in commands)
            if found[0] == UNKNOWN:
                found = (UNKNOWN, f"line {line} {found[1]}")
        if _RANK[found[0]] > _RANK[worst[0]]:
            worst = found
        if worst[0] == READS:
            break
    return worst


def _worst(verdicts: Iterable[tuple[str, str]]) -> tuple[str, str]:
    worst = (NONE, "")
    for verdict in verdicts:
        if _RANK[verdict[0]] > _RANK[worst[0]]:
            worst = verdict
    return worst


def _command(program: str, args: tuple[str, ...], context: BuildContext, depth: int) -> tuple[str, str]:
    name = program_key(program)
    if name == "git":
        return READS, "runs git"
    if name in _NO_GIT or not name:
        return NONE, ""
    if name == "go":
        if args[:1] and args[0] in ("build", "install", "run", "test", "generate") \
                and not any(a.startswith("-buildvcs") for a in args):
            return UNKNOWN, ("runs `go " + args[0] + "`, which stamps the commit from .git into the binary "
                             "(vcs.revision in debug.ReadBuildInfo); without .git it is not stamped")
        return NONE, ""
    if depth > _DEPTH:
        return UNKNOWN, f"runs {name} through too many scripts to follow"
    if name == "make":
        return _make(context, depth)
    if name in _TOOLS:
        return _project(_TOOLS[name], name, context)
    if name in _NODE:
        return _node(name, args, context, depth)
    if name in _JS_TOOLS:
        return _files(_js_configs(name, context), name, context)
    if name in ("pip", "uv") or PYTHON_NAME.fullmatch(name):
        return _python(name, args, context)
    if name in ("sh", "bash", "ash", "dash"):
        return _shell(name, args, context, depth)
    if "/" in program or program.endswith(".sh"):
        return _script(program, context, depth)
    return UNKNOWN, f"runs `{name}`, which dockeropt does not model: it may ask git"


def _project(kind: str, name: str, context: BuildContext) -> tuple[str, str]:
    """A build tool: what the project's build files define (every pom.xml of a Maven reactor)."""
    paths = [p for p in _PROJECT_FILES[kind] if p in context.files]
    if kind == "maven":
        paths += [p for p in context.files if posixpath.basename(p) == "pom.xml" and p not in paths]
    if kind == "gradle":
        paths += [p for p in context.files if p.startswith("buildSrc/") and p.endswith((".gradle", ".kts"))]
    if not paths:
        return UNKNOWN, f"runs {name}, and its build file is not in the context"
    return _files(paths, name, context)


def _files(paths: list[str], name: str, context: BuildContext) -> tuple[str, str]:
    """Search the files a tool follows for git use; unreadable ones make the answer unknown. Code
    (setup.py, build.gradle, a Makefile) counts any ``git`` word; declarative files (XML, TOML,
    properties) only the markers of git plugins."""
    for path in paths[:50]:
        text = context.read_text(path)
        if text is None:
            return UNKNOWN, f"runs {name}, which follows {path}, and dockeropt cannot read it"
        lower = text.lower()
        code = not path.endswith(_DECLARATIVE)
        if any(marker in lower for marker in VCS_MARKERS) or (code and _GIT_WORD.search(text)):
            return READS, f"runs {name}, and {path} uses git"
    if len(paths) > 50:
        return UNKNOWN, f"runs {name}, which follows more build files than dockeropt reads"
    return NONE, ""


def _make(context: BuildContext, depth: int) -> tuple[str, str]:
    """``make``: the Makefile's git use, then its recipes (tab-indented lines) judged as shell."""
    found = _project("make", "make", context)
    if found[0] != NONE:
        return found
    path = next(p for p in _PROJECT_FILES["make"] if p in context.files)
    recipes = [line[1:].lstrip("@-+") for line in (context.read_text(path) or "").splitlines()
               if line.startswith("\t")]
    return _script_text("\n".join(recipes), f"{path}'s recipes", context, depth + 1)


def _js_configs(tool: str, context: BuildContext) -> list[str]:
    """The tool's config files at the context root (``vite.config.ts``, ``next.config.mjs`` ...)."""
    return [p for p in context.files if "/" not in p and p.startswith((f"{tool}.config.", f".{tool}rc"))]


def _node(name: str, args: tuple[str, ...], context: BuildContext, depth: int) -> tuple[str, str]:
    """npm/yarn/pnpm/bun: installs run the root package's lifecycle scripts, ``run x`` runs script x."""
    positional = [a for a in args if not a.startswith("-")]
    if any(a in ("-g", "--global") for a in args) or positional[:1] == ["global"]:
        return NONE, ""
    if "package.json" not in context.files:
        return UNKNOWN, f"runs {name} without a package.json dockeropt can see"
    text = context.read_text("package.json")
    try:
        scripts = json.loads(text).get("scripts") or {} if text is not None else None
    except (ValueError, AttributeError):
        scripts = None
    if not isinstance(scripts, dict):
        return UNKNOWN, f"runs {name}, and dockeropt cannot read package.json's scripts"
    if any(p.startswith(".husky/") for p in context.files) or "husky" in (text or "").lower():
        return READS, f"runs {name}, and husky's install asks git"
    first = positional[0] if positional else "install"
    if first in _NODE_INSTALL or (name == "yarn" and not positional):
        if "--ignore-scripts" in args:
            return NONE, ""
        names = list(_NODE_LIFECYCLE)
    elif first in ("run", "run-script") and len(positional) > 1:
        names = [f"pre{positional[1]}", positional[1], f"post{positional[1]}"]
    elif first in ("exec", "dlx", "x"):
        return UNKNOWN, f"runs `{name} {first}`, which dockeropt does not model: it may ask git"
    else:
        names = [f"pre{first}", first, f"post{first}"]
    return _worst(_script_text(str(scripts[n]), f"{name} script `{n}`", context, depth + 1)
                  for n in names if n in scripts)


def _python(name: str, args: tuple[str, ...], context: BuildContext) -> tuple[str, str]:
    """pip/uv/python: installing or building the project runs its build backend (setuptools-scm ...)."""
    words = list(args)
    if PYTHON_NAME.fullmatch(name):
        if words[:2] == ["-m", "pip"] or words[:2] == ["-m", "build"]:
            words = words[2:] if words[1] == "pip" else ["install", "."]
        elif words[:1] == ["setup.py"]:
            return _project("python", "setup.py", context)
        elif words[:2] == ["-m", "venv"] or words[:1] == ["-c"]:
            return (NONE, "") if words[:2] == ["-m", "venv"] else (UNKNOWN, "runs `python -c`, which may ask git")
        else:
            return UNKNOWN, f"runs `{name} {' '.join(words[:1])}`, which dockeropt does not model: it may ask git"
    if name == "uv" and words[:1] == ["pip"]:
        words = words[1:]
    sub = next((w for w in words if not w.startswith("-")), "")
    if sub != "install":
        return (_project("python", f"{name} {sub}", context) if name == "uv"
                else (UNKNOWN, f"runs `{name} {sub}`, which dockeropt does not model: it may ask git"))
    local = False
    for i, word in enumerate(words[1:], 1):
        if word in ("-r", "--requirement", "-c", "--constraint") and i + 1 < len(words):
            text = context.read_text(words[i + 1].removeprefix("./"))
            if text is None:
                return UNKNOWN, f"runs {name} install -r {words[i + 1]}, which dockeropt cannot read"
            local = local or any(line.strip().startswith(("-e", ".", "/")) for line in text.splitlines())
        elif word in ("-e", "--editable") or word.startswith((".", "/")):
            local = True
    return _project("python", f"{name} install", context) if local else (NONE, "")


def _shell(name: str, args: tuple[str, ...], context: BuildContext, depth: int) -> tuple[str, str]:
    """``sh -c '...'`` is judged as its script, ``sh file`` as the file."""
    if "-c" in args:
        at = args.index("-c") + 1
        return _script_text(args[at], f"{name} -c", context, depth + 1) if at < len(args) else (NONE, "")
    files = [a for a in args if not a.startswith("-")]
    return _script(files[0], context, depth) if files else (UNKNOWN, f"runs {name} on its input")


def _script(path: str, context: BuildContext, depth: int) -> tuple[str, str]:
    """A script of the context, judged command by command (only a relative path can be found)."""
    key = posixpath.normpath(path) if not path.startswith("/") else None
    text = context.read_text(key) if key else None
    if text is None:
        return UNKNOWN, f"runs {path}, which dockeropt cannot read: it may ask git"
    return _script_text(text, path, context, depth + 1)


def _script_text(text: str, where: str, context: BuildContext, depth: int) -> tuple[str, str]:
    script = parse_script(text)
    if script.has_errors:
        return UNKNOWN, f"runs {where}, which dockeropt cannot read as shell"
    found = _worst(_command(c.name or "", tuple(w.value or w.text_raw for w in c.words), context, depth)
                   for c in script.commands)
    if found[0] != NONE and not found[1].startswith(f"runs {where}"):
        found = (found[0], f"runs {where}, which {found[1]}")
    return found
