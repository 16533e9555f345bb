"""Read Dockerfile text into the lossless model, line by line, the way BuildKit's parser does.

The reading follows ``parser.Parse`` (frontend/dockerfile/parser/parser.go): parser directives at the
top, ``\\`` (or the ``# escape=`` token) continues a line, comment and blank lines inside a
continuation are skipped, heredoc bodies follow the instruction line. Unlike BuildKit, nothing is
thrown away, and bad input never raises: what a build would reject is recorded in ``problems``.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from . import buildkit as bk
from .logical import LogicalText
from .nodes import Directive, Dockerfile, Flag, Heredoc, Instruction, Item, Line, Problem, Trivia

BOM = "\ufeff"


def parse(text: str) -> Dockerfile:
    """Parse Dockerfile text (``str``; decode bytes with ``surrogateescape``). Never raises."""
    return _Reader(text).read()


def _split_lines(text: str, start: int) -> list[tuple[int, str]]:
    """Physical lines as ``(offset, text with its "\\n")``; only "\\n" ends a line, as in BuildKit."""
    lines = []
    pos, n = start, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl + 1
        lines.append((pos, text[pos:end]))
        pos = end
    return lines


class _Reader:
    """One pass over the lines; keeps BuildKit's directive and escape state."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.bom = BOM if text.startswith(BOM) else ""
        self.lines = _split_lines(text, len(self.bom))
        self.index = 0
        self.escape = "\\"
        self.continuation = bk.continuation_re(self.escape)
        self.directives_done = False
        self.seen_directives: set[str] = set()
        self.problems: list[Problem] = []

    def _line(self, kind: str) -> Line:
        start, raw = self.lines[self.index]
        self.index += 1
        return Line(self.index, start, raw, kind)  # type: ignore[arg-type]

    def read(self) -> Dockerfile:
        items: list[Item] = []
        pending: list[Line] = []
        lines = self.lines
        while self.index < len(lines):
            token = lines[self.index][1].rstrip("\r\n").lstrip(bk.GO_SPACE_CHARS)
            if not self.directives_done:
                directive = self._directive(token)
                if directive is not None:
                    items.append(Directive(self._line("directive"), *directive))
                    continue
            if not token or token[0] == "#":
                pending.append(self._line("comment" if token else "blank"))
                continue
            owned = len(pending)
            while owned and pending[owned - 1].kind == "comment":
                owned -= 1
            if owned:
                items.append(Trivia(tuple(pending[:owned])))
            items.append(self._instruction(tuple(pending[owned:])))
            pending = []
        if pending:
            items.append(Trivia(tuple(pending)))
        if not any(isinstance(item, Instruction) for item in items):
            self.problems.append(Problem(max(len(self.lines), 1), "file with no instructions"))
        return Dockerfile(self.text, self.bom, tuple(items), self.escape, tuple(self.problems))

    def _directive(self, token: str) -> tuple[str, str] | None:
        """possibleParserDirective: a directive line, or None (which ends the directive header)."""
        if self.directives_done:
            return None
        match = bk.DIRECTIVE_RE.match(token)
        name = match.group(1).lower() if match else ""
        if match is None or name not in bk.VALID_DIRECTIVES:
            self.directives_done = True
            return None
        value = match.group(2)
        number = self.index + 1
        if name in self.seen_directives:
            self.problems.append(Problem(number, f"only one {name} parser directive can be used"))
        elif name == "escape":
            if value in ("\\", "`"):
                self.escape = value
                self.continuation = bk.continuation_re(value)
            else:
                self.problems.append(
                    Problem(number, f"invalid escape token '{value}' does not match ` or \\"))
        self.seen_directives.add(name)
        return name, value

    def _instruction(self, comments: tuple[Line, ...]) -> Instruction:
        """Read an instruction starting at the current line, with its continuations and heredocs."""
        self.directives_done = True
        first = self._line("code")
        content = bk.trim_newline(first.text)
        lead = len(content) - len(bk.trim_left_space(content))
        keep, done = bk.trim_continuation(content[lead:], self.continuation)
        ranges = [(first.start + lead, first.start + lead + keep)]
        lines = [first]
        while not done and self.index < len(self.lines):
            start, raw = self.lines[self.index]
            content = raw.rstrip("\r\n")
            token = content.lstrip(bk.GO_SPACE_CHARS)
            if not token or token[0] == "#":  # isComment / isEmptyContinuationLine: skipped
                lines.append(self._line("comment" if token else "blank"))
                continue
            lines.append(self._line("code"))
            keep, done = bk.trim_continuation(content, self.continuation)
            ranges.append((start, start + keep))
        logical = LogicalText.join(ranges, self.text)
        head = read_head(logical, self.escape, first.number)
        target = head.trigger or head
        heredocs: tuple[Heredoc, ...] = ()
        if target.keyword in bk.HEREDOC_KEYWORDS and not target.exec_form:
            heredocs = tuple(self._heredoc(spec, first.number) for spec in bk.heredocs_in(logical.text))
            for heredoc in heredocs:
                lines.extend(heredoc.body)
                lines.extend([heredoc.terminator] if heredoc.terminator else [])
        self.problems.extend(head.problems)
        return head.build(comments, tuple(lines), heredocs, self.escape)

    def _heredoc(self, spec: bk.HeredocSpec, start_line: int) -> Heredoc:
        body: list[Line] = []
        while self.index < len(self.lines):
            _, raw = self.lines[self.index]
            candidate = bk.trim_newline(raw)
            if spec.chomp:
                candidate = candidate.lstrip("\t")
            if candidate == spec.name:
                return Heredoc(spec.name, spec.chomp, spec.expand, spec.fd, tuple(body),
                               self._line("terminator"))
            body.append(self._line("heredoc"))
        self.problems.append(Problem(start_line, f"unterminated heredoc <<{spec.name}"))
        return Heredoc(spec.name, spec.chomp, spec.expand, spec.fd, tuple(body), None)


class Head(NamedTuple):
    """What newNodeFromLine reads from a logical line: keyword, flags, arguments, BuildKit's value."""

    keyword: str
    keyword_text: str
    logical: LogicalText
    flags: tuple[Flag, ...]
    arguments: LogicalText
    value: tuple[str, ...]
    exec_form: bool
    trigger: Head | None
    problems: tuple[Problem, ...]

    def build(self, comments: tuple[Line, ...], lines: tuple[Line, ...],
              heredocs: tuple[Heredoc, ...], escape: str) -> Instruction:
        """The instruction, given the lines the reader consumed for it."""
        trigger = self.trigger.build((), lines, heredocs, escape) if self.trigger else None
        return Instruction(self.keyword, self.keyword_text, comments, lines, self.logical, self.flags,
                           self.arguments, self.value, self.exec_form, heredocs, trigger, escape,
                           self.problems)


def read_head(logical: LogicalText, escape: str, line: int) -> Head:
    """newNodeFromLine: keyword, flags and arguments of one logical instruction line
    (``line`` is where problems are reported)."""
    text = logical.text
    cmd_start, cmd_end, rest_start, rest_end = bk.split_command(text)
    keyword_text = text[cmd_start:cmd_end]
    keyword = keyword_text.upper()
    raw_flags, args_start = bk.extract_flags(text[rest_start:rest_end], rest_start)
    flags = tuple(Flag(f.text, logical.doc_span(f.start, f.end)) for f in raw_flags)
    args_start, args_end = bk.trim_span(text, args_start, rest_end)
    arguments = logical.slice(args_start, args_end)
    problems: list[Problem] = []
    trigger = None
    exec_form = False
    value: Sequence[str]
    try:
        if keyword == "ONBUILD":
            trigger = read_head(arguments, escape, line) if arguments.text else None
            value = trigger.value if trigger else ()
            problems.extend(trigger.problems if trigger else ())
        else:
            value, exec_form = _value(keyword, arguments.text, escape)
    except (bk.JsonFormError, ValueError) as error:
        value = ()
        problems.append(Problem(line, str(error)))
    if keyword not in bk.KNOWN_KEYWORDS:
        problems.append(Problem(line, f"unknown instruction: {keyword_text or text.strip()}"))
    elif trigger is not None and trigger.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
        problems.append(Problem(line, f"{trigger.keyword} isn't allowed as an ONBUILD trigger"))
    return Head(keyword, keyword_text, logical, flags, arguments, tuple(value), exec_form, trigger,
                tuple(problems))


def _value(keyword: str, rest: str, escape: str) -> tuple[list[str], bool]:
    """The dispatch table of parser.go: BuildKit's view of the arguments, and whether it is JSON."""
    if keyword in ("ADD", "COPY", "VOLUME"):
        items = bk.parse_json_array(rest)
        return (items, True) if items is not None else (bk.split_whitespace(rest), False)
    if keyword in ("CMD", "ENTRYPOINT", "RUN", "SHELL"):
        return _maybe_json(rest)
    if keyword in ("ENV", "LABEL"):
        return _name_values(keyword, rest, escape), False
    if keyword == "ARG":
        return bk.parse_words(rest, escape), False
    if keyword in ("EXPOSE", "FROM"):
        return bk.split_whitespace(rest), False
    if keyword == "HEALTHCHECK":
        if not rest:
            return [], False
        sep = next((i for i, ch in enumerate(rest) if bk.is_go_space(ch)), len(rest))
        command, exec_form = _maybe_json(bk.trim_left_space(rest[sep:]))
        return [rest[:sep], *command], exec_form
    if keyword in ("MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"):
        return ([rest] if rest else []), False
    return [""], False  # parseIgnore: unknown instructions keep no arguments


def _maybe_json(rest: str) -> tuple[list[str], bool]:
    """parseMaybeJSON."""
    if not rest:
        return [], False
    items = bk.parse_json_array(rest)
    return (items, True) if items is not None else ([rest], False)


def _name_values(keyword: str, rest: str, escape: str) -> list[str]:
    """parseNameVal: ``KEY value`` (legacy) or ``KEY=value ...`` pairs, flattened."""
    words = bk.parse_words(rest, escape)
    if not words:
        return []
    if "=" not in words[0]:
        parts = bk.WHITESPACE_RE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise ValueError(f"{keyword} must have two arguments")
        return parts
    values: list[str] = []
    for word in words:
        if "=" not in word:
            raise ValueError(
                f"Syntax error - can't find = in {word!r}. Must be of the form: name=value")
        values.extend(word.split("=", 1))
    return values
