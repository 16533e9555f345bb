"""The GitHub Action (action.yml): a composite action whose steps take their inputs from the environment;
its check and bot steps are run here with bash on a sample repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, require

SPLIT = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"


@pytest.fixture(scope="module")
def action() -> dict:
    try:
        import yaml
    except ImportError:
        require(False, "PyYAML (a pre-commit dependency) is not installed")
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_a_composite_action_whose_expressions_name_its_inputs(action):
    assert action["runs"]["using"] == "composite"
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used <= set(action["inputs"]), used - set(action["inputs"])
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], "scripts read inputs from env (no expression injection)"


def step(action: dict, name: str) -> dict:
    return next(s for s in action["runs"]["steps"] if s["name"] == name)


@pytest.fixture
def sample(tmp_path) -> Path:
    (tmp_path / "Dockerfile").write_text(SPLIT)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile.prod").write_text("FROM scratch\nCOPY app /app\n")
    (tmp_path / "api" / "app").write_text("x\n")
    (tmp_path / "api" / ".dockerignore").write_text("*.md\n")
    subprocess.run(["git", "init", "--quiet"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def run_step(action: dict, name: str, cwd: Path, **inputs: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    for key, value in step(action, name)["env"].items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", str(value))
        if match:
            env[key] = inputs.get(match.group(1), str(action["inputs"][match.group(1)]["default"]))
    return subprocess.run(["bash", "-c", step(action, name)["run"]], cwd=cwd, env=env, capture_output=True, text=True)


def test_check_mode_fails_on_fixable_dockerfiles_and_writes_sarif(action, sample):
    require((ROOT / ".venv" / "bin" / "dockeropt").exists(), "the project's .venv is not set up")
    done = run_step(action, "dockeropt check", sample, sarif="dockeropt.sarif")
    assert done.returncode == 1, done.stderr
    assert "Dockerfile:2: DO101" in done.stderr
    log = json.loads((sample / "dockeropt.sarif").read_text())
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"DO101", "DO103"}


def test_check_mode_passes_on_clean_paths(action, sample):
    require((ROOT / ".venv" / "bin" / "dockeropt").exists(), "the project's .venv is not set up")
    done = run_step(action, "dockeropt check", sample, paths="api/Dockerfile.prod")
    assert done.returncode == 0, done.stderr


def test_bot_mode_dry_run_prints_the_pull_request(action, sample):
    require((ROOT / ".venv" / "bin" / "dockeropt").exists(), "the project's .venv is not set up")
    done = run_step(action, "dockeropt bot", sample, **{"dry-run": "true", "token": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("build(docker): optimize Dockerfile (dockeropt)")
