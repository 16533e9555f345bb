"""``dockeropt rules``: list every pass with its id, name, safety and hadolint twins."""

from __future__ import annotations


def main(argv: list[str] | None = None, prog: str = "dockeropt rules") -> int:
    """List every pass, in run order (``dockeropt --explain ID`` prints one's documentation)."""
    from .command import out, parser

    parser(prog, "", "List every pass, in run order (dockeropt --explain ID prints one's documentation).").parse_args(argv)
    from .docs import rules_list
    from .passes import PASSES

    out(rules_list(PASSES))
    return 0
