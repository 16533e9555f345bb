"""The lossless Dockerfile model: ``parse(text).render() == text`` for any text."""

from .logical import LogicalText
from .nodes import (Directive, Dockerfile, Flag, Heredoc, Instruction, Line, Problem, Stage,
                    Trivia)
from .parse import parse
from .style import Continuation, Stylist

__all__ = ["Directive", "Dockerfile", "Flag", "Heredoc", "Instruction", "Line", "LogicalText",
           "Problem", "Stage", "Stylist", "Continuation", "Trivia", "parse"]
