"""The switches CI and editors expect: paths like ruff, exit-code switches, CI output formats,
statistics, quiet/verbose, colour, selection by hadolint id or prefix, stdin names, and findings
that speak about the user's file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from optimizer.cli import main
from .helpers import invoke

SPLIT = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"
MERGED = "FROM debian\nRUN apt-get update && apt-get install -y curl\n"
APT = "FROM debian\nRUN apt-get update\nRUN apt install -y curl\n"


def run(*args: str, input: str | None = None, env: dict | None = None):
    return invoke(main, list(args), input=input, env=env)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository with Dockerfiles in several places, the working directory of the test."""
    for name in ("Dockerfile", "api/Containerfile", "web/app.Dockerfile", "node_modules/x/Dockerfile",
                 "build/Dockerfile"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SPLIT)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(stderr: str) -> list[str]:
    return [line.split(" ")[0] for line in stderr.splitlines() if ": DO" in line]


def test_no_path_means_the_current_folder_searched_like_ruff(project):
    result = run("--select", "DO101", "--check")
    assert result.exit_code == 1
    assert findings(result.stderr) == ["Dockerfile:2:", "api/Containerfile:2:", "web/app.Dockerfile:2:"]
    assert "3 files would change" in result.stderr


def test_quoted_globs_are_expanded_and_a_glob_that_matches_nothing_is_an_error(project):
    result = run("--select", "DO101", "--check", "*/*Dockerfile", "api/*")
    assert findings(result.stderr) == ["build/Dockerfile:2:", "web/app.Dockerfile:2:", "api/Containerfile:2:"]
    result = run("--check", "nothing/*")
    assert result.exit_code == 2 and result.stderr == "dockeropt: nothing/*: no file matches\n"


def test_exit_zero_and_exit_non_zero_on_fix(project):
    assert run("--select", "DO101", "--check", "--exit-zero", "Dockerfile").exit_code == 0
    assert run("--select", "DO101", "--write", "--exit-non-zero-on-fix", "Dockerfile").exit_code == 1
    assert (project / "Dockerfile").read_text() == MERGED
    assert run("--select", "DO101", "--write", "--exit-non-zero-on-fix", "Dockerfile").exit_code == 0, "nothing written"
    piped = run("--select", "DO101", "--write", "--exit-non-zero-on-fix", "-", input=SPLIT)
    assert piped.exit_code == 1 and piped.stdout == MERGED, "the fixed text went to stdout"
    (project / "bad.Dockerfile").write_text("FROM a\nRUN <<EOF\n")
    assert run("--check", "--exit-zero", "bad.Dockerfile").exit_code == 2, "errors still fail"


def test_a_dockerignore_written_alone_fails_with_exit_non_zero_on_fix(project):
    (project / "Dockerfile").write_text(MERGED + "COPY . /srv\n")
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    result = run("--select", "DO204", "--write", "--exit-non-zero-on-fix", "Dockerfile")
    assert result.exit_code == 1 and (project / ".dockerignore").is_file()
    assert (project / "Dockerfile").read_text() == MERGED + "COPY . /srv\n"


def test_github_annotations_escape_what_would_end_the_command(project):
    result = run("--select", "DO101", "--output-format", "github", "Dockerfile")
    assert result.exit_code == 1
    assert result.stdout == ("::warning file=Dockerfile,line=2,title=DO101 apt-update-with-install (fixable)::"
                             "`apt-get update` runs in a layer of its own; merge it into the RUN that installs (line 3)\n")
    (project / "a,b:c.Dockerfile").write_text("FROM a\nRUN <<EOF\n")
    error = run("--output-format", "github", "a,b:c.Dockerfile").stdout
    assert error.startswith("::error file=a%2Cb%3Ac.Dockerfile,title=dockeropt::a,b:c.Dockerfile:2: ")


def test_gitlab_code_quality_report(project):
    result = run("--select", "DO101,DO103", "--format", "gitlab", "Dockerfile", "web/app.Dockerfile")
    issues = json.loads(result.stdout)
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues] == [
        ("Dockerfile", 2, "dockeropt/DO101"), ("Dockerfile", 3, "dockeropt/DO103"),
        ("web/app.Dockerfile", 2, "dockeropt/DO101"), ("web/app.Dockerfile", 3, "dockeropt/DO103")]
    assert {i["severity"] for i in issues} == {"minor"}
    assert len({i["fingerprint"] for i in issues}) == 4 and all(len(i["fingerprint"]) == 32 for i in issues)
    assert issues[0]["description"].startswith("DO101 apt-update-with-install (fixable): `apt-get update`")


def test_statistics_count_findings_per_pass(project):
    result = run("--select", "DO1", "--statistics", "Dockerfile", "web/app.Dockerfile")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["2  DO101  apt-update-with-install  (2 fixable)",
                                          "2  DO102  apt-no-install-recommends",
                                          "2  DO103  apt-clean-lists  (2 fixable)"]
    assert run("--statistics", "--format", "sarif", "Dockerfile").exit_code == 2
    rows = json.loads(run("--select", "DO1", "--statistics", "--format", "json", "Dockerfile").stdout)
    assert rows[0] == {"id": "DO101", "name": "apt-update-with-install", "count": 1, "fixable": 1}


def test_quiet_prints_only_the_diff_and_errors(project):
    result = run("--select", "DO101", "-q", "Dockerfile")
    assert result.exit_code == 1 and result.stdout.startswith("--- a/Dockerfile") and result.stderr == ""
    result = run("-q", "--check", "Dockerfile", "missing/Dockerfile")
    assert result.stdout == "" and result.stderr == "missing/Dockerfile: no such file\n"


def test_check_is_short_and_verbose_adds_the_risk_of_fixes_not_applied(project):
    short = run("--select", "DO102", "--check", "Dockerfile").stderr
    assert "DO102 apt-no-install-recommends [unsafe, fix with --unsafe]" in short and "risk:" not in short
    assert "    risk: keeps ca-certificates" in run("--select", "DO102", "--check", "-v", "Dockerfile").stderr
    assert "    risk: keeps ca-certificates" in run("--select", "DO102", "--check", "--unsafe", "Dockerfile").stderr, "applied"


@pytest.mark.parametrize("env, coloured", [
    ({}, False), ({"FORCE_COLOR": "1"}, True), ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
], ids=["not-a-terminal", "force-color", "no-color-wins"])
def test_colour_follows_no_color_and_force_color(project, env, coloured):
    result = run("--select", "DO101", "Dockerfile", env={"NO_COLOR": None, "FORCE_COLOR": None, **env})
    assert ("\x1b[" in result.stdout) is coloured  # the diff
    assert ("\x1b[1;31mDO101\x1b[0m" in result.stderr) is coloured  # the findings


@pytest.mark.parametrize("keys, ids", [
    ("DL3009", ["DO103"]), ("DO10", ["DO102", "DO103", "DO104"]), ("apt-get-over-apt,DL3015", ["DO102", "DO104"]),
], ids=["hadolint-id", "id-prefix", "name-and-hadolint"])
def test_select_accepts_hadolint_ids_and_prefixes(project, keys, ids):
    (project / "Dockerfile").write_text("FROM debian\nRUN apt-get update && apt install -y curl\n")
    result = run("--select", keys, "--ignore", "DO105", "--format", "json", "Dockerfile")
    assert sorted({f["id"] for f in json.loads(result.stdout)["files"][0]["findings"]}) == ids


def test_ignore_and_explain_accept_hadolint_ids(project):
    (project / "Dockerfile").write_text("FROM debian\nRUN apt-get update && apt-get install -y curl\n")
    result = run("--select", "DO10", "--ignore", "DL3009,DL3015", "--check", "Dockerfile")
    assert result.exit_code == 0, result.stderr
    assert run("--explain", "DL3009").stdout.startswith("# DO103 apt-clean-lists")
    assert run("--select", "DL9999", "Dockerfile").exit_code == 2


def test_rules_lists_every_pass_and_help_lists_the_subcommands():
    from optimizer.passes import PASSES

    listing = run("--explain").stdout.splitlines()
    assert len(listing) == len(PASSES) + 1 and listing[0].split() == ["id", "name", "safety", "hadolint", "what"]
    assert any(line.split()[:4] == ["DO103", "apt-clean-lists", "safe", "DL3009"] for line in listing)
    out = subprocess.run([sys.executable, "-c", "from optimizer.console import main; main()", "rules"],
                         capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == listing
    helptext = run("--help").stdout
    assert "dockeropt verify DOCKERFILE" in helptext and "dockeropt bot --repo DIR" in helptext


def test_findings_are_sorted_by_line_and_nested_under_the_fix_they_need(project):
    (project / "Dockerfile").write_text(APT)
    lines = run("--select", "DO101,DO103,DO104", "--check", "Dockerfile").stderr.splitlines()
    assert [line.split(" [")[0] for line in lines[:3]] == [
        "Dockerfile:2: DO101 apt-update-with-install",
        "  after DO101: Dockerfile:3: DO103 apt-clean-lists",  # the lists of the RUN that DO101 merged
        "Dockerfile:3: DO104 apt-get-over-apt"]
    assert "`apt install`" in lines[2], "quotes the user's text"
    (entry,) = json.loads(run("--select", "DO101,DO103", "--format", "json", "Dockerfile").stdout)["files"]
    assert [(f["id"], f["line"], f["after"]) for f in entry["findings"]] == [
        ("DO101", 2, None), ("DO103", 3, {"id": "DO101", "line": 2})]


def test_a_selected_pass_that_needs_another_fix_says_so(project):
    (project / "Dockerfile").write_text(APT)
    result = run("--select", "DO103", "--check", "Dockerfile")
    assert result.exit_code == 0
    assert result.stderr == ("Dockerfile: warning: DO103 apt-clean-lists applies here only after a fix of DO101 "
                             "apt-update-with-install, which is not selected (add DO101 to --select)\nnothing to change\n")


def test_stdin_filename_names_standard_input_and_gives_it_a_context(project):
    (project / "web" / "node_modules" / "x").mkdir(parents=True)
    (project / "web" / "node_modules" / "x" / "index.js").write_text("x")
    text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD node server.js\n"
    named = run("--stdin-filename", "web/Dockerfile", "--select", "DO204", "-", input=text)
    assert named.stdout.startswith("--- /dev/null\n+++ b/web/.dockerignore\n") and "+node_modules\n" in named.stdout
    assert "web/Dockerfile:3: DO204" in named.stderr and "no build context" not in named.stderr
    bare = run("--select", "DO204,DO101", "-", input=text)
    assert bare.stdout == ""
    assert ("-: warning: no build context for standard input (give --stdin-filename PATH or --context DIR): "
            "DO204 dockerignore could not look at the files") in bare.stderr
