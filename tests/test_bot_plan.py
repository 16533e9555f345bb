"""What the bot finds and how it writes the pull request: discovery, excludes, title and body."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.bot.body import body, title
from optimizer.discover import find_dockerfiles
from optimizer.bot.plan import make_plan

from .conftest import ROOT

SPLIT = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize("files, found", [
    (["Dockerfile", "api/Dockerfile"], ["Dockerfile", "api/Dockerfile"]),
    (["web.Dockerfile", "Dockerfile.dev", "Dockerfile.prod"], ["Dockerfile.dev", "Dockerfile.prod", "web.Dockerfile"]),
    (["Dockerfile.dockerignore", "dockerfile", "Dockerfiles/x", "README.md"], []),
    ([".git/Dockerfile", "sub/.git/Dockerfile", "x/Dockerfile"], ["x/Dockerfile"]),
], ids=["plain", "suffixes", "not-dockerfiles", "git-folders-skipped"])
def test_discovery_finds_dockerfiles_by_name(tmp_path, files, found):
    tree(tmp_path, {name: "FROM scratch\n" for name in files})
    assert [p.relative_to(tmp_path).as_posix() for p in find_dockerfiles(tmp_path)] == found


@pytest.mark.parametrize("config, found", [
    ('[tool.dockeropt]\nexclude = ["examples/**"]\n', ["Dockerfile", "docs/examples/Dockerfile", "test.Dockerfile"]),
    ('[tool.dockeropt]\nexclude = ["**/examples/*"]\n', ["Dockerfile", "examples/a/Dockerfile", "test.Dockerfile"]),
    ('[tool.dockeropt]\nexclude = ["*.Dockerfile", "examples/"]\n', ["Dockerfile", "docs/examples/Dockerfile"]),
    ('[project]\nname = "x"\n', ["Dockerfile", "docs/examples/Dockerfile", "examples/a/Dockerfile",
                                 "examples/Dockerfile", "test.Dockerfile"]),
], ids=["folder-glob", "any-depth", "file-glob-and-folder", "no-dockeropt-section"])
def test_discovery_honours_the_config_excludes(tmp_path, config, found):
    names = ["Dockerfile", "test.Dockerfile", "examples/Dockerfile", "examples/a/Dockerfile", "docs/examples/Dockerfile"]
    tree(tmp_path, {"pyproject.toml": config, **{name: "FROM scratch\n" for name in names}})
    (tmp_path / ".git").mkdir()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in find_dockerfiles(tmp_path)) == sorted(found)


@pytest.mark.parametrize("files, expected", [
    ({"Dockerfile": SPLIT}, "build(docker): optimize Dockerfile (dockeropt)"),
    ({"a/Dockerfile": SPLIT, "b/Dockerfile": SPLIT, "c/Dockerfile": "FROM scratch\n"},
     "build(docker): optimize 2 Dockerfiles (dockeropt)"),
    ({"services/very-long-service-name/docker/Dockerfile.production": SPLIT},
     "build(docker): optimize 1 Dockerfile (dockeropt)"),
], ids=["one", "two-of-three", "long-path"])
def test_the_title_is_conventional_and_short(tmp_path, files, expected):
    plan = make_plan(tree(tmp_path, files))
    assert title(plan) == expected
    assert len(title(plan)) <= 72


def test_a_bad_dockerfile_is_reported_and_the_others_still_planned(tmp_path):
    tree(tmp_path, {"Dockerfile": SPLIT, "bad/Dockerfile": "FROM debian\nRUN <<EOF\nnever closed\n"})
    plan = make_plan(tmp_path)
    assert [f.path for f in plan.changed] == ["Dockerfile"]
    assert len(plan.errors) == 1 and plan.errors[0].startswith("bad/Dockerfile:")
    assert "### Not processed" in body(plan)


def test_the_body_explains_each_change_for_the_java_golden_case(tmp_path):
    case = ROOT / "corpus" / "apt-heavy-java"
    tree(tmp_path, {"Dockerfile": (case / "Dockerfile").read_text()})
    plan = make_plan(tmp_path, unsafe=True)
    text = body(plan)
    applied = plan.changed[0].result.applied
    assert applied
    for r in applied:
        assert f"**{r.pass_.id} {r.pass_.name}**" in text and r.pass_.why in text
        assert f"hadolint rules resolved: {', '.join(r.hadolint) or 'none'}" in text
    assert "unsafe (opted in)" in text
    assert "# dockeropt: ignore=<id>" in text


def test_the_body_stays_under_githubs_limit_with_the_summary_first_and_a_note(tmp_path):
    from optimizer.bot.body import MAX_BODY

    files = {f"svc{i:03}/Dockerfile": SPLIT for i in range(120)}
    plan = make_plan(tree(tmp_path, files))
    full = body(plan, limit=10**9)
    assert len(full) > MAX_BODY, "the case must need cutting"
    cut = body(plan)
    assert len(cut) <= MAX_BODY
    assert cut.index("| `svc000/Dockerfile`") < cut.index("<details><summary><code>svc000/Dockerfile</code>")
    assert "Cut to stay under GitHub's 65,536-character limit:** 0 more files in the table and" in cut
    assert "`dockeropt bot --dry-run` prints everything" in cut and "### Suppress a change" in cut
    assert cut.count("<details>") == cut.count("</details>") < full.count("<details>")
    assert "Cut to stay" not in full
