"""Real projects: third-party apps built before and after dockeropt, with their own Dockerfiles and naive variants.

For every folder of ``../shared/projects`` (catalogue: ``benchmarks/real_projects/projects.toml``) it runs
``dockeropt verify --unsafe`` (the Python API, podman, the lab of ``tools/buildlab/provision.sh``) on

- the project's own Dockerfile, adapted to the lab only where a build here could not otherwise start: a
  ``@sha256:`` digest is dropped from FROM (a stand-in cannot carry the registry's digest) and the
  ``dev-envs`` stage, which no other stage uses, is dropped (RUN heredocs, which buildah 1.28 cannot build,
  and ``COPY --from=gloursdocker/docker`` from Docker Hub); each adaptation is listed in the report;
- a naive variant, ``benchmarks/real_projects/<folder>.Dockerfile``, in the seed's style (one stage, the
  whole context copied first, ``apt-get update`` and install in separate layers, no cleanup), built against
  the project's own tree.

Each row: builds before/after, size, layers, clean build, rebuild after a source edit, filesystem
comparison (when verify reports it), smoke command, passes applied; and why a project cannot build here.

    .venv/bin/python benchmarks/real_projects.py [--only NAME ...] [--ci] [--kind own|naive] [--json FILE] [--resume]
                                                 [--out benchmarks/REAL_PROJECTS.md]

The rows behind REAL_PROJECTS.md are kept in ``benchmarks/real_projects/results.jsonl`` (verify's JSON per
Dockerfile, the last row of a Dockerfile wins): ``--json benchmarks/real_projects/results.jsonl --resume`` builds
only what it lacks, so re-running one project (``--only NAME --kind naive``) and regenerating the report needs no
other build. A row with ``carried_over`` was built by an earlier run whose rewrite is the same as today's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from optimizer.config import Config
from optimizer.model import parse
from optimizer.verify.fscompare import UNDECLARED_SHOWN

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO.parent / "shared" / "projects"
HERE = REPO / "benchmarks" / "real_projects"
CATALOGUE = HERE / "projects.toml"
LAB = Path(os.environ.get("DOCKEROPT_LAB") or
           Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dockeropt-lab")
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}")
DEV_STAGE = "dev-envs"
KINDS = ("own", "naive")
UNDECLARED_FILES = re.compile(r"(\d+) undeclared file difference")
#: The stand-ins, what they are, and the real image's size for comparison (Docker Hub, amd64, uncompressed,
#: approximate: this machine cannot pull them).
STANDINS = (
    ("python:3.N, python:3.N-slim", "localhost/python:3.11-slim", "Debian's Python 3.11 (python3, python3-venv) "
     "as a venv at /usr/local, for every 3.N", "-slim ≈ 130 MB; the full python:3.N (buildpack-deps, gcc) ≈ 1 GB"),
    ("python:3.N-alpine", "localhost/python:3.11-alpine", "the same Debian image plus an `apk` script over apt-get "
     "and busybox-style adduser/addgroup: glibc, not musl", "≈ 50-60 MB"),
    ("node:N, node:N-slim", "localhost/node:18-slim", "Debian's Node.js 18 for every N, npm 10 and yarn 1.22 from "
     "the npm registry", "-slim ≈ 200-250 MB; the full node:N (buildpack-deps) ≈ 1 GB"),
    ("node:N-alpine", "localhost/node:18-alpine", "the node stand-in plus the apk script", "≈ 130-180 MB"),
    ("golang:1.N", "localhost/golang:1.19", "Debian's Go 1.19 for every 1.N, GOROOT at /usr/local/go",
     "≈ 800 MB-1 GB (with gcc, git)"),
    ("golang:1.N-alpine", "localhost/golang:1.19-alpine", "the Go stand-in plus the apk script", "≈ 250-350 MB"),
    ("alpine:3.N", "localhost/alpine:3", "debian:bookworm (minbase) plus the apk script", "≈ 7-8 MB"),
    ("eclipse-temurin, maven", "localhost/maven:3.9-eclipse-temurin-17", "Debian's OpenJDK 17 and Maven 3.8.7, "
     "offline from Debian's repository", "maven:3.9-eclipse-temurin-17 ≈ 500 MB"),
)


@dataclass(frozen=True)
class Project:
    """One folder of ../shared/projects, as the catalogue describes it."""

    name: str
    ecosystem: str
    context: str = "."
    own: str = "Dockerfile"
    own_smoke: str | None = None
    own_blocker: str | None = None
    own_target: str | None = None
    smoke: str | None = None
    naive_blocker: str | None = None
    ci: bool = False

    @property
    def context_dir(self) -> Path:
        return PROJECTS / self.name / self.context

    @property
    def naive(self) -> Path:
        return HERE / f"{self.name}.Dockerfile"


@dataclass(frozen=True)
class Plan:
    """One Dockerfile to verify (``text``), or why it cannot be built here (``blockers``)."""

    project: Project
    kind: str  # "own" | "naive"
    text: str
    smoke: str | None
    adapted: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()
    target: str | None = None  # verify --target: build this stage (and those it needs) only


def catalogue() -> list[Project]:
    """The projects of the catalogue, in its order."""
    data = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    return [Project(name, **fields) for name, fields in data.items() if isinstance(fields, dict)]


def notes() -> list[str]:
    """The catalogue's notes on the latest results (what they show, what is weak), for the report."""
    return tomllib.loads(CATALOGUE.read_text(encoding="utf-8")).get("notes", [])


def adapt(text: str, target: str | None = None) -> tuple[str, tuple[str, ...]]:
    """The own Dockerfile as the lab can start it: digests dropped from FROM, an unused dev-envs stage dropped
    (when it is the last stage, the one before it is the image: the target the projects' compose files build);
    with a ``target`` the dev-envs stage stays (a build of the target does not run it)."""
    doc = parse(text)
    notes: list[str] = []
    cuts: list[tuple[int, int, str]] = []
    stages = doc.stages
    used = {word.lower() for stage in stages for word in (stage.base,)} | {
        flag.value.lower() for inst in doc.instructions for flag in inst.flags_named("from") if flag.value}
    for i, stage in enumerate(stages):
        if stage.name == DEV_STAGE and DEV_STAGE not in used and i > 0 and target is None:
            end = stages[i + 1].from_.full_span[0] if i + 1 < len(stages) else len(text)
            cuts.append((stage.from_.full_span[0], end, ""))
            last = "" if i + 1 < len(stages) else f"; the image is stage `{stages[i - 1].name or i - 1}`"
            notes.append(f"`{DEV_STAGE}` stage dropped (line {stage.from_.start_line}{last})")
        elif DIGEST.search(stage.from_.text):
            start, end = stage.from_.span
            cuts.append((start, end, DIGEST.sub("", text[start:end])))
            notes.append(f"digest dropped from `FROM {DIGEST.sub('', stage.base)}` (line {stage.from_.start_line})")
    for start, end, new in sorted(cuts, reverse=True):
        text = text[:start] + new + text[end:]
    return text, tuple(notes)


def blockers(text: str, image_exists: Callable[[str], bool], target: str | None = None) -> tuple[str, ...]:
    """What stops this Dockerfile (or, with ``target``, the stages a build of that stage runs) from building in the
    lab: RUN heredocs, base images without a stand-in, images copied from a registry."""
    from optimizer.verify.target import needed_stages

    doc = parse(text)
    found: list[str] = []
    names = {stage.name for stage in doc.stages if stage.name} | {str(i) for i in range(len(doc.stages))}
    stages = needed_stages(doc, target) if target else doc.stages
    instructions = [inst for stage in stages for inst in stage.instructions]
    for inst in instructions:
        if inst.heredocs:
            found.append(f"line {inst.start_line}: RUN heredoc (buildah 1.28 cannot build heredocs)")
    for stage in stages:
        base = stage.base
        if base.lower() not in names and base != "scratch" and "$" not in base and not image_exists(base):
            found.append(f"line {stage.from_.start_line}: no stand-in for `{base}` (no container registry here)")
    for inst in instructions:
        for flag in inst.flags_named("from"):
            if flag.value and flag.value.lower() not in names and not image_exists(flag.value):
                found.append(f"line {inst.start_line}: `COPY --from={flag.value}` needs that image from a registry")
    return tuple(dict.fromkeys(found))


def plans(project: Project, image_exists: Callable[[str], bool]) -> list[Plan]:
    """The own Dockerfile and the naive variant of a project, each ready to verify or with its blockers."""
    own_path = project.context_dir / project.own
    target = project.own_target
    text, adapted = adapt(own_path.read_text(encoding="utf-8"), target)
    own_blockers = blockers(text, image_exists, target) + ((project.own_blocker,) if project.own_blocker else ())
    if target:
        adapted += (f"built with `verify --target {target}` (the stages a build of `{target}` runs)",)
    result = [Plan(project, "own", text, project.own_smoke or None, adapted, own_blockers, target)]
    if project.naive.is_file():
        naive = project.naive.read_text(encoding="utf-8")
        result.append(Plan(project, "naive", naive, project.smoke, (), blockers(naive, image_exists)))
    else:
        result.append(Plan(project, "naive", "", None, (), (project.naive_blocker or "no naive variant",)))
    return result


def lab_environment() -> dict[str, str]:
    """The variables that point podman at the lab's storage (as tools/buildlab/env.sh sets them)."""
    return {"CONTAINERS_STORAGE_CONF": str(LAB / "storage.conf"), "CONTAINERS_CONF": str(LAB / "containers.conf")}


def lab_image_exists(image: str) -> bool:
    """Whether the lab holds ``image`` (a stand-in or the Debian base)."""
    env = {**os.environ, **lab_environment()}
    return subprocess.run(["podman", "image", "exists", image], env=env, capture_output=True).returncode == 0


def verify(plan: Plan) -> dict:
    """``dockeropt verify --unsafe`` on a plan that can build: verify's JSON report plus the plan's facts."""
    from optimizer.verify import BuilderError, verify_dockerfile

    os.environ.update(lab_environment())
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="real-projects-") as tmp:
        dockerfile = Path(tmp) / "Dockerfile"
        dockerfile.write_text(plan.text, encoding="utf-8")
        try:
            report = verify_dockerfile(dockerfile, plan.project.context_dir, Config(unsafe=True), "podman", plan.smoke,
                                       target=plan.target)
        except BuilderError as error:  # the lab, not the rewrite: recorded as not verified, to run again
            return {**summary(plan), "ok": False, "verdict": "not verified (builder error)",
                    "failures": [f"builder error: {error}"], "seconds": round(time.monotonic() - started, 1)}
    data = json.loads(report.to_json())
    data.pop("dockerfile", None)  # a temporary path
    return {**summary(plan), **data, "seconds": round(time.monotonic() - started, 1)}


def rewrite_changes(plan: Plan, row: dict) -> dict:
    """``{"passes_now": [...]}`` when today's passes rewrite ``plan`` with other passes than the recorded row's (the
    row was built before a pass changed: it does not show today's rewrite), else ``{}``."""
    from optimizer.context import BuildContext
    from optimizer.pipeline import optimize

    result = optimize(plan.text, BuildContext.from_directory(plan.project.context_dir), Config(unsafe=True))
    now = list(dict.fromkeys(r.pass_.id for r in result.applied))
    return {} if set(now) == {p.split()[0] for p in row["passes"]} else {"passes_now": now}


def summary(plan: Plan) -> dict:
    """The plan's facts, as a result row without a build."""
    return {"project": plan.project.name, "ecosystem": plan.project.ecosystem, "kind": plan.kind,
            "adapted": list(plan.adapted), "blockers": list(plan.blockers), "smoke_command": plan.smoke}


# --- the report ---------------------------------------------------------------------------------------------

def undeclared(row: dict) -> int | None:
    """Undeclared filesystem differences in verify's report; None when verify does not compare filesystems.
    (The JSON lists the first paths only; the failure message has the count.)"""
    fs = row.get("filesystem")
    if not isinstance(fs, dict):
        return None
    value = fs.get("undeclared")
    listed = len(value) if isinstance(value, (list, tuple, dict)) else int(value or 0)
    counts = [int(m.group(1)) for f in row.get("failures", []) for m in [UNDECLARED_FILES.search(f)] if m]
    return max([listed, *counts])


def still_undeclared(row: dict) -> list[str] | None:
    """The recorded undeclared paths that the applied passes' current glob declarations still leave undeclared:
    the same judgment re-made without a rebuild (None: no file comparison, or its path list was cut short)."""
    from optimizer.passes import PASSES
    from optimizer.verify.declared import DPKG_STATE
    from optimizer.verify.globs import matcher

    fs = row.get("filesystem")
    if not isinstance(fs, dict) or undeclared(row) != len(fs.get("undeclared") or []):
        return None
    ids = {p.split()[0] for p in row.get("passes", [])}
    items = [i for p in PASSES if p.id in ids for i in p.image_changes]
    scope = DPKG_STATE if "packages-not-installed" in items else ()
    covers = matcher([i for i in items if i.startswith("/")] + list(scope))
    return [path for path in fs["undeclared"] if not covers(path)]


def filesystem_cell(row: dict) -> str:
    fs = row.get("filesystem")
    if not isinstance(fs, dict):
        return "not compared"
    if fs.get("same") is True:
        return "same"
    counts = ", ".join(f"{len(fs[k]) if isinstance(fs.get(k), (list, dict)) else fs.get(k) or 0} {k}"
                       for k in ("added", "removed", "changed"))
    n = undeclared(row)
    by = fs.get("declared_by") or {}
    names = [f"{k} ({v})" for k, v in by.items()] if isinstance(by, dict) else list(by)
    declared = f"; declared by {', '.join(names)}" if names else ""
    return f"{counts}; **{n} undeclared**{declared}" if n else f"{counts}; 0 undeclared{declared}"


def generated_cell(row: dict) -> str:
    """The files verify attributed to removed packages' maintainer scripts, grouped by the evidence."""
    fs = row.get("filesystem")
    found = fs.get("generated") if isinstance(fs, dict) else None
    if not found:
        return ""
    by_why: dict[str, list[str]] = {}
    for path, why in found.items():
        by_why.setdefault(why, []).append(path)
    listed = "; ".join(f"{', '.join(paths[:3])}{f' and {len(paths) - 3} more' if len(paths) > 3 else ''}: {why}"
                       for why, paths in by_why.items())
    return listed + (f" (verify's JSON lists the first {len(found)})" if len(found) >= UNDECLARED_SHOWN else "")


def size_change(row: dict) -> float | None:
    a, b = (row.get(k) or {} for k in ("original", "rewritten"))
    if a.get("size_bytes") and b.get("size_bytes"):
        return (b["size_bytes"] - a["size_bytes"]) / a["size_bytes"]
    return None


def speedup(row: dict) -> float | None:
    a, b = (row.get(k) or {} for k in ("original", "rewritten"))
    if a.get("rebuild_after_edit_s") and b.get("rebuild_after_edit_s"):
        return a["rebuild_after_edit_s"] / b["rebuild_after_edit_s"]
    return None


def verdict(row: dict) -> str:
    if row["blockers"]:
        return "cannot build here"
    if row.get("not_run"):
        return "not run"
    return row.get("verdict", "?")


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / 1e6:.0f} MB"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} s"


def _pair(a: str, b: str) -> str:
    return a if a == b else f"{a} → {b}"


def _smoke(row: dict) -> str:
    a, b = ((row.get(k) or {}).get("smoke") for k in ("original", "rewritten"))
    if not row.get("smoke_command"):
        return "none"
    if a is None or b is None:
        return "not run"
    if a != b and row.get("smoke_relocated"):
        return (f"`{row['smoke_command']}`: exit {a['status']}, same output once the folders "
                f"{', '.join(row['smoke_relocated'])} moved are read as before")
    return f"`{row['smoke_command']}`: exit {a['status']}" + ("" if a == b else f" / exit {b['status']}, DIFFERS")


def result_row(row: dict) -> str:
    """One verified (or failed) Dockerfile as a table row."""
    a, b = (row.get(k) or {} for k in ("original", "rewritten"))
    name = _name(row)
    change, ratio = size_change(row), speedup(row)
    cells = [name, verdict(row), _pair(_yes(a.get("builds")), _yes(b.get("builds"))),
             f"{_mb(a.get('size_bytes'))} → {_mb(b.get('size_bytes'))}"
             + ("" if change is None else f" ({change:+.0%})"),
             _pair(str(a.get("layers", "-")), str(b.get("layers", "-"))),
             f"{_s(a.get('clean_build_s'))} → {_s(b.get('clean_build_s'))}",
             f"{_s(a.get('rebuild_after_edit_s'))} → {_s(b.get('rebuild_after_edit_s'))}"
             + ("" if ratio is None else f" ({ratio:.1f}x)"),
             filesystem_cell(row), _smoke(row), ", ".join(p.split()[0] for p in row.get("passes", []))]
    return "| " + " | ".join(cells) + " |"


def _changed_passes(row: dict) -> str:
    then = {p.split()[0] for p in row.get("passes", [])}
    now = set(row["passes_now"])
    parts = ([f"now also {', '.join(sorted(now - then))}"] if now - then else []) + \
            ([f"no longer {', '.join(sorted(then - now))}"] if then - now else [])
    return "; ".join(parts)


def _name(row: dict) -> str:
    return f"{row['project']} ({row['kind']})"


def _yes(value: bool | None) -> str:
    return "yes" if value else "no" if value is not None else "-"


def render(rows: list[dict], standin_sizes: dict[str, int | None], host: str) -> str:
    """REAL_PROJECTS.md: the summary numbers, one row per Dockerfile, the projects that cannot build here."""
    provision = next((r for r in rows if r["kind"] == "provision"), None)
    rows = [r for r in rows if r["kind"] != "provision"]
    ci_names = {p.name for p in catalogue() if p.ci}
    ci = [r for r in rows if r["project"] in ci_names]
    projects = sorted({r["project"] for r in rows})
    not_run = [r for r in rows if r.get("not_run")]
    rows = [r for r in rows if not r.get("not_run")]
    built = [r for r in rows if not r["blockers"] and not r.get("nothing_to_change")]
    carried = [r for r in built if r.get("carried_over") and not r.get("passes_now")]
    changed = [r for r in built if r.get("passes_now")]
    buildable = sorted({r["project"] for r in rows + not_run if not r["blockers"]})
    own = [r for r in rows if r["kind"] == "own"]
    naive = [r for r in built if r["kind"] == "naive"]
    own_counts = {k: sum(verdict(r) == k for r in own) for k in ("verified", "nothing to change",
                                                                  "verification FAILED", "cannot build here")}
    changes = [c for c in map(size_change, naive) if c is not None]
    ratios = [s for s in map(speedup, naive) if s is not None]
    fs_rows = [undeclared(r) for r in naive]
    rejudged = [still_undeclared(r) for r in naive if undeclared(r)]
    fs_text = (f"{sum(n or 0 for n in fs_rows)} undeclared filesystem differences in all"
               if all(n is not None for n in fs_rows) else
               f"filesystem compared for {sum(n is not None for n in fs_rows)} of {len(fs_rows)} "
               f"({sum(n or 0 for n in fs_rows)} undeclared differences)")
    lines = [
        "# Real projects: built before and after dockeropt",
        "",
        f"Generated by `benchmarks/real_projects.py` on {datetime.date.today()} ({host}); podman with the stand-in",
        "base images of `tools/buildlab/provision.sh` (no container registry here). Every Dockerfile below went",
        "through `dockeropt verify --unsafe`: a clean build of the original and of the rewrite, a whitespace edit",
        "to one copied source file, a rebuild of both with the layer cache, the runtime config compared, and a",
        "smoke command run in both images.",
        "",
        "## Summary",
        "",
        f"- Projects: **{len(projects)}** in `../shared/projects`; **{len(buildable)}** can build here (own Dockerfile",
        f"  or naive variant); **{len({r['project'] for r in built})}** built before and after.",
        f"- Own Dockerfiles: {own_counts['verified']} verified, {own_counts['nothing to change']} nothing to change "
        f"(no build needed), {own_counts['verification FAILED']} failed, {own_counts['cannot build here']} cannot "
        "build here (reasons below).",
        f"- Naive variants: {sum(r.get('ok') is True for r in naive)} of {len(naive)} verified; median size change "
        f"**{statistics.median(changes):+.0%}**; median rebuild-after-edit speed-up "
        f"**{statistics.median(ratios):.1f}x**; {fs_text}."
        if changes and ratios else f"- Naive variants: {len(naive)} built.",
        *([f"- Re-judged with the passes' current glob declarations (no rebuild; the maintainer-script evidence of "
           "`packages-not-installed` needs both images, so it is not applied here), for results recorded before a "
           "pass declared more: "
           f"{sum(left == [] for left in rejudged)} of the {len(rejudged)} naive variants with undeclared paths have "
           "none left; still undeclared: "
           + ("; ".join(f"{_name(r)}: {', '.join(left) if left is not None else 'not re-judged (list cut short)'}"
                        for r, left in zip([r for r in naive if undeclared(r)], rejudged) if left != [])
              or "none") + "."] if rejudged else []),
        "",
        "## Results",
        "",
        "Sizes are podman's image sizes; times are one run each on a 2-core machine shared with other builds",
        "(compare within a row). `(own)` is the project's Dockerfile (adapted as listed below), `(naive)` the",
        "variant in `benchmarks/real_projects/`.",
        "",
        "| project | verdict | builds | size | layers | clean build | rebuild after edit | filesystem | smoke "
        "| passes |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *[result_row(r) for r in built],
        "",
        "Nothing to change, so no build needed: " + (", ".join(_name(r) for r in rows if r.get("nothing_to_change"))
                                                     or "none") + ".",
        "",
        *([f"Not run for this report (time): {', '.join(map(_name, not_run))}.", ""] if not_run else []),
        *([f"Carried over from an earlier run (the rewrite is the same today; not rebuilt for this report): "
           f"{', '.join(map(_name, carried))}.", ""] if carried else []),
        *([f"Built before a pass changed, so today's rewrite differs (not rebuilt for this report): "
           + "; ".join(f"{_name(r)}: {_changed_passes(r)}" for r in changed) + ".", ""] if changed else []),
        "Adaptations of own Dockerfiles to the lab (the rest of each file is built as written):",
        "",
        *[f"- {r['project']}: {'; '.join(r['adapted'])}" for r in own if r["adapted"] and not r["blockers"]],
        "",
        "Declared as written by the maintainer scripts of packages the rewrite no longer installs (verify's",
        "evidence from the original image's dpkg database; paths grouped by how they were written):",
        "",
        *([f"- {_name(r)}: {generated_cell(r)}" for r in built if generated_cell(r)] or ["- none"]),
        "",
        "Failures:",
        "",
        *([f"- {_name(r)}: {'; '.join(r.get('failures', []))}" for r in built if not r.get("ok")]
          or ["- none"]),
        "",
        "## Notes",
        "",
        *[f"- {note}" for note in notes()],
        "",
        "## Cannot build here",
        "",
        "| project | Dockerfile | why |",
        "|---|---|---|",
        *[f"| {r['project']} | {r['kind']} | {'; '.join(r['blockers'])} |" for r in rows if r["blockers"]],
        "",
        "## Provisioning and CI",
        "",
        ("- Lab provisioned from scratch (`--fresh-provision`: a throw-away lab; debootstrap, the Java, Python,"
         f" Node.js, Go and Alpine stand-ins; podman already installed): **{provision['seconds']} s**"
         + ("" if provision["ok"] else " (FAILED)") + "." if provision else "- Provisioning not timed in this run."),
        f"- CI subset ({', '.join(sorted({r['project'] for r in ci}))}; `tests/test_real_projects.py` runs the same"
        + (f" verifications): **{sum(r.get('seconds') or 0 for r in ci):.0f} s** of builds in this run."
           if all(r.get("seconds") is not None for r in ci if r in built) else
           " verifications): not all of its rows were rebuilt for this report; its time as a test is in the notes."),
        "",
        "## Stand-in base images",
        "",
        "Built from Debian bookworm packages (and npm/yarn from the npm registry) by `tools/buildlab/provision.sh`,",
        "each labelled with what it carries (`dockeropt.standin.packages`). Every version tag of a name is the same",
        "image, so a project asking for Python 3.7 or 3.14 gets Python 3.11, and Node 14 or 20 gets Node 18.",
        "Sizes therefore differ from the real images, and so do absolute image sizes above; the before/after",
        "comparison uses the same base on both sides.",
        "",
        "| names | stand-in | what it is | size here | real image (approx.) |",
        "|---|---|---|---|---|",
        *[f"| {names} | `{image}` | {what} | {_mb(standin_sizes.get(image))} | {real} |"
          for names, image, what, real in STANDINS],
        "",
    ]
    return "\n".join(lines)


def standin_sizes() -> dict[str, int | None]:
    env = {**os.environ, **lab_environment()}
    sizes: dict[str, int | None] = {}
    for _, image, _, _ in STANDINS:
        proc = subprocess.run(["podman", "image", "inspect", "--format", "{{.Size}}", image], env=env,
                              capture_output=True, text=True)
        sizes[image] = int(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip().isdigit() else None
    return sizes


def load(json_path: Path | None) -> dict[tuple[str, str], dict]:
    """The results already in a JSON-lines file, by (project, kind)."""
    if json_path is None or not json_path.is_file():
        return {}
    rows = (json.loads(line) for line in json_path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {(row["project"], row["kind"]): row for row in rows}


def record(row: dict, json_path: Path | None) -> dict:
    """Append a result to the JSON-lines file (when there is one) and return it."""
    if json_path:
        with json_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
    return row


def run(projects: Iterable[Project], json_path: Path | None, done: dict[tuple[str, str], dict],
        build: bool = True, kinds: Iterable[str] = KINDS) -> list[dict]:
    """Verify every plan of ``projects`` and ``kinds`` (one at a time) that ``done`` does not hold yet, recording
    each; without ``build``, such a plan is reported as not run. Plans of other kinds come from ``done`` only."""
    rows = []
    for project in projects:
        for plan in plans(project, lab_image_exists):
            row = done.get((project.name, plan.kind))
            if row is None and plan.kind not in kinds:
                continue
            if row is not None and row.get("passes") and not plan.blockers:
                row = {**row, **rewrite_changes(plan, row)}
            if row is None and not build:
                row = {**summary(plan), "not_run": not plan.blockers}
            elif row is None:
                print(f"{project.name} ({plan.kind}) ...", file=sys.stderr, flush=True)
                row = record(summary(plan) if plan.blockers else verify(plan), json_path)
                print(f"  {verdict(row)} {' '.join(row.get('failures', []))}", file=sys.stderr, flush=True)
            rows.append(row)
    return rows


def fresh_provision() -> dict:
    """Provision the lab from scratch in a throw-away DOCKEROPT_LAB (debootstrap and every stand-in) and time it."""
    with tempfile.TemporaryDirectory(prefix="fresh-lab-", ignore_cleanup_errors=True) as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("CONTAINERS_STORAGE_CONF", "CONTAINERS_CONF")}
        env["DOCKEROPT_LAB"] = str(Path(tmp) / "lab")
        started = time.monotonic()
        proc = subprocess.run([str(REPO / "tools" / "buildlab" / "provision.sh")], env=env, capture_output=True,
                              text=True)
        seconds = round(time.monotonic() - started)
    return {"project": "-", "kind": "provision", "seconds": seconds, "ok": proc.returncode == 0,
            "failures": [] if proc.returncode == 0 else [proc.stderr[-500:]], "blockers": []}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="only these project folders")
    parser.add_argument("--ci", action="store_true", help="only the CI subset")
    parser.add_argument("--kind", choices=KINDS, default=None, help="only the projects' own Dockerfiles or naive variants")
    parser.add_argument("--json", type=Path, default=None, help="append each result to this JSON-lines file")
    parser.add_argument("--resume", action="store_true", help="reuse the results already in --json")
    parser.add_argument("--out", type=Path, default=None, help="write the markdown report here")
    parser.add_argument("--no-build", action="store_true", help="report only the results already in --json")
    parser.add_argument("--fresh-provision", action="store_true",
                        help="also time tools/buildlab/provision.sh from scratch (a throw-away lab)")
    args = parser.parse_args(argv)
    if not PROJECTS.is_dir():
        print(f"no projects at {PROJECTS}", file=sys.stderr)
        return 2
    chosen = [p for p in catalogue() if (args.only is None or p.name in args.only) and (p.ci or not args.ci)]
    done = load(args.json) if args.resume or args.no_build else {}
    rows = run(chosen, args.json, done, build=not args.no_build, kinds=(args.kind,) if args.kind else KINDS)
    provision = done.get(("-", "provision"))
    if args.fresh_provision and provision is None:
        provision = record(fresh_provision(), args.json)
    if provision:
        rows.append(provision)
    host = f"{os.cpu_count()} cores, podman {shlex.quote(_podman_version())}"
    text = render(rows, standin_sizes(), host)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0 if all(r.get("ok", True) for r in rows) else 1


def _podman_version() -> str:
    proc = subprocess.run(["podman", "--version"], capture_output=True, text=True)
    return proc.stdout.split()[-1] if proc.returncode == 0 and proc.stdout.split() else "unknown"


if __name__ == "__main__":
    sys.exit(main())
