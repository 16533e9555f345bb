"""``dockeropt bot``: open (or update) a pull request with dockeropt's fixes for a repository."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

FORGES = ("github",)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--repo", "repo", type=click.Path(exists=True, file_okay=False), default=".", show_default=True,
              help="The repository's working copy (its remote is where the branch goes).")
@click.option("--forge", type=click.Choice(FORGES), default="github", show_default=True)
@click.option("--remote", default="origin", show_default=True, help="The git remote to push to.")
@click.option("--branch", default="dockeropt/optimize", show_default=True, help="The bot's own branch.")
@click.option("--base", default=None, help="Branch the pull request goes into (default: the remote's default branch).")
@click.option("--unsafe", is_flag=True, help="Also apply fixes that may change behaviour (or `unsafe = true` in the config).")
@click.option("--dry-run", is_flag=True, help="Print the pull request's title, body and diff, planned on a clean clone of the base branch "
                   "like a real run; push and open nothing.")
@click.option("--verify", is_flag=True, help="Build before and after and put the evidence in the pull request.")
@click.option("--token-env", default="GITHUB_TOKEN", show_default=True, metavar="NAME",
              help="Environment variable holding the API token.")
@click.option("--api-url", default=None, metavar="URL", help="API root (default: https://api.github.com).")
def main(repo, forge, remote, branch, base, unsafe, dry_run, verify, token_env, api_url):
    """Commit dockeropt's fixes on a branch and open or update a pull request explaining them.

    Exit status: 0 done (or nothing to change), 2 error.
    """
    from ..fileio import InputError
    from .body import body, title
    from .forge import ForgeError
    from .git import GitError
    from .run import BotError, Options, dry_run as plan_only, run

    options = Options(Path(repo), remote=remote, branch=branch, base=base, unsafe=unsafe, verify=verify)
    try:
        if dry_run:
            plan = plan_only(options)
            for error in plan.errors:
                click.echo(f"dockeropt bot: {error}", err=True)
            if not plan.changed:
                click.echo("nothing to change: the bot would close its pull request, if any")
                return
            _out(f"{title(plan)}\n\n{body(plan)}\n{plan.diff}")
            return
        token = os.environ.get(token_env, "")
        if not token:
            raise click.UsageError(f"set ${token_env} to a token that may push and open pull requests "
                                   "(or use --dry-run)")
        outcome = run(options, _forge_factory(forge, token, api_url))
    except (BotError, ForgeError, GitError, InputError) as error:
        click.echo(f"dockeropt bot: {error}", err=True)
        sys.exit(2)
    for error in outcome.plan.errors:
        click.echo(f"dockeropt bot: {error}", err=True)
    if outcome.pull is None:
        click.echo("nothing to change")
    else:
        pushed = f"pushed {branch}, " if outcome.pushed else f"{branch} already up to date, "
        verb = {"opened": "opened", "updated": "updated", "closed": "nothing left to change: closed"}[outcome.action]
        click.echo(f"{pushed if outcome.action != 'closed' else ''}{verb} pull request #{outcome.pull.number}: "
                   f"{outcome.pull.url}")


def _forge_factory(forge: str, token: str, api_url: str | None):
    from .github import API_URL, GitHub

    def github(owner: str, name: str):
        return GitHub(owner, name, token, api_url or API_URL)

    return {"github": github}[forge]


def _out(text: str) -> None:
    from ..fileio import encode

    sys.stdout.flush()
    sys.stdout.buffer.write(encode(text))
    sys.stdout.buffer.flush()
