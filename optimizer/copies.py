"""COPY/ADD facts shared by passes: what each copy reads, where it lands, and how broad it is.

BuildKit splits a COPY/ADD into sources and a destination (the last argument); the model already
holds those words (``Instruction.value``, JSON form included). A source comes from the build
context unless the instruction copies ``--from`` a stage or image, or the source is a URL, a git
repository (ADD) or a heredoc. The destination is relative to the WORKDIR in force, which this
module resolves from the Dockerfile alone (the base image's WORKDIR is unknown: ``None``).

Variables in a destination or WORKDIR are expanded from ``ENV`` values set in this Dockerfile
(stage and ancestors); anything else (ARG values, which a build may override, or variables the
base image sets) makes the answer unknown rather than guessed.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from .model import Dockerfile, Instruction
from .runscript import env_in_force

COPY_KEYWORDS = ("COPY", "ADD")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_GIT_PREFIXES = ("git://", "git@", "github.com/")


@dataclass(frozen=True)
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


def expand(doc: Dockerfile, inst: Instruction, text: str) -> str | None:
    """``$VAR`` / ``${VAR}`` in an instruction argument, expanded from ENV values in force.

    None when a variable is not set by an ENV of this Dockerfile, or its value holds variables
    itself, or the text uses a form we do not evaluate (``${VAR:-default}``, escapes).
    """
    if "$" not in text:
        return text
    if inst.escape + "$" in text or re.search(r"\$\{[^}]*[^A-Za-z0-9_}]", text):
        return None
    failed = False

    def value(match: re.Match) -> str:
        nonlocal failed
        name = match.group(1) or match.group(2)
        found = env_in_force(doc, inst, name)
        if found is None or "$" in found:
            failed = True
            return ""
        return found

    expanded = _VARIABLE.sub(value, text)
    return None if failed or "$" in expanded else expanded


def workdir_in_force(doc: Dockerfile, inst: Instruction) -> str | None:
    """The absolute WORKDIR ``inst`` runs in, from this Dockerfile; None when it depends on the
    base image (no absolute WORKDIR yet) or on a variable we cannot resolve."""
    stage = doc.stage_of(inst)
    if stage is None:
        return None
    chain = [*reversed(doc.ancestors(stage)), stage]
    workdir: str | None = None
    for current in chain:
        for other in current.instructions:
            if other is inst:
                return workdir
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
