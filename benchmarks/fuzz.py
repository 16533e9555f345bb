"""Coverage-guided fuzzing (atheris) of the Dockerfile parser, the shell layer and the whole pipeline.

    .venv/bin/pip install atheris   # a bench-only tool, not a test dependency
    nice -n 15 .venv/bin/python benchmarks/fuzz.py [--minutes 40] [--out benchmarks/FUZZ.md]

The harnesses run side by side for the whole campaign, each in its own libFuzzer process (the parser
in two, sharing one corpus), seeded from ``../shared/corpus/real/*/Dockerfile``
and ``corpus/*/Dockerfile`` (copied to a temp work folder, never into the project). A harness never
stops at a failure: it saves the input under the work folder's ``crashes/`` with its traceback and
goes on, so one campaign lists every distinct failure. A libFuzzer timeout (one input over 10 s) or
a hard crash restarts the harness. The report gives executions, seconds, coverage and failures.

Failures: an exception (any harness); ``parse(text).render() != text`` (parser); an "internal error"
warning, or a rewrite that no longer parses or that a second run changes again (pipeline).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = (REPO.parent / "shared" / "corpus" / "real", REPO / "corpus")
HARNESSES = ("parser", "shell", "pipeline")
MAX_LEN = {"parser": 1024, "shell": 1024, "pipeline": 2048}  # bytes; short inputs mean more executions
STATS = re.compile(r"stat::(\w+):\s*(\d+)")
PROGRESS = re.compile(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+)")


# --- harnesses (run inside the libFuzzer process) -------------------------------------------------


def _record(crashes: Path, data: bytes, reason: str) -> None:
    """Save a failing input once per distinct reason (its last traceback lines)."""
    key = hashlib.sha1(reason.encode()).hexdigest()[:12]
    target = crashes / key
    if not target.exists():
        target.mkdir(parents=True)
        (target / "input").write_bytes(data)
        (target / "reason.txt").write_text(reason)


def _reason(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = "; ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames)
    return f"{type(error).__name__}: {str(error)[:200]}\n{where}"


def _context(workdir: Path):
    """A small context folder with the manifests the passes read."""
    from optimizer.context import BuildContext

    root = workdir / "context"
    files = {
        "requirements.txt": "flask==3.0\n", "package.json": '{"name": "a", "scripts": {"build": "x"}}\n',
        "package-lock.json": "{}\n", "go.mod": "module a\n\ngo 1.22\n", "go.sum": "",
        "pom.xml": "<project><artifactId>a</artifactId><version>1</version></project>\n",
        "app.py": "print(1)\n", "src/main.go": "package main\n", "target/a-1.jar": "",
        ".dockerignore": ".git\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return BuildContext.from_directory(root, dockerfile=root / "Dockerfile")


def harness(name: str, workdir: Path):
    """The one-input test function for libFuzzer."""
    crashes = workdir / "crashes"
    if name == "parser":
        from optimizer.model import parse

        def check(data: bytes) -> None:
            text = data.decode("utf-8", "surrogateescape")
            if parse(text).render() != text:
                raise AssertionError("parse(text).render() != text")
    elif name == "shell":
        from optimizer.shell import parse_script

        def check(data: bytes) -> None:
            script = parse_script(data.decode("utf-8", "surrogateescape"))
            for command in script.commands:  # the derived views the passes read must not raise
                command.program, command.args, command.options, command.operands, command.subcommand
    else:
        from optimizer.config import Config
        from optimizer.fileio import InputError, decode
        from optimizer.model import parse
        from optimizer.pipeline import optimize

        contexts = (None, _context(workdir))
        configs = (Config(), Config(unsafe=True))

        def check(data: bytes) -> None:
            try:
                text = decode(data[1:], "fuzz")
            except InputError:
                return
            flags = data[0] if data else 0
            context, config = contexts[flags & 1], configs[(flags >> 1) & 1]
            result = optimize(text, context, config)
            internal = [w for w in result.warnings if w.startswith("internal error")]
            if internal:
                raise AssertionError(internal[0])
            if result.changed:
                if parse(result.text).problems:
                    raise AssertionError("the rewrite no longer parses")
                settled = not any("did not settle" in w for w in result.warnings)
                if settled and optimize(result.text, context, config).changed:
                    raise AssertionError("a second run changes the rewrite again")

    def one_input(data: bytes) -> None:
        try:
            check(data)
        except Exception as error:  # record and go on: one campaign lists every failure
            _record(crashes, data, _reason(error))

    return one_input


def fuzz_main(name: str, workdir: Path, libfuzzer_args: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["optimizer"]):
        import optimizer.model  # noqa: F401
        import optimizer.pipeline  # noqa: F401
        import optimizer.shell  # noqa: F401
    sys.setrecursionlimit(10_000)
    atheris.Setup([sys.argv[0], *libfuzzer_args], harness(name, workdir))
    atheris.Fuzz()


# --- the campaign (the parent process) ------------------------------------------------------------


def seed(work: Path, name: str) -> Path:
    """The harness's corpus folder, seeded with every Dockerfile (pipeline inputs get a flags byte)."""
    corpus = work / name / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for folder in SEEDS:
        for path in sorted(folder.glob("*/Dockerfile")):
            data = path.read_bytes()
            pieces = _run_bodies(data) if name == "shell" else [bytes([len(data) % 4]) + data] if name == "pipeline" else [data]
            for i, piece in enumerate(pieces):
                (corpus / f"{folder.name}-{path.parent.name}-{i}").write_bytes(piece[: MAX_LEN[name]])
    return corpus


def _run_bodies(data: bytes) -> list[bytes]:
    """The shell scripts of a Dockerfile: RUN bodies as BuildKit joins them, and heredoc bodies."""
    from optimizer.model import parse

    doc = parse(data.decode("utf-8", "surrogateescape"))
    scripts = [inst.arguments.text for inst in doc.instructions if inst.keyword == "RUN" and not inst.exec_form]
    scripts += [h.content for inst in doc.instructions for h in inst.heredocs]
    return [s.encode("utf-8", "surrogateescape") for s in scripts if s.strip()]


def campaign(name: str, work: Path, seconds: float, worker: int = 1) -> dict:
    """Run one harness for ``seconds`` (restarting after a timeout or hard crash); its totals.

    Workers of one harness share its corpus folder (libFuzzer reloads it) and keep their own logs.
    """
    corpus = work / name / "corpus"
    home = work / name if worker == 1 else work / f"{name}-{worker}"
    (home / "crashes").mkdir(parents=True, exist_ok=True)
    totals = {"execs": 0, "seconds": 0.0, "cov": 0, "ft": 0, "restarts": 0, "corpus": 0}
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 5:
        started = time.monotonic()
        args = [f"-max_total_time={int(left)}", f"-max_len={MAX_LEN[name]}", "-timeout=10",
                "-rss_limit_mb=4096", "-print_final_stats=1", f"-artifact_prefix={home}/", str(corpus)]
        log = home / f"libfuzzer-{totals['restarts']}.log"  # follow the progress here
        with log.open("w") as stderr:
            proc = subprocess.run([sys.executable, __file__, "--harness", name, "--work", str(home), "--", *args],
                                  stdout=subprocess.DEVNULL, stderr=stderr, check=False)
        totals["seconds"] += time.monotonic() - started
        output = log.read_text(errors="replace")
        stats = {k: int(v) for k, v in STATS.findall(output)}
        progress = PROGRESS.findall(output)
        totals["execs"] += stats.get("number_of_executed_units") or (int(progress[-1][0]) if progress else 0)
        if progress:
            totals["cov"] = max(totals["cov"], int(progress[-1][1]))
            totals["ft"] = max(totals["ft"], int(progress[-1][2]))
        if proc.returncode != 0:
            totals["restarts"] += 1
    totals["corpus"] = sum(1 for _ in corpus.iterdir())
    totals["failures"] = sorted((d / "reason.txt").read_text() for d in (home / "crashes").iterdir())
    totals["artifacts"] = sorted(p.name for p in home.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-", "slow-unit-")))
    return totals


def report(results: dict[str, dict], header: list[str]) -> str:
    rows = ["| Harness | Executions | Seconds | exec/s | Coverage (edges) | Features | Corpus | Failures | Restarts |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, t in results.items():
        rate = t["execs"] / t["seconds"] if t["seconds"] else 0
        rows.append(f"| {name} | {t['execs']:,} | {t['seconds']:,.0f} | {rate:,.0f} | {t['cov']:,} | {t['ft']:,} "
                    f"| {t['corpus']:,} | {len(t['failures'])} | {t['restarts']} |")
    total = sum(t["execs"] for t in results.values())
    seconds = max(t["seconds"] for t in results.values())  # the processes ran side by side
    rows.append(f"| **total** | **{total:,}** | **{seconds:,.0f}** | | | | | "
                f"**{sum(len(t['failures']) for t in results.values())}** | |")
    lines = ["# dockeropt fuzzing campaign (atheris / libFuzzer)", "", *(f"- {h}" for h in header), "", *rows, ""]
    for name, t in results.items():
        for failure in t["failures"]:
            lines += [f"- {name}: `{failure.splitlines()[0]}` ({'; '.join(failure.splitlines()[1:])})"]
        for artifact in t["artifacts"]:
            kind = "an input that ran over 10 s once (re-time it: load on a shared machine counts)" \
                if artifact.startswith("slow-unit-") else "a hard crash, timeout or out-of-memory"
            lines += [f"- {name}: libFuzzer artifact {artifact}: {kind}"]
    if not any(t["failures"] or t["artifacts"] for t in results.values()):
        lines.append("No failures: no exception, round-trip break, internal error, invalid rewrite, "
                     "unsettled rewrite, timeout (> 10 s per input) or out-of-memory in any harness.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=40, help="wall time of the campaign (every harness)")
    parser.add_argument("--only", choices=HARNESSES, action="append", help="run only these harnesses")
    parser.add_argument("--parser-workers", type=int, default=2, help="processes fuzzing the parser (the fastest harness)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "FUZZ.md")
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep (default: a temp folder)")
    parser.add_argument("--harness", choices=HARNESSES, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.harness:
        fuzz_main(args.harness, args.work, [a for a in rest if a != "--"])
        return
    names = args.only or list(HARNESSES)
    work = args.keep or Path(tempfile.mkdtemp(prefix="dockeropt-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    jobs = [(n, w) for n in names for w in range(1, (args.parser_workers if n == "parser" else 1) + 1)]
    for name in names:
        seed(work, name)
    with ThreadPoolExecutor(len(jobs)) as pool:
        runs = {(n if w == 1 else f"{n} #{w}"): pool.submit(campaign, n, work, args.minutes * 60, w) for n, w in jobs}
    results = {n: run.result() for n, run in runs.items()}
    from importlib.metadata import version

    header = [f"date: {started.isoformat(timespec='seconds')} (UTC), {args.minutes:g} minutes wall",
              f"python: {sys.version.split()[0]}, atheris {version('atheris')}, "
              f"nice {os.nice(0)}, {os.cpu_count()} cores shared with other jobs",
              f"seeds: {sum(1 for f in SEEDS for _ in f.glob('*/Dockerfile'))} Dockerfiles from "
              f"{', '.join(Path(os.path.relpath(f, REPO)).as_posix() for f in SEEDS)}",
              f"work folder (corpus, crashes): "
              f"{Path(os.path.relpath(work, REPO)).as_posix() if args.keep else 'a temporary folder'}"]
    text = report(results, header)
    print(text, end="")
    args.out.write_text(text)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
