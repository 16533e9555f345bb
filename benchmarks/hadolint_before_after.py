"""hadolint findings before and after ``dockeropt --write --unsafe`` on a copy of the real corpus,
with the validity checks every rewrite must pass (BuildKit parse, comments, final CMD, idempotence)."""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from optimizer import parse

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RULES = ("DL3009", "DL3015", "DL3014", "DL3027", "DL3019", "DL3042", "DL3032", "DL3040", "DL3041", "DL3059")


def hadolint_counts(files: list[Path]) -> collections.Counter:
    """Findings per rule code, from one hadolint process over all files."""
    out = subprocess.run([str(BIN / "hadolint"), "--no-fail", "-f", "json", *map(str, files)],
                         capture_output=True, text=True).stdout
    return collections.Counter(item["code"] for item in json.loads(out or "[]"))


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def comment_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip().startswith("#"))


def final_runtime(text: str) -> list:
    doc = parse(text)
    if not doc.stages:
        return []
    return [(i.keyword, i.value) for i in doc.stages[-1].instructions if i.keyword in ("CMD", "ENTRYPOINT")]


def buildkit_accepts(text: str) -> bool:
    import dockerfile

    try:
        dockerfile.parse_string(re.sub("[\ud800-\udfff]", "\ufffd", text))
    except dockerfile.GoParseError:
        return False
    return all(i.keyword in ("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
                             "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
                             "STOPSIGNAL", "USER", "VOLUME", "WORKDIR") for i in parse(text).instructions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "real")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "HADOLINT.md")
    args = parser.parse_args()
    sources = sorted(args.corpus.glob("*/Dockerfile"))
    if not sources:
        sys.exit(f"no corpus at {args.corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for src in sources:
            dst = Path(tmp, src.parent.name, "Dockerfile")
            dst.parent.mkdir()
            shutil.copyfile(src, dst)
            files.append(dst)
        before = {f: read(f) for f in files}
        counts_before = hadolint_counts(files)
        subprocess.run([str(BIN / "dockeropt"), "--write", "--unsafe", *map(str, files)],
                       capture_output=True)
        after = {f: read(f) for f in files}
        counts_after = hadolint_counts(files)
        subprocess.run([str(BIN / "dockeropt"), "--write", "--unsafe", *map(str, files)],
                       capture_output=True)
        changed = [f for f in files if after[f] != before[f]]
        checks = {
            "files rewritten": len(changed),
            "outputs BuildKit rejects (or with an unknown instruction)":
                sum(not buildkit_accepts(after[f]) for f in changed),
            "outputs with fewer comment lines": sum(comment_lines(after[f]) < comment_lines(before[f]) for f in changed),
            "outputs whose final CMD/ENTRYPOINT changed": sum(final_runtime(after[f]) != final_runtime(before[f]) for f in changed),
            "files changed again by a second run": sum(read(f) != after[f] for f in files),
        }
    rows = [(rule, counts_before[rule], counts_after[rule]) for rule in RULES]
    gained = sorted(rule for rule in counts_after if counts_after[rule] > counts_before[rule])
    lines = [
        f"# hadolint before/after `dockeropt --write --unsafe` ({datetime.date.today()}, {len(files)} files)",
        "",
        "| rule | before | after | gone |",
        "|---|---|---|---|",
        *(f"| {rule} | {b} | {a} | {100 * (b - a) / b:.0f}% |" if b else f"| {rule} | 0 | {a} | - |"
          for rule, b, a in rows),
        f"| all rules | {sum(counts_before.values())} | {sum(counts_after.values())} | |",
        "",
        f"Rules that gained findings: {', '.join(f'{r} ({counts_before[r]}→{counts_after[r]})' for r in gained) or 'none'}",
        "",
        "| check | files |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in checks.items()),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.write_text(report)


if __name__ == "__main__":
    main()
