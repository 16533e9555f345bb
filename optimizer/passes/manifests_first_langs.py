"""DO205 manifests-first-langs: copy npm/yarn/pnpm, pip and Go manifests and install first (documented in PASS)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from ..facts.copies import destination, is_broad_copy, landing, workdir_in_force
from ..facts.install_inputs import Env, Inputs, go_inputs, node_inputs, pip_inputs, plain_requirement, reads_nothing
from ..builders import insert_above, move_below
from ..facts.placement import copy_groups, copy_instructions, resolution_lines, workdirs_to_move
from ..facts.runscript import RunScript, env_in_force, mounted_any, mounts, run_script
from ..model import Dockerfile, Instruction
from ..record import record, replace
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

ID, NAME = "DO205", "manifests-first-langs"

_PASSIVE = frozenset({"ENV", "ARG", "LABEL", "EXPOSE", "USER", "SHELL", "STOPSIGNAL", "ONBUILD"})
#: Variables the Go download reads (module proxy and privacy, git and its credentials, proxies).
_GO_VARIABLE = re.compile(r"^(GO\w*|CGO_\w+|GIT_\w+|NETRC|HOME|XDG_CONFIG_HOME|SSH_AUTH_SOCK|"
                          r"[Hh][Tt][Tt][Pp][Ss]?_[Pp][Rr][Oo][Xx][Yy]|[Nn][Oo]_[Pp][Rr][Oo][Xx][Yy])$")
#: Variables of the compiler only: the download does not need them.
_BUILD_ONLY = frozenset({"CGO_ENABLED", "CGO_CFLAGS", "CGO_LDFLAGS", "GOOS", "GOARCH", "GOARM", "GOAMD64",
                         "GO386", "GOEXPERIMENT"})
#: Steps before a Go build that set up how modules are fetched: the download repeats them.
_GO_SETUP = re.compile(r"^(export\b|git config\b|go env -w\b)")
_GO_SETUP_FILES = (".netrc", ".gitconfig", ".git-credentials")
_QUIET = frozenset({"set", "true", ":", "echo", "printf", "ls", "pwd", "go version", "go env", "go mod download",
                    "go mod verify"})


@record
class _Plan:
    """What to copy first and how: ``move`` the broad COPY below the install, or ``insert`` a
    download (``install``) above it."""

    ecosystem: str  # "npm" | "yarn" | "pnpm" | "pip" | "go"
    inputs: Inputs
    run: Instruction  # the install (or build) RUN
    install: str  # the command as written (insert mode: the download to add)
    move: bool
    unsafe: tuple[str, ...] = ()  # risks of the command itself, besides what the inputs leave unknown
    cached: str = ""

    @property
    def risks(self) -> tuple[str, ...]:
        return (*self.inputs.unknown, *self.unsafe)


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    if context is None or not getattr(context, "known", False):
        return
    for stage in doc.stages:
        instructions = stage.instructions
        for index, copy in enumerate(instructions):
            if copy.keyword != "COPY" or copy.trigger is not None or not is_broad_copy(copy):
                continue
            if any(f.name not in ("chown", "chmod", "link") for f in copy.flags):
                continue
            dest = landing(doc, copy)
            if dest is None or len(copy.value) != 2:
                continue
            plan = _plan(doc, context, instructions[index + 1:], copy, dest)
            if plan is not None:
                finding = _finding(doc, context, copy, plan)
                if finding is not None:
                    yield finding


# --- which RUN installs, and what it needs --------------------------------------------------------


def _plan(doc: Dockerfile, context: BuildContext, after: Sequence[Instruction], copy: Instruction,
          dest: str) -> _Plan | None:
    between: list[Instruction] = []
    for inst in after:
        if inst.keyword == "RUN" and inst.trigger is None:
            plan = _install_plan(doc, context, inst, dest)
            if plan is None:
                between.append(inst)  # a Go build may still come; nothing moves past this RUN
                continue
            if plan.inputs.blocked:
                return None
            if plan.move:
                return plan if _may_move_past(copy, between) else None
            return _go_between(plan, between) if not _downloaded_before(doc, copy) else None
        if inst.keyword == "WORKDIR" or inst.keyword in _PASSIVE:
            between.append(inst)
            continue
        return None  # COPY/ADD, CMD, VOLUME ...: stop
    return None


def _may_move_past(copy: Instruction, between: list[Instruction]) -> bool:
    """The broad COPY lands and owns the same after moving below ``between`` (no RUN among them)."""
    if any(inst.keyword == "RUN" for inst in between):
        return False
    has_variable = any("$" in text for text in (*copy.value, *(f.text for f in copy.flags)))
    for inst in between:
        if inst.keyword == "WORKDIR" and not (copy.value[-1].startswith("/") and not has_variable):
            return False
        if inst.keyword in ("ENV", "ARG") and has_variable:
            return False
    return True


def _downloaded_before(doc: Dockerfile, copy: Instruction) -> bool:
    """A RUN above the broad copy in its stage already runs ``go mod download``."""
    for inst in _stage_instructions(doc, copy):
        if inst is copy:
            return False
        script = run_script(doc, inst) if inst.keyword == "RUN" else None
        if script is not None and any(c.is_("go", "mod", "download") for c in script.script.commands):
            return True
    return False


def _go_between(plan: _Plan, between: list[Instruction]) -> _Plan | None:
    """The download, inserted above the copy, runs with the build's environment and user."""
    for inst in between:
        if inst.keyword == "USER":
            return None
        if inst.keyword in ("ENV", "ARG"):
            names = [item.partition("=")[0] for item in inst.value] if inst.keyword == "ARG" else inst.value[::2]
            if any(_GO_VARIABLE.match(name) for name in names):
                return None
    runs = [inst for inst in between if inst.keyword == "RUN"]
    if runs:
        return replace(plan, unsafe=(*plan.unsafe, f"RUNs between the copy and the build (line "
                                     f"{runs[0].start_line}) may install what the download needs"))
    return plan


def _install_plan(doc: Dockerfile, context: BuildContext, run: Instruction, dest: str) -> _Plan | None:
    if workdir_in_force(doc, run) != dest:
        return None
    script = run_script(doc, run)
    if script is None or script.script.has_errors:
        return None
    commands = script.script.commands
    if any(c.program == "cd" for c in commands):
        return None
    if any(m.get("type", "bind") == "bind" for m in mounts(run)):
        return None  # a bind mount reads the context (the sources)
    env = _environment(doc, run)
    installs = [(command, plan) for command in commands
                if (plan := _reader_plan(context, script, command, run, dest, env(command))) is not None]
    if len(installs) == 1 and all(step.command is not None for step in script.script.chain):
        install, plan = installs[0]
        if all(c is install or reads_nothing(context, c, plan.ecosystem) for c in commands):
            return plan
    for command in commands:
        if command.program == "go" and command.subcommand in ("build", "install") \
                and not any("@" in (w.value or "") for w in command.positional()):  # `go install x@v1` is a tool
            return _go_build_plan(context, script, command, run, dest, env(command))
    return None


def _reader_plan(context: BuildContext, script: RunScript, command: Command, run: Instruction, dest: str,
                 env: Env) -> _Plan | None:
    """The plan of a single install command (npm/yarn/pnpm, ``pip install -r``, ``go mod download``)."""
    text = script.text_of(command.span)
    for reader in (_npm_plan, _yarn_plan, _pnpm_plan, _pip_plan, _go_download_plan):
        plan = reader(context, command, run, text, dest, env)
        if plan is not None:
            return plan
    return None


def _environment(doc: Dockerfile, run: Instruction) -> Callable[[Command], Env]:
    """The environment a command of ``run`` sees: its inline assignments, then ENV in force."""
    def of(command: Command) -> Env:
        inline = {a.name: "$?" if a.value is None else a.value for a in command.env}  # "$": not a literal
        return lambda name: inline[name] if name in inline else env_in_force(doc, run, name)
    return of


def _words(command: Command) -> list[str]:
    return [w.value or "" for w in command.words]


def _given(command: Command, *names: str) -> bool:
    return any(w == n or w.startswith(n + "=") for w in _words(command) for n in names)


_NODE_CACHED = "node_modules stays cached until package.json or the lockfile changes"
_REWRITES = ("`{manager} install` without {flag} may rewrite {lockfile}; the later broad copy then puts the "
             "context's lockfile back")


def _node_plan(context: BuildContext, manager: str, command: Command, run: Instruction, text: str, dest: str,
               env: Env, frozen: bool) -> _Plan:
    found = node_inputs(context, manager, dest, env, ignore_scripts=_given(command, "--ignore-scripts"))
    unsafe: tuple[str, ...] = ()
    if not frozen and found.lockfile is not None:
        flag = {"npm": "`ci`", "yarn": "--frozen-lockfile", "pnpm": "--frozen-lockfile"}[manager]
        unsafe = (_REWRITES.format(manager=manager, flag=flag, lockfile=found.lockfile),)
    return _Plan(manager, found.inputs, run, text, True, unsafe, _NODE_CACHED)


def _npm_plan(context: BuildContext, command: Command, run: Instruction, text: str, dest: str,
              env: Env) -> _Plan | None:
    if command.program != "npm" or command.subcommand not in ("ci", "install", "i", "clean-install", "ic"):
        return None
    if command.positional() or _given(command, "--prefix", "-C", "-g", "--global", "--location",
                                       "--workspace", "-w", "--workspaces"):
        return None
    frozen = command.subcommand in ("ci", "clean-install", "ic") or _given(command, "--no-package-lock",
                                                                           "--package-lock=false")
    return _node_plan(context, "npm", command, run, text, dest, env, frozen)


def _yarn_plan(context: BuildContext, command: Command, run: Instruction, text: str, dest: str,
               env: Env) -> _Plan | None:
    if command.program != "yarn" or [w.value for w in command.operands()] not in ([], ["install"]):
        return None
    if _given(command, "--cwd", "--modules-folder"):
        return None
    frozen = _given(command, "--frozen-lockfile", "--immutable", "--pure-lockfile")
    return _node_plan(context, "yarn", command, run, text, dest, env, frozen)


def _pnpm_plan(context: BuildContext, command: Command, run: Instruction, text: str, dest: str,
               env: Env) -> _Plan | None:
    if command.program != "pnpm" or [w.value for w in command.operands()] not in (["install"], ["i"]):
        return None
    if _given(command, "--dir", "-C", "--filter", "-F", "-r", "--recursive", "-g", "--global"):
        return None
    return _node_plan(context, "pnpm", command, run, text, dest, env, _given(command, "--frozen-lockfile"))


def _pip_plan(context: BuildContext, command: Command, run: Instruction, text: str, dest: str,
              env: Env) -> _Plan | None:
    if command.program != "pip" or command.subcommand != "install":
        return None
    if any(w.value is None or not plain_requirement(w.value) for w in command.positional()):
        return None  # a path, URL or archive beside -r reads the context (`.`, `./lib`, `x.whl`), or a variable
    if not command.option_values("-r"):
        return None
    return _Plan("pip", pip_inputs(context, command, dest, env), run, text, True, (),
                 "the installed packages stay cached until a requirements file changes")


def _go_download_plan(context: BuildContext, command: Command, run: Instruction, text: str, dest: str,
                      env: Env) -> _Plan | None:
    if not command.is_("go", "mod", "download") or command.positional()[1:]:
        return None
    return _Plan("go", go_inputs(context, dest, env), run, text, True, (),
                 "the module cache stays until go.mod or go.sum changes")


def _go_build_plan(context: BuildContext, script: RunScript, command: Command, run: Instruction, dest: str,
                   env: Env) -> _Plan | None:
    if not command.top_level or command.step_index is None:
        return None
    if any("-mod=vendor" in w or w in ("-C", "-modfile") or w.startswith("-modfile=") for w in _words(command)):
        return None
    gopaths = (env("GOPATH") or "/go:/root/go").split(":")
    module_cache = [env("GOMODCACHE") or "", *(f"{path}/pkg/mod" for path in gopaths if path)]
    if mounted_any(run, module_cache):
        return None  # the modules go to a cache (or tmpfs) mount, never to the download's layer
    setup: list[str] = []
    unsafe: list[str] = []
    for step in script.script.chain[:command.step_index]:
        cmd = step.command
        step_text = script.text_of(step.span).strip()
        if cmd is not None and (_GO_SETUP.match(step_text)
                                or any(name in step_text for name in _GO_SETUP_FILES) and cmd.redirects):
            setup.append(step_text)
        elif cmd is None or not any(step_text == q or step_text.startswith(q + " ") for q in _QUIET) \
                or cmd.redirects:
            unsafe.append(f"the build RUN runs `{step_text[:60]}` first, which the download does not repeat")
    if any(">>" in step or "--add" in step.split() for step in setup):
        unsafe.append("a setup step appends (`>>`, `git config --add`): it now runs twice, in the download "
                      "and in the build, so the appended lines are written twice")
    environment = " ".join(script.text_of(a.span) for a in command.env
                           if _GO_VARIABLE.match(a.name) and a.name not in _BUILD_ONLY)
    chained = all(step.op_before in (None, "&&") for step in script.script.chain[:command.step_index + 1])
    download = (" && " if chained else "; ").join([*setup, " ".join(p for p in (environment, "go mod download") if p)])
    return _Plan("go", go_inputs(context, dest, env), run, download, False, tuple(unsafe),
                 "the module cache stays until go.mod or go.sum changes; the build then only compiles")


# --- the edits ------------------------------------------------------------------------------------


def _finding(doc: Dockerfile, context: BuildContext, copy: Instruction, plan: _Plan) -> Finding | None:
    raw_dest = destination(copy) or "."
    target = "./" if raw_dest in (".", "./") else raw_dest if raw_dest.endswith("/") else raw_dest + "/"
    flags = " ".join(f.text for f in copy.flags)
    paths = list(plan.inputs.paths)
    copies = copy_groups(paths, target, lambda path: path not in context.included)
    moved: list[Instruction] = []
    if not plan.move:
        segment = _segment(doc, copy, plan.run)
        to_move = [] if workdir_in_force(doc, copy) == workdir_in_force(doc, plan.run) \
            else workdirs_to_move(segment, copy)
        if to_move is None:
            return None  # the download could not run where the build does
        moved = to_move
        edits = insert_above(doc, copy, resolution_lines(plan.run, flags, copies, plan.install), moved)
    else:
        edits = move_below(doc, copy, plan.run, copy_instructions(flags, copies))
    safety = Safety.UNSAFE if plan.risks else Safety.SAFE
    what = ", ".join(paths)
    how = (f"moves `{_short(copy)}` below `{plan.install}`" if plan.move
           else f"adds `RUN {plan.install}` before `{_short(copy)}`")
    step = "dependency install" if plan.move else "module download of the Go build"
    message = (f"`{_short(copy)}` (line {copy.start_line}) invalidates the {step} at line "
               f"{plan.run.start_line} on every source change; copy {what} first and install, then copy "
               f"the rest ({how}): {plan.cached}")
    return PASS.finding(copy.start_line, message, Fix(edits, safety),
                        risk="; ".join(plan.risks) if safety is Safety.UNSAFE else "",
                        end_line=plan.run.end_line,
                        touches=(plan.run.start_line, *(inst.start_line for inst in moved)))


def _segment(doc: Dockerfile, copy: Instruction, run: Instruction) -> list[Instruction]:
    """The instructions from the broad copy up to (not including) the build RUN."""
    instructions = _stage_instructions(doc, copy)
    return list(instructions[instructions.index(copy):instructions.index(run)])


def _stage_instructions(doc: Dockerfile, inst: Instruction) -> tuple[Instruction, ...]:
    """The instructions of the stage ``inst`` is in."""
    stage = doc.stage_of(inst)
    return stage.instructions if stage is not None else ()


def _short(inst: Instruction) -> str:
    return " ".join([inst.keyword, *(f.text for f in inst.flags), *inst.value])


PASS = Pass(
    # Trigger: it reports only COPY instructions.
    triggers=("copy",),
    id=ID,
    name=NAME,
    title="Copy npm/yarn/pnpm, pip and Go dependency manifests and install before copying the sources",
    what="""
        Per stage, for a broad context copy (`COPY . <dir>`) and the first RUN after
        it that installs the project's dependencies in `<dir>` (its WORKDIR is `<dir>`):
        - npm/yarn/pnpm and pip, and a RUN that is only `go mod download`: the install RUN runs one
          install command (`npm ci`, `npm install` without packages, `yarn`/`yarn install`,
          `pnpm install`, `pip install -r <files>`, also with requirement specifiers beside the files:
          `pip install -r requirements.txt "werkzeug<3"`, names of the index that read no file), alone or beside steps that read nothing from the
          project (`corepack enable`, `npm install -g pnpm`, `pip install --upgrade pip`, cache
          cleanups; `facts/install_inputs.reads_nothing`). The broad COPY is replaced by COPYs of what the
          install reads (same `--chown`/`--chmod`/`--link`), keeping each file's path relative to
          `<dir>` (`requirements/prod.txt` lands in `<dir>/requirements/`), and moves, with its
          comments, right below the install RUN. Only ENV/ARG/LABEL/EXPOSE/USER/SHELL/STOPSIGNAL/ONBUILD may
          sit between them (they read no files; with a variable in the COPY, no ENV/ARG); a RUN between
          blocks (DO201 may move it first, the pipeline then runs this pass again).
        - Go, a RUN running `go build` (or `go install` of the module) in `<dir>`: COPYs of go.mod,
          go.sum (and the go.mod of local `replace` targets) and `RUN go mod download` are inserted
          above the broad COPY; the build stays (it finds the module cache filled). The inserted RUN runs
          as the build does: in its directory (WORKDIRs between the copy and the build move up with it),
          with its flags (`--network`, `--mount=type=secret|ssh|cache`), the go command's inline
          environment (`GOPRIVATE=... GOFLAGS=...`) and the setup steps the RUN does before the build
          (`export`, `git config` (insteadOf), `go env -w`, writing `.netrc`/`.gitconfig`).

        What an install reads is decided in one place, `optimizer/facts/install_inputs.py`: for pip the
        requirements files and their `-r`/`-c` includes, local wheels, sdists and project directories
        they name (`./pkg`, `pkg @ file:///app/w.whl`, `-e ./lib`), `--find-links` directories (in
        the files, on the command line, in `PIP_FIND_LINKS`, in the `PIP_CONFIG_FILE` pip.conf), files
        given to `--cert`/`PIP_CERT`/`PIP_CONSTRAINT`; for Node package.json, the lockfile,
        `.npmrc`/`.yarnrc`/`.yarnrc.yml`/`pnpm-workspace.yaml`/`.pnpmfile.cjs` and the paths they
        name (`cafile`, `yarn-offline-mirror`, `yarnPath`, plugins, `.yarn/cache`), `file:`/
        `link:` packages and tarballs (also in `resolutions`/`overrides`), patch files
        (`patchedDependencies`, `patch:`), each workspace's package.json; for Go go.mod and go.sum.

        Not offered: unknown context; a requirements file or package that is not a literal path of the
        context, or lies outside it; `-e .`/`.` (the install needs the project itself); a path, URL, archive
        (`x.whl`) or word with a variable beside the `-r` files on the command line; options that
        write into the project directory or change it (`--prefix`, `--target`, `--cwd`, `-C`);
        `go.work`, vendored modules, `-mod=vendor`, `replace` targets outside the context; a bind
        mount on the install, or a cache mount on the Go module cache (the download would not reach a
        layer); GO*/git/proxy variables set, or USER changed, between the copy and the Go build.
    """,
    why="""
        `COPY . /app` followed by `RUN npm ci` (or `pip install -r requirements.txt`, or
        `go build`) downloads every dependency again after any source edit, because the install layer
        sits after the copy of the whole context. Copying only what the install reads first, installing,
        and copying the rest afterwards keeps the install layer cached until one of those files changes.
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because the install then reads the same files it read before, provided everything it
        reads from the project directory is modelled and copied first, and it writes nothing there that
        the later copy of the sources overwrites. Unsafe because of whatever cannot be proven, named in the
        risk: install scripts (root lifecycle scripts, `binding.gyp`, workspaces' scripts,
        dependencies whose install scripts are not known to read only their own package, or a lockfile
        that does not record which dependencies run scripts: yarn.lock, package-lock v1, pnpm lockfile
        v9 before pnpm 10 — `--ignore-scripts` proves none run); `npm install`/`yarn`/`pnpm
        install` without a frozen lockfile (the lockfile it may rewrite is put back by the later copy);
        local project directories pip builds with their own code, editable requirements (VCS ones check
        out into the working directory); option lines, `${VAR}` references and configuration keys that
        are not modelled; manifests whose text could not be read; a context that ships `node_modules`
        or yarn's install state; no lockfile; no go.sum; steps before the Go build that the download
        does not repeat; RUNs between the copy and the Go build.
    """,
    examples=(Example(
        before=("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                "RUN pip install --no-cache-dir -r requirements/prod.txt\nCMD [\"gunicorn\", \"app:app\"]\n"),
        after=("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements/prod.txt ./requirements/\n"
               "RUN pip install --no-cache-dir -r requirements/prod.txt\nCOPY . .\n"
               "CMD [\"gunicorn\", \"app:app\"]\n"),
        context={"requirements/prod.txt": "flask==3.0.3\ngunicorn==22.0.0\n", "app.py": None}),),
    check=check,
)
