"""Rewrite the generated parts of README.md from the passes' own metadata: `python tools/gen_docs.py`."""

from __future__ import annotations

import re
from pathlib import Path

from optimizer.docs import passes_table
from optimizer.passes import PASSES

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- passes:start -->\n).*?(<!-- passes:end -->)", re.DOTALL)


def render(readme: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + passes_table(PASSES) + m.group(2), readme)


if __name__ == "__main__":
    README.write_text(render(README.read_text()))
