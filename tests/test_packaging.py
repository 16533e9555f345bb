"""The package as users get it: a wheel with every module and data file, the console script, and
dependency bounds; installed into a fresh virtual environment (what ``pipx install .`` does), it runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, require


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from this checkout's tracked and new files (ignored ones left out)."""
    require((ROOT / ".git").exists(), "not a git checkout")
    tmp = tmp_path_factory.mktemp("wheel")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    source = tmp / "src"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(tmp)],
                          capture_output=True, text=True, timeout=600)
    require(done.returncode == 0, f"cannot build a wheel here (no setuptools to fetch?): {done.stderr[-400:]}")
    (built,) = tmp.glob("dockeropt-*.whl")
    return built


def test_the_wheel_holds_every_module_and_data_file_and_the_console_script(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = {p.relative_to(ROOT).as_posix() for p in (ROOT / "optimizer").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert tracked and tracked <= names, sorted(tracked - names)
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "corpus/", "tools/"))]
    info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "dockeropt = optimizer.console:main" in zipfile.ZipFile(wheel).read(info).decode()


def test_the_metadata_is_ready_to_publish(wheel):
    meta_name = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".dist-info/METADATA"))
    lines = zipfile.ZipFile(wheel).read(meta_name).decode().splitlines()
    requires = [line for line in lines if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert {line.split()[1].split(";")[0].split("<")[0].split(">")[0] for line in requires} == {
        "tree-sitter", "tree-sitter-bash", "tomli"}
    assert all("<" in line for line in requires if "tomli" not in line), "bounded below the next major"
    assert "Requires-Python: >=3.10" in lines
    assert any(line.startswith("Classifier: Operating System :: OS Independent") for line in lines)
    assert any(line.startswith("Description-Content-Type: text/markdown") for line in lines)


def test_installed_into_a_fresh_environment_it_runs(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bindir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    done = subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                          capture_output=True, text=True, timeout=600)
    require(done.returncode == 0, f"cannot install the dependencies here (no package index?): {done.stderr[-400:]}")
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n")
    run = subprocess.run([str(bindir / "dockeropt"), "--select", "DO101", "Dockerfile"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "+RUN apt-get update && apt-get install -y curl" in run.stdout
