"""Speed figures of issue 15, each beside its reference measured in the same run.

1. One file: `dockeropt --check FILE` and the part before the output (process start to the end of
   ``optimize()``: imports, context, data, tree-sitter, the run) against `python -c pass`.
2. ``optimize()`` in-process over the real corpus, files/s (target >= 1,000).
3. Linear apply: a file of 10,000 apt RUNs against one of 5,000 (target <= 2.2x), and a 10 MB such file
   (target < 30 s), each a ``RUN apt-get update`` / ``RUN apt-get install -y pkgN`` pair repeated.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXAMPLE = "corpus/apt-update-split/Dockerfile"  # the README's bundled example
# Process start to the end of optimize(): what `dockeropt --check` does before it prints.
UNTIL_OPTIMIZED = """\
import sys
from pathlib import Path
from optimizer.context import BuildContext
from optimizer.pipeline import optimize
path = Path(sys.argv[1])
optimize(path.read_text(), BuildContext.from_directory(path.resolve().parent, dockerfile=path))
"""


def wall(*cmd: str) -> float:
    """Wall seconds of one process run from the repository, output discarded."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def one_file_rows(runs: int) -> list[tuple[str, str, str]]:
    """Medians of `runs` rounds, the three commands interleaved so load hits them alike."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "process start to end of optimize()": [sys.executable, "-c", UNTIL_OPTIMIZED, EXAMPLE],
        f"dockeropt --check {EXAMPLE}": [str(BIN / "dockeropt"), "--check", EXAMPLE],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(wall(*cmd))
    floor = statistics.median(times["python -c pass"])
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        note = "reference" if name == "python -c pass" else f"{median / floor:.1f}x python -c pass; target 2x"
        rows.append((name, f"{median * 1000:.0f} ms", f"median of {runs}; {note}"))
    return rows


def corpus_rows(corpus: Path) -> list[tuple[str, str, str]]:
    """optimize() over every corpus file, without and with its build context; best of 3."""
    from optimizer.context import BuildContext
    from optimizer.pipeline import optimize

    paths = sorted(corpus.glob("*/Dockerfile"))
    if not paths:
        return [("optimize() over the corpus", "skipped", f"no */Dockerfile in {corpus.name}")]
    texts = [p.read_bytes().decode("utf-8", "surrogateescape") for p in paths]
    contexts = [BuildContext.from_corpus_entry(p.parent) for p in paths]
    bare = min(_timed(lambda: [optimize(t) for t in texts]) for _ in range(3))
    known = min(_timed(lambda: [optimize(t, c) for t, c in zip(texts, contexts)]) for _ in range(3))
    return [
        (f"optimize() over {len(paths)} corpus files", f"{len(paths) / bare:,.0f} files/s",
         "best of 3, no build context; target >= 1,000"),
        (f"optimize() over {len(paths)} corpus files with their contexts", f"{len(paths) / known:,.0f} files/s",
         "best of 3"),
    ]


def apt_file(runs: int) -> str:
    """A Dockerfile of `runs` RUNs: update / install pairs, each installing another package."""
    return "FROM debian:bookworm\n" + "".join(
        f"RUN apt-get update\nRUN apt-get install -y pkg{i}\n" for i in range(runs // 2))


def apt_rows(limit: float) -> list[tuple[str, str, str]]:
    """5,000 against 10,000 RUNs, then about 10 MB (stopped after `limit` seconds)."""
    from optimizer.pipeline import optimize

    rows = []
    seconds = {}
    for runs in (5_000, 10_000):
        text = apt_file(runs)
        seconds[runs] = _timed(lambda: optimize(text))
        rows.append((f"apt file, {runs:,} RUNs ({len(text) / 1e6:.2f} MB)", f"{seconds[runs]:.1f} s",
                     f"{seconds[runs] / len(text) * 1e6:.1f} s/MB"))
    rows.append(("apt file, 10,000 ÷ 5,000 RUNs", f"{seconds[10_000] / seconds[5_000]:.2f}x", "target <= 2.2x (linear: 2x)"))
    per_pair = len(apt_file(2))
    text = apt_file(2 * int(10e6 / per_pair))
    size = f"apt file, {len(text) / 1e6:.1f} MB"
    try:
        rows.append((size, f"{_limited(lambda: optimize(text), limit):.1f} s", "target < 30 s"))
    except TimeoutError:
        estimate = seconds[10_000] / len(apt_file(10_000)) * len(text)
        rows.append((size, f"stopped after {limit:.0f} s",
                     f"target < 30 s; at the 10,000-RUN rate about {estimate:,.0f} s"))
    return rows


def _limited(fn, limit: float) -> float:
    """Seconds fn takes; raises TimeoutError once it has run `limit` seconds (parsing included)."""

    def stop(signum, frame):
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return _timed(fn)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def render(rows: list[tuple[str, str, str]], header: list[str]) -> str:
    body = [f"| {' | '.join(r)} |" for r in [("Benchmark", "Result", "Notes"), ("---",) * 3, *rows]]
    return "\n".join(["# dockeropt speed (issue 15)", "", *(f"- {h}" for h in header), "", *body]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "real")
    parser.add_argument("--runs", type=int, default=20, help="rounds of the one-file processes")
    parser.add_argument("--limit", type=float, default=120, help="seconds the 10 MB file may run")
    parser.add_argument("--skip-apt", action="store_true", help="leave out the apt files (minutes)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "SPEED.md")
    args = parser.parse_args()
    with open("/proc/loadavg") as load:
        loadavg = load.read().split()[0]
    header = [f"date: {datetime.datetime.now().isoformat(timespec='seconds')}",
              f"python: {platform.python_version()}, load average at the start: {loadavg}"]
    rows: list[tuple[str, str, str]] = []
    sections = [lambda: one_file_rows(args.runs), lambda: corpus_rows(args.corpus)]
    if not args.skip_apt:
        sections.append(lambda: apt_rows(args.limit))
    for section in sections:  # the file is rewritten after each section, so a long run keeps what it measured
        rows += section()
        args.out.write_text(render(rows, header))
    print(render(rows, header), end="")


if __name__ == "__main__":
    main()
