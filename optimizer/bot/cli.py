"""``dockeropt bot``: open (or update) a pull request with dockeropt's fixes for a repository."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..command import USAGE_ERROR, folder, out, parser, say

if TYPE_CHECKING:
    from .forge import Forge
    from .github import GitHub

FORGES = ("github",)
DESCRIPTION = """\
Commit dockeropt's fixes on a branch and open or update a pull request explaining them.

Exit status: 0 done (or nothing to change), 2 error."""


def arguments(prog: str = "dockeropt bot") -> argparse.ArgumentParser:
    """The bot command's arguments."""
    p = parser(prog, "[OPTIONS]", DESCRIPTION)
    p.add_argument("--repo", type=folder, default=".", metavar="DIR",
                   help="The repository's working copy (its remote is where the branch goes). Default: the "
                        "current folder.")
    p.add_argument("--forge", choices=FORGES, default="github", help="Where the pull request goes. Default: github.")
    p.add_argument("--remote", default="origin", help="The git remote to push to. Default: origin.")
    p.add_argument("--branch", default="dockeropt/optimize", help="The bot's own branch. Default: dockeropt/optimize.")
    p.add_argument("--base", help="Branch the pull request goes into (default: the remote's default branch).")
    p.add_argument("--unsafe", action="store_true",
                   help="Also apply fixes that may change behaviour (or `unsafe = true` in the config).")
    p.add_argument("--dry-run", action="store_true",
                   help="Print the pull request's title, body and diff, planned on a clean clone of the base branch "
                        "like a real run; push and open nothing.")
    p.add_argument("--verify", action="store_true",
                   help="Build before and after and put the evidence in the pull request.")
    p.add_argument("--token-env", default="GITHUB_TOKEN", metavar="NAME",
                   help="Environment variable holding the API token. Default: GITHUB_TOKEN.")
    p.add_argument("--api-url", metavar="URL", help="API root (default: https://api.github.com).")
    return p


def main(argv: list[str] | None = None, prog: str = "dockeropt bot") -> int:
    """Run the bot; returns the exit status."""
    from ..fileio import InputError
    from .body import body, title
    from .forge import ForgeError
    from .git import GitError
    from .run import BotError, Options, dry_run as plan_only, run

    p = arguments(prog)
    a = p.parse_args(argv)
    options = Options(Path(a.repo), remote=a.remote, branch=a.branch, base=a.base, unsafe=a.unsafe, verify=a.verify)
    try:
        if a.dry_run:
            plan = plan_only(options)
            for error in plan.errors:
                say(f"dockeropt bot: {error}", err=True)
            if not plan.changed:
                say("nothing to change: the bot would close its pull request, if any")
                return 0
            out(f"{title(plan)}\n\n{body(plan)}\n{plan.diff}")
            return 0
        token = os.environ.get(a.token_env, "")
        if not token:
            p.error(f"set ${a.token_env} to a token that may push and open pull requests (or use --dry-run)")
        outcome = run(options, _forge_factory(a.forge, token, a.api_url))
    except (BotError, ForgeError, GitError, InputError) as error:
        say(f"dockeropt bot: {error}", err=True)
        return USAGE_ERROR
    for problem in outcome.plan.errors:
        say(f"dockeropt bot: {problem}", err=True)
    if outcome.pull is None:
        say("nothing to change")
    else:
        pushed = f"pushed {a.branch}, " if outcome.pushed else f"{a.branch} already up to date, "
        verb = {"opened": "opened", "updated": "updated", "closed": "nothing left to change: closed"}[outcome.action]
        say(f"{pushed if outcome.action != 'closed' else ''}{verb} pull request #{outcome.pull.number}: "
            f"{outcome.pull.url}")
    return 0


def _forge_factory(forge: str, token: str, api_url: str | None) -> Callable[[str, str], Forge]:
    from .github import API_URL, GitHub

    def github(owner: str, name: str) -> GitHub:
        return GitHub(owner, name, token, api_url or API_URL)

    return {"github": github}[forge]
