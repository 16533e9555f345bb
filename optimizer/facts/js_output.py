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
