"""What the bot needs from a forge (GitHub today; GitLab and Gitea can follow): its pull requests."""

from __future__ import annotations

from typing import Protocol

from ..record import record


@record
class PullRequest:
    number: int
    url: str
    state: str  # "open" | "closed"
    head: str  # the branch the changes are on
    title: str = ""


class ForgeError(Exception):
    """A forge request failed; the message says what to do about it and never holds the token."""


class PullRequestExists(ForgeError):
    """The forge already has an open pull request for this head branch."""


class RateLimited(ForgeError):
    """The forge's rate limit is used up."""


class Forge(Protocol):
    """A forge's pull requests, as the bot uses them."""

    def find_pull(self, head: str, base: str) -> PullRequest | None:
        """The open pull request from ``head`` into ``base``, if any."""

    def create_pull(self, *, head: str, base: str, title: str, body: str) -> PullRequest:
        """Open a pull request; raises PullRequestExists when one is already open for ``head``."""

    def update_pull(self, number: int, *, title: str | None = None, body: str | None = None,
                    state: str | None = None) -> PullRequest:
        """Change a pull request's title, body or state ("closed" closes it)."""
