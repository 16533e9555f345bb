"""The import contract of ``optimizer/``: layers import only downwards, model / shell / context stay
independent of each other, and imports inside the package are relative.

Read from the source with ``ast`` (every import counts: at module level, inside a function for
laziness, and under ``TYPE_CHECKING``), so a violation fails here naming the importing module, the
imported one and the rule it breaks.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "optimizer"

#: Lowest first: a module may import its own layer and the layers below it, never one above. Entries
#: are packages or modules (a package covers its submodules); ``optimizer`` is the package's own
#: ``__init__`` (the public ``parse``/``optimize``), not everything under it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The Dockerfile model, the shell reader, the build context, text edits, file I/O, diffs and the
    # ``@record`` classes every layer declares its data with.
    ("foundation", ("optimizer.model", "optimizer.shell", "optimizer.context", "optimizer.edits",
                    "optimizer.fileio", "optimizer.diff", "optimizer.record")),
    # What the Dockerfile does: scripts, copies, paths, tools, manifests read; and the builders of new
    # lines (they extend a RUN's script, and facts name the lines they plan).
    ("facts", ("optimizer.facts", "optimizer.builders")),
    # The passes with what they share: the options (Config and which passes it selects), the rewrite
    # checks (postcheck) and suppression comments.
    ("passes", ("optimizer.passes", "optimizer.postcheck", "optimizer.suppress", "optimizer.config",
                "optimizer.selection")),
    ("pipeline", ("optimizer.pipeline", "optimizer")),
    # What users run: reports, the file session, the commands (with their shared argument parser and
    # the passes' options as flags and keys), the bot, verify, the rule docs, the configuration file
    # and Dockerfile discovery.
    ("front ends", ("optimizer.report", "optimizer.session", "optimizer.cli", "optimizer.console",
                    "optimizer.command", "optimizer.options", "optimizer.bot", "optimizer.verify",
                    "optimizer.docs", "optimizer.rules", "optimizer.discover", "optimizer.config_file")),
)

#: Packages of the lowest layer that must not import one another.
INDEPENDENT = ("optimizer.model", "optimizer.shell", "optimizer.context")


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _within(module: str, entry: str) -> bool:
    if entry == "optimizer":
        return module == entry
    return module == entry or module.startswith(entry + ".")


def _owner(module: str, entries: tuple[str, ...]) -> str | None:
    """The longest entry covering ``module``."""
    return max((e for e in entries if _within(module, e)), key=len, default=None)


def layer_of(module: str) -> int | None:
    """The index in LAYERS of the layer ``module`` belongs to (None: in no layer)."""
    owners = [(len(e), i) for i, (_, entries) in enumerate(LAYERS) for e in entries if _within(module, e)]
    return max(owners)[1] if owners else None


def imports(path: Path, package: Path) -> list[tuple[int, str, bool]]:
    """(line, imported module, written relatively) for each import of the package in ``path``; ``from X
    import name`` imports ``X.name`` when that is a module, else ``X``."""
    module = _module_name(path, package)
    here = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, False) for a in node.names if a.name.split(".")[0] == package.name]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and node.module.split(".")[0] == package.name:
                target = node.module
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                is_module = (package.parent / sub.replace(".", "/")).with_suffix(".py").is_file() or \
                    (package.parent / sub.replace(".", "/") / "__init__.py").is_file()
                found.append((node.lineno, sub if is_module else target, bool(node.level)))
    return list(dict.fromkeys(found))


def _sources(package: Path) -> list[Path]:
    return sorted(package.rglob("*.py"))


def unplaced(package: Path) -> list[str]:
    """Modules in no layer."""
    return [f"{_module_name(p, package)} ({p.relative_to(package.parent).as_posix()}) is in no layer: add it to LAYERS "
            f"in {Path(__file__).name}" for p in _sources(package) if layer_of(_module_name(p, package)) is None]


def violations(package: Path) -> list[str]:
    """Every import that points up a layer or joins two independent packages, one line each."""
    names = " -> ".join(name for name, _ in LAYERS)
    found = []
    for path in _sources(package):
        importer = _module_name(path, package)
        where = f"{path.relative_to(package.parent).as_posix()}"
        for line, imported, _ in imports(path, package):
            low, high = layer_of(importer), layer_of(imported)
            if low is not None and high is not None and high > low:
                found.append(f"{where}:{line}: {importer} ({LAYERS[low][0]}) imports {imported} ({LAYERS[high][0]}): "
                             f"a layer imports only itself and the layers below it ({names})")
            mine, theirs = _owner(importer, INDEPENDENT), _owner(imported, INDEPENDENT)
            if mine and theirs and mine != theirs:
                found.append(f"{where}:{line}: {importer} imports {imported}: {', '.join(INDEPENDENT)} "
                             "are independent of one another")
    return found


def absolute_imports(package: Path) -> list[str]:
    """Imports of the package written absolutely inside it."""
    return [f"{path.relative_to(package.parent).as_posix()}:{line}: {_module_name(path, package)} imports {imported} "
            "absolutely: inside the package, imports are relative"
            for path in _sources(package) for line, imported, relative in imports(path, package) if not relative]


def test_every_module_is_in_a_layer():
    assert unplaced(PACKAGE) == []


def test_no_import_points_up_a_layer():
    assert violations(PACKAGE) == []


def test_imports_inside_the_package_are_relative():
    assert absolute_imports(PACKAGE) == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "optimizer"


def test_an_upward_import_is_named_with_both_modules_and_the_rule(tmp_path):
    package = _tree(tmp_path, {
        "optimizer/__init__.py": "",
        "optimizer/pipeline.py": "def optimize(): ...\n",
        "optimizer/model/__init__.py": "",
        "optimizer/model/parse.py": "def parse():\n    from ..pipeline import optimize\n",
        "optimizer/facts/__init__.py": "",
        "optimizer/facts/copies.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                     "    from ..passes.base import Pass\n",
        "optimizer/passes/__init__.py": "",
        "optimizer/passes/base.py": "from ..facts import copies\nfrom ..shell import words\n",
        "optimizer/shell/__init__.py": "",
        "optimizer/shell/words.py": "from ..model.parse import parse\n",
    })
    found = violations(package)
    assert found == [
        "optimizer/facts/copies.py:3: optimizer.facts.copies (facts) imports optimizer.passes.base (passes): "
        "a layer imports only itself and the layers below it (foundation -> facts -> passes -> pipeline -> front ends)",
        "optimizer/model/parse.py:2: optimizer.model.parse (foundation) imports optimizer.pipeline (pipeline): "
        "a layer imports only itself and the layers below it (foundation -> facts -> passes -> pipeline -> front ends)",
        "optimizer/shell/words.py:1: optimizer.shell.words imports optimizer.model.parse: optimizer.model, "
        "optimizer.shell, optimizer.context are independent of one another",
    ]


def test_an_absolute_import_and_an_unplaced_module_are_named(tmp_path):
    package = _tree(tmp_path, {
        "optimizer/__init__.py": "",
        "optimizer/model/__init__.py": "import optimizer.shell\n",
        "optimizer/shell/__init__.py": "",
        "optimizer/newthing.py": "from optimizer.model import x\n",
    })
    assert absolute_imports(package) == [
        "optimizer/model/__init__.py:1: optimizer.model imports optimizer.shell absolutely: inside the package, "
        "imports are relative",
        "optimizer/newthing.py:1: optimizer.newthing imports optimizer.model absolutely: inside the package, "
        "imports are relative",
    ]
    assert unplaced(package) == [
        f"optimizer.newthing (optimizer/newthing.py) is in no layer: add it to LAYERS in {Path(__file__).name}"]
