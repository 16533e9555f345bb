"""DO112 add-url-archive: download, extract and delete a remote archive in one RUN (documented in PASS)."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Iterator, Sequence
from urllib.parse import urlsplit

from ..builders import insert_step, step_after
from ..edits import Edit
from ..facts.copies import destination, expand, sources, workdir_in_force
from ..facts.images import distribution, image_ref
from ..facts.packages import installs, packages
from ..facts.runscript import RunScript, run_script
from ..model import Dockerfile, Instruction, Stage
from ..record import record
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command, Word

ID, NAME = "DO112", "add-url-archive"

_ARCHIVE = re.compile(r"\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst|lz4)|zip)$", re.IGNORECASE)
_EXTRACTORS = frozenset({"tar", "bsdtar", "unzip", "gtar"})
#: Official images built on buildpack-deps (curl and wget included) unless the tag says slim/alpine.
_WITH_CURL = frozenset({"buildpack-deps", "python", "node", "golang", "ruby", "rust", "gcc", "perl"})


@record
class _Download:
    """An ADD of a remote archive and where the file lands (absolute, or relative to the WORKDIR)."""

    inst: Instruction
    url: str
    path: str


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        for index, inst in enumerate(stage.instructions):
            download = _download(doc, inst)
            if download is None:
                continue
            later = stage.instructions[index + 1:]
            for run in (run_script(doc, i) for i in later if i.keyword == "RUN"):
                extraction = run and _extraction(doc, run, download.path)
                if run is not None and extraction:
                    yield _finding(doc, stage, download, run, extraction, later)
                    break


def _download(doc: Dockerfile, inst: Instruction) -> _Download | None:
    if inst.keyword != "ADD" or len(sources(inst)) != 1:
        return None
    url, dest = sources(inst)[0], destination(inst)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _ARCHIVE.search(parts.path) or dest is None:
        return None
    dest = expand(doc, inst, dest)
    if dest is None:
        return None
    if dest.endswith("/"):
        name = expand(doc, inst, posixpath.basename(parts.path))
        if name is None:
            return None
        dest += name
    elif not _ARCHIVE.search(dest):
        return None  # maybe an existing directory: the file's name would be the URL's
    workdir = workdir_in_force(doc, inst)
    if workdir and not dest.startswith("/"):
        dest = posixpath.join(workdir, dest)
    return _Download(inst, url, posixpath.normpath(dest))


def _extraction(doc: Dockerfile, run: RunScript, path: str) -> tuple[Command, Word] | None:
    """The top-level tar/unzip step of the RUN and its word naming ``path`` (resolved against the
    WORKDIR and earlier ``cd``s), or None."""
    cwd = workdir_in_force(doc, run.inst) or "."
    for command in run.script.commands:
        if command.name == "cd" and command.top_level:
            target = _value(doc, run, command.words[0]) if command.words else None
            cwd = posixpath.normpath(posixpath.join(cwd, target)) if target else "?"
        elif command.top_level and posixpath.basename(command.name or "") in _EXTRACTORS:
            named = [w for w in command.words if (value := _value(doc, run, w)) and
                     posixpath.normpath(posixpath.join(cwd, value)) == path]
            if named:
                return command, named[0]
    return None


def _value(doc: Dockerfile, run: RunScript, word: Word) -> str | None:
    """A word's value: literal, or with ``$VAR`` set by an ENV of this file (None: not known)."""
    if word.is_static:
        return word.value
    if any(c in word.text_raw for c in "\"'`*?[~{}") and "${" not in word.text_raw:
        return None
    return expand(doc, run.inst, word.text_raw)


def _finding(doc: Dockerfile, stage: Stage, download: _Download, run: RunScript, extraction: tuple[Command, Word],
             later: Sequence[Instruction]) -> Finding:
    inst, path = download.inst, download.path
    message = (f"`ADD {download.url}` keeps the archive in its own layer even after line {run.inst.start_line} "
               "extracts it: download, extract and delete it in that RUN")
    tool = _tool(doc, stage, run, later)
    between = later[:later.index(run.inst)]
    problems = []
    if tool is None:
        problems.append("no curl or wget is known to be in the image at that RUN (install one there)")
    if inst.flag("checksum"):
        problems.append("the ADD checks a --checksum; check it in the RUN too (`sha256sum -c`)")
    if any(c in download.url for c in "\"\\`'"):
        problems.append("the URL holds quotes or backslashes")
    if any(i.keyword in ("USER", "WORKDIR", "SHELL") for i in between):
        problems.append("USER, WORKDIR or SHELL changes between the ADD and the RUN")
    name = posixpath.basename(path)
    if any(name in i.text for i in [*between, *later[later.index(run.inst) + 1:]]) or any(
            name in i.text for s in doc.stages[stage.index + 1:] for i in [s.from_, *s.instructions]):
        problems.append(f"another instruction mentions {name}")
    if any(step.op_before not in (None, "&&") for step in run.script.chain):
        problems.append("the RUN joins its steps with something other than `&&`")
    if problems or tool is None:
        return PASS.finding(inst.start_line, message, risk="; ".join(problems))
    edits = [_delete(doc, inst), insert_step(doc, run, run.script.chain[0].span, _fetch(tool, download))]
    if not any(c.name == "rm" and any(posixpath.basename(w.value or "") == name for w in c.words)
               for c in run.script.commands):
        command, word = extraction  # removed right after, where the word names the file as written
        assert command.step_index is not None  # the extraction is a top-level step
        edits.append(step_after(run, run.script.chain[command.step_index].span, f"rm -f {word.text_raw}"))
    risk = ("the RUN's cache key is its text, not the remote file: a changed file at the same URL is fetched "
            f"again only when the RUN changes; the download uses the image's {tool} and CA certificates")
    changes = (path if path.startswith("/") else "/**/" + name,)  # the archive is gone from the image
    return PASS.finding(inst.start_line, message, Fix(tuple(edits), Safety.UNSAFE, image_changes=changes), risk=risk)


def _delete(doc: Dockerfile, inst: Instruction) -> Edit:
    """Delete the ADD, and a blank line after it when one is before it too or when its comments
    (which stay) should now sit on the RUN that downloads."""
    end = inst.end
    for blank in ("\r\n", "\n"):
        if doc.text.startswith(blank, end) and (inst.comments or doc.text[:inst.start].endswith(blank * 2)):
            end += len(blank)
            break
    return Edit.delete(inst.start, end)


def _fetch(tool: str, download: _Download) -> str:
    if tool == "curl":
        return f'curl -fsSL --create-dirs -o {download.path} "{download.url}"'
    folder = posixpath.dirname(download.path)
    mkdir = f"mkdir -p {folder} && " if folder not in ("", ".", "/", "/tmp") else ""
    return f'{mkdir}wget -q -O {download.path} "{download.url}"'


def _tool(doc: Dockerfile, stage: Stage, run: RunScript, later: Sequence[Instruction]) -> str | None:
    """curl or wget, when the image evidently has one at the RUN (None: not known)."""
    chain = [*reversed(doc.ancestors(stage)), stage]
    earlier = [i for s in chain for i in s.instructions if i.keyword == "RUN"]
    earlier = earlier[:earlier.index(run.inst)]
    for script in (run_script(doc, i) for i in earlier):
        for command in script.script.commands if script else ():
            found = _named_tool(command)
            if found:
                return found
    if not any(installs(c) for c in run.script.commands):
        found = next((t for t in map(_runs_tool, run.script.commands) if t), None)
        if found:
            return found
    return _base_tool(chain[0].base)


def _named_tool(command: Command) -> str | None:
    """curl/wget when the command runs it or installs it with a package manager."""
    ran = _runs_tool(command)
    if ran:
        return ran
    return next((t for t in ("curl", "wget") if t in packages(command)), None)


def _runs_tool(command: Command) -> str | None:
    name = posixpath.basename(command.name or "")
    return name if name in ("curl", "wget") else None


def _base_tool(base: str) -> str | None:
    dist, ref = distribution(base), image_ref(base)
    if dist == "alpine":
        return "wget"
    if ref is not None and ref.official and ref.name in _WITH_CURL and "slim" not in ref.tag_words:
        return "curl"
    return None


PASS = Pass(
    # Trigger: it reports only an ADD whose source is an http(s) URL as written (a variable is no URL).
    triggers=("http",),
    id=ID,
    name=NAME,
    title="Download, extract and delete a remote archive in one RUN instead of ADD <URL>",
    what="""
        For `ADD <http(s) URL of a .tar.*/.tgz/.zip ...> <file or dir/>` followed in the same stage by a RUN
        whose `tar`/`unzip` names that file (absolute, or relative to the WORKDIR or a `cd` earlier in the
        RUN), the ADD is removed and the RUN starts with `curl -fsSL --create-dirs -o <file> "<URL>" &&`
        (or `mkdir -p <dir> && wget -q -O <file> "<URL>" &&`, whichever the image has) and removes the file
        right after the extracting step (`tar ... && rm -f <file> && ...`) unless it removes it already.

        Offered only when the stage evidently has the tool: an earlier RUN (or a RUN not installing packages
        itself) runs curl/wget, an earlier RUN installs it with apt-get/apk/dnf/yum, or the base is Alpine
        (busybox wget) or a full `buildpack-deps`-based official image. Only reported (no fix) otherwise,
        and when the ADD has `--checksum` (keep the check: `sha256sum -c`), the URL holds quotes or
        backslashes, another instruction mentions the file, USER or WORKDIR changes between the two, the RUN
        joins its steps with anything but `&&`, or the RUN is exec form.
    """,
    why="""
        `ADD https://.../x.tar.gz /tmp/` does not extract a remote archive; it stores the file in a layer of
        its own. The RUN that unpacks it (`tar -xzf /tmp/x.tar.gz`) and even an `rm` of it afterwards cannot
        take it out of that layer: the image carries the archive forever (tens to hundreds of MB for a
        source tarball or a JDK). Downloaded, extracted and deleted in one RUN, it never reaches a layer.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because the download now happens in the RUN: its cache key is the RUN's text, not the remote
        file's checksum, so a changed file at the same URL is not fetched again until the RUN changes; it
        goes through the image's curl/wget and its CA certificates and proxy settings instead of the
        builder's; and the file's mode and mtime (ADD: 0600 and the Last-Modified time) differ while it
        exists.
    """,
    examples=(Example(
        before=('FROM debian:12\nRUN apt-get update && apt-get install -y curl make gcc\n'
                'ADD https://example.org/src/app-1.0.tar.gz /tmp/\n'
                'RUN tar -xzf /tmp/app-1.0.tar.gz -C /opt && make -C /opt/app-1.0\n'),
        after=('FROM debian:12\nRUN apt-get update && apt-get install -y curl make gcc\n'
               'RUN curl -fsSL --create-dirs -o /tmp/app-1.0.tar.gz "https://example.org/src/app-1.0.tar.gz" && '
               'tar -xzf /tmp/app-1.0.tar.gz -C /opt && rm -f /tmp/app-1.0.tar.gz && make -C /opt/app-1.0\n'),
        config={"unsafe": True}),),
    check=check,
)
