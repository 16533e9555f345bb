"""DO114 cache-mounts: package downloads kept in BuildKit cache mounts, opt-in with --buildkit (documented in PASS)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ..edits import Edit
from ..facts.images import image_ref
from ..facts.runscript import RunScript, env_in_force, mounted_over, run_script
from ..facts.users import user_in_force
from ..model import Dockerfile, Instruction, Stage
from ..record import record
from ..shell import Command
from .base import Example, Finding, Fix, Option, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO114", "cache-mounts"

BUILDKIT = Option("buildkit", False, "the images are built with BuildKit: keep package downloads in "
                  "RUN --mount=type=cache (with --unsafe)")
SYNTAX = "# syntax=docker/dockerfile:1"
KEEP_DEBS = ("rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";'"
             " > /etc/apt/apt.conf.d/keep-cache")


@record
class _Tool:
    """A package tool, the cache directories it downloads into, and what moves them elsewhere."""

    name: str
    program: str  # the word naming the program (what an unreadable RUN is searched for)
    targets: tuple[str, ...]
    sharing: str | None = None  # "locked": the tool cannot share its cache with a concurrent build
    home: bool = False  # the targets are root's: only when the RUN provably runs as root
    env: tuple[str, ...] = ()  # variables that move (or switch off) the cache
    base: str | None = None  # the targets hold only on this official image (its GOPATH)
    flags: tuple[str, ...] = ()  # command options that move the cache
    #: Text that names the cache elsewhere in the file (a later reader); empty: not checked.
    mentions: tuple[str, ...] = ()
    run_time: bool = False  # the program needs the downloads when the image runs it (CMD mvn spring-boot:run)

    def mount(self, target: str) -> str:
        sharing = f",sharing={self.sharing}" if self.sharing else ""
        return f"--mount=type=cache,target={target}{sharing}"


APT = _Tool("apt", "apt", ("/var/cache/apt", "/var/lib/apt"), sharing="locked")
PIP = _Tool("pip", "pip", ("/root/.cache/pip",), home=True,
            env=("PIP_CACHE_DIR", "PIP_NO_CACHE_DIR", "XDG_CACHE_HOME", "HOME"))
NPM = _Tool("npm", "npm", ("/root/.npm",), home=True, env=("npm_config_cache", "NPM_CONFIG_CACHE", "HOME"))
YARN = _Tool("yarn", "yarn", ("/usr/local/share/.cache/yarn",), sharing="locked", home=True,
             env=("YARN_CACHE_FOLDER", "XDG_CACHE_HOME"), flags=("--cache-folder",), mentions=(".cache/yarn",))
PNPM = _Tool("pnpm", "pnpm", ("/root/.local/share/pnpm/store",), home=True,
             env=("PNPM_HOME", "XDG_DATA_HOME", "npm_config_store_dir", "NPM_CONFIG_STORE_DIR", "HOME"),
             flags=("--store-dir",), mentions=("pnpm/store", ".pnpm-store"))
MAVEN = _Tool("maven", "mvn", ("/root/.m2/repository",), sharing="locked", home=True, env=("HOME",),
              flags=("-Dmaven.repo.local", "-s", "--settings", "-gs", "--global-settings"), mentions=("/.m2",),
              run_time=True)
GRADLE = _Tool("gradle", "gradle", ("/root/.gradle/caches", "/root/.gradle/wrapper"), home=True,
               env=("GRADLE_USER_HOME", "HOME"), flags=("-g", "--gradle-user-home"), mentions=("/.gradle",),
               run_time=True)
GO_MODULES = _Tool("go modules", "go ", ("/go/pkg/mod",), env=("GOPATH", "GOMODCACHE", "GOFLAGS"), base="golang",
                   mentions=("/go/pkg",), run_time=True)
GO_BUILD = _Tool("go build", "go ", ("/root/.cache/go-build",), home=True, env=("GOCACHE", "XDG_CACHE_HOME", "HOME"))
TOOLS = (APT, PIP, NPM, YARN, PNPM, MAVEN, GRADLE, GO_MODULES, GO_BUILD)
#: Official images that run as root (USER not set in the image), so HOME is /root.
_ROOT_IMAGES = frozenset({"debian", "ubuntu", "python", "node", "golang", "buildpack-deps", "eclipse-temurin",
                          "maven", "alpine", "rust", "ruby", "php", "openjdk", "amazoncorretto"})
#: What a tool's program is called in CMD/ENTRYPOINT/HEALTHCHECK (wrappers included).
_PROGRAMS = {MAVEN: ("mvn", "mvnw"), GRADLE: ("gradle", "gradlew"), GO_MODULES: ("go",)}


def _uses(tool: _Tool, command: Command) -> bool:
    """The command downloads into the tool's cache."""
    if tool is APT:
        return command.program in ("apt-get", "apt") and command.subcommand in (
            "update", "install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "download")
    if tool is PIP:
        return command.is_("pip", "install") or command.is_("pip", "download") or command.is_("pip", "wheel")
    if tool is NPM:
        return command.program == "npm" and command.subcommand in ("ci", "install", "i", "add")
    if tool is YARN:
        return command.program == "yarn" and command.subcommand in (None, "install", "add", "global")
    if tool is PNPM:
        return command.program == "pnpm" and command.subcommand in ("install", "i", "add", "fetch")
    if tool is MAVEN:
        return command.program in ("mvn", "mvnw")
    if tool is GRADLE:
        return command.program in ("gradle", "gradlew")
    return command.program == "go" and command.subcommand in (
        ("mod", "build", "install", "test", "get", "run", "vet") if tool is GO_MODULES else ("build", "install", "test", "run", "vet"))


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    if not BUILDKIT.of(config):
        return
    runs = [(stage, run) for stage in doc.stages for inst in stage.instructions
            if inst.keyword == "RUN" and (run := run_script(doc, inst)) is not None]
    tools, skipped = _mountable(doc, runs, context)
    flags = {id(run.inst): [tool.mount(t) for tool in tools if _runs(tool, run) for t in tool.targets
                            if not mounted_over(run.inst, t, ("cache",))] for _, run in runs}
    changed = [run for _, run in runs if flags[id(run.inst)]]
    for tool, line, why in skipped:
        yield PASS.finding(line, f"{tool.name} downloads could be kept in a BuildKit cache mount", risk=why)
    if not changed:
        return
    keep = set(_keep_debs(doc, runs, {id(run.inst) for run in changed})) if APT in tools else set()
    edits = [_add_flags(doc, run, flags[id(run.inst)], id(run.inst) in keep) for run in changed]
    edits += [edit for run in changed for tool in tools if _runs(tool, run) for edit in _cleanups(run, tool)]
    declared = [path for tool in tools for t in tool.targets for path in (t, t + "/**")]
    if keep:
        declared += ["/etc/apt/apt.conf.d/docker-clean", "/etc/apt/apt.conf.d/keep-cache"]
    if not any(d.name == "syntax" for d in doc.directives):
        edits.append(Edit.insert(len(doc.bom), SYNTAX + doc.style.newline))
    lines = ", ".join(str(run.inst.start_line) for run in changed)
    message = (f"the RUN(s) on line(s) {lines} download every package again whenever they rebuild: keep the "
               "downloads in BuildKit cache mounts")
    risk = "needs BuildKit (or buildah >= 1.24); the cache is shared with every build on the builder"
    if APT in tools:
        risk += ("; apt's lists and extended_states are no longer in the image (apt in a container of it needs "
                 "`apt-get update`, `apt-get autoremove` no longer knows what was installed automatically)")
    fix = Fix(tuple(edits), Safety.UNSAFE, image_changes=tuple(declared))
    yield PASS.finding(changed[0].inst.start_line, message, fix, risk=risk, end_line=changed[-1].inst.end_line,
                       touches=tuple(run.inst.start_line for run in changed[1:]))


def _runs(tool: _Tool, run: RunScript) -> bool:
    return any(_uses(tool, command) for command in run.script.commands)


def _mountable(doc: Dockerfile, runs: list[tuple[Stage, RunScript]], context: BuildContext
               ) -> tuple[list[_Tool], list[tuple[_Tool, int, str]]]:
    """The tools whose caches can be mounted in every RUN that uses them, and the others with the line of
    their first use and why not."""
    tools: list[_Tool] = []
    skipped: list[tuple[_Tool, int, str]] = []
    unread = [inst for inst in doc.instructions if inst.effective.keyword == "RUN" and run_script(doc, inst) is None]
    for tool in TOOLS:
        users = [(stage, run) for stage, run in runs if _runs(tool, run)]
        if not users:
            continue
        problems = [p for stage, run in users for p in _problems(doc, stage, run, tool)]
        problems += [f"line {inst.start_line} may run {tool.program} in a form this pass cannot read"
                     for inst in unread if tool.program in inst.text]
        problems += _readers(doc, tool, {id(run.inst) for _, run in users})
        problems += _project_settings(doc, context, tool)
        if problems:
            skipped.append((tool, users[0][1].inst.start_line, problems[0]))
        else:
            tools.append(tool)
    return tools, skipped


def _problems(doc: Dockerfile, stage: Stage, run: RunScript, tool: _Tool) -> Iterator[str]:
    """Why the tool's cache cannot be mounted at its usual place for this RUN."""
    line = run.inst.start_line
    for name in tool.env:
        if env_in_force(doc, run.inst, name) is not None:
            yield f"{name} is set (line {line} uses another cache directory or none)"
    if tool is MAVEN:
        for name in ("MAVEN_OPTS", "MAVEN_ARGS"):
            if "maven.repo.local" in (env_in_force(doc, run.inst, name) or ""):
                yield f"{name} sets maven.repo.local (line {line} uses another local repository)"
    for command in run.script.commands:
        for word in command.words if tool.flags and _uses(tool, command) else ():
            option = (word.value or "").partition("=")[0]
            if option in tool.flags:
                yield f"line {line} passes {option}, which may move {tool.name}'s cache"
    if tool.home and not _runs_as_root(doc, stage, run.inst):
        yield f"the RUN on line {line} may not run as root: its cache directory depends on the user's HOME"
    if tool.base and _official_root(doc, stage) != tool.base:
        yield f"the RUN on line {line} is not on the official {tool.base} image, whose paths the mount assumes"
    if tool is APT and not _removable_cleanups(run):
        yield f"the RUN on line {line} cleans apt's lists or cache in a way this pass cannot take out"
    if tool in (NPM, YARN, PNPM) and any(c.program == tool.program and c.subcommand in ("cache", "store")
                                         for c in run.script.commands):
        yield f"the RUN on line {line} cleans {tool.name}'s cache"
    if run.onbuild:
        yield f"line {line} is an ONBUILD trigger"


def _readers(doc: Dockerfile, tool: _Tool, mounted: set[int]) -> list[str]:
    """What would miss the downloads once they stay in the mount: another instruction naming the cache (a RUN
    that does not use the tool, ``COPY --from``), or the image running the program (``CMD mvn spring-boot:run``,
    ``go run``), which would download everything again at every start."""
    found = []
    for inst in doc.instructions:
        keyword, text = inst.effective.keyword, inst.text
        if id(inst) in mounted or keyword not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "COPY", "ADD"):
            continue
        reads = keyword in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK") or inst.effective.flag("from") is not None
        if reads and any(mention in text for mention in tool.mentions):
            found.append(f"line {inst.start_line} reads {tool.name}'s downloads, which the mount keeps out of "
                         "the image")
        elif tool.run_time and keyword != "RUN" and re.search(_program_word(tool), text):
            found.append(f"the image runs {tool.program.strip()} (line {inst.start_line}), which needs the "
                         "downloads the mount keeps out of the image")
    return found


def _program_word(tool: _Tool) -> str:
    """A pattern for the tool's program as a command word in CMD/ENTRYPOINT text (``./mvnw``, ``"go"``)."""
    return rf"(?<![\w.-])(?:{'|'.join(_PROGRAMS[tool])})(?![\w./-])"


def _project_settings(doc: Dockerfile, context: BuildContext, tool: _Tool) -> list[str]:
    """Project files and set-up steps that move the cache or change the tool: yarn 2+ keeps its cache in the
    project or ``~/.yarn/berry``; ``.npmrc`` may set pnpm's ``store-dir``; ``.mvn/maven.config`` Maven's
    local repository."""
    if tool is YARN:
        switch = next((inst for inst in doc.instructions if inst.effective.keyword == "RUN"
                       and any(s in inst.text for s in ("corepack", "yarn set version", "@yarnpkg"))), None)
        if switch is not None:
            return [f"line {switch.start_line} may switch yarn to version 2+, which keeps its cache elsewhere"]
        if not context.known:
            return ["yarn's version is unknown without the build context (yarn 2+ keeps its cache elsewhere)"]
        berry = [path for path in context.files if path.rpartition("/")[2] == ".yarnrc.yml"
                 or (path.rpartition("/")[2] == "package.json" and "node_modules/" not in path
                     and re.search(r'"packageManager"\s*:\s*"yarn@[2-9]', context.read_text(path) or ""))]
        return [f"{berry[0]} makes the project use yarn 2+, which keeps its cache elsewhere"] if berry else []
    settings = {PNPM: (".npmrc", "store-dir"), MAVEN: ("maven.config", "repo.local")}.get(tool)
    if settings is None:
        return []
    name, key = settings
    return [f"{path} sets {key}, which may move {tool.name}'s cache" for path in context.files
            if path.rpartition("/")[2] == name and key in (context.read_text(path) or "")]


def _runs_as_root(doc: Dockerfile, stage: Stage, inst: Instruction) -> bool:
    user = user_in_force(doc, inst)
    if user is not None:
        return user.partition(":")[0] in ("root", "0")
    return _official_root(doc, stage) in _ROOT_IMAGES


def _official_root(doc: Dockerfile, stage: Stage) -> str | None:
    """The official image the stage's lineage starts from (``golang``), None for any other base."""
    chain = [stage, *doc.ancestors(stage)]
    ref = image_ref(chain[-1].base)
    return ref.name if ref is not None and ref.official else None


def _apt_cleanups(run: RunScript) -> list[int]:
    """The top-level steps that empty apt's lists or cache (``rm -rf /var/lib/apt/lists/*``, ``apt-get clean``)."""
    found = []
    for index, step in enumerate(run.script.chain):
        command = step.command
        if command is None:
            continue
        if command.program in ("apt-get", "apt") and command.subcommand in ("clean", "autoclean"):
            found.append(index)
        elif command.name == "rm" and any((w.value or "").startswith(("/var/lib/apt", "/var/cache/apt"))
                                          for w in command.words):
            found.append(index)
    return found


def _removable_cleanups(run: RunScript) -> bool:
    """Every cleanup step is joined by ``&&`` on the side it is taken out with, and not the only step."""
    chain = run.script.chain
    for index in _apt_cleanups(run):
        if index == 0:
            if len(chain) < 2 or chain[1].op_before != "&&":
                return False
        elif chain[index].op_before != "&&":
            return False
    nested = [c for c in run.script.commands if not c.top_level and (
        (c.name == "rm" and any("/var/lib/apt" in (w.value or w.text_raw) for w in c.words))
        or (c.program in ("apt-get", "apt") and c.subcommand == "clean"))]
    return not nested and len(_apt_cleanups(run)) < len(chain)


def _cleanups(run: RunScript, tool: _Tool) -> list[Edit]:
    """Take out what the mount makes useless: apt's cleanup steps, pip's ``--no-cache-dir``."""
    edits = []
    if tool is APT:
        chain = run.script.chain
        for index in _apt_cleanups(run):
            if index == 0:  # `rm ... && rest`: up to the next step
                start, end = run.doc_span(chain[0].span)[0], run.doc_span(chain[1].span)[0]
            else:  # `rest && rm ...`: from the end of the step before
                start, end = run.doc_span(chain[index - 1].span)[1], run.doc_span(chain[index].span)[1]
            edits.append(Edit.delete(start, end))
    if tool is PIP:
        for command in run.script.commands:
            for word in command.words if _uses(PIP, command) else ():
                if word.value in ("--no-cache-dir", "--no-cache"):
                    edits.append(_delete_word(run, word.span))
    return edits


def _add_flags(doc: Dockerfile, run: RunScript, flags: list[str], keep_debs: bool) -> Edit:
    """The mount flags before the RUN's command (on its line, or one a line in a multi-line RUN), and the
    step that keeps apt's downloads when ``keep_debs``."""
    joiner = _joiner(doc, run)
    return Edit.insert(run.inst.effective.arguments.doc_offset(0),
                       joiner.join(flags) + joiner + (KEEP_DEBS + _joiner(doc, run, "&&") if keep_debs else ""))


def _joiner(doc: Dockerfile, run: RunScript, operator: str = "") -> str:
    """What goes between two parts of a RUN: `` && `` on one line, else a continuation in the RUN's style."""
    style = doc.style.continuation_of(run.inst)
    if style is None:
        return f" {operator} " if operator else " "
    newline, escape = doc.style.newline_of(run.inst.lines[0]), doc.style.escape
    gap = " " if style.space_before_escape else ""
    if not operator:
        return f"{gap}{escape}{newline}{style.indent}"
    if style.operator_leads:
        return f"{gap}{escape}{newline}{style.indent}{operator} "
    return f" {operator}{gap}{escape}{newline}{style.indent}"


def _delete_word(run: RunScript, span: tuple[int, int]) -> Edit:
    """Delete a word with the blank before it, or its whole line when it stands alone on a continuation line."""
    start, end = run.doc_span(span)
    line = next(ln for ln in run.inst.lines if ln.start <= start < ln.end)
    rest = line.content[end - line.start:].strip()
    if not line.content[:start - line.start].strip() and rest in ("", run.inst.escape) and line is not run.inst.lines[-1]:
        return Edit.delete(line.start, line.end)
    spaced = run.source.text[span[0] - 1:span[0]].isspace()
    return Edit.delete(*run.doc_span((span[0] - 1 if spaced else span[0], span[1])))


def _keep_debs(doc: Dockerfile, runs: list[tuple[Stage, RunScript]], changed: set[int]) -> Iterator[int]:
    """The first mounted apt RUN of each stage (by ``id``), which drops the docker-clean hook that deletes the
    downloaded packages (Debian's and Ubuntu's images), unless that stage or one it is built FROM did already."""
    done: set[int] = set()
    for stage, run in runs:
        lineage = {stage.index, *(s.index for s in doc.ancestors(stage))}
        if "docker-clean" in run.inst.text:
            done.add(stage.index)
        elif id(run.inst) in changed and _runs(APT, run) and not lineage & done:
            done.add(stage.index)
            yield id(run.inst)


PASS = Pass(
    # Trigger: it reports only RUNs whose commands use one of its tools, named by these words.
    triggers=("apt", "pip", "npm", "yarn", "pnpm", "mvn", "gradle", "go"),
    id=ID,
    name=NAME,
    title="Keep package downloads in BuildKit cache mounts (opt-in: --buildkit)",
    what="""
        Only with `--buildkit` (config `buildkit = true`). Adds `RUN --mount=type=cache,...` to every RUN that
        downloads packages, so a rebuild after a manifest change fetches only what changed:
        - apt (`apt-get`/`apt` update, install, upgrade ...): `/var/cache/apt` and `/var/lib/apt`, both with
          `sharing=locked` (apt takes locks there). The first such RUN of a stage also removes Debian's and
          Ubuntu's `docker-clean` hook, which deletes every downloaded package, and sets
          `Keep-Downloaded-Packages`; the RUN's `rm -rf /var/lib/apt/lists/*` and `apt-get clean` steps go:
          they would empty the cache the mount keeps.
        - pip (`pip install/download/wheel`): `/root/.cache/pip`, and the command's `--no-cache-dir` goes.
        - npm (`npm ci/install`): `/root/.npm`.
        - yarn 1 (`yarn`, `yarn install/add`): `/usr/local/share/.cache/yarn` (root's yarn cache), locked;
          only when the build context shows yarn 1 (no `.yarnrc.yml`, no `packageManager: yarn@2+`).
        - pnpm (`pnpm install/add/fetch`): the store, `/root/.local/share/pnpm/store`.
        - Maven (`mvn`, `mvnw`): the local repository `/root/.m2/repository`, locked (Maven does not share
          it safely between concurrent builds); `settings.xml` beside it stays in the image.
        - Gradle (`gradle`, `gradlew`): `/root/.gradle/caches` and the wrapper's distributions
          `/root/.gradle/wrapper`.
        - Go (`go mod/build/install/test ...` on the official golang image): `/go/pkg/mod` and
          `/root/.cache/go-build`.
        Adds `# syntax=docker/dockerfile:1` at the top when the file has no syntax directive.

        A tool is mounted in every RUN that uses it or in none (a RUN without the mount would not see what
        another downloaded into it). Not mounted, with the reason in the finding, when a variable, an option
        or a project file moves the cache (`PIP_CACHE_DIR`, `PIP_NO_CACHE_DIR`, `XDG_CACHE_HOME`, `HOME`,
        `npm_config_cache`, `YARN_CACHE_FOLDER`, `PNPM_HOME`, `npm_config_store_dir`, `GRADLE_USER_HOME`,
        `GOPATH`, `GOMODCACHE`, `GOCACHE`, `GOFLAGS`; `MAVEN_OPTS` with `maven.repo.local`; `--cache-folder`,
        `--store-dir`, `-s`/`--settings`, `-Dmaven.repo.local`, `-g`; `.npmrc` `store-dir`,
        `.mvn/maven.config`), when a root's cache is used by a RUN that may not run as root (a USER, or a
        base image not known to run as root, such as the official gradle image), when the Go module path
        is not the official golang image's, when yarn's version is unknown or may be switched (`corepack`),
        when something else reads the downloads (another RUN or CMD naming the cache, a `COPY --from` of
        it) or the image runs the tool at start (`CMD mvn spring-boot:run`, `go run`: it would download
        everything again), when apt's cleanup is not a separate `&&` step, when a RUN cleans the tool's
        cache, or in an ONBUILD trigger.
    """,
    why="""
        A RUN's layer is rebuilt whenever the manifest it installs from changes, and then every package is
        downloaded again. A cache mount keeps the downloads on the builder between builds (outside the
        image), so the rebuild fetches only what is new, and the cleanup tricks that keep caches out of the
        image (`--no-cache-dir`, `rm -rf /var/lib/apt/lists/*`) are no longer needed.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because the build now needs BuildKit (or buildah >= 1.24): the legacy builder rejects
        `--mount`; the cache directories are no longer in the image (apt's lists and `extended_states`: apt in
        a container of the image needs `apt-get update` first, and `apt-get autoremove` no longer knows which
        packages were installed automatically); the image keeps the `keep-cache` apt setting instead of
        `docker-clean`; and the cache is shared by every build on the builder (a cache left by another
        Dockerfile may hold other package lists until `apt-get update` runs); the downloads (Maven's
        repository, Gradle's caches, Go modules) are no longer in the image: the pass does not mount them when
        the image or another step reads them, which it recognises only by the cache's path or the tool's
        name in CMD, ENTRYPOINT, HEALTHCHECK, RUN and `COPY --from`.
    """,
    examples=(Example(
        before=("FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl "
                "&& rm -rf /var/lib/apt/lists/*\n"),
        after=("# syntax=docker/dockerfile:1\nFROM debian:12\n"
               "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked "
               "--mount=type=cache,target=/var/lib/apt,sharing=locked " + KEEP_DEBS + " && apt-get update && "
               "apt-get install -y --no-install-recommends curl\n"),
        config={"unsafe": True, "options": {"buildkit": True}}),),
    options=(BUILDKIT,),
    check=check,
)
