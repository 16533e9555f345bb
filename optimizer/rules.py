"""``dockeropt rules``: list every pass with its id, name, safety and hadolint twins."""

from __future__ import annotations

import click


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """List every pass, in run order (``dockeropt --explain ID`` prints one's documentation)."""
    from .docs import rules_list
    from .passes import PASSES

    click.echo(rules_list(PASSES), nl=False)
