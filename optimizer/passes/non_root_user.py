"""DO304 non-root-user: suggest the USER lines for a final image that runs as root (documented in PASS)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ..facts.images import distribution, image_ref
from ..builders import New, new, render
from ..model import Dockerfile, Instruction, Stage
from .base import Example, Finding, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO304", "non-root-user"

#: Repositories whose images run as a non-root user by default.
_NON_ROOT_NAMESPACES = ("bitnami/", "chainguard/", "jenkins/jenkins", "grafana/grafana", "prom/", "sonarqube")
#: Official images whose entrypoint starts as root and then drops to their own user.
_DROP_PRIVILEGES = frozenset({"postgres", "mysql", "mariadb", "redis", "mongo", "rabbitmq", "elasticsearch",
                              "cassandra", "neo4j", "couchdb", "influxdb", "zookeeper", "solr", "jenkins",
                              "sonarqube", "memcached", "percona"})
_SWITCHERS = re.compile(r"\b(gosu|su-exec|setpriv|runuser|chpst|s6-setuidgid)\b")
_CREATE = {
    "debian": "groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --create-home app",
    "alpine": "addgroup -S -g 10001 app && adduser -S -u 10001 -G app app",
}
_CREATE["ubuntu"] = _CREATE["rhel"] = _CREATE["debian"]


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    if not doc.stages:
        return
    stage = doc.stages[-1]
    chain = [stage, *doc.ancestors(stage)]
    base = chain[-1].base
    dist = distribution(base)
    if dist == "windows" or any(_SWITCHERS.search(i.text) for s in chain for i in s.instructions):
        return
    user = next((i for s in chain for i in reversed(s.instructions) if i.keyword == "USER"), None)
    if user is not None:
        name = user.value[0].split(":")[0] if user.value else ""
        if name in ("root", "0"):
            yield _finding(doc, stage, user, base, dist, explicit=True)
    elif _may_run_as_root(base):
        yield _finding(doc, stage, stage.from_, base, dist, explicit=False)


def _may_run_as_root(base: str) -> bool:
    """Nothing says the base image runs as another user (or drops privileges itself)."""
    ref = image_ref(base)
    if ref is None:
        return base.lower() == "scratch"
    if ref.official:
        return ref.name not in _DROP_PRIVILEGES
    if "nonroot" in (ref.tag or ""):
        return False
    return not (ref.registry == "cgr.dev" or any(ref.path.startswith(n) for n in _NON_ROOT_NAMESPACES))


def _finding(doc: Dockerfile, stage: Stage, at: Instruction, base: str, dist: str | None, explicit: bool) -> Finding:
    lines = [render(doc, [line], near=at, newline="") for line in _user_lines(base, dist)]
    where = "ends with `USER root`" if explicit else "sets no USER, so the container runs as root"
    message = f"the final stage {where}: add {' and '.join(f'`{line}`' for line in lines)} before its command"
    risks = ["the application may need root: files it writes must belong to the user (`COPY --chown=...`), "
             "and an entrypoint that switches users itself must keep root"]
    ports = [p for i in stage.instructions if i.keyword == "EXPOSE" for p in i.value
             if p.split("/")[0].isdigit() and int(p.split("/")[0]) < 1024]
    if ports:
        risks.append(f"port {ports[0]} is below 1024: a non-root process needs another port or the "
                     "NET_BIND_SERVICE capability")
    if dist is None and not explicit:
        risks.append(f"`{base}` may already set a non-root USER (check `docker inspect`)")
    return PASS.finding(at.start_line, message, risk="; ".join(risks), hadolint=("DL3002",) if explicit else ())


def _user_lines(base: str, dist: str | None) -> list[New]:
    """The instructions that create (where needed) and select a non-root user on this base."""
    ref = image_ref(base)
    if ref is not None and ref.official and ref.name == "node":
        return [new("USER", "node")]
    if dist == "distroless":
        return [new("USER", "65532:65532")]
    if dist == "scratch":
        return [new("USER", "65534:65534")]
    minimal = ref is not None and any(w in ref.name for w in ("minimal", "micro"))
    if dist in _CREATE and not minimal:
        return [new("RUN", _CREATE[dist]), new("USER", "10001:10001")]
    return [new("USER", "10001:10001")]


PASS = Pass(
    # No trigger: every final stage runs as some user.
    id=ID,
    name=NAME,
    title="Run the final image as a non-root user",
    what="""
        Reports a final stage that (with the stages it is built from in this file) ends with `USER root`/
        `USER 0` (hadolint DL3002), or sets no USER on a base not known to run as another user, with the
        lines to add for the base's distribution:
        - Debian, Ubuntu, RHEL-like: `RUN groupadd --system --gid 10001 app && useradd --system --uid 10001
          --gid app --create-home app` then `USER 10001:10001` (numeric, so `runAsNonRoot` can verify it);
        - Alpine (busybox): `RUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app`,
          `USER 10001:10001`;
        - `node` images already have the user `node`: `USER node`;
        - distroless has `nonroot` (65532): `USER 65532:65532` (or the `:nonroot` tag);
        - `scratch`, UBI minimal/micro and unknown distributions: a numeric `USER 65534:65534` /
          `USER 10001:10001` (no /etc/passwd entry needed, but no name or home directory).

        Not reported for Windows bases, a USER with a variable, images known to run as non-root (distroless
        `nonroot` tags, Bitnami, Chainguard ...) or to drop privileges in their own entrypoint (postgres,
        mysql, redis, mongo ...), and stages that mention `gosu`, `su-exec`, `setpriv`, `runuser`, `chpst`
        or `s6-setuidgid` (they switch user at start-up).
    """,
    why="""
        A container's root is the host kernel's uid 0. A process running as root that is compromised can
        write anywhere in the container, read its secrets and reach kernel attack surface a normal user
        cannot; Kubernetes' `runAsNonRoot` refuses such images. Most images run as root only because nobody
        added a USER.
    """,
    safety=Safety.SUGGESTION,
    safety_notes="""
        Suggested only because the application may need root (ports below 1024, writing to root-owned
        directories, files copied without `--chown`, an entrypoint that switches users), and the user must
        exist in the image.
    """,
    examples=(Example(
        before='FROM python:3.12-slim\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n',
        after=('FROM python:3.12-slim\nCOPY app.py /app/\n'
               'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --create-home app\n'
               'USER 10001:10001\nCMD ["python", "/app/app.py"]\n')),),
    check=check,
    hadolint=("DL3002",),
)
