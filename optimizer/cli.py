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


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, metavar="[PATH|-]...")
@click.option("--write", "-w", is_flag=True, help="Write the fixes back to the files.")
@click.option("--check", is_flag=True, help="Report only; exit 1 when fixes are available.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the diff (the default without --write/--check).")
@click.option("--unsafe", is_flag=True, help="Also apply fixes that may change behaviour.")
@click.option("--select", multiple=True, metavar="IDS", help="Only these passes (ids or names, comma-separated).")
@click.option("--ignore", multiple=True, metavar="IDS", help="Skip these passes (ids or names, comma-separated).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="Output format.")
@click.option("--context", "context_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Build context directory (default: each Dockerfile's folder).")
@click.option("--color/--no-color", default=None, help="Colour the diff (default: when stdout is a terminal).")
@click.option("--java-runtime", type=click.Choice(JAVA_RUNTIMES), default=None,
              help="Runtime image for java-multi-stage: eclipse-temurin -jre-alpine (default), -jre, or distroless.")
@click.option("--spring-layers", is_flag=True, default=None,
              help="java-multi-stage: extract Spring Boot layers in the runtime stage (Boot >= 3.3).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Config file (default: .dockeropt.toml or pyproject.toml [tool.dockeropt], searched upwards).")
@click.option("--timeout", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="Give up on a file after this long, leaving it unchanged (0: no limit).")
@click.option("--explain", metavar="ID", help="Print the documentation of a pass and exit.")
@click.version_option(__version__, "--version", prog_name="dockeropt")
def main(paths, write, check, show_diff, unsafe, select, ignore, fmt, context_dir, color, java_runtime,
         spring_layers, config_path, explain, timeout):
    """Propose exact, explained fixes for Dockerfiles, as a unified diff.

    Exit status: 0 nothing to change (or all written), 1 changes available, 2 error.
    """
    from .pipeline import selected_passes

    if explain:
        sys.exit(_explain(explain))
    if not paths:
        raise click.UsageError("give at least one Dockerfile path, or - for standard input")
    if write and check:
        raise click.UsageError("--write and --check cannot be used together")
    project = _project_config(config_path, paths)
    config = project.config(select=_split(select), ignore=_split(ignore), unsafe=unsafe, java_runtime=java_runtime,
                            spring_layers=bool(spring_layers), time_limit=timeout or None)
    unknown = _unknown_passes(config)
    if unknown:
        raise click.UsageError(f"unknown pass: {', '.join(sorted(unknown))} (see --explain ID)")
    if not selected_passes(config):
        raise click.UsageError("no pass selected")
    reports = [_run(path, config, write=write, context_dir=context_dir) for path in paths]
    sys.exit(_emit(reports, write=write, check=check, show_diff=show_diff or not (write or check),
                   fmt=fmt, color=sys.stdout.isatty() if color is None else color))


def _project_config(config_path: str | None, paths: tuple[str, ...]):
    """The project's settings: --config, else the file found above the first Dockerfile."""
    from .config_file import load_config, project_config

    first = next((p for p in paths if p != "-"), None)
    try:
        if config_path:
            return load_config(Path(config_path))
        return project_config(Path(first).resolve().parent if first else Path.cwd())
    except InputError as error:
        click.echo(f"dockeropt: {error}", err=True)
        sys.exit(2)


def _unknown_passes(config) -> set[str]:
    from .passes import PASSES

    known = {p.id.upper() for p in PASSES} | {p.name.lower() for p in PASSES}
    asked = (config.select or frozenset()) | config.ignore
    return {k for k in asked if k.upper() not in known and k.lower() not in known}


def _explain(key: str) -> int:
    from .docs import explain
    from .passes import PASSES

    for pass_ in PASSES:
        if key.upper() == pass_.id or key.lower() == pass_.name:
            _out(explain(pass_))
            return 0
    click.echo(f"dockeropt: unknown pass {key!r}; known: "
               + ", ".join(f"{p.id} {p.name}" for p in PASSES), err=True)
    return 2


def _run(path: str, config, *, write: bool, context_dir: str | None):
    """Optimize one path; every failure becomes the report's error line."""
    from .diff import unified_diff
    from .fileio import read_source, read_stdin, write_atomic
    from .pipeline import TimeLimitExceeded, optimize
    from .report.files import FileReport

    try:
        if path == "-":
            source = read_stdin(sys.stdin.buffer)
        else:
            source = read_source(path)
        context = _context(path, context_dir)
        try:
            result = optimize(source.text, context, config)
        except TimeLimitExceeded:
            raise InputError(path, f"gave up after {config.time_limit:g} s (--timeout); file left unchanged") from None
        if result.problems:
            problem = result.problems[0]
            raise InputError(path, problem.message, problem.line)
        diff = unified_diff(result.original, result.text, _diff_path(path))
        written = False
        if write and result.changed and path != "-":
            write_atomic(source, result.text)
            written = True
    except InputError as error:
        return FileReport(path, error=str(error))
    from dataclasses import replace

    if path != "-" and context_dir is not None and not _inside(Path(path), Path(context_dir)):
        result = replace(result, warnings=(f"the Dockerfile is outside the build context {context_dir} (as with "
                                           "docker build -f); only files under the context are read", *result.warnings))
    if write and path == "-" and result.extra_files:
        names = ", ".join(new.path for new in result.extra_files)
        result = replace(result, warnings=(*result.warnings, f"{names} not written: standard input has no folder; "
                                           "run dockeropt on the Dockerfile's path to write it"))
    extra, error = _extra_files(path, context, result, write=write and path != "-")
    return FileReport(path, result, diff, written=written, files=extra, error=error)


def _extra_files(path: str, context, result, *, write: bool):
    """The files beside the Dockerfile that the fixes create or extend: their diffs, and (with
    --write) the files written, after the Dockerfile. Returns (files, error line or "")."""
    from dataclasses import replace

    from .diff import new_file_diff, unified_diff
    from .fileio import create_atomic, extend_atomic
    from .report.files import ExtraFile

    extra = []
    for new in result.extra_files:
        target = context.root / new.path
        label = _extra_path(path, target)
        if new.new:
            diff = new_file_diff(new.text, label)
        else:
            diff = unified_diff(new.original, new.text, label)
        extra.append(ExtraFile(label, diff, new.new))
    if not write:
        return tuple(extra), ""
    for i, new in enumerate(result.extra_files):
        target = str(context.root / new.path)
        try:
            if new.new:
                create_atomic(target, new.text)
            else:
                extend_atomic(target, new.original, new.text)
        except InputError as error:
            return tuple(extra), str(error)
        extra[i] = replace(extra[i], written=True)
    return tuple(extra), ""


def _context(path: str, context_dir: str | None):
    """The build context: --context, else the Dockerfile's folder (none for standard input)."""
    from .context import BuildContext

    if path == "-":
        return BuildContext.from_directory(Path(context_dir)) if context_dir is not None else BuildContext.unknown()
    root = Path(context_dir) if context_dir is not None else Path(path).resolve().parent
    return BuildContext.from_directory(root, dockerfile=Path(path))


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def _diff_path(path: str) -> str:
    if path == "-":
        return "Dockerfile"
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.name


def _extra_path(path: str, target: Path) -> str:
    """How a file beside the Dockerfile is named in diffs: like the Dockerfile's own name, relative
    to the working directory (or to the Dockerfile's folder when the Dockerfile was given absolute)."""
    base = Path(path).parent if path != "-" and Path(path).is_absolute() else Path.cwd()
    return Path(os.path.relpath(os.path.realpath(target), os.path.realpath(base))).as_posix()


def _emit(reports, *, write: bool, check: bool, show_diff: bool, fmt: str, color: bool) -> int:
    """Print the reports and return the exit status."""
    from .diff import colorize
    from .report.json_report import to_json
    from .report.text import finding_lines, summary

    if fmt == "json":
        _out(to_json(reports, written=write))
    elif fmt == "sarif":
        from .report.sarif import to_sarif

        _out(to_sarif(reports))
    else:
        for report in reports:
            if report.path == "-" and write and report.result:
                _out(report.result.text)
            elif show_diff and report.full_diff:
                _out(colorize(report.full_diff) if color else report.full_diff)
            for line in finding_lines(report, written=write):
                click.echo(line, err=True)
        click.echo(summary(reports, written=write), err=True)
    if any(r.error for r in reports):
        return 2
    if not write and any(r.changed for r in reports):
        return 1
    return 0
