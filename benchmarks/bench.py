"""Benchmark dockeropt: parse/CLI throughput against hadolint, start-up time and linear scaling."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import optimizer
from optimizer.pipeline import optimize

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROUNDS = 5
LIMIT = 20  # seconds one scaling measurement may run before it is stopped
BLOCK = """\
# stage {i}: fetch, build and configure the app
FROM debian:bookworm-slim AS build{i}
ARG VERSION=1.{i}.0
ENV APP_HOME=/opt/app PATH=/opt/app/bin:$PATH
RUN apt-get update \\
    && apt-get install -y --no-install-recommends curl ca-certificates make \\
    # fetch and unpack the sources
    && curl -fsSL "https://example.com/app-${{VERSION}}.tar.gz" | tar -xz -C /src \\
    && rm -rf /var/lib/apt/lists/*
COPY <<EOF /etc/app.conf
name=app{i}
port=80{i}
EOF
WORKDIR /src
RUN make -j4 && make install
"""


def timed(fn) -> float:
    """Seconds one call of fn takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(*cmd) -> float:
    """Wall seconds of one process, output discarded, exit status ignored."""
    return timed(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False))


class TooSlow(BaseException):
    """A scaling measurement ran past LIMIT. Not an ``Exception``: the pipeline turns those raised
    inside a pass into an internal-error warning and goes on."""


def limited(fn) -> float:
    """Seconds fn takes; raises TooSlow once it has run LIMIT seconds."""

    def stop(signum, frame):
        raise TooSlow(f"stopped after {LIMIT} s")

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        return timed(fn)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def parse_rate(texts: list[str]) -> float:
    """Files/s of parse+render, best of ROUNDS; the exact round trip is asserted outside the timing."""
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        rendered = [optimizer.parse(text).render() for text in texts]
        times.append(time.perf_counter() - start)
        assert rendered == texts, "parse(text).render() is not byte-exact"
    return len(texts) / min(times)


def corpus_rows(paths: list[Path], hadolint: str | None) -> list[tuple[str, str, str]]:
    """Sections 1-3: parse+render, optimize() and the CLI over the corpus, against hadolint."""
    n = len(paths)
    texts = [p.read_bytes().decode("utf-8", "surrogateescape") for p in paths]
    files = [str(p) for p in paths]
    parse = parse_rate(texts)
    opt = n / min(timed(lambda: [optimize(t) for t in texts]) for _ in range(3))
    cli = min(run(str(BIN / "dockeropt"), "--check", *files) for _ in range(3))
    rows = [
        ("parse+render, in-process", f"{parse:,.0f} files/s", f"best of {ROUNDS}, one core; target >= 2,000"),
        ("optimize(), in-process", f"{opt:,.0f} files/s", "best of 3"),
        ("dockeropt --check, one process", f"{cli:.2f} s = {n / cli:,.0f} files/s", "best of 3, incl. start-up"),
    ]
    if not hadolint:
        return rows + [("hadolint --no-fail, one process", "skipped", "hadolint not found")]
    lint = run(hadolint, "--no-fail", *files)
    return rows + [
        ("hadolint --no-fail, one process", f"{lint:.2f} s = {n / lint:,.0f} files/s", "one run"),
        ("dockeropt CLI ÷ hadolint", f"{lint / cli:.1f}x", "files/s ratio"),
        ("parse+render ÷ hadolint", f"{parse * lint / n:.0f}x", "files/s ratio"),
    ]


def startup_rows() -> list[tuple[str, str, str]]:
    """Section 4: median wall time of `dockeropt --version` against `python -c pass`."""
    version = statistics.median(run(str(BIN / "dockeropt"), "--version") for _ in range(20))
    floor = statistics.median(run(sys.executable, "-c", "pass") for _ in range(20))
    return [
        ("dockeropt --version", f"{version * 1000:.0f} ms", "median of 20; target < 150 ms"),
        ("python -c pass (floor)", f"{floor * 1000:.0f} ms", f"dockeropt adds {(version - floor) * 1000:.0f} ms"),
    ]


def scaling_rows(label: str, texts: list[str]) -> list[tuple[str, str, str]]:
    """Section 5: seconds and s/MB of parse+render and optimize() per input; last ÷ first s/MB."""
    rows, per_mb = [], {"parse+render": [], "optimize()": []}
    for text in texts:
        mb = len(text.encode("utf-8", "surrogateescape")) / 1e6
        for name, fn in (("parse+render", lambda: optimizer.parse(text).render()), ("optimize()", lambda: optimize(text))):
            try:
                secs = limited(fn)
            except Exception as exc:  # the code under test failing is a result, not a benchmark crash
                rows.append((f"{label} {mb:.1f} MB {name}", f"failed: {type(exc).__name__}", str(exc)[:50]))
                continue
            per_mb[name].append(secs / mb)
            rows.append((f"{label} {mb:.1f} MB {name}", f"{secs:.2f} s", f"{secs / mb:.2f} s/MB"))
    for name, values in per_mb.items():
        ratio = f"{values[-1] / values[0]:.2f}" if len(values) == len(texts) else "n/a"
        rows.append((f"{label} {name} linearity", ratio, "s/MB largest ÷ smallest; ~1 is linear"))
    return rows


def blocks(mb: float) -> str:
    """A many-stage Dockerfile of about mb megabytes."""
    return "".join(BLOCK.format(i=i) for i in range(int(mb * 1e6 / len(BLOCK))))


def long_run(lines: int) -> str:
    """One RUN instruction of `lines` continuation lines."""
    return "FROM alpine:3.20\nRUN set -e \\\n" + "".join(f"    && echo step {i} \\\n" for i in range(lines)) + "    && true\n"


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "unknown")


def render(rows: list[tuple[str, str, str]], header: list[str], markdown: bool) -> str:
    """The header lines and the rows as a markdown or an aligned plain-text table."""
    titles = ("Benchmark", "Result", "Notes")
    if markdown:
        body = [f"| {' | '.join(r)} |" for r in [titles, ("---",) * 3, *rows]]
        return "\n".join(["# dockeropt benchmark", "", *(f"- {h}" for h in header), "", *body]) + "\n"
    widths = [max(len(r[i]) for r in [titles, *rows]) for i in range(3)]
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [titles, *rows]]
    return "\n".join([*header, "", *body]) + "\n"


def shown(path: Path) -> str:
    """A path as the results name it: relative to the repository, never this machine's folders."""
    return Path(os.path.relpath(path.absolute(), REPO)).as_posix()


def main() -> None:
    """Run every section and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "real")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    paths = sorted(args.corpus.glob("*/Dockerfile"))
    hadolint = str(BIN / "hadolint") if (BIN / "hadolint").exists() else shutil.which("hadolint")
    header = [
        f"date: {datetime.datetime.now().isoformat(timespec='seconds')}",
        f"python: {platform.python_version()} ({shown(Path(sys.executable))})",
        f"cpu: {cpu_model()}",
        f"files: {len(paths)} from {shown(args.corpus)}",
        f"hadolint: {shown(Path(hadolint)) if hadolint else 'not found'}",
    ]
    rows = corpus_rows(paths, hadolint) if paths else [("corpus sections", "skipped", f"no */Dockerfile in {args.corpus}")]
    rows += startup_rows()
    rows += scaling_rows("stages", [blocks(mb) for mb in (1, 2.5, 5)])
    rows += scaling_rows("one RUN", [long_run(n) for n in (25_000, 50_000, 100_000)])
    print(render(rows, header, markdown=False), end="")
    args.out.write_text(render(rows, header, markdown=True))


if __name__ == "__main__":
    main()
