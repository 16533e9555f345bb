"""COPY/ADD facts shared by passes: what each copy reads, where it lands, and how broad it is.

BuildKit splits a COPY/ADD into sources and a destination (the last argument); the model already
holds those words (``Instruction.value``, JSON form included). A source comes from the build
context unless the instruction copies ``--from`` a stage or image, or the source is a URL, a git
repository (ADD) or a heredoc. The destination is relative to the WORKDIR in force, which this
module resolves from the Dockerfile alone (the base image's WORKDIR is unknown: ``None``).

Variables in a destination or WORKDIR are expanded from ``ENV`` values set in this Dockerfile
(stage and ancestors); anything else (ARG values, which a build may override, or variables the
base image sets) makes the answer unknown rather than guessed. ``expand_with_defaults`` also takes
ARG defaults and ``${VAR:-word}``: the likely value, for deciding what a source names.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Callable, Iterator

from ..model import Dockerfile, Instruction
from ..record import record
from .runscript import env_in_force

if TYPE_CHECKING:
    from ..context import BuildContext

COPY_KEYWORDS = ("COPY", "ADD")
#: ``$NAME``, ``${NAME}`` or ``${NAME<op>word}`` (op ``:-``, ``-``, ``:+``, ``+``).
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_GIT_PREFIXES = ("git://", "git@", "github.com/")


@record
class CopySource:
    """One source of a COPY or ADD, as written (after BuildKit's word splitting)."""

    inst: Instruction  # the COPY or ADD (or the ONBUILD holding it)
    source: str  # "src/", "*.jar", "."
    from_context: bool  # False for --from=..., URLs, git sources, heredocs


def is_copy(inst: Instruction) -> bool:
    """A COPY or ADD (also as an ONBUILD trigger)."""
    return inst.effective.keyword in COPY_KEYWORDS


def sources(inst: Instruction) -> tuple[str, ...]:
    """The sources of a COPY/ADD as written (every argument but the last)."""
    value = inst.effective.value
    return tuple(value[:-1]) if len(value) >= 2 else ()


def destination(inst: Instruction) -> str | None:
    """The destination argument as written, None for odd forms (fewer than two arguments)."""
    value = inst.effective.value
    return value[-1] if len(value) >= 2 else None


def is_remote(source: str) -> bool:
    """A URL or git repository (ADD fetches it; it is not read from the context)."""
    lowered = source.lower()
    return "://" in lowered or lowered.startswith(_GIT_PREFIXES)


def is_heredoc_source(inst: Instruction, source: str) -> bool:
    names = {h.name for h in inst.effective.heredocs}
    return source.startswith("<<") and source.lstrip("<-").strip("'\"") in names


def from_context(inst: Instruction, source: str) -> bool:
    """``source`` is read from the build context (not --from, a URL, git or a heredoc)."""
    target = inst.effective
    if target.flag("from") is not None:
        return False
    return not (is_remote(source) or is_heredoc_source(inst, source))


def is_context_copy(inst: Instruction) -> bool:
    """A COPY/ADD with at least one source read from the build context."""
    return is_copy(inst) and any(from_context(inst, s) for s in sources(inst))


def copy_sources(doc: Dockerfile) -> list[CopySource]:
    """Every source of every COPY/ADD (ONBUILD ones too) in file order."""
    return [CopySource(inst, source, from_context(inst, source))
            for inst in doc.instructions if is_copy(inst) for source in sources(inst)]


def is_broad(source: str) -> bool:
    """The source copies the whole context: ``.``, ``./``, ``/``, ``*``, ``./*``, ``**``."""
    text = source.strip()
    if not text:
        return False
    return normalise("/" + text) in ("/", "/*", "/**", "/**/*")


def is_broad_copy(inst: Instruction) -> bool:
    """A COPY/ADD of the whole build context (``COPY . /app``)."""
    return any(is_broad(s) and from_context(inst, s) for s in sources(inst))


def from_stage(doc: Dockerfile, inst: Instruction) -> bool:
    """A ``COPY --from=<stage>`` of a stage of this Dockerfile (by name or index), not an image."""
    flag = inst.effective.flag("from")
    return flag is not None and doc.stage_named(flag.value or "") is not None


def chown_by_name(inst: Instruction) -> bool:
    """``--chown`` names a user or group (BuildKit looks it up in /etc/passwd at copy time)."""
    chown = inst.effective.flag("chown")
    owner = (chown.value or "") if chown else ""
    return bool(owner) and not all(p.isdigit() for p in owner.split(":") if p)


def destination_variables(inst: Instruction) -> frozenset[str]:
    """The variables named in the destination as written."""
    return frozenset(m.group(1) or m.group(2)
                     for m in re.finditer(r"\$(?:\{(\w+)(?:[^\w}][^}]*)?\}|(\w+))", destination(inst) or ""))


def source_file_names(inst: Instruction, context: BuildContext) -> frozenset[str] | None:
    """Basenames of the sources when each is known to be a file (a directory's contents are not)."""
    srcs = sources(inst)
    if any(is_remote(s) or "$" in s or re.search(r"[*?\[]", s) or is_broad(s) or s.endswith("/")
           for s in srcs):
        return None
    files = getattr(context, "files", None) if getattr(context, "known", False) else None
    for source in srcs:
        key = normalise("/" + source).lstrip("/")
        if files is not None and inst.effective.flag("from") is None:
            if key not in files:
                return None  # a directory, or not in the context
        elif "." not in posixpath.basename(key):
            return None  # may be a directory
    return frozenset(posixpath.basename(s.rstrip("/")) for s in srcs)


def expand(doc: Dockerfile, inst: Instruction, text: str) -> str | None:
    """``$VAR`` / ``${VAR}`` in an instruction argument, expanded from ENV values in force.

    None when a variable is not set by an ENV of this Dockerfile, or its value holds variables
    itself, or the text uses a form we do not evaluate (``${VAR:-default}``, escapes).
    """
    if inst.escape + "$" in text or re.search(r"\$\{[^}]*[^A-Za-z0-9_}]", text):
        return None
    return _substitute(text, lambda name, op, word: env_in_force(doc, inst, name))


def expand_with_defaults(doc: Dockerfile, inst: Instruction, text: str) -> str | None:
    """Like ``expand``, but a variable no ENV sets takes the stage's ARG default, else the word of
    ``${VAR:-word}``; None when one has no value."""

    def lookup(name: str, op: str | None, word: str | None) -> str | None:
        found = env_in_force(doc, inst, name)
        if found is None:
            found = arg_default(doc, inst, name)
        if found is None and op in (":-", "-"):
            found = word
        return found

    return _substitute(text, lookup)


def _substitute(text: str, lookup: Callable[[str, str | None, str | None], str | None]) -> str | None:
    """``text`` with each variable replaced by ``lookup(name, op, word)``; None when one has no
    value (or a value with variables itself), or a ``$`` is left over."""
    if "$" not in text:
        return text
    failed = False

    def value(match: re.Match[str]) -> str:
        nonlocal failed
        found = lookup(match.group(1) or match.group(4), match.group(2), match.group(3))
        if found is None or "$" in found:
            failed = True
            return ""
        return found

    expanded = _VARIABLE.sub(value, text)
    return None if failed or "$" in expanded else expanded


def arg_default(doc: Dockerfile, inst: Instruction, name: str) -> str | None:
    """The default of ``ARG name=...`` declared in the stage before ``inst`` (or globally, when the
    stage redeclares it without a default)."""
    stage = doc.stage_of(inst)
    if stage is None:
        return None
    declared, value = False, None
    for other in stage.instructions:
        if other is inst:
            break
        if other.keyword == "ARG":
            for item in other.value:
                key, eq, default = item.partition("=")
                if key == name:
                    declared, value = True, default.strip("\"'") if eq else None
    if declared and value is None:
        for other in doc.instructions:
            if other.keyword == "FROM":
                break
            if other.keyword == "ARG":
                for item in other.value:
                    key, eq, default = item.partition("=")
                    if key == name and eq:
                        value = default.strip("\"'")
    return value


def workdir_in_force(doc: Dockerfile, inst: Instruction) -> str | None:
    """The absolute WORKDIR ``inst`` runs in, from this Dockerfile; None when it depends on the
    base image (no absolute WORKDIR yet) or on a variable we cannot resolve."""
    workdir: str | None = None
    for other in instructions_before(doc, inst):
        if other.keyword != "WORKDIR" or not other.value:
            continue
        path = expand(doc, other, other.value[0])
        if path is None:
            workdir = None
        elif path.startswith("/"):
            workdir = normalise(path)
        elif workdir is not None:
            workdir = normalise(posixpath.join(workdir, path))
    return workdir


def instructions_before(doc: Dockerfile, inst: Instruction) -> Iterator[Instruction]:
    """The instructions that run before ``inst``: those of the stages its stage is built FROM
    (farthest first), then those of its own stage up to it."""
    stage = doc.stage_of(inst)
    for current in [*reversed(doc.ancestors(stage)), stage] if stage else ():
        for other in current.instructions:
            if other is inst:
                return
            yield other


def landing(doc: Dockerfile, inst: Instruction) -> str | None:
    """The absolute, normalised directory or file a COPY/ADD writes (its destination joined to
    the WORKDIR in force); None when unknown. A trailing ``/`` is dropped."""
    dest = destination(inst)
    if dest is None:
        return None
    dest = expand(doc, inst, dest)
    if dest is None:
        return None
    if not dest.startswith("/"):
        workdir = workdir_in_force(doc, inst)
        if workdir is None:
            return None
        dest = posixpath.join(workdir, dest)
    return normalise(dest)


def normalise(path: str) -> str:
    """``posixpath.normpath`` without POSIX's special leading ``//``."""
    path = posixpath.normpath(path)
    return "/" + path.lstrip("/") if path.startswith("//") else path
