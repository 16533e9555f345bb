"""DO201 copy-after-dependencies: move steps that do not read the copied files above the COPY (documented in PASS)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterator, Literal, Sequence

from ..builders import move_above
from ..facts.copies import (chown_by_name, destination, destination_variables, expand, from_stage, is_broad_copy,
                            is_context_copy, is_copy, source_file_names, workdir_in_force)
from ..facts.footprint import Footprint, clip, footprint
from ..facts.history import History, history
from ..facts.paths import (CONFIG_READS, LANGUAGE_INSTALLS, ImagePath, absolute, new_common_parent, overlap, related,
                           resolve, system_owned, within)
from ..facts.scope import Scope
from ..record import record
from ..shell.tools import SYSTEM_PACKAGE_KINDS
from ..model import Dockerfile, Instruction
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO201", "copy-after-dependencies"

# --- the copies and RUNs of a segment -------------------------------------------------------------


@record
class _Copy:
    """A COPY/ADD as something a RUN may move above."""

    inst: Instruction
    dest: ImagePath | None  # None when a variable in it cannot be resolved
    dest_vars: frozenset[str]  # variables named in the destination as written
    source_copy: bool  # reads the context or a stage of this file: passing it helps caching
    broad: bool
    file_names: frozenset[str] | None  # basenames of its sources when all are files, else None
    owner_by_name: bool  # --chown=user: BuildKit resolves the name in /etc/passwd at copy time
    sets_owner: bool  # --chown/--chmod: also applies to the parent directories it creates
    invalid: bool

    @property
    def label(self) -> str:
        return _short(self.inst)


@record
class _Verdict:
    safety: Safety | None  # None: may not pass
    reasons: tuple[str, ...] = ()
    by_packages: bool = False  # the system package manager itself reads what the copy writes
    advice: str = ""  # what the suggestion for a blocked install advises, when not the usual


def _copy(doc: Dockerfile, inst: Instruction, cwd: ImagePath, context: BuildContext) -> _Copy:
    dest_raw = destination(inst)
    expanded = expand(doc, inst, dest_raw) if dest_raw is not None else None
    return _Copy(
        inst=inst, dest=resolve(expanded, cwd) if expanded is not None else None,
        dest_vars=destination_variables(inst),
        source_copy=is_context_copy(inst) or from_stage(doc, inst),
        broad=is_broad_copy(inst),
        file_names=source_file_names(inst, context),
        owner_by_name=chown_by_name(inst),
        sets_owner=inst.flag("chown") is not None or inst.flag("chmod") is not None,
        invalid=dest_raw is None,
    )


# --- may a RUN pass a copy ------------------------------------------------------------------------


def _cross(run: Footprint, copy: _Copy, scope: Scope) -> _Verdict:
    """May ``run`` move above ``copy``? SAFE, UNSAFE (with reasons), or not (safety None)."""
    if run.blocked:
        return _Verdict(None, (run.blocked,))
    if not run.does_work:
        return _Verdict(None, ("it does no work worth caching",))
    if copy.invalid:
        return _Verdict(None, (f"`{copy.label}` has no destination",))
    if copy.owner_by_name and run.changes_users:
        return _Verdict(None, (f"`{copy.label}` looks its owner up in /etc/passwd, which the RUN changes",))
    dest = copy.dest
    if dest is None:
        if any(re.search(rf"\${{?{re.escape(v)}\b", t) for t in run.texts for v in copy.dest_vars):
            return _Verdict(None, (f"the RUN uses the variable of the destination of `{copy.label}`",))
        reasons = (f"cannot resolve the destination of `{copy.label}`", *run.unknown)
        return _Verdict(Safety.UNSAFE, tuple(dict.fromkeys(reasons)))
    unsafe: list[str] = []

    def touches(path: ImagePath, test: Callable[[ImagePath, ImagePath], bool | None] | None = None) -> bool | None:
        return related(scope.concrete(path), dest, scope.homes, run.links, test)

    if dest.root == "/":
        pattern = re.compile(r"(?:(?<![\w.\-/])|(?<=:/)|(?<=://))" + re.escape(str(dest)) + r"(?![\w.\-])")
        for text in run.texts:
            if pattern.search(text) and str(dest) != "/":
                return _Verdict(None, (f"`{clip(text)}` names {dest}, where `{copy.label}` writes",))
    for path, word in run.paths:
        if path is None:
            unsafe.append(f"cannot tell where `{clip(word)}` points")
            continue
        path = scope.concrete(path)
        relation = touches(path)
        if relation:
            return _Verdict(None, (f"it uses {_describe(path, word)}, which `{copy.label}` writes",))
        if relation is None:
            unsafe.append(_unknown(path, dest, word, copy))
    for path, word in run.cd_targets:  # entering a directory reads nothing; entering the copy does
        if path is None:
            unsafe.append(f"cannot tell where `{clip(word)}` points")
            continue
        relation = touches(path, within)
        if relation:
            return _Verdict(None, (f"it enters `{clip(word)}`, which `{copy.label}` fills",))
        if relation is None:
            unsafe.append(_unknown(path, dest, word, copy))
    for kind, program in run.kinds.items():
        for config in CONFIG_READS[kind]:
            relation = touches(config)
            if relation:
                return _Verdict(None, (f"`{program}` reads {config}, where `{copy.label}` writes",),
                                kind in SYSTEM_PACKAGE_KINDS)
            if relation is None:
                unsafe.append(_unknown(config, dest, str(config), copy))
                break
        if kind in SYSTEM_PACKAGE_KINDS and system_owned(dest) and copy.file_names is None:
            return _Verdict(None, (f"`{program}` may install files under {dest}, and package scripts may fill it "
                                   "only while it is empty (apache2's postinst puts its default index.html into an "
                                   "empty /var/www/html, which Apache serves before a copied index.php); moved above "
                                   f"`{copy.label}`, their files would be there first and stay beside the copied "
                                   "ones",),
                            advice=f"Move it above the copy yourself if nothing the packages put under {dest} "
                                   "matters, or delete what the app must not keep there (apache2's index.html)")
        if kind in SYSTEM_PACKAGE_KINDS and system_owned(dest):
            unsafe.append(f"`{program}` may install files under {dest}, and package scripts may fill it only while "
                          "it is empty; after the move the packages' files are there first: copied files of the same "
                          "name replace them, the others stay beside the copied ones")
        installs = LANGUAGE_INSTALLS.get(kind, ())
        if any(overlap(scope.concrete(area), dest, scope.homes) is not False for area in installs):
            unsafe.append(f"`{program}` installs into {dest}'s area; after the move the copied files "
                          "replace what it installs there instead of the other way round")
    for read in run.indirect:
        relation = touches(read.path)
        if relation and read.sure:
            return _Verdict(None, (f"{read.why}, where `{copy.label}` writes",), read.kind in SYSTEM_PACKAGE_KINDS)
        if relation is not False:
            unsafe.append(read.why if relation else f"{read.why}; cannot tell whether it is under {dest}")
    for name, path in scope.reading_variables:
        if touches(path):
            return _Verdict(None, (f"`{name}` points into what `{copy.label}` writes, and tools read it",))
    shadow = _shadowing(run, copy, scope.path_dirs)
    if shadow is False:
        return _Verdict(None, (f"`{copy.label}` adds a command the RUN runs",))
    if shadow:
        unsafe.append(shadow)
    if run.cwd_readers and run.cwd is not None:
        relation = overlap(run.cwd, dest)
        if relation is not False:
            unsafe.append(f"`{run.cwd_readers[0]}` may read project configuration from the working "
                          f"directory, which `{copy.label}` fills")
    elif run.cwd_readers:
        unsafe.append(f"`{run.cwd_readers[0]}` runs in a working directory set by the base image")
    if copy.sets_owner:
        for path, _ in run.paths:
            parent = new_common_parent(path, dest) if path is not None else None
            if parent is not None:
                unsafe.append(f"`{copy.label}` and the RUN both create directories under "
                              f"{parent}; the first to run decides its owner")
                break
    unsafe.extend(run.unknown)
    if unsafe:
        return _Verdict(Safety.UNSAFE, tuple(dict.fromkeys(unsafe)))
    return _Verdict(Safety.SAFE)


def _shadowing(run: Footprint, copy: _Copy, path_dirs: tuple[ImagePath, ...]) -> str | Literal[False] | None:
    """False when the copy adds a command the RUN runs; a risk text when it may; None otherwise."""
    dest = copy.dest
    if dest is None or dest.root != "/":
        return None
    risk = (f"`{copy.label}` copies into a PATH directory; a copied file could shadow a command "
            "the RUN (or a package script) runs")
    for directory in path_dirs:
        if len(dest.parts) < len(directory.parts) and directory.parts[:len(dest.parts)] == dest.parts:
            return risk  # the copy lands above a PATH directory
        if dest.parts[:len(directory.parts)] != directory.parts:
            continue
        if len(dest.parts) > len(directory.parts):
            names = frozenset({dest.parts[len(directory.parts)]})
        elif copy.file_names is None:
            return risk
        else:
            names = copy.file_names
        if names & run.programs:
            return False
    return None


def _describe(path: ImagePath, word: str) -> str:
    return f"`{clip(word)}`" if word and not word.startswith("the ") else f"{word} ({path})"


def _unknown(path: ImagePath, dest: ImagePath, word: str, copy: _Copy) -> str:
    if "." in (path.root, dest.root):
        return (f"`{copy.label}` lands relative to the base image's WORKDIR; cannot tell whether it "
                f"touches {path if path.root != '.' else clip(word)}")
    return f"cannot tell whether {clip(str(path))} (HOME) is under {dest}"


# --- moving ----------------------------------------------------------------------------------------


@record(frozen=False)
class _Move:
    run: Instruction
    anchor: Instruction  # the first (top-most) copy it passes
    safety: Safety
    reasons: tuple[str, ...]
    passed: list[_Copy]


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    past: History | None = None
    for stage in doc.stages:
        for segment in _segments(stage.instructions):
            past = history(doc, context) if past is None else past
            yield from _segment_findings(doc, segment, past, context, config)


def _segments(instructions: Sequence[Instruction]) -> Iterator[list[Instruction]]:
    """Runs of COPY/ADD/RUN (not ONBUILD) with at least one of each."""
    current: list[Instruction] = []
    for inst in (*instructions, None):
        if inst is not None and inst.trigger is None and inst.keyword in ("COPY", "ADD", "RUN"):
            current.append(inst)
            continue
        if any(i.keyword == "RUN" for i in current) and any(is_copy(i) for i in current):
            yield current
        current = []


def _segment_findings(doc: Dockerfile, segment: list[Instruction], past: History, context: BuildContext,
                      config: Config) -> Iterator[Finding]:
    workdir = workdir_in_force(doc, segment[0])
    cwd = absolute(workdir) if workdir is not None else ImagePath(".", ())
    copies = {id(i): _copy(doc, i, cwd, context) for i in segment if is_copy(i)}
    runs = {id(i): footprint(doc, i, cwd, history=past) for i in segment if i.keyword == "RUN"}
    scope = Scope.at(doc, segment[0], past.homes)
    # Without --unsafe, SAFE moves come first; once none is left, the UNSAFE ones are reported.
    moves = [] if config.unsafe else _simulate(segment, copies, runs, scope, allow_unsafe=False)
    if not moves:
        moves = _simulate(segment, copies, runs, scope, allow_unsafe=True)
    yield from _findings(doc, moves)
    if not moves:
        yield from _blocked_suggestions(doc, segment, copies, runs, scope)


def _simulate(segment: list[Instruction], copies: dict[int, _Copy], runs: dict[int, Footprint], scope: Scope, *,
              allow_unsafe: bool) -> list[_Move]:
    """Bubble each RUN up past the copies directly above it, keeping RUN order."""
    order = list(segment)
    moves: list[_Move] = []
    for inst in segment:
        if inst.keyword != "RUN":
            continue
        position = order.index(inst)
        passed: list[tuple[_Copy, _Verdict]] = []
        while position - len(passed) > 0 and is_copy(order[position - len(passed) - 1]):
            copy = copies[id(order[position - len(passed) - 1])]
            verdict = _cross(runs[id(inst)], copy, scope)
            if verdict.safety is None or (verdict.safety is Safety.UNSAFE and not allow_unsafe):
                break
            passed.append((copy, verdict))
        # Passing only copies of images or URLs gains nothing: stop below the last source copy.
        while passed and not passed[-1][0].source_copy:
            passed.pop()
        if not passed or not (runs[id(inst)].expensive or any(c.broad for c, _ in passed)):
            continue
        safety = Safety.SAFE
        for _, verdict in passed:
            if verdict.safety is not None:  # each passed
                safety = safety.at_least(verdict.safety)
        reasons = tuple(dict.fromkeys(r for _, verdict in passed for r in verdict.reasons))
        order.pop(position)
        order.insert(position - len(passed), inst)
        moves.append(_Move(inst, passed[-1][0].inst, safety, reasons, [c for c, _ in passed]))
    return moves


def _findings(doc: Dockerfile, moves: list[_Move]) -> Iterator[Finding]:
    """One finding per insertion point: the RUNs that end up right above the same copy."""
    groups: dict[int, list[_Move]] = {}
    for move in moves:
        groups.setdefault(id(move.anchor), []).append(move)
    for group in groups.values():
        yield _finding(doc, group)


def _finding(doc: Dockerfile, group: list[_Move]) -> Finding:
    anchor = group[0].anchor
    edits = move_above(doc, [move.run for move in group], anchor)
    safety = Safety.SAFE
    for move in group:
        safety = safety.at_least(move.safety)
    reasons = tuple(dict.fromkeys(r for move in group for r in move.reasons))
    copy = _short(anchor)
    if len(group) == 1:
        message = (f"`{_short(group[0].run)}` does not use what `{copy}` (line {anchor.start_line}) "
                   "copies; run it before the copy so that changes to the copied files keep its layer cached")
    else:
        lines = ", ".join(str(m.run.start_line) for m in group)
        message = (f"the RUNs at lines {lines} do not use what `{copy}` (line {anchor.start_line}) copies; "
                   "run them before the copy so that changes to the copied files keep their layers cached")
    return PASS.finding(group[0].run.start_line, message, Fix(tuple(edits), safety),
                        risk="; ".join(reasons) if safety is not Safety.SAFE else "",
                        end_line=group[-1].run.end_line,
                        touches=tuple(inst.start_line for move in group
                                      for inst in (move.run, *(copy.inst for copy in move.passed))))


def _blocked_suggestions(doc: Dockerfile, segment: list[Instruction], copies: dict[int, _Copy],
                         runs: dict[int, Footprint], scope: Scope) -> Iterator[Finding]:
    """A broad context copy followed by a RUN that installs system packages but cannot move."""
    for index, inst in enumerate(segment):
        if inst.keyword != "RUN" or not index or not is_copy(segment[index - 1]):
            continue
        run = runs[id(inst)]
        if not run.installs_packages:
            continue
        above = []
        j = index - 1
        while j >= 0 and is_copy(segment[j]):
            above.append(copies[id(segment[j])])
            j -= 1
        broad = next((c for c in above if c.broad), None)
        if broad is None:
            continue
        verdict = next((v for v in (_cross(run, c, scope) for c in above) if v.safety is None and v.reasons), None)
        if verdict is None:
            continue
        advice = verdict.advice or ("Copy only what it needs there before the install, and the rest after it"
                                    if verdict.by_packages else "Split the package install into its own RUN before "
                                    "the copy")
        yield PASS.finding(
            inst.start_line,
            f"this RUN installs system packages after `{broad.label}` (line {broad.inst.start_line}), so "
            f"every source change reinstalls them; it cannot move above the copy because {verdict.reasons[0]}. "
            f"{advice}",
            None, end_line=inst.end_line, touches=tuple(c.inst.start_line for c in above))


def _short(inst: Instruction) -> str:
    target = inst.effective
    flags = " ".join(f.text for f in target.flags)
    words = " ".join(target.value) if not target.exec_form else " ".join(target.value)
    return clip(" ".join(p for p in (target.keyword, flags, words) if p))



PASS = Pass(
    # Trigger: it reports only runs of instructions holding a COPY or ADD.
    triggers=("copy", "add"),
    id=ID,
    name=NAME,
    title="Run steps that do not use the copied files before the COPY",
    what="""
        Per stage, in each run of consecutive COPY/ADD and RUN instructions (anything
        else is a wall: ENV, ARG, WORKDIR, USER, SHELL, ONBUILD, VOLUME, EXPOSE ..., so a RUN never leaves
        the variables, directory or user it ran with; ONBUILD instructions are left alone):
        - Each RUN, top to bottom, moves up past the COPY/ADD instructions directly above it as long as it
          does not touch what each of them writes; RUNs keep their order (a RUN never passes another), so
          consecutive movable RUNs move together. A RUN moves only when it passes a copy of the build
          context or of a stage (passing only `COPY --from=<image>` or a URL `ADD` gains nothing).
        - Which copies count: moving above *any* context copy helps caching, so expensive steps (package
          installs of any manager, downloads) also move above narrow copies (`COPY requirements.txt .`
          followed by `apt-get install gcc`). Cheap steps (mkdir, ln, chmod, `echo > file`, useradd)
          move only above broad copies (`COPY . /app`, see `optimizer.facts.copies.is_broad`): above a
          narrow copy they save nothing and only churn the diff. A RUN doing no work (`RUN true`, a
          known workaround between consecutive COPYs, `echo`, version probes) never moves.
        - A move deletes the RUN with the comments it owns (and the blank lines above it) and inserts it
          above the first copy it passes (above that copy's own comments); blank lines that separated the
          copy from the RUN now separate the RUN from the copy. A file without a final newline keeps it so.
        - Without `--unsafe` the SAFE moves are offered first; once none is left, the UNSAFE ones are
          reported (applied with `--unsafe`). For a broad copy whose next RUN installs system packages
          but cannot move, a SUGGESTION names what blocks it (split the install into its own RUN; when the
          package manager itself reads the copy through its configuration, copy only what it needs first).

        When a RUN may pass a copy (its footprint, read by `optimizer.facts.footprint`): every command is known
        (an allow-list, `optimizer.shell.tools`: apt-get/apt/apk/dnf/yum/microdnf/zypper package operations, apt-key/apt-mark/dpkg,
        user and group tools, `pip install` of named packages, `npm`/`yarn`/`pnpm` global installs,
        `gem`, `go install pkg@version`, conda, mkdir/rm/ln/chmod/chown/touch/cp/mv/tee/sed, curl/wget/
        tar/unzip/gpg/checksums, echo/printf/set/true/export/cd ...); steps are plain commands or pipelines
        (no if/for/subshell/function); no word names the copy's destination. The paths each command reads
        or writes (operands, path options, redirects, `cd`, relative paths against the WORKDIR, and each
        tool's own configuration: `/etc/apt`, `/etc/apk`, `/etc/yum.repos.d`, `/etc/pip.conf`,
        `~/.npmrc`, `/etc/passwd`, `/usr/local/lib` for ldconfig ...) must not overlap the copy's
        destination, in either direction. Anything else blocks: make, mvn, gradle, `npm install`/
        `npm ci` of the project, `pip install -r requirements.txt` or `.` in the copied directory,
        a system package install passing a folder copied into a system directory (`COPY . /var/www/html`:
        package scripts may fill such a folder only while it is empty), scripts, git, `cd` into the copy, chmod/chown of it, `--mount=type=bind` (reads the context),
        a copy of tool configuration (`COPY sources.list /etc/apt/`), `COPY --chown=user` passed by a
        RUN that edits users, a copy adding a command the RUN runs, and ENV/ARG variables in force that
        point tools into the copy (`PYTHONPATH`, `LD_LIBRARY_PATH`, `PIP_*`, `NPM_CONFIG_*` ...).
        What a RUN reads without naming it (`optimizer.facts.history`) blocks too when it lies in the
        copy: paths named by configuration written earlier in the file (an apt `file:`/`copy:` source, a
        local apk or yum repository, pip's `find-links`, an ld.so.conf.d directory, which ldconfig and
        every apt install read, an npmrc `cafile`, git's `insteadOf` for pip/npm/go/gem), home-directory
        files (`~/.ssh`, `~/.gitconfig`, `~/.npmrc`, `~/.pip`: HOME from ENV, else /root, a directory
        of /home or a home `useradd -d` sets), and paths reached through symlinks made earlier (a link
        into the copy, a copy writing through a link).
    """,
    why="""
        A `COPY`/`ADD` from the build context is a cache key on the copied files. Every
        instruction after it re-runs when any of those files changes, so `COPY . /app` followed by
        `RUN apt-get update && apt-get install ...` reinstalls the system packages after every source
        edit. A RUN that provably does not read (or write) what the copy brings in can run before it; its
        layer is then reused until the RUN itself changes. The same holds for `COPY --from=<stage>` of a
        stage of this file (it changes whenever the sources do).
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because the RUN's layer is then built from the same inputs
        minus the copied files, and it reads and writes none of them: every command is on the allow-list,
        every path it names, every file its tools read by themselves, and every path configuration or
        symlinks made earlier lead it to, is known and outside the copy's destination (both sides taken
        through symlinks); provided the base image itself does not point a tool into the destination (its
        own configuration, HOME, symlinks other than the ones this file makes) and a step this file runs
        but we cannot read (a script) touches only the paths it names.

        Unsafe because of a heuristic, named in the risk text, when:
        - a system package manager (apt, apk, rpm tools) runs and a copy of named files lands in a system
          directory (`/etc/...`, `/usr/...` except `/usr/local` and `/usr/src`, `/var/...`): a package may
          ship files there, and its scripts may fill the folder only while it is empty; after the move the
          packages' files are there first. A folder copied there (`COPY . /var/www/html`) is not passed at
          all: apache2's postinst puts its default index.html into an empty /var/www/html, which Apache then
          serves before a copied index.php (found by benchmarks/real_projects.py);
        - a language package manager (pip, npm, gem, go, conda) runs and the copy lands where it installs
          (`/usr/local/...`, `/opt/conda`, `~/.local`, `/go`);
        - npm/yarn/pnpm/gem, `python -m` or a version probe runs in a working directory inside the copy
          (project configuration such as `.npmrc`, or modules shadowing the standard library);
        - a word cannot be resolved (`$VAR` not set by an ENV of this file, except inside a package name
          or after a literal directory), `~` may be the destination (HOME is taken to be /root, a
          directory under /home or a home this file sets up), or the destination depends on the base
          image's WORKDIR (`COPY . .` with no WORKDIR);
        - the RUN pipes a downloaded script into a shell (`curl ... | bash`);
        - configuration its tools read was written earlier in a way we cannot read (a copied file without a
          build context or from another stage, a download, an unset variable), or a step we cannot read
          names a path in the copy (it may configure a tool or link a path there); a symlink made earlier
          has an end we cannot resolve;
        - a `--chown`/`--chmod` copy and the RUN create directories under a common new parent
          (whichever runs first decides the parent's owner);
        - the copy brings a directory or glob into a PATH directory, or lands above one (a copied file
          could shadow a command the RUN or a package script runs).
    """,
    examples=(Example(
        before=("FROM eclipse-temurin:17-jdk\nCOPY . /app\n"
                "RUN apt-get update && apt-get install -y --no-install-recommends fontconfig\n"
                "CMD [\"java\", \"-jar\", \"/app/target/app.jar\"]\n"),
        after=("FROM eclipse-temurin:17-jdk\n"
               "RUN apt-get update && apt-get install -y --no-install-recommends fontconfig\n"
               "COPY . /app\nCMD [\"java\", \"-jar\", \"/app/target/app.jar\"]\n")),),
    check=check,
)
