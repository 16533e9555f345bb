"""Splitting a command's words into options and operands, driven by a grammar."""

from __future__ import annotations

from typing import Sequence

from ..record import record
from .grammars import OptionTable, option_table
from .source import Span
from .words import Word


@record
class Option:
    """One option as given: ``-y`` out of ``-yq``, ``--opt=v``, or ``-o v``.

    ``value`` is None for a boolean flag and for a value that is not a literal.
    ``words`` are the words spelling it (a bundle word is shared by its flags).
    """

    name: str
    canonical: str
    value: str | None
    words: tuple[Word, ...]

    @property
    def span(self) -> Span:
        return self.words[0].span[0], self.words[-1].span[1]


@record
class Parsed:
    """Options and operands (non-option words, the subcommand first) in order."""

    options: tuple[Option, ...]
    operands: tuple[Word, ...]


def option_text(word: Word) -> str | None:
    """The text to read as an option, or None when ``word`` is not one."""
    text = word.value if word.value is not None else word.text_raw
    return text if len(text) > 1 and text[0] == "-" else None


def read_option(table: OptionTable, words: Sequence[Word], i: int) -> tuple[list[Option], int]:
    """Read the option at ``words[i]`` (plus its separate value); return the next index."""
    word = words[i]
    text = option_text(word)
    assert text is not None
    literal = word.value is not None
    if text.startswith("--"):
        name, eq, inline = text.partition("=")
        canonical = table.resolve(name)
        if eq:
            return [Option(name, canonical, inline if literal else None, (word,))], i + 1
        if canonical in table.takes_value and i + 1 < len(words):
            value_word = words[i + 1]
            return [Option(name, canonical, value_word.value, (word, value_word))], i + 2
        return [Option(name, canonical, None, (word,))], i + 1
    found: list[Option] = []
    for j in range(1, len(text)):
        name = "-" + text[j]
        canonical = table.resolve(name)
        rest = text[j + 1 :]
        if canonical in table.takes_value:
            if rest or i + 1 >= len(words):
                found.append(Option(name, canonical, (rest or None) if literal else None, (word,)))
                return found, i + 1
            value_word = words[i + 1]
            found.append(Option(name, canonical, value_word.value, (word, value_word)))
            return found, i + 2
        if rest.startswith("="):  # apt's `-q=2`
            found.append(Option(name, canonical, rest[1:] if literal else None, (word,)))
            return found, i + 1
        found.append(Option(name, canonical, None, (word,)))
    return found, i + 1


def parse_args(program: str | None, words: Sequence[Word], fixed: OptionTable | None = None) -> Parsed:
    """Split ``words`` (a command's arguments) using ``program``'s grammar, or the ``fixed`` table.

    Options may appear anywhere (GNU style); ``--`` ends them.  Once the first
    operand (the subcommand) is known, its own options join the grammar's table.
    """
    key = program or ""
    table = fixed or option_table(key, None)
    options: list[Option] = []
    operands: list[Word] = []
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        if option_text(word) is None:
            operands.append(word)
            if len(operands) == 1 and word.value is not None and fixed is None:
                table = option_table(key, word.value)
            i += 1
        elif word.value == "--":
            operands.extend(words[i + 1 :])
            break
        else:
            found, i = read_option(table, words, i)
            options.extend(found)
    return Parsed(tuple(options), tuple(operands))
