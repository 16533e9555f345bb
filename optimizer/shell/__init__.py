"""Shell layer: a RUN body parsed with tree-sitter-bash into commands with exact spans."""

from optimizer.shell.command import Command
from optimizer.shell.grammars import GRAMMARS, Grammar, Options, program_key, subcommands
from optimizer.shell.options import Option
from optimizer.shell.parse import parse_script
from optimizer.shell.script import Script, Step
from optimizer.shell.source import Span
from optimizer.shell.words import Assignment, Word

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
