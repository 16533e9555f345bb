"""The pre-commit hooks: a valid manifest whose file pattern picks Dockerfiles, and both hooks run by
``pre-commit try-repo`` on a sample repository (installing dockeropt into pre-commit's own environment)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, require

SPLIT = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"


def manifest() -> list[dict]:
    try:
        from pre_commit.clientlib import load_manifest
    except ImportError:
        require(False, "pre-commit is not installed")
    return load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))  # pre-commit's own schema check


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.parametrize("name, picked", [
    ("Dockerfile", True), ("api/Dockerfile", True), ("web.Dockerfile", True), ("Dockerfile.dev", True),
    ("Dockerfile.dockerignore", False), ("README.md", False), ("dockerfile", False), ("Dockerfiles/x", False),
], ids=lambda v: str(v))
def test_the_hooks_pick_dockerfiles(name, picked):
    for hook in manifest():
        chosen = re.search(hook["files"], name) and not re.search(hook["exclude"], name)
        assert bool(chosen) is picked, (hook["id"], name)


def test_there_is_a_check_hook_and_a_fix_hook():
    hooks = {hook["id"]: hook["entry"] for hook in manifest()}
    assert hooks == {"dockeropt": "dockeropt --check", "dockeropt-fix": "dockeropt --write --exit-non-zero-on-fix"}


def test_the_hooks_use_the_discovery_pattern():
    from optimizer.discover import HOOK_EXCLUDE, HOOK_PATTERN

    assert {(hook["files"], hook["exclude"]) for hook in manifest()} == {(HOOK_PATTERN, HOOK_EXCLUDE)}


@pytest.fixture
def sample(tmp_path) -> Path:
    repo = tmp_path / "sample"
    repo.mkdir()
    (repo / "Dockerfile").write_text(SPLIT)
    (repo / "clean.Dockerfile").write_text("FROM scratch\nCOPY app /app\nUSER 65534:65534\n")
    (repo / "app").write_text("x\n")
    (repo / ".dockerignore").write_text("*.md\n")
    git(repo, "init", "--quiet")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "sample")
    return repo


def snapshot(tmp_path: Path) -> Path:
    """This checkout's files (committed or not, minus ignored ones) as a one-commit repository."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    copy = tmp_path / "dockeropt"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    git(copy, "init", "--quiet")
    git(copy, "add", ".")
    git(copy, "commit", "--quiet", "-m", "snapshot")
    return copy


def test_pre_commit_try_repo_runs_both_hooks_on_a_sample(tmp_path, sample):
    manifest()
    require((ROOT / ".git").exists(), "not a git checkout")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(snapshot(tmp_path)), "--all-files"],
                          cwd=sample, env=env, capture_output=True, text=True, timeout=900)
    out = done.stdout + done.stderr
    require("Installing environment" in out and "An unexpected error" not in out, f"pre-commit could not install: {out[-800:]}")
    assert done.returncode == 1, out
    assert re.search(r"dockeropt \(check\)\.+Failed", out) and "Dockerfile:2: DO101" in out
    assert re.search(r"dockeropt \(fix\)\.+Failed", out) and "files were modified by this hook" in out
    assert (sample / "Dockerfile").read_text() == (
        "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n")
    assert "clean.Dockerfile" not in out.split("dockeropt (fix)")[1]


def test_the_fix_hook_fails_when_it_only_writes_a_new_dockerignore(tmp_path):
    """pre-commit sees modified tracked files only; a new .dockerignore must fail the hook by its exit status."""
    manifest()
    require((ROOT / ".git").exists(), "not a git checkout")
    repo = tmp_path / "sample"
    repo.mkdir()
    (repo / "Dockerfile").write_text("FROM debian\nCOPY . /srv\n")
    git(repo, "init", "--quiet")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "sample")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(snapshot(tmp_path)), "dockeropt-fix",
                           "--all-files"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    out = done.stdout + done.stderr
    require("Installing environment" in out and "An unexpected error" not in out, f"pre-commit could not install: {out[-800:]}")
    assert done.returncode == 1, out
    assert re.search(r"dockeropt \(fix\)\.+Failed", out) and "exit code: 1" in out
    assert "files were modified by this hook" not in out, "pre-commit alone would not have noticed"
    assert ".git" in (repo / ".dockerignore").read_text().splitlines()
    assert (repo / "Dockerfile").read_text() == "FROM debian\nCOPY . /srv\n"


def test_the_readme_local_hook_is_valid_and_picks_what_discovery_picks(tmp_path):
    from pre_commit.clientlib import load_config

    from optimizer.discover import HOOK_EXCLUDE, HOOK_PATTERN

    readme = (ROOT / "README.md").read_text()
    start = readme.index("```yaml\nrepos:\n  - repo: local") + len("```yaml\n")
    config_file = tmp_path / ".pre-commit-config.yaml"
    config_file.write_text(readme[start:readme.index("```", start)])
    (hook,) = load_config(str(config_file))["repos"][0]["hooks"]  # pre-commit's own schema check
    assert (hook["entry"], hook["files"], hook["exclude"]) == ("dockeropt --check", HOOK_PATTERN, HOOK_EXCLUDE)
