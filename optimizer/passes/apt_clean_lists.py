"""DO103 apt-clean-lists: remove the apt package lists at the end of the RUN that fetched them (documented in PASS)."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Iterable, Iterator

from ..builders import append_step
from ..model import Dockerfile, Instruction, Stage
from ..facts.apt_lists import Access, list_uses, named
from ..facts.runscript import RunsAfter, RunScript, StageRun, mentions_apt, mounted_over, run_scripts
from ..record import record
from .apt import APT_PROGRAMS, LISTS_DIR, is_update, reads_lists, with_privilege_of
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

CLEANUP = f"rm -rf {LISTS_DIR}/*"
_NAMED = 3  # unknown commands named in a risk text
_LIST_PATHS = frozenset({LISTS_DIR, "/var/lib/apt", "/var/lib/apt/*", f"{LISTS_DIR}/*", f"{LISTS_DIR}/*/"})


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        reaches = doc.reaches_final_image(stage)
        runs = run_scripts(doc, stage)
        triggers = [(i, r) for i, r in runs if _onbuild(i)]
        for position, (inst, run) in enumerate(runs):
            if run is None or not (reaches or run.onbuild):
                continue
            if not _installs_after_update(run) or _removes_lists(run):
                continue
            if mounted_over(inst.effective, LISTS_DIR, ("cache", "tmpfs", "bind")):
                continue
            later = _read_later(doc, stage, run, RunsAfter(runs, position + 1), triggers)
            if later.reads:
                continue
            if _ends_in_heredoc(run) or _ends_in_background(run):
                continue
            cleanup = with_privilege_of(_last_update(run), CLEANUP)
            yield PASS.finding(
                inst.start_line,
                "the package lists fetched by `apt-get update` stay in this layer (tens of MB); "
                f"remove them with `{cleanup}` in the same RUN",
                Fix((append_step(doc, run, cleanup),), Safety.UNSAFE if later.unknown else Safety.SAFE),
                risk=_unknown_risk(later.unknown), end_line=inst.end_line)


@record
class _Later:
    """What the steps after a RUN do with its lists: a known reader, and the commands not modelled."""

    reads: bool | None  # True: read; False: fresh lists fetched first; None: neither
    unknown: tuple[tuple[str, int], ...] = ()  # (what, line)


def _unknown_risk(found: tuple[tuple[str, int], ...]) -> str:
    if not found:
        return ""
    unknown = named(list(found))
    listed = ", ".join(unknown[:_NAMED]) + (f" and {len(unknown) - _NAMED} more" if len(unknown) > _NAMED else "")
    return (f"not modelled, so they might read the package lists (and fail without them): {listed} "
            "run after this RUN without an `apt-get update` of their own")


def _installs_after_update(run: RunScript) -> bool:
    updated = False
    for command in run.script.commands:
        if is_update(command):
            updated = True
        elif updated and reads_lists(command) and command.program != "apt-cache":
            return True
    return False


def _last_update(run: RunScript) -> Command:
    return max((c for c in run.script.commands if is_update(c)), key=lambda c: c.span[1])


def _removes_lists(run: RunScript) -> bool:
    """A command after the last update deletes the lists (``rm``, ``find ... -delete``)."""
    after = _last_update(run).span[1]
    return any(_deletes_lists(c) for c in run.script.commands if c.span[0] >= after)


def _deletes_lists(command: Command) -> bool:
    if command.program in APT_PROGRAMS and command.subcommand in ("distclean", "dist-clean"):
        return True  # apt >= 2.7: clean, and remove the package lists
    if command.program == "rm":
        return any(_is_lists_path(w.value) for w in command.operands())
    if command.program == "find":
        operands = command.operands()
        values = [w.value for w in command.words]
        return bool(operands) and _under_lists(operands[0].value) and (
            "-delete" in values or ("-exec" in values and "rm" in values))
    return False


def _is_lists_path(path: str | None) -> bool:
    if not path:
        return False
    stripped = path.rstrip("/") or "/"
    return path in _LIST_PATHS or stripped in _LIST_PATHS or (
        stripped.startswith(LISTS_DIR + "/") and "*" in stripped)


def _under_lists(path: str | None) -> bool:
    if not path:
        return False
    return path.rstrip("/") in (LISTS_DIR, "/var/lib/apt")


def _read_later(doc: Dockerfile, stage: Stage, run: RunScript, after: Iterable[tuple[Instruction, RunScript | None]],
                triggers: list[tuple[Instruction, RunScript | None]]) -> _Later:
    """Whether something that runs after this RUN's layer reads the lists without fetching its own
    (``triggers``: the stage's ONBUILD RUNs, found once per stage rather than once per RUN)."""
    # Lazily: the scan usually stops at the next RUN, so a stage of many RUNs stays linear.
    sequence: Iterable[StageRun]
    if run.onbuild:  # runs in an image built FROM this one: later triggers, then that image's steps
        sequence = ((i, r) for i, r in after if _onbuild(i))
    else:  # later steps of the stage, then its triggers (in the images built FROM it)
        sequence = itertools.chain(((i, r) for i, r in after if not _onbuild(i)), triggers)
    return _reads(doc, stage, sequence)


def _reads(doc: Dockerfile, stage: Stage, sequence: Iterable[tuple[Instruction, RunScript | None]]) -> _Later:
    """``sequence`` (or, when it neither reads nor refreshes, a stage built FROM ``stage``) reads the lists."""
    verdict = _scan(sequence)
    if verdict.reads is not None:
        return verdict
    unknown = list(verdict.unknown)
    for child in doc.descendants(stage):
        parent = doc.parent_of(child)
        if parent is not None and parent.index == stage.index:
            runs = run_scripts(doc, child)
            below = _reads(doc, child, [(i, r) for i, r in runs if not _onbuild(i)]
                           + [(i, r) for i, r in runs if _onbuild(i)])
            unknown += below.unknown
            if below.reads:
                return _Later(True, tuple(unknown))
    return _Later(None, tuple(unknown))


def _scan(sequence: Iterable[tuple[Instruction, RunScript | None]]) -> _Later:
    """Read: something reads old lists; fresh: a RUN fetches new ones first; the unknowns met on the way."""
    unknown: list[tuple[str, int]] = []
    for inst, run in sequence:
        if run is None:
            if mentions_apt(inst):
                return _Later(True, tuple(unknown))
            unknown.append(("a RUN that is not a shell script we can read", inst.start_line))
            continue
        for use in list_uses(run.script):
            if use.access is Access.FETCHES and use.top_level:
                return _Later(False, tuple(unknown))
            if use.access is Access.READS:
                return _Later(True, tuple(unknown))
            if use.access is Access.UNKNOWN:
                unknown.append((use.what, run.line_of(use.command.span)))
    return _Later(None, tuple(unknown))


def _onbuild(inst: Instruction) -> bool:
    return inst.trigger is not None


def _ends_in_background(run: RunScript) -> bool:
    """``... &`` at the end: the RUN does not wait for its last step, so neither would the removal."""
    return run.script.text[run.script.chain[-1].span[1]:].lstrip().startswith("&")


def _ends_in_heredoc(run: RunScript) -> bool:
    """The last step feeds a shell heredoc: text appended after it would land past its body."""
    last = len(run.script.chain) - 1
    for command in run.script.commands:
        if command.step_index == last:
            for span in command.redirects:
                text = run.text_of(span).lstrip("0123456789")
                if text.startswith("<<") and not text.startswith("<<<"):
                    return True
    return False


PASS = Pass(
    # Trigger: it reports only RUNs that install after an `apt-get`/`apt` update.
    triggers=("apt",),
    image_changes=("/var/lib/apt/lists/**",),
    id="DO103",
    name="apt-clean-lists",
    title="Remove the apt package lists in the RUN that installs",
    what="""
        Appends `&& rm -rf /var/lib/apt/lists/*` as the last step of a RUN that runs `apt-get update` (or
        `apt update`) and then installs (install, upgrade, build-dep ...), in the RUN's own continuation
        style (heredoc RUNs too), with the privilege of the update it cleans up after (`sudo rm ...` after
        `sudo apt-get update`).

        No change (hadolint DL3009's cases, and stricter where hadolint would break a build):
        - the RUN already removes the lists after its last update: an `rm` of `/var/lib/apt/lists`,
          `/var/lib/apt/lists/*`, `/var/lib/apt/lists/*/`, `/var/lib/apt` ..., a
          `find /var/lib/apt/lists ... -delete` / `-exec rm`, or `apt-get dist-clean` (apt >= 2.7, used by
          the official images since trixie);
        - the RUN only updates (moving that update next to its install is DO101's job);
        - the stage never reaches the final image (a builder stage whose files are only copied out);
          ONBUILD RUNs are handled whatever their stage, as hadolint does: the trigger runs in every image
          built FROM this one;
        - `/var/lib/apt/lists` lies in a cache, tmpfs or bind mount of the RUN
          (`--mount=type=cache,target=/var/lib/apt` included, where hadolint still warns): the lists never
          reach the layer, and deleting them would only empty the cache;
        - a later RUN of the stage, a later ONBUILD trigger, or a RUN of a stage built FROM it reads the
          lists (`apt-get install|download|satisfy|source|build-dep`, `upgrade`, `apt-cache`, `apt list`,
          `rosdep install`, through `sudo`, `xargs` or `sh -c '...'`) before running its own
          `apt-get update`: DO101 adds that update first when it can; when it could not, the lists stay. A
          RUN we cannot read (exec form, another shell) that mentions apt counts as a reader.
    """,
    why="""
        `apt-get update` downloads the package lists into `/var/lib/apt/lists`: 19.9 MB on Debian bookworm
        with the official image's apt settings (compressed indexes), 87.3 MB without. The layer of the RUN
        keeps them unless the same RUN deletes them; a later `RUN rm` only hides them. Nothing in the
        running container needs them, and stale lists only cause trouble for a later `apt-get install`
        anyway (hadolint DL3009, Docker's best-practices guide).
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because nothing in the image's behaviour reads the lists once the RUN is over, and joining
        with `&&` at the very end only runs the removal when everything before it succeeded (with the
        update's privilege, so a non-root USER does not make it fail); provided every command that runs
        later (until an `apt-get update` of its own) is known not to read them
        (`optimizer/shell/apt_tools.py`).

        Unsafe because a later command that is not modelled (a copied `install.sh`, `curl ... | bash`, a
        program the tables do not know, a RUN that is not a shell script) might run `apt-get install` and
        would then fail: the risk names it with its line.
    """,
    examples=(Example(
        before="FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n",
        after=("FROM debian:bookworm\n"
               "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n")),),
    check=check,
    hadolint=("DL3009",),
)
