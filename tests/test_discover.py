"""Finding Dockerfiles like ruff and black find Python files: names, folders, .gitignore, excludes, globs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from optimizer.discover import HOOK_EXCLUDE, HOOK_PATTERN, NoMatch, expand, find_dockerfiles, is_dockerfile

NAMES = [
    ("Dockerfile", True), ("Containerfile", True), ("web.Dockerfile", True), ("web.Containerfile", True),
    ("Dockerfile.dev", True), ("Containerfile.prod", True), ("Dockerfile.dockerignore", False),
    ("dockerfile", False), ("Dockerfiles", False), ("README.md", False), ("MyDockerfile", False),
    ("Containerfile.dockerignore", False),
]


@pytest.mark.parametrize("name, picked", NAMES, ids=[n for n, _ in NAMES])
def test_dockerfile_names_and_the_pre_commit_pattern_agree(name, picked):
    assert is_dockerfile(name) is picked
    for path in (name, f"api/{name}"):
        assert bool(re.search(HOOK_PATTERN, path) and not re.search(HOOK_EXCLUDE, path)) is picked, path


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def found(root: Path, start: Path | None = None) -> list[str]:
    return [p.relative_to(root).as_posix() for p in find_dockerfiles(start or root)]


def test_dependency_and_vcs_folders_are_skipped(tmp_path):
    names = ["Dockerfile", "node_modules/x/Dockerfile", "vendor/y/Dockerfile", ".git/Dockerfile", ".venv/Dockerfile",
             "api/Containerfile"]
    tree(tmp_path, dict.fromkeys(names, "FROM scratch\n"))
    assert found(tmp_path) == ["Dockerfile", "api/Containerfile"]


def test_gitignore_files_are_honoured_nested_negated_and_from_above(tmp_path):
    tree(tmp_path, {
        ".gitignore": "build/\n*.tmp.Dockerfile\n/generated\n",
        "Dockerfile": "", "build/Dockerfile": "", "x.tmp.Dockerfile": "", "generated/Dockerfile": "",
        "svc/generated/Dockerfile": "",  # `/generated` is anchored to the top folder only
        "svc/.gitignore": "Dockerfile.*\n!Dockerfile.prod\n",
        "svc/Dockerfile.dev": "", "svc/Dockerfile.prod": "",
        "build.Dockerfile": "",  # `build/` names folders only
    })
    (tmp_path / ".git").mkdir()
    assert found(tmp_path) == ["Dockerfile", "build.Dockerfile", "svc/Dockerfile.prod", "svc/generated/Dockerfile"]
    # walking a subfolder still applies the repository's .gitignore above it
    tree(tmp_path, {"svc/build/Dockerfile": ""})
    assert found(tmp_path, tmp_path / "svc") == ["svc/Dockerfile.prod", "svc/generated/Dockerfile"]


def test_config_exclude_applies_to_folders_walked(tmp_path):
    tree(tmp_path, {".dockeropt.toml": 'exclude = ["examples/"]\n', "Dockerfile": "", "examples/Dockerfile": ""})
    assert found(tmp_path) == ["Dockerfile"]


def test_expand_walks_folders_expands_quoted_globs_and_keeps_named_files(tmp_path, monkeypatch):
    tree(tmp_path, {".gitignore": "old/\n", "a/Dockerfile": "", "b/Dockerfile": "", "b/web.Dockerfile": "",
                    "old/Dockerfile": "", "notes.txt": ""})
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    assert expand(["."]) == ["a/Dockerfile", "b/Dockerfile", "b/web.Dockerfile"]
    assert expand(["*/Dockerfile"]) == ["a/Dockerfile", "b/Dockerfile", "old/Dockerfile"]
    assert expand(["**/*.Dockerfile", "b"]) == ["b/web.Dockerfile", "b/Dockerfile"]
    assert expand(["old/Dockerfile", "-"]) == ["old/Dockerfile", "-"], "a named file is always taken"
    assert expand(["missing/Dockerfile"]) == ["missing/Dockerfile"], "left to report 'no such file'"
    with pytest.raises(NoMatch, match=r"^nothing/\*\.Dockerfile: no file matches$"):
        expand(["nothing/*.Dockerfile"])
    assert expand([str(tmp_path / "a")]) == [os.path.join(str(tmp_path), "a", "Dockerfile")]
