"""DO305 node-multi-stage: a node image that builds assets gets a builder and a runtime stage (documented in PASS)."""

from __future__ import annotations

import json
import posixpath
import re
from typing import TYPE_CHECKING, Any, Sequence

from ..builders import New, append_stage, append_step, name_stage, new, render, written
from ..edits import Edit, apply_edits
from ..facts.commands import StageCommand, shell_form_words, stage_command
from ..facts.copies import from_context, is_broad, is_copy, landing, normalise, sources, workdir_in_force
from ..facts.images import ImageRef, image_ref
from ..facts.js_output import builds, output_of
from ..facts.packages import installed_packages
from ..facts.runscript import run_script
from ..model import Dockerfile, Instruction, Stage
from ..shell import parse_script
from .base import Example, Finding, Fix, Pass, Safety
from .multi_stage import declares, free_stage_name

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

ID, NAME = "DO305", "node-multi-stage"

_CARRIED = ("ENV", "EXPOSE", "LABEL", "VOLUME", "USER", "STOPSIGNAL", "HEALTHCHECK", "ENTRYPOINT", "CMD")
_ADDITIVE = ("ENV", "EXPOSE", "LABEL", "VOLUME")
_METADATA = (*_CARRIED, "WORKDIR", "ARG", "MAINTAINER")
#: Programs a Node image's setup and build RUNs may run: what they write stays in the WORKDIR (copied) or is
#: a cache the runtime does not need.
_SETUP_PROGRAMS = frozenset({"npm", "yarn", "npx", "node", "tsc", "mkdir", "ls", "echo", "true", "set", "pwd",
                             "printf", ":", "rm", "apt-get", "apt", "apk"})
#: Packages a Node build installs for itself: node-gyp's toolchain and git for git dependencies.
_BUILD_PACKAGES = frozenset({"python3", "python", "python-is-python3", "make", "g++", "gcc", "build-essential",
                             "build-base", "git", "ca-certificates", "libc6-dev", "musl-dev", "openssh-client"})
#: Programs that serve a folder of static files, or a front-end tool's development server.
_STATIC_SERVERS = frozenset({"serve", "http-server", "live-server", "lite-server", "vite", "react-scripts",
                             "vue-cli-service", "ng", "parcel", "webpack-dev-server"})
_NGINX = "nginx:1.27-alpine"
_NGINX_ROOT = "/usr/share/nginx/html"
_LOCKFILES = {"npm": ("package-lock.json", "npm-shrinkwrap.json"), "yarn": ("yarn.lock",)}
_VERSION = re.compile(r"(\d+)(?:\.\d+){0,2}")


def check(doc: Dockerfile, context: BuildContext, config: Config) -> list[Finding]:
    if not doc.stages or not getattr(context, "known", False):
        return []
    stage = doc.stages[-1]
    ref = image_ref(stage.base)
    if ref is None or not ref.official or ref.name != "node" or doc.parent_of(stage) is not None:
        return []
    if any(i.keyword in ("ONBUILD", "SHELL") for i in stage.instructions) or len(stage.instructions) < 2:
        return []
    command = stage_command(stage, _words)
    workdir = workdir_in_force(doc, stage.instructions[-1])
    if command is None or not command[1] or command[1][0] is None or workdir in (None, "/"):
        return []
    assert workdir is not None
    project = _project(doc, context, stage, workdir)
    manifest = _manifest(context, project) if project is not None else None
    if project is None or manifest is None:
        return []
    build = _build(doc, context, stage, project)
    serves = _serves(command[1], manifest)
    if serves.startswith("static:"):
        return _static(doc, context, stage, command, build, project, workdir, serves[7:])
    if build is None:
        return []
    return [_finding(doc, context, stage, ref, command, build, project, workdir, manifest, serves)]


_Build = tuple[Instruction, "Command", str]  # the RUN, its build command, the output folder ("" unknown)


def _words(inst: Instruction) -> list[str | None] | None:
    return list(inst.value) if inst.exec_form else shell_form_words(inst.arguments.text)


def _project(doc: Dockerfile, context: BuildContext, stage: Stage, workdir: str) -> str | None:
    """The context folder a COPY of a whole folder puts in the WORKDIR ("" for the root), None without one."""
    for inst in stage.instructions:
        if not is_copy(inst) or landing(doc, inst) != workdir:
            continue
        found = [s for s in sources(inst) if from_context(inst, s)]
        if len(found) != 1:
            continue
        if is_broad(found[0]):
            return ""
        path = normalise(found[0]).strip("/")
        if path and not any(c in path for c in "*?[") and any(p.startswith(path + "/") for p in context.files):
            return path
    return None


def _manifest(context: BuildContext, project: str) -> dict[str, Any] | None:
    text = context.read_text(posixpath.join(project, "package.json"))
    try:
        data = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _build(doc: Dockerfile, context: BuildContext, stage: Stage, project: str) -> _Build | None:
    """The stage's last build command (``npm run build``, ``tsc`` ...) and where it writes."""
    found = None
    for inst in stage.instructions:
        run = run_script(doc, inst) if inst.keyword == "RUN" else None
        for cmd in run.script.commands if run else ():
            args = tuple(w.value or "$" for w in cmd.words)
            if cmd.name and builds(cmd.name, args, context, project):
                found = (inst, cmd, output_of(cmd.name, args, context, project) or "")
    return found


def _scripts(manifest: dict[str, Any]) -> dict[str, str]:
    scripts = manifest.get("scripts")
    return {k: v for k, v in scripts.items() if isinstance(v, str)} if isinstance(scripts, dict) else {}


def _deps(manifest: dict[str, Any], key: str) -> set[str]:
    deps = manifest.get(key)
    return set(deps) if isinstance(deps, dict) else set()


def _serves(words: Sequence[str | None], manifest: dict[str, Any], depth: int = 0) -> str:
    """What the command runs: "node" (a program of the app), "static:<server>" (a static or development
    server), or why it is not known to run on production dependencies only."""
    program = posixpath.basename(words[0] or "")
    rest = [w for w in words[1:]]
    if program in ("node", "nodejs"):
        return "node" if rest and rest[0] is not None else "`node` runs no file the command names"
    script = None
    if program in ("npm", "yarn", "pnpm"):
        plain = [w for w in rest if w is None or not w.startswith("-")]
        if plain[:1] == ["start"] or (program == "yarn" and plain[:1] and plain[0] not in ("run", None)):
            script = plain[0]
        elif plain[:1] in (["run"], ["run-script"]) and len(plain) > 1:
            script = plain[1]
        text = _scripts(manifest).get(script or "")
        if text is None:
            return "node" if script == "start" and program == "npm" \
                else f"`{program} {script or ' '.join(w or '$' for w in rest)}` runs no script of package.json"
        parsed = parse_script(text)
        if parsed.has_errors or depth > 1:
            return f"the `{script}` script is not understood"
        verdicts = [_serves([c.name, *(w.value for w in c.words)], manifest, depth + 1) for c in parsed.commands]
        return next((v for v in verdicts if v.startswith("static:")), None) or next(
            (v for v in verdicts if v != "node"), "node")
    if program == "npx":
        plain = [w for w in rest if w is None or not w.startswith("-")]
        return _serves(plain, manifest, depth) if plain and plain[0] else "`npx` runs an unknown program"
    if program in _STATIC_SERVERS:
        return f"static:{program}"
    if program in _deps(manifest, "dependencies"):
        return "node"
    if program in _deps(manifest, "devDependencies"):
        return f"the command runs {program}, a devDependency the runtime stage does not install"
    return f"the command runs {program}, which is not a dependency in package.json"


def _finding(doc: Dockerfile, context: BuildContext, stage: Stage, ref: ImageRef, command: StageCommand,
             build: _Build, project: str, workdir: str, manifest: dict[str, Any], serves: str) -> Finding:
    build_inst, build_cmd, output = build
    index = stage.instructions.index(build_inst)
    tail_at = max(i for i, inst in enumerate(stage.instructions) if inst.keyword not in _METADATA) + 1
    head, tail = stage.instructions[:tail_at], stage.instructions[tail_at:]
    manager = "yarn" if any(p in context.included for p in _lockfiles(project, "yarn")) else "npm"
    problems = [] if serves == "node" else [serves]
    if not output:
        problems.append(f"where `{_text(build_cmd)}` writes its output is not known (no script option, tool "
                        "default or config names it)")
    problems += _manager_problems(doc, context, stage, project, manifest, manager)
    problems += _setup_problems(doc, stage, head, index, workdir)
    problems += _carry_problems(stage)
    name = stage.name or free_stage_name(doc)
    runtime, why_full = _runtime(doc, context, stage, ref, project, command)
    prune = _prune(manager, ref)
    message = (f"`{stage.base}` ships the devDependencies and build tools with the app: build in a stage `{name}`, "
               f"prune it to production dependencies (`{prune}`) and copy `{workdir}` "
               f"(with {posixpath.join(workdir, output) if output else 'the build output'}) onto `{runtime}`")
    if problems:
        return PASS.finding(stage.from_.start_line, message, risk="; ".join(problems))
    edits = _edits(doc, stage, head, tail, name, runtime, workdir, prune, build_inst)
    changes = (f"{workdir}/node_modules/**", *(f"{workdir}/{lock}" for lock in _LOCKFILES[manager]))
    risk = (f"the runtime stage has only `{workdir}` with production dependencies: devDependencies, global "
            "installs, files written outside the WORKDIR and the npm cache are gone"
            + (f"; `{runtime}` lacks the full image's build tools and libraries" if runtime != stage.base
               else f"; it stays on `{stage.base}` because {why_full}"))
    fix = Fix(tuple(edits), Safety.UNSAFE, declares(doc, edits), image_changes=changes)
    return PASS.finding(stage.from_.start_line, message, fix, risk=risk)


def _text(cmd: Command) -> str:
    return " ".join([cmd.name or "?", *(w.value or "$" for w in cmd.words)])


def _lockfiles(project: str, manager: str) -> tuple[str, ...]:
    return tuple(posixpath.join(project, lock) for lock in _LOCKFILES[manager])


def _manager_problems(doc: Dockerfile, context: BuildContext, stage: Stage, project: str,
                      manifest: dict[str, Any], manager: str) -> list[str]:
    """Why pruning the builder's node_modules to production dependencies is not known to work."""
    problems = []
    if manifest.get("workspaces"):
        problems.append("package.json declares workspaces: which node_modules the packages use is not modelled")
    if any(posixpath.join(project, f) in context.files for f in ("pnpm-lock.yaml", "bun.lockb", ".yarnrc.yml")):
        problems.append("the project uses pnpm, bun or Yarn 2+, whose pruning is not modelled")
    if re.match(r"(pnpm|bun|yarn@[2-9])", str(manifest.get("packageManager") or "")):
        problems.append(f"package.json's packageManager is {manifest['packageManager']}, whose pruning is not modelled")
    installs = [c for i in stage.instructions for r in [run_script(doc, i) if i.keyword == "RUN" else None] if r
                for c in r.script.commands if c.is_("npm", "ci") or c.is_("npm", "install") or c.is_("npm", "i")
                or c.is_("yarn", "install") or (c.program == "yarn" and not c.operands())]
    if not installs:
        problems.append("no `npm ci`/`npm install`/`yarn install` installs the dependencies in the stage")
    for cmd in installs:
        if cmd.positional() or cmd.has_option("-g", "--global"):
            problems.append(f"`{_text(cmd)}` installs named or global packages the runtime stage does not get")
        elif (cmd.program == "npm") != (manager == "npm"):
            problems.append(f"`{_text(cmd)}` and the project's lockfile are of different package managers")
    if manager == "yarn" and not any(p in context.included for p in _lockfiles(project, "yarn")):
        problems.append("yarn.lock is not in the build context: pruning would resolve the dependencies again")
    return problems


def _setup_problems(doc: Dockerfile, stage: Stage, head: Sequence[Instruction], index: int,
                    workdir: str) -> list[str]:
    """Why what the stage sets up (or does after the build) may be needed at run time."""
    problems = []
    extra = sorted(installed_packages(doc, head) - _BUILD_PACKAGES)
    if extra:
        problems.append(f"the stage installs {', '.join(extra[:3])}: the runtime stage does not have them")
    for i, inst in enumerate(head):
        if inst.keyword == "RUN":
            run = run_script(doc, inst)
            if run is None:
                problems.append(f"line {inst.start_line}'s RUN is not understood")
                continue
            for cmd in run.script.commands:
                program = posixpath.basename(cmd.name or "?")
                if program not in _SETUP_PROGRAMS:
                    problems.append(f"line {inst.start_line} runs {program}: what it sets up may be needed at run "
                                    "time")
                elif program in ("npm", "yarn") and cmd.has_option("-g", "--global") or cmd.is_("yarn", "global"):
                    problems.append(f"line {inst.start_line} installs global packages the runtime stage lacks")
        elif is_copy(inst):
            into = landing(doc, inst)
            if not all(from_context(inst, s) for s in sources(inst)):
                problems.append(f"line {inst.start_line} copies from another image or URL")
            elif inst.effective.flag("chown") is not None or inst.effective.flag("chmod") is not None:
                problems.append(f"line {inst.start_line} sets owners or modes that the runtime copy does not keep")
            elif i > index and (into is None or not (into + "/").startswith(workdir + "/")):
                problems.append(f"line {inst.start_line} copies files outside {workdir} after the build")
        elif inst.keyword == "USER" and i < len(head) - 1 and inst.value and \
                inst.value[0].split(":")[0] not in ("root", "0"):
            problems.append(f"line {inst.start_line} switches to USER {inst.value[0]} before installing: the files "
                            "it owns would belong to root in the runtime stage")
        elif inst.keyword == "WORKDIR" and i > index:
            problems.append(f"line {inst.start_line} changes the WORKDIR after the build")
    return problems


def _carry_problems(stage: Stage) -> list[str]:
    return [f"line {inst.start_line} uses a variable the runtime stage may not set" for inst in stage.instructions
            if inst.keyword in _CARRIED and inst.keyword not in ("CMD", "ENTRYPOINT") and "$" in inst.arguments.text]


def _runtime(doc: Dockerfile, context: BuildContext, stage: Stage, ref: ImageRef, project: str,
             command: StageCommand) -> tuple[str, str]:
    """The runtime image: the base's ``-slim`` variant when nothing may need the full image, else the base
    itself, with why."""
    slim = _slim_tag(ref)
    if slim is None:
        return stage.base, "its tag has no known -slim variant"
    lock = context.read_text(posixpath.join(project, "package-lock.json"))
    try:
        packages = json.loads(lock).get("packages") if lock else None
    except (ValueError, AttributeError):
        packages = None
    if not isinstance(packages, dict):
        return stage.base, "no package-lock.json (v2+) shows that no dependency builds native code"
    native = sorted(k.rsplit("node_modules/", 1)[-1] for k, v in packages.items()
                    if isinstance(v, dict) and v.get("hasInstallScript") and not v.get("dev"))
    if native:
        return stage.base, f"{native[0]} runs an install script (native code may link the full image's libraries)"
    if installed_packages(doc, stage.instructions):
        return stage.base, "the stage installs system packages"
    for inst in stage.instructions:
        if inst.keyword == "HEALTHCHECK" and len(inst.value) > 1 and inst.value[0].upper() == "CMD":
            words = list(inst.value[1:]) if inst.exec_form else shell_form_words(" ".join(inst.value[1:]))
            if not words or posixpath.basename(words[0] or "") != "node":
                return stage.base, "the HEALTHCHECK may run a tool the -slim image lacks (curl, wget)"
    return ref.with_tag(slim), ""


def _slim_tag(ref: ImageRef) -> str | None:
    """The ``-slim`` tag of the same Node release and Debian version (None: alpine, already slim, a digest,
    or a tag not known to have one)."""
    if ref.digest:
        return None
    tag = ref.tag or "latest"
    version, _, suite = tag.partition("-")
    if version == "latest" and not suite:
        return "slim"
    if not (_VERSION.fullmatch(version) or version in ("lts", "current")):
        return None
    if not suite:
        return f"{version}-slim"
    return f"{tag}-slim" if suite in ("bookworm", "bullseye", "buster", "trixie") else None


def _major(ref: ImageRef) -> int | None:
    match = _VERSION.match(ref.tag or "")
    return int(match.group(1)) if match else None


def _prune(manager: str, ref: ImageRef) -> str:
    """The command that drops the devDependencies from node_modules (npm 6, before Node 15: ``--production``)."""
    if manager == "yarn":
        return "yarn install --production --frozen-lockfile --ignore-scripts --prefer-offline"
    major = _major(ref)
    return "npm prune --production" if major is not None and major < 15 else "npm prune --omit=dev"


def _edits(doc: Dockerfile, stage: Stage, head: Sequence[Instruction], tail: Sequence[Instruction], name: str,
           runtime: str, workdir: str, prune: str, build_inst: Instruction) -> list[Edit]:
    edits: list[Edit] = [name_stage(doc, stage, name)] if stage.name is None else []
    run = run_script(doc, build_inst)
    assert run is not None  # the build was found in it
    edits.append(append_step(doc, run, prune))
    block: list[New | str] = [new("FROM", runtime), new("WORKDIR", workdir)]
    block += [written(i) for i in _carried(head, tail)]
    block.append(new("COPY", f"--from={name}", workdir, workdir))
    return edits + append_stage(doc, block, tail)


def _carried(head: Sequence[Instruction], tail: Sequence[Instruction]) -> list[Instruction]:
    """The run-time settings before the last build step that the image keeps: every additive one, the
    last of the others (unless a moved one of that kind replaces it)."""
    moved = {i.keyword for i in tail}
    return [inst for i, inst in enumerate(head) if inst.keyword in _CARRIED and (
        inst.keyword in _ADDITIVE or not (inst.keyword in moved or any(o.keyword == inst.keyword for o in head[i + 1:])))]


def _static(doc: Dockerfile, context: BuildContext, stage: Stage, command: StageCommand, build: _Build | None,
            project: str, workdir: str, server: str) -> list[Finding]:
    """The image serves static files with a Node server: a suggestion with the stage that serves them with nginx."""
    output = build[2] if build else output_of("npm", ("run", "build"), context, project)
    run_build = None if build else ("yarn build" if any(p in context.included for p in _lockfiles(project, "yarn"))
                                    else "npm run build")
    if not output or (build is None and "build" not in _scripts(_manifest(context, project) or {})):
        return []
    name = stage.name or free_stage_name(doc)
    lines = [new("FROM", _NGINX), new("COPY", f"--from={name}", posixpath.join(workdir, output), _NGINX_ROOT),
             new("EXPOSE", "80")]
    written_lines = [render(doc, [line], newline="") for line in lines]
    steps = (f"add `{render(doc, [new('RUN', run_build)], newline='')}` after the last COPY, " if run_build else "")
    named = apply_edits(doc.text, [name_stage(doc, stage, name)]).splitlines()[stage.from_.start_line - 1]
    message = (f"the image runs `{server}` to serve the static build `{posixpath.join(workdir, output)}`: "
               f"{'name the stage (`' + named.strip() + '`), ' if stage.name is None else ''}{steps}"
               f"drop its EXPOSE/CMD and append a stage that serves it with nginx: "
               + " / ".join(f"`{line}`" for line in written_lines))
    risk = ("nginx serves files only: client-side routes need `try_files $uri $uri/ /index.html;` in "
            "/etc/nginx/conf.d/default.conf, the port becomes 80, and a development server's proxy and hot reload "
            "are gone")
    return [PASS.finding(command[0][-1].start_line, message, risk=risk)]


PASS = Pass(
    # Trigger: it reports only a final stage FROM the official `node` image (a variable in FROM is no image).
    triggers=("node",),
    id=ID,
    name=NAME,
    title="Run Node apps with production dependencies only, with the build in a builder stage",
    what="""
        Shape: the final stage is `FROM node:...` (not built from another stage) with a WORKDIR, a COPY of the
        project folder into it (package.json readable), an `npm ci`/`npm install`/`yarn install`, a build step
        (`npm run build`, `yarn build`, `tsc`, `vite build`, `ng build`, `next build`, webpack ...: a tool, or
        a package.json script running one), and a command that runs the app with `node`, or through an
        npm/yarn script or npx with a program of `dependencies`. The stage becomes the builder (`AS build`,
        or its name; its lines stay) and its build RUN goes on to prune node_modules to production
        dependencies (`&& npm prune --omit=dev`, `--production` before Node 15; Yarn 1: `yarn install
        --production --frozen-lockfile --ignore-scripts --prefer-offline`). A runtime stage is appended: `FROM` the same
        image, or its `-slim` variant, the WORKDIR, the run-time settings (ENV, EXPOSE, LABEL, VOLUME, USER,
        STOPSIGNAL, HEALTHCHECK, ENTRYPOINT/CMD: those after the build move with their comments, those
        before are copied), and `COPY --from=build <workdir> <workdir>`: the app, its build output and the
        pruned node_modules, built by the same Node on the same Debian.

        The `-slim` variant (`node:20` -> `node:20-slim`, `node:lts-bookworm` -> `node:lts-bookworm-slim`) is
        chosen only when nothing may need the full image: package-lock.json (v2+) shows no production
        dependency with an install script (native code), the stage installs no system packages, and the
        HEALTHCHECK (if any) runs node. Otherwise the runtime keeps the base as written.

        Static front ends: when the command serves files with a static or development server (`serve`,
        `http-server`, `vite`, `react-scripts start`, `ng serve`, `vue-cli-service serve` ...) and where the
        build writes is known, the finding is a suggestion that gives the lines of an nginx stage serving
        the build output (and the build step to add when the Dockerfile has none).
    """,
    why="""
        A single-stage Node image keeps everything the build needed: devDependencies (bundlers, compilers,
        test runners, type definitions: often most of node_modules), the npm cache, and on the full `node`
        image a compiler toolchain and hundreds of -dev packages (about 1 GB against 200 MB for `-slim`).
        None of it runs in production; it is pulled, stored and scanned for CVEs everywhere the image goes.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because the runtime stage has only the WORKDIR with production dependencies: a devDependency
        the app loads at run time, a global install, files written outside the WORKDIR and the full image's
        tools are gone. Only a suggestion (no fix, the message names the unknown) when: where the build
        writes is not known; the command runs a devDependency or a program that is not a dependency;
        package.json declares workspaces, or the project uses pnpm, bun or Yarn 2+; the stage installs
        system packages other than node-gyp's toolchain and git, runs programs other than npm, yarn, npx,
        node and simple file commands, installs global or named packages, copies from other images, sets
        owners (`--chown`, USER before the install) or copies outside the WORKDIR after the build; or a
        carried setting uses a variable. An nginx runtime for static files is always a suggestion (routes,
        port and proxy change).
    """,
    examples=(Example(
        before=('FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n'
                'RUN npm run build\nEXPOSE 3000\nCMD ["node", "dist/server.js"]\n'),
        after=('FROM node:20 AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n'
               'RUN npm run build && npm prune --omit=dev\n\nFROM node:20-slim\nWORKDIR /app\n'
               'COPY --from=build /app /app\nEXPOSE 3000\nCMD ["node", "dist/server.js"]\n'),
        context={"package.json": '{"scripts": {"build": "tsc"}, "devDependencies": {"typescript": "5.6.3"}}',
                 "package-lock.json": '{"lockfileVersion": 3, "packages": {"": {}}}',
                 "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}', "src/server.ts": None},
        config={"unsafe": True}),
        Example(
        before=('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nEXPOSE 3000\n'
                'CMD ["npx", "serve", "-s", "dist"]\n'),
        after=('FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\n'
               'FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\nEXPOSE 80\n'),
        context={"package.json": '{"scripts": {"build": "vite build"}, "devDependencies": {"vite": "5.4.0"}}',
                 "package-lock.json": None, "index.html": None},
        suggestion=True),
    ),
    check=check,
    image_changes=("new-root",),
    supersedes=("DO303",),
)
