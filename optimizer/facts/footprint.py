"""What a RUN command reads and writes on the filesystem: the footprint of its shell script.

A RUN is read with the shell layer, command by command, against an allow-list of tools whose
behaviour is known (the tool table, ``optimizer.shell.tools``, and per-program rules,
``optimizer.facts.programs``): system and language package managers, user tools, file and archive
tools, downloaders and commands that touch no files at all. For each it records the paths it names
(operands, path options, redirects, ``cd``, the working directory), the kind of tool (which names
the configuration it reads by itself: ``/etc/apt``, ``~/.npmrc`` ...) and what makes the reading
unsure (a variable we cannot resolve, a downloaded script). Anything else blocks: an unknown
program, a compound statement, a bind mount of the build context.

Paths are ``ImagePath`` (``optimizer.facts.paths``); where the RUN runs (PATH, HOME, variables in
force) is a ``Scope`` (``optimizer.facts.scope``).

Public API: ``footprint(doc, inst, cwd)`` -> ``Footprint``; ``clip(text)`` for messages.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Sequence

from ..model import Dockerfile, Instruction
from ..record import field, record
from ..shell import Command, GRAMMARS, Option, Script, tools
from ..shell.words import Word
from .copies import is_remote
from .paths import ImagePath, absolute, literal_directory, looks_like_path, resolve, under
from .programs import RULES
from .runscript import POSIX_SHELLS, env_in_force, mounts, run_script

if TYPE_CHECKING:
    from .history import History, Read

_ALLOWED_STEPS = frozenset({"command", "pipeline", "declaration_command", "variable_assignment",
                            "unset_command"})


@record(frozen=False)
class Footprint:
    """What a RUN reads and writes, answered three ways: known (the paths it names, the kinds of
    tool it runs with their own configuration, ``CONFIG_READS``, what it reads through earlier
    configuration, symlinks and steps: ``indirect``, ``links``), known-none (``does_work`` is false),
    or unknown: ``blocked`` (it cannot be read at all) or ``unknown`` (reasons, each naming what we
    cannot tell). A pass may call a step SAFE only when neither is set."""

    inst: Instruction
    blocked: str = ""  # why it cannot be read at all ("" when it can)
    unknown: list[str] = field(default_factory=list)  # what it reads or writes that we cannot tell, and why
    paths: list[tuple[ImagePath | None, str]] = field(default_factory=list)  # (path, word it came from)
    indirect: list[Read] = field(default_factory=list)  # through configuration or steps before it
    links: list[tuple[ImagePath | None, ImagePath | None]] = field(default_factory=list)  # (link, target)
    kinds: dict[str, str] = field(default_factory=dict)  # kind -> a program of that kind
    texts: list[str] = field(default_factory=list)  # every word, for mentions of a destination
    programs: set[str] = field(default_factory=set)
    cwd_readers: list[str] = field(default_factory=list)  # tools reading project config from cwd
    redirects: bool = False  # writes a file through a redirect
    cd_targets: list[tuple[ImagePath | None, str]] = field(default_factory=list)  # directories it enters
    installs_packages: bool = False
    cwd: ImagePath | None = None

    @property
    def does_work(self) -> bool:
        """Anything worth caching: not only ``true``, ``echo``, version probes (a ``RUN true``
        between copies is a known layer workaround, moving it would undo it)."""
        return bool(set(self.kinds) - {"info", "probe"}) or self.redirects

    @property
    def expensive(self) -> bool:
        """Installs or downloads something: worth moving above any copy. Cheap file steps
        (mkdir, ln, chmod, echo > file) only move above broad copies, where the churn pays off."""
        return bool(set(self.kinds) & tools.EXPENSIVE_KINDS)

    @property
    def changes_users(self) -> bool:
        """Runs user tools or names /etc/passwd, /etc/group ..."""
        return "user" in self.kinds or any(p is not None and under(p, tools.USER_FILES) for p, _ in self.paths)

    def block(self, reason: str) -> None:
        """Record why the RUN cannot be read (the first reason wins)."""
        if not self.blocked:
            self.blocked = reason


# --- reading a RUN ---------------------------------------------------------------------------------


def footprint(doc: Dockerfile, inst: Instruction, cwd: ImagePath | None, *, history: History | None) -> Footprint:
    """What the RUN ``inst`` reads and writes, running in ``cwd`` (None: unknown), also through what
    the instructions before it did (``history``: ``optimizer.facts.history.history(doc, context)``;
    None reads the RUN alone)."""
    facts = Footprint(inst, cwd=cwd)
    for mount in mounts(inst):
        if mount["type"] == "bind" and "from" not in mount:
            facts.block("it bind-mounts the build context (`--mount=type=bind`)")
        target = mount.get("target")
        if target:
            facts.paths.append((resolve(target, cwd), f"--mount target {target}"))
    run = run_script(doc, inst)
    if run is None:
        facts.block("the RUN is not a shell script we can read")
        return facts
    script = run.script
    for step in script.chain:
        if step.kind not in _ALLOWED_STEPS:
            facts.block(f"`{clip(script.text[step.span[0]:step.span[1]])}` is a {step.kind.replace('_', ' ')}")
        if step.kind == "variable_assignment":
            facts.texts.append(script.text[step.span[0]:step.span[1]])
    assigned = _assigned_names(script)
    reader = _Reader(doc, inst, facts, assigned, script.text)
    for command in script.commands:
        reader.command(command)
        if facts.blocked:
            return facts
    if history is not None:
        history.add_indirect(doc, facts)
    return facts


def _assigned_names(script: Script) -> frozenset[str]:
    """Variables the script itself sets (their values are not the Dockerfile's)."""
    names = {a.name for c in script.commands for a in c.env}
    for command in script.commands:
        if command.name in ("export", "readonly", "declare", "typeset", "local", "read"):
            for word in command.words:
                text = word.value or word.text_raw
                names.add(text.partition("=")[0].lstrip("-"))
    for step in script.chain:
        if step.kind == "variable_assignment":
            names.add(script.text[step.span[0]:step.span[1]].partition("=")[0])
    return frozenset(names)


class _Reader:
    """Adds one command after another to a footprint."""

    def __init__(self, doc: Dockerfile, inst: Instruction, facts: Footprint, assigned: frozenset[str], text: str):
        self.doc, self.inst, self.facts, self.assigned, self.text = doc, inst, facts, assigned, text
        self.cwd = facts.cwd

    def value(self, word: Word) -> str | None:
        if word.value is not None:
            return word.value
        return _expand_shell(word.text_raw, self._variable)

    def _variable(self, name: str) -> str | None:
        if name in self.assigned:
            return None
        found = env_in_force(self.doc, self.inst, name)
        return found if found is not None and "$" not in found else None

    def path(self, word: Word) -> None:
        """A word naming a path, relative to the working directory."""
        text = self.value(word)
        if text in ("-", "/dev/null", "/dev/stdout", "/dev/stderr"):
            return
        if text is None:
            text = literal_directory(word.text_raw)
        self.facts.paths.append((None if text is None else resolve(text, self.cwd), word.text_raw))

    def command(self, cmd: Command) -> None:
        facts = self.facts
        for word in cmd.argv:
            value = self.value(word)
            facts.texts.append(value if value is not None else word.text_raw)
            if value is not None:
                self._absolute_mentions(value)
        for assignment in cmd.env:
            raw = self.text[assignment.span[0]:assignment.span[1]]
            facts.texts.append(raw)
            value = assignment.value if assignment.value is not None else _expand_shell(
                raw.partition("=")[2], self._variable)
            if value is not None:
                self._absolute_mentions(value)
        self._redirects(cmd)
        program = cmd.program
        if cmd.name is None or program is None:
            if cmd.argv and cmd.argv[0].text_raw == "":
                return  # only assignments
            facts.block(f"`{clip(cmd.argv[0].text_raw)}` runs a program named by a variable")
            return
        if "/" in cmd.name:
            if not cmd.name.startswith("/"):
                facts.block(f"it runs `{cmd.name}` from a relative path")
                return
            facts.paths.append((absolute(cmd.name), cmd.name))
        facts.programs.add(program)
        if program == "cd":
            self._cd(cmd)
            return
        if program in POSIX_SHELLS:
            self._shell(cmd, program)
            return
        tool = tools.TOOLS.get(program)
        if tool is None:
            if len(cmd.words) == 1 and cmd.words[0].value in tools.PROBE_WORDS:
                facts.kinds.setdefault("probe", program)
                facts.cwd_readers.append(program)
                return
            facts.block(f"`{program}` may read the copied files")
            return
        self._tool(cmd, program, tool)

    def _absolute_mentions(self, value: str) -> None:
        """Absolute paths inside a word (``--prefix=/x``, ``@/file``) are paths the command may use."""
        candidates = [value, value.partition("=")[2], value[1:] if value.startswith("@") else ""]
        for text in candidates:
            if text.startswith("/") and not text.startswith("//"):
                self.facts.paths.append((resolve(text, None), text))

    def _redirects(self, cmd: Command) -> None:
        for start, end in cmd.redirects:
            raw = self.text[start:end]
            self.facts.texts.append(raw)
            match = re.match(r"\s*\d*(?:&>>|&>|>>|>\||<>|>|<)\s*(.*)\Z", raw, re.S)
            if not match or raw.lstrip().startswith("<<"):
                continue  # a heredoc or here-string: data, not a path
            target = match.group(1).strip()
            if target.startswith("&") or not target:
                continue
            value = _expand_shell(target, self._variable)
            if value in ("/dev/null", "/dev/stdout", "/dev/stderr"):
                continue
            self.facts.redirects = True
            self.facts.paths.append((None if value is None else resolve(value, self.cwd), target))

    def _cd(self, cmd: Command) -> None:
        operands = [w for w in cmd.words if w.value != "--"]
        target_word = operands[-1] if operands else None
        if target_word is None or target_word.value == "-":
            new_cwd = None
        else:
            text = self.value(target_word)
            new_cwd = None if text is None else resolve(text, self.cwd)
            self.facts.cd_targets.append((new_cwd, target_word.text_raw))
        if cmd.top_level:
            self.cwd = new_cwd

    def _shell(self, cmd: Command, program: str) -> None:
        """``curl ... | sh -s -- args`` runs a downloaded script: unsafe. ``sh -c``/``sh file`` block."""
        words = [w.value for w in cmd.words]
        options_only = all(w is not None and (w in ("-", "--") or re.fullmatch(r"-[a-z]+", w))
                           for w in words[:words.index("--") if "--" in words else len(words)])
        if cmd.top_level or any(w and "c" in w.lstrip("-") and w.startswith("-") for w in words) \
                or not options_only:
            self.facts.block(f"`{clip(self.text[cmd.span[0]:cmd.span[1]])}` runs a script")
            return
        self.facts.kinds.setdefault("script", program)
        self.facts.unknown.append(f"`{program}` runs a downloaded script, which we cannot read")

    def _tool(self, cmd: Command, program: str, tool: tools.Tool) -> None:
        facts = self.facts
        options, operands = self._parse(cmd, program, tool)
        if tool.subcommands is not None:
            sub = operands[0].value if operands else None
            if sub is not None and sub not in tool.subcommands:
                facts.block(f"`{program} {clip(operands[0].text_raw)}` may read the copied files")
                return
            operands = operands[1:]
        facts.kinds.setdefault(tool.kind, program)
        if tool.cwd_sensitive:
            facts.cwd_readers.append(program)
        if any(w.endswith(" -m") for w in cmd.wrappers):
            facts.cwd_readers.append("python -m")  # the working directory comes first on sys.path
        for option in options:
            if option.canonical in tool.path_options and option.value not in (None, "-") \
                    and not is_remote(option.value):
                self.path(option.words[-1] if len(option.words) > 1 else _inline(option))
            elif option.canonical in tool.path_options and option.value is None and len(option.words) > 1:
                facts.paths.append((None, option.words[-1].text_raw))
        special = RULES.get(program)
        if special is not None and not special(self, cmd, options, operands):
            return
        self._operands(tool, options, operands)

    def _parse(self, cmd: Command, program: str, tool: tools.Tool) -> tuple[Sequence[Option], Sequence[Word]]:
        if program in GRAMMARS:
            return cmd.options(), cmd.operands()
        words = cmd.words
        first = words[0] if words else None
        if program == "tar" and first is not None and first.value \
                and re.fullmatch(r"[A-Za-z]*[xctru][A-Za-z]*", first.value):
            # old-style `tar xzf file`: the first word is a bundle of options
            words = (Word(first.text_raw, "-" + first.value, first.span, True), *words[1:])
        return tool.parse_words(words)

    def _operands(self, tool: tools.Tool, options: Sequence[Option], operands: Sequence[Word]) -> None:
        mode = tool.operands
        if mode == "first-then-paths":
            given = {o.canonical for o in options}
            skip_first = not (given & {"--reference", "-e", "-f"})
            operands = operands[1:] if skip_first else operands
            mode = "paths"
        if mode == "paths":
            for word in operands:
                self.path(word)
        elif mode == "names":
            self.names(operands)

    def names(self, words: Sequence[Word]) -> None:
        """Operands naming packages: a word that looks like a path is one."""
        for word in words:
            value = self.value(word)
            if value is None:
                # `openjdk-${JAVA_VERSION}-jdk` stays a package name whatever the variable holds;
                # `$PACKAGES` may be several words, options or a local file.
                if not re.match(r'"?[A-Za-z0-9]', word.text_raw) or "/" in word.text_raw:
                    self.facts.unknown.append(f"cannot tell what `{clip(word.text_raw)}` names")
            elif looks_like_path(value):
                self.path(word)


def _inline(option: Option) -> Word:
    """The word of an option whose value is attached (``--target=/x``, ``-t/x``) as a value word."""
    word = option.words[0]
    return Word(word.text_raw, option.value, word.span, True)


def _expand_shell(raw: str, lookup: Callable[[str], str | None]) -> str | None:
    """A shell word with only quotes and ``$NAME``/``${NAME}``, expanded; None for anything else."""
    out: list[str] = []
    i, n, quoted = 0, len(raw), False
    while i < n:
        ch = raw[i]
        if ch == '"':
            quoted = not quoted
            i += 1
        elif ch == "'" and not quoted:
            end = raw.find("'", i + 1)
            if end < 0:
                return None
            out.append(raw[i + 1:end])
            i = end + 1
        elif ch == "$":
            match = re.match(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))", raw[i:])
            if not match:
                return None
            value = lookup(match.group(1) or match.group(2))
            if value is None:
                return None
            out.append(value)
            i += match.end()
        elif ch in "\\`":
            return None
        else:
            out.append(ch)
            i += 1
    return None if quoted else "".join(out)


def clip(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters, for messages."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
