"""Bounded cost on huge and hostile inputs: wall time and peak memory of one ``dockeropt`` run each.

    nice -n 10 .venv/bin/python benchmarks/bounded.py [--out benchmarks/BOUNDED.md] [--quick]

Every input is written to a temp folder and checked by a real ``dockeropt --check --timeout 0``
process (reading, every pass, the diff); seconds are wall time, peak MB the process's maximum
resident set (``wait4``). Each shape also runs at half size: the linearity ratio is the full
size's seconds per MB divided by the half size's (about 1 is linear, 2 would be quadratic).
The adversarial rows feed the inputs that made a regex backtrack (fixed in this version) and
report the time of the whole run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import blocks, cpu_model, long_run

REPO = Path(__file__).resolve().parent.parent
DOCKEROPT = Path(sys.executable).parent / "dockeropt"
LIMIT = 600  # seconds one run may take before it is reported as a hang


def instructions(count: int) -> str:
    """``count`` instructions of the usual kinds, one stage."""
    kinds = ["ENV K{i}=v{i}", "RUN echo {i} > /tmp/{i}", "LABEL l{i}=x", "COPY f{i} /f{i}", "WORKDIR /w{i}"]
    return "FROM debian:bookworm\n" + "".join(kinds[i % len(kinds)].format(i=i) + "\n" for i in range(count))


def heredocs(count: int) -> str:
    """``count`` RUN and COPY heredocs."""
    one = "RUN <<EOF{i}\napt-get update\napt-get install -y curl\nEOF{i}\nCOPY <<CONF{i} /etc/c{i}\nk={i}\nCONF{i}\n"
    return "FROM debian:bookworm\n" + "".join(one.format(i=i) for i in range(count // 2))


def nested_shell(depth: int) -> str:
    """Subshells, command substitutions, if-blocks and brace groups nested ``depth`` deep (quarter each)."""
    q = depth // 4
    return ("FROM debian:bookworm\n"
            f"RUN {'( ' * q}apt-get update{' )' * q}\n"
            f"RUN echo {'$(echo ' * q}x{')' * q}\n"
            f"RUN {'if true; then ' * q}apt-get install -y curl{'; fi' * q}\n"
            f"RUN {'{ ' * q}true{'; }' * q}\n")


SHAPES = {  # name: (generator, full size, half size)
    "10 MB Dockerfile (many stages)": (lambda mb: blocks(mb), 10, 5),
    "one RUN of 100,000 lines": (long_run, 100_000, 50_000),
    "10,000 instructions": (instructions, 10_000, 5_000),
    "1,000 heredocs": (heredocs, 1_000, 500),
    "shell nested 10,000 deep": (nested_shell, 10_000, 5_000),
    "5 MB single line (RUN echo)": (lambda mb: "FROM debian\nRUN echo " + "a" * int(mb * 1e6) + "\n", 5, 2.5),
}
QUICK = {"10 MB Dockerfile (many stages)": (lambda mb: blocks(mb), 1, 0.5),
         "one RUN of 100,000 lines": (long_run, 10_000, 5_000)}

ADVERSARIAL = {  # name: files of a context folder; each was minutes to hours before its fix
    "directive header, 1 MB of inner spaces": {"Dockerfile": "#syntax=x" + " " * 1_000_000 + "y\nFROM a\n"},
    "brace word, 1 MB of commas": {"Dockerfile": "FROM a\nRUN echo {" + "," * 1_000_000 + "\n"},
    "pom.xml, 1 MB of unclosed ${": {"Dockerfile": "FROM maven:3\nCOPY . .\nRUN mvn -B package\n",
                                      "pom.xml": "<project><artifactId>" + "${" * 500_000 + "</artifactId></project>"},
    "pom.xml, nested properties (x50 per level)": {
        "Dockerfile": "FROM maven:3\nCOPY . .\nRUN mvn -B package\n",
        "pom.xml": "<project><artifactId>${a}</artifactId><version>1</version><properties>"
                   + "".join(f"<{n}>{('${' + m + '}') * 50}</{n}>" for n, m in zip("abcde", "bcdef"))
                   + "<f>xxxxxxxxxx</f></properties></project>"},
    "build.gradle, 1 MB of unclosed /*": {"Dockerfile": "FROM gradle:8\nCOPY . .\nRUN gradle build\n",
                                         "build.gradle": "/* " * 330_000},
    "build.gradle, 1 MB of blank lines": {"Dockerfile": "FROM gradle:8\nCOPY . .\nRUN gradle build\n",
                                          "build.gradle": "\n" * 1_000_000 + "jar {}\n"},
    "COPY destination ${ + 1 MB of letters": {
        "Dockerfile": "FROM python:3.12\nCOPY x ${" + "a" * 1_000_000 + "\nRUN pip install -r requirements.txt\n"},
    ".dockerignore **/ x12, 60-deep path": {
        "Dockerfile": "FROM a\nCOPY . /app\n", ".dockerignore": "**/" * 12 + "x\n",
        "/".join(["d"] * 60) + "/y": ""},
}


def measure(files: dict[str, str]) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit status, last stderr line) of one ``dockeropt --check`` on these files."""
    with tempfile.TemporaryDirectory(prefix="dockeropt-bounded-") as folder:
        for name, text in files.items():
            path = Path(folder, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", errors="surrogateescape")
        start = time.perf_counter()
        proc = subprocess.Popen([str(DOCKEROPT), "--check", "--timeout", "0", "Dockerfile"], cwd=folder,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, err = proc.communicate(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return LIMIT, 0.0, -1, f"still running after {LIMIT} s: killed"
        seconds = time.perf_counter() - start
        # communicate() reaped the child; RUSAGE_CHILDREN holds the largest child so far, so each
        # measurement runs in its own helper process (see main).
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        lines = err.decode(errors="replace").strip().splitlines()
        return seconds, peak, proc.returncode, lines[-1][:80] if lines else ""


def one(kind: str, name: str, size: float) -> None:
    """Child mode: measure one input and print ``seconds peak_mb status mb | last line``."""
    if kind == "shape":
        shapes = {**SHAPES, **{f"quick {k}": v for k, v in QUICK.items()}}
        text = shapes[name][0](int(size) if size.is_integer() else size)
        files = {"Dockerfile": text}
    else:
        files = ADVERSARIAL[name]
    mb = len(files["Dockerfile"].encode("utf-8", "surrogateescape")) / 1e6
    seconds, peak, status, last = measure(files)
    print(f"{seconds:.3f} {peak:.1f} {status} {mb:.3f} | {last}")


def child(kind: str, name: str, size: float = 0) -> tuple[float, float, int, float, str]:
    out = subprocess.run([sys.executable, __file__, "--one", kind, name, str(size)], capture_output=True,
                         text=True, check=True).stdout.strip()
    numbers, _, last = out.partition(" | ")
    seconds, peak, status, mb = numbers.split()
    return float(seconds), float(peak), int(status), float(mb), last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "BOUNDED.md")
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], args.one[1], float(args.one[2]))
        return
    shapes = {f"quick {k}": v for k, v in QUICK.items()} if args.quick else SHAPES
    rows = ["| Input | MB | Seconds | Peak MB | Exit | Half size: MB / s / peak MB | Linearity (s/MB ÷ half's) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, (_, full, half) in shapes.items():
        s1, p1, x1, mb1, last = child("shape", name, full)
        s2, p2, _, mb2, _ = child("shape", name, half)
        ratio = (s1 / mb1) / (s2 / mb2) if s2 and mb2 else float("nan")
        rows.append(f"| {name.removeprefix('quick ')} | {mb1:.2f} | {s1:.2f} | {p1:.0f} | {x1} | {mb2:.2f} / {s2:.2f} / {p2:.0f} "
                    f"| {ratio:.2f} |")
        print(rows[-1], f"  [{last}]", flush=True)
    rows += ["", "| Adversarial input (was catastrophic backtracking) | Dockerfile MB | Seconds | Peak MB | Exit |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for name in ADVERSARIAL:
        s, p, x, mb, last = child("adversarial", name)
        rows.append(f"| {name} | {mb:.2f} | {s:.2f} | {p:.0f} | {x} |")
        print(rows[-1], f"  [{last}]", flush=True)
    header = [f"date: {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')} (UTC)",
              f"python: {platform.python_version()}, cpu: {cpu_model()}, {os.cpu_count()} cores shared with other jobs",
              "command: dockeropt --check --timeout 0 Dockerfile (exit 1: fixes available, 0: none, 2: error)"]
    text = "\n".join(["# dockeropt bounded cost", "", *(f"- {h}" for h in header), "", *rows]) + "\n"
    args.out.write_text(text)


if __name__ == "__main__":
    main()
