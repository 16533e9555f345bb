"""Rewrite the generated documentation from the passes' own metadata: `python tools/gen_docs.py`.

README.md's pass table and config-key table, and one page per pass under docs/rules/ (the same text as `dockeropt --explain ID`)
with an index.
"""

from __future__ import annotations

import re
from pathlib import Path

from optimizer.config_file import settings_table
from optimizer.docs import explain, passes_table
from optimizer.passes import PASSES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RULES = ROOT / "docs" / "rules"
BLOCK = re.compile(r"(<!-- passes:start -->\n).*?(<!-- passes:end -->)", re.DOTALL)
SETTINGS_BLOCK = re.compile(r"(<!-- settings:start -->\n).*?(<!-- settings:end -->)", re.DOTALL)


def render(readme: str) -> str:
    """README.md with its generated tables (passes, config keys) brought up to date."""
    readme = BLOCK.sub(lambda m: m.group(1) + passes_table(PASSES) + m.group(2), readme)
    return SETTINGS_BLOCK.sub(lambda m: m.group(1) + settings_table() + m.group(2), readme)


def rule_pages() -> dict[str, str]:
    """File name under docs/rules/ -> content: a page per pass and the index README.md."""
    pages = {f"{p.id}-{p.name}.md": explain(p) for p in PASSES}
    index = ["# dockeropt rules", "",
             "Generated from each pass's metadata by `python tools/gen_docs.py`; "
             "`dockeropt --explain ID` prints the same text. Passes run in this order.", "",
             "| id | name | safety | what | hadolint |", "|---|---|---|---|---|"]
    index += [f"| [{p.id}]({p.id}-{p.name}.md) | {p.name} | {p.safety.value} | {p.title} | {', '.join(p.hadolint)} |"
              for p in PASSES]
    pages["README.md"] = "\n".join(index) + "\n"
    return pages


if __name__ == "__main__":
    README.write_text(render(README.read_text()))
    RULES.mkdir(parents=True, exist_ok=True)
    pages = rule_pages()
    for stale in RULES.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        (RULES / name).write_text(text)
