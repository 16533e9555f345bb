"""How the real corpus's findings are labelled (SAFE, UNSAFE, suggestion) per pass, now and at an
earlier commit: which fixes moved from SAFE to UNSAFE or a suggestion, or stopped being offered.

    python benchmarks/safety_levels.py [--before REV] [--out benchmarks/SAFETY_LEVELS.md]

Each corpus Dockerfile is optimized with its own context and default settings (SAFE fixes applied,
the rest reported). A finding is keyed by (file, pass, line in the original file). ``--before``
runs the same measurement on a checkout of REV (a temporary git worktree) and compares.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "real"
LEVELS = ("safe", "unsafe", "suggestion")


def measure(corpus: Path) -> dict[str, str]:
    """(file|pass|line) -> safety of every finding over the corpus, with this checkout's optimizer."""
    from optimizer.config import Config
    from optimizer.context import BuildContext
    from optimizer.pipeline import optimize

    labels: dict[str, str] = {}
    for path in sorted(corpus.glob("*/Dockerfile")):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        result = optimize(text, BuildContext.from_corpus_entry(path.parent), Config())
        for reported in result.findings:
            key = f"{path.parent.name}|{reported.finding.pass_id}|{reported.line}"
            labels[key] = reported.safety.value
    return labels


def measure_at(rev: str, corpus: Path) -> dict[str, str]:
    """``measure`` run by a subprocess on a temporary worktree of ``rev``."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(tree), rev], check=True)
        try:
            code = ("import json, sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[3]);"
                    "from safety_levels import measure; from pathlib import Path;"
                    "print(json.dumps(measure(Path(sys.argv[2]))))")
            out = subprocess.run([sys.executable, "-c", code, str(tree), str(corpus), str(REPO / "benchmarks")],
                                 cwd=tree, check=True, capture_output=True, text=True).stdout
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=True)
    return json.loads(out)


def _pass_of(key: str) -> str:
    return key.split("|")[1]


def report(before: dict[str, str], after: dict[str, str], rev: str) -> str:
    passes = sorted({_pass_of(k) for k in [*before, *after]})
    count = {name: collections.Counter() for name in passes}
    for key, level in after.items():
        count[_pass_of(key)][level] += 1
    moves = {name: collections.Counter() for name in passes}
    for key, old in before.items():
        new = after.get(key, "gone")
        if old != new:
            moves[_pass_of(key)][f"{old}→{new}"] += 1
    for key, new in after.items():
        if key not in before:
            moves[_pass_of(key)][f"new {new}"] += 1
    lines = [f"# Safety labels over the real corpus, now and at `{rev}`", "",
             f"Files: {len({k.split('|')[0] for k in after})} with findings. A finding is (file, pass, line); "
             "default settings (SAFE fixes applied, the others reported).", "",
             "| pass | safe | unsafe | suggestion | moved since " + rev + " |", "|---|---|---|---|---|"]
    for name in passes:
        c = count[name]
        moved = ", ".join(f"{k}: {v}" for k, v in sorted(moves[name].items())) or "—"
        lines.append(f"| {name} | {c['safe']} | {c['unsafe']} | {c['suggestion']} | {moved} |")
    safe_before = sum(1 for v in before.values() if v == "safe")
    demoted = sum(1 for k, v in before.items() if v == "safe" and after.get(k, "gone") != "safe")
    lines += ["", f"SAFE findings at `{rev}`: {safe_before}; of those no longer SAFE now: {demoted}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD", help="the revision to compare with")
    parser.add_argument("--out", type=Path, help="write the markdown report here")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit("the real corpus (../shared/corpus/real) is not here")
    sys.path.insert(0, str(REPO))
    text = report(measure_at(args.before, CORPUS), measure(CORPUS), args.before)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
