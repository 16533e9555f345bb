"""DO101 apt-update-with-install: run apt-get update in the same RUN as the install it serves (documented in PASS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, TypeGuard

from ..builders import insert_step
from ..edits import Edit
from ..model import Dockerfile, Instruction, Stage
from ..facts.apt_lists import Access, ListUse, list_uses, named
from ..facts.runscript import RunsAfter, RunScript, StageRun, later_runs, mentions_apt, run_scripts
from ..facts.users import is_root, user_in_force
from ..record import record
from .apt import is_update, with_privilege_of
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

def _is_set(cmd: Command) -> bool:
    return cmd.name == "set"


@record
class _Use:
    """A RUN that reads package lists it did not fetch itself."""

    run: RunScript
    command: Command  # the first list-reading command


def _first_reader(run: RunScript) -> ListUse | None:
    """The first read of the lists before any update in the same script, else None."""
    for use in list_uses(run.script):
        if use.access is Access.FETCHES:
            return None
        if use.access is Access.READS:
            return use
    return None


def _unknown_before(run: RunScript, reader: Command | None = None) -> list[tuple[str, int]]:
    """Commands of ``run`` (before ``reader``, when given) that might read the lists: not modelled."""
    found: list[tuple[str, int]] = []
    for use in list_uses(run.script):
        if use.command is reader:
            break
        if use.access is Access.UNKNOWN:
            found.append((use.what, run.line_of(use.command.span)))
    return found


def _is_lone_update(run: RunScript | None) -> TypeGuard[RunScript]:
    if run is None:
        return False
    commands = [c for c in run.script.commands if not _is_set(c)]
    return len(commands) == 1 and is_update(commands[0]) and commands[0].top_level


def _flags_carried(lone: Instruction, inst: Instruction) -> bool:
    """Every RUN flag of the lone update (``--mount=...``) is also on the install RUN."""
    return {f.text for f in lone.effective.flags} <= {f.text for f in inst.effective.flags}


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    seen_lone: set[int] = set()
    for stage in doc.stages:
        runs = run_scripts(doc, stage)
        for position, (inst, run) in enumerate(runs):
            if _is_lone_update(run) and id(inst) not in seen_lone:
                seen_lone.add(id(inst))
                finding = _merge_lone_update(doc, stage, run, RunsAfter(runs, position + 1))
                if finding:
                    yield finding
        yield from _relying_installs(doc, stage, runs)


def _merge_lone_update(doc: Dockerfile, stage: Stage, lone: RunScript,
                       after: RunsAfter) -> Finding | None:
    """Delete a lone update RUN and insert it into every RUN that reads the lists after it."""
    update = next(c for c in lone.script.commands if is_update(c))
    uses: list[_Use] = []
    unknown: list[tuple[str, int]] = []  # what runs between the update and its first install, not modelled
    for inst, run in later_runs(doc, stage, after):
        if lone.onbuild and inst.trigger is None:
            continue  # an ONBUILD update runs in a later build; it serves only ONBUILD steps
        if run is None:
            if mentions_apt(inst):
                return None  # something we cannot read may use the lists
            if not uses:
                unknown.append(("a RUN that is not a shell script we can read", inst.start_line))
            continue
        if _is_lone_update(run) and run.onbuild == lone.onbuild:
            break  # the next lone update takes over from here
        read = _first_reader(run)
        if read is None:
            if not uses:
                unknown += _unknown_before(run)
            if any(is_update(c) for c in run.script.commands):
                break  # this RUN fetches fresh lists; later RUNs rely on it, not on ours
            continue
        if read.query or not _flags_carried(lone.inst, inst):
            return None
        if not uses:
            unknown += _unknown_before(run, read.command)
        uses.append(_Use(run, read.command))
    text = lone.text_of(update.span)
    if not uses:
        return _useless_update(doc, stage, lone, text)
    edits = [Edit.delete(*lone.inst.span)]
    safety = Safety.UNSAFE if unknown else Safety.SAFE
    risks = [_unknown_risk(unknown)] if unknown else []
    lines = ", ".join(str(u.run.inst.start_line) for u in uses)
    message = f"`{text}` runs in a layer of its own; merge it into the RUN that installs (line {lines})"
    for use in uses:
        update_text = _privileged(doc, lone, update, use, text)
        if update_text is None:
            user = user_in_force(doc, use.run.inst)
            return PASS.finding(
                lone.inst.start_line, message, risk=(
                    f"the install at line {use.run.line_of(use.command.span)} runs as USER {user} without sudo, "
                    "so an `apt-get update` added there would not have root's rights; merge by hand"),
                end_line=lone.inst.end_line)
        edit, use_safety, risk = _insertion(doc, use, update_text)
        if edit is None:
            return None
        edits.append(edit)
        safety = safety.at_least(use_safety)
        if risk:
            risks.append(risk)
    return PASS.finding(
        lone.inst.start_line, message, Fix(tuple(edits), safety), risk="; ".join(dict.fromkeys(risks)),
        end_line=lone.inst.end_line)


def _unknown_risk(unknown: list[tuple[str, int]]) -> str:
    return (f"not modelled, so they might read the package lists: {', '.join(named(unknown))} "
            "run between the update and the install, and would find no lists after the merge")


def _privileged(doc: Dockerfile, lone: RunScript, update: Command, use: _Use, text: str) -> str | None:
    """The update as it must be written in ``use``'s RUN to run with the privilege of its install:
    as written when the same USER is in force; with ``sudo`` when the install runs through sudo;
    None when a non-root USER installs without sudo (we cannot tell how it gets root)."""
    user = user_in_force(doc, use.run.inst)
    if user == user_in_force(doc, lone.inst):
        return text
    if "sudo" in use.command.wrappers:
        return text if "sudo" in update.wrappers else with_privilege_of(use.command, text)
    return text if is_root(user) else None


def _useless_update(doc: Dockerfile, stage: Stage, lone: RunScript, text: str) -> Finding | None:
    """A lone update nothing after it reads: only its ~20-90 MB of lists stay, in their own layer."""
    if lone.onbuild:
        return None  # it serves the RUNs of the images built FROM this one
    risk = ("images built FROM this one that run apt-get install without their own apt-get update "
            "would find no package lists" if doc.reaches_final_image(stage) else
            "a COPY --from that reads /var/lib/apt/lists from this stage would find nothing")
    return PASS.finding(
        lone.inst.start_line,
        f"`{text}` runs in a layer of its own and nothing after it installs; remove it",
        Fix((Edit.delete(*lone.inst.span),), Safety.UNSAFE), risk=risk, end_line=lone.inst.end_line,
        hadolint=("DL3009",))


def _relying_installs(doc: Dockerfile, stage: Stage,
                      runs: list[StageRun]) -> Iterator[Finding]:
    """Installs that read lists fetched by an earlier RUN that did more than update."""
    lineage_updates = any(
        any(is_update(c) for c in run.script.commands) and not _is_lone_update(run)
        for parent in doc.ancestors(stage) for _, run in run_scripts(doc, parent) if run)
    fetched = {False: lineage_updates, True: lineage_updates}  # by onbuild
    for inst, run in runs:
        if run is None:
            continue
        if _is_lone_update(run):
            return  # the lone-update rule handles what follows
        read = _first_reader(run)
        if read is not None and not read.query and fetched[run.onbuild]:
            update = _update_like(read.command)
            edit, safety, risk = _insertion(doc, _Use(run, read.command), update)
            if edit is not None:
                yield PASS.finding(
                    inst.start_line,
                    f"{read.what} relies on package lists from an earlier "
                    f"layer; run `{update}` in the same RUN",
                    Fix((edit,), safety), risk=risk, end_line=inst.end_line)
        if any(is_update(c) for c in run.script.commands):
            fetched[run.onbuild] = True
            if not run.onbuild:
                fetched[True] = True


def _update_like(reader: Command) -> str:
    """``apt-get update`` invoked like ``reader`` (same program, same sudo)."""
    program = "apt" if reader.program == "apt" else "apt-get"
    return with_privilege_of(reader, f"{program} update")


def _insertion(doc: Dockerfile, use: _Use, update: str) -> tuple[Edit | None, Safety, str]:
    """Where and how to insert ``update`` before the reader, keeping failure behaviour."""
    run, command = use.run, use.command
    chain = run.script.chain
    if not command.top_level:
        return (insert_step(doc, run, command.span, update), Safety.UNSAFE,
                "the install is nested (if/subshell/pipeline); check that a failed update still fails")
    step = command.step_index
    assert step is not None  # a top-level command is a step of the chain
    op_before = chain[step].op_before
    if op_before == "||":
        return None, Safety.SUGGESTION, ""
    if all(s.op_before == "&&" for s in chain[step + 1:]):
        return insert_step(doc, run, command.span, update), Safety.SAFE, ""
    if op_before in (None, ";", "\n") and run.errexit_before(step):
        return insert_step(doc, run, command.span, update, "\n" if op_before == "\n" else ";"), Safety.SAFE, ""
    return (insert_step(doc, run, command.span, update), Safety.UNSAFE,
            "later steps are joined with ';', so a failed apt-get update would no longer fail the build")


PASS = Pass(
    # Trigger: it both findings need an `apt-get`/`apt` update command (program names are literal words of the script).
    triggers=("apt",),
    id="DO101",
    name="apt-update-with-install",
    title="Run apt-get update in the same RUN as apt-get install",
    what="""
        Per stage (a stage built `FROM` another stage continues its parent):
        - A lone `RUN apt-get update` (only `set` may accompany it) followed by RUNs that install: the
          update is inserted before the first list-reading command of each such RUN and the lone RUN is
          deleted (its comments stay). The inserted text is the lone update as written
          (`DEBIAN_FRONTEND=noninteractive apt-get -qq update`, `sudo apt update` ...).
        - An install RUN that relies on an update done by an earlier RUN (which installed something else):
          the update is inserted into it; the earlier RUN is left alone.
        - A lone update that nothing after it reads is removed (unsafe).
        - ONBUILD RUN triggers are handled the same way; an ONBUILD update only serves ONBUILD installs,
          and is never removed.

        Not offered: the lone update has RUN flags (`--mount` ...) the install RUN lacks; something queries
        the lists between the update and the installs (`apt-cache`, `apt list`, an exec-form or non-POSIX
        RUN mentioning apt); an install preceded by `||`. A suggestion without a fix when a non-root USER
        installs without `sudo` (how it gets root is unknown).
    """,
    why="""
        A RUN that only does `apt-get update` is cached as its own layer. When the install line below it
        changes weeks later, the build reuses the stale package lists and `apt-get install` fails with 404
        errors or installs outdated versions (Docker's best-practices guide, "apt-get"). The update must
        live in the same RUN as every install that reads the lists: then the lists are refreshed whenever
        the install changes.
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because the same `apt-get update` runs, with the same flags and privilege, right before the
        first command that reads the lists, and a failed update still fails the build; provided everything
        that runs between the old and the new place of the update is modelled (tool knowledge in
        `optimizer/shell/apt_tools.py`: readers such as `apt-get install|download|satisfy|source|build-dep`,
        `apt-cache`, `rosdep install`, through `sudo`, `xargs`, `sh -c '...'`).

        Unsafe because:
        - the joining operator must keep failure behaviour: `apt-get update && ` when the install starts an
          `&&` chain that runs to the end of the script; `apt-get update; ` (or a new line in a heredoc)
          when `set -e` is in force and the install starts a statement; otherwise `&&`, unsafe (later `;`
          steps would hide a failed update);
        - an install nested in `if`, a subshell or a pipeline;
        - a command between the lone update and the first install that is not modelled (a script such as
          `./setup.sh`, `bash -` fed by curl, a program the tool tables do not know, a RUN that is not a
          shell script) might read the lists: the risk names it with its line;
        - removing a lone update that nothing after it reads: an image built FROM this one may rely on its
          lists.

        Privilege: the update is inserted as written when the same USER is in force, and with `sudo` when
        the install runs through sudo after a non-root USER.
    """,
    examples=(Example(
        before="FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n",
        after="FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"),),
    check=check,
)
