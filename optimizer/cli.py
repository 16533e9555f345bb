"""The ``dockeropt`` command: the only place that reads arguments, files and the terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .config import JAVA_RUNTIMES
from .fileio import InputError


def _split(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(v.strip() for value in values for v in value.split(",") if v.strip())


def _out(text: str) -> None:
    """Write text to stdout byte-exactly (undecodable input bytes go back out as they came)."""
    from .fileio import encode

    sys.stdout.flush()
    sys.stdout.buffer.write(encode(text))
    sys.stdout.buffer.flush()


EPILOG = """\b
Commands:
  dockeropt verify DOCKERFILE   prove a rewrite with real builds (dockeropt verify --help)
  dockeropt bot --repo DIR      open or update a pull request with the fixes (dockeropt bot --help)
  dockeropt rules               list every pass: id, name, safety, hadolint rules

\b
Exit status: 0 nothing to change (or all written), 1 changes available, 2 error."""
FORMATS = ("text", "json", "sarif", "github", "gitlab")


@click.command(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH|GLOB|-]...")
@click.option("--write", "-w", is_flag=True, help="Write the fixes back to the files.")
@click.option("--check", is_flag=True, help="Report only; exit 1 when fixes are available.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the diff (the default without --write/--check).")
@click.option("--unsafe", is_flag=True, help="Also apply fixes that may change behaviour.")
@click.option("--select", multiple=True, metavar="IDS",
              help="Only these passes: ids, names, id prefixes (DO1) or hadolint ids (DL3009), comma-separated.")
@click.option("--ignore", multiple=True, metavar="IDS", help="Skip these passes (as for --select).")
@click.option("--output-format", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: diff on stdout, findings on stderr; json; sarif (code scanning); github (workflow "
                   "annotations); gitlab (Code Quality report).")
@click.option("--statistics", is_flag=True, help="Print how many findings each pass has instead of each finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when fixes are available (2 still means an error).")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --write: exit 1 when a file was written.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the diff and errors.")
@click.option("--verbose", "-v", is_flag=True, help="Also print the risk of fixes that are not applied.")
@click.option("--context", "context_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Build context directory (default: each Dockerfile's folder).")
@click.option("--stdin-filename", metavar="PATH", default=None,
              help="The name of standard input (-): its label, config and build context (its folder).")
@click.option("--color/--no-color", default=None,
              help="Colour the diff and findings (default: on a terminal; NO_COLOR and FORCE_COLOR are honoured).")
@click.option("--java-runtime", type=click.Choice(JAVA_RUNTIMES), default=None,
              help="Runtime image for java-multi-stage: eclipse-temurin -jre-alpine (default), -jre, or distroless.")
@click.option("--spring-layers", is_flag=True, default=None,
              help="java-multi-stage: extract Spring Boot layers in the runtime stage (Boot >= 3.3).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Config file (default: .dockeropt.toml or pyproject.toml [tool.dockeropt], searched upwards).")
@click.option("--timeout", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="Give up on a file after this long, leaving it unchanged (0: no limit).")
@click.option("--explain", metavar="ID", is_flag=False, flag_value="",
              help="Print the documentation of a pass (without ID: list every pass) and exit.")
@click.version_option(__version__, "--version", prog_name="dockeropt")
def main(paths, write, check, show_diff, unsafe, select, ignore, fmt, statistics, exit_zero, exit_non_zero_on_fix,
         quiet, verbose, context_dir, stdin_filename, color, java_runtime, spring_layers, config_path, explain,
         timeout):
    """Propose exact, explained fixes for Dockerfiles, as a unified diff.

    PATH is a Dockerfile, a folder (searched recursively for Dockerfile, *.Dockerfile, Dockerfile.*,
    Containerfile, *.Containerfile; .gitignore, node_modules/, vendor/ and the config's exclude are
    skipped), a quoted glob, or - for standard input. Without PATH: the current folder.
    """
    from .discover import NoMatch, expand
    from .selection import unknown

    if explain is not None:
        sys.exit(_explain(explain))
    if write and check:
        raise click.UsageError("--write and --check cannot be used together")
    if statistics and fmt not in ("text", "json"):
        raise click.UsageError(f"--statistics prints text or json, not {fmt}")
    selected, ignored = _split(select), _split(ignore)
    if unknown(selected | ignored):
        raise click.UsageError(f"unknown pass: {', '.join(unknown(selected | ignored))} (see dockeropt rules)")
    flags = dict(select=selected, ignore=ignored, unsafe=unsafe, java_runtime=java_runtime,
                 spring_layers=bool(spring_layers), time_limit=timeout or None)
    from .config_file import ProjectConfig
    from .pipeline import selected_passes

    if not selected_passes(ProjectConfig().config(**flags)):
        raise click.UsageError("no pass selected")
    try:
        files = expand(paths or (".",))
    except NoMatch as error:
        click.echo(f"dockeropt: {error}", err=True)
        sys.exit(2)
    if not files:
        click.echo(f"dockeropt: no Dockerfile found under {', '.join(paths or ('.',))}", err=True)
        sys.exit(0)
    from .session import Request, run_file

    request = Request(flags, config_path, context_dir, stdin_filename, write)
    reports = [run_file(path, request) for path in files]
    out_colour, err_colour = _colour(color, sys.stdout), _colour(color, sys.stderr)
    _emit(reports, fmt=fmt, write=write, show_diff=show_diff or not (write or check), statistics=statistics,
          quiet=quiet, verbose=verbose, colours=(out_colour, err_colour))
    sys.exit(_status(reports, write=write, exit_zero=exit_zero, on_fix=exit_non_zero_on_fix))


def _colour(flag: bool | None, stream) -> bool:
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
        _out(rules_list(PASSES))
        return 0
    chosen = [p for p in PASSES if p.id in pass_ids(key)]
    if not chosen:
        click.echo(f"dockeropt: unknown pass {key!r}; `dockeropt rules` lists them", err=True)
        return 2
    _out("\n".join(explain(p) for p in chosen))
    return 0


def _emit(reports, *, fmt: str, write: bool, show_diff: bool, statistics: bool, quiet: bool, verbose: bool,
          colours: tuple[bool, bool]) -> None:
    """Print the reports in the chosen format."""
    from .diff import colorize
    from .report import text

    if statistics and fmt in ("text", "json"):
        import json

        rows = text.statistics(reports)
        _out(json.dumps(rows, indent=2) + "\n" if fmt == "json" else "".join(f"{line}\n" for line in text.statistics_lines(reports)))
        for report in reports:
            if report.error:
                click.echo(text.paint(report.error, "error", colours[1]), err=True, color=colours[1])
        return
    if fmt != "text":
        _out(_render(fmt, reports, write))
        return
    for report in reports:
        if report.stdin and write and report.result:
            _out(report.result.text)
        elif show_diff and report.full_diff:
            _out(colorize(report.full_diff) if colours[0] else report.full_diff)
        lines = [report.error] if quiet and report.error else [] if quiet else \
            text.finding_lines(report, written=write, verbose=verbose, colour=colours[1])
        for line in lines:
            click.echo(line, err=True, color=colours[1])
    if not quiet:
        click.echo(text.summary(reports, written=write), err=True)


def _render(fmt: str, reports, write: bool) -> str:
    """The machine-readable formats."""
    if fmt == "json":
        from .report.json_report import to_json

        return to_json(reports, written=write)
    if fmt == "sarif":
        from .report.sarif import to_sarif

        return to_sarif(reports)
    from .report.ci import to_github, to_gitlab

    return {"github": to_github, "gitlab": to_gitlab}[fmt](reports)


def _status(reports, *, write: bool, exit_zero: bool, on_fix: bool) -> int:
    """2 on any error; 1 when fixes are available (or, with --exit-non-zero-on-fix, were written); else 0."""
    if any(r.error for r in reports):
        return 2
    if exit_zero:
        return 0
    if not write and any(r.changed for r in reports):
        return 1
    written = any(r.written or (r.stdin and r.changed) or any(f.written for f in r.files) for r in reports)
    return 1 if on_fix and written else 0
