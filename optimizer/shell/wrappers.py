"""Seeing through ``sudo``, ``env``, ``nice``, ``python -m pip``... to the real program."""

from __future__ import annotations

from ..record import record
from .grammars import PYTHON, PYTHON_NAME, WRAPPERS, compile_options
from .options import option_text, read_option
from .words import Assignment, Word, assignment_from_word


@record
class Unwrapped:
    """Where the real program sits in argv, and what was stripped to get there."""

    index: int  # argv[index] names the program; its arguments follow
    name: str | None  # the program's name (None when not a literal)
    wrappers: tuple[str, ...]
    env: tuple[Assignment, ...]


def unwrap(argv: tuple[Word, ...]) -> Unwrapped:
    """Strip known wrappers from the front of ``argv`` (the command word first)."""
    index = 0
    wrappers: list[str] = []
    env: list[Assignment] = []
    while True:
        word = argv[index]
        name = word.value if word.is_static else None
        base = name.rpartition("/")[2] if name else ""
        if base in WRAPPERS:
            after = _skip_wrapper(base, argv, index + 1, env)
            if after is None:
                break
            wrappers.append(base)
            index = after
        elif PYTHON_NAME.fullmatch(base):
            module = _pip_module(argv, index + 1)
            if module is not None:
                return Unwrapped(module, "pip", (*wrappers, base + " -m"), tuple(env))
            break
        else:
            break
    return Unwrapped(index, name, tuple(wrappers), tuple(env))


def _skip_wrapper(base: str, argv: tuple[Word, ...], i: int, env: list[Assignment]) -> int | None:
    """Index of the wrapped command word, or None when nothing runs or nothing follows."""
    spec = WRAPPERS[base]
    table = compile_options(spec.options)
    while i < len(argv) and option_text(argv[i]) is not None:
        if argv[i].value == "--":
            i += 1
            break
        found, i = read_option(table, argv, i)
        if any(option.canonical in spec.no_exec for option in found):
            return None
    assignments: list[Assignment] = []
    while spec.assignments and i < len(argv) and (assignment := assignment_from_word(argv[i])):
        assignments.append(assignment)
        i += 1
    i += spec.positionals
    if i >= len(argv):
        return None
    env.extend(assignments)
    return i


def _pip_module(argv: tuple[Word, ...], i: int) -> int | None:
    """Index of ``pip`` in ``python [opts] -m pip ...``, else None."""
    table = compile_options(PYTHON)
    while i < len(argv) and option_text(argv[i]) is not None:
        found, i = read_option(table, argv, i)
        for option in found:
            if option.canonical == "-c":
                return None
            if option.canonical == "-m":
                return i - 1 if option.value == "pip" else None
    return None
