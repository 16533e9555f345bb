"""DO306 python-multi-stage: pip's build packages stay in a builder stage, a venv goes to -slim (documented in PASS)."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Sequence

from ..builders import New, append_stage, insert_above, name_stage, new, written
from ..context.manifests import parse_requirements
from ..edits import Edit
from ..facts.commands import shell_form_words
from ..facts.copies import landing, normalise, workdir_in_force
from ..facts.dev_packages import DEFAULT_RELEASES, RELEASES, build_only, is_dev, runtime_libraries
from ..facts.images import ImageRef, image_ref
from ..facts.packages import installs, packages
from ..facts.runscript import RunScript, run_script
from ..model import Dockerfile, Instruction, Stage
from ..record import field, record
from ..shell import parse_script
from ..shell.grammars import PYTHON_NAME
from .base import Example, Finding, Fix, Pass, Safety
from .multi_stage import declares, free_stage_name

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

ID, NAME = "DO306", "python-multi-stage"

_VENV = "/opt/venv"
#: Steps an install RUN may hold beside apt-get and pip: they change nothing the runtime stage needs.
_HARMLESS = frozenset({"set", "true", ":", "echo", "printf", "pwd", "ls", "cd", "export"})
#: Steps that may run in the runtime stage as they ran in the original image (file and account set-up).
_REPLAYABLE = _HARMLESS | frozenset({"mkdir", "chmod", "chown", "chgrp", "ln", "rm", "cp", "mv", "touch", "useradd",
                                     "groupadd", "adduser", "addgroup", "usermod", "install", "sed", "find", "test",
                                     "cat", "tee", "apt-get", "apt", "dpkg-reconfigure", "update-ca-certificates"})
#: Programs the build packages bring (gone from the runtime stage).
_BUILD_PROGRAMS = frozenset({"gcc", "g++", "cc", "c++", "cpp", "clang", "make", "cmake", "ninja", "meson", "ld",
                             "as", "pkg-config", "pkgconf", "autoconf", "automake", "libtool", "swig", "bison", "flex",
                             "cargo", "rustc", "patch"})
#: Programs the full python image has and -slim lacks (when not installed by the stage).
_FULL_ONLY = frozenset({"curl", "wget", "git", "ssh", "scp", "hg", "svn", "bzr", "gpg", "unzip", "xz", "bzip2",
                        "file", "procps", "ps", "netstat", "less", "vim"})
_APT = ("apt-get", "apt")
_APT_STEPS = frozenset({"update", "install", "clean", "autoclean", "upgrade", "dist-upgrade"})
_PIP_OUTSIDE = ("--user", "-t", "--target", "--prefix", "--root", "--src")
_ARCHIVES = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")
_PIP_ENV = ("PIP_USER", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PYTHONUSERBASE", "PIP_SRC")
_CARRIED = frozenset({"ENV", "ARG", "LABEL", "EXPOSE", "VOLUME", "USER", "WORKDIR", "STOPSIGNAL", "HEALTHCHECK",
                      "ENTRYPOINT", "CMD", "COPY", "ADD", "MAINTAINER"})


@record(frozen=False)
class _Plan:
    """What the stage does, read for the rewrite, and why it cannot be rewritten."""

    releases: tuple[str, ...] = DEFAULT_RELEASES
    venv: str = _VENV
    made_venv: Instruction | None = None  # the RUN that creates an existing venv
    first_pip: int = -1
    last_pip: int = -1
    build: list[str] = field(default_factory=list)  # build packages installed, in order
    runtime: list[str] = field(default_factory=list)  # library packages the runtime stage installs for them
    kept: set[str] = field(default_factory=set)  # other packages the stage installs (kept in the runtime)
    projects: list[str] = field(default_factory=list)  # project folders pip builds in place
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)


def check(doc: Dockerfile, context: BuildContext, config: Config) -> list[Finding]:
    if not doc.stages:
        return []
    stage = doc.stages[-1]
    ref = image_ref(stage.base)
    if ref is None or not ref.official or ref.name != "python" or doc.parent_of(stage) is not None:
        return []
    words = ref.tag_words
    if any(w in ("windowsservercore", "nanoserver") for w in words):
        return []
    if any(i.keyword in ("ONBUILD", "SHELL") for i in stage.instructions):
        return []
    runs = {id(i): run_script(doc, i) for i in stage.instructions if i.keyword == "RUN"}
    build_at = [n for n, i in enumerate(stage.instructions) if _build_install(runs.get(id(i)))]
    pip_at = [n for n, i in enumerate(stage.instructions) if _pip_installs(runs.get(id(i)))]
    if not build_at or not pip_at or max(pip_at) < build_at[0] or max(build_at) > max(pip_at):
        return []
    purges = [i for i in stage.instructions for r in [runs.get(id(i))] if r and any(
        c.is_(a, s) for c in r.script.commands for a in _APT for s in ("purge", "remove", "autoremove"))]
    if any(_build_install(runs.get(id(i))) or _pip_installs(runs.get(id(i))) for i in purges):
        return []  # the stage removes what it built with in the same layer
    releases = next(((r,) for r in RELEASES if r in words), DEFAULT_RELEASES)
    plan = _Plan(releases, first_pip=min(pip_at), last_pip=max(pip_at))
    alpine = any(w.startswith("alpine") for w in words)
    slim = _slim(ref)
    _read_venv(doc, stage, runs, plan)
    _read_runs(doc, stage, runs, plan, releases, slim != stage.base)
    _read_pip(doc, context, stage, runs, plan)
    _read_settings(doc, stage, plan, slim != stage.base)
    for inst in purges:
        plan.problem(f"line {inst.start_line} removes packages in a later layer (the layers below keep them): "
                     "drop it with the build packages")
    name = stage.name or free_stage_name(doc)
    build = ", ".join(plan.build[:4]) + (" ..." if len(plan.build) > 4 else "")
    libraries = ", ".join(plan.runtime)
    message = (f"`{stage.base}` keeps {build} (packages that build wheels for pip) in the image: install into a "
               f"venv in a stage `{name}` and copy `{plan.venv}` to `{slim}`"
               + (f", which installs only the libraries {libraries}" if libraries else ""))
    if alpine:
        plan.problem("the Alpine packages that the -dev packages' libraries need at run time are not modelled")
    if ref.digest and slim != stage.base:
        plan.problem(f"the base is pinned by digest: pin `{slim}` by its own digest")
    if plan.problems:
        return [PASS.finding(stage.from_.start_line, message, risk="; ".join(plan.problems))]
    edits = _edits(doc, stage, runs, plan, name, slim)
    risk = (f"the runtime stage has the venv{' and the libraries ' + libraries if libraries else ''}"
            ", but no compilers or headers: a package that compiles at run time, or loads another library the "
            f"build packages brought, fails; pip's packages and scripts live in {plan.venv} instead of "
            "/usr/local (PATH finds them first)")
    if slim != stage.base:
        plan.notes.append(f"`{slim}` lacks the libraries and tools of the full image (libxml2, libjpeg, libpq, git, "
                          "curl ...) that a wheel built here may link, or a script the image runs may call, without "
                          "the stage installing them")
    changes = ((plan.venv, f"{plan.venv}/**") if plan.made_venv is None else ()) + tuple(
        f"{folder.rstrip('/')}/{pattern}" for folder in plan.projects
        for pattern in ("build", "build/**", "**/*.egg-info", "**/*.egg-info/**"))
    if plan.projects:
        plan.notes.append(f"pip builds {', '.join(plan.projects)} in place: its build/ and *.egg-info folders stay in "
                          "the builder")
    risk += "".join(f"; {note}" for note in plan.notes)
    return [PASS.finding(stage.from_.start_line, message,
                         Fix(tuple(edits), Safety.UNSAFE, declares(doc, edits), image_changes=changes,
                             relocates=_relocates(plan)), risk=risk)]


def _relocates(plan: _Plan) -> tuple[tuple[str, str], ...]:
    """Where pip's packages and scripts were (the official image's /usr/local) and where they are now (a new venv)."""
    if plan.made_venv is not None:
        return ()
    return (("/usr/local/lib/python*/site-packages", f"{plan.venv}/lib/python*/site-packages"),
            ("/usr/local/bin/", f"{plan.venv}/bin/"))


def _build_install(run: RunScript | None) -> bool:
    return run is not None and any(build_only(p) or is_dev(p) for c in run.script.commands for p in packages(c)
                                   if any(c.is_(a, "install") for a in _APT))


def _pip_installs(run: RunScript | None) -> list[Command]:
    return [c for c in run.script.commands if c.is_("pip", "install")] if run else []


def _venv_made(command: Command) -> str | None:
    """The folder ``python -m venv DIR`` / ``virtualenv DIR`` creates."""
    values = [w.value for w in command.words]
    if command.name and PYTHON_NAME.fullmatch(posixpath.basename(command.name)) and values[:2] == ["-m", "venv"]:
        rest = [v for v in values[2:] if v is None or not v.startswith("-")]
    elif command.name and posixpath.basename(command.name) == "virtualenv":
        rest = [v for v in values if v is None or not v.startswith("-")]
    else:
        return None
    return normalise(rest[0]) if len(rest) == 1 and rest[0] and rest[0].startswith("/") else "?"


def _slim(ref: ImageRef) -> str:
    """The -slim variant of a python tag (``3.12`` -> ``3.12-slim``, ``3.12-bookworm`` -> ``3.12-slim-bookworm``);
    a slim tag stays as it is, digest included."""
    tag = ref.tag if ref.tag not in (None, "latest") else ""
    if "slim" in ref.tag_words:
        return ref.with_tag(ref.tag or "slim") + (f"@{ref.digest}" if ref.digest else "")
    head, _, codename = tag.rpartition("-")
    if head and codename and not codename[0].isdigit():
        return ref.with_tag(f"{head}-slim-{codename}")
    return ref.with_tag(f"{tag}-slim" if tag else "slim")


def _read_venv(doc: Dockerfile, stage: Stage, runs: dict[int, RunScript | None], plan: _Plan) -> None:
    """An existing venv: created before the first pip install and first on PATH there."""
    made = [(i, v) for i in stage.instructions[:plan.first_pip + 1] for r in [runs.get(id(i))] if r
            for c in r.script.commands for v in [_venv_made(c)] if v]
    if not made:
        return
    if len(made) > 1 or made[0][1] == "?":
        plan.problem("the stage creates a virtualenv whose folder is not one literal path")
        return
    plan.made_venv, plan.venv = made[0][0], made[0][1]


def _read_runs(doc: Dockerfile, stage: Stage, runs: dict[int, RunScript | None], plan: _Plan,
               releases: tuple[str, ...], new_base: bool) -> None:
    """The packages and programs of every RUN, and which of them the runtime stage can do without."""
    for index, inst in enumerate(stage.instructions):
        if inst.keyword != "RUN":
            continue
        run = runs.get(id(inst))
        if run is None:
            plan.problem(f"line {inst.start_line} cannot be read")
            continue
        dropped = index <= plan.last_pip and (_build_install(run) or bool(_pip_installs(run)) or inst is plan.made_venv)
        beside: list[str] = []
        for command in run.script.commands:
            program = posixpath.basename(command.name or "?")
            if installs(command):
                _read_install(inst, command, plan, releases, dropped)
            elif dropped and not (command.is_("pip", "install") or _venv_made(command) or _apt_step(command)
                                  or program in _HARMLESS or _lists_cleanup(command) or _apt_setup(command)):
                beside += [program] if program not in beside else []
            elif program in _BUILD_PROGRAMS and index > plan.last_pip:
                plan.problem(f"line {inst.start_line} runs {program} after the pip installs: the runtime stage "
                             "has no build tools")
            elif not dropped and index > plan.first_pip and not _replayable(command):
                plan.problem(f"line {inst.start_line} runs {program}, which may need what the build packages "
                             "brought")
            elif not dropped and new_base and program in _FULL_ONLY:
                plan.problem(f"line {inst.start_line} runs {program}, which the -slim image does not have")
            elif not dropped and index > plan.last_pip and PYTHON_NAME.fullmatch(program):
                note = f"line {inst.start_line} runs {program} in the runtime stage, without the build packages"
                if note not in plan.notes:
                    plan.notes.append(note)
        if beside:
            plan.problem(f"line {inst.start_line} also runs {' and '.join(beside)} beside the installs: the runtime "
                         "stage would not have what that sets up")


def _replayable(command: Command) -> bool:
    program = posixpath.basename(command.name or "?")
    return program in _REPLAYABLE or bool(PYTHON_NAME.fullmatch(program))


def _apt_step(command: Command) -> bool:
    return any(command.is_(a) and command.subcommand in _APT_STEPS for a in _APT)


def _apt_setup(command: Command) -> bool:
    """``rm -f /etc/apt/apt.conf.d/docker-clean`` (DO114 keeps apt's downloads for a cache mount): the
    builder's own apt set-up, left out of the runtime stage's install."""
    return command.name == "rm" and all(w.value is not None and (w.value.startswith("-")
                                                                 or w.value.startswith("/etc/apt/apt.conf.d/"))
                                        for w in command.words)


def _lists_cleanup(command: Command) -> bool:
    return command.name == "rm" and all(w.value is not None and (w.value.startswith("-")
                                                                 or w.value.startswith("/var/lib/apt/lists")
                                                                 or w.value.startswith("/var/cache/apt")
                                                                 or w.value.startswith("/tmp/"))
                                        for w in command.words)


def _read_install(inst: Instruction, command: Command, plan: _Plan, releases: tuple[str, ...], dropped: bool) -> None:
    names = [w.value or "?" for w in command.positional()]
    if not any(command.is_(a, "install") for a in _APT):
        plan.problem(f"line {inst.start_line} installs with {command.name}: only apt-get is modelled")
        return
    for name in names:
        if name == "?" or not re.fullmatch(r"[a-z0-9][a-z0-9+.\-]*", name):
            plan.problem(f"line {inst.start_line} installs `{name}`, which is not a literal package name")
        elif not dropped or not (build_only(name) or is_dev(name)):
            plan.kept.add(name)
        elif build_only(name):
            plan.build.append(name)
        else:
            plan.build.append(name)
            libraries = runtime_libraries(name, releases)
            if libraries is None:
                plan.problem(f"the library package that {name} links at run time is not known for "
                             f"{'/'.join(releases)}: install it in the runtime stage"
                             + ("" if len(releases) == 1 else " (or name the Debian release in the tag)"))
            else:
                plan.runtime += [lib for lib in libraries if lib not in plan.runtime]


def _read_pip(doc: Dockerfile, context: BuildContext, stage: Stage, runs: dict[int, RunScript | None],
              plan: _Plan) -> None:
    """Every pip install must write into the venv, from the index (not the build context's sources)."""
    venv_bin = plan.venv + "/bin/"
    on_path = plan.made_venv is None or _venv_on_path(stage, plan)
    for inst in stage.instructions[:plan.last_pip + 1]:
        for command in _pip_installs(runs.get(id(inst))):
            line = inst.start_line
            python = next((w.split()[0] for w in command.wrappers if PYTHON_NAME.fullmatch(
                posixpath.basename(w.split()[0]))), None)
            called = python if python is not None else command.name or "pip"
            if called.startswith("/") and not called.startswith(venv_bin):
                plan.problem(f"line {line} runs {called}, which installs outside the venv")
            elif "/" not in called and not on_path:
                plan.problem(f"line {line} runs {called} from PATH, where {plan.venv}/bin is not first")
            if inst.keyword == "RUN" and _user_before(stage, inst):
                plan.problem(f"line {line} runs pip as a user other than root")
            for option in command.options():
                if option.canonical in _PIP_OUTSIDE:
                    plan.problem(f"line {line} runs pip with {option.name}: the packages are not in the venv")
                elif option.canonical in ("-e", "--editable"):
                    plan.problem(f"line {line} installs editable (-e): the venv points into the builder's sources")
            run = runs.get(id(inst))
            moved = run is not None and any(c.name == "cd" for c in run.script.commands)
            for word in command.positional():
                _local(doc, inst, word.value, moved, plan)
            for requirements in command.option_values("-r"):
                _read_requirements(doc, context, inst, requirements, moved, plan)
    for inst in stage.instructions:
        if inst.keyword == "ENV" and any(k in _PIP_ENV for k in inst.value[::2]):
            plan.problem(f"line {inst.start_line} sets where pip installs")


def _local(doc: Dockerfile, inst: Instruction, value: str | None, moved: bool, plan: _Plan) -> None:
    """A requirement that is a path: a project folder pip builds (in place, so its build/ and *.egg-info
    folders are left in the builder's sources, not in the runtime stage's copy) or an archive."""
    line = inst.start_line
    if value is None or "$" in value:
        plan.problem(f"line {line} installs a requirement the shell expands")
        return
    if not value.startswith((".", "/")) and "/" not in value and not value.endswith(_ARCHIVES):
        return  # a name from the index
    if "://" in value or "@" in value:
        return
    workdir = workdir_in_force(doc, inst)
    if moved or (workdir is None and not value.startswith("/")):
        plan.problem(f"line {line} installs `{value}` from a folder that is not known")
        return
    if not value.endswith(_ARCHIVES):
        folder = normalise(posixpath.join(workdir or "/", value))
        if folder not in plan.projects:
            plan.projects.append(folder)


def _venv_on_path(stage: Stage, plan: _Plan) -> bool:
    for inst in stage.instructions[:plan.first_pip]:
        if inst.keyword == "ENV":
            values = dict(zip(inst.value[::2], inst.value[1::2]))
            if values.get("PATH", "").strip("\"'").split(":")[0] in (plan.venv + "/bin", plan.venv + "/bin/"):
                return True
    return False


def _user_before(stage: Stage, inst: Instruction) -> bool:
    users = [i.value[0].split(":")[0] for i in stage.instructions[:stage.instructions.index(inst)]
             if i.keyword == "USER" and i.value]
    return bool(users) and users[-1] not in ("root", "0")


def _read_requirements(doc: Dockerfile, context: BuildContext, inst: Instruction, path: str | None, moved: bool,
                       plan: _Plan) -> None:
    if not getattr(context, "known", False) or not path or "$" in path:
        return
    where = path if path.startswith("/") else posixpath.join(workdir_in_force(doc, inst) or "/", path)
    candidates = [p for p in context.included if where.endswith("/" + p)]
    text = context.read_text(candidates[0]) if len(candidates) == 1 else None
    if text is None:
        return
    facts = parse_requirements(text)
    if facts.editables:
        plan.problem(f"{candidates[0]} installs `{facts.editables[0]}` editable: the venv points into the builder's "
                     "sources")
    for local in facts.paths:
        _local(doc, inst, local, moved, plan)


def _read_settings(doc: Dockerfile, stage: Stage, plan: _Plan, new_base: bool) -> None:
    """The command, entrypoint and health check must find their programs in the runtime stage."""
    for inst in stage.instructions:
        if inst.keyword not in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            continue
        values = list(inst.value)
        if inst.keyword == "HEALTHCHECK":
            if not values or values[0].upper() != "CMD":
                continue
            values = values[1:]
        programs = _programs(values if inst.exec_form else [" ".join(values)], inst.exec_form)
        for program in programs:
            base = posixpath.basename(program)
            if base in _BUILD_PROGRAMS:
                plan.problem(f"line {inst.start_line} runs {base}, which the runtime stage does not have")
            elif new_base and base in _FULL_ONLY and base not in plan.kept:
                plan.problem(f"line {inst.start_line} runs {base}, which the -slim image does not have")
            elif program.startswith("/usr/local/bin/") and not PYTHON_NAME.fullmatch(base):
                plan.problem(f"line {inst.start_line} runs {program}: pip's scripts move to {plan.venv}/bin")


def _programs(values: Sequence[str], exec_form: bool) -> list[str]:
    """The programs a CMD/ENTRYPOINT/HEALTHCHECK command runs (a shell's ``-c`` script read too)."""
    if exec_form:
        if len(values) >= 3 and posixpath.basename(values[0]) in ("sh", "bash") and values[1] == "-c":
            return _programs([values[2]], False)
        return list(values[:1])
    script = parse_script(values[0]) if values else None
    if script is None or script.has_errors:
        words = shell_form_words(values[0]) if values else None
        return [w for w in words[:1] if w] if words else []
    return [c.name for c in script.commands if c.name]


def _edits(doc: Dockerfile, stage: Stage, runs: dict[int, RunScript | None], plan: _Plan, name: str,
           slim: str) -> list[Edit]:
    edits: list[Edit] = [name_stage(doc, stage, name)] if stage.name is None else []
    instructions = stage.instructions
    first_pip = instructions[plan.first_pip]
    venv_env = new("ENV", f'PATH="{plan.venv}/bin:$PATH"')
    if plan.made_venv is None:
        edits += insert_above(doc, _venv_anchor(doc, stage, plan), [new("RUN", f"python -m venv {plan.venv}"), venv_env])
    block: list[New | str] = [new("FROM", slim)]
    for index, inst in enumerate(instructions[:plan.last_pip + 1]):
        run = runs.get(id(inst))
        if inst.keyword != "RUN":
            if inst.keyword in _CARRIED:
                block.append(written(inst))
            continue
        if run is None or not (_build_install(run) or _pip_installs(run) or inst is plan.made_venv):
            block.append(written(inst))
            continue
        install = _runtime_install(run, plan.releases)
        if install:
            block.append(new("RUN", install))
        if index == plan.first_pip:
            block.append(new("COPY", f"--from={name}", plan.venv, plan.venv))
            if plan.made_venv is None:
                block.append(venv_env)
    return edits + append_stage(doc, block, instructions[plan.last_pip + 1:])


def _venv_anchor(doc: Dockerfile, stage: Stage, plan: _Plan) -> Instruction:
    """Where the builder makes the venv: above the first pip install and the copies right before it (making the
    venv reads none of them unless they land in it), so that a source edit does not make the venv again and
    DO205 can still put the dependency manifests first."""
    index = plan.first_pip
    while index > 0 and stage.instructions[index - 1].keyword in ("COPY", "ADD"):
        lands = landing(doc, stage.instructions[index - 1])
        if lands is None or lands == plan.venv or lands.startswith(plan.venv + "/") or plan.venv.startswith(lands + "/"):
            break
        index -= 1
    return stage.instructions[index]


def _runtime_install(run: RunScript, releases: tuple[str, ...]) -> str:
    """The RUN's apt-get steps with only the packages the runtime keeps: the other packages and the -dev
    packages' libraries ("" when none is left)."""
    steps: list[str] = []
    kept_any = False
    for step in run.script.chain:
        command = step.command
        if command is None or not (_apt_step(command) or _lists_cleanup(command)):
            continue
        if not installs(command):
            steps.append(run.text_of(command.span))
            continue
        names: list[str] = []
        for word in command.positional():
            value = word.value or ""
            if not (build_only(value) or is_dev(value)):
                names.append(word.text_raw)
            elif is_dev(value):
                names += [lib for lib in runtime_libraries(value, releases) or () if lib not in names]
        if not names:
            continue
        kept_any = True
        operands = set(map(id, command.positional()))
        prefix = run.text_of((command.span[0], command.name_span[1]))
        steps.append(" ".join([prefix, *(w.text_raw for w in command.words if id(w) not in operands), *names]))
    return " && ".join(steps) if kept_any else ""








PASS = Pass(
    # Trigger: it reports only a final stage FROM the official `python` image (a variable in FROM is no image).
    triggers=("python",),
    id=ID,
    name=NAME,
    title="Build Python wheels in a builder stage and run from a venv on the -slim image",
    what="""
        Shape: the final stage is `FROM python:...` (Debian tags: `3.N`, `3.N-bookworm`, `3.N-slim` ...; not
        built from another stage), a RUN installs build packages with apt-get (compilers, `build-essential`,
        `python3-dev`, `-dev` libraries such as `libpq-dev`, `libffi-dev`), and a later RUN runs
        `pip install`. The stage becomes the builder (`AS build`, or its name; its lines stay), where
        `RUN python -m venv /opt/venv` and `ENV PATH="/opt/venv/bin:$PATH"` go above the first pip install
        and the COPY/ADD lines right before it (making the venv reads none of them, so a source edit does not
        make it again, and DO205 can still copy the requirements first in the builder); a venv the stage
        already creates and puts first on PATH is used instead. A runtime stage is
        appended on the `-slim` variant of the same tag (`3.12` -> `3.12-slim`, `3.12-bookworm` ->
        `3.12-slim-bookworm`; a slim tag stays as written, digest included): the stage's instructions up to
        the last pip install again, where the install RUNs become one `apt-get install` of the packages that
        were not build packages plus the libraries the `-dev` packages' code links at run time
        (`libpq-dev` -> `libpq5`, `libffi-dev` -> `libffi8`, ... per Debian release, from
        `optimizer/facts/dev_packages.py`) and the first pip RUN becomes `COPY --from=build /opt/venv
        /opt/venv` and the PATH line; then every instruction after the last pip install moves there with
        its comments (the sources' COPY, EXPOSE, USER, CMD ...).

        The Debian release comes from the tag (bullseye, bookworm, trixie); a tag without one may be
        bookworm or trixie, so a library is named only when both call it alike. A local project (`pip
        install .`, a folder named in the requirements file) is built into the venv too; pip builds it in
        place, so its `build/` and `*.egg-info` folders stay in the builder (the fix declares them to
        `dockeropt verify`, with the new venv).
    """,
    why="""
        gcc, the headers and `build-essential` are 200-400 MB that only `pip install` used, once, to
        compile wheels (psycopg2, mysqlclient, uwsgi, anything without a wheel for the platform). Built in
        a venv in a builder stage, the packages copy as one folder to `-slim` (~130 MB instead of ~1 GB),
        which gets only the shared libraries the compiled code loads: smaller pulls and far fewer CVEs.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because the runtime stage has no compilers, headers or other build packages, and on `-slim`
        none of the full image's libraries and tools: code that compiles at run time, loads a library the
        build packages brought that the table does not name, or runs a tool of the full image would fail;
        pip's packages and console scripts move from /usr/local to the venv (its interpreter links to the
        same /usr/local/bin/python of the same tag). Only a suggestion (no fix; the risk says what is
        missing) when: a `-dev` package's runtime library is not known for the release (or differs between
        bookworm and trixie for a tag without a release); an install RUN also runs another program; a RUN
        before, between or after the installs runs a program that is not file or account set-up (or
        python, noted in the risk) or a build tool, or a tool -slim lacks; pip installs outside the venv
        (`--user`, `--target`, `--prefix`, `--root`, an absolute pip or python path, PIP_USER/PIP_TARGET
        ...); an editable install (`-e`, also in the requirements file), whose venv would point into the
        builder's sources; a local project installed after a `cd`; pip runs as a user other than root; a
        later RUN removes packages (the layers below keep them: drop it with the fix); the command,
        entrypoint or health check runs a build tool, a tool -slim lacks (`curl` not installed), or a
        script by its /usr/local/bin path; the base is Alpine (its library packages are not modelled) or
        pinned by a digest that the -slim tag does not share. No finding when the RUN that installs the
        build packages or runs pip also purges or autoremoves them (they never reach a layer).
    """,
    examples=(Example(
        before=("FROM python:3.12\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev "
                "&& rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY requirements.txt .\n"
                "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"gunicorn\", \"app:app\"]\n"),
        after=("FROM python:3.12 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc "
               "libpq-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\n"
               "RUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nCOPY requirements.txt .\n"
               "RUN pip install --no-cache-dir -r requirements.txt\n\nFROM python:3.12-slim\n"
               "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\n"
               "WORKDIR /app\nCOPY requirements.txt .\nCOPY --from=build /opt/venv /opt/venv\n"
               "ENV PATH=\"/opt/venv/bin:$PATH\"\nCOPY . .\nCMD [\"gunicorn\", \"app:app\"]\n"),
        config={"unsafe": True}),),
    check=check,
    image_changes=("new-root",),
)
