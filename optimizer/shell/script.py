"""A parsed RUN body: its commands and its top-level chain of steps."""

from __future__ import annotations

from ..record import record
from .command import Command
from .source import Span


@record
class Step:
    """One top-level step, and the operator joining it to the previous step.

    ``kind`` is the tree-sitter node type (``command``, ``pipeline``,
    ``subshell``, ``if_statement``...).  ``op_before`` is ``&&``, ``||``, ``;``,
    ``&`` or ``\\n`` (None for the first step); ``op_span`` locates it.
    ``command`` is set when the step is a single simple command.
    """

    kind: str
    span: Span
    op_before: str | None
    op_span: Span | None
    command: Command | None


@record
class Script:
    """``commands``: every simple command in source order, however deeply nested."""

    text: str
    commands: tuple[Command, ...]
    chain: tuple[Step, ...]
    has_errors: bool  # tree-sitter found ERROR or MISSING nodes
