"""Real builds of the seed's Java progression: a naive Maven image, step by step, to a JRE runtime stage.

The sample app ``benchmarks/apps/java-maven`` (Java 17, one dependency, a shaded jar that prints a
greeting) gets a developer checkout's junk (``docs/`` 5 MB, ``.git/`` 1 MB) and is rewritten by
``dockeropt --write --unsafe`` with more passes at each step (the same steps as the golden cases
``corpus/java-progression-*``):

    0 naive         the app's Dockerfile (COPY . /app; RUN mvn package; CMD java -jar)
    1 DO204         + .dockerignore
    2 DO203         + copy only pom.xml and src/
    3 DO202         + pom.xml first and dependency:go-offline (a source edit reuses that layer)
    4 all (DO301)   + builder stage and an eclipse-temurin:17-jre-alpine runtime stage

Each step is built with the daemonless lab (``../shared/buildlab/measure.sh``: clean build, then a
rebuild after appending a blank line to ``src/main/java/greeter/Main.java``), in its own storage seeded
with the lab's Java stand-ins (buildah 1.28 follows the first cached chain it finds, so steps sharing
first instructions must not share a storage), then built once more under a tag and run: the container
must print the greeting. The final image is compared with the sum of the runtime image and the jar.

    .venv/bin/python benchmarks/java_progression.py [--runs 3] [--out benchmarks/JAVA_PROGRESSION.md]

Needs ``../shared/buildlab/setup.sh`` and ``java/standins.sh`` (the script runs neither).
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cache_rebuild import LAB, REPO, drop_lab, lab, sh  # noqa: E402  (shared lab helpers)

APP = REPO / "benchmarks" / "apps" / "java-maven"
TOUCH_FILE = "src/main/java/greeter/Main.java"
GREETING = "Hello from the dockeropt java sample"
JAR = "/app/target/greeter.jar"
RUNTIME = "eclipse-temurin:17-jre-alpine"
STANDINS = ("maven:3.8-openjdk-17", "eclipse-temurin:17-jre-alpine")
STEPS = [("0 naive", None), ("1 + DO204 dockerignore", "DO204"), ("2 + DO203 copy-narrow", "DO204,DO203"),
         ("3 + DO202 go-offline", "DO204,DO203,DO202"), ("4 all passes (DO301 multi-stage)", "")]
SEED = (103, 600)  # MB: the seed's Spring Boot image after and before its multi-stage rewrite


def checkout(root: Path, name: str) -> Path:
    """A copy of the app with a developer checkout's junk, as measure-sample.sh makes it."""
    work = root / name
    shutil.copytree(APP, work)
    (work / "docs").mkdir()
    (work / "docs" / "manual.pdf").write_bytes(os.urandom(5 << 20))
    (work / "docs" / "README.md").write_text("# docs\n")
    (work / ".git" / "objects" / "pack").mkdir(parents=True)
    (work / ".git" / "objects" / "pack" / "pack-0.pack").write_bytes(os.urandom(1 << 20))
    (work / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return work


def rewrite(work: Path, select: str | None) -> str:
    """Apply ``dockeropt --write --unsafe`` with the step's passes; its findings as it prints them."""
    if select is None:
        return ""
    args = [str(Path(sys.executable).parent / "dockeropt"), "--write", "--unsafe", "--no-color"]
    if select:
        args += ["--select", select]
    tool = sh([*args, str(work / "Dockerfile")])
    if tool.returncode not in (0, 1):
        sys.exit(f"dockeropt failed (rc {tool.returncode}):\n{tool.stdout}{tool.stderr}")
    return tool.stderr.replace(str(work) + "/", "")


def private_lab(root: Path, archive: Path) -> Path:
    """A fresh storage holding the base and the Java stand-ins under the names Dockerfiles use."""
    lab_dir = Path(tempfile.mkdtemp(prefix="lab-", dir=root))
    names = [("localhost/debian:bookworm", "debian:bookworm"), ("localhost/debian:bookworm", "debian:latest")]
    names += [(f"localhost/{n}", n) for n in STANDINS]
    tags = " && ".join(f"podman tag {src} docker.io/library/{n}" for src, n in names)
    load = lab(f'podman load -q -i "{archive}" && {tags}', lab_dir)
    if load.returncode != 0:
        sys.exit(f"could not seed a private lab storage:\n{load.stdout}{load.stderr}")
    return lab_dir


def measure(work: Path, lab_dir: Path) -> dict:
    env = dict(os.environ, TOUCH_FILE=TOUCH_FILE, BUILDLAB_DIR=str(lab_dir))
    proc = subprocess.run(["nice", "-n", "10", str(LAB / "measure.sh"), str(work / "Dockerfile"), str(work)],
                          capture_output=True, text=True, env=env)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"builds": False, "error": f"measure.sh rc {proc.returncode}: {proc.stdout[-1500:]}{proc.stderr[-1500:]}"}


def run_image(work: Path, lab_dir: Path) -> dict:
    """Build once more under a tag (from the cache), run it, and read its layers and its jar's size."""
    tag = "localhost/java-progression:latest"
    build = lab(f'nice -n 10 podman build --pull=never --layers -f "{work}/Dockerfile" -t {tag} "{work}"', lab_dir)
    if build.returncode != 0:
        return {"output": f"build failed: {build.stderr[-300:]}"}
    run = lab(f"podman run --rm {tag}", lab_dir)
    jar = lab(f"podman run --rm --entrypoint sh {tag} -c 'wc -c < {JAR}'", lab_dir)
    history = lab(f"podman history --format '{{{{.Size}}}}\\t{{{{.CreatedBy}}}}' {tag}", lab_dir)
    runtime = lab(f"podman image inspect --format '{{{{.Size}}}}' docker.io/library/{RUNTIME}", lab_dir)
    return {"output": (run.stdout + run.stderr).strip().splitlines()[-1:] or [""],
            "jar_bytes": int(jar.stdout.strip()) if jar.stdout.strip().isdigit() else None,
            "history": [line[:110] for line in history.stdout.splitlines()],
            "runtime_bytes": int(runtime.stdout.strip()) if runtime.stdout.strip().isdigit() else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "JAVA_PROGRESSION.md")
    parser.add_argument("--runs", type=int, default=1, help="measure each step N times (fresh storage each); "
                        "times are medians")
    args = parser.parse_args()
    missing = [n for n in ("localhost/debian:bookworm", *(f"localhost/{s}" for s in STANDINS))
               if lab(f"podman image exists {n}").returncode != 0]
    if missing:
        sys.exit(f"buildlab images missing ({', '.join(missing)}): run {LAB}/setup.sh and {LAB}/java/standins.sh")

    results = []
    with tempfile.TemporaryDirectory(prefix="java-progression-") as tmp:
        root = Path(tmp)
        archive = root / "images.tar"
        images = " ".join(["localhost/debian:bookworm", *(f"localhost/{s}" for s in STANDINS)])
        save = lab(f'podman save -q -m -o "{archive}" {images}')
        if save.returncode != 0:
            sys.exit(f"podman save of the lab images failed:\n{save.stdout}{save.stderr}")
        for name, select in STEPS:
            work = checkout(root, name.split()[0])
            report = rewrite(work, select)
            runs, ran = [], {}
            for run in range(args.runs):
                print(f"measuring step {name} (run {run + 1}/{args.runs}) ...", file=sys.stderr)
                lab_dir = private_lab(root, archive)
                try:
                    runs.append(measure(work, lab_dir))
                    if run == 0 and runs[0].get("builds"):
                        ran = run_image(work, lab_dir)
                finally:
                    drop_lab(lab_dir)
            results.append((name, (work / "Dockerfile").read_text(), report, medians(runs), ran))

    text = render(results)
    args.out.write_text(text)
    print(text)


def medians(runs: list[dict]) -> dict:
    """The first run's measurement with its times replaced by the medians over every run that built;
    ``*_range`` keys hold (min, max) when there was more than one run."""
    merged = dict(runs[0])
    for key in ("clean_build_s", "rebuild_after_touch_s"):
        values = [r[key] for r in runs if r.get("builds") and r.get(key) is not None]
        if values:
            merged[key] = statistics.median(values)
            if len(values) > 1:
                merged[key + "_range"] = (min(values), max(values))
    merged["runs"] = len(runs)
    return merged


def _seconds(m: dict, key: str) -> str:
    value = m.get(key)
    if value is None:
        return "failed"
    spread = m.get(key + "_range")
    return f"{value:.1f}" + (f" ({spread[0]:.1f}-{spread[1]:.1f})" if spread else "")


def render(results) -> str:
    podman = lab("podman --version").stdout.strip()
    naive = results[0][3].get("image_size_bytes")
    lines = [
        "# Java progression: the seed's naive Maven image to a JRE runtime stage, real builds", "",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}; {podman}, daemonless buildlab "
        "(`measure.sh`, a fresh storage per step seeded with the lab's Java stand-ins, Maven offline from Debian's "
        f"maven-repo). App: `benchmarks/apps/java-maven` + docs/ 5 MB + .git/ 1 MB. Rebuild = append a blank "
        f"line to `{TOUCH_FILE}` and build with the layer cache. Script: `benchmarks/java_progression.py`. "
        f"Runs per step: {results[0][3].get('runs', 1)} (times: median, min-max in brackets).", "",
        "| step | image size | layers | clean build s | rebuild after edit s | cached steps | run prints |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, _, _, m, ran in results:
        if not m.get("builds"):
            lines.append(f"| {name} | build failed | | | | | |")
            continue
        steps = m.get("rebuild_steps", [])
        printed = ran.get("output", [""])[0]
        lines.append(f"| {name} | {m['image_size_bytes'] / 1e6:.1f} MB | {m['layers']} | {_seconds(m, 'clean_build_s')} "
                     f"| {_seconds(m, 'rebuild_after_touch_s')} | {sum(s['cached'] for s in steps)}/"
                     f"{len(steps)} | {'OK' if printed == GREETING else 'NO'}: `{printed}` |")
    final_name, _, _, final, ran = results[-1]
    lines.append("")
    if final.get("builds") and ran.get("runtime_bytes") and ran.get("jar_bytes"):
        expected = ran["runtime_bytes"] + ran["jar_bytes"]
        over = final["image_size_bytes"] / expected - 1
        lines += [
            f"**Final image = runtime image + jar?** {final['image_size_bytes'] / 1e6:.2f} MB vs `{RUNTIME}` "
            f"{ran['runtime_bytes'] / 1e6:.2f} MB + jar {ran['jar_bytes'] / 1e3:.0f} kB = {expected / 1e6:.2f} MB: "
            f"{over * 100:+.2f}% (target within 5%: {'met' if abs(over) <= 0.05 else 'NOT met'}).", ""]
        if naive:
            ours = final["image_size_bytes"] / naive
            seed_like = (SEED[0] * 1e6) / naive
            lines += [
                f"**Size ratio final / naive: {ours * 100:.0f}%** ({final['image_size_bytes'] / 1e6:.0f} MB / "
                f"{naive / 1e6:.0f} MB); the seed's: {SEED[0] / SEED[1] * 100:.0f}% ({SEED[0]} MB / {SEED[1]} MB). "
                f"The naive images are alike (JDK + Maven + ~/.m2 + sources: {naive / 1e6:.0f} MB here, "
                f"{SEED[1]} MB in the seed); the runtime base is not. The lab's `{RUNTIME}` is an alias of its "
                f"Debian JRE stand-in ({ran['runtime_bytes'] / 1e6:.0f} MB: debian:bookworm + "
                "openjdk-17-jre-headless; no Alpine packages or registry are reachable here), where the real "
                "image is Alpine (~8 MB) plus a Temurin JRE: the seed's whole final image was "
                f"{SEED[0]} MB. With a runtime of that size our final image would be {seed_like * 100:.0f}% of the "
                "naive one. What dockeropt removes is the same in both: the build tool, the JDK, ~/.m2 and the "
                "sources; the ratio is bounded by the runtime image.", ""]
    last = final.get("rebuild_steps", [])
    offline = next((s for s in last if "go-offline" in s["step"]), None)
    if offline:
        lines += [f"**Dependency layer reused after a source edit: {'yes' if offline['cached'] else 'NO'}** "
                  f"(`{offline['step']}` {'from cache' if offline['cached'] else 'ran again'}).", ""]
    for name, dockerfile, report, m, ran in results:
        lines += [f"## {name}", "", "```dockerfile", dockerfile.rstrip(), "```", ""]
        if report:
            lines += ["dockeropt:", "", "```", report.rstrip(), "```", ""]
        if m.get("builds"):
            lines += [f"Rebuild after editing `{m.get('touched_file')}`:", ""]
            lines += [f"- {'cached' if s['cached'] else '**ran**'} `{s['step']}`" for s in m.get("rebuild_steps", [])]
            lines += ["", "Layers (`podman history`, newest first):", "", "```", *ran.get("history", []), "```", ""]
        for key in ("error", "rebuild_error"):
            if m.get(key):
                lines += [f"{key}:", "", "```", m[key].rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
