"""DO108 dnf-yum-clean: yum|dnf|microdnf clean all in the RUN that installs, and -y (documented in PASS)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ..builders import append_step
from ..edits import Edit
from ..model import Dockerfile, Stage
from ..facts.distro import stage_distro
from ..facts.runscript import RunsAfter, RunScript, later_runs, mounted_any, run_scripts
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command
    from ..shell import Word

PROGRAMS = ("yum", "dnf", "microdnf")
CACHE_DIRS = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5")
_CLEANED_BY_RM = frozenset({*CACHE_DIRS, "/var/cache"})
#: Subcommands that fetch metadata and packages into the cache.
_DOWNLOADS = frozenset("""
    install groupinstall localinstall reinstall update upgrade update-minimal upgrade-minimal
    downgrade distro-sync distrosync dsync builddep swap groupupdate download
""".split())
#: Subcommands taking an action word (``group install``) and the actions that download.
_GROUPED = {"group": {"install", "update", "upgrade"}, "groups": {"install", "update", "upgrade"},
            "module": {"install", "enable", "update", "switch-to"}}
#: Subcommands that ask for confirmation before a transaction.
_PROMPTS = (_DOWNLOADS - {"download"}) | {"remove", "erase", "autoremove", "groupremove"}
_GROUPED_PROMPTS = {"group": {"install", "remove", "update", "upgrade"},
                    "groups": {"install", "remove", "update", "upgrade"},
                    "module": {"install", "enable", "disable", "reset", "remove", "update", "switch-to"}}
#: Base images whose microdnf (3.8+, RHEL 9 era) prompts without -y and knows it.
_NEW_MICRODNF = re.compile(r"fedora|(?:ubi|rhel|el|ol|stream)(?:9|10)\b|:(?:9|10)(?:[.-]|$)")


def _action(cmd: Command) -> tuple[str | None, Word | None]:
    """The subcommand (``group install`` counts as ``group``+``install``) and the word to insert after."""
    operands = cmd.operands()
    if not operands:
        return None, None
    sub = operands[0].value
    if sub in _GROUPED and len(operands) > 1 and operands[1].value in _GROUPED_PROMPTS[sub]:
        return f"{sub} {operands[1].value}", operands[1]
    return sub, operands[0]


def _downloads(cmd: Command) -> bool:
    if cmd.program not in PROGRAMS:
        return False
    action, _ = _action(cmd)
    if action is None:
        return False
    sub, _, verb = action.partition(" ")
    return sub in _DOWNLOADS or verb in _GROUPED.get(sub, ())


def _prompts(cmd: Command) -> bool:
    action, _ = _action(cmd)
    if cmd.program not in PROGRAMS or action is None:
        return False
    sub, _, verb = action.partition(" ")
    return sub in _PROMPTS or verb in _GROUPED_PROMPTS.get(sub, ())


def _setopt(cmd: Command, name: str) -> bool:
    return any((v or "").partition("=")[0].strip().lower() == name for v in cmd.option_values("--setopt"))


def _cleans(cmd: Command, program: str) -> bool:
    """``program clean all``, or ``rm`` of a yum/dnf cache directory (or its contents)."""
    if cmd.is_(program, "clean"):
        return "all" in [w.value for w in cmd.positional()]
    if cmd.name == "rm":
        return any((w.value or "").rstrip("*").rstrip("/") in _CLEANED_BY_RM for w in cmd.operands())
    return False


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        runs = run_scripts(doc, stage)
        for position, (inst, run) in enumerate(runs):
            if run is None:
                continue
            yield from _missing_yes(doc, stage, run)
            yield from _missing_clean(doc, stage, run, RunsAfter(runs, position + 1))


def _missing_yes(doc: Dockerfile, stage: Stage, run: RunScript) -> Iterator[Finding]:
    for cmd in run.script.commands:
        if not _prompts(cmd) or cmd.has_option("-y", "--assumeno") or _setopt(cmd, "assumeyes"):
            continue
        if cmd.program == "microdnf" and _assumes_yes(doc, stage):
            continue
        action, word = _action(cmd)
        if word is None:  # never: a prompting command has an action
            continue
        safety, risk, asks = Safety.SAFE, "", "asks for confirmation"
        if cmd.program == "microdnf":
            asks = "asks for confirmation on microdnf 3.8+ (RHEL 9 and later)"
            if not _NEW_MICRODNF.search(_root_base(doc, stage)):
                safety = Safety.UNSAFE
                risk = "microdnf before 3.6 (early RHEL/UBI 8) rejects -y; check the base image's microdnf"
        yield PASS.finding(
            run.line_of(cmd.span),
            f"`{cmd.program} {action}` without `-y` {asks}, which aborts a build; add `-y`",
            Fix((run.insert_after(word, "-y"),), safety), risk=risk,
            hadolint=("DL3030",) if cmd.program == "yum" else ("DL3038",))


def _assumes_yes(doc: Dockerfile, stage: Stage) -> bool:
    """The base is a RHEL 7/8 family image: its microdnf never prompts, and before 3.6 rejects ``-y``."""
    distro = stage_distro(doc, stage)
    return distro.family == "rhel" and distro.release in ("7", "8")


def _root_base(doc: Dockerfile, stage: Stage) -> str:
    """The image the stage ultimately starts FROM (through stages it is built FROM)."""
    ancestors = doc.ancestors(stage)
    return (ancestors[-1] if ancestors else stage).base.lower()


def _missing_clean(doc: Dockerfile, stage: Stage, run: RunScript, after: RunsAfter) -> Iterator[Finding]:
    commands = run.script.commands
    last_download: dict[str, Command] = {}
    for cmd in commands:
        if cmd.program is not None and _downloads(cmd):
            last_download[cmd.program] = cmd
    if not last_download or mounted_any(run.inst, CACHE_DIRS):
        return
    missing: list[tuple[Command, tuple[Command, Edit] | None]] = []  # (download, (partial clean, widened))
    for program, cmd in last_download.items():
        later = [c for c in commands if c.span[0] > cmd.span[0]]
        if any(_cleans(c, program) for c in later):
            continue
        partial = next((c for c in later if c.is_(program, "clean") and c.positional()), None)
        widened = _widen(run, partial) if partial is not None else None
        missing.append((cmd, (partial, widened) if partial is not None and widened is not None else None))
    if not missing or not _may_clean(run, after, doc, stage):
        return
    for cmd, widening in missing:
        if widening is not None:
            partial, widened = widening
            what = " ".join(w.text_raw for w in partial.positional())
            yield PASS.finding(
                run.line_of(partial.span),
                f"`{partial.program} clean {what}` leaves the rest of the cache in the layer; "
                f"use `{partial.program} clean all`", Fix((widened,), Safety.SAFE),
                hadolint=_clean_rules([partial.program]))
    appended = [cmd for cmd, widening in missing if widening is None]
    if not appended:
        return
    sudo = {c.program for c in commands if _downloads(c) and "sudo" in c.wrappers}
    steps = [("sudo " if cmd.program in sudo else "") + f"{cmd.name} clean all" for cmd in appended]
    where = " and ".join(f"`{c.program} {_action(c)[0]}`" for c in appended)
    yield PASS.finding(
        run.line_of(appended[0].span),
        f"{where} leaves repository metadata and packages in the layer; end the RUN with "
        f"`{' && '.join(steps)}`",
        Fix((append_step(doc, run, " && ".join(steps)),), Safety.SAFE),
        hadolint=_clean_rules([cmd.program for cmd in appended]))


def _clean_rules(programs: list[str | None]) -> tuple[str, ...]:
    """DL3032 for yum, DL3040 for dnf and microdnf."""
    return tuple(sorted({"DL3032" if program == "yum" else "DL3040" for program in programs}))


def _widen(run: RunScript, clean: Command) -> Edit | None:
    """Replace the targets of ``clean packages metadata`` with ``all`` when they sit on one line."""
    words = clean.positional()
    start, end = words[0].span[0], words[-1].span[1]
    if not run.source.is_contiguous(start, end) or "\n" in run.source.text[start:end]:
        return None
    return Edit.replace(run.doc_span((start, end)), "all")


def _may_clean(run: RunScript, after: RunsAfter, doc: Dockerfile, stage: Stage) -> bool:
    """Nothing needs the cache this RUN fills: no downloadonly/keepcache here, no later -C."""
    for cmd in run.script.commands:
        if cmd.program not in PROGRAMS:
            continue
        if cmd.has_option("--downloadonly") and not cmd.has_option("--destdir"):
            return False
        if _setopt(cmd, "keepcache"):
            return False
    last = run.script.chain[-1].command
    if last is not None and (last.name in ("exit", "exec") or "exec" in last.wrappers):
        return False
    for inst, later in later_runs(doc, stage, after):
        if later is None:
            continue
        if any(c.program in PROGRAMS and c.has_option("-C") for c in later.script.commands):
            return False
    return True


PASS = Pass(
    # Trigger: it reports only `yum`, `dnf` and `microdnf` commands.
    triggers=("dnf", "yum"),
    image_changes=("/var/cache/dnf/**", "/var/cache/yum/**"),
    id="DO108",
    name="dnf-yum-clean",
    title="Run yum/dnf/microdnf clean all in the RUN that installs, with -y",
    what="""
        Two kinds of finding, one pass (hadolint DL3032 for yum, DL3040 for dnf and microdnf; DL3030 and
        DL3038 for `-y`), in every stage, like hadolint:
        1. A RUN that installs or upgrades (`install`, `groupinstall`, `localinstall`, `reinstall`,
           `update`/`upgrade` and their `-minimal` forms, `downgrade`, `distro-sync`, `swap`, `builddep`,
           `download`, `group install`, `module install|enable` ...) with no `<same program> clean all`
           (or `rm -rf /var/cache/yum`, `/var/cache/dnf`, their contents or `/var/cache`) after its last
           such command: `&& <program> clean all` is appended after the last step, in the RUN's own
           continuation style, with `sudo` if an install of that program used it, and the program spelled
           as written (`/usr/bin/dnf`). Several programs in one RUN get one step each, in one finding. A
           partial clean after the install (`dnf clean packages`, `yum clean metadata packages`) is widened
           to `clean all` instead.
        2. `yum`/`dnf`/`microdnf` commands that change packages (the subcommands above except `download`,
           plus `remove`, `erase`, `autoremove`, `module enable|disable|reset` ...) without
           `-y`/`--assumeyes` (nor `--assumeno`, nor `--setopt=assumeyes=...`): `-y` is inserted after the
           subcommand (`dnf group install -y ...`).

        No clean-up is offered when a cache directory is a cache, tmpfs or bind mount of the RUN (BuildKit
        cache users want it), with `--downloadonly` without `--downloaddir` (the RPMs are the product),
        `--setopt=keepcache=...` (kept on purpose), when a later RUN of the stage or a stage built FROM it
        uses `-C`/`--cacheonly` (it reads this cache), or when the last step is `exit`/`exec` (nothing after
        it runs). `makecache` alone is not an install: its cache is its point. No `-y` on a base that names
        RHEL/UBI/OL 7 or 8 for microdnf (`ubi8/ubi-minimal:8.3`), whose microdnf never prompts (RHEL 8 keeps
        `assumeyes` true) and before 3.6 rejects `-y`. Out of scope: `tdnf` (Photon), `dnf5` spelled as
        such, `zypper` (DL3036/DL3037).

        Each finding names its own hadolint rule (DL3032/DL3040 for the clean-up, DL3030/DL3038 for `-y`),
        so `# hadolint ignore=DL3038` silences only the `-y` finding.
    """,
    why="""
        yum, dnf and microdnf keep repository metadata (tens to hundreds of MB) and, depending on
        `keepcache`, downloaded RPMs in `/var/cache/yum` (yum, microdnf) or `/var/cache/dnf` (dnf). Left in
        the installing RUN's layer they ship with the image; a later `clean` RUN cannot shrink that layer.
        Without `-y`, the confirmation prompt meets a build's closed stdin and aborts the transaction.
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because `clean all` runs after everything else (`&&`: only when the RUN so far succeeded) and
        only removes caches, and because `-y` changes nothing a build can see: without it the prompt reads
        EOF and the transaction is aborted, so a Dockerfile that builds today either had nothing to do or
        set assumeyes elsewhere; provided no later step reads the cache (`-C`/`--cacheonly`) and, for `-y`,
        the program knows the option: every yum and dnf does, microdnf on 9+ and Fedora bases.

        Unsafe because microdnf on a base that names neither its release nor Fedora may be an old one that
        rejects `-y`.
    """,
    examples=(Example(
        before="FROM fedora:40\nRUN dnf install -y gcc make\n",
        after="FROM fedora:40\nRUN dnf install -y gcc make && dnf clean all\n"),
        Example(
        before="FROM centos:7\nRUN yum install httpd && yum clean all\n",
        after="FROM centos:7\nRUN yum install -y httpd && yum clean all\n")),
    check=check,
    hadolint=("DL3032", "DL3040", "DL3030", "DL3038"),
)
