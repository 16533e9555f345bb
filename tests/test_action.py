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
        if "uses" in step:
            continue
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], "scripts read inputs from env (no expression injection)"


def test_python_comes_from_setup_python_with_a_pip_cache_and_dockeropt_goes_into_a_venv(action):
    steps = action["runs"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert uses == ["actions/setup-python@v5", "actions/cache@v4"]
    cache = next(s for s in steps if s.get("uses") == "actions/cache@v4")
    assert cache["with"]["path"] == "${{ steps.pip-cache.outputs.dir }}"
    install = step(action, "Install dockeropt")["run"]
    assert 'python -m venv "$venv"' in install and '>> "$GITHUB_PATH"' in install
    assert "pip install" not in install.replace('"$bin/python" -m pip install', ""), "never into the system Python"


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


def test_check_mode_expands_globs_in_paths_and_annotates(action, sample):
    require((ROOT / ".venv" / "bin" / "dockeropt").exists(), "the project's .venv is not set up")
    (sample / "web").mkdir()
    (sample / "web" / "Dockerfile.prod").write_text(SPLIT)
    done = run_step(action, "dockeropt check", sample, paths="*/Dockerfile.*")
    assert done.returncode == 1, done.stderr
    assert "web/Dockerfile.prod:2: DO101" in done.stderr and "api/Dockerfile.prod:1:" in done.stderr
    assert not [line for line in done.stderr.splitlines() if line.startswith("Dockerfile:")], "the glob's files only"
    assert "\n::warning file=web/Dockerfile.prod,line=2,title=DO101 apt-update-with-install" in done.stdout
    done = run_step(action, "dockeropt check", sample, paths="nothing/*")
    assert done.returncode == 2 and "nothing/*: no file matches" in done.stderr


def test_bot_mode_dry_run_prints_the_pull_request(action, sample):
    require((ROOT / ".venv" / "bin" / "dockeropt").exists(), "the project's .venv is not set up")
    remote = sample.parent / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(remote)], check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "x"],
                   cwd=sample, check=True)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=sample, check=True)
    subprocess.run(["git", "push", "--quiet", "origin", "HEAD:main"], cwd=sample, check=True)
    done = run_step(action, "dockeropt bot", sample, **{"dry-run": "true", "token": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("build(docker): optimize Dockerfile (dockeropt)")


def test_the_readme_workflow_uses_only_inputs_the_action_has_and_least_privilege(action):
    import yaml

    readme = (ROOT / "README.md").read_text()
    start = readme.index("```yaml\non:\n") + len("```yaml\n")
    workflow = yaml.safe_load(readme[start:readme.index("```", start)])
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["check"]["permissions"] == {"contents": "read", "security-events": "write", "actions": "read"}
    assert jobs["bot"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    for job in jobs.values():
        ours = [s for s in job["steps"] if s["uses"] == "OWNER/REPO@SHA"]
        assert len(ours) == 1 and set(ours[0]["with"]) <= set(action["inputs"])
