"""A simple command, with the questions passes ask of it."""

from __future__ import annotations

from functools import cached_property

from ..record import record
from .grammars import option_table, program_key
from .options import Option, Parsed, parse_args
from .source import Span
from .words import Assignment, Word


@record
class Command:
    """One simple command.

    ``span`` covers prefix assignments, every word and redirects.  ``name`` and
    ``words`` describe the real program once known wrappers (``wrappers``) are
    stripped; ``argv`` keeps every word as written, command word first.
    ``top_level`` is true when the command is itself a step of ``Script.chain``;
    ``step_index`` is that step, or the pipeline step it is a member of.
    """

    span: Span
    name: str | None
    name_span: Span
    words: tuple[Word, ...]
    env: tuple[Assignment, ...]
    redirects: tuple[Span, ...]
    wrappers: tuple[str, ...]
    argv: tuple[Word, ...]
    top_level: bool
    step_index: int | None

    @cached_property
    def program(self) -> str | None:
        """Grammar key of the program: basename, ``pip3.12`` and ``python -m pip`` → ``pip``."""
        return program_key(self.name) if self.name is not None else None

    @property
    def args(self) -> tuple[str | None, ...]:
        return tuple(word.value for word in self.words)

    @cached_property
    def _parsed(self) -> Parsed:
        return parse_args(self.program, self.words)

    def options(self) -> tuple[Option, ...]:
        return self._parsed.options

    def operands(self) -> tuple[Word, ...]:
        """Non-option words in order (values of options skipped); the subcommand first."""
        return self._parsed.operands

    @property
    def subcommand(self) -> str | None:
        operands = self._parsed.operands
        return operands[0].value if operands else None

    def positional(self) -> tuple[Word, ...]:
        """Non-option words after the subcommand: the packages of ``install``."""
        return self._parsed.operands[1:]

    def is_(self, program: str, *subcommands: str) -> bool:
        """``program`` runs (aliases: see ``program``) with these leading operands."""
        if self.program != program:
            return False
        leading = self._parsed.operands[: len(subcommands)]
        return tuple(word.value for word in leading) == subcommands

    def has_option(self, *names: str) -> bool:
        """Any of ``names`` is given, in any spelling the grammar knows."""
        wanted = self._canonical(names)
        return any(option.canonical in wanted for option in self._parsed.options)

    has_flag = has_option

    def option_values(self, name: str) -> tuple[str | None, ...]:
        """Values given to ``name`` (``-o``: ``APT::Install-Recommends=false``, ...)."""
        wanted = self._canonical((name,))
        return tuple(o.value for o in self._parsed.options if o.canonical in wanted)

    def _canonical(self, names: tuple[str, ...]) -> frozenset[str]:
        table = option_table(self.program or "", self.subcommand)
        return frozenset(table.resolve(name) for name in names)
