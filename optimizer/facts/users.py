"""Which user a RUN runs as, from the USER instructions of its stage and the stages it is built FROM."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from ..model import Dockerfile, Instruction, Stage
from ..shell import tools
from .copies import instructions_before
from .distro import expand_args
from .images import image_ref
from .runscript import run_script

if TYPE_CHECKING:
    from ..shell import Option

_ROOT = frozenset({"root", "0"})
#: Official images that set no ``ENV HOME`` (the runtime then takes HOME from /etc/passwd). Others may
#: (mongo: /data/db, rabbitmq: /var/lib/rabbitmq, gitpod/workspace-*: /home/gitpod), so there HOME stays unknown.
_PASSWD_HOME_IMAGES = frozenset("""
    debian ubuntu alpine busybox fedora centos rockylinux almalinux amazonlinux oraclelinux python node golang
    ruby php perl rust openjdk eclipse-temurin amazoncorretto ibm-semeru-runtimes sapmachine maven gradle
    buildpack-deps gcc haskell julia r-base elixir erlang clojure swift dart nginx httpd
""".split())


def user_in_force(doc: Dockerfile, inst: Instruction) -> str | None:
    """The last ``USER`` value before ``inst`` in its stage lineage; None when the file sets none
    (the base image's user, usually root)."""
    stage = doc.stage_of(inst)
    if stage is None:
        return None
    user = None
    for ancestor in reversed(doc.ancestors(stage)):
        user = _last_user(ancestor, len(ancestor.instructions), user)
    return _last_user(stage, stage.index_of.get(id(inst), len(stage.instructions)), user)


def _last_user(stage: Stage, before: int, user: str | None) -> str | None:
    """The last ``USER`` of ``stage`` among its first ``before`` instructions, else ``user``."""
    assignments = stage.user_assignments
    count = bisect.bisect_left(assignments, before, key=lambda assignment: assignment[0])
    return assignments[count - 1][1] if count else user


def is_root(user: str | None) -> bool:
    """``USER root``, ``USER 0:0`` ..., or no USER in the file (counted as the base image's root)."""
    return user is None or user.partition(":")[0] in _ROOT


def home_in_force(doc: Dockerfile, inst: Instruction) -> str | None:
    """HOME as the runtime sets it for ``inst`` from the user's /etc/passwd entry (no ``ENV HOME``):
    ``/root`` after ``USER root``; for a user this file creates with ``useradd``/``adduser`` (and does
    not move with ``usermod -d``), the home given with ``-d``/``--home`` or ``-b``, else
    ``/home/<name>``. None when it cannot be told: no USER (the base image's user), a base image that
    may set HOME itself (only official images known not to count), a user the base image or an
    unreadable step creates, a system user, a COPY/ADD over /etc/passwd, or a RUN after
    the user is made that we cannot read."""
    user = user_in_force(doc, inst)
    stage = doc.stage_of(inst)
    if user is None or stage is None:
        return None
    ancestors = doc.ancestors(stage)
    base = expand_args(doc, (ancestors[-1] if ancestors else stage).base)
    ref = image_ref(base)
    if base.lower() != "scratch" and (ref is None or not ref.official or ref.name not in _PASSWD_HOME_IMAGES):
        return None  # the base image may set HOME itself
    name = user.partition(":")[0]
    if name in _ROOT:
        return "/root"
    home: str | None = None
    created = False
    for other in instructions_before(doc, inst):
        target = other.effective
        if target.keyword in ("COPY", "ADD") and created:
            dest = target.value[-1].rstrip("/") if target.value else ""
            if dest in ("/etc/passwd", "/etc", "") or "$" in dest:
                return None
        if target.keyword != "RUN":
            continue
        run = run_script(doc, other)
        if run is None:
            if created:
                return None
            continue
        for command in run.script.commands:
            if tools.TOOLS.get(command.program or "") is not tools.USER:
                continue
            options, operands = tools.USER.parse_words(command.words)
            names = [w.value for w in operands]
            if command.program in ("useradd", "adduser") and names[:1] == [name] and len(names) == 1:
                created, home = True, _new_home(command.program, options, name)
            elif command.program == "usermod" and names[-1:] == [name] and created:
                moved = [o.value for o in options if o.canonical == "-d"]
                if moved:
                    home = moved[-1] if moved[-1] and moved[-1].startswith("/") and "$" not in moved[-1] else None
    return home if created else None


def _new_home(program: str, options: list[Option], name: str) -> str | None:
    """The home directory ``useradd``/``adduser`` writes to /etc/passwd for ``name``."""
    given = {o.canonical: o.value for o in options}
    home = given.get("-d") or (given.get("-h") if program == "adduser" else None)
    if home is not None:
        return home if home.startswith("/") and "$" not in home else None
    if any(o.canonical in ("-r", "--system", "-S") for o in options):
        return None  # system users: /nonexistent, / or /home/<name> depending on the tool and version
    base = given.get("-b")
    if base is not None:
        return f"{base.rstrip('/')}/{name}" if base.startswith("/") and "$" not in base else None
    return f"/home/{name}"
