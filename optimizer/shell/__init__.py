"""Shell layer: a RUN body parsed with tree-sitter-bash into commands with exact spans."""

from .command import Command
from .grammars import GRAMMARS, Grammar, Options, program_key, subcommands
from .options import Option
from .parse import parse_script
from .script import Script, Step
from .source import Span
from .words import Assignment, Word

__all__ = [
    "GRAMMARS",
    "Assignment",
    "Command",
    "Grammar",
    "Option",
    "Options",
    "Script",
    "Span",
    "Step",
    "Word",
    "parse_script",
    "program_key",
    "subcommands",
]
