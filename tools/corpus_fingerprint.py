"""One hash of what dockeropt does to the real corpus: rewritten text, extra files and findings.

Run it before and after a refactoring commit; the same hash means the refactor changed no output.

    .venv/bin/python tools/corpus_fingerprint.py [--corpus DIR] [--per-file]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from optimizer.config import Config  # noqa: E402
from optimizer.context import BuildContext  # noqa: E402
from optimizer.pipeline import optimize  # noqa: E402


def fingerprint(path: Path, unsafe: bool) -> str:
    """The hash of one file's outcome (text, files beside it, findings with status and risk)."""
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    result = optimize(text, BuildContext.from_corpus_entry(path.parent), Config(unsafe=unsafe))
    digest = hashlib.sha256(result.text.encode("utf-8", "surrogateescape"))
    for extra in result.extra_files:
        digest.update(f"\0{extra.path}\0{extra.text}".encode("utf-8", "surrogateescape"))
    for shown in result.findings:
        finding = shown.finding
        digest.update(f"\0{finding.pass_id}{shown.line}{shown.status}{finding.message}{finding.risk}"
                      .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "real")
    parser.add_argument("--per-file", action="store_true", help="print each file's hash too")
    args = parser.parse_args()
    total = hashlib.sha256()
    paths = sorted(args.corpus.glob("*/Dockerfile"))
    for path in paths:
        for unsafe in (False, True):
            one = fingerprint(path, unsafe)
            total.update(one.encode())
            if args.per_file:
                print(one, "unsafe" if unsafe else "safe", path.parent.name)
    print(f"{total.hexdigest()}  {len(paths)} files, safe and unsafe")


if __name__ == "__main__":
    main()
