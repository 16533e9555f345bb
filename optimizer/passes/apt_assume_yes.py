"""DO105 apt-assume-yes: give apt-get install (and every apt command that can ask) -y (documented in PASS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..edits import Edit
from ..model import Dockerfile, Instruction
from ..facts.runscript import RunScript, run_scripts
from .apt import APT_PROGRAMS
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

#: apt subcommands that may stop at "Do you want to continue? [Y/n]".
PROMPTING = ("install", "reinstall", "remove", "purge", "autoremove", "auto-remove", "autopurge",
             "upgrade", "dist-upgrade", "full-upgrade", "dselect-upgrade", "build-dep", "satisfy")
_TRUE = frozenset({"1", "yes", "true", "with", "on", "enable"})
_ASSUME_YES = "apt::get::assume-yes"


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        for inst, run in run_scripts(doc, stage):
            if run is None:
                continue
            for command in run.script.commands:
                if _prompting(command) and not answers_prompt(command) and not _stdin_fed(run, command) \
                        and not _config_assumes_yes(doc, inst, run, command):
                    finding = _add_yes(run, command)
                    if finding is not None:
                        yield finding


def _prompting(command: Command) -> bool:
    return command.program in APT_PROGRAMS and command.subcommand in PROMPTING


def quiet_level(command: Command) -> int:
    """apt's quiet level from ``-q`` options (``-qq`` counts twice, ``-q=2`` sets it)."""
    level = 0
    for option in command.options():
        if option.canonical == "-q":
            level = int(option.value) if option.value and option.value.isdigit() else level + 1
    for value in command.option_values("-o"):
        key, _, setting = (value or "").partition("=")
        if key.lower() == "quiet" and setting.isdigit():
            level = int(setting)
    return level


def answers_prompt(command: Command) -> bool:
    """The command line itself answers apt's Y/n prompt (or makes it impossible)."""
    if command.has_option("-y", "--assume-no", "--trivial-only"):
        return True
    for value in command.option_values("-o"):
        key, _, setting = (value or "").partition("=")
        if key.lower() == _ASSUME_YES and setting.strip("\"'").lower() in _TRUE:
            return True
    # apt-get: quiet level 2 implies -y. The apt binary resets -qq to quiet level 1.
    return quiet_level(command) >= (2 if command.program == "apt-get" else 3)


def _stdin_fed(run: RunScript, command: Command) -> bool:
    """Something may answer the prompt on stdin: a pipe into the command or an input redirect."""
    before = run.script.text[:command.span[0]].rstrip()
    if before.endswith("|") and not before.endswith("||"):
        return True
    for span in command.redirects:
        text = run.text_of(span).lstrip("0123456789")
        if text.startswith("<") and text[1:].strip() != "/dev/null":
            return True
    return False


def _config_assumes_yes(doc: Dockerfile, inst: Instruction, run: RunScript, command: Command) -> bool:
    """An earlier step writes ``APT::Get::Assume-Yes "true"`` into apt's configuration."""
    stage = doc.stage_of(inst)
    if stage is None:
        return False
    earlier: list[Command] = []
    for lineage in (*reversed(doc.ancestors(stage)), stage):
        for other, other_run in run_scripts(doc, lineage):
            if other is inst:
                break
            if other_run is not None and (run.onbuild or not other_run.onbuild):
                earlier.extend(other_run.script.commands)
    earlier.extend(c for c in run.script.commands if c.span[1] <= command.span[0])
    return any(_writes_assume_yes(w.value) for c in earlier for w in c.argv if w.value)


def _writes_assume_yes(text: str) -> bool:
    lowered = text.lower()
    at = lowered.find(_ASSUME_YES)
    if at < 0:
        return False
    rest = lowered[at + len(_ASSUME_YES):]
    return any(f'"{value}"' in rest or f"={value}" in rest for value in _TRUE)


def _add_yes(run: RunScript, command: Command) -> Finding | None:
    subcommand = command.operands()[0]
    if subcommand.value != subcommand.text_raw:
        return None  # a quoted or escaped subcommand word: leave it to a human
    end = subcommand.span[1]
    edit = Edit.insert(run.doc_span((end - 1, end))[1], " -y")
    name = f"{command.program} {command.subcommand}"
    if run.failure_is_fatal(command):
        safety, risk = Safety.SAFE, ""
    else:
        safety = Safety.UNSAFE
        risk = (f"a failure of `{name}` is tolerated here (`||`, `;` without `set -e`, or a nested "
                "command), so today a prompt silently skips it; with -y it installs or removes packages")
    inst = run.inst
    return PASS.finding(
        inst.start_line,
        f"`{name}` without -y aborts the build whenever apt wants to ask for confirmation",
        Fix((edit,), safety), risk=risk, end_line=inst.end_line)


PASS = Pass(
    # Trigger: it reports only `apt-get`/`apt` commands that prompt.
    triggers=("apt",),
    id="DO105",
    name="apt-assume-yes",
    title="Pass -y to apt-get install, upgrade and remove",
    what="""
        Inserts `-y` right after the subcommand word (`apt-get install -y curl`) of `apt-get`/`apt`
        `install`, `reinstall`, `remove`, `purge`, `autoremove`, `autopurge`, `upgrade`, `dist-upgrade`,
        `full-upgrade`, `dselect-upgrade`, `build-dep` and `satisfy`.

        Already answered (no finding): `-y`/`--yes`/`--assume-yes` in any spelling or bundle (`-yq`);
        `-o APT::Get::Assume-Yes=true`; quiet level 2 for `apt-get` (`-qq`, `-q=2`: apt-get documents that
        it implies `-y`; the `apt` binary resets `-qq` to 1, so there it does not); `--assume-no` or
        `--trivial-only` (they answer the prompt themselves; `-y` would override `--assume-no`); stdin fed
        by a pipe (`yes | apt-get ...`) or a redirect other than `</dev/null`; an earlier RUN of the stage
        (or of a stage it is built FROM) or an earlier command of the same RUN that writes
        `APT::Get::Assume-Yes "true"` into apt's configuration. `--force-yes` does not count: apt only skips
        the prompt for `Assume-Yes` or quiet level 2 (`apt-private/private-install.cc`); `--force-yes` only
        overrides the "harmful operation" checks.
    """,
    why="""
        `apt-get install`, `upgrade`, `remove` ... stop at "Do you want to continue? [Y/n]" whenever they
        do more than the command line named (extra dependencies, removals, upgrades). A build has no
        terminal: RUN's stdin is empty, apt reads end-of-file, prints `Abort.` and exits 1. So the same
        Dockerfile builds or fails depending on what the mirror holds that day (hadolint DL3014).
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because without `-y` apt either proceeds without asking (same result) or aborts the build, and
        `-y` only turns such aborts into a successful build; it never overrides apt's real guards (removing
        essential packages, changing held packages and unauthenticated packages still need their own
        `--allow-*` options); provided a failure of the command fails the RUN (it ends an `&&` chain, or
        `set -e` is in force and it ends its statement).

        Unsafe because, when the failure is tolerated (`|| true`, `;` without `set -e`, inside
        `if`/loops/subshells/pipelines), an aborted install is silently skipped today, and with `-y` the
        packages get installed, so the image changes.
    """,
    examples=(Example(
        before="FROM debian:bookworm\nRUN apt-get update && apt-get install curl\n",
        after="FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"),),
    check=check,
    hadolint=("DL3014",),
)
