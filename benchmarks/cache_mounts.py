"""Rebuild after a dependency-manifest change, without and with DO114's cache mounts (real builds in the lab).

The sample Flask app (``benchmarks/apps/python-flask``) is rewritten twice: ``dockeropt --write --unsafe``
(manifests first, ``pip install --no-cache-dir``) and the same with ``--buildkit`` (pip's and apt's caches in
``RUN --mount=type=cache``). Each is built with podman in the lab that ``tools/buildlab/provision.sh``
provisions (``DOCKEROPT_LAB``, default ``~/.cache/dockeropt-lab``), with a private buildah cache-mount folder
(``TMPDIR``: buildah keeps cache mounts in ``$TMPDIR/buildah-cache-<uid>``): a clean build (``--no-cache``),
then a whitespace line appended to ``requirements.txt`` (the ``pip install`` layer is invalidated, the
requirements stay the same) and a rebuild with the layer cache. Times are medians of ``--runs`` measurements.

    .venv/bin/python benchmarks/cache_mounts.py [--runs 3] [--out benchmarks/CACHE_MOUNTS.md]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

LAB = Path(os.environ.get("DOCKEROPT_LAB") or Path.home() / ".cache" / "dockeropt-lab")


APP = REPO / "benchmarks" / "apps" / "python-flask"
MANIFEST = "requirements.txt"


def rewritten(app: Path, work: Path, *flags: str) -> Path:
    """A copy of the app whose Dockerfile ``dockeropt --write --unsafe FLAGS`` rewrote."""
    shutil.copytree(app, work)
    tool = subprocess.run([str(Path(sys.executable).parent / "dockeropt"), "--write", "--unsafe", *flags,
                           str(work / "Dockerfile")], capture_output=True, text=True)
    if tool.returncode not in (0, 1):
        sys.exit(f"dockeropt failed (rc {tool.returncode}):\n{tool.stdout}{tool.stderr}")
    return work


def build(app: Path, env: dict, *flags: str) -> tuple[bool, float, str]:
    """One podman build of the app: (built, seconds, the log's tail)."""
    started = time.monotonic()
    proc = subprocess.run(["podman", "build", "--layers", *flags, "-t", "localhost/cache-mounts-bench",
                           "-f", str(app / "Dockerfile"), str(app)], env=env, capture_output=True, text=True)
    return proc.returncode == 0, time.monotonic() - started, (proc.stdout + proc.stderr)[-1500:]


def measure(app: Path, root: Path) -> dict:
    """Clean build, manifest touched, rebuild: in a copy of the app and a fresh cache-mount folder."""
    work = Path(tempfile.mkdtemp(prefix="run-", dir=root))
    shutil.copytree(app, work / "app")
    env = dict(os.environ, TMPDIR=str(work), CONTAINERS_STORAGE_CONF=str(LAB / "storage.conf"),
               CONTAINERS_CONF=str(LAB / "containers.conf"))
    try:
        ok, clean, log = build(work / "app", env, "--no-cache")
        if not ok:
            return {"builds": False, "error": log}
        with open(work / "app" / MANIFEST, "a") as manifest:
            manifest.write(" " * (1 + int(time.time()) % 97) + "\n")  # unique: no older layer matches
        ok, rebuild, log = build(work / "app", env)
        size = subprocess.run(["podman", "image", "inspect", "--format", "{{.Size}}", "localhost/cache-mounts-bench"],
                              env=env, capture_output=True, text=True).stdout.strip()
        return {"builds": True, "clean_build_s": clean, "image_size_bytes": int(size or 0),
                "rebuild_after_touch_s": rebuild if ok else None, **({} if ok else {"rebuild_error": log})}
    finally:
        subprocess.run(["podman", "rmi", "-f", "localhost/cache-mounts-bench"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def median(runs: list[dict], key: str) -> float | None:
    values = [r.get(key) for r in runs]
    return None if None in values else statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "CACHE_MOUNTS.md")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if not (LAB / "storage.conf").is_file():
        sys.exit("no build lab: run tools/buildlab/provision.sh")
    with tempfile.TemporaryDirectory(prefix="cache-mounts-") as tmp:
        root = Path(tmp)
        variants = {"dockeropt --write --unsafe": rewritten(APP, root / "plain"),
                    "dockeropt --write --unsafe --buildkit": rewritten(APP, root / "mounts", "--buildkit")}
        results = {name: [measure(app, root) for _ in range(args.runs)] for name, app in variants.items()}
        texts = {name: (app / "Dockerfile").read_text() for name, app in variants.items()}
    version = subprocess.run(["podman", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [f"# Rebuild after a manifest change, without and with cache mounts ({datetime.date.today()})", "",
             f"Generated by `benchmarks/cache_mounts.py` ({version}, the provisioned lab, real `pip install` from PyPI). "
             f"App: `benchmarks/apps/python-flask`. Rebuild = a whitespace line appended to `{MANIFEST}` (the "
             f"`pip install` layer is rebuilt, the requirements are the same), then a build with the layer cache. "
             f"{args.runs} run(s) per Dockerfile, each with a fresh cache-mount folder; times are medians.", "",
             "| Dockerfile | builds | image size | clean build s | rebuild after manifest change s |", "|---|---|---|---|---|"]
    for name, runs in results.items():
        ok = all(r.get("builds") for r in runs)
        rebuild = median(runs, "rebuild_after_touch_s") if ok else None
        size = f"{runs[-1]['image_size_bytes'] / 1e6:.1f} MB" if ok else "-"
        clean = f"{median(runs, 'clean_build_s'):.1f}" if ok else "-"
        lines.append(f"| {name} | {'yes' if ok else 'no'} | {size} | {clean} | "
                     f"{'-' if rebuild is None else f'{rebuild:.1f}'} |")
    (plain, mounts) = results.values()
    if all(r.get("builds") for r in plain + mounts):
        a, b = median(plain, "rebuild_after_touch_s"), median(mounts, "rebuild_after_touch_s")
        if a and b:
            lines += ["", f"**Rebuild after the manifest change: {a / b:.1f}x faster with the cache mounts.**"]
    for name, text in texts.items():
        lines += ["", f"`{name}`:", "", "```dockerfile", text.rstrip(), "```"]
    for name, runs in results.items():
        for r in runs:
            for key in ("error", "rebuild_error"):
                if r.get(key):
                    lines += ["", f"{name} {key}:", "", "```", r[key].rstrip(), "```"]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
