"""One bot run: plan the fixes on the base branch's tip, commit them on the bot's branch, push, and
open, update or close the pull request."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from ..record import record, replace
from .body import body, commit_message, title
from .forge import Forge, PullRequest, PullRequestExists
from .git import Git, GitError
from .plan import Plan, apply_plan, make_plan


class BotError(Exception):
    """The run cannot go on (a guard, a repository we cannot use); nothing was pushed."""


@record
class Options:
    repo: Path
    remote: str = "origin"
    branch: str = "dockeropt/optimize"
    base: str | None = None  # default: the remote's default branch
    unsafe: bool = False
    verify: bool = False


@record
class Outcome:
    """What a run did: "opened", "updated", "closed" or "nothing" (no change and no pull request)."""

    action: str
    plan: Plan
    pull: PullRequest | None = None
    pushed: bool = False


def dry_run(options: Options) -> Plan:
    """The plan a real run would commit: made on a clean clone of the base branch's tip, so neither
    uncommitted nor ignored files of the working tree count. Nothing is written or pushed."""
    git = Git(options.repo)
    _, base_commit = _base(git, options)
    with tempfile.TemporaryDirectory(prefix="dockeropt-bot-") as scratch:
        path = Path(scratch) / "checkout"
        git.scratch_clone(path, base_commit)
        return _planned(path, options)


def run(options: Options, forge_for: Callable[[str, str], Forge]) -> Outcome:
    """Bring the bot's branch and pull request in line with what dockeropt finds on the base branch."""
    git = Git(options.repo)
    base, base_commit = _base(git, options)
    forge = forge_for(*repository_slug(git.remote_url(options.remote)))
    existing = forge.find_pull(options.branch, base)
    with tempfile.TemporaryDirectory(prefix="dockeropt-bot-") as scratch:
        path = Path(scratch) / "checkout"
        clone = git.scratch_clone(path, base_commit)
        plan = _planned(path, options)
        if not plan.changed:
            return _close(git, forge, options, plan, existing)
        errors = apply_plan(plan)
        if errors:
            raise BotError("; ".join(errors))
        clone.commit_all(commit_message(plan))
        commit = git.take_head(clone)
    pushed = _push(git, options, commit)
    pr_title, pr_body = title(plan), body(plan)
    if existing is None:
        try:
            pull = forge.create_pull(head=options.branch, base=base, title=pr_title, body=pr_body)
            return Outcome("opened", plan, pull, pushed)
        except PullRequestExists:  # opened meanwhile (another run): update that one
            existing = forge.find_pull(options.branch, base)
            if existing is None:
                raise
    pull = forge.update_pull(existing.number, title=pr_title, body=pr_body)
    return Outcome("updated", plan, pull, pushed)


def _base(git: Git, options: Options) -> tuple[str, str]:
    """The base branch (``--base``, else the remote's default branch) and its fetched tip; the bot's
    branch may be neither. ``--base`` works when the remote's HEAD cannot be resolved."""
    default: str | None
    try:
        default = git.default_branch(options.remote)
    except GitError:
        if not options.base:  # no --base, or an empty one (it fetched refs/heads/None)
            raise
        default = None
    base = options.base or default
    assert base is not None  # --base, else the default branch (whose lookup raised otherwise)
    guard_branch(options.branch, {base} | ({default} if default else set()))
    return base, git.fetch(options.remote, base)


def _planned(path: Path, options: Options) -> Plan:
    """The plan for a clean checkout, verified with real builds when asked (before it is applied)."""
    plan = make_plan(path, unsafe=options.unsafe)
    return _verified(plan, path) if options.verify and plan.changed else plan


def guard_branch(branch: str, protected: set[str]) -> None:
    """The bot only ever pushes to its own branch: never to the base or the default branch."""
    name = branch.removeprefix("refs/heads/")
    if not name or name == "HEAD" or name in protected:
        raise BotError(f"refusing to push to {branch!r}: it is the base or default branch; "
                       "pick a branch of the bot's own with --branch")


def repository_slug(url: str) -> tuple[str, str]:
    """``owner`` and ``name`` from a remote URL (https, ssh, scp-like or a local path)."""
    path = url.rstrip("/").removesuffix(".git")
    parts = path.replace(":", "/").split("/")
    if len(parts) < 2 or not parts[-1] or not parts[-2]:
        raise BotError(f"cannot tell the repository owner and name from the remote URL {url!r}")
    return parts[-2], parts[-1]


def _push(git: Git, options: Options, commit: str) -> bool:
    """Force-update the bot's branch, unless it already holds the same change on the same base."""
    current = git.remote_sha(options.remote, options.branch)
    if current is not None and git.same_change(commit, git.fetch(options.remote, options.branch)):
        return False
    git.push(options.remote, commit, options.branch)
    return True


def _close(git: Git, forge: Forge, options: Options, plan: Plan, existing: PullRequest | None) -> Outcome:
    """Nothing left to change: close the bot's pull request and delete its branch."""
    pull = forge.update_pull(existing.number, state="closed") if existing else None
    if git.remote_sha(options.remote, options.branch) is not None:
        git.delete_remote_branch(options.remote, options.branch)
    return Outcome("closed" if pull else "nothing", plan, pull)


def _verified(plan: Plan, root: Path) -> Plan:
    """The plan with a real-build verification of each changed Dockerfile (before it is rewritten)."""
    from .. import verify

    files = []
    for outcome in plan.files:
        if outcome.changed:
            dockerfile = root / outcome.path
            try:
                report = verify.verify_dockerfile(dockerfile, dockerfile.parent, config=outcome.config)
            except (verify.BuilderError, verify.VerifyInputError) as error:
                raise BotError(f"--verify: {outcome.path}: {error}") from None
            outcome = replace(outcome, verify=report)
        files.append(outcome)
    return replace(plan, files=tuple(files))
