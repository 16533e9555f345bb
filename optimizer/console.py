"""The console-script entry point: answers ``--version`` before loading click and the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        print(f"dockeropt, version {__version__}")
        return
    from .cli import main as cli

    cli(prog_name="dockeropt")
