"""DO102 apt-no-install-recommends: install only what apt needs, and say what that leaves out.

Rationale: ``apt-get install`` also installs every package the requested ones *recommend*, and
what those recommend in turn. In a container that is mostly dead weight: documentation tools,
X11 and D-Bus pieces, locale data. ``openjdk-17-jdk`` pulls 186 packages (634 MB) by default and
113 (566 MB) with ``--no-install-recommends`` on a clean debian:bookworm. hadolint: DL3015.

What the pass does: every ``apt-get install`` / ``apt install`` in a RUN (top level or nested, in
ONBUILD RUN triggers and heredoc scripts; not exec-form RUNs or non-POSIX shells) that leaves
recommends on gets ``--no-install-recommends`` before its first package.

No finding when the command already decides about recommends, whatever the decision:
``--no-install-recommends``, ``--without-install-recommends``, ``--install-recommends`` (with or
without a value such as ``=no``: the user chose), ``-o APT::Install-Recommends=...`` (any case,
any value); ``-c``/``--config-file`` or ``APT_CONFIG`` (a config we cannot read); an apt config
mention of ``Install-Recommends`` earlier in the same RUN, in an earlier RUN of the stage or of a
stage it is built FROM (``echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/...``, a
``cat <<EOF`` into apt.conf.d, ``sed`` on apt.conf; mentions inside apt commands themselves only
affect that command); a COPY/ADD into ``/etc/apt/apt.conf*`` or of a whole directory onto
``/etc/apt`` (content unknown), or such a bind mount on the RUN. ``apt-get -s`` installs nothing.
Base images are not guessed at: a base that disables recommends still gets the (harmless) flag.

Safety: always UNSAFE. Dropping recommends can remove something the application needs at run
time. The finding says what goes away for the packages of this command and about how many MB,
from ``optimizer/data/apt_recommends.json`` (Debian bookworm amd64, simulated on a clean
debian:bookworm by ``tools/gen_apt_recommends.py``): the union of the packages' dropped sets, minus
what any of them (or the kept extras) still needs, named by size. Packages missing from the data
(other names, ``$VARS``, local ``.deb`` files, names bookworm lacks) are listed as unknown. Ubuntu
and other releases are not covered: only Debian's archive is reachable where the data is made.

Functional recommends kept explicitly (the fix adds them after the command's last package):
- ``ca-certificates`` when a package whose main job is talking TLS (TLS_CLIENTS: curl, wget, git,
  gnupg/gpg/dirmngr for hkps keyservers, the openssl CLI, apt-transport-https,
  software-properties-common, mercurial, subversion, libcurl4/libcurl3-gnutls, python3-requests)
  would lose it according to the data. Without the CA bundle every HTTPS download in a later step
  fails with a certificate error; keeping it costs about 0.4 MB plus ``openssl`` (2.3 MB), which
  it depends on. In the bookworm data that is curl (via libcurl4), wget, git and mercurial; the
  others of the list either Depend on it (software-properties-common) or never pulled it in.
  Not added when the command names ca-certificates, an earlier RUN of the stage (or a stage it
  is built FROM) or of the same RUN installs it, or another package of the command Depends on it
  (python3-pip, the JREs through ca-certificates-java).
- Packages that lose ca-certificates without TLS being their main job (python3, nodejs, apache2,
  cron, the compilers) get nothing added; for python3 the risk text says what breaks.
- Nothing else is added: other recommends are large (python3-pip recommends build-essential:
  dropping it is the point) or serve secondary uses (git's ssh-client for ssh remotes, less,
  patch). FUNCTIONAL_NOTES names those losses in the risk text instead.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Iterator

from ..edits import Edit
from ..model import Dockerfile, Instruction
from ..facts.runscript import RunScript, env_in_force, mounts, run_script
from .apt import APT_PROGRAMS, is_install
from .base import Example, Finding, Fix, Pass, Safety

DATA_FILE = "apt_recommends.json"
CA = "ca-certificates"
#: Packages whose main use is talking TLS to the network (see the module docstring).
TLS_CLIENTS = frozenset({
    "curl", "wget", "git", "gnupg", "gnupg2", "gpg", "dirmngr", "openssl", "apt-transport-https",
    "software-properties-common", "mercurial", "subversion", "libcurl4", "libcurl3-gnutls",
    "python3-requests",
})
#: Recommends whose loss changes a common use, named in the risk text without being kept.
FUNCTIONAL_NOTES = {
    "git": ("openssh-client", "without openssh-client git cannot use ssh remotes (git@host:repo)"),
    "python3-pip": ("build-essential", "without build-essential and python3-dev pip cannot build packages "
                                       "that have no wheel"),
    "python3": ("ca-certificates", "without ca-certificates Python's ssl/urllib cannot verify HTTPS servers "
                                   "(pip-installed requests brings its own certifi)"),
    "gpg": ("gnupg", "without gnupg (dirmngr) gpg --recv-keys cannot reach keyservers"),
    "imagemagick": ("ghostscript", "without ghostscript imagemagick cannot read PDF or PostScript"),
}
_RECOMMENDS_OPTIONS = frozenset({"--no-install-recommends", "--install-recommends",
                                 "--without-install-recommends"})
_MARKER = re.compile("install-recommends", re.IGNORECASE)


@dataclass(frozen=True)
class RecommendsData:
    """The bundled table: per package, what apt installs with and without recommends."""

    source: str
    arch: str
    packages: dict
    sizes_kib: dict
    unavailable: frozenset[str]


@cache
def recommends_data() -> RecommendsData:
    """Load the bundled JSON once, on first use (never at import)."""
    raw = json.loads(resources.files("optimizer").joinpath("data", DATA_FILE).read_text("utf-8"))
    return RecommendsData(raw["source"], raw["arch"], raw["packages"], raw["installed_size_kib"],
                          frozenset(raw.get("unavailable", ())))


@dataclass(frozen=True)
class Dropped:
    """What ``--no-install-recommends`` leaves out for one command's packages."""

    packages: tuple[str, ...] = ()  # biggest first
    kib: int = 0
    known: tuple[str, ...] = ()  # package names the data covers
    unknown: tuple[str, ...] = ()  # names it does not
    ca_for: tuple[str, ...] = ()  # TLS clients for which ca-certificates is kept explicitly
    notes: tuple[str, ...] = ()  # functional losses worth naming


def dropped_by(names: list[str], present: tuple[str, ...] = ()) -> Dropped:
    """The union of the packages' dropped recommends, minus what any of them (or the packages
    ``present`` in the image already) still installs."""
    if not names:
        return Dropped()
    data = recommends_data()
    known = tuple(n for n in dict.fromkeys(names) if n in data.packages)
    unknown = tuple(n for n in dict.fromkeys(names) if n not in data.packages)
    needed = {*names, *present}
    dropped: set[str] = set()
    for name in known:
        dropped.update(data.packages[name]["dropped"])
        needed.update(data.packages[name]["installs"])
    for name in present:
        needed.update(data.packages.get(name, {}).get("installs", ()))
    dropped -= needed
    ca_for: tuple[str, ...] = ()
    if CA in dropped:
        ca_for = tuple(n for n in known if n in TLS_CLIENTS and CA in data.packages[n]["dropped"])
        if ca_for:
            dropped -= {CA, *data.packages.get(CA, {}).get("installs", ())}
    ordered = tuple(sorted(dropped, key=lambda p: (-data.sizes_kib.get(p, 0), p)))
    notes = tuple(text for n, (pkg, text) in FUNCTIONAL_NOTES.items() if n in known and pkg in dropped)
    return Dropped(ordered, sum(data.sizes_kib.get(p, 0) for p in ordered), known, unknown, ca_for, notes)


def _package_name(word) -> str | None:
    """``curl=7.88*`` -> ``curl``; None for ``$VAR``, globs and local ``.deb`` paths."""
    value = word.value
    if value is None or not word.is_static or value.startswith(("/", ".")) or value.endswith(".deb"):
        return None
    for sep in ("=", "/", ":"):
        value = value.split(sep)[0]
    return value or None


def _decides_recommends(command) -> bool:
    """The command says itself whether recommends are installed (or reads a config we cannot see)."""
    for option in command.options():
        if option.canonical in _RECOMMENDS_OPTIONS or option.canonical == "-c":
            return True
        if option.canonical == "-o" and (option.value is None or _MARKER.search(option.value)):
            return True
    return any(a.name == "APT_CONFIG" for a in command.env)


def _is_apt(command) -> bool:
    return command.program in APT_PROGRAMS or command.program == "apt-cache"


def _configures_in(run: RunScript, before: int | None = None) -> bool:
    """The script (up to logical offset ``before``) mentions apt's Install-Recommends setting outside
    apt commands: it writes or edits apt configuration (echo/printf/tee/sed, a heredoc ...)."""
    apt_spans = [c.span for c in run.script.commands if _is_apt(c)]
    return any(not any(start <= at < stop for start, stop in apt_spans)
               for at in _config_mentions(run.script.text[:before]))


def _configures(doc: Dockerfile, inst: Instruction) -> bool:
    """``inst`` may change apt's Install-Recommends setting for later RUNs."""
    target = inst.effective
    if target.keyword == "RUN":
        run = run_script(doc, inst)
        if run is not None:
            return _configures_in(run)
        return bool(_config_mentions(inst.text))  # unreadable: any config-style mention counts
    if target.keyword in ("COPY", "ADD") and len(target.value) >= 2:
        return _into_apt_config(target.value[-1], target.value[:-1])
    return False


def _config_mentions(text: str) -> list[int]:
    """Offsets of ``Install-Recommends`` written as apt configuration (``APT::Install-Recommends``,
    ``Install-Recommends "0";`` in a scope), not as a ``--(no-)install-recommends`` flag, which
    only ever affects its own apt command (``mk-build-deps --tool="apt-get --no-install-recommends"``)."""
    return [m.start() for m in _MARKER.finditer(text) if text[m.start() - 1:m.start()] != "-"]


_APT_FILES = (".list", ".sources", ".gpg", ".asc", ".pref", "preferences", "sources.list")


def _into_apt_config(dest: str, sources=()) -> bool:
    """A copy or mount target that may hold apt configuration we cannot read."""
    path = posixpath.normpath(dest.strip()) if dest.strip() else ""
    if path.startswith("/etc/apt/apt.conf"):
        return True
    if path == "/etc/apt":  # a directory copied over /etc/apt, unless only source lists and keys
        return not sources or not all(posixpath.basename(s.rstrip("/")).endswith(_APT_FILES) for s in sources)
    return False


def _mounts_config(inst: Instruction) -> bool:
    return any(m["type"] == "bind" and _into_apt_config(m.get("target", ""))
               for m in mounts(inst.effective))


def check(doc: Dockerfile, context, config) -> Iterator[Finding]:
    for stage in doc.stages:
        lineage = [inst for parent in reversed(doc.ancestors(stage)) for inst in parent.instructions]
        inherited = any(_configures(doc, inst) for inst in lineage)
        # ONBUILD triggers run in a later build, after every ordinary instruction of this stage.
        configured = {False: inherited,
                      True: inherited or any(_configures(doc, i) for i in stage.instructions if not i.trigger)}
        ca = any(_installs_ca(doc, inst) for inst in lineage)
        has_ca = {False: ca, True: ca}
        for inst in stage.instructions:
            onbuild = inst.trigger is not None
            if inst.effective.keyword == "RUN" and not configured[onbuild] and not _mounts_config(inst):
                run = run_script(doc, inst)
                if run is not None and env_in_force(doc, inst, "APT_CONFIG") is None:
                    yield from _findings(doc, run, has_ca[onbuild] or _installs_ca(doc, inst))
            if _configures(doc, inst):
                configured[onbuild] = True
            if _installs_ca(doc, inst):
                has_ca[onbuild] = True
                has_ca[True] = True


def _installs_ca(doc: Dockerfile, inst: Instruction) -> bool:
    """An apt install in this RUN names ca-certificates (so it is in the image already)."""
    run = run_script(doc, inst) if inst.effective.keyword == "RUN" else None
    return run is not None and any(
        is_install(c) and any(_package_name(w) == CA for w in c.positional()) for c in run.script.commands)


def _findings(doc: Dockerfile, run: RunScript, has_ca: bool) -> Iterator[Finding]:
    stage = doc.stage_of(run.inst)
    ubuntu = stage is not None and "ubuntu" in stage.base.lower()
    for command in run.script.commands:
        if not is_install(command) or _decides_recommends(command) or command.has_option("-s"):
            continue
        if _configures_in(run, before=command.span[0]):
            return  # this RUN configures apt before installing: that decides from here on
        yield _finding(doc, run, command, ubuntu, has_ca)


def _finding(doc: Dockerfile, run: RunScript, command, ubuntu: bool, has_ca: bool) -> Finding:
    operands = command.positional()
    names = [_package_name(w) for w in operands]
    dropped = dropped_by([n for n in names if n], present=(CA,) if has_ca else ())
    edits = [run.insert_option(command, "--no-install-recommends")]
    if dropped.ca_for:
        edits.append(Edit.insert(run.doc_span(operands[-1].span)[1], f" {CA}"))
    unknown = [w.text_raw if n is None else n for w, n in zip(operands, names)
               if n is None or n in dropped.unknown]
    if dropped.packages:
        effect = f" (about {_mb(dropped.kib)} less)"
    elif dropped.known and not unknown:
        effect = " (nothing to drop for these packages today; the flag keeps it that way)"
    else:
        effect = ""
    return PASS.finding(
        doc.line_at(run.doc_span(command.span)[0]),
        f"`{command.program} {command.subcommand}` installs recommended packages too; "
        f"add --no-install-recommends{effect}",
        Fix(tuple(edits), Safety.UNSAFE), risk=_risk(dropped, unknown, ubuntu),
        end_line=doc.line_at(run.doc_span(command.span)[1]))


def _mb(kib: int) -> str:
    return f"{kib / 1024:.1f} MB" if kib >= 103 else f"{kib} KB"


def _risk(dropped: Dropped, unknown: list[str], ubuntu: bool = False) -> str:
    """What goes away, what is kept, what we could not judge, and where the numbers come from."""
    parts = []
    count = len(dropped.packages)
    if count:
        sizes = recommends_data().sizes_kib
        top = ", ".join(f"{p} ({_mb(sizes.get(p, 0))})" for p in dropped.packages[:5])
        parts.append(f"drops {count} recommended package{'s' * (count != 1)}, about {_mb(dropped.kib)} "
                     f"on a clean debian:bookworm: {top}" + (f" and {count - 5} more" if count > 5 else ""))
    elif dropped.known:
        parts.append(f"{', '.join(dropped.known)}: no recommended packages to drop")
    if dropped.ca_for:
        parts.append(f"keeps {CA} explicitly: {', '.join(dropped.ca_for)} "
                     f"need{'s' * (len(dropped.ca_for) == 1)} it for HTTPS")
    parts.extend(dropped.notes)
    if unknown:
        missing = recommends_data().unavailable if dropped.known or dropped.unknown else frozenset()
        parts.append("unknown for: " + ", ".join(
            f"{n} (no installable bookworm package)" if n in missing else n for n in dict.fromkeys(unknown)))
    parts.append("check that the image still has what it runs")
    if dropped.known:
        data = recommends_data()
        parts.append(f"data: {data.source} ({data.arch}); "
                     + ("this stage is Ubuntu-based, which the data does not cover: names and sizes differ"
                        if ubuntu else "Ubuntu and other releases are not covered"))
    return "; ".join(parts)


PASS = Pass(
    image_changes=("packages-not-installed",),
    id="DO102",
    name="apt-no-install-recommends",
    title="Install apt packages with --no-install-recommends",
    what=("Adds `--no-install-recommends` to `apt-get install` / `apt install`, keeping `ca-certificates` "
          "explicitly when a TLS client such as curl, wget or git would lose it, and says which recommended "
          "packages go away and about how many MB."),
    why=("By default apt also installs every recommended package, and their recommends in turn: documentation "
         "tools, X11 and D-Bus libraries, locale data. They make the image larger and slower to pull and widen "
         "its attack surface; a container rarely needs them."),
    safety=Safety.UNSAFE,
    safety_notes=("Always unsafe: a dropped recommend may be something the application uses at run time. "
                  "The finding names what is dropped for the packages of the command (Debian bookworm data; "
                  "Ubuntu not covered) and which packages it could not judge. No finding when the command, an "
                  "apt config written earlier in the stage lineage, APT_CONFIG or a copied apt.conf.d decides "
                  "about recommends."),
    examples=(Example(
        before="FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n",
        after="FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl "
              "ca-certificates\n"),),
    check=check,
    hadolint=("DL3015",),
)
