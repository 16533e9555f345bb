"""DO107 pip-no-cache-dir: pip install --no-cache-dir so pip's cache never lands in a layer (documented in PASS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..facts.copies import arg_default
from ..model import Dockerfile
from ..facts.runscript import CACHE_MOUNT_TYPES, RunScript, env_in_force, mounted_any, mounts, run_scripts
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

_HOME_CACHES = ("/.cache/pip", "/.cache")


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    copied_out = _stages_whose_cache_is_copied_out(doc)
    for stage in doc.stages:
        if stage.index in copied_out:
            continue
        for inst, run in run_scripts(doc, stage):
            if run is None:
                continue
            for cmd in run.script.commands:
                if not cmd.is_("pip", "install") or cmd.has_option("--no-cache-dir", "--cache-dir"):
                    continue
                if _env(doc, run, cmd, "PIP_NO_CACHE_DIR") or _cache_mounted(doc, run, cmd):
                    continue
                final = doc.reaches_final_image(stage)
                where = "the image" if final else "the builder's layers"
                yield PASS.finding(
                    run.line_of(cmd.span),
                    f"`pip install` keeps its download and wheel cache in {where}; use `pip install --no-cache-dir`",
                    Fix((run.insert_after(cmd.operands()[0], "--no-cache-dir"),), Safety.SAFE))


def _env(doc: Dockerfile, run: RunScript, cmd: Command, name: str) -> str | None:
    """The non-empty value ``name`` has in the command's environment, when we can see it."""
    for assignment in cmd.env:
        if assignment.name == name:
            return assignment.value if assignment.value != "" else None
    for other in run.script.commands:
        if other.span[0] >= cmd.span[0]:
            break
        if other.name == "export":
            for word in other.words:
                key, eq, value = (word.value or "").partition("=")
                if key == name and eq and value:
                    return value
    return env_in_force(doc, run.inst, name) or arg_default(doc, run.inst, name) or None


def _cache_mounted(doc: Dockerfile, run: RunScript, cmd: Command) -> bool:
    """pip's cache directory is a cache/tmpfs/bind mount of the RUN (any user's ~/.cache counts)."""
    xdg = _env(doc, run, cmd, "XDG_CACHE_HOME")
    candidates = [_env(doc, run, cmd, "PIP_CACHE_DIR"), xdg and xdg.rstrip("/") + "/pip", "/root/.cache/pip"]
    return mounted_any(run.inst, candidates) or any(
        m["type"] in CACHE_MOUNT_TYPES and m.get("target", "").rstrip("/").endswith(_HOME_CACHES)
        for m in mounts(run.inst.effective))


def _stages_whose_cache_is_copied_out(doc: Dockerfile) -> set[int]:
    """Stages a ``COPY --from=<stage>`` copies a pip cache directory (or a cache under it) out of."""
    found = set()
    for inst in doc.instructions:
        source = inst.effective.flag("from")
        stage = doc.stage_named(source.value or "") if inst.effective.keyword == "COPY" and source else None
        if stage is None:
            continue
        for path in inst.effective.value[:-1]:
            path = path.rstrip("/")
            if any(path.endswith(suffix) or suffix + "/" in path for suffix in _HOME_CACHES):
                found.add(stage.index)
    return found


PASS = Pass(
    # Trigger: it reports only `pip install` (`pip3.12`, `python -m pip`: the word holds `pip`).
    triggers=("pip",),
    image_changes=("/**/.cache", "/**/.cache/pip/**"),
    id="DO107",
    name="pip-no-cache-dir",
    title="Use pip install --no-cache-dir",
    what="""
        `pip install`, `pip3 install`, `pip3.12 install`, `python -m pip install` (with `sudo`/`env`
        wrappers, nested or not) without `--no-cache-dir` or an abbreviation pip accepts (`--no-cache`):
        inserts `--no-cache-dir` right after `install`.

        Every stage, as hadolint DL3042 does: in a builder stage the cache does not reach the final image,
        but it still fills the builder's layers and the build cache, costs nothing to drop, and a `--write`
        run should leave hadolint quiet on the rules it claims to resolve. The one exception: a stage whose
        pip cache a later `COPY --from` copies out on purpose.

        Not offered:
        - `PIP_NO_CACHE_DIR` is set to any non-empty value: as a prefix (`PIP_NO_CACHE_DIR=1 pip ...`,
          `env PIP_...`), by `export` earlier in the RUN, by `ENV` in force (this stage or the stages it is
          built FROM) or by an `ARG` default of the stage. pip disables the cache for every valid value,
          `off`/`false`/`0` included (a compatibility quirk kept since pip 19.0, pypa/pip#5884); hadolint
          only honours truthy values, so it may still report DL3042 for `PIP_NO_CACHE_DIR=off`; we do not
          add a flag that changes nothing.
        - The pip cache is a cache, tmpfs or bind mount of the RUN (`/root/.cache/pip`, `/root/.cache`, any
          `*/.cache[/pip]`, or `PIP_CACHE_DIR`/`XDG_CACHE_HOME`): BuildKit cache users want it.
        - `--cache-dir` is given: the author chose a cache on purpose, and a later `--cache-dir` would
          override our flag anyway.
        - `pip download`, `pip wheel` (their output is the point), `pipx`, `pipenv`, `poetry`, `uv pip`,
          `conda`: other programs, other caches.
    """,
    why="""
        `pip install` keeps every downloaded and locally built wheel, plus HTTP responses, in
        `~/.cache/pip` (`/root/.cache/pip` for root). In a layer that cache is dead weight, shipped with
        every layer and often as large as the installed packages themselves. `--no-cache-dir` installs the
        same distributions (pip revalidates index pages anyway) and writes nothing there (hadolint DL3042).
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because `--no-cache-dir` installs the same distributions and only changes where pip keeps its
        cache (the option exists since pip 6.0, 2014); provided nothing in the build reads that cache: no
        cache mount keeps it and no later `COPY --from` copies it out (no fix otherwise).
    """,
    examples=(Example(
        before="FROM python:3.12-slim\nRUN pip install -r requirements.txt\n",
        after="FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n"),),
    check=check,
    hadolint=("DL3042",),
)
