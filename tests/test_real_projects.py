"""Real projects (benchmarks/real_projects.py): the catalogue covers ../shared/projects, the lab adaptations,
and the CI subset (one project per ecosystem) verified with real builds on the stand-in base images.

The build tests skip where podman, the lab or ../shared/projects is missing; under DOCKEROPT_STRICT_TESTS=1
(CI) they fail instead. Their reports are printed (the evidence in CI's log).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

from optimizer.config import Config
from optimizer.model import parse
from optimizer.pipeline import optimize

from .conftest import ROOT, require, shown


def _load():
    spec = importlib.util.spec_from_file_location("real_projects", ROOT / "benchmarks" / "real_projects.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["real_projects"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


rp = _load()
CATALOGUE = rp.catalogue()
CI_PROJECTS = [p for p in CATALOGUE if p.ci]
DIGEST = "@sha256:" + "ab" * 32


def test_catalogue_lists_every_project_folder():
    require(rp.PROJECTS.is_dir(), f"projects not found at {shown(rp.PROJECTS)}")
    folders = {p.name for p in rp.PROJECTS.iterdir() if (p / ".provenance").is_file()}
    assert {p.name for p in CATALOGUE} == folders


def test_every_project_has_a_naive_variant_or_says_why_not():
    for project in CATALOGUE:
        assert project.naive.is_file() != bool(project.naive_blocker), project.name
        assert not project.naive.is_file() or project.smoke, f"{project.name}: a naive variant needs a smoke command"


def test_the_ci_subset_covers_python_node_and_go():
    assert {"python", "node", "go"} <= {p.ecosystem for p in CI_PROJECTS}


@pytest.mark.parametrize("project", [p for p in CATALOGUE if p.naive.is_file()], ids=lambda p: p.name)
def test_naive_variant_is_naive_and_dockeropt_fixes_it(project):
    text = project.naive.read_text(encoding="utf-8")
    doc = parse(text)
    assert len(doc.stages) == 1 and not doc.problems
    result = optimize(text, config=Config(unsafe=True))
    applied = {r.pass_.id for r in result.applied}
    assert {"DO101", "DO103"} <= applied  # apt-get update in its own layer, lists never cleaned
    assert result.changed


def test_adapt_drops_digests_and_an_unused_dev_envs_stage_only():
    text = (f"ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM python:3.12-alpine{DIGEST} AS builder\n"
            "RUN pip install flask\n# the development image\nFROM builder as dev-envs\nRUN <<EOF\napk add git\nEOF\n"
            f"FROM alpine:3.20{DIGEST}\nCOPY --from=builder /usr/local /usr/local\n")
    adapted, notes = rp.adapt(text)
    assert adapted == ("ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM python:3.12-alpine AS builder\n"
                       "RUN pip install flask\nFROM alpine:3.20\nCOPY --from=builder /usr/local /usr/local\n")
    assert len(notes) == 3 and "`dev-envs` stage dropped (line 5)" in notes[1]
    used = "FROM debian AS base\nFROM base AS dev-envs\nRUN true\nFROM dev-envs\nRUN true\n"
    assert rp.adapt(used) == (used, ())  # a stage another one builds on stays


def test_adapt_makes_the_stage_before_a_final_dev_envs_stage_the_image():
    text = "FROM node:lts AS development\nCMD [\"npm\", \"start\"]\nFROM development as dev-envs\nRUN <<EOF\nx\nEOF\n"
    adapted, notes = rp.adapt(text)
    assert adapted == "FROM node:lts AS development\nCMD [\"npm\", \"start\"]\n"
    assert notes == ("`dev-envs` stage dropped (line 3; the image is stage `development`)",)


def test_a_target_keeps_the_dev_envs_stage_and_only_the_stages_its_build_runs_can_block():
    # awesome-compose--vuejs--vuejs: its fix is in stage development, which `verify --target development` builds
    # without the heredocs and the Docker Hub copy of dev-envs
    text = ("FROM node:14.4.0-alpine AS development\nCOPY . .\nRUN yarn install\nFROM development as dev-envs\n"
            "RUN <<EOF\napk update\nEOF\nCOPY --from=gloursdocker/docker / /\n")
    assert rp.adapt(text, "development") == (text, ())
    standins = lambda image: image.startswith("node:")  # noqa: E731
    assert rp.blockers(text, standins, "development") == ()
    assert len(rp.blockers(text, standins)) == 2  # the whole file: the heredoc and the registry copy


def test_vuejs_own_dockerfile_is_planned_with_target_development():
    require(rp.PROJECTS.is_dir(), f"projects not found at {shown(rp.PROJECTS)}")
    project = next(p for p in CATALOGUE if p.name == "awesome-compose--vuejs--vuejs")
    own = next(p for p in rp.plans(project, lambda image: True) if p.kind == "own")
    assert own.target == "development" and own.blockers == (project.own_blocker,)  # nothing the file itself blocks
    assert "FROM development as dev-envs" in own.text  # kept: a build of the target does not run it


def test_blockers_name_heredocs_missing_base_images_and_registry_copies():
    text = ("FROM python:3.10-alpine AS builder\nRUN <<EOF\napk add git\nEOF\nFROM nginx:alpine\n"
            "COPY --from=builder /a /a\nCOPY --from=gloursdocker/docker / /\nFROM scratch\n")
    found = rp.blockers(text, lambda image: image.startswith("python:"))
    assert found == ("line 2: RUN heredoc (buildah 1.28 cannot build heredocs)",
                     "line 5: no stand-in for `nginx:alpine` (no container registry here)",
                     "line 7: `COPY --from=gloursdocker/docker` needs that image from a registry")


# --- real builds on the stand-in images ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab():
    require(shutil.which("podman") is not None, "podman not installed (tools/buildlab/provision.sh installs it)")
    require(rp.PROJECTS.is_dir(), f"projects not found at {shown(rp.PROJECTS)}")
    missing = [image for _, image, _, _ in rp.STANDINS if not rp.lab_image_exists(image)]
    require(not missing, f"build lab lacks {', '.join(missing)}: run tools/buildlab/provision.sh")


def _label(image: str, key: str) -> str:
    proc = subprocess.run(["podman", "image", "inspect", "--format", f'{{{{index .Labels "{key}"}}}}', image],
                          env={**os.environ, **rp.lab_environment()}, capture_output=True, text=True)
    return proc.stdout.strip()


def test_standins_say_what_they_are(lab):
    for names, image, _, _ in rp.STANDINS:
        if "temurin" in names:
            continue  # the Java stand-ins predate the labels; their Dockerfiles say what they carry
        alpine = _label(image, "dockeropt.standin.alpine")
        assert ("not Alpine: Debian" in alpine) == ("alpine" in names), image
        assert alpine or "debian bookworm" in _label(image, "dockeropt.standin.packages"), image


@pytest.mark.parametrize("project", CI_PROJECTS, ids=lambda p: p.name)
def test_ci_project_naive_variant_verifies_smaller_and_rebuilds_faster(lab, project, evidence):
    plan = next(p for p in rp.plans(project, rp.lab_image_exists) if p.kind == "naive")
    assert plan.blockers == ()
    row = rp.verify(plan)
    evidence(rp.result_row(row))
    a, b = row["original"], row["rewritten"]
    assert row["ok"], row["failures"]
    assert a["builds"] and b["builds"]
    assert a["smoke"]["status"] == 0 and a["smoke"] == b["smoke"]
    assert b["size_bytes"] < a["size_bytes"]  # apt lists (and pip/npm caches) gone
    assert rp.undeclared(row) in (None, 0)
    assert a["rebuild_after_edit_s"] is not None and b["rebuild_after_edit_s"] is not None
    if project.ecosystem in ("python", "node"):  # the dependency install now comes from the cache
        install = [s for s in b["rebuild_steps"] if "install" in s["step"]]
        assert install and all(s["cached"] for s in install)
        assert b["rebuild_after_edit_s"] < a["rebuild_after_edit_s"]


def _row(project: str, kind: str, sizes: tuple[int, int], rebuilds: tuple[float, float], undeclared: list[str]) -> dict:
    images = [{"builds": True, "size_bytes": size, "layers": 5, "clean_build_s": 10.0, "rebuild_after_edit_s": rebuild,
               "smoke": {"status": 0, "output": ""}} for size, rebuild in zip(sizes, rebuilds)]
    failures = [f"{len(undeclared)} undeclared file difference(s), first: {undeclared[0]}"] if undeclared else []
    return {"project": project, "ecosystem": "python", "kind": kind, "adapted": [], "blockers": [], "ok": not failures,
            "verdict": "verification FAILED" if failures else "verified", "passes": ["DO101 apt-update-with-install"],
            "original": images[0], "rewritten": images[1], "smoke_command": "true", "failures": failures,
            "filesystem": {"same": False, "added": 0, "removed": 3, "changed": 1, "undeclared": undeclared,
                           "declared_by": {"DO103": 3}}}


def test_report_gives_median_size_change_and_rebuild_speedup_and_counts_undeclared_files():
    rows = [_row("a", "naive", (100_000_000, 90_000_000), (40.0, 4.0), []),
            _row("b", "naive", (200_000_000, 150_000_000), (30.0, 10.0), ["/etc/group"]),
            _row("c", "naive", (100_000_000, 95_000_000), (20.0, 1.0), []),
            {"project": "d", "ecosystem": "go", "kind": "naive", "adapted": [], "blockers": ["needs the Go proxy"]}]
    text = rp.render(rows, {}, "test host")
    assert "**4** in `../shared/projects`; **3** can build here" in text
    assert "2 of 3 verified; median size change **-10%**; median rebuild-after-edit speed-up **10.0x**" in text
    assert "1 undeclared filesystem differences in all" in text
    assert "| d | naive | needs the Go proxy |" in text
    assert "**1 undeclared**; declared by DO103 (3)" in text


def test_report_names_the_rows_carried_over_from_an_earlier_run():
    rows = [_row("a", "naive", (100_000_000, 90_000_000), (40.0, 4.0), []),
            {**_row("b", "naive", (100_000_000, 95_000_000), (20.0, 1.0), []), "carried_over": True}]
    rows[0]["seconds"] = 300.0
    text = rp.render(rows, {}, "test host")
    assert "Carried over from an earlier run (the rewrite is the same today; not rebuilt for this report): " \
           "b (naive)." in text
    assert "a (naive)" not in text.split("Carried over")[1].split("\n")[0]


def test_report_names_the_rows_whose_rewrite_has_changed_since_they_were_built():
    rows = [{**_row("a", "naive", (100_000_000, 90_000_000), (40.0, 4.0), []), "passes": ["DO101", "DO205"],
             "passes_now": ["DO101", "DO306"]}]
    text = rp.render(rows, {}, "test host")
    assert "Built before a pass changed, so today's rewrite differs (not rebuilt for this report): " \
           "a (naive): now also DO306; no longer DO205." in text


def test_a_recorded_row_is_compared_with_todays_rewrite():
    require(rp.PROJECTS.is_dir(), f"projects not found at {shown(rp.PROJECTS)}")
    project = next(p for p in CATALOGUE if p.name == "awesome-compose--flask")
    plan = next(p for p in rp.plans(project, lambda image: True) if p.kind == "naive")
    today = rp.rewrite_changes(plan, {"passes": ["DO101 apt-update-with-install"]})["passes_now"]
    assert "DO101" in today and "DO205" in today  # the naive variant gets more than DO101 today
    assert rp.rewrite_changes(plan, {"passes": today}) == {}


def test_report_groups_the_files_removed_packages_scripts_wrote_by_the_evidence():
    row = _row("a", "naive", (100_000_000, 90_000_000), (40.0, 4.0), [])
    row["filesystem"]["generated"] = {"/etc/group": "entries _ssh added by openssh-client.postinst",
                                      **{f"/etc/ssl/certs/{n}.0": "ca-certificates.postinst runs update-ca-certificates"
                                         for n in range(5)}}
    assert rp.generated_cell(row) == ("/etc/group: entries _ssh added by openssh-client.postinst; /etc/ssl/certs/0.0, "
                                      "/etc/ssl/certs/1.0, /etc/ssl/certs/2.0 and 2 more: ca-certificates.postinst runs "
                                      "update-ca-certificates")
    assert "- a (naive): /etc/group: entries _ssh" in rp.render([row], {}, "test host")
