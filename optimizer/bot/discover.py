"""Find the Dockerfiles of a repository, honouring each config file's ``exclude`` globs."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from ..config_file import project_config


def is_dockerfile(name: str) -> bool:
    """``Dockerfile``, ``<name>.Dockerfile`` or ``Dockerfile.<suffix>`` (not ``Dockerfile.dockerignore``)."""
    if name.endswith(".dockerignore"):
        return False
    return name == "Dockerfile" or name.endswith(".Dockerfile") or name.startswith("Dockerfile.")


def find_dockerfiles(repo: Path) -> list[Path]:
    """The Dockerfiles under ``repo`` (regular files, .git skipped, excluded ones left out), sorted."""
    found = []
    for folder, dirs, files in os.walk(repo):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(files):
            path = Path(folder) / name
            if is_dockerfile(name) and path.is_file() and not path.is_symlink() and not _excluded(path):
                found.append(path)
    return found


def _excluded(path: Path) -> bool:
    config = project_config(path.parent)
    if not config.exclude or config.path is None:
        return False
    relative = path.resolve().relative_to(config.path.parent.resolve()).as_posix()
    return any(_glob(pattern).fullmatch(relative) for pattern in config.exclude)


@lru_cache(maxsize=None)
def _glob(pattern: str) -> re.Pattern[str]:
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
