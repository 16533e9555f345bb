"""The git operations the bot needs, run with the real ``git`` command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..record import record

BOT_NAME = "dockeropt"
BOT_EMAIL = "dockeropt@users.noreply.github.com"


class GitError(Exception):
    """A git command failed; the message names the command and git's own error."""


@record
class Git:
    """A repository (or worktree) folder."""

    root: Path

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                              env=_environment())
        if check and done.returncode != 0:
            raise GitError(f"git {' '.join(args[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout.strip()

    def remote_url(self, remote: str) -> str:
        return self.run("remote", "get-url", remote)

    def default_branch(self, remote: str) -> str:
        """The remote's default branch (what its HEAD points at)."""
        for line in self.run("ls-remote", "--symref", remote, "HEAD").splitlines():
            if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
                return line[len("ref: refs/heads/"):-len("\tHEAD")]
        raise GitError(f"cannot tell the default branch of {remote!r}; pass --base")

    def remote_sha(self, remote: str, branch: str) -> str | None:
        """The commit a remote branch points at, or None when it does not exist."""
        out = self.run("ls-remote", "--heads", remote, f"refs/heads/{branch}")
        return out.split()[0] if out else None

    def fetch(self, remote: str, branch: str) -> str:
        """Fetch a remote branch; returns the commit it points at."""
        self.run("fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}")
        return self.run("rev-parse", "FETCH_HEAD")

    def scratch_clone(self, path: Path, commit: str) -> Git:
        """A throw-away clone at ``commit`` that shares this repository's objects (the checkout stays as it is)."""
        self.run("clone", "--quiet", "--shared", "--no-checkout", str(self.root), str(path))
        clone = Git(path)
        clone.run("checkout", "--quiet", "--detach", commit)
        return clone

    def take_head(self, clone: Git) -> str:
        """Fetch a scratch clone's HEAD commit into this repository (no ref changes); returns it."""
        self.run("fetch", "--quiet", "--no-tags", str(clone.root), "HEAD")
        return self.run("rev-parse", "FETCH_HEAD")

    def commit_all(self, message: str) -> str:
        """Commit every change in the folder; returns the new commit."""
        self.run("add", "--all")
        identity = [] if self.run("config", "user.name", check=False) else ["-c", f"user.name={BOT_NAME}"]
        if not self.run("config", "user.email", check=False):
            identity += ["-c", f"user.email={BOT_EMAIL}"]
        self.run(*identity, "commit", "--quiet", "--no-verify", "-m", message)
        return self.run("rev-parse", "HEAD")

    def same_change(self, a: str, b: str) -> bool:
        """Two commits have the same tree and the same parent (a re-run that changes nothing)."""
        return (self.run("rev-parse", f"{a}^{{tree}}", f"{a}^", check=False) ==
                self.run("rev-parse", f"{b}^{{tree}}", f"{b}^", check=False))

    def push(self, remote: str, commit: str, branch: str) -> None:
        """Force-update ``branch`` on the remote to ``commit``."""
        self.run("push", "--quiet", "--force", remote, f"{commit}:refs/heads/{branch}")

    def delete_remote_branch(self, remote: str, branch: str) -> None:
        self.run("push", "--quiet", remote, f":refs/heads/{branch}")


def _environment() -> dict[str, str]:
    """The caller's environment, without prompts: a missing credential fails instead of waiting."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
