"""DO203 copy-narrow: replace COPY . <dest> with the paths the image actually uses (documented in PASS)."""

from __future__ import annotations

import posixpath
import shlex
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from ..facts.build_tools import copied_paths, maven_files, read_mvn
from ..facts.copies import destination, from_context, is_broad, landing, normalise, sources, workdir_in_force
from ..facts.footprint import footprint
from ..facts.history import history
from ..facts.java import java_launch
from ..facts.paths import ImagePath, Symlink, absolute, overlap, related, resolve, within
from ..builders import New, new, replace
from ..model import Dockerfile, Instruction, Stage
from ..facts.runscript import run_script
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO203", "copy-narrow"

_KEPT_FLAGS = ("chown", "chmod", "link")
_QUIET = frozenset({"chmod", "chown", "chgrp", "mkdir", "echo", "ln", "true", "useradd", "adduser",
                    "groupadd", "addgroup", "ls", "printf", "id", "whoami"})
_SKIP = frozenset({"FROM", "COPY", "ADD", "ARG", "EXPOSE", "USER", "WORKDIR", "LABEL", "MAINTAINER",
                   "STOPSIGNAL", "SHELL", "CMD", "ENTRYPOINT"})
_LIST_LIMIT = 8


def check(doc: Dockerfile, context: BuildContext, config: Config) -> list[Finding]:
    if not getattr(context, "known", False):
        return []
    findings: list[Finding] = []
    for stage in doc.stages:
        for inst in stage.instructions:
            if inst.keyword == "COPY":
                finding = _check_copy(doc, context, stage, inst)
                if finding is not None:
                    findings.append(finding)
    return findings


def _check_copy(doc: Dockerfile, context: BuildContext, stage: Stage, inst: Instruction) -> Finding | None:
    srcs = sources(inst)
    if (len(srcs) != 1 or not is_broad(srcs[0]) or not from_context(inst, srcs[0]) or inst.exec_form
            or len(inst.lines) != 1 or inst.heredocs):
        return None
    if any(flag.name not in _KEPT_FLAGS for flag in inst.flags):
        return None
    dest_written = destination(inst) or ""
    dest_abs = landing(doc, inst)
    if dest_abs is None or dest_abs == "/" or doc.descendants(stage):
        return None
    dest = absolute(dest_abs)
    after = stage.instructions[stage.instructions.index(inst) + 1:]
    maven = _maven_case(doc, context, inst, dest_abs, after)
    if maven is not None:
        kept, produced, build_run, downgrade = maven
        kind = "maven"
    else:
        jar = _jar_case(doc, context, stage, dest_abs)
        if jar is None:
            return None
        kept, downgrade = jar
        produced, build_run, kind = [], None, "jar"
    allowed = [absolute(posixpath.join(dest_abs, k)) for k in kept + produced]
    unknown = _nothing_else_reads(doc, context, stage, inst, after, dest, allowed, build_run)
    if unknown is None:
        return None
    downgrade = downgrade or unknown
    if context.truncated:
        downgrade = downgrade or "the context listing is truncated: more files may be left out"
    # Files an earlier copy of the stage already brought to the same place (DO202's COPY pom.xml).
    already: set[str] = set()
    for other in stage.instructions[:stage.instructions.index(inst)]:
        if other.keyword in ("COPY", "ADD") and other.flag("from") is None:
            already |= copied_paths(other, dest_abs, doc) or set()
            srcs_other = sources(other)
            key = normalise("/" + srcs_other[0]).lstrip("/") if len(srcs_other) == 1 else ""
            if key and key not in context.files and landing(doc, other) == posixpath.join(dest_abs, key):
                already.add(key)  # ``COPY .mvn ./.mvn/``: a directory copied to the same place
    to_copy = [k for k in kept if k not in already]
    if not to_copy:
        return None
    edit = replace(doc, inst, _narrow_copies(inst, to_copy, dest_written, context))
    left = _left_out(context, kept)
    size = sum(s for _, s in left)
    sizes_unknown = all(s == 0 for _, s in left)
    listed = ", ".join(f"{name} ({s} bytes)" if s else name for name, s in left[:_LIST_LIMIT])
    if len(left) > _LIST_LIMIT:
        listed += f" and {len(left) - _LIST_LIMIT} more"
    partly = any(s == 0 for _, s in left)
    total = "sizes unknown" if sizes_unknown else f"{size} bytes" + (", other sizes unknown" if partly else "")
    what = ("the image only runs the jar" if kind == "jar" else "the Maven build only needs its poms and sources")
    message = (f"`COPY {srcs[0]} {dest_written}` copies the whole build context; {what}: copy "
               f"{', '.join(to_copy)} instead. Left out: {listed or 'nothing listed'} ({total})")
    risk = ("a file the application or the build reads without the Dockerfile naming it (a config "
            "directory, lombok.config, a resource the pom points at) is no longer in the image; left out: "
            f"{listed or 'nothing listed'} ({total})")
    safety = Safety.UNSAFE
    if downgrade:
        safety = Safety.SUGGESTION
        risk = f"{downgrade}; {risk}"
    return PASS.finding(inst.start_line, message, Fix((edit,), safety), risk=risk)


# --- (a) a prebuilt jar ----------------------------------------------------------------------------


def _command_words(inst: Instruction) -> list[str] | None:
    if inst.exec_form:
        return list(inst.value)
    try:
        return shlex.split(inst.arguments.text)
    except ValueError:
        return None


def _final_workdir(doc: Dockerfile, stage: Stage) -> str | None:
    last = stage.instructions[-1]
    cwd = workdir_in_force(doc, last)
    if last.keyword == "WORKDIR" and last.value:
        path = last.value[0]
        if "$" in path:
            return None
        if path.startswith("/"):
            return normalise(path)
        return normalise(posixpath.join(cwd, path)) if cwd else None
    return cwd


def _jar_case(doc: Dockerfile, context: BuildContext, stage: Stage, dest_abs: str) -> tuple[list[str], str] | None:
    entry = cmd = None
    for current in [*reversed(doc.ancestors(stage)), stage]:
        for other in current.instructions:
            if other.keyword == "ENTRYPOINT":
                entry, cmd = other, None  # an ENTRYPOINT resets the inherited CMD
            elif other.keyword == "CMD":
                cmd = other
    words: list[str] = []
    for inst in (entry, cmd):
        if inst is None:
            continue
        found = _command_words(inst)
        if found is None or (inst is cmd and entry is not None and not entry.exec_form):
            return None
        words += found
    # The java command line read with the launcher's grammar: options may follow -jar, -version only prints.
    java_at = next((i for i, w in enumerate(words) if posixpath.basename(w) == "java"), None)
    launch = java_launch([None if "$" in w else w for w in words[java_at:]]) if java_at is not None else None
    if java_at is None or launch is None or launch.mode != "jar" or launch.target is None:
        return None
    jar_at = java_at + launch.target
    if "$" in words[jar_at]:
        return None  # the jar is named by a variable
    cwd = _final_workdir(doc, stage)
    kept: list[str] = []
    downgrade = ""
    for i, word in enumerate(words):
        for part in word.rpartition("=")[2].split(":"):
            if not part or "$" in part:
                continue
            path = normalise(posixpath.join(cwd, part)) if not part.startswith("/") and cwd else part
            if not path.startswith("/") or not (path + "/").startswith(dest_abs.rstrip("/") + "/"):
                if i == jar_at:
                    return None  # the jar is not under the destination (or the WORKDIR is unknown)
                continue
            rel = posixpath.relpath(path, dest_abs)
            glob = any(c in rel for c in "*?[")
            if i != jar_at and not glob and rel != "." and not context.exists(rel):
                continue  # not a copied path (``java``, ``-Xmx512m``)
            if i == 0 or rel == ".":
                return None  # the program itself is a copied file, or the whole directory is named
            if glob:
                matches = [m for m in context.glob(rel) if m in context.included]
                if i != jar_at or len(matches) != 1:
                    return None
                rel = matches[0]
            elif i == jar_at:
                if not context.exists(rel):
                    downgrade = (f"{rel} is not in the build context listing (built outside the image, "
                                 "or the listing holds only tracked files): check it exists when you build")
            if rel not in kept:
                kept.append(rel)
    return (kept, downgrade) if kept else None


# --- (b) an in-image Maven build -------------------------------------------------------------------


def _maven_case(doc: Dockerfile, context: BuildContext, copy: Instruction, dest_abs: str,
                after: Sequence[Instruction]) -> tuple[list[str], list[str], Instruction, str] | None:
    maven = context.manifests.maven
    if maven is None or not maven.parsed:
        return None
    for inst in after:
        if inst.keyword != "RUN":
            continue
        run = run_script(doc, inst)
        if run is None:
            continue
        mvn, _ = read_mvn(run)
        if mvn is None:
            continue
        if mvn.pom_file is not None or workdir_in_force(doc, inst) != dest_abs:
            return None
        relative = []
        for value in mvn.file_values:
            path = normalise(posixpath.join(dest_abs, value))
            if (path + "/").startswith(dest_abs.rstrip("/") + "/"):
                relative.append(posixpath.relpath(path, dest_abs))
        needed, _ = maven_files(context, mvn, relative)
        if not needed:
            return None
        kept = [p for p in needed if p.count("/") == 0 or not p.endswith("pom.xml")]
        modules = sorted({p.split("/")[0] for p in needed if p.endswith("/pom.xml")})
        if context.exists("src"):
            kept.append("src")
        kept += [m for m in modules if m not in kept]
        if "src" not in kept and not modules:
            return None
        produced = ["target", *[posixpath.join(m, "target") for m in modules]]
        downgrade = _pom_mentions(context, needed, kept)
        return kept, produced, inst, downgrade
    return None


def _pom_mentions(context: BuildContext, needed: list[str], kept: list[str]) -> str:
    """A pom naming a top-level context entry that would be left out."""
    tops = {p.split("/")[0] for p in context.included} - {k.split("/")[0] for k in kept}
    tops -= {"target", "pom.xml"}
    for pom in (p for p in needed if p.endswith(".xml")):
        text = context.read_text(pom) or ""
        for top in sorted(tops):
            for mark in (f">{top}<", f">{top}/", f"/{top}<", f"/{top}/", f"}}/{top}"):
                if mark in text:
                    return f"{pom} names {top}, which would be left out"
    return ""


# --- who else reads the copied files ---------------------------------------------------------------


def _inside(path: ImagePath, allowed: list[ImagePath], links: Iterable[Symlink] = ()) -> bool:
    return any(related(path, a, links=links, test=within) is True for a in allowed)


def _build_run_ok(doc: Dockerfile, context: BuildContext, inst: Instruction, cwd_text: str | None, dest: ImagePath,
                  allowed: list[ImagePath]) -> bool:
    """The other commands of the Maven build's RUN (``mvn package && cp conf/x target/``) name no
    copied path that is left out, and do not change directory."""
    run = run_script(doc, inst)
    if run is None or cwd_text is None:
        return False
    for command in run.script.commands:
        name = command.name or ""
        if command.program in ("mvn", "mvnw") or name.endswith("mvnw"):
            continue
        if command.program in ("cd", "pushd"):
            return False
        for word in command.words:
            value = word.value
            if value is None:
                return False
            path = resolve(value, absolute(cwd_text))
            if path is None or within(path, dest) is not True or _inside(path, allowed):
                continue
            rel = "/".join(path.parts[len(dest.parts):])
            if not rel or context.exists(rel):
                return False
    return True


def _nothing_else_reads(doc: Dockerfile, context: BuildContext, stage: Stage, copy: Instruction,
                        after: Sequence[Instruction], dest: ImagePath, allowed: list[ImagePath],
                        build_run: Instruction | None) -> str | None:
    """No instruction after the copy (nor a COPY --from of the stage) reads a copied path that is
    left out: "" when proven, None when one does, else what we cannot tell (a RUN whose reads are
    not fully known, a step we cannot read naming the destination)."""
    past = history(doc, context)
    unknown = ""
    for inst in after:
        if inst.keyword == "RUN":
            cwd_text = workdir_in_force(doc, inst)
            cwd = absolute(cwd_text) if cwd_text else None
            if inst is build_run:
                if not _build_run_ok(doc, context, inst, cwd_text, dest, allowed):
                    return None
                continue
            facts = footprint(doc, inst, cwd, history=past)
            if facts.blocked:
                return None

            def inside(path: ImagePath, test: Callable[[ImagePath, ImagePath], bool | None] = within) -> bool | None:
                return related(path, dest, links=facts.links, test=test)

            for read in facts.indirect:
                if inside(read.path, overlap) is not False and not _inside(read.path, allowed, facts.links):
                    if read.sure:
                        return None
                    unknown = unknown or f"{read.why}, and it may be left out"
            if facts.unknown:
                unknown = unknown or f"cannot tell all that line {inst.start_line} reads: {facts.unknown[0]}"
            # An unknown WORKDIR (the base image's) matters only to tools reading their cwd.
            in_dest = bool(facts.cwd_readers) if cwd is None else inside(cwd) is not False
            entered = [p for p, _ in facts.cd_targets]
            if any(p is None or inside(p) is not False for p in entered):
                in_dest = True
            if inst is not build_run and in_dest and not facts.programs <= _QUIET:
                return None
            for path, _ in facts.paths:
                if path is None:
                    if in_dest:
                        return None
                    continue
                if inside(path) is not False and not _inside(path, allowed, facts.links):
                    if within(dest, path) is True and facts.programs <= _QUIET:
                        continue  # chown -R app /app: fine with fewer files
                    return None
        elif inst.keyword not in _SKIP or inst.keyword in ("CMD", "ENTRYPOINT"):
            words = [w for text in (inst.effective.arguments.text, *(h.content for h in inst.effective.heredocs))
                     for w in text.replace("=", " ").replace(":", " ").replace(",", " ").split()]
            cwd_text = (_final_workdir(doc, stage) if inst.keyword in ("CMD", "ENTRYPOINT")
                        else workdir_in_force(doc, inst))
            for word in words:
                word = word.strip("\"'[]")
                if any(c in word for c in "*?[") and (word.startswith("/") or cwd_text):
                    pattern = normalise(posixpath.join(cwd_text or "/", word))
                    if within(absolute(pattern.split("*")[0].rpartition("/")[0] or "/"), dest) is True:
                        rel = posixpath.relpath(pattern, "/" + "/".join(dest.parts))
                        matches = context.glob(rel)
                        if all(_inside(absolute(posixpath.join("/" + "/".join(dest.parts), m)), allowed)
                               for m in matches):
                            continue
                        return None
                path = resolve(word, absolute(cwd_text) if cwd_text else None)
                if path is None or path.root != "/" or within(path, dest) is not True or _inside(path, allowed):
                    continue
                rel = "/".join(path.parts[len(dest.parts):])
                if rel and context.exists(rel):
                    return None  # names a copied file that would be left out
    names = {stage.name.lower()} if stage.name else set()
    names.add(str(stage.index))
    for other in doc.instructions:
        flag = other.effective.flag("from")
        if other.effective.keyword in ("COPY", "ADD") and flag is not None and (flag.value or "").lower() in names:
            for source in sources(other):
                path = resolve(source, None) if source.startswith("/") else None
                if path is None or (within(path, dest) is not False and not _inside(path, allowed)):
                    return None
    return unknown


def _left_out(context: BuildContext, kept: list[str]) -> list[tuple[str, int]]:
    """Included context files no kept path covers, by top-level entry (``docs/``), largest first."""
    groups: dict[str, int] = {}
    for path, size in context.included.items():
        if any(path == k or path.startswith(k + "/") for k in kept):
            continue
        top, sep, _ = path.partition("/")
        if sep:
            # A directory partly kept (src/ of a module ...) is listed by its left-out subpath.
            prefix = next((k for k in kept if k.startswith(top + "/")), None)
            name = path if prefix is not None else top + "/"
        else:
            name = top
        groups[name] = groups.get(name, 0) + size
    return sorted(groups.items(), key=lambda item: (-item[1], item[0]))


# --- output ----------------------------------------------------------------------------------------


def _narrow_copies(inst: Instruction, to_copy: list[str], dest_written: str, context: BuildContext) -> list[New]:
    """The COPYs that replace the broad one: the files of one directory together, each directory on
    its own; a single file in a subdirectory keeps the exact path the command uses."""
    flags = [f.text for f in inst.flags]
    base = dest_written if dest_written.endswith("/") else dest_written + "/"
    if dest_written in (".", "./"):
        base = "./"
    files: dict[str, list[str]] = {}
    out = []
    for path in to_copy:
        if path in context.files:
            files.setdefault(posixpath.dirname(path), []).append(path)
        else:
            out.append(([path], base + path + "/"))
    grouped = [(paths, base + (d + "/" if d else "")) for d, paths in files.items()]
    grouped = [(paths, base + paths[0]) if len(paths) == 1 and "/" in paths[0] else (paths, target)
               for paths, target in grouped]
    return [new("COPY", *flags, *paths, target) for paths, target in grouped + out]


PASS = Pass(
    # Trigger: it reports only COPY instructions.
    triggers=("copy",),
    image_changes=("copied-context",),
    id=ID,
    name=NAME,
    title="Copy only what the image uses instead of the whole build context",
    what="""
        Two clear cases only:
        - A prebuilt artifact: the stage's ENTRYPOINT/CMD runs `java -jar <path>` (read with the java
          launcher's option grammar: options may stand between `-jar` and the jar, `-version` runs
          nothing, a jar named by a variable is unknown) with the jar under the copy's destination, and nothing else after the copy reads the copied files. The copy becomes
          `COPY <jar> <dest>/<jar>` (plus any other context file the command names), keeping the path the
          command uses (WORKDIR-relative paths resolved; a glob such as `target/*.jar` only when the context
          shows exactly one match).
        - An in-image Maven build: the copy lands in the directory where a later RUN of the stage runs
          `mvn`/`./mvnw package|install|verify|deploy`; the copy becomes the poms, `src/`, the module
          directories, `mvnw`/`.mvn/` and settings files given to mvn (the manifest list of DO202
          dependency-manifests-first), minus what an earlier copy already brought there.

        The message lists what is left out and its size. A RUN after the copy is read with its indirect
        reads: a path that configuration written earlier (an apt `file:` source, pip's `find-links` ...) or
        a symlink leads it to counts as a path it names, so a left-out file it reads that way blocks the fix.

        Not offered when: the context is unknown; the copy is not a single-line, shell-form `COPY` of `.`
        alone (`ADD .` and ONBUILD copies are left alone), or has flags other than
        `--chown`/`--chmod`/`--link`; the destination or the WORKDIR is unresolvable; the stage has
        descendants (a later `FROM` it); another instruction of the stage (RUN, ENV, VOLUME,
        HEALTHCHECK ...), or a `COPY --from` of the stage, names a copied path that would be left out, or a
        RUN we cannot read, or a RUN working inside the destination runs anything but trivial commands
        (chmod, chown, mkdir ...); the program started is itself a copied file (a script may read anything).
    """,
    why="""
        `COPY . /app` ships the whole build context (docs, tests, build leftovers, sometimes secrets) into a
        layer, and any change to any file of the context invalidates that layer and every layer after it.
        When the Dockerfile shows exactly what the stage uses, copying only that keeps the image smaller and
        the cache stable.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because a file the application (or the build) reads at run time without the Dockerfile naming
        it (Spring Boot's `./config/`, `lombok.config`, a resource the pom points at) may be left out: never
        safe, offered because every instruction after the copy is read (paths named, configuration written
        earlier and symlinks included) and none reads a left-out file. Only a suggestion (the risk names the
        unknown) when the jar is not in the context listing (built outside the image, or the listing only
        holds tracked files), when the listing is truncated, when a pom names a path that would be left out,
        or when what a RUN after the copy reads is not fully known (a downloaded script, a variable,
        configuration we cannot read, a step we cannot read naming a path in the copy).
    """,
    examples=(Example(
        before='FROM eclipse-temurin:17-jre\nCOPY . /app\nCMD ["java","-jar","/app/target/app.jar"]\n',
        after=('FROM eclipse-temurin:17-jre\nCOPY target/app.jar /app/target/app.jar\n'
               'CMD ["java","-jar","/app/target/app.jar"]\n'),
        context={"pom.xml": None, "src/main/java/App.java": None, "target/app.jar": None},
        config={"unsafe": True}),),
    check=check,
)
