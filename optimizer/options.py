"""The passes' own options (``Pass.options``) as command-line flags and config-file keys: each is
declared once, beside the pass that reads it, and every command and the config file take it from there."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .passes.base import Option
    from .passes.index import Entry


def declared() -> dict[str, tuple[Entry, Option]]:
    """Every pass option by name, with the pass that declares it, in run order (from the index: no pass
    is imported)."""
    from .passes._index import INDEX

    return {option.name: (entry, option) for entry in INDEX for option in entry.options}


def describe(pass_: Entry, option: Option) -> str:
    """One line for help and the README: the pass, what the option chooses and (for a choice) its values."""
    values = f" ({option.allowed()}; default {option.default})" if option.choices else ""
    return f"{pass_.name}: {option.help}{values}."


_DEST = "option:"  # an option's flag stores its value under this prefix and its name


def add_flags(parser: argparse.ArgumentParser) -> None:
    """``--NAME`` for each pass option: a switch for a bool, one of the choices for a str (unset: None)."""
    group = parser.add_argument_group("options of passes")
    for name, (pass_, option) in declared().items():
        help_text = describe(pass_, option).replace("%", "%%")
        if option.kind is bool:
            group.add_argument(f"--{name}", dest=_DEST + name, action="store_const", const=True, help=help_text)
        else:
            group.add_argument(f"--{name}", dest=_DEST + name, choices=option.choices,
                               metavar=name.split("-")[-1].upper(), help=help_text)


def from_flags(arguments: argparse.Namespace) -> dict[str, bool | str]:
    """The pass options given on the command line, by name (without importing the passes)."""
    return {dest.removeprefix(_DEST): value for dest, value in vars(arguments).items()
            if dest.startswith(_DEST) and value is not None}


def problem(name: str, value: object) -> str | None:
    """Why ``value`` cannot be the option ``name`` (as read from a config file), or None when it can."""
    _, option = declared()[name]
    if not isinstance(value, option.kind):
        return f"dockeropt setting {name!r} must be {option.kind.__name__}"
    if option.choices and value not in option.choices:
        return f"{name} must be one of {', '.join(option.choices)}, not {value!r}"
    return None
