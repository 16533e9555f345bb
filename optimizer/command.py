"""What dockeropt's commands share: an argument parser (standard library argparse: click alone took
~45 ms to import) whose usage errors exit 2 with a clear message, argument checks, and byte-exact output."""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any, Callable, NoReturn

USAGE_ERROR = 2
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


class Parser(argparse.ArgumentParser):
    """A parser whose usage errors end with where to find help, and that knows its own option strings."""

    def __init__(self, **kwargs: Any) -> None:
        self.flags: set[str] = set()
        super().__init__(**kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.flags.update(action.option_strings)
        return action

    def asks_for_more(self, argv: list[str]) -> bool:
        """Whether ``argv`` asks for help or names a long option this parser does not have."""
        for arg in argv:
            if arg == "--":
                return False
            if arg in ("-h", "--help") or (arg.startswith("--") and arg.split("=", 1)[0] not in self.flags):
                return True
        return False

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.format_usage()}{self.prog}: error: {message}\n"
                               f"Try '{self.prog} -h' for help.\n")


def parser(prog: str, usage: str, description: str, epilog: str | None = None) -> Parser:
    """A parser with ``-h/--help``, no abbreviated long options, and help text laid out as written;
    ``usage`` follows the program's name (``[OPTIONS] DOCKERFILE``)."""
    return Parser(prog=prog, usage=f"%(prog)s {usage}".rstrip(), description=description, epilog=epilog,
                  allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter)


def folder(value: str) -> str:
    """An argument that must name an existing folder."""
    if not os.path.exists(value):
        raise argparse.ArgumentTypeError(f"folder {value!r} does not exist")
    return not_file(value)


def not_file(value: str) -> str:
    """An argument that may name a missing folder, but not a file."""
    if os.path.exists(value) and not os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"{value!r} is a file, not a folder")
    return value


def existing_file(value: str) -> str:
    """An argument that must name an existing file (not a folder)."""
    if not os.path.exists(value):
        raise argparse.ArgumentTypeError(f"file {value!r} does not exist")
    return not_folder(value)


def not_folder(value: str) -> str:
    """An argument that may name a missing file, but not a folder."""
    if os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"{value!r} is a folder, not a file")
    return value


def at_least(minimum: float, kind: type[int] | type[float] = float) -> Callable[[str], float]:
    """An argument of type ``kind`` (int or float) no smaller than ``minimum``."""

    def check(value: str) -> float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not {'an integer' if kind is int else 'a number'}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"{value} is smaller than the minimum {minimum}")
        return number

    check.__name__ = kind.__name__
    return check


def split(values: list[str]) -> frozenset[str]:
    """Comma-separated values of a repeatable option, as one set."""
    return frozenset(v.strip() for value in values for v in value.split(",") if v.strip())


def out(text: str) -> None:
    """Write text to stdout byte-exactly (undecodable input bytes go back out as they came)."""
    from .fileio import encode

    sys.stdout.flush()
    sys.stdout.buffer.write(encode(text))
    sys.stdout.buffer.flush()


def say(line: str, *, err: bool = False, colour: bool = False) -> None:
    """Print one line (to stderr with ``err``); without ``colour``, terminal escape sequences are removed."""
    stream = sys.stderr if err else sys.stdout
    stream.write((line if colour else _ANSI.sub("", line)) + "\n")
    stream.flush()
