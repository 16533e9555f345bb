"""The ``dockeropt`` command: the only place that reads arguments, files and the terminal."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .command import USAGE_ERROR, Parser, at_least, existing_file, folder, out, parser, say, split

if TYPE_CHECKING:
    from .report.files import FileReport

EPILOG = """\
Commands:
  dockeropt verify DOCKERFILE   prove a rewrite with real builds (dockeropt verify --help)
  dockeropt bot --repo DIR      open or update a pull request with the fixes (dockeropt bot --help)
  dockeropt rules               list every pass: id, name, safety, hadolint rules

Exit status: 0 nothing to change (or all written), 1 changes available, 2 error."""
DESCRIPTION = """\
Propose exact, explained fixes for Dockerfiles, as a unified diff.

PATH is a Dockerfile, a folder (searched recursively for Dockerfile, *.Dockerfile, Dockerfile.*,
Containerfile, *.Containerfile; .gitignore, node_modules/, vendor/ and the config's exclude are
skipped), a quoted glob, or - for standard input. Without PATH: the current folder."""
FORMATS = ("text", "json", "sarif", "github", "gitlab")


def arguments(prog: str = "dockeropt", *, pass_options: bool = True) -> Parser:
    """The main command's arguments; with ``pass_options``, the passes' own (read from the pass index)."""
    p = parser(prog, "[OPTIONS] [PATH|GLOB|-]...", DESCRIPTION, EPILOG)
    p.add_argument("paths", nargs="*", metavar="PATH|GLOB|-")
    p.add_argument("--write", "-w", action="store_true", help="Write the fixes back to the files.")
    p.add_argument("--check", action="store_true", help="Report only; exit 1 when fixes are available.")
    p.add_argument("--diff", dest="show_diff", action="store_true",
                   help="Print the diff (the default without --write/--check).")
    p.add_argument("--unsafe", action="store_true", help="Also apply fixes that may change behaviour.")
    p.add_argument("--select", action="append", default=[], metavar="IDS",
                   help="Only these passes: ids, names, id prefixes (DO1) or hadolint ids (DL3009), comma-separated.")
    p.add_argument("--ignore", action="append", default=[], metavar="IDS", help="Skip these passes (as for --select).")
    p.add_argument("--output-format", "--format", dest="fmt", choices=FORMATS, default="text", metavar="FORMAT",
                   help="text: diff on stdout, findings on stderr; json; sarif (code scanning); github (workflow "
                        "annotations); gitlab (Code Quality report). Default: text.")
    p.add_argument("--statistics", action="store_true",
                   help="Print how many findings each pass has instead of each finding.")
    p.add_argument("--exit-zero", action="store_true",
                   help="Exit 0 even when fixes are available (2 still means an error).")
    p.add_argument("--exit-non-zero-on-fix", action="store_true", help="With --write: exit 1 when a file was written.")
    p.add_argument("--quiet", "-q", action="store_true", help="Print only the diff and errors.")
    p.add_argument("--verbose", "-v", action="store_true", help="Also print the risk of fixes that are not applied.")
    p.add_argument("--context", dest="context_dir", type=folder, metavar="DIR",
                   help="Build context directory (default: each Dockerfile's folder).")
    p.add_argument("--stdin-filename", metavar="PATH",
                   help="The name of standard input (-): its label, config and build context (its folder).")
    p.add_argument("--color", action=argparse.BooleanOptionalAction,
                   help="Colour the diff and findings (default: on a terminal; NO_COLOR and FORCE_COLOR are honoured).")
    p.add_argument("--config", dest="config_path", type=existing_file, metavar="FILE",
                   help="Config file (default: .dockeropt.toml or pyproject.toml [tool.dockeropt], searched upwards).")
    p.add_argument("--timeout", type=at_least(0), default=60, metavar="SECONDS",
                   help="Give up on a file after this long, leaving it unchanged (0: no limit). Default: 60.")
    p.add_argument("--explain", metavar="ID", nargs="?", const="",
                   help="Print the documentation of a pass (without ID: list every pass) and exit.")
    p.add_argument("--version", action="version", version=f"dockeropt, version {__version__}")
    if pass_options:
        from .options import add_flags

        add_flags(p)
    return p


def main(argv: list[str] | None = None, prog: str = "dockeropt") -> int:
    """Run the command on ``argv`` (default: the process's arguments); returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    p = arguments(prog, pass_options=False)
    if p.asks_for_more(argv):  # help, or maybe a pass's option
        p = arguments(prog)
    a = p.parse_intermixed_args(argv)
    from .discover import NoMatch, expand
    from .options import from_flags
    from .selection import unknown

    if a.explain is not None:
        return _explain(a.explain)
    if a.write and a.check:
        p.error("--write and --check cannot be used together")
    if a.statistics and a.fmt not in ("text", "json"):
        p.error(f"--statistics prints text or json, not {a.fmt}")
    selected, ignored = split(a.select), split(a.ignore)
    if unknown(selected | ignored):
        p.error(f"unknown pass: {', '.join(unknown(selected | ignored))} (see dockeropt rules)")
    from .config_file import Flags, ProjectConfig

    flags = Flags(select=selected, ignore=ignored, unsafe=a.unsafe, options=from_flags(a), time_limit=a.timeout or None)
    from .pipeline import selected_entries

    if not selected_entries(ProjectConfig().config(**flags)):
        p.error("no pass selected")
    try:
        files = expand(a.paths or (".",))
    except NoMatch as error:
        say(f"dockeropt: {error}", err=True)
        return USAGE_ERROR
    if not files:
        say(f"dockeropt: no Dockerfile found under {', '.join(a.paths or ('.',))}", err=True)
        return 0
    from .session import Request, fewer_collections, run_file

    request = Request(flags, a.config_path, a.context_dir, a.stdin_filename, a.write)
    with fewer_collections():
        reports = [run_file(path, request) for path in files]
    out_colour, err_colour = _colour(a.color, sys.stdout), _colour(a.color, sys.stderr)
    _emit(reports, fmt=a.fmt, write=a.write, show_diff=a.show_diff or not (a.write or a.check),
          statistics=a.statistics, quiet=a.quiet, verbose=a.verbose, colours=(out_colour, err_colour))
    return _status(reports, write=a.write, exit_zero=a.exit_zero, on_fix=a.exit_non_zero_on_fix)


def _colour(flag: bool | None, stream: TextIO) -> bool:
    """--color/--no-color, else NO_COLOR (off), else FORCE_COLOR (on), else whether ``stream`` is a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _explain(key: str) -> int:
    from .docs import explain, rules_list
    from .passes import PASSES
    from .selection import pass_ids

    if not key:
        out(rules_list(PASSES))
        return 0
    chosen = [p for p in PASSES if p.id in pass_ids(key)]
    if not chosen:
        say(f"dockeropt: unknown pass {key!r}; `dockeropt rules` lists them", err=True)
        return 2
    out("\n".join(explain(p) for p in chosen))
    return 0


def _emit(reports: list[FileReport], *, fmt: str, write: bool, show_diff: bool, statistics: bool, quiet: bool,
          verbose: bool, colours: tuple[bool, bool]) -> None:
    """Print the reports in the chosen format."""
    from .diff import colorize
    from .report import text

    if statistics and fmt in ("text", "json"):
        import json

        rows = text.statistics(reports)
        out(json.dumps(rows, indent=2) + "\n" if fmt == "json" else "".join(f"{line}\n" for line in text.statistics_lines(reports)))
        for report in reports:
            if report.error:
                say(text.paint(report.error, "error", colours[1]), err=True, colour=colours[1])
        return
    if fmt != "text":
        out(_render(fmt, reports, write))
        return
    for report in reports:
        if report.stdin and write and report.result:
            out(report.result.text)
        elif show_diff and report.full_diff:
            out(colorize(report.full_diff) if colours[0] else report.full_diff)
        lines = [report.error] if quiet and report.error else [] if quiet else \
            text.finding_lines(report, written=write, verbose=verbose, colour=colours[1])
        for line in lines:
            say(line, err=True, colour=colours[1])
    if not quiet:
        say(text.summary(reports, written=write), err=True, colour=colours[1])


def _render(fmt: str, reports: list[FileReport], write: bool) -> str:
    """The machine-readable formats."""
    if fmt == "json":
        from .report.json_report import to_json

        return to_json(reports, written=write)
    if fmt == "sarif":
        from .report.sarif import to_sarif

        return to_sarif(reports)
    from .report.ci import to_github, to_gitlab

    return {"github": to_github, "gitlab": to_gitlab}[fmt](reports)


def _status(reports: list[FileReport], *, write: bool, exit_zero: bool, on_fix: bool) -> int:
    """2 on any error; 1 when fixes are available (or, with --exit-non-zero-on-fix, were written); else 0."""
    if any(r.error for r in reports):
        return 2
    if exit_zero:
        return 0
    if not write and any(r.changed for r in reports):
        return 1
    written = any(r.written or (r.stdin and r.changed) or any(f.written for f in r.files) for r in reports)
    return 1 if on_fix and written else 0
