"""What the instructions before a RUN leave behind that changes what it reads: configuration that
names paths, symlinks, and steps we cannot read (which may have done either).

A tool reads files it is never told about on its command line: apt a ``file:`` source written to
sources.list.d, apk a local repository in /etc/apk/repositories, pip pip.conf's ``find-links``,
ldconfig (and every apt install, through libc's trigger) the directories of ld.so.conf.d, npm the
``cafile`` of an npmrc, git (run by pip, npm, go, gem) ``~/.gitconfig``. Paths also lead elsewhere
through symlinks an earlier ``ln -s`` made. ``history(doc, context)`` reads the whole file once;
``History.add_indirect(doc, facts)`` adds to a RUN's footprint what the instructions before it (its
stage up to it, and the stages it is built FROM) make it read, or why we cannot tell.

What an earlier step writes is read from its text: the absolute paths (and ``file:``/``copy:``
URLs) it names, variables resolved from ENV/ARG in force; an unresolvable variable, a copied file
we cannot read (no context, another stage, an image) or a downloaded file is unknown. A step we
cannot read at all (a script, an unknown program) is taken to touch only the paths it names.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Iterator

from ..model import Dockerfile, Instruction, Stage
from ..record import record
from ..shell import tools
from .copies import destination, expand, from_context, instructions_before, is_copy, sources, workdir_in_force
from .footprint import Footprint, clip, footprint
from .paths import ImagePath, absolute, resolve, rooted, within
from .runscript import RunScript, env_in_force, run_script
from .scope import home_directories
from .users import home_in_force

if TYPE_CHECKING:
    from ..context import BuildContext


@record
class Read:
    """A path a RUN may read without naming it, and why; ``sure`` when known configuration names
    it, not when only a step we cannot read does."""

    path: ImagePath
    why: str
    sure: bool
    kind: str = ""  # the kind of tool that reads it ("" when a step we cannot read names it)


@record
class ConfigWrite:
    """An instruction (or a step of one) writing configuration of some kinds of tool."""

    line: int
    label: str
    kinds: frozenset[str]
    config: str  # what it writes, for messages: a path or a command (`npm config`)
    names: tuple[ImagePath, ...] | None  # paths its content names; None when we cannot tell
    landed: ImagePath | None = None  # where a copy writes (its kinds then depend on the reader's HOME)


@record
class Link:
    """A symlink an earlier RUN made (an end is None when we cannot tell it)."""

    line: int
    link: ImagePath | None
    target: ImagePath | None


@record
class Opaque:
    """A RUN we cannot read, and the paths it names."""

    line: int
    label: str
    names: tuple[ImagePath, ...]


Event = ConfigWrite | Link | Opaque
_PATH_LISTS = {kind: tuple(rooted(p) for p in paths) for kind, paths in tools.PATH_LISTS.items()}
_HOME_CONFIGS = [(c.parts, kind) for kind, configs in _PATH_LISTS.items() for c in configs if c.root == "~"]
_ABSOLUTE_CONFIGS: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _kind, _configs in _PATH_LISTS.items():
    for _config in _configs:
        if _config.root == "/":
            _ABSOLUTE_CONFIGS.setdefault(_config.parts[0], []).append((_config.parts, _kind))
#: A path in text: a ``file:``/``copy:`` URL's, an absolute one (not inside a URL or a word), a ``~/`` one.
_NAMED = re.compile(r"(?:file|copy):(?://)?(/[^\s'\"|;,)\]]*)"
                    r"|(?<![\w.:/~\-$}@])(/[\w.@+\-/]*)"
                    r"|(?<![\w.\-$])(~/[\w.@+\-/]*)")
_SINGLE_QUOTED = re.compile(r"('[^']*')")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")
#: Command substitutions that print a fact of the system (architecture, release), never a path.
_FACT_SUBSTITUTION = re.compile(
    r"\$\((?:dpkg --print-architecture|uname -[mrs]|arch|lsb_release -[a-z]*c[a-z]*|"
    r"\. /etc/os-release && echo \"?\$\{?(?:VERSION_CODENAME|UBUNTU_CODENAME|VERSION_ID|ID)\}?\"?)\)")
_NOT_NAMES = frozenset({"/", "/dev/null", "/dev/stdout", "/dev/stderr"})


@record
class History:
    """Events of every instruction of a Dockerfile, by instruction."""

    events: dict[int, tuple[Event, ...]]
    homes: tuple[ImagePath, ...]  # home directories the file sets up (``scope.home_directories``)

    def before(self, doc: Dockerfile, inst: Instruction) -> list[Event]:
        """Events of the instructions that run before ``inst``, first first."""
        return [event for other in instructions_before(doc, inst) for event in self.events.get(id(other), ())]

    def add_indirect(self, doc: Dockerfile, facts: Footprint) -> None:
        """Add to a RUN's footprint what it reads through the instructions before it."""
        kinds = dict(facts.kinds)
        if set(kinds) & tools.GIT_USERS:
            kinds.setdefault("git", next(kinds[k] for k in kinds if k in tools.GIT_USERS))
        own = [e for e in self.events.get(id(facts.inst), ()) if isinstance(e, ConfigWrite)]
        home = _known_home(doc, facts.inst)
        for event in [*self.before(doc, facts.inst), *own]:
            if isinstance(event, Link):
                facts.links.append((event.link, event.target))
            elif isinstance(event, Opaque):
                facts.indirect += [Read(p, f"line {event.line} (`{event.label}`) cannot be read and names {p}: it "
                                           "may configure a tool or link a path there", False) for p in event.names]
            else:
                held = event.kinds if home is None or event.landed is None else event.kinds & _held_by(event.landed, home)
                kind = next((k for k in sorted(held) if k in kinds), None)
                if kind is None:
                    continue
                program = kinds[kind]
                if event.names is None:
                    facts.unknown.append(f"`{program}` reads {event.config}, which line {event.line} writes "
                                         f"(`{event.label}`); cannot tell what it names")
                    continue
                facts.indirect += [Read(p, f"`{program}` reads {event.config} (line {event.line}), which names {p}",
                                        True, kind) for p in event.names]


# Two passes ask for the history of the same document: the last few are kept, by the identity of the
# (immutable) document and build context.
_MEMO_DOCUMENTS = 4
_memo: dict[int, tuple[Dockerfile, BuildContext | None, History]] = {}


def history(doc: Dockerfile, context: BuildContext | None = None) -> History:
    """What each instruction of ``doc`` leaves behind for the RUNs after it (``context``: the build
    context, to read configuration files copied from it)."""
    known = _memo.get(id(doc))
    if known is not None and known[0] is doc and known[1] is context:
        return known[2]
    if len(_memo) >= _MEMO_DOCUMENTS:
        _memo.clear()
    found = _memo[id(doc)] = (doc, context, _history(doc, context))
    return found[2]


def _history(doc: Dockerfile, context: BuildContext | None) -> History:
    events: dict[int, tuple[Event, ...]] = {}
    homes = home_directories(doc)
    for inst in doc.instructions:
        if inst.trigger is not None:
            continue
        if inst.keyword == "RUN":
            events[id(inst)] = tuple(_run_events(doc, inst, homes))
        elif is_copy(inst):
            events[id(inst)] = tuple(_copy_events(doc, inst, context, homes, events))
    return History(events, homes)


def named_paths(doc: Dockerfile, inst: Instruction, text: str) -> tuple[ImagePath, ...] | None:
    """The absolute (and ``~/``) paths ``text`` names, ``file:``/``copy:`` URLs included, with
    variables in force expanded; None when a variable or a command substitution cannot be resolved."""
    text = _FACT_SUBSTITUTION.sub("x", text)
    if "`" in text or "$(" in text:
        return None
    unresolved = False

    def variable(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(2)
        value = "~" if name == "HOME" and env_in_force(doc, inst, name) is None else env_in_force(doc, inst, name)
        if value is None or "$" in value:
            unresolved = True
            return ""
        return value

    # No expansion inside single quotes (``'baseurl=.../$basearch/'`` is yum's variable, not the shell's).
    pieces = [piece if piece.startswith("'") else _VARIABLE.sub(variable, piece)
              for piece in _SINGLE_QUOTED.split(text)]
    text = "".join(pieces)
    if unresolved or any("${" in piece for piece in pieces if not piece.startswith("'")):
        return None
    found = []
    for match in _NAMED.finditer(text):
        raw = (match.group(1) or match.group(2) or match.group(3) or "").rstrip(".,:")
        path = resolve(raw, None) if raw not in _NOT_NAMES else None
        if path is not None and path not in found:
            found.append(path)
    return tuple(found)


def _config_kinds(path: ImagePath | None, homes: tuple[ImagePath, ...]) -> frozenset[str]:
    """Kinds of tool whose path-naming configuration ``path`` is (or lies in); a home configuration
    (``~/.npmrc``) counts under /root, a directory of /home or a home the file sets up."""
    if path is None or not path.parts or path.root == ".":
        return frozenset()
    parts = path.parts
    if path.root == "~":
        return frozenset(kind for config, kind in _HOME_CONFIGS if parts[:len(config)] == config)
    kinds = {kind for config, kind in _ABSOLUTE_CONFIGS.get(parts[0], ()) if parts[:len(config)] == config}
    candidates = [h.parts for h in homes] + [("root",)] + ([parts[:2]] if parts[0] == "home" else [])
    for home in candidates:
        if parts[:len(home)] == home:
            rest = parts[len(home):]
            kinds |= {kind for config, kind in _HOME_CONFIGS if rest[:len(config)] == config}
    return frozenset(kinds)


def _run_events(doc: Dockerfile, inst: Instruction, homes: tuple[ImagePath, ...]) -> Iterator[Event]:
    workdir = workdir_in_force(doc, inst)
    cwd = absolute(workdir) if workdir is not None else ImagePath(".", ())
    facts = footprint(doc, inst, cwd, history=None)
    line = inst.start_line
    yield from (Link(line, link, target) for link, target in facts.links)
    run = run_script(doc, inst)
    target = inst.effective
    whole = "".join([target.arguments.text, *(h.content for h in target.heredocs)])
    written = [p for p, _ in facts.paths if p is not None] + list(named_paths(doc, inst, whole) or ())
    kinds = frozenset().union(*(_config_kinds(p, homes) for p in written))
    for kind in sorted(kinds):
        configs = [str(p) for p in written if kind in _config_kinds(p, homes)]
        steps = [(text, fetched) for text, fetched in _steps(run, whole) if any(c in text for c in configs)]
        for text, fetched in steps or [(whole, True)]:  # no step names it as written: cannot tell
            names = None if fetched else named_paths(doc, inst, text)
            yield ConfigWrite(line, clip(text), frozenset({kind}), configs[0], names)
    commands, script_text = (run.script.commands, run.script.text) if run is not None else ((), "")
    for command in commands:
        sub = next((w.value for w in command.words if w.value and not w.value.startswith("-")), None)
        config_kind = tools.CONFIG_COMMANDS.get((command.program or "", sub or ""))
        if config_kind is not None:
            text = script_text[command.span[0]:command.span[1]]
            yield ConfigWrite(line, clip(text), frozenset({config_kind}),
                              f"the configuration `{command.program} {sub}` writes", named_paths(doc, inst, text))
    if facts.blocked:
        yield Opaque(line, clip(whole), named_paths(doc, inst, whole) or ())


def _steps(run: RunScript | None, whole: str) -> list[tuple[str, bool]]:
    """Each step of a RUN script (the whole text when we cannot read it), and whether it downloads
    something (what it writes is then unknown)."""
    if run is None:
        return [(whole, True)]
    fetching = {c.step_index for c in run.script.commands if c.program in tools.DOWNLOADERS}
    return [(run.script.text[s.span[0]:s.span[1]], i in fetching) for i, s in enumerate(run.script.chain)]


def _copy_events(doc: Dockerfile, inst: Instruction, context: BuildContext | None, homes: tuple[ImagePath, ...],
                 earlier: dict[int, tuple[Event, ...]]) -> Iterator[ConfigWrite]:
    """A copy writing configuration: what its files name, when we can read them. A copy from a stage
    brings what that stage wrote (``earlier``: the events so far); one from an image is taken, like
    the base image, not to point tools at this file's paths."""
    raw = destination(inst)
    expanded = expand(doc, inst, raw) if raw is not None else None
    workdir = workdir_in_force(doc, inst)
    landing = resolve(expanded, absolute(workdir) if workdir else None) if expanded is not None else None
    if landing is None or landing.root != "/":
        return
    holds = _held(landing, homes)
    if not holds:
        return
    target = inst.effective
    label = clip(f"{target.keyword} {target.arguments.text}")
    source_stage = target.flag("from")
    if source_stage is not None:
        stage = doc.stage_named(source_stage.value or "")
        if stage is not None:
            yield from _stage_configs(doc, stage, earlier, inst.start_line, label, holds)
        return
    if target.heredocs:
        text = "".join(h.content for h in target.heredocs)
        yield ConfigWrite(inst.start_line, label, holds, str(landing), named_paths(doc, inst, text), landing)
        return
    files = _copied_files(inst, context, raw or "", landing)
    if files is None or context is None:  # no context: no files
        yield ConfigWrite(inst.start_line, label, holds, str(landing), None, landing)
        return
    for name, landed in files:
        kinds = _config_kinds(landed, homes)
        if kinds:
            content = context.read_text(name)
            names = named_paths(doc, inst, content) if content is not None else None
            yield ConfigWrite(inst.start_line, label, kinds, str(landed), names, landed)


def _stage_configs(doc: Dockerfile, stage: Stage, earlier: dict[int, tuple[Event, ...]], line: int, label: str,
                   holds: frozenset[str]) -> Iterator[ConfigWrite]:
    """The configuration of kinds ``holds`` a stage (and the stages it is built FROM) wrote, as brought
    by a copy from it at ``line``."""
    written = [event for current in [*doc.ancestors(stage), stage] for other in current.instructions
               for event in earlier.get(id(other), ()) if isinstance(event, ConfigWrite) and event.kinds & holds]
    if written:
        names = [event.names for event in written if event.names is not None]
        yield ConfigWrite(line, label, frozenset().union(*(e.kinds for e in written)) & holds,
                          written[0].config, None if len(names) < len(written) else tuple(p for n in names for p in n))


def _archive(source: str) -> bool:
    return source.lower().endswith((".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".lz4", ".txz", ".tbz2"))


def _known_home(doc: Dockerfile, inst: Instruction) -> ImagePath | None:
    """The RUN's HOME when the file tells it (``ENV HOME``, or USER and the /etc/passwd it makes)."""
    home = env_in_force(doc, inst, "HOME")
    if home is None:
        home = home_in_force(doc, inst)
    return absolute(home) if home and home.startswith("/") and "$" not in home else None


def _held_by(landing: ImagePath, home: ImagePath) -> frozenset[str]:
    """Kinds of tool whose configuration a copy to ``landing`` may write for a reader whose HOME is
    ``home``: absolute configurations as in ``_held``, home ones only in (or above) that home."""
    kinds = {kind for kind, configs in _PATH_LISTS.items() for config in configs
             if config.root == "/" and (within(config, landing) is True or within(landing, config) is True)}
    if within(home, landing) is True:
        kinds |= {kind for _, kind in _HOME_CONFIGS}
    elif within(landing, home) is True:
        rest = landing.parts[len(home.parts):]
        kinds |= {kind for config, kind in _HOME_CONFIGS if rest[:len(config)] == config or config[:len(rest)] == rest}
    return frozenset(kinds)


def _held(landing: ImagePath, homes: tuple[ImagePath, ...]) -> frozenset[str]:
    """Kinds of tool whose configuration a copy to ``landing`` may write: it lands in it, or above it
    (for a home configuration: above /root, a directory of /home or a home the file sets up)."""
    kinds = set(_config_kinds(landing, homes))
    kinds |= {kind for kind, configs in _PATH_LISTS.items()
              for config in configs if config.root == "/" and within(config, landing) is True}
    parts = landing.parts
    if (parts in ((), ("root",), ("home",)) or parts[:1] == ("home",) and len(parts) == 2
            or any(within(home, landing) is True for home in homes)):
        kinds |= {kind for _, kind in _HOME_CONFIGS}
    return frozenset(kinds)


def _copied_files(inst: Instruction, context: BuildContext | None, raw_dest: str,
                  landing: ImagePath) -> list[tuple[str, ImagePath]] | None:
    """(context file, where it lands) for each file a copy brings in, or None when we cannot list
    them (no context, another stage or an image, a URL, too many to read)."""
    target = inst.effective
    if context is None or not context.known:
        return None
    found: list[tuple[str, ImagePath]] = []
    srcs = sources(inst)
    into_directory = raw_dest.endswith("/") or len(srcs) > 1
    for source in srcs:
        if not from_context(inst, source) or "$" in source or target.keyword == "ADD" and _archive(source):
            return None  # another stage, an image, a URL, or an archive ADD unpacks
        key = source.strip("/").removeprefix("./").rstrip("/")
        key = "" if key == "." else key
        matches = context.glob(key) if any(c in key for c in "*?[") else [key] if key in context.included else []
        for match in matches:
            place = posixpath.basename(match) if into_directory or len(matches) > 1 else ""
            found.append((match, ImagePath("/", landing.parts + tuple(p for p in place.split("/") if p))))
        if not matches:
            prefix = key + "/" if key else ""
            found += [(name, ImagePath("/", landing.parts + tuple(name[len(prefix):].split("/"))))
                      for name in context.included if name.startswith(prefix)]
    return found
