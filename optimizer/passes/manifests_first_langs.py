"""DO205 manifests-first-langs: copy npm/yarn/pnpm, pip and Go manifests and install before ``COPY .``.

Rationale: ``COPY . /app`` followed by ``RUN npm ci`` (or ``pip install -r requirements.txt``, or
``go build``) downloads every dependency again after any source edit, because the install layer
sits after the copy of the whole context. Copying only the dependency manifests first, installing,
and copying the rest afterwards keeps the install layer cached until a manifest changes.

What the pass does, per stage, for a broad context copy (``COPY . <dir>``) and the first RUN after
it that installs the project's dependencies in ``<dir>`` (its WORKDIR is ``<dir>``):
- npm/yarn/pnpm and pip, and a RUN that is only ``go mod download``: the install RUN must be a
  single command (``npm ci``, ``npm install`` without packages, ``yarn``/``yarn install``,
  ``pnpm install``, ``pip install -r <files>``). The broad COPY is replaced by
  ``COPY <manifests> <dir>/`` (same ``--chown``/``--chmod``) and moves, with its comments, right
  below the install RUN. Only ENV/ARG/LABEL/EXPOSE/USER/SHELL/STOPSIGNAL/ONBUILD may sit between
  them (they read no files; with a variable in the COPY, no ENV/ARG); a RUN between blocks (DO201
  may move it first, the pipeline then runs this pass again).
- Go, a RUN running ``go build`` (or ``go install`` of the module) in ``<dir>``:
  ``COPY go.mod go.sum <dir>/`` and ``RUN go mod download`` are inserted above the broad COPY; the
  build stays (it finds the module cache filled).
Manifests copied: package.json + the lockfile + ``.npmrc``/``.yarnrc``/``.yarnrc.yml`` present;
the requirements files the command names and the ``-r``/``-c`` files they reference; go.mod +
go.sum. Each must be in the build context and not excluded by ``.dockerignore``.

Not offered: unknown context; npm/pnpm workspaces, yarn berry (``.yarn/releases``), ``file:``/
``link:`` dependencies; requirements naming local paths (``-e .``, ``./pkg``, ``--find-links
./wheels``); ``go.work``, vendored modules, ``-mod=vendor``, ``replace`` to local directories;
options that change the directory (``--prefix``, ``--cwd``, ``-C``); RUN mounts on a Go build
(a cache mount would hide the downloaded modules, a secret may be needed to fetch them); GO*
variables set between the copy and the build.

Safety: SAFE when the install provably reads only the manifests and writes nothing the broad copy
overwrites: ``npm ci`` (or ``yarn --frozen-lockfile``/``--immutable``, ``pnpm --frozen-lockfile``)
with its lockfile and no root lifecycle scripts (``preinstall``/``install``/``postinstall``/
``prepare``...) and no ``binding.gyp``; ``pip install -r`` with plain requirement lines; ``go mod
download`` with a go.sum and nothing between the copy and the build. UNSAFE otherwise (named in
the risk): lifecycle scripts run without the sources; ``npm install``/``yarn``/``pnpm install``
without a frozen lockfile may rewrite the lockfile, which the broad copy then replaces; editable
VCS requirements check out into the working directory; the context sends a ``node_modules`` that
``.dockerignore`` does not exclude (the broad copy, now after the install, lays it over the
installed modules; DO204 adds the exclusion); no go.sum; RUNs between the copy and the
Go build may install what the download needs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterator

from ..context.manifests import _requirement_references
from ..facts.copies import destination, is_broad_copy, landing, workdir_in_force
from ..edits import Edit
from ..model import Dockerfile, Instruction
from ..facts.runscript import mounts, run_script
from ..suppress import ignored_keys
from .base import Example, Finding, Fix, Pass, Safety

ID, NAME = "DO205", "manifests-first-langs"

_LIFECYCLE = ("preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare")
_PASSIVE = frozenset({"ENV", "ARG", "LABEL", "EXPOSE", "USER", "SHELL", "STOPSIGNAL", "ONBUILD"})
_GO_VARIABLE = re.compile(r"^(GO\w*|CGO_\w+)$")


@dataclass(frozen=True)
class _Plan:
    """What to copy first and how: ``move`` the broad COPY below the install, or ``insert`` a
    download (``run``) above it."""

    ecosystem: str  # "npm" | "yarn" | "pnpm" | "pip" | "go"
    manifests: tuple[str, ...]
    run: Instruction  # the install (or build) RUN
    install: str  # the command as written (insert mode: the download to add)
    move: bool
    unsafe: tuple[str, ...] = ()
    cached: str = ""


def _suppressed(inst: Instruction) -> bool:
    return bool({ID, NAME.upper()} & ignored_keys(inst))


def check(doc: Dockerfile, context, config) -> Iterator[Finding]:
    if context is None or not getattr(context, "known", False):
        return
    for stage in doc.stages:
        instructions = stage.instructions
        for index, copy in enumerate(instructions):
            if copy.keyword != "COPY" or copy.trigger is not None or not is_broad_copy(copy):
                continue
            if _suppressed(copy) or any(f.name not in ("chown", "chmod", "link") for f in copy.flags):
                continue
            dest = landing(doc, copy)
            if dest is None or len(copy.value) != 2:
                continue
            plan = _plan(doc, context, instructions[index + 1:], copy, dest)
            if plan is not None:
                yield _finding(doc, copy, plan)


# --- which RUN installs, and what it needs --------------------------------------------------------


def _plan(doc, context, after: list[Instruction], copy: Instruction, dest: str) -> _Plan | None:
    between: list[Instruction] = []
    for inst in after:
        if inst.keyword == "RUN" and inst.trigger is None:
            plan = _install_plan(doc, context, inst, dest)
            if plan is None:
                between.append(inst)  # a Go build may still come; nothing moves past this RUN
                continue
            if _suppressed(inst):
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


def _downloaded_before(doc, copy: Instruction) -> bool:
    """A RUN above the broad copy in its stage already runs ``go mod download``."""
    for inst in doc.stage_of(copy).instructions:
        if inst is copy:
            return False
        script = run_script(doc, inst) if inst.keyword == "RUN" else None
        if script is not None and any(c.is_("go", "mod", "download") for c in script.script.commands):
            return True
    return False


def _go_between(plan: _Plan, between: list[Instruction]) -> _Plan | None:
    for inst in between:
        if inst.keyword in ("ENV", "ARG"):
            names = [item.partition("=")[0] for item in inst.value] if inst.keyword == "ARG" else inst.value[::2]
            if any(_GO_VARIABLE.match(name) for name in names):
                return None
    return plan


def _install_plan(doc, context, run: Instruction, dest: str) -> _Plan | None:
    if workdir_in_force(doc, run) != dest:
        return None
    script = run_script(doc, run)
    if script is None or script.script.has_errors:
        return None
    commands = script.script.commands
    if any(c.program == "cd" for c in commands):
        return None
    chain = script.script.chain
    single = len(chain) == 1 and chain[0].command is not None and len(commands) == 1
    if single:
        command = commands[0]
        text = script.text_of(command.span)
        for reader in (_npm_plan, _yarn_plan, _pnpm_plan, _pip_plan, _go_download_plan):
            plan = reader(context, command, run, text)
            if plan is not None:
                return plan if not mounts(run) or _mounts_ok(run) else None
    for command in commands:
        if command.program == "go" and command.top_level and command.subcommand in ("build", "install") \
                and not any("@" in (w.value or "") for w in command.positional()):  # `go install x@v1` is a tool
            return _go_build_plan(context, command, run)
    return None


def _mounts_ok(run: Instruction) -> bool:
    """A moved install keeps its mounts; a bind mount reads the context (the sources)."""
    return all(m.get("type", "bind") in ("cache", "secret", "ssh", "tmpfs") for m in mounts(run))


def _words(command) -> list[str]:
    return [w.value or "" for w in command.words]


def _changes_directory(command, *names: str) -> bool:
    return any(w == n or w.startswith(n + "=") for w in _words(command) for n in names)


def _included(context, path: str) -> bool:
    return path in context.included


def _node(context, manager: str, lockfile_names: tuple[str, ...]):
    """package.json facts for a node install, or None when the pass must not touch it."""
    node = context.manifests.node
    if node is None or not node.parsed or not _included(context, "package.json"):
        return None
    if node.workspaces or node.yarn_berry_files or "pnpm-workspace.yaml" in context.files:
        return None
    data = json.loads(context.read_text("package.json") or "{}")
    for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        deps = data.get(key) if isinstance(data, dict) else None
        if isinstance(deps, dict) and any(isinstance(v, str) and v.startswith(("file:", "link:", "portal:",
                                                                                "workspace:", "./", "../", "/"))
                                          for v in deps.values()):
            return None
    lockfile = next((name for name in lockfile_names if _included(context, name)), None)
    configs = tuple(name for name in (".npmrc", ".yarnrc", ".yarnrc.yml") if _included(context, name))
    manifests = ("package.json", *((lockfile,) if lockfile else ()), *configs)
    unsafe: list[str] = []
    scripts = [s for s in _LIFECYCLE if s in node.scripts]
    if scripts:
        unsafe.append(f"package.json has lifecycle scripts ({', '.join(scripts)}) that now run before the "
                      "sources are copied")
    if "binding.gyp" in context.files:
        unsafe.append("binding.gyp at the root: the install builds it from sources not yet copied")
    if lockfile is None:
        unsafe.append(f"no lockfile: `{manager}` resolves versions itself")
    if context.exists("node_modules"):
        unsafe.append("the context sends node_modules: the broad copy, now after the install, lays the local "
                      "modules over the installed ones; exclude node_modules in .dockerignore (DO204 does)")
    return manifests, lockfile, unsafe


def _npm_plan(context, command, run, text) -> _Plan | None:
    if command.program != "npm" or command.subcommand not in ("ci", "install", "i", "clean-install", "ic"):
        return None
    if command.positional() or _changes_directory(command, "--prefix", "-C", "-g", "--global", "--location",
                                                   "--workspace", "-w", "--workspaces"):
        return None
    found = _node(context, "npm", ("npm-shrinkwrap.json", "package-lock.json"))
    if found is None:
        return None
    manifests, lockfile, unsafe = found
    if command.subcommand not in ("ci", "clean-install", "ic") and lockfile is not None \
            and not _changes_directory(command, "--no-package-lock", "--package-lock=false"):
        unsafe.append("`npm install` may rewrite package-lock.json; the later broad copy then puts the "
                      "context's lockfile back")
    return _Plan("npm", manifests, run, text, True, tuple(unsafe),
                 "node_modules stays cached until package.json or the lockfile changes")


def _yarn_plan(context, command, run, text) -> _Plan | None:
    if command.program != "yarn" or [w.value for w in command.operands()] not in ([], ["install"]):
        return None
    if _changes_directory(command, "--cwd", "--modules-folder"):
        return None
    found = _node(context, "yarn", ("yarn.lock",))
    if found is None:
        return None
    manifests, lockfile, unsafe = found
    if not _changes_directory(command, "--frozen-lockfile", "--immutable", "--pure-lockfile"):
        unsafe.append("`yarn install` without --frozen-lockfile may rewrite yarn.lock; the later broad "
                      "copy then puts the context's lockfile back")
    return _Plan("yarn", manifests, run, text, True, tuple(unsafe),
                 "node_modules stays cached until package.json or yarn.lock changes")


def _pnpm_plan(context, command, run, text) -> _Plan | None:
    if command.program != "pnpm" or [w.value for w in command.operands()] not in (["install"], ["i"]):
        return None
    if _changes_directory(command, "--dir", "-C", "--filter", "-F", "-r", "--recursive", "-g", "--global"):
        return None
    found = _node(context, "pnpm", ("pnpm-lock.yaml",))
    if found is None:
        return None
    manifests, lockfile, unsafe = found
    if not _changes_directory(command, "--frozen-lockfile"):
        unsafe.append("`pnpm install` without --frozen-lockfile may rewrite pnpm-lock.yaml; the later "
                      "broad copy then puts the context's lockfile back")
    return _Plan("pnpm", manifests, run, text, True, tuple(unsafe),
                 "node_modules stays cached until package.json or pnpm-lock.yaml changes")


def _pip_plan(context, command, run, text) -> _Plan | None:
    if command.program != "pip" or command.subcommand != "install" or command.positional():
        return None
    if command.has_option("-e", "--editable", "-t", "--src", "--prefix", "--root", "-f", "--find-links"):
        return None
    files = [v for v in (*command.option_values("-r"), *command.option_values("-c")) if v]
    if not command.option_values("-r") or any(v is None for v in command.option_values("-r")):
        return None
    if any(not _plain_path(v) for v in files):
        return None
    references: list[str] = []
    seen: set[str] = set()
    for name in files:
        if not _included(context, _clean(name)):
            return None
        _requirement_references(_clean(name), context.read_text, references, seen)
    unsafe: list[str] = []
    for ref in references:
        if not (ref.endswith(".txt") and _included(context, ref)):
            return None  # a local path or a missing file: the install needs more than manifests
    for name in seen:
        for line in (context.read_text(name) or "").splitlines():
            stripped = line.strip()
            if stripped.startswith(("-e", "--editable")):
                unsafe.append(f"{name} has an editable requirement (`{stripped[:50]}`): pip checks it out "
                              "into the working directory, where the broad copy lands")
    manifests = tuple(dict.fromkeys([_clean(f) for f in files] + references))
    return _Plan("pip", manifests, run, text, True, tuple(unsafe),
                 "the installed packages stay cached until a requirements file changes")


def _plain_path(value: str) -> bool:
    return bool(value) and not value.startswith("/") and "$" not in value and "://" not in value \
        and ".." not in value.split("/") and not re.search(r"[*?\[\s]", value)


def _clean(path: str) -> str:
    return "/".join(p for p in path.split("/") if p not in ("", "."))


def _go_module(context):
    go = context.manifests.go
    if go is None or not go.parsed or go.vendored or go.workspace or go.local_replaces:
        return None
    if not _included(context, "go.mod"):
        return None
    manifests = ("go.mod", "go.sum") if go.go_sum and _included(context, "go.sum") else ("go.mod",)
    unsafe = [] if len(manifests) == 2 else ["no go.sum: `go mod download` may record new checksums"]
    return manifests, unsafe


def _go_download_plan(context, command, run, text) -> _Plan | None:
    if not command.is_("go", "mod", "download") or command.positional()[1:]:
        return None
    found = _go_module(context)
    if found is None:
        return None
    manifests, unsafe = found
    return _Plan("go", manifests, run, text, True, tuple(unsafe),
                 "the module cache stays until go.mod or go.sum changes")


def _go_build_plan(context, command, run) -> _Plan | None:
    if mounts(run) or any("-mod=vendor" in w or w in ("-C", "-modfile") or w.startswith("-modfile=")
                          for w in _words(command)):
        return None
    if any(a.name.startswith("GOFLAGS") for a in command.env):
        return None
    found = _go_module(context)
    if found is None:
        return None
    manifests, unsafe = found
    return _Plan("go", manifests, run, "go mod download", False, tuple(unsafe),
                 "the module cache stays until go.mod or go.sum changes; the build then only compiles")


# --- the edits ------------------------------------------------------------------------------------


def _finding(doc: Dockerfile, copy: Instruction, plan: _Plan) -> Finding:
    text = doc.text
    start, end = copy.full_span
    newline = "\r\n" if text[:copy.end].endswith("\r\n") else "\n"
    raw_dest = destination(copy) or "."
    target = raw_dest if raw_dest.endswith("/") else raw_dest + "/"
    flags = "".join(f.text + " " for f in copy.flags)
    manifest_copy = f"COPY {flags}{' '.join(plan.manifests)} {target}{newline}"
    safety = Safety.UNSAFE if plan.unsafe else Safety.SAFE
    if not plan.move:
        edits = (Edit.insert(start, manifest_copy + f"RUN {plan.install}{newline}"),)
        if len([i for i in doc.stage_of(copy).instructions
                if copy.start < i.start < plan.run.start and i.keyword == "RUN"]):
            safety = Safety.UNSAFE
            plan = _with_risk(plan, "RUNs between the copy and the build may install what the download needs")
    else:
        body = text[start:end]
        run_end = plan.run.full_span[1]
        if run_end == len(text) and not text.endswith("\n"):
            body = newline + body[: -len(newline)] if body.endswith(newline) else newline + body
        edits = (Edit.replace((start, end), manifest_copy), Edit.insert(run_end, body))
    what = ", ".join(plan.manifests)
    how = (f"moves `{_short(copy)}` below `{plan.install}`" if plan.move
           else f"adds `RUN go mod download` before `{_short(copy)}`")
    step = "dependency install" if plan.move else "module download of the Go build"
    message = (f"`{_short(copy)}` (line {copy.start_line}) invalidates the {step} at line "
               f"{plan.run.start_line} on every source change; copy {what} first and install, then copy "
               f"the rest ({how}): {plan.cached}")
    return PASS.finding(copy.start_line, message, Fix(edits, safety),
                        risk="; ".join(plan.unsafe) if safety is Safety.UNSAFE else "",
                        end_line=plan.run.end_line)


def _with_risk(plan: _Plan, risk: str) -> _Plan:
    return _Plan(plan.ecosystem, plan.manifests, plan.run, plan.install, plan.move, (*plan.unsafe, risk), plan.cached)


def _short(inst: Instruction) -> str:
    return " ".join([inst.keyword, *(f.text for f in inst.flags), *inst.value])


PASS = Pass(
    id=ID,
    name=NAME,
    title="Copy npm/yarn/pnpm, pip and Go dependency manifests and install before copying the sources",
    what=("For `COPY . <dir>` followed by a dependency install in <dir> (`npm ci`, `yarn install`, "
          "`pnpm install`, `pip install -r requirements.txt`, `go mod download`), copies only the "
          "manifests (package.json + lockfile + .npmrc, requirements files and the files they include, "
          "go.mod + go.sum), installs, and copies the rest afterwards. For a `go build` after the copy it "
          "inserts `COPY go.mod go.sum` + `RUN go mod download` above it."),
    why=("The install layer after `COPY . <dir>` is rebuilt after every source edit, downloading every "
         "dependency again. With the manifests copied first it stays cached until a manifest changes."),
    safety=Safety.SAFE,
    safety_notes=("Safe when the install reads only the manifests: `npm ci` (or a frozen-lockfile yarn/pnpm "
                  "install) with a lockfile and no root lifecycle scripts, `pip install -r` with plain "
                  "requirement lines, `go mod download` with a go.sum. Unsafe when lifecycle scripts run, "
                  "the install may rewrite the lockfile, a requirement is editable, go.sum is missing, or RUNs "
                  "sit between the copy and a Go build. Not offered without a known build context, for "
                  "workspaces, local dependencies, a context that ships node_modules, vendored Go modules or "
                  "local `replace` directives."),
    examples=(Example(
        before=("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
                "CMD [\"node\", \"src/index.js\"]\n"),
        after=("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
               "RUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"src/index.js\"]\n")),),
    check=check,
)
