"""DO102 apt-no-install-recommends: install only what apt needs, and say what that leaves out (documented in PASS)."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from ..edits import Edit
from ..model import Dockerfile, Instruction, Stage
from ..facts.distro import Distro, expand_args, stage_distro
from ..facts.recommends import CA, Dropped, RecommendsData, data_for, dropped_by, recommends_data, releases
from ..facts.recommends_needs import needs_in
from ..facts.runscript import RunScript, env_in_force, mounts, run_script, run_scripts
from .apt import APT_PROGRAMS, is_install
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command, Word

_RECOMMENDS_OPTIONS = frozenset({"--no-install-recommends", "--install-recommends",
                                 "--without-install-recommends"})
_MARKER = re.compile("install-recommends", re.IGNORECASE)
_VARIABLE = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})")


def _package_name(word: Word) -> str | None:
    """``curl=7.88*`` -> ``curl``; None for ``$VAR``, globs and local ``.deb`` paths."""
    value = word.value
    if value is None or not word.is_static or value.startswith(("/", ".")) or value.endswith(".deb"):
        return None
    for sep in ("=", "/", ":"):
        value = value.split(sep)[0]
    return value or None


def _decides_recommends(command: Command) -> bool:
    """The command says itself whether recommends are installed (or reads a config we cannot see)."""
    for option in command.options():
        if option.canonical in _RECOMMENDS_OPTIONS or option.canonical == "-c":
            return True
        if option.canonical == "-o" and (option.value is None or _MARKER.search(option.value)):
            return True
    return any(a.name == "APT_CONFIG" for a in command.env)


def _is_apt(command: Command) -> bool:
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


def _into_apt_config(dest: str, sources: Sequence[str] = ()) -> bool:
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


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        lineage = [inst for parent in reversed(doc.ancestors(stage)) for inst in parent.instructions]
        inherited = any(_configures(doc, inst) for inst in lineage)
        # ONBUILD triggers run in a later build, after every ordinary instruction of this stage.
        configured = {False: inherited,
                      True: inherited or any(_configures(doc, i) for i in stage.instructions if not i.trigger)}
        ca = any(_installs_ca(doc, inst) for inst in lineage)
        has_ca = {False: ca, True: ca}
        needed_later = _needs_of_later_runs(doc, stage)
        for inst in stage.instructions:
            onbuild = inst.trigger is not None
            if inst.effective.keyword == "RUN" and not configured[onbuild] and not _mounts_config(inst):
                run = run_script(doc, inst)
                if run is not None and env_in_force(doc, inst, "APT_CONFIG") is None:
                    later = {} if onbuild else needed_later.get(id(inst), {})
                    yield from _findings(doc, run, has_ca[onbuild] or _installs_ca(doc, inst), later)
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


def _findings(doc: Dockerfile, run: RunScript, has_ca: bool, later: dict[str, str]) -> Iterator[Finding]:
    stage = doc.stage_of(run.inst)
    distro = stage_distro(doc, stage) if stage is not None else Distro("unknown", None, "")
    for command in run.script.commands:
        if not is_install(command) or _decides_recommends(command) or command.has_option("-s"):
            continue
        if _configures_in(run, before=command.span[0]):
            return  # this RUN configures apt before installing: that decides from here on
        yield _finding(doc, run, command, distro, has_ca, later)


def _finding(doc: Dockerfile, run: RunScript, command: Command, distro: Distro, has_ca: bool,
             later: dict[str, str]) -> Finding:
    operands = command.positional()
    data, exact = data_for(distro)
    expanded = [(word, _expand(doc, run.inst, word)) for word in operands]
    dropped = dropped_by([n for _, names in expanded for n in names], present=(CA,) if has_ca else (),
                         data=data, needed=_needs_after(run, command, later))
    unknown = [n for word, names in expanded
               for n in (names if names else [word.text_raw]) if not names or n in dropped.unknown]
    kept = (*(p for p, _ in dropped.kept), *((CA,) if dropped.ca_for else ()))
    edits = [run.insert_option(command, "--no-install-recommends")]
    if kept:
        edits.append(Edit.insert(run.doc_span(operands[-1].span)[1], "".join(f" {p}" for p in kept)))
    if dropped.packages and exact:
        effect = f" (about {_mb(dropped.kib)} less)"
    elif dropped.known and not unknown and not dropped.packages:
        effect = " (nothing to drop for these packages today; the flag keeps it that way)"
    else:
        effect = ""
    return PASS.finding(
        doc.line_at(run.doc_span(command.span)[0]),
        f"`{command.program} {command.subcommand}` installs recommended packages too; "
        f"add --no-install-recommends{effect}",
        Fix(tuple(edits), Safety.UNSAFE, image_changes=("packages-upgraded",) if dropped.ca_for or dropped.kept else ()),
        risk=_risk(dropped, unknown, data, exact, distro),
        end_line=doc.line_at(run.doc_span(command.span)[1]))


def _expand(doc: Dockerfile, inst: Instruction, word: Word) -> list[str]:
    """Package names a word stands for: itself, or the value of the ``$VAR`` it is (ENV, then ARG
    defaults), split on blanks. Empty when it cannot be told."""
    name = _package_name(word)
    if name is not None:
        return [name]
    match = _VARIABLE.fullmatch(word.text_raw)
    if match is None:
        return []
    value = _variable(doc, inst, match.group(1) or match.group(2))
    names = [_plain_name(v) for v in (value or "").split()]
    plain = [n for n in names if n]
    return plain if names and len(plain) == len(names) else []


def _plain_name(value: str) -> str | None:
    if value.startswith(("/", ".", "$")) or value.endswith(".deb") or any(c in value for c in "*?[{"):
        return None
    for sep in ("=", "/", ":"):
        value = value.split(sep)[0]
    return value or None


def _variable(doc: Dockerfile, inst: Instruction, name: str) -> str | None:
    """The value of ``$name`` when ``inst`` runs: ENV in force, else the ARG default declared before it."""
    value = env_in_force(doc, inst, name)
    if value is not None:
        return value
    stage = doc.stage_of(inst)
    if stage is None:
        return None
    declared = None
    for ancestor in [*reversed(doc.ancestors(stage)), stage]:
        for candidate in ancestor.instructions:
            if candidate is inst:
                break
            if candidate.keyword == "ARG":
                for item in candidate.value:
                    key, eq, default = item.partition("=")
                    if key == name:
                        declared = default.strip("\"'") if eq else expand_args(doc, f"${{{name}}}")
    return None if declared is None or "$" in declared else declared


def _needs_after(run: RunScript, command: Command, later: dict[str, str]) -> dict[str, str]:
    """Recommends that later steps of the RUN, or later RUNs of the stage (``later``), need
    (gcc -> libc6-dev ...); the first step that needs a package names it."""
    found = needs_in([c for c in run.script.commands if c.span[0] > command.span[1]], _line_of(run))
    for package, why in later.items():
        found.setdefault(package, why)
    return found


def _needs_of_later_runs(doc: Dockerfile, stage: Stage) -> dict[int, dict[str, str]]:
    """For each RUN of the stage (by ``id``), what the stage's later RUNs (not ONBUILD ones) need, in
    the order they first need it: built back to front, so a stage of many RUNs stays linear."""
    result: dict[int, dict[str, str]] = {}
    found: dict[str, str] = {}
    for inst, run in reversed(run_scripts(doc, stage)):
        result[id(inst)] = found
        if run is not None and inst.trigger is None:
            here = needs_in(run.script.commands, _line_of(run))
            found = {**here, **{package: why for package, why in found.items() if package not in here}}
    return result


def _line_of(run: RunScript) -> Callable[[Command], int]:
    """The file line of a command of ``run``."""
    return lambda command: run.line_of(command.span)


def _mb(kib: int) -> str:
    return f"{kib / 1024:.1f} MB" if kib >= 103 else f"{kib} KB"


def _risk(dropped: Dropped, unknown: list[str], data: RecommendsData, exact: bool, distro: Distro) -> str:
    """What goes away, what is kept, what we could not judge, and where the numbers come from."""
    parts = []
    count = len(dropped.packages)
    if count and exact:
        sizes = data.sizes_kib
        top = ", ".join(f"{p} ({_mb(sizes.get(p, 0))})" for p in dropped.packages[:5])
        parts.append(f"drops {count} recommended package{'s' * (count != 1)}, about {_mb(dropped.kib)} "
                     f"on a clean {data.clean_image}: {top}" + (f" and {count - 5} more" if count > 5 else ""))
    elif dropped.known and not count and exact:
        parts.append(f"{', '.join(dropped.known)}: no recommended packages to drop")
    if dropped.ca_for:
        parts.append(f"keeps {CA} explicitly: {', '.join(dropped.ca_for)} "
                     f"need{'s' * (len(dropped.ca_for) == 1)} it for HTTPS")
    for package, why in dropped.kept:
        parts.append(f"keeps {package} explicitly: {why}")
    if dropped.ca_for or dropped.kept:
        parts.append("a package named in the install is upgraded where the base has an older version of it, which "
                     "a satisfied recommends leaves as it is")
    parts.extend(dropped.notes)
    if unknown:
        missing = data.unavailable if exact else frozenset()
        parts.append("unknown for: " + ", ".join(
            f"{n} (no installable {data.release_name} package)" if n in missing else n
            for n in dict.fromkeys(unknown)))
    parts.append("check that the image still has what it runs")
    covered = ", ".join(recommends_data(k).release_name for k in releases())
    if exact:
        parts.append(f"data: {data.source} ({data.arch}); other releases differ (covered: {covered})")
    elif distro.family == data.key.split("-")[0] and data.key == f"{distro.family}-{distro.release}":
        parts.append(f"the base is {distro.describe()}, which ships packages of its own: which recommends go "
                     f"away and their sizes are not given (data: {data.source}, measured on a clean "
                     f"{data.clean_image})")
    elif dropped.known or dropped.unknown:
        parts.append(f"the base is {distro.describe() if distro.image else 'not known'}, which the data "
                     f"({covered}) does not cover: which recommends go away and their sizes are not given")
    return "; ".join(parts)


PASS = Pass(
    # Trigger: it reports only `apt-get`/`apt` installs.
    triggers=("apt",),
    image_changes=("packages-not-installed",),
    id="DO102",
    name="apt-no-install-recommends",
    title="Install apt packages with --no-install-recommends",
    what="""
        Every `apt-get install` / `apt install` in a RUN (top level or nested, in ONBUILD RUN triggers and
        heredoc scripts; not exec-form RUNs or non-POSIX shells) that leaves recommends on gets
        `--no-install-recommends` before its first package. Package lists held in an ENV or ARG
        (`apt-get install -y $BUILD_PACKAGES`) are expanded; names the data lacks (other names, undefined
        `$VARS`, local `.deb` files) are listed as unknown.

        The finding says what goes away for the packages of this command and about how many MB, from the
        bundled data of the base's release (`optimizer/data/apt_recommends_<distro>-<version>.json`,
        simulated on a clean image of that release by `tools/gen_apt_recommends.py`): the union of the
        packages' dropped sets, minus what any of them (or the kept extras) still needs, named by size. The
        base is resolved through stage parents, ARG defaults in FROM and official images built on Debian or
        Ubuntu (python, node, eclipse-temurin, maven, dotnet ...). Names and sizes are given only when the
        data is of that exact release and the base is the distribution's own image
        (`debian:bookworm-slim`, `ubuntu:24.04`): an image built on it ships packages of its own, and
        another release has other packages. Otherwise the risk names the base and says that names and sizes
        are not given; the functional decisions below still use the newest data of the family.

        Functional recommends are kept explicitly (added after the command's last package):
        - `ca-certificates` when a package whose main job is talking TLS (curl, wget, git, gnupg/gpg/dirmngr
          for hkps keyservers, the openssl CLI, apt-transport-https, software-properties-common, mercurial,
          subversion, libcurl4/libcurl3-gnutls, python3-requests) would lose it according to the data.
          Without the CA bundle every HTTPS download in a later step fails with a certificate error; keeping
          it costs about 0.4 MB plus `openssl` (2.3 MB). Not added when the command names ca-certificates,
          an earlier RUN of the stage (or a stage it is built FROM) or of the same RUN installs it, or
          another package of the command Depends on it (python3-pip, the JREs through ca-certificates-java).
          Packages that lose ca-certificates without TLS being their main job (python3, nodejs, apache2,
          cron, the compilers) get nothing added; for python3 the risk says what breaks.
        - A recommend that a later step of the RUN, or a later RUN of the stage, needs: `libc6-dev` when
          `gcc`/`cc`/`g++` compiles, `ca-certificates` when `curl`/`wget`/`git` fetch an `https://` URL,
          `dirmngr` when `gpg` talks to a keyserver. The risk names the command and its line.
        - Nothing else: other recommends are large (python3-pip recommends build-essential: dropping it is
          the point) or serve secondary uses (git's ssh-client for ssh remotes, less, patch); the risk names
          those losses instead.

        No finding when the command already decides about recommends, whatever the decision:
        `--no-install-recommends`, `--without-install-recommends`, `--install-recommends` (with or without a
        value such as `=no`), `-o APT::Install-Recommends=...` (any case, any value); `-c`/`--config-file`
        or `APT_CONFIG` (a configuration we cannot read); an apt configuration mention of
        `Install-Recommends` earlier in the same RUN, in an earlier RUN of the stage or of a stage it is
        built FROM (`echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/...`, a `cat <<EOF` into
        apt.conf.d, `sed` on apt.conf); a COPY/ADD into `/etc/apt/apt.conf*` or of a whole directory onto
        `/etc/apt` (content unknown), or such a bind mount on the RUN. `apt-get -s` installs nothing. Base
        images are not guessed at: a base that disables recommends still gets the (harmless) flag.
    """,
    why="""
        `apt-get install` also installs every package the requested ones recommend, and what those
        recommend in turn. In a container that is mostly dead weight: documentation tools, X11 and D-Bus
        pieces, locale data. They make the image larger and slower to pull and widen its attack surface:
        `openjdk-17-jdk` pulls 186 packages (634 MB) by default and 113 (566 MB) with
        `--no-install-recommends` on a clean debian:bookworm (hadolint DL3015).
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because a dropped recommend may be something the application uses at run time; the finding
        names what is dropped and its size where the data covers the base, and keeps the recommends a later
        step of the build is known to need. A package kept so is named in the install, which upgrades it where
        the base has an older version (a satisfied recommends is left as it is): the fix declares verify's
        `packages-upgraded` scope (awesome-compose--traefik-golang--backend's naive variant on a golang base
        with an older ca-certificates than the mirror's, in benchmarks/real_projects.py).
    """,
    examples=(Example(
        before="FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n",
        after="FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl "
              "ca-certificates\n",
        config={"unsafe": True}),),
    check=check,
    hadolint=("DL3015",),
)
