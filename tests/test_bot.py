"""``dockeropt bot`` end to end: real git (a local bare repository as the remote) and a local GitHub
API whose requests and responses are checked against GitHub's OpenAPI description."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from optimizer.bot.cli import main

from .fake_github import FakeGitHub
from .helpers import invoke

TOKEN = "ghp_test0123456789abcdefTOKEN"
BRANCH = "dockeropt/optimize"
SPLIT = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"
FIXED = "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
CLEAN = "FROM scratch\nCOPY app /app\n"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "dev", "GIT_COMMITTER_EMAIL": "dev@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


class Repo:
    """A clone of a bare repository ``acme/app.git`` (the remote ``origin``)."""

    def __init__(self, tmp_path: Path) -> None:
        self.remote = tmp_path / "forge" / "acme" / "app.git"
        self.remote.mkdir(parents=True)
        git(self.remote, "init", "--quiet", "--bare", "--initial-branch=main")
        self.work = tmp_path / "work"
        git(tmp_path, "clone", "--quiet", str(self.remote), str(self.work))

    def commit(self, files: dict[str, str], message: str = "change") -> str:
        for name, text in files.items():
            path = self.work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        git(self.work, "add", "--all")
        git(self.work, "commit", "--quiet", "-m", message)
        git(self.work, "push", "--quiet", "origin", "HEAD:main")
        return git(self.work, "rev-parse", "HEAD")

    def remote_branches(self) -> dict[str, str]:
        out = git(self.remote, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads")
        return dict(line.split() for line in out.splitlines())

    def show(self, ref: str, path: str) -> str:
        return git(self.remote, "show", f"{ref}:{path}") + "\n"


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path)
    r.commit({"Dockerfile": SPLIT, "README.md": "app\n"}, "initial")
    return r


@pytest.fixture
def github():
    with FakeGitHub(token=TOKEN) as fake:
        yield fake
    assert not fake.problems, fake.problems  # every request and response matched the OpenAPI description


def bot(repo: Repo, github: FakeGitHub | None, *args: str, token: str | None = TOKEN):
    env = {"GITHUB_TOKEN": token} if token else {"GITHUB_TOKEN": ""}
    api = ["--api-url", github.url] if github else []
    return invoke(main, ["--repo", str(repo.work), *api, *args], env=env)


def test_dry_run_prints_the_pull_request_and_the_diff_and_touches_nothing(repo):
    before = repo.remote_branches()
    result = bot(repo, None, "--dry-run", token=None)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("build(docker): optimize Dockerfile (dockeropt)\n")
    assert "| `Dockerfile` (+ `.dockerignore`) | DO101, DO103, DO204 | safe |" in result.output
    assert "+++ b/.dockerignore" in result.output
    assert "+RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*" in result.output
    assert repo.remote_branches() == before
    assert git(repo.work, "status", "--porcelain") == ""
    assert (repo.work / "Dockerfile").read_text() == SPLIT


def test_dry_run_plans_on_a_clean_clone_of_the_base_branch_like_the_real_run(repo):
    repo.commit({".gitignore": "generated/\n", "api/Containerfile": SPLIT})
    (repo.work / "generated").mkdir()
    (repo.work / "generated" / "Dockerfile").write_text(SPLIT)  # ignored: never committed
    (repo.work / "web").mkdir()
    (repo.work / "web" / "Dockerfile").write_text(SPLIT)  # untracked
    (repo.work / "Dockerfile").write_text(FIXED)  # an uncommitted edit
    result = bot(repo, None, "--dry-run", token=None)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("build(docker): optimize 2 Dockerfiles (dockeropt)\n")
    assert "+++ b/Dockerfile" in result.output and "+++ b/api/Containerfile" in result.output
    assert "generated/" not in result.output and "web/" not in result.output
    assert (repo.work / "Dockerfile").read_text() == FIXED


def test_base_is_honoured_when_the_remote_head_cannot_be_resolved(repo, github):
    git(repo.remote, "symbolic-ref", "HEAD", "refs/heads/gone")
    refused = bot(repo, None, "--dry-run", token=None)
    assert refused.exit_code == 2 and "cannot tell the default branch of 'origin'; pass --base" in refused.output
    dry = bot(repo, None, "--dry-run", "--base", "main", token=None)
    assert dry.exit_code == 0 and dry.output.startswith("build(docker): optimize Dockerfile (dockeropt)\n")
    empty = bot(repo, github, "--base", "")  # names no branch: like no --base
    assert empty.exit_code == 2 and "cannot tell the default branch of 'origin'; pass --base" in empty.output
    done = bot(repo, github, "--base", "main")
    assert done.exit_code == 0, done.output
    assert github.calls[-1].body["base"] == "main"


def test_a_run_pushes_the_branch_and_opens_a_pull_request_and_the_next_run_updates_it(repo, github):
    first = bot(repo, github)
    assert first.exit_code == 0, first.output
    assert f"pushed {BRANCH}, opened pull request #1" in first.output
    main_tip = repo.remote_branches()["main"]
    branch_tip = repo.remote_branches()[BRANCH]
    assert git(repo.remote, "rev-parse", f"{branch_tip}^") == main_tip
    assert repo.show(BRANCH, "Dockerfile") == FIXED
    message = git(repo.remote, "log", "-1", "--format=%B", BRANCH)
    assert message.startswith("build(docker): optimize Dockerfile (dockeropt)\n\nDockerfile:\n- DO204")  # line order
    assert "- creates .dockerignore" in message  # the scratch clone's .git is left out of the context
    assert [(c.method, c.status) for c in github.calls] == [("GET", 200), ("POST", 201)]
    create = github.calls[1].body
    assert create["head"] == BRANCH and create["base"] == "main"
    assert create["title"] == "build(docker): optimize Dockerfile (dockeropt)"
    assert "DO101 apt-update-with-install" in create["body"] and "DL3009" in create["body"]

    repo.commit({"api/Dockerfile": SPLIT}, "add an api image")
    second = bot(repo, github)
    assert second.exit_code == 0, second.output
    assert f"pushed {BRANCH}, updated pull request #1" in second.output
    assert [(c.method, c.status) for c in github.calls[2:]] == [("GET", 200), ("PATCH", 200)]
    assert len(github.pulls) == 1, "no duplicate pull request"
    update = github.calls[3].body
    assert update["title"] == "build(docker): optimize 2 Dockerfiles (dockeropt)"
    assert set(update) == {"title", "body"}
    tips = repo.remote_branches()
    assert git(repo.remote, "rev-parse", f"{tips[BRANCH]}^") == tips["main"], "rebuilt on the new base"
    assert repo.show(BRANCH, "api/Dockerfile") == FIXED


def test_a_run_with_nothing_new_leaves_the_branch_alone(repo, github):
    assert bot(repo, github).exit_code == 0
    tip = repo.remote_branches()[BRANCH]
    again = bot(repo, github)
    assert again.exit_code == 0
    assert f"{BRANCH} already up to date, updated pull request #1" in again.output
    assert repo.remote_branches()[BRANCH] == tip


def test_the_pull_request_is_closed_and_the_branch_deleted_when_nothing_is_left(repo, github):
    assert bot(repo, github).exit_code == 0
    git(repo.work, "pull", "--quiet", "--ff-only", "origin", BRANCH)  # the pull request is merged
    git(repo.work, "push", "--quiet", "origin", "HEAD:main")
    result = bot(repo, github)
    assert result.exit_code == 0, result.output
    assert "nothing left to change: closed pull request #1" in result.output
    assert github.calls[-1].method == "PATCH" and github.calls[-1].body == {"state": "closed"}
    assert github.pulls[0]["state"] == "closed"
    assert BRANCH not in repo.remote_branches()
    assert "nothing to change" in bot(repo, github).output


def test_an_existing_pull_request_found_only_on_create_is_updated_not_duplicated(repo, github):
    github.pulls.append(github._new_pull({"head": BRANCH, "base": "main", "title": "old"}))
    github.script.append(("GET", 200, {}, []))  # the first look misses it (opened meanwhile)
    result = bot(repo, github)
    assert result.exit_code == 0, result.output
    assert [(c.method, c.status) for c in github.calls] == [("GET", 200), ("POST", 422), ("GET", 200),
                                                            ("PATCH", 200)]
    assert "A pull request already exists" in github.calls[1].response["errors"][0]["message"]
    assert len(github.pulls) == 1 and github.pulls[0]["title"].startswith("build(docker)")


@pytest.mark.parametrize("args", [
    ["--branch", "main"],
    ["--branch", "refs/heads/main"],
    ["--branch", "develop", "--base", "develop"],
], ids=["default-branch", "default-branch-full-ref", "base-branch"])
def test_the_bot_never_pushes_to_the_default_or_base_branch(repo, github, args):
    git(repo.work, "push", "--quiet", "origin", "HEAD:develop")
    before = repo.remote_branches()
    result = bot(repo, github, *args)
    assert result.exit_code == 2
    assert "refusing to push" in result.output
    assert repo.remote_branches() == before
    assert github.calls == []


RATE_RESET = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"}  # year 2100


@pytest.mark.parametrize("status, headers, body, expected", [
    (401, {}, {"message": "Bad credentials"}, "GitHub rejected the token (401 Bad credentials)"),
    (403, {}, {"message": "Resource not accessible by integration"}, "needs write access"),
    (404, {}, {"message": "Not Found"}, "check the repository name"),
    (429, {"retry-after": "3600"}, {"message": "slow down"}, "rate limit reached (429)"),
    (403, RATE_RESET, {"message": "API rate limit exceeded"}, "rate limit reached (403)"),
    (422, {}, {"message": "Validation Failed", "documentation_url": "d",
               "errors": [{"code": "invalid", "field": "head", "resource": "PullRequest"}]},
     "could not process GET"),
], ids=["401", "403", "404", "429-retry-after", "403-rate-limit", "422"])
def test_forge_errors_are_clear_and_nothing_is_pushed(repo, github, status, headers, body, expected):
    github.script.append(("GET", status, headers, body))
    result = bot(repo, github)
    assert result.exit_code == 2
    assert expected in result.output
    assert BRANCH not in repo.remote_branches()


def test_server_errors_are_retried_then_reported(repo, github, monkeypatch):
    monkeypatch.setattr("optimizer.bot.github.time.sleep", lambda seconds: None)
    github.script += [("GET", 502, {}, {"message": "Bad Gateway"})] * 4
    result = bot(repo, github)
    assert result.exit_code == 2
    assert "GitHub server error 502" in result.output and "4 attempts" in result.output
    assert len(github.calls) == 4


def test_a_missing_token_is_a_usage_error(repo):
    result = bot(repo, None, token=None)
    assert result.exit_code == 2
    assert "set $GITHUB_TOKEN" in result.output


def test_token_env_names_the_variable(repo, github):
    result = invoke(main, ["--repo", str(repo.work), "--api-url", github.url, "--token-env", "BOT_PAT"],
                    env={"GITHUB_TOKEN": "", "BOT_PAT": TOKEN})
    assert result.exit_code == 0, result.output
    assert github.calls[0].authorization == f"Bearer {TOKEN}"


def test_verify_puts_the_evidence_in_the_pull_request(repo, github, monkeypatch):
    seen = []

    class Report:
        ok = True

        def markdown(self):
            return "| check | before | after |\n|---|---|---|\n| image size | 120 MB | 90 MB |\n"

    def verify_dockerfile(dockerfile, context=None, config=None, builder="auto", smoke=None):
        seen.append((dockerfile.read_text(), context))
        return Report()

    import optimizer.verify

    monkeypatch.setattr(optimizer.verify, "verify_dockerfile", verify_dockerfile, raising=False)
    result = bot(repo, github, "--verify")
    assert result.exit_code == 0, result.output
    body = github.calls[1].body["body"]
    assert ("<summary>Evidence (<code>dockeropt verify</code>) for <code>Dockerfile</code>: verified</summary>" in body
            and "| image size | 120 MB | 90 MB |" in body)
    assert seen[0][0] == SPLIT, "verify gets the original Dockerfile"


def test_the_repository_config_is_used(repo, github):
    repo.commit({".dockeropt.toml": 'ignore = ["DO103"]\nunsafe = true\n'})
    result = bot(repo, github)
    assert result.exit_code == 0, result.output
    body = github.calls[1].body["body"]
    assert "DO103" not in body
    assert "| `Dockerfile` (+ `.dockerignore`) | DO101, DO102, DO204 | unsafe (opted in) |" in body
    assert "--no-install-recommends" in repo.show(BRANCH, "Dockerfile")


def test_verify_without_a_builder_is_a_clear_error_and_nothing_is_pushed(repo, github, monkeypatch):
    import optimizer.verify

    def no_builder(*args, **kwargs):
        raise optimizer.verify.NoBuilder("no container builder found (docker, podman or buildah)")

    monkeypatch.setattr(optimizer.verify, "verify_dockerfile", no_builder)
    result = bot(repo, github, "--verify")
    assert result.exit_code == 2
    assert "--verify: Dockerfile: no container builder found" in result.output
    assert BRANCH not in repo.remote_branches()
