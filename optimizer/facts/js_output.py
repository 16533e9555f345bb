"""Whether a JavaScript build step provably writes a given output directory (``dist``, ``out`` ...).

Known from the project's files only: the package.json script the step runs names the directory,
or runs a tool whose default output it is (``vite build`` -> ``dist``) while the tool's config file
does not move it (``outDir``, ``output``, ``distDir``); ``tsc`` writes where tsconfig.json's
``outDir`` says. Anything else is not proven.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import TYPE_CHECKING

from ..shell import parse_script
from ..shell.grammars import program_key

if TYPE_CHECKING:
    from ..context import BuildContext

_NODE = frozenset(("npm", "yarn", "pnpm", "bun"))
#: Tools and the directory they write by default.
_DEFAULT_OUTPUT = {"vite": "dist", "vue-cli-service": "dist", "parcel": "dist", "ng": "dist", "webpack": "dist",
                   "react-scripts": "build", "next": ".next"}
#: Config words that move a tool's output elsewhere.
_MOVES_OUTPUT = ("outdir", "output", "distdir", "outputpath")


def writes(directory: str, program: str, args: tuple[str, ...], context: BuildContext, project: str = "") -> bool:
    """The command ``program args`` (run in ``project``, a context folder) writes ``directory``."""
    name = program_key(program)
    if name in _NODE:
        text = _script(name, args, context, project)
        return text is not None and _script_writes(directory, text, context, project)
    return _tool_writes(directory, name, context, project)


def _script(name: str, args: tuple[str, ...], context: BuildContext, project: str) -> str | None:
    """The package.json script an npm/yarn/pnpm/bun command runs (None: not a script run, or unreadable)."""
    positional = [a for a in args if not a.startswith("-")]
    if positional[:1] in (["run"], ["run-script"]):
        positional = positional[1:]
    if not positional:
        return None
    text = context.read_text(posixpath.join(project, "package.json"))
    try:
        scripts = (json.loads(text).get("scripts") or {}) if text is not None else {}
    except (ValueError, AttributeError):
        return None
    script = scripts.get(positional[0]) if isinstance(scripts, dict) else None
    return script if isinstance(script, str) else None


def _script_writes(directory: str, text: str, context: BuildContext, project: str) -> bool:
    if re.search(rf"(?<![\w./-]){re.escape(directory)}(?![\w-])", text):
        return True
    script = parse_script(text)
    return not script.has_errors and any(
        _tool_writes(directory, program_key(c.name or ""), context, project) for c in script.commands)


def _tool_writes(directory: str, tool: str, context: BuildContext, project: str) -> bool:
    if tool == "tsc":
        config = context.read_text(posixpath.join(project, "tsconfig.json")) or ""
        match = re.search(r'"outDir"\s*:\s*"(?:\./)?([^"/]+)/?"', config)
        return match is not None and match.group(1) == directory
    if _DEFAULT_OUTPUT.get(tool) != directory:
        return False
    configs = [p for p in context.files if posixpath.dirname(p) == project
               and posixpath.basename(p).startswith((f"{tool}.config.", "angular.json"))]
    for path in configs:
        text = context.read_text(path)
        if text is None or any(word in text.lower() for word in _MOVES_OUTPUT):
            return False
    return True


#: Options of build tools that name their output directory.
_OUTPUT_FLAGS = ("--outdir", "--out-dir", "--outfile", "--output-path", "--dist-dir", "--output", "-o", "-d")
#: Tools (besides those of ``_DEFAULT_OUTPUT``) that build a project's assets or code, and what they write.
_BUILD_DEFAULTS = {**_DEFAULT_OUTPUT, "nest": "", "tsc": "", "rollup": "", "esbuild": "", "babel": "", "tsup": ""}


def builds(program: str, args: tuple[str, ...], context: BuildContext, project: str = "") -> bool:
    """The command ``program args`` runs a JavaScript build: a build tool (``tsc``, ``vite build`` ...),
    or an npm/yarn/pnpm script that runs one (or whose name starts with ``build``)."""
    return _build_output(program, args, context, project, 0) is not None


def output_of(program: str, args: tuple[str, ...], context: BuildContext, project: str = "") -> str | None:
    """The one directory (relative to ``project``, e.g. ``dist``) a build step writes, when the project's
    files tell it: a tool's default unmoved by its config, tsconfig's ``outDir``, an output option in the
    script (``--outDir build``). None: not a build, several, or not known."""
    found = _build_output(program, args, context, project, 0)
    return found if found else None


def _build_output(program: str, args: tuple[str, ...], context: BuildContext, project: str,
                  depth: int) -> str | None:
    """"" for a build whose output is not known, None for no build, else the output directory."""
    name = program_key(program)
    if name == "npx":
        rest = [a for a in args if not a.startswith("-")]
        return _build_output(rest[0], tuple(rest[1:]), context, project, depth) if rest else None
    if name in _NODE:
        return _script_output(name, args, context, project, depth)
    if name not in _BUILD_DEFAULTS or (name in ("vite", "ng", "next", "react-scripts", "vue-cli-service", "nest")
                                       and "build" not in args):
        return None
    flagged = _flag_output(args)
    if flagged is not None:
        return flagged
    if name == "tsc":
        config = context.read_text(posixpath.join(project, "tsconfig.json")) or ""
        match = re.search(r'"outDir"\s*:\s*"(?:\./)?([^"]+?)/?"', config)
        return _top(match.group(1)) if match else ""
    default = _BUILD_DEFAULTS[name]
    return default if default and _tool_writes(default, name, context, project) else ""


def _script_output(name: str, args: tuple[str, ...], context: BuildContext, project: str, depth: int) -> str | None:
    positional = [a for a in args if not a.startswith("-")]
    script_name = positional[1] if positional[:1] in (["run"], ["run-script"]) and len(positional) > 1 else (
        positional[0] if positional else None)
    text = _script(name, args, context, project)
    if text is None or script_name is None or depth > 2:
        return None
    script = parse_script(text)
    if script.has_errors:
        return "" if script_name.startswith("build") else None
    found = [_build_output(c.name or "", tuple(w.value or "" for w in c.words), context, project, depth + 1)
             for c in script.commands]
    outputs = {f for f in found if f is not None}
    if not outputs:
        return "" if script_name.startswith("build") else None
    return outputs.pop() if len(outputs) == 1 else ""


def _flag_output(args: tuple[str, ...]) -> str | None:
    for i, arg in enumerate(args):
        flag, eq, value = arg.partition("=")
        if flag.lower() in _OUTPUT_FLAGS:
            value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            return _top(value)
    return None


def _top(path: str) -> str:
    """The first folder of a relative path inside the project ("" when absolute, outside or a variable)."""
    path = posixpath.normpath(path)
    if path.startswith(("/", "..")) or "$" in path or path == ".":
        return ""
    return path.split("/")[0]
