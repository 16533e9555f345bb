"""DO302 go-multi-stage: a golang image gets a builder and a small runtime stage (documented in PASS)."""

from __future__ import annotations

import json
import posixpath
from typing import TYPE_CHECKING, Sequence

from ..builders import New, append_stage, name_stage, new, written
from ..edits import Edit
from ..facts.commands import StageCommand, shell_form_words, stage_command
from ..facts.copies import from_context, landing, normalise, sources, workdir_in_force
from ..facts.images import ImageRef, image_ref
from ..facts.packages import installed_packages
from ..facts.runscript import RunScript, env_in_force, run_script
from ..model import Dockerfile, Instruction, Stage
from ..record import record
from .base import Example, Finding, Fix, Option, Pass, Safety
from .multi_stage import declares, free_stage_name

GO_RUNTIME = Option("go-runtime", "distroless", "runtime image", choices=("distroless", "debian", "scratch", "alpine"))

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command, Word

ID, NAME = "DO302", "go-multi-stage"

_CARRIED = ("ENV", "EXPOSE", "LABEL", "VOLUME", "USER", "STOPSIGNAL", "HEALTHCHECK", "ENTRYPOINT", "CMD")
_ADDITIVE = ("ENV", "EXPOSE", "LABEL", "VOLUME")
_METADATA = (*_CARRIED, "WORKDIR", "ARG", "MAINTAINER")
#: ENV keys that configure the Go toolchain, not the program.
_GO_ENV = ("GO", "CGO_", "PATH")
#: Packages a Go build installs for itself (compilers, VCS), or that every runtime image has.
_BUILD_PACKAGES = frozenset({"git", "gcc", "g++", "make", "musl-dev", "build-base", "libc-dev", "libc6-dev",
                             "binutils", "upx", "mercurial", "bzr", "openssh-client", "ca-certificates", "tzdata"})
_C_COMPILERS = frozenset({"gcc", "g++", "clang", "build-base", "musl-dev"})
_SETUP_PROGRAMS = frozenset({"go", "mkdir", "ls", "echo", "true", "set", "pwd", "printf", ":", "apt-get", "apt",
                             "apk", "rm", "cd", "chmod"})
#: Files of a Go project that a build reads and a running program does not.
_BUILD_ONLY_SUFFIXES = (".go", ".mod", ".sum", ".md", ".txt", ".sh", ".bat", ".ps1", ".s", ".c", ".h",
                        ".proto", ".Dockerfile", ".dockerignore", ".gitignore", ".gitattributes", ".lock")
_BUILD_ONLY_NAMES = ("LICENSE", "Makefile", "Dockerfile", "Taskfile", "docker-compose", "compose", "CODEOWNERS",
                     "NOTICE", "AUTHORS", "README", ".")
_BUILD_ONLY_DIRS = ("vendor/", "testdata/", "docs/", "doc/", "scripts/", "hack/", "test/", "tests/", ".github/")
_MAX_CARRIED = 4  # more folders of run-time files than this: a human picks what the program reads
#: ``go build`` flags that take a value (``go help build``).
_GO_VALUE_FLAGS = frozenset({"o", "p", "C", "tags", "ldflags", "gcflags", "asmflags", "gccgoflags", "mod", "modfile",
                             "overlay", "pgo", "pkgdir", "buildmode", "compiler", "installsuffix", "toolexec",
                             "covermode", "coverpkg", "exec"})
_ALPINE = "alpine:3.21"
_DEBIAN = {"bookworm": "12", "bullseye": "11"}
_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
_ZONEINFO = "/usr/share/zoneinfo"


@record
class _Runtime:
    """The runtime image chosen, the lines it needs after FROM, and whether it has /bin/sh."""

    image: str
    setup: tuple[str, ...]
    shell: bool


def check(doc: Dockerfile, context: BuildContext, config: Config) -> list[Finding]:
    if not doc.stages:
        return []
    stage = doc.stages[-1]
    ref = image_ref(stage.base)
    if ref is None or not ref.official or ref.name != "golang" or doc.parent_of(stage) is not None:
        return []
    if any(i.keyword in ("ONBUILD", "SHELL") for i in stage.instructions):
        return []
    command = _command(stage)
    if command is None:
        return []
    if command[1][:2] == ["go", "run"]:
        return [PASS.finding(command[0][0].start_line, "the image compiles the program at every start (`go run`): "
                             "build it with `go build -o` in a builder stage and run the binary on a small image",
                             risk="the build moves into the image build; the runtime stage has only the binary")]
    builds = [(i, r, c) for i in stage.instructions for r in [run_script(doc, i)] if r is not None
              for c in r.script.commands if c.is_("go", "build")]
    if not builds:
        return []
    build_inst, run, build = builds[-1]
    output = _output(doc, run, build)
    binary = _resolve(command[1][0], workdir_in_force(doc, command[0][0]) or "/go", command=True)
    if output is None or binary != output:
        return []
    return [_finding(doc, context, config, stage, ref, command, build_inst, run, build, output)]


def _command(stage: Stage) -> StageCommand | None:
    """The ENTRYPOINT/CMD instructions that make up the command and its words; None when the command
    cannot be read or its program is not a plain word."""
    found = stage_command(stage, _words)
    return found if found is not None and found[1] and found[1][0] else None


def _words(inst: Instruction) -> list[str | None] | None:
    return list(inst.value) if inst.exec_form else shell_form_words(inst.arguments.text)


def _output(doc: Dockerfile, run: RunScript, build: Command) -> str | None:
    """The absolute path ``go build -o`` writes (None: no -o, a directory, or not known)."""
    values = _go_flag(build.words[1:], "o")
    if len(values) != 1 or not values[0] or values[0].endswith("/") or "$" in values[0]:
        return None
    cwd = workdir_in_force(doc, run.inst) or "/go"  # the golang images' WORKDIR
    for command in run.script.commands:
        if command is build:
            break
        if command.name == "cd" and command.top_level:
            target = command.words[0].value if command.words and command.words[0].is_static else None
            if target is None:
                return None
            cwd = posixpath.join(cwd, target)
    return _resolve(values[0], cwd)


def _go_flag(words: Sequence[Word], name: str) -> list[str | None]:
    """Values of a ``go build`` flag (Go's flag syntax: ``-o x``, ``--o=x``; flags end at the first
    package argument)."""
    found: list[str | None] = []
    i = 0
    while i < len(words) and (words[i].value or "").startswith("-"):
        flag, eq, inline = (words[i].value or "").lstrip("-").partition("=")
        takes = flag in _GO_VALUE_FLAGS and not eq
        if flag == name:
            found.append(inline if eq else words[i + 1].value if takes and i + 1 < len(words) else None)
        i += 2 if takes else 1
    return found


def _resolve(word: str | None, cwd: str | None, command: bool = False) -> str | None:
    """The absolute path a word names; a bare command name is looked up in PATH (None)."""
    if word is None or "$" in word:
        return None
    if word.startswith("/"):
        return normalise(word)
    if (command and "/" not in word) or cwd is None:
        return None
    return normalise(posixpath.join(cwd, word))


def _finding(doc: Dockerfile, context: BuildContext, config: Config, stage: Stage, ref: ImageRef, command: StageCommand,
             build_inst: Instruction, run: RunScript, build: Command, binary: str) -> Finding:
    static = _static(doc, stage, ref, build_inst, build)
    runtime, runtime_problem = _runtime(GO_RUNTIME.choice(config), static, ref)
    index = stage.instructions.index(build_inst)
    tail_at = max(i for i, inst in enumerate(stage.instructions) if inst.keyword not in _METADATA) + 1
    head, tail = stage.instructions[:tail_at], stage.instructions[tail_at:]
    problems = [runtime_problem] if runtime_problem else []
    later = stage.instructions[index + 1:tail_at]
    if later:
        problems.append(f"line {later[-1].start_line} runs after the build and may prepare what the program "
                        "needs; the runtime stage only gets the binary")
    problems += _setup_problems(doc, head[:index])
    data, data_problems = _data_copies(doc, context, stage)
    problems += data_problems
    problems += _carry_problems(stage, command, runtime, binary)
    name = stage.name or free_stage_name(doc)
    target = runtime.image if runtime else f"<runtime image for {GO_RUNTIME.of(config)}>"
    message = (f"`{stage.base}` ships the Go toolchain and sources with the binary: build in a stage `{name}` and "
               f"run `{binary}` on `{target}` (`COPY --from={name} {binary} {binary}`)")
    if problems or runtime is None:
        return PASS.finding(stage.from_.start_line, message, risk="; ".join(problems))
    edits = _edits(doc, stage, head, tail, name, runtime, [binary, *data], command)
    risk = (f"the runtime stage has only the binary{' and ' + ', '.join(data) if data else ''}: other files the "
            "program reads from the builder are gone"
            + ("" if any(i.keyword == "WORKDIR" for i in head) else "; the working directory is / instead of /go")
            + ("" if runtime.shell else ", and it has no shell or tools (`docker exec sh` fails)")
            + ("" if static else "; cgo is on, so the binary links the builder's glibc"))
    return PASS.finding(stage.from_.start_line, message, Fix(tuple(edits), Safety.UNSAFE, declares(doc, edits)),
                        risk=risk)


def _static(doc: Dockerfile, stage: Stage, ref: ImageRef, build_inst: Instruction, build: Command) -> bool:
    """The binary links no libc: CGO_ENABLED=0 for the build, or Alpine's golang without a C compiler."""
    for assignment in build.env:
        if assignment.name == "CGO_ENABLED":
            return assignment.value == "0"
    env = env_in_force(doc, build_inst, "CGO_ENABLED")
    if env is not None:
        return env == "0"
    if not _alpine(ref):
        return False
    return not (installed_packages(doc, stage.instructions) & _C_COMPILERS)


def _alpine(ref: ImageRef) -> bool:
    return any(w.startswith("alpine") for w in ref.tag_words)


def _runtime(kind: str, static: bool, ref: ImageRef) -> tuple[_Runtime | None, str]:
    """The runtime image for ``go-runtime`` and the binary's linking, or why there is none."""
    release = next((r for r in _DEBIAN if r in ref.tag_words), None)
    certs = "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata && " \
            "rm -rf /var/lib/apt/lists/*"
    if kind == "debian":
        if not static and release is None:
            return None, "cgo may be on and the builder's Debian release is not in its tag: the glibc must match"
        return _Runtime(f"debian:{release or 'bookworm'}-slim", (certs,), True), ""
    if kind in ("scratch", "alpine") and not static:
        return None, f"{kind} needs a static binary: build with CGO_ENABLED=0"
    if kind == "scratch":  # the builder's CA bundle, and its time zone database when it is Debian's
        zoneinfo = () if _alpine(ref) else (f"COPY --from={{stage}} {_ZONEINFO} {_ZONEINFO}",)
        return _Runtime("scratch", (f"COPY --from={{stage}} {_CA_BUNDLE} {_CA_BUNDLE}", *zoneinfo), False), ""
    if kind == "alpine":
        return _Runtime(_ALPINE, ("RUN apk add --no-cache ca-certificates tzdata",), True), ""
    if static:
        return _Runtime("gcr.io/distroless/static-debian12", (), False), ""
    if release is None:
        return None, ("cgo may be on (no CGO_ENABLED=0) and the builder's Debian release is not in its tag "
                      "(e.g. golang:1.22-bookworm): the runtime's glibc must match")
    return _Runtime(f"gcr.io/distroless/base-debian{_DEBIAN[release]}", (), False), ""


def _setup_problems(doc: Dockerfile, instructions: Sequence[Instruction]) -> list[str]:
    """Why what the stage set up before the build may be needed at run time."""
    problems = []
    extra = sorted(installed_packages(doc, instructions) - _BUILD_PACKAGES)
    if extra:
        problems.append(f"the stage installs {', '.join(extra[:3])}: the runtime image does not have them")
    for inst in instructions:
        if inst.keyword == "RUN":
            run = run_script(doc, inst)
            programs = {posixpath.basename(c.name or "?") for c in run.script.commands} if run else {"?"}
            if not programs <= _SETUP_PROGRAMS:
                other = sorted(programs - _SETUP_PROGRAMS)[0]
                problems.append(f"line {inst.start_line} runs {other}: what it sets up may be needed at run time")
        elif inst.keyword in ("COPY", "ADD") and not all(from_context(inst, s) for s in sources(inst)):
            problems.append(f"line {inst.start_line} copies from another image or URL")
    return problems


def _data_copies(doc: Dockerfile, context: BuildContext, stage: Stage) -> tuple[list[str], list[str]]:
    """Files of the build context, copied into the builder, that the program may read at run time: the
    image folders (or files) that hold them, to copy into the runtime stage, and why they cannot be."""
    if not getattr(context, "known", False):
        return [], []
    carried: set[str] = set()
    loose: list[str] = []
    for inst in (i for i in stage.instructions if i.keyword in ("COPY", "ADD")):
        for source in (s for s in sources(inst) if from_context(inst, s)):
            data = [p for p in sorted(context.included) if not _build_only(p) and _under(p, source)]
            folder = _folder(source, context)
            into = landing(doc, inst)
            if not data:
                continue
            if folder is None or into is None:
                loose += data
                continue
            carried |= {normalise(posixpath.join(into, _relative(p, folder).split("/")[0])) for p in data}
    if loose:
        return [], [f"the context has files the program may read at run time ({', '.join(loose[:3])}"
                    f"{' ...' if len(loose) > 3 else ''}): copy them into the runtime stage too"]
    if len(carried) > _MAX_CARRIED:
        return [], [f"{len(carried)} folders of files the program may read at run time: copy what it reads "
                    "into the runtime stage"]
    return sorted(carried), []


def _folder(source: str, context: BuildContext) -> str | None:
    """The context folder a COPY source names ("" for the root), None when it is a file or a pattern."""
    path = normalise(source).lstrip("/")
    if path in ("", "."):
        return ""
    if any(c in path for c in "*?[") or not any(p.startswith(path + "/") for p in context.included):
        return None
    return path


def _relative(path: str, folder: str) -> str:
    return path[len(folder) + 1:] if folder else path


def _build_only(path: str) -> bool:
    name = posixpath.basename(path)
    return (path.endswith(_BUILD_ONLY_SUFFIXES) or name.startswith(_BUILD_ONLY_NAMES)
            or any(path.startswith(d) or f"/{d}" in path for d in _BUILD_ONLY_DIRS))


def _under(path: str, source: str) -> bool:
    """``path`` (relative to the context root) is copied by the COPY source ``source``."""
    source = normalise(source).lstrip("/") or "."
    return source == "." or path == source or path.startswith(source + "/")


def _carry_problems(stage: Stage, command: StageCommand, runtime: _Runtime | None, binary: str) -> list[str]:
    """Why the run-time settings would not work as they are on the runtime image."""
    problems = []
    shell = runtime is not None and runtime.shell
    for inst in stage.instructions:
        if inst.keyword == "USER" and inst.value:
            user = inst.value[0].split(":")[0]
            if not user.isdigit() and user not in ("root", "0") and not (runtime and "distroless" in runtime.image
                                                                      and user == "nonroot"):
                problems.append(f"USER {user} must exist in the runtime image (create it there)")
        elif inst.keyword == "HEALTHCHECK" and inst.value and inst.value[0].upper() == "CMD":
            words = list(inst.value[1:]) if inst.exec_form else shell_form_words(" ".join(inst.value[1:]))
            program = posixpath.basename(words[0] or "") if words else ""
            if not inst.exec_form and not shell:
                problems.append("the HEALTHCHECK needs a shell, which the runtime image does not have")
            elif program != posixpath.basename(binary):
                problems.append(f"the HEALTHCHECK runs {program or 'a shell command'}, which the runtime image "
                                "may not have")
        elif inst.keyword in _CARRIED and inst.keyword not in ("CMD", "ENTRYPOINT") and "$" in inst.arguments.text \
                and not _go_env(inst):
            problems.append(f"line {inst.start_line} uses a variable the runtime stage may not set")
    if not shell and None in command[1]:
        problems.append("the command uses shell syntax and the runtime image has no shell")
    return problems


def _go_env(inst: Instruction) -> bool:
    return inst.keyword == "ENV" and all(k.startswith(_GO_ENV) for k in inst.value[::2])


def _edits(doc: Dockerfile, stage: Stage, head: Sequence[Instruction], tail: Sequence[Instruction], name: str,
           runtime: _Runtime, copied: list[str], command: StageCommand) -> list[Edit]:
    edits: list[Edit] = [name_stage(doc, stage, name)] if stage.name is None else []
    rewrites = {} if runtime.shell else _exec_rewrites(command)
    block: list[New | str] = [new("FROM", runtime.image), *(new(*line.format(stage=name).split(" ", 1))
                                                           for line in runtime.setup)]
    workdir = workdir_in_force(doc, tail[0] if tail else head[-1])
    if workdir and any(i.keyword == "WORKDIR" for i in head):
        block.append(new("WORKDIR", workdir))
    block += [rewrites.get(id(i), written(i)) for i in _carried(head, tail)]
    block += [new("COPY", f"--from={name}", path, path) for path in copied]
    return edits + append_stage(doc, block, tail, rewrites)


def _carried(head: Sequence[Instruction], tail: Sequence[Instruction]) -> list[Instruction]:
    """The run-time settings before the last build step that the image keeps: every additive one, the
    last of the others (unless a moved one of that kind replaces it); Go's own ENV stays behind."""
    moved = {i.keyword for i in tail}
    keep = []
    for i, inst in enumerate(head):
        if inst.keyword not in _CARRIED or _go_env(inst):
            continue
        if inst.keyword not in _ADDITIVE and (inst.keyword in moved
                                              or any(o.keyword == inst.keyword for o in head[i + 1:])):
            continue
        keep.append(inst)
    return keep


def _exec_rewrites(command: StageCommand) -> dict[int, New]:
    """A shell-less image: a shell-form command becomes exec form (by ``id``); CMD after an exec-form
    ENTRYPOINT stays as it is when it is already exec form."""
    return {id(i): new(i.keyword, json.dumps(_words(i), ensure_ascii=False)) for i in command[0] if not i.exec_form}








PASS = Pass(
    # Trigger: it reports only a final stage FROM the official `golang` image (a variable in FROM is no image).
    triggers=("golang",),
    id=ID,
    name=NAME,
    title="Run Go programs on a small runtime image, with the build in a builder stage",
    what="""
        Shape: the final stage is `FROM golang:...` (not built from another stage), a RUN builds with
        `go build -o <path>`, and its CMD/ENTRYPOINT starts that path (absolute, or relative to the
        WORKDIR). The stage becomes the builder (`AS build`, or its name; its lines stay), and a runtime
        stage is appended: `FROM <runtime>`, the WORKDIR, `COPY --from=build <path> <path>`, the folders (or
        files) of the build context the program may read at run time (anything but Go sources, build files,
        docs, tests, vendor/ and dotfiles, where a COPY of a context folder put them; at most four), the
        run-time settings (ENV but Go's own variables, EXPOSE, LABEL, VOLUME, USER, STOPSIGNAL, HEALTHCHECK,
        ENTRYPOINT/CMD; those after the build move with their comments, those before are copied). On an
        image without a shell a simple shell-form command becomes exec form. A final `go run` is reported:
        build once in a builder stage.

        Runtime (`--go-runtime`, config key `go-runtime`): `distroless` (default)
        `gcr.io/distroless/static-debian12` for a static binary, `gcr.io/distroless/base-debian12`/
        `-debian11` (glibc) when cgo may be on and the builder's tag names bookworm/bullseye; `debian`
        `debian:<release>-slim` plus ca-certificates and tzdata; `scratch` (static only) plus the builder's
        CA bundle and (Debian builders) time zone database; `alpine` (static only) `alpine:3.21` plus
        ca-certificates and tzdata. Distroless has CA certificates, tzdata and /etc/passwd. The binary is
        static when `CGO_ENABLED=0` is set for the build (prefix or ENV), or on `golang:*-alpine` when the
        stage installs no C compiler (Go turns cgo off without one).
    """,
    why="""
        The `golang` images hold the Go toolchain, the module cache, the build cache and the sources:
        600-900 MB, where the program is one binary of 5-30 MB. A runtime stage with only the binary (and
        the CA certificates and time zone data Go reads) is what runs: smaller pulls, faster starts, far
        fewer CVEs.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because the runtime stage only has the binary, and no shell, package manager or tools
        (distroless, scratch), with another libc when cgo is on. Only a suggestion (no fix, the message says
        what to fill in) when: the build context holds files the program may read at run time (templates,
        static files, configuration, migrations ...) that a COPY of a single file or a pattern put in place,
        or in more than four folders, or where the landing folder is not known; the stage installs packages
        or runs other steps the program may need; a step runs after the build; a named USER would not
        exist; the HEALTHCHECK runs another program than the binary or needs a shell; the command uses shell
        syntax on a shell-less image; cgo may be on and the builder's Debian release is not in its tag (the
        glibc must match); or the chosen runtime needs a static binary.
    """,
    examples=(Example(
        before=('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n'
                'EXPOSE 8080\nCMD ["/out/app"]\n'),
        after=('FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n'
               '\nFROM gcr.io/distroless/static-debian12\nWORKDIR /src\nCOPY --from=build /out/app /out/app\n'
               'EXPOSE 8080\nCMD ["/out/app"]\n'),
        config={"unsafe": True}),),
    check=check,
    image_changes=("new-root",),
    options=(GO_RUNTIME,),
)
