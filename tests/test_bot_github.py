"""The GitHub client on its own: retries with backoff, rate limits, and a token that never leaks."""

from __future__ import annotations

import logging

import pytest

from optimizer.bot.cli import main
from optimizer.bot.forge import ForgeError, RateLimited
from optimizer.bot.github import GitHub

from .fake_github import FakeGitHub
from .test_bot import BRANCH, SPLIT, Repo
from .helpers import invoke

SECRET = "ghp_LEAKCHECK9f8e7d6c5b4a3210zz"


def client(fake: FakeGitHub, sleeps: list[float]) -> GitHub:
    return GitHub(fake.owner, fake.repo, fake.token, fake.url, sleep=sleeps.append)


@pytest.mark.parametrize("script, sleeps", [
    ([("GET", 502, {}, {"message": "Bad Gateway"}), ("GET", 503, {}, {"message": "Unavailable"})], [1.0, 2.0]),
    ([("GET", 429, {"retry-after": "7"}, {"message": "slow down"})], [7.0]),
    ([("GET", 403, {"x-ratelimit-remaining": "0", "retry-after": "2"}, {"message": "API rate limit exceeded"})],
     [2.0]),
], ids=["5xx-backoff", "429-retry-after", "403-rate-limit-short"])
def test_transient_answers_are_retried_after_a_bounded_wait(script, sleeps):
    waited: list[float] = []
    with FakeGitHub() as fake:
        fake.script += script
        assert client(fake, waited).find_pull(BRANCH, "main") is None
    assert waited == sleeps
    assert not fake.problems, fake.problems


def test_retries_are_bounded():
    waited: list[float] = []
    with FakeGitHub() as fake:
        fake.script += [("GET", 500, {}, {"message": "oops"})] * 10
        with pytest.raises(ForgeError, match="server error 500 .* 4 attempts"):
            client(fake, waited).find_pull(BRANCH, "main")
    assert waited == [1.0, 2.0, 4.0] and len(fake.calls) == 4


def test_a_long_rate_limit_is_reported_not_waited_out():
    waited: list[float] = []
    with FakeGitHub() as fake:
        fake.script.append(("GET", 429, {"retry-after": "3600"}, {"message": "slow down"}))
        with pytest.raises(RateLimited, match="try again in 3600 s"):
            client(fake, waited).find_pull(BRANCH, "main")
    assert waited == []


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path)
    r.commit({"Dockerfile": SPLIT}, "initial")
    return r


LEAKY = {"message": f"token {SECRET} is not valid here", "documentation_url": "d",
         "errors": [{"code": "custom", "message": f"echo {SECRET}"}]}


@pytest.mark.parametrize("script, args, code", [
    ([], [], 0),
    ([], ["--dry-run"], 0),
    ([("GET", 401, {}, {"message": "Bad credentials"})], [], 2),
    ([("GET", 422, {}, LEAKY)], [], 2),
    ([("GET", 403, {}, LEAKY)], [], 2),
    ([("GET", 200, {}, []), ("POST", 422, {}, LEAKY)], [], 2),
    ([("GET", 500, {}, LEAKY)] * 4, [], 2),
    ([], ["--api-url", "http://127.0.0.1:9"], 2),
], ids=["success", "dry-run", "401", "422-echoing-the-token", "403-echoing-the-token", "create-422-echoing",
        "5xx", "unreachable"])
def test_the_token_never_appears_in_output_logs_or_errors(repo, caplog, monkeypatch, script, args, code):
    monkeypatch.setattr("optimizer.bot.github.time.sleep", lambda seconds: None)
    caplog.set_level(logging.DEBUG)
    with FakeGitHub(token=SECRET) as fake:
        fake.script += script
        result = invoke(main, ["--repo", str(repo.work), "--api-url", fake.url, *args],
                        env={"GITHUB_TOKEN": SECRET})
    assert result.exit_code == code, result.output
    assert fake.calls or args, "the run reached the API"
    texts = [result.output, caplog.text, *(r.getMessage() for r in caplog.records)]
    assert not [t for t in texts if SECRET in t]
    assert SECRET not in repr(GitHub("o", "r", SECRET))
