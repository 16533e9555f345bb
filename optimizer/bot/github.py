"""GitHub's REST API for pull requests, on the standard library's HTTP client.

The token goes into the Authorization header only: it is never logged, printed or put into an error.
Errors become ForgeError with what to do; 5xx answers are retried with a bounded backoff; a rate
limit with a short wait is waited out, a longer one is reported with when it resets.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from typing import Any, Callable, Mapping

from ..record import field, record
from .forge import ForgeError, PullRequest, PullRequestExists, RateLimited

API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
log = logging.getLogger("dockeropt.bot.github")


@record
class GitHub:
    """One repository's pull requests on GitHub (or GitHub Enterprise, via ``api_url``)."""

    owner: str
    repo: str
    token: str = field(repr=False)
    api_url: str = API_URL
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    retries: int = 3  # extra attempts after a 5xx or a short rate-limit wait
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_wait: float = 60.0  # longest rate-limit wait we sit out
    timeout: float = 30.0

    def find_pull(self, head: str, base: str) -> PullRequest | None:
        pulls = self._request("GET", self._path("pulls"),
                              query={"state": "open", "head": f"{self.owner}:{head}", "base": base})
        mine = [p for p in pulls if p["head"]["ref"] == head]
        return _pull(mine[0]) if mine else None

    def create_pull(self, *, head: str, base: str, title: str, body: str) -> PullRequest:
        return _pull(self._request("POST", self._path("pulls"),
                                   body={"title": title, "head": head, "base": base, "body": body,
                                         "maintainer_can_modify": True}))

    def update_pull(self, number: int, *, title: str | None = None, body: str | None = None,
                    state: str | None = None) -> PullRequest:
        changes = {k: v for k, v in (("title", title), ("body", body), ("state", state)) if v is not None}
        return _pull(self._request("PATCH", self._path(f"pulls/{number}"), body=changes))

    def _path(self, rest: str) -> str:
        quote = urllib.parse.quote
        return f"/repos/{quote(self.owner, safe='')}/{quote(self.repo, safe='')}/{rest}"

    def _request(self, method: str, path: str, *, query: dict[str, str] | None = None,
                 body: Mapping[str, object] | None = None) -> Any:  # the answer's JSON
        url = self.api_url.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(self.retries + 1):
            status, headers, raw = self._send(method, url, data)
            log.info("%s %s -> %s", method, path, status)
            if status < 300:
                return json.loads(raw) if raw.strip() else None
            wait = self._wait(status, headers, attempt)
            if wait is None:
                raise self._error(method, path, status, headers, raw)
            log.info("retrying %s %s in %.0f s", method, path, wait)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover - the last attempt returns or raises

    def _send(self, method: str, url: str, data: bytes | None) -> tuple[int, Message, bytes]:
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "dockeropt-bot",
            **({"Content-Type": "application/json"} if data is not None else {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ForgeError(self._redact(f"cannot reach {self.api_url}: {reason}")) from None

    def _wait(self, status: int, headers: Message, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when this answer is final."""
        if attempt >= self.retries:
            return None
        if status >= 500:
            return self.backoff * 2.0 ** attempt
        limited = _rate_limit_wait(status, headers)
        if limited is not None and limited <= self.max_wait:
            return max(limited, 1.0)
        return None

    def _error(self, method: str, path: str, status: int, headers: Message, raw: bytes) -> ForgeError:
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = {}
        message = payload.get("message", "") if isinstance(payload, dict) else ""
        details = [e.get("message") or e.get("code", "") for e in payload.get("errors", [])
                   if isinstance(e, dict)] if isinstance(payload, dict) else []
        what = f"{method} {path}"
        limited = _rate_limit_wait(status, headers)
        error: ForgeError
        if limited is not None:
            error = RateLimited(f"GitHub rate limit reached ({status}) for {what}: try again in "
                                f"{limited:.0f} s")
        elif status == 401:
            error = ForgeError(f"GitHub rejected the token (401 {message or 'Bad credentials'}): check that "
                               "it is set and not expired")
        elif status == 403:
            error = ForgeError(f"GitHub refused {what} (403 {message}): the token needs write access to "
                               "pull requests and contents")
        elif status == 404:
            error = ForgeError(f"GitHub has no {what} (404): check the repository name, and that the token "
                               "can see the repository")
        elif status == 422 and any("already exists" in d for d in details):
            error = PullRequestExists(f"GitHub: {'; '.join(details)} (422)")
        elif status == 422:
            error = ForgeError(f"GitHub could not process {what} (422 {message}): {'; '.join(details)}")
        elif status >= 500:
            error = ForgeError(f"GitHub server error {status} for {what}, {self.retries + 1} attempts")
        else:
            error = ForgeError(f"GitHub answered {status} for {what}: {message}")
        return type(error)(self._redact(str(error)))

    def _redact(self, text: str) -> str:
        return text.replace(self.token, "***") if self.token else text


def _rate_limit_wait(status: int, headers: Message) -> float | None:
    """Seconds until the rate limit lifts, when this answer is a rate-limit refusal."""
    if status not in (403, 429):
        return None
    retry_after = headers.get("retry-after")
    if retry_after and retry_after.strip().isdigit():
        return float(retry_after)
    if headers.get("x-ratelimit-remaining") == "0":
        reset = headers.get("x-ratelimit-reset", "")
        return max(float(reset) - time.time(), 0.0) if reset.isdigit() else 60.0
    return None


def _pull(data: dict[str, Any]) -> PullRequest:
    return PullRequest(number=data["number"], url=data["html_url"], state=data["state"],
                       head=data["head"]["ref"], title=data.get("title") or "")
