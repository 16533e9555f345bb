"""dockeropt verify with real builds (podman and buildah) in the lab that tools/buildlab/provision.sh
provisions without any registry: golden apt and Java cases, and a broken rewrite caught.

Skipped where podman or the lab is missing; a failure under DOCKEROPT_STRICT_TESTS=1 (CI).
The reports are printed to the terminal (the evidence in CI's log).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.config import Config
from optimizer.edits import Edit
from optimizer.passes.base import Example, Fix, Pass, Safety
from optimizer.verify import verify_dockerfile
from optimizer.verify.cli import main

from .conftest import ROOT, read_text, require

LAB = Path(os.environ.get("DOCKEROPT_LAB") or
           Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dockeropt-lab")
IMAGES = ("localhost/debian:bookworm", "localhost/maven:3.8-openjdk-17", "localhost/eclipse-temurin:17-jre-alpine")


@pytest.fixture(scope="module")
def lab_env() -> dict[str, str]:
    require(shutil.which("podman") is not None and shutil.which("buildah") is not None,
            "podman/buildah not installed (tools/buildlab/provision.sh installs them)")
    env = {"CONTAINERS_STORAGE_CONF": str(LAB / "storage.conf"), "CONTAINERS_CONF": str(LAB / "containers.conf")}
    missing = [image for image in IMAGES if not (LAB / "storage.conf").is_file() or subprocess.run(
        ["podman", "image", "exists", image], env={**os.environ, **env}).returncode != 0]
    require(not missing, f"build lab at {LAB} lacks {', '.join(missing)}: run tools/buildlab/provision.sh")
    return env


@pytest.fixture
def lab(lab_env, monkeypatch):
    for key, value in lab_env.items():
        monkeypatch.setenv(key, value)


def show(capsys, report) -> None:
    with capsys.disabled():
        print("\n" + report.text())


def golden_workspace(case: Path, tmp_path: Path) -> Path:
    """A copy of a golden case's context with its ``context.extra`` files (what git cannot hold)."""
    context = tmp_path / "context"
    shutil.copytree(case / "context", context, symlinks=True)
    for line in read_text(case / "context.extra").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, size = line.strip().partition(" ")
            (context / name).parent.mkdir(parents=True, exist_ok=True)
            (context / name).write_bytes(b"x" * int(size or 0))
    return context


def test_apt_golden_case_builds_smaller_with_the_same_runtime_config(lab, capsys):
    result = CliRunner().invoke(main, ["--builder", "podman", "--format", "json",
                                       str(ROOT / "corpus" / "apt-update-split" / "Dockerfile")])
    with capsys.disabled():
        print("\n" + result.output)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["passes"] == ["DO101 apt-update-with-install", "DO103 apt-clean-lists"]
    a, b = report["original"], report["rewritten"]
    assert a["builds"] and b["builds"] and report["config_diffs"] == []
    assert b["size_bytes"] < a["size_bytes"] - 10_000_000  # the package lists are gone
    assert b["layers"] == a["layers"] - 1  # one RUN instead of two
    assert a["rebuild_after_edit_s"] is not None and b["rebuild_after_edit_s"] is not None
    assert b["rebuild_steps"][0]["cached"]  # the apt RUN comes from the cache after an edit
    files = report["filesystem"]
    assert files["undeclared"] == [] and (files["added"], files["changed"]) == (0, 1)  # changed: /app/Dockerfile
    assert files["declared_by"] == {"Dockerfile": 1, "DO103": files["removed"]} and files["removed"] >= 5  # the lists


def test_java_golden_case_multi_stage_runs_the_same_and_declares_its_changes(lab, capsys, tmp_path):
    case = ROOT / "corpus" / "java-progression-4-multi-stage"
    report = verify_dockerfile(case / "Dockerfile", golden_workspace(case, tmp_path), Config(unsafe=True),
                               builder="podman", smoke="java -jar target/greeter.jar")
    show(capsys, report)
    assert report.ok, report.text()
    a, b = report.original, report.rewritten
    assert a.builds and b.builds and b.size < a.size
    assert report.edited_file == "src/main/java/greeter/Main.java"
    assert b.rebuild_s is not None and any(s.cached for s in b.steps)  # go-offline's layer survives the edit
    assert report.config_diffs and all(d.declared for d in report.config_diffs)
    assert report.files is not None and not report.files.undeclared
    assert a.smoke == b.smoke and a.smoke[0] == 0


def _drop_copy(doc, context, config):
    for inst in doc.instructions:
        if inst.keyword == "COPY":
            yield DROP_COPY.finding(inst.start_line, "test only: drop this COPY", Fix((Edit.delete(*inst.span),), Safety.SAFE))


DROP_COPY = Pass(
    id="DO999", name="drop-copy", title="Test only: delete every COPY", what="Deletes COPY instructions.",
    why="To prove that verify catches a rewrite that breaks the build.", safety=Safety.SAFE,
    safety_notes="Never safe: the build loses its files.",
    examples=(Example("COPY app.sh /app/\n", ""),), check=_drop_copy)


def test_a_rewrite_that_drops_a_needed_copy_fails_with_the_builders_error_and_names_the_pass(lab, tmp_path, capsys):
    (tmp_path / "app.sh").write_text("echo built\n")
    (tmp_path / "Dockerfile").write_text(
        'FROM debian:bookworm\nCOPY app.sh /app/app.sh\nRUN sh /app/app.sh > /built\nCMD ["cat", "/built"]\n')
    report = verify_dockerfile(tmp_path / "Dockerfile", builder="buildah", passes=(DROP_COPY,))
    show(capsys, report)
    assert not report.ok
    assert report.original.builds and report.original.size and report.original.layers
    assert not report.rewritten.builds
    assert "/app/app.sh" in report.rewritten.error  # sh: cannot open /app/app.sh
    assert report.failures == ("the rewritten Dockerfile does not build (passes that changed it: DO999 drop-copy)",)
    assert "DO999 drop-copy" in report.markdown() and "/app/app.sh" in report.markdown()
