"""Rule documentation generated from each pass's own metadata (``--explain`` and docs pages)."""

from __future__ import annotations

from typing import Sequence

from .passes.base import Example, Pass
from .verify.declared import SCOPES


def explain(pass_: Pass) -> str:
    """Markdown documentation of a pass, in fixed sections."""
    parts = [
        f"# {pass_.id} {pass_.name}",
        "",
        pass_.title,
        "",
        "## What it does",
        pass_.what,
        "",
        "## Why is this bad?",
        pass_.why,
    ]
    for example in pass_.examples:
        parts += ["", "## Example", *_example(example)]
    parts += ["", "## Fix safety", f"Usually **{pass_.safety.value}**.", "", pass_.safety_notes]
    if pass_.image_changes:
        parts += ["", "## Declared image changes", "`dockeropt verify` accepts these differences between the "
                  "images' files: " + "; ".join(_image_change(item) for item in pass_.image_changes) + "."]
    if pass_.hadolint:
        parts += ["", "## Resolves", ", ".join(f"hadolint {code}" for code in pass_.hadolint)]
    parts += ["", "## Suppress", f"`# dockeropt: ignore={pass_.id}` (or `ignore={pass_.name}`) "
              "on the line above the instruction, or above any instruction the fix changes or moves."]
    return "\n".join(parts) + "\n"


def _example(example: Example) -> list[str]:
    """An example's lines: the build context it needs, before, and after with the options it needs."""
    lines = []
    if example.context:
        lines += ["Build context: " + ", ".join(f"`{path}`" for path in example.context), ""]
    lines += ["```dockerfile", example.before.rstrip("\n"), "```"]
    flags = " ".join(f"--{key.replace('_', '-')}" + ("" if value is True else f" {value}")
                     for key, value in example.config.items())
    with_flags = f" (`dockeropt {flags}`)" if flags else ""
    if example.after != example.before:
        lines += ["", f"Use instead{with_flags}:", "```dockerfile", example.after.rstrip("\n"), "```"]
        with_flags = ""
    for path, text in example.files.items():
        lines += ["", f"Writes `{path}`{with_flags}:", "```", text.rstrip("\n"), "```"]
    return lines


def _image_change(item: str) -> str:
    return f"`{item}` ({SCOPES[item]})" if item in SCOPES else f"`{item}`"


def passes_table(passes: Sequence[Pass]) -> str:
    """The README's table of passes, in run order."""
    rows = ["| id | name | safety | what | hadolint |", "|---|---|---|---|---|"]
    rows += [f"| {p.id} | {p.name} | {p.safety.value} | {p.title} | {', '.join(p.hadolint)} |"
             for p in passes]
    return "\n".join(rows) + "\n"


def rules_list(passes: Sequence[Pass]) -> str:
    """Every pass on one line: id, name, safety, hadolint rules and title (``dockeropt rules``)."""
    width = max(len(p.name) for p in passes)
    twins = {p.id: ", ".join(p.hadolint) or "-" for p in passes}
    wide = max(map(len, twins.values()))
    rows = [f"{p.id}  {p.name:<{width}}  {p.safety.value:<10}  {twins[p.id]:<{wide}}  {p.title}" for p in passes]
    header = f"{'id':<5}  {'name':<{width}}  {'safety':<10}  {'hadolint':<{wide}}  what"
    return "\n".join([header, *rows]) + "\n"
