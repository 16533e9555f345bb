"""Nothing committed names this machine's folders, and what users read names no internal path:
skip reasons and benchmark headers are relative to the repository, messages and risks speak of the
user's files only."""

from __future__ import annotations

import re
import subprocess

from optimizer.context import BuildContext
from optimizer.pipeline import optimize

from .conftest import ROOT, read_text, real_corpus_files, require

# The checkout's own location and the shared data beside it, as this machine names them.
MACHINE = re.compile("|".join(re.escape(str(path)) + r"\b" for path in (ROOT, ROOT.parent / "shared")))
INTERNAL = re.compile(r"\b(tools|tests|benchmarks|optimizer)/[\w/.-]+\.py\b")


def tracked_text_files() -> list[str]:
    require((ROOT / ".git").exists(), "not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    return [name for name in listed if name and (ROOT / name).is_file()]


def test_committed_files_name_no_machine_path():
    offenders = []
    for name in tracked_text_files():
        data = (ROOT / name).read_bytes()
        if b"\0" not in data and MACHINE.search(data.decode("utf-8", "replace")):
            offenders.append(name)
    assert not offenders, f"machine paths ({ROOT} or {ROOT.parent / 'shared'}) in: {offenders}"


def test_messages_and_risks_name_no_internal_path():
    cases = [(path, BuildContext.from_directory(path.parent, dockerfile=path))
             for path in sorted((ROOT / "corpus").glob("*/Dockerfile"))]
    cases += [(path, BuildContext.from_corpus_entry(path.parent)) for path in real_corpus_files()]
    seen = 0
    for path, context in cases:
        result = optimize(read_text(path), context)
        for r in result.findings:
            for text in (r.finding.message, r.finding.risk, r.detail, *result.warnings):
                seen += 1
                assert not (text and (INTERNAL.search(text) or MACHINE.search(text))), (path, r.pass_.id, text)
    assert seen > 100
