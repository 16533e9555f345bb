"""DO106 apk-no-cache: apk add --no-cache so the package index never lands in a layer (documented in PASS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from ..edits import Edit
from ..model import Dockerfile, Instruction, Stage
from ..facts.runscript import RunsAfter, RunScript, StageRun, later_runs, mounted_any, run_scripts
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

CACHE_DIRS = ("/var/cache/apk", "/etc/apk/cache")
#: Mount types whose contents a package manager's cache flag must leave alone.
#: apk applets that cope without a cached index (they fetch a missing one themselves).
_SELF_SUFFICIENT = ("add", "del", "update")


def _is_add(cmd: Command) -> bool:
    return cmd.is_("apk", "add")


def _needs_no_cache(inst: Instruction, cmd: Command) -> bool:
    return (_is_add(cmd) and not cmd.has_option("--no-cache") and not cmd.has_option("--no-network")
            and not mounted_any(inst, cmd.option_values("--cache-dir")))


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        runs = run_scripts(doc, stage)
        for position, (inst, run) in enumerate(runs):
            if run is None or mounted_any(inst, CACHE_DIRS):
                continue
            for cmd in run.script.commands:
                if _needs_no_cache(inst, cmd):
                    add = cmd.operands()[0]
                    where = ("stores the package index in /var/cache/apk, which this RUN deletes again"
                             if _deleted_after(run, cmd) else "keeps the package index in /var/cache/apk")
                    yield PASS.finding(
                        run.line_of(cmd.span), f"`apk add` {where}; use `apk add --no-cache`",
                        Fix((run.insert_after(add, "--no-cache"),), Safety.SAFE))
            finding = _pointless_update(doc, stage, run, RunsAfter(runs, position + 1))
            if finding:
                yield finding


def _pointless_update(doc: Dockerfile, stage: Stage, run: RunScript,
                      after: RunsAfter) -> Finding | None:
    """An ``apk update`` whose index no later command needs, as a finding that removes it."""
    commands = [c for c in run.script.commands if c.name != "set"]
    if len(commands) == 1 and commands[0].is_("apk", "update") and commands[0].top_level:
        if _users_ok([], later_runs(doc, stage, after), need_add=True):
            return PASS.finding(
                run.inst.start_line,
                "`RUN apk update` only stores an index the later `apk add --no-cache` never reads; remove it",
                Fix((Edit.delete(*run.inst.span),), Safety.SAFE), end_line=run.inst.end_line)
        return None
    chain = run.script.chain
    for index, step in enumerate(chain[:-1]):
        cmd = step.command
        if cmd is None or not cmd.is_("apk", "update") or not cmd.top_level:
            continue
        following = chain[index + 1]
        if not _removable(step.op_before, following.op_before):
            continue
        rest = [c for c in run.script.commands if c.span[0] >= following.span[0]]
        if not any(_is_add(c) for c in rest) or not _users_ok(rest, later_runs(doc, stage, after)):
            continue
        start = run.source.doc_offset(step.span[0])
        end = run.source.doc_offset(following.span[0])
        if any(line.kind != "code" and start < line.start < end for line in run.inst.effective.lines):
            continue  # a comment or blank line inside the removed text: leave it to a human
        left = "" if _deleted_after(run, cmd) else " and leaves the index in the layer"
        return PASS.finding(
            run.line_of(cmd.span), f"`apk update` is pointless before `apk add --no-cache`{left}; remove it",
            Fix((Edit.delete(start, end),), Safety.SAFE))
    return None


def _deleted_after(run: RunScript, cmd: Command) -> bool:
    """A later ``rm`` of the RUN deletes the index ``cmd`` stored (``rm -rf /var/cache/apk/*``)."""
    return any(later.name == "rm" and any((w.value or "").rstrip("*/") in ("/var/cache/apk", "/var/cache")
                                          for w in later.operands())
               for later in run.script.commands if later.span[0] > cmd.span[1])


def _removable(op_before: str | None, op_after: str | None) -> bool:
    """Deleting ``U op_after`` from ``P op_before U op_after N`` keeps how P and N are grouped."""
    if op_after not in ("&&", ";", "\n"):
        return False
    if op_before in (None, ";", "\n"):
        return True
    return op_before == "&&" and op_after == "&&"


def _users_ok(rest: list[Command], runs: Iterable[StageRun], need_add: bool = False) -> bool:
    """Every apk command after the update (``rest`` of its RUN, then later RUNs) copes without
    its index; with ``need_add`` (a lone update RUN) a later RUN must run ``apk add``, else the
    update's purpose is unknown."""
    saw_add = False
    if not all(_copes(c) for c in rest if c.program == "apk"):
        return False
    for inst, run in runs:
        if run is None:
            if "apk" in inst.effective.text:
                return False
            continue
        apk = [c for c in run.script.commands if c.program == "apk"]
        if not all(_copes(c) for c in apk):
            return False
        saw_add = saw_add or any(_is_add(c) for c in apk)
    return saw_add or not need_add


def _copes(cmd: Command) -> bool:
    """This apk command does not need an index cached by an earlier ``apk update``."""
    if cmd.has_option("--no-network"):
        return False
    return cmd.subcommand in _SELF_SUFFICIENT or cmd.has_option("--no-cache") or cmd.has_option("-U")


PASS = Pass(
    # Trigger: it reports only `apk add` and `apk update` commands.
    triggers=("apk",),
    image_changes=("/var/cache/apk/**",),
    id="DO106",
    name="apk-no-cache",
    title="Use apk add --no-cache instead of caching the package index",
    what="""
        In every stage (like hadolint DL3019) and in ONBUILD RUN triggers:
        - `apk add` without `--no-cache` (in any position or accepted abbreviation): inserts `--no-cache`
          right after `add` (`apk add --no-cache --virtual .build-deps gcc`). `-U`/`--update`/
          `--update-cache` stays: with `--no-cache` it is harmless, and removing it would be an extra edit
          for no effect. A `rm -rf /var/cache/apk/*` in the same RUN stays too (hadolint 2.15 still reports
          DL3019 for it; `--no-cache` makes it redundant but not wrong).
        - An `apk update` that became pointless: a plain top-level step of a RUN that later runs `apk add`
          (`apk update && apk add ...`), or a RUN that only runs `apk update` followed by RUNs that
          `apk add`. It is removed (the text from the update to the next step, so continuation lines stay
          tidy; the whole instruction for a lone update, its comments stay).

        Not offered when the RUN mounts `/var/cache/apk` (or `/etc/apk/cache`, or the `--cache-dir` it
        names) as a cache, tmpfs or bind mount (BuildKit cache users want the cache, and a bind mount may
        be an offline package cache), or for `apk add --no-network`, which needs the cached index. The
        update is kept when it is nested (`if`, subshell, pipeline), joined by `||` or in a way whose
        removal would regroup the list (`a && apk update; b`), when a comment or blank line sits between it
        and the next step, or when a later command may read the cached index (`apk upgrade`, `apk search`,
        `apk info`, `--no-network`, an unreadable RUN mentioning apk).
    """,
    why="""
        `apk add` (and `apk update`) store the repository index, `APKINDEX.*.tar.gz`, in `/var/cache/apk`:
        1-3 MB per repository in the layer, and stale index files in the final image. `--no-cache` makes
        apk read the index straight from the repository into a temporary location and install exactly the
        same packages from exactly the same repositories, leaving nothing behind, so neither `apk update`
        nor `rm -rf /var/cache/apk/*` is needed. It is the idiom of the official images and of hadolint
        (DL3019).
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because `--no-cache` installs the same packages from the same repositories and only changes
        where the index is kept; and a removed `apk update` only stored an index that nothing needs: every
        later apk command either fetches the index itself (`--no-cache`, `-U`) or is `apk add`/`apk del`,
        which refresh a missing index on their own; provided no later command reads the cached index and
        the index directory is not a mount of the RUN (both checked above: no fix otherwise).
    """,
    examples=(Example(
        before="FROM alpine:3.20\nRUN apk update && apk add curl\n",
        after="FROM alpine:3.20\nRUN apk add --no-cache curl\n"),),
    check=check,
    hadolint=("DL3019",),
)
