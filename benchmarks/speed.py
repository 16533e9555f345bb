"""Speed figures of issue 15, each beside its reference measured in the same run.

1. One file: `dockeropt --check FILE` and the part before the output (process start to the end of
   ``optimize()``: imports, context, data, tree-sitter, the run) against `python -c pass`.
2. ``optimize()`` in-process over the real corpus, files/s (target >= 1,000).
3. Linear apply: a file of 10,000 apt RUNs against one of 5,000 (target <= 2.2x), one of 40,000 RUNs
   (1 MB), and a 10 MB such file (target < 30 s), each a ``RUN apt-get update`` / ``RUN apt-get install
   -y pkgN`` pair repeated; run inside ``fewer_collections()``, the GC settings of the CLI.

The processes run with their bytecode cached (as after ``pip install``, which compiles it): the
package's .pyc files go to a temporary ``PYTHONPYCACHEPREFIX`` that one warm-up run fills, even
where ``PYTHONDONTWRITEBYTECODE`` is set (it made every run compile the package, ~half the time).
Beside the wall-clock medians, the CPU time of each process (user + system, from ``wait4``) is
given: on a loaded host it is the steadier figure.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import signal
import statistics
import os
import subprocess
import sys
import tempfile
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


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process run from the repository, output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def one_file_rows(runs: int) -> list[tuple[str, str, str]]:
    """Medians of `runs` rounds, the three commands interleaved so load hits them alike."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "process start to end of optimize()": [sys.executable, "-c", UNTIL_OPTIMIZED, EXAMPLE],
        f"dockeropt --check {EXAMPLE}": [str(BIN / "dockeropt"), "--check", EXAMPLE],
    }
    with tempfile.TemporaryDirectory(prefix="speed-pyc-") as pycache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pycache
        for cmd in commands.values():  # fills the bytecode cache
            run(cmd, env)
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, cmd in commands.items():
                wall, cpu = run(cmd, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    floor = statistics.median(walls["python -c pass"])
    cpu_floor = statistics.median(cpus["python -c pass"])
    rows = []
    for name in commands:
        median, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        note = "reference" if name == "python -c pass" else \
            f"{median / floor:.1f}x python -c pass (CPU: {cpu / cpu_floor:.1f}x); target 2x"
        rows.append((name, f"{median * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)", f"medians of {runs}; {note}"))
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
    bare = [_timed(lambda: [optimize(t) for t in texts]) for _ in range(3)]
    known = [_timed(lambda: [optimize(t, c) for t, c in zip(texts, contexts)]) for _ in range(3)]

    def rate(times: list[tuple[float, float]]) -> str:
        return (f"{len(paths) / min(w for w, _ in times):,.0f} files/s "
                f"(CPU: {len(paths) / min(c for _, c in times):,.0f} files/s)")

    return [
        (f"optimize() over {len(paths)} corpus files", rate(bare), "best of 3, no build context; target >= 1,000"),
        (f"optimize() over {len(paths)} corpus files with their contexts", rate(known), "best of 3"),
    ]


def apt_file(runs: int) -> str:
    """A Dockerfile of `runs` RUNs: update / install pairs, each installing another package."""
    return "FROM debian:bookworm\n" + "".join(
        f"RUN apt-get update\nRUN apt-get install -y pkg{i}\n" for i in range(runs // 2))


def apt_rows(limit: float) -> list[tuple[str, str, str]]:
    """5,000 against 10,000 RUNs, 40,000 RUNs (1 MB), then about 10 MB (stopped after `limit` seconds).
    Each runs as the CLI runs its files: inside ``fewer_collections()`` (the cyclic GC's settings)."""
    from optimizer.pipeline import optimize
    from optimizer.session import fewer_collections

    def timed(text: str) -> tuple[float, float]:
        with fewer_collections():
            return _timed(lambda: optimize(text))

    rows = []
    seconds = {}
    for runs in (5_000, 10_000, 40_000):
        text = apt_file(runs)
        wall, seconds[runs] = timed(text)
        rows.append((f"apt file, {runs:,} RUNs ({len(text) / 1e6:.2f} MB)", f"{wall:.1f} s (CPU {seconds[runs]:.1f} s)",
                     f"{seconds[runs] / len(text) * 1e6:.1f} CPU s/MB, {seconds[runs] / runs * 1e3:.2f} CPU ms/RUN"))
        if runs == 10_000:
            rows.append(("apt file, 10,000 ÷ 5,000 RUNs", f"{seconds[10_000] / seconds[5_000]:.2f}x",
                         "of the CPU times; target <= 2.2x (linear: 2x)"))
    runs = 2 * int(10e6 / (len(apt_file(2)) - len(apt_file(0))))  # too many: later pairs are longer
    text = apt_file(2 * int(runs / 2 * 10e6 / len(apt_file(runs))))
    size = f"apt file, {len(text) / 1e6:.1f} MB ({text.count(chr(10)) - 1:,} RUNs)"
    try:
        with fewer_collections():
            wall, cpu = _limited(lambda: optimize(text), limit)
        rows.append((size, f"{wall:.1f} s (CPU {cpu:.1f} s)", "target < 30 s"))
    except Stopped:
        estimate = seconds[40_000] / len(apt_file(40_000)) * len(text)
        rows.append((size, f"stopped after {limit:.0f} s",
                     f"target < 30 s; at the 40,000-RUN rate about {estimate:,.0f} CPU s"))
    return rows


class Stopped(BaseException):
    """The wall-clock limit struck. Not an ``Exception``: the pipeline turns those raised inside a pass
    into an internal-error warning and goes on, so a TimeoutError did not stop the run."""


def _limited(fn, limit: float) -> tuple[float, float]:
    """Seconds fn takes; raises Stopped once it has run `limit` seconds (parsing included)."""

    def stop(signum, frame):
        raise Stopped

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return _timed(fn)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _timed(fn) -> tuple[float, float]:
    """Wall and CPU seconds of fn()."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


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
