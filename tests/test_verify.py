"""dockeropt verify without real builds: config comparison, reports, builder detection and argv (fake
builder executables on PATH), the file edited before the rebuilds, exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.model import parse
from optimizer.verify import NoBuilder, VerifyReport, verify_dockerfile
from optimizer.verify.builders import Step, detect, parse_steps
from optimizer.verify.cli import main
from optimizer.verify.compare import compare
from optimizer.verify.report import ImageReport
from optimizer.verify.run import edited_file
from .helpers import invoke

SPLIT = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\nCOPY app.sh /app/\nCMD [\"/app/app.sh\"]\n"

# A fake docker/podman/buildah: logs its argv to $FAKE_LOG; `info`/`buildx inspect` fail when the
# builder's name is in $FAKE_DOWN; `image inspect TAG` answers a config whose Cmd is $FAKE_CMD_<variant>
# (default ["app"]), or fails as podman does (`[]` on stdout, $FAKE_INSPECT_ERROR on stderr, exit 125) when
# that is set and names the variant; `run [--flags] TAG ...` prints $FAKE_OUT_<variant> (default "ok"); `create TAG` + `export`
# stream a tar of $FAKE_FILES_<variant> (a JSON path -> content mapping); a build prints $FAKE_BUILD_LOG and
# fails when it is set.
FAKE = '''#!{python}
import io, json, os, sys, tarfile
name, args = os.path.basename(sys.argv[0]), sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps([name, *args]) + "\\n")
def variant(tag):
    return "rewritten" if "rewritten" in tag else "original"
if args[:1] == ["info"] or args[:2] == ["buildx", "inspect"]:
    if name in os.environ.get("FAKE_DOWN", "").split(","):
        print("Cannot connect to the daemon", file=sys.stderr); sys.exit(1)
    print("27.0" if name == "docker" else json.dumps({{"store": {{"graphRoot": "/users/store", "graphDriverName": "overlay"}}}}))
elif "build" in args or "bud" in args:
    if "CONTAINERS_STORAGE_CONF" in os.environ:
        with open(os.environ["FAKE_LOG"] + ".storage", "a") as out:
            out.write(os.environ["CONTAINERS_STORAGE_CONF"] + "\\n" + open(os.environ["CONTAINERS_STORAGE_CONF"]).read())
    if os.environ.get("FAKE_BUILD_LOG"):
        print(os.environ["FAKE_BUILD_LOG"], file=sys.stderr); sys.exit(1)
    print("#1 [internal] load build definition\\n#5 [2/3] RUN apt-get update\\n#5 CACHED\\n#6 [3/3] COPY app.sh /app/")
elif args[:1] == ["create"]:
    print("container-" + variant(args[1]))
elif args[:1] == ["export"]:
    files = json.loads(os.environ.get("FAKE_FILES_" + variant(args[1]), '{{"etc/os-release": "debian"}}'))
    with tarfile.open(fileobj=sys.stdout.buffer, mode="w|") as out:
        for name, text in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(text.encode())
            out.addfile(info, io.BytesIO(text.encode()))
elif args[:2] == ["image", "inspect"] and variant(args[2]) in os.environ.get("FAKE_INSPECT_FAILS", ""):
    print("[]"); print(os.environ["FAKE_INSPECT_ERROR"], file=sys.stderr); sys.exit(125)
elif args[:2] == ["image", "inspect"]:
    cmd = json.loads(os.environ.get("FAKE_CMD_" + variant(args[2]), '["app"]'))
    print(json.dumps([{{"Size": 120000000, "RootFS": {{"Layers": ["a", "b"]}}, "Config": {{"Cmd": cmd}}}}]))
elif args[:1] == ["run"]:
    print(os.environ.get("FAKE_OUT_" + variant(next(a for a in args[1:] if not a.startswith("-"))), "ok"))
'''


@pytest.fixture
def fake_path(tmp_path, monkeypatch):
    """A PATH holding only fake builders (none yet): ``add(name)`` installs one."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "argv.log"
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_LOG", str(log))

    def add(*names):
        for name in names:
            exe = bin_dir / name
            exe.write_text(FAKE.format(python=sys.executable))
            exe.chmod(0o755)

    add.calls = lambda: [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return add


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "Dockerfile").write_text(SPLIT)
    (root / "app.sh").write_text("#!/bin/sh\necho hi\n")
    return root


def verify(root, **kwargs):
    return verify_dockerfile(root / "Dockerfile", config=Config(select=frozenset({"DO101"})), **kwargs)


# Runtime config comparison ----------------------------------------------------------------------------

@pytest.mark.parametrize("before, after, declares, expected", [
    ({"Cmd": ["a"], "Volumes": {}}, {"Cmd": ["a"], "Volumes": None}, {}, []),
    ({"Cmd": ["a"]}, {"Cmd": ["b"]}, {}, [("Cmd", ())]),
    ({"Cmd": ["a"]}, {"Cmd": ["b"]}, {"runtime": ("DO301",)}, [("Cmd", ("DO301",))]),
    ({"Env": ["A=1", "PATH=/bin"]}, {"Env": ["PATH=/bin"]}, {"stages": ("DO301",)}, [("Env A", ("DO301",))]),
    ({"Env": ["A=1"]}, {"Env": ["A=2"]}, {"runtime": ("DO301",)}, [("Env A", ())]),
    ({"Healthcheck": {"Test": ["CMD", "true"]}}, {}, {"runtime": ("DO301",), "stages": ("DO301",)},
     [("Healthcheck", ())]),
    ({"User": "app", "Labels": {"a": "1"}}, {"User": "app", "Labels": {"a": "2"}}, {}, []),
], ids=["empty-equals-null", "cmd-undeclared", "cmd-declared-runtime", "env-declared-by-new-base",
        "env-not-covered-by-runtime", "healthcheck-never-declared", "labels-not-runtime"])
def test_compare_flags_only_undeclared_runtime_differences(before, after, declares, expected):
    diffs = compare(before, after, declares)
    assert [(d.key, d.declared_by) for d in diffs] == expected


# Reports ----------------------------------------------------------------------------------------------

def _image(label, size, rebuild, **kw):
    return ImageReport(label, True, size=size, layers=4, clean_s=20.0, rebuild_s=rebuild,
                       steps=(Step("RUN apt-get update", True), Step("COPY . /app", False)), **kw)


def test_markdown_is_an_evidence_table_for_a_pr_body():
    report = VerifyReport("Dockerfile", ("DO101 apt-update-with-install",), "podman", edited_file="src/a.py",
                          original=_image("original", 200_000_000, 30.0), rewritten=_image("rewritten", 150_000_000, 3.0))
    md = report.markdown()
    assert "**verified**" in md and "DO101 apt-update-with-install" in md
    assert "| | original | rewritten | change |" in md
    assert "| image size | 200.0 MB | 150.0 MB | -50.0 MB (-25%) |" in md
    assert "| rebuild after editing `src/a.py` | 30.0 s | 3.0 s | 10.0x faster |" in md
    assert "| rebuild steps from cache | 1/2 | 1/2 |  |" in md
    assert "| runtime config |  |  | same |" in md
    assert report.ok and json.loads(report.to_json())["rewritten"]["size_bytes"] == 150_000_000


def test_times_within_rounding_read_as_about_the_same():
    report = VerifyReport("Dockerfile", (), "podman", edited_file="a",
                          original=_image("original", 1, 0.70), rewritten=_image("rewritten", 1, 0.72))
    assert "| rebuild after editing `a` | 0.7 s | 0.7 s | about the same |" in report.markdown()


def test_a_failed_build_shows_the_error_tail_and_the_verdict():
    report = VerifyReport("Dockerfile", ("DO999 drop-copy",), "podman", original=_image("original", 1, 1.0),
                          rewritten=ImageReport("rewritten", False, error="Error: no such file app.sh"),
                          failures=("the rewritten Dockerfile does not build (passes that changed it: DO999 drop-copy)",))
    assert not report.ok
    for rendered in (report.markdown(), report.text()):
        assert "verification FAILED" in rendered and "DO999 drop-copy" in rendered
        assert "Error: no such file app.sh" in rendered
    assert json.loads(report.to_json())["rewritten"]["error"] == "Error: no such file app.sh"


# Build logs -------------------------------------------------------------------------------------------

PODMAN_LOG = """STEP 1/4: FROM debian:bookworm
STEP 2/4: RUN apt-get update
--> Using cache 4f2a
--> 4f2a
STEP 3/4: COPY . /app
--> 77b1
STEP 4/4: CMD ["x"]
--> 9c0d
"""
MULTI_STAGE_LOG = "[1/2] STEP 1/2: FROM maven AS build\n[1/2] STEP 2/2: RUN mvn package\n--> Using cache 1\n" \
                  "[2/2] STEP 1/2: FROM jre\n[2/2] STEP 2/2: COPY --from=build /a /a\n--> 2\n"
BUILDKIT_LOG = """#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s
#4 [1/3] FROM docker.io/library/debian:bookworm
#5 [2/3] RUN apt-get update
#5 CACHED
#6 [3/3] COPY . /app
#6 DONE 0.1s
"""
LEGACY_LOG = "Step 1/3 : FROM debian\nStep 2/3 : RUN apt-get update\n ---> Using cache\nStep 3/3 : COPY . /app\n"


@pytest.mark.parametrize("log, expected", [
    (PODMAN_LOG, [("RUN apt-get update", True), ("COPY . /app", False), ('CMD ["x"]', False)]),
    (MULTI_STAGE_LOG, [("RUN mvn package", True), ("COPY --from=build /a /a", False)]),
    (BUILDKIT_LOG, [("RUN apt-get update", True), ("COPY . /app", False)]),
    (LEGACY_LOG, [("RUN apt-get update", True), ("COPY . /app", False)]),
], ids=["podman", "podman-multi-stage", "buildkit-plain", "legacy-docker"])
def test_cache_hits_are_read_from_each_builders_log(log, expected):
    assert [(s.text, s.cached) for s in parse_steps(log)] == expected


# The file edited before the rebuilds -------------------------------------------------------------------

@pytest.mark.parametrize("files, before, after, expected", [
    ({"pom.xml": "", "src/A.java": "", "README.md": ""}, "COPY . /app\n",
     "COPY pom.xml /app/\nCOPY src /app/src\n", "src/A.java"),
    ({"Dockerfile": "", "expected.diff": ""}, "COPY . /app\n", "COPY . /app\n", "expected.diff"),
    ({"package.json": "", ".hidden/x.js": "", "lib/y.js": ""}, "COPY . .\n", "COPY . .\n", "lib/y.js"),
    ({"a.txt": "", "b.txt": ""}, "COPY a.txt /\n", "COPY b.txt /\n", None),
], ids=["a-source-both-copy", "not-the-dockerfile", "not-hidden-not-manifest", "nothing-copied-by-both"])
def test_the_edited_file_is_a_source_both_dockerfiles_copy(tmp_path, files, before, after, expected):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    context = BuildContext.from_directory(tmp_path)
    docs = [parse(f"FROM debian\n{body}") for body in (before, after)]
    assert edited_file(*docs, context, context) == expected


def test_a_symlink_is_never_edited(tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("user's file\n")
    root = tmp_path / "ctx"
    root.mkdir()
    (root / "link.py").symlink_to(outside)
    (root / "z.py").write_text("")
    context = BuildContext.from_directory(root)
    doc = parse("FROM debian\nCOPY . /app\n")
    assert edited_file(doc, doc, context, context) == "z.py"


# Builders: detection, argv, exit codes (fake executables) ----------------------------------------------

@pytest.mark.parametrize("installed, down, requested, expected", [
    (("docker", "podman"), "docker", "auto", "podman"),
    (("docker", "podman"), "", "auto", "docker"),
    (("buildah",), "", "auto", "buildah"),
    (("docker",), "", "buildx", "buildx"),
], ids=["daemon-down-falls-back-to-podman", "docker-daemon-up", "only-buildah", "buildx-asked"])
def test_auto_detection_picks_the_first_usable_builder(fake_path, monkeypatch, installed, down, requested, expected):
    fake_path(*installed)
    monkeypatch.setenv("FAKE_DOWN", down)
    assert detect(requested).name == expected


def test_no_builder_lists_what_was_looked_for(fake_path, monkeypatch):
    fake_path("docker")
    monkeypatch.setenv("FAKE_DOWN", "docker")
    with pytest.raises(NoBuilder) as error:
        detect("auto")
    message = str(error.value)
    assert "docker info" in message and "Cannot connect to the daemon" in message
    assert "`podman` not found on PATH" in message and "`buildah` not found on PATH" in message


def test_cli_without_a_builder_exits_2_with_the_list(fake_path, project):
    result = invoke(main, ["--select", "DO101", str(project / "Dockerfile")])
    assert result.exit_code == 2
    assert "no usable image builder" in result.stderr and "podman" in result.stderr


def test_nothing_to_change_exits_0_without_looking_for_a_builder(fake_path, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian:bookworm\nCMD [\"true\"]\n")
    result = invoke(main, [str(tmp_path / "Dockerfile")])
    assert result.exit_code == 0, result.output
    assert "nothing to change" in result.stdout
    assert fake_path.calls() == []


@pytest.mark.parametrize("args, message", [
    (["missing/Dockerfile"], "missing/Dockerfile: no such file"),
    (["--select", "DO999", "Dockerfile"], "unknown pass"),
], ids=["missing-file", "unknown-pass"])
def test_usage_and_input_errors_exit_2(fake_path, project, monkeypatch, args, message):
    monkeypatch.chdir(project)
    result = invoke(main, args)
    assert result.exit_code == 2 and message in result.output


def test_buildx_builder_is_passed_through_and_images_are_loaded(fake_path, project):
    fake_path("docker")
    report = verify(project, buildx_builder="remote-bk")
    assert report.ok, report.text()
    builds = [c for c in fake_path.calls() if c[1:3] == ["buildx", "build"]]
    assert len(builds) == 4  # original and rewritten: clean, then rebuild after the edit
    for argv in builds:
        assert argv[3:7] == ["--builder", "remote-bk", "--load", "--progress=plain"]
    assert sum("--no-cache" in argv for argv in builds) == 2
    assert ["docker", "buildx", "inspect", "--builder", "remote-bk"] in fake_path.calls()
    assert report.builder == "docker buildx (--builder remote-bk)"
    assert report.edited_file == "app.sh" and report.original.cached == "1/2"


def test_the_users_tree_is_never_touched(fake_path, project):
    fake_path("docker")
    before = {p: p.read_bytes() for p in project.rglob("*")}
    verify(project, builder="docker")
    assert {p: p.read_bytes() for p in project.rglob("*")} == before


@pytest.mark.parametrize("env, failure", [
    ({"FAKE_CMD_rewritten": '["other"]'}, "undeclared runtime config change Cmd: ['app'] -> ['other']"),
    ({"FAKE_OUT_rewritten": "different"}, "smoke command 'true' behaves differently"),
], ids=["config-change", "smoke-output"])
def test_an_undeclared_change_fails_and_names_the_pass(fake_path, project, monkeypatch, env, failure):
    fake_path("docker")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = invoke(main, ["--builder", "docker", "--select", "DO101", "--smoke", "true",
                           "--format", "json", str(project / "Dockerfile")])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["failures"] == [f"{failure} (passes that changed it: DO101 apt-update-with-install)"]
    runs = [argv for argv in fake_path.calls() if argv[1] == "run"]
    assert runs and all("--no-healthcheck" in argv for argv in runs)  # its timer's log lines are no output


def test_podman_builds_each_image_in_a_private_storage_over_the_users_images(fake_path, project, tmp_path):
    fake_path("podman")
    assert verify(project, builder="podman").ok
    builds = [c for c in fake_path.calls() if c[1] == "build"]
    assert len(builds) == 4 and all(argv[2:6] == ["--layers", "--format", "docker", "--force-rm"] for argv in builds)
    storage = (tmp_path / "argv.log.storage").read_text()
    confs = sorted({line for line in storage.splitlines() if line.endswith("storage.conf")})
    assert len(confs) == 2  # original and rewritten never share a cache chain
    assert storage.count('additionalimagestores = ["/users/store"]') == 4
    assert not any(Path(conf).exists() for conf in confs)  # removed afterwards


def test_markdown_lists_which_rebuild_steps_came_from_the_cache():
    report = VerifyReport("Dockerfile", (), "podman", original=_image("original", 2, 1.0),
                          rewritten=_image("rewritten", 1, 1.0))
    md = report.markdown()
    assert "<details><summary>rewritten: rebuild steps (1/2 from cache)</summary>" in md
    assert "- cached `RUN apt-get update`" in md and "- **ran** `COPY . /app`" in md


# The filesystem comparison, exit statuses and --runs (fake builders) ----------------------------------

def test_an_undeclared_file_difference_fails_and_is_listed(fake_path, project, monkeypatch):
    fake_path("docker")
    monkeypatch.setenv("FAKE_FILES_rewritten", '{"etc/os-release": "debian", "etc/ld.so.cache": "new"}')
    result = invoke(main, ["--builder", "docker", "--select", "DO101", "--format", "json",
                           str(project / "Dockerfile")])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["filesystem"] == {"same": False, "added": 1, "removed": 0, "changed": 0,
                                  "undeclared": ["/etc/ld.so.cache"], "declared_by": {}, "volatile": 0,
                                  "generated": {}}
    assert data["failures"] == ["1 undeclared file difference(s), first: added /etc/ld.so.cache "
                                "(passes that changed it: DO101 apt-update-with-install)"]


def test_the_same_files_verify(fake_path, project):
    fake_path("docker")
    report = verify(project, builder="docker")
    assert report.ok and report.files is not None and report.files.same
    assert ["docker", "export", "container-rewritten"] in fake_path.calls()


def test_a_base_image_that_cannot_be_pulled_is_an_environment_problem_exit_2(fake_path, project, monkeypatch):
    fake_path("podman")
    monkeypatch.setenv("FAKE_BUILD_LOG", "Error: creating build container: initializing source "
                                         "docker://debian:bookworm: pinging container registry registry-1.docker.io")
    result = invoke(main, ["--builder", "podman", "--select", "DO101", str(project / "Dockerfile")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "the base image debian:bookworm cannot be pulled or found" in result.stderr
    assert "FAILED" not in result.output


def test_an_original_that_does_not_build_is_its_own_verdict_exit_3(fake_path, project, monkeypatch):
    fake_path("docker")
    monkeypatch.setenv("FAKE_BUILD_LOG", 'Error: building at STEP "RUN apt-get update": exit status 100')
    result = invoke(main, ["--builder", "docker", "--select", "DO101", "--format", "json",
                           str(project / "Dockerfile")])
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "the original does not build" and data["failures"] == []
    assert "exit status 100" in data["original"]["error"]


@pytest.mark.parametrize("variant", ["original", "rewritten"])
def test_an_image_the_builder_cannot_inspect_is_an_environment_problem_exit_2(fake_path, project, monkeypatch,
                                                                              variant):
    fake_path("podman")
    error = 'Error: acquiring lock 0 for volume: open /run/libpod/alive: no such file or directory'
    monkeypatch.setenv("FAKE_INSPECT_FAILS", variant)
    monkeypatch.setenv("FAKE_INSPECT_ERROR", error)
    result = invoke(main, ["--builder", "podman", "--select", "DO101", str(project / "Dockerfile")])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert f"the {variant} Dockerfile built, but podman could not inspect the image: `podman image inspect " \
           f"dockeropt-verify-" in result.stderr
    assert f"failed (exit status 125): {error}" in result.stderr
    assert "does not build" not in result.output + result.stderr and "FAILED" not in result.output
    assert ["podman", "rm", "--all", "--force"] in fake_path.calls()  # its private storage is still cleaned up


def test_no_builder_is_one_line(fake_path, project):
    result = invoke(main, ["--select", "DO101", str(project / "Dockerfile")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_runs_repeats_the_clean_build_and_the_rebuild(fake_path, project):
    fake_path("docker")
    result = invoke(main, ["--builder", "docker", "--select", "DO101", "--runs", "3", "--format", "json",
                           str(project / "Dockerfile")])
    assert result.exit_code == 0, result.output
    builds = [c for c in fake_path.calls() if c[1] == "build"]
    assert sum("--no-cache" in argv for argv in builds) == 6 and len(builds) == 12
    data = json.loads(result.stdout)
    assert len(data["original"]["clean_build_runs_s"]) == 3 and len(data["rewritten"]["rebuild_after_edit_runs_s"]) == 3
    assert invoke(main, ["--runs", "0", str(project / "Dockerfile")]).exit_code == 2


# --target: one stage of a multi-stage Dockerfile ---------------------------------------------------------

# awesome-compose's shape: the image stage builds as is; the rewrite (DO101 here) lands in a later stage only
STAGED = ("FROM debian:bookworm AS builder\nCOPY app.sh /app/\nCMD [\"/app/app.sh\"]\n"
          "FROM builder AS dev-envs\nRUN apt-get update\nRUN apt-get install -y git\n")


def test_needed_stages_follow_from_copy_from_and_mounts():
    from optimizer.verify.target import needed_stages

    doc = parse("FROM golang AS tools\nFROM debian AS base\nFROM golang AS build\n"
                "RUN --mount=type=cache,from=tools,target=/t make\nFROM base AS app\nCOPY --from=build /b /b\n"
                "FROM app AS dev\n")
    assert [s.name for s in needed_stages(doc, "app")] == ["tools", "base", "build", "app"]
    assert [s.name for s in needed_stages(doc, "base")] == ["base"]


def test_target_builds_that_stage_of_both_dockerfiles(fake_path, project):
    fake_path("podman")
    (project / "Dockerfile").write_text(SPLIT.replace("FROM debian:bookworm", "FROM debian:bookworm AS app")
                                        + "FROM app AS dev-envs\nRUN <<EOF\nexit 1\nEOF\n")
    assert verify(project, builder="podman", target="app").ok
    builds = [argv for argv in fake_path.calls() if argv[1] == "build"]
    assert len(builds) == 4 and all(argv[argv.index("--target") + 1] == "app" for argv in builds)


def test_a_target_the_rewrite_does_not_change_proves_nothing_and_is_refused(fake_path, project):
    fake_path("docker")
    (project / "Dockerfile").write_text(STAGED)
    args = ["--builder", "docker", "--select", "DO101", str(project / "Dockerfile")]
    result = invoke(main, [*args, "--target", "builder"])
    assert result.exit_code == 2
    assert ("--target builder: the rewrite changes no instruction that a build of stage builder runs, so building "
            "it proves nothing (the fixes are on lines 5)") in result.stderr
    assert not [argv for argv in fake_path.calls() if argv[1] == "build"]
    missing = invoke(main, [*args, "--target", "web"])
    assert missing.exit_code == 2 and "--target web: no such stage (stages: builder, dev-envs)" in missing.stderr
    assert invoke(main, [*args, "--target", "dev-envs"]).exit_code == 0


def test_a_builder_too_slow_to_remove_its_containers_does_not_stop_the_cleanup(tmp_path, monkeypatch):
    # seen under load 15: `podman rm --all --force` took over a minute and the verification crashed
    import subprocess

    from optimizer.verify.builders import Builder

    storage = tmp_path / "storage"
    (storage / "overlay").mkdir(parents=True)

    def slow(self, argv, timeout, extra_env=None):
        raise subprocess.TimeoutExpired(argv, timeout)

    monkeypatch.setattr(Builder, "_run", slow)
    Builder("podman", "/usr/bin/podman").discard(storage)
    assert not storage.exists()
