"""Which files are Dockerfiles: names, folders walked like ruff and black do, globs, excludes.

One module for the CLI, the bot, the pre-commit hooks (their ``files`` pattern is ``HOOK_PATTERN``)
and the GitHub Action (which hands its ``paths`` to the CLI). A folder is walked recursively,
skipping ``SKIPPED_DIRS``, what ``.gitignore`` files (and ``.git/info/exclude``) ignore, and what the
config's ``exclude`` globs name. A file named on the command line is always taken, as with ruff.
"""

from __future__ import annotations

import glob
import os
import re
from functools import lru_cache
from pathlib import Path

from .record import record

SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", ".venv", "venv", ".tox",
                          "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
HOOK_PATTERN = r"(^|/)((Docker|Container)file(\.[^/]*)?|[^/]*\.(Docker|Container)file)$"
HOOK_EXCLUDE = r"\.dockerignore$"
_GLOB_CHARS = re.compile(r"[*?[]")


class NoMatch(Exception):
    """A path that is neither a file, a folder nor a glob that matches anything."""


def is_dockerfile(name: str) -> bool:
    """``Dockerfile``, ``Containerfile``, ``<x>.Dockerfile``, ``<x>.Containerfile`` or ``Dockerfile.<x>``
    (``Containerfile.<x>``), but not ``Dockerfile.dockerignore``."""
    if name.endswith(".dockerignore"):
        return False
    return any(name == base or name.endswith("." + base) or name.startswith(base + ".")
               for base in ("Dockerfile", "Containerfile"))


def expand(paths: tuple[str, ...] | list[str]) -> list[str]:
    """The Dockerfiles the command-line paths name, in order and without repeats: ``-`` and files as
    given, folders walked, globs (quoted, so the shell left them) expanded. Raises NoMatch."""
    found: dict[str, None] = {}
    for path in paths:
        if path == "-" or os.path.isfile(path) or os.path.islink(path):
            found[path] = None
        elif os.path.isdir(path):
            found.update((os.path.normpath(p), None) for p in find_dockerfiles(Path(path)))
        elif _GLOB_CHARS.search(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                raise NoMatch(f"{path}: no file matches")
            found.update(dict.fromkeys(expand(matches)))
        else:
            found[path] = None  # reading it reports "no such file" with the other errors
    return list(found)


def find_dockerfiles(root: Path) -> list[Path]:
    """The Dockerfiles under ``root`` (regular files, skipped folders and ignored or excluded files left out), sorted."""
    inherited = {root: _repository_rules(root)}
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rules = inherited.pop(here) + _rules(_absolute(here), _text(here / ".gitignore"))
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not _ignored(rules, here / d, is_dir=True))
        inherited.update((here / d, rules) for d in dirs)
        for name in sorted(files):
            path = here / name
            if (is_dockerfile(name) and path.is_file() and not path.is_symlink()
                    and not _ignored(rules, path, is_dir=False) and not excluded(path)):
                found.append(path)
    return found


def excluded(path: Path) -> bool:
    """Whether the ``exclude`` globs of the config file that applies to ``path`` name it."""
    from .config_file import project_config

    config = project_config(path.parent)
    if not config.exclude or config.path is None:
        return False
    relative = path.resolve().relative_to(config.path.parent.resolve()).as_posix()
    return any(glob_regex(pattern).fullmatch(relative) for pattern in config.exclude)


@lru_cache(maxsize=None)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob: ``*`` and ``?`` stay inside one folder, ``**`` spans folders (``dir/`` means ``dir/**``)."""
    if pattern.endswith("/"):
        pattern = pattern.rstrip("/") + "/**"
    pattern = pattern.lstrip("/")
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


@record
class _Rule:
    """One ``.gitignore`` line, relative to the folder of its file."""

    base: Path
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool


def _rules(base: Path, text: str) -> tuple[_Rule, ...]:
    """The rules of a ``.gitignore`` in ``base`` (gitignore(5): a pattern without an inner ``/`` matches at any depth)."""
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line.removeprefix("\\")
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        if "/" not in line:
            line = "**/" + line
        rules.append(_Rule(base, glob_regex(line), negated, dir_only))
    return tuple(rules)


def _repository_rules(root: Path) -> tuple[_Rule, ...]:
    """The rules of the repository above ``root``: ``.git/info/exclude`` and the ``.gitignore`` files of
    the folders from the repository's top down to ``root``'s parent (none outside a repository)."""
    chain = [_absolute(root)]
    while not (chain[-1] / ".git").exists() and chain[-1].parent != chain[-1]:
        chain.append(chain[-1].parent)
    top = chain[-1]
    if not (top / ".git").exists():
        return ()
    rules = _rules(top, _text(top / ".git" / "info" / "exclude"))
    for folder in reversed(chain[1:]):
        rules += _rules(folder, _text(folder / ".gitignore"))
    return rules


def _ignored(rules: tuple[_Rule, ...], path: Path, *, is_dir: bool) -> bool:
    """Whether the last rule that matches ``path`` ignores it (a ``!`` rule takes it back)."""
    verdict = False
    absolute = _absolute(path)
    for rule in rules:
        if rule.dir_only and not is_dir or not absolute.is_relative_to(rule.base):
            continue
        if rule.regex.fullmatch(absolute.relative_to(rule.base).as_posix()):
            verdict = not rule.negated
    return verdict


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
