"""The console-script entry point: answers ``--version`` before loading anything else, and sends the
``verify``, ``bot`` and ``rules`` subcommands to their own modules (``dockeropt PATH...`` stays the main job)."""

from __future__ import annotations

import sys

SUBCOMMANDS = {"verify": "optimizer.verify.cli", "bot": "optimizer.bot.cli", "rules": "optimizer.rules"}


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        from . import __version__

        print(f"dockeropt, version {__version__}")
        return
    if args and args[0] in SUBCOMMANDS:
        import importlib

        command = importlib.import_module(SUBCOMMANDS[args[0]]).main
        sys.exit(command(args[1:], f"dockeropt {args[0]}"))
    from .cli import main as cli

    sys.exit(cli(args, "dockeropt"))
