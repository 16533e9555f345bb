"""One Dockerfile's session, the same for the CLI, the bot and verify: read it, optimize it with its
project's settings, explain what could not run, show the diffs (``optimize_path``), then write the
Dockerfile and the files beside it, in that order (``write_outcome``)."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .context import BuildContext
from .fileio import InputError
from .record import field, record, replace
from .report.files import ExtraFile, FileReport

if TYPE_CHECKING:
    from .config_file import Flags
    from .passes.base import NewFile, Pass
    from .pipeline import Result


@record
class Request:
    """What the user asked for, the same for every file of a run."""

    flags: Flags = field(default_factory=lambda: _no_flags())  # ProjectConfig.config() arguments from the command line
    config_path: str | None = None  # --config: one file for every Dockerfile
    context_dir: str | None = None  # --context
    stdin_filename: str | None = None  # --stdin-filename: the name and folder of ``-``
    write: bool = False
    config: Config | None = None  # the settings as they are (verify): no flags, no config file
    passes: Sequence[Pass] | None = None  # instead of the passes the config selects (verify)
    root: Path | None = None  # name files relative to this folder (the bot: the repository's root)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with fewer cyclic-GC collections: the objects alive at the start (modules, data
    tables) are frozen out of them and a young collection waits for 100,000 allocations (700 by
    default). On a file of 20,000 apt RUNs the collector took ~20% of the CPU time; this leaves ~3%.
    Only when unreachable cycles are freed changes: nothing in the package has a finalizer (no
    ``__del__``, no weakref callback) and reference counting still frees all other garbage at once.
    The settings are restored afterwards (a front end calls it once, around its files); objects a caller
    froze itself stay frozen (then nothing more is frozen: ``gc.unfreeze`` would thaw them too)."""
    threshold = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()


def label(path: str, request: Request) -> str:
    """Where a path is, as the user named it: ``-`` takes the ``--stdin-filename``, if any."""
    return request.stdin_filename if path == "-" and request.stdin_filename else path


def run_file(path: str, request: Request) -> FileReport:
    """Optimize one path and, with --write, write the results; every failure becomes the report's error line."""
    report = optimize_path(path, request)
    return write_outcome(report) if request.write else report


def optimize_path(path: str, request: Request) -> FileReport:
    """Read and optimize one path (``-``: standard input), and show what changes; nothing is written."""
    from .diff import unified_diff
    from .fileio import read_source, read_stdin
    from .pipeline import TimeLimitExceeded, optimize

    where = label(path, request)
    name = where if request.root is None else _relative(where, request.root)
    try:
        source = read_stdin(sys.stdin.buffer) if path == "-" else read_source(path)
        config = request.config or file_config(where, request)
        context = _context(path, request)
        try:
            result = optimize(source.text, context, config,
                              passes=tuple(request.passes) if request.passes is not None else None)
        except TimeLimitExceeded:
            raise InputError(name, f"gave up after {config.time_limit:g} s (--timeout); file left unchanged") from None
        if result.problems:
            problem = result.problems[0]
            raise InputError(name, problem.message, problem.line)
    except InputError as error:
        return FileReport(name, error=str(error), stdin=path == "-")
    diff = unified_diff(result.original, result.text, _diff_path(name))
    result = replace(result, warnings=(*_notes(path, source.text, context, config, result, request), *result.warnings))
    if request.write and path == "-" and result.extra_files:
        names = ", ".join(new.path for new in result.extra_files)
        result = replace(result, warnings=(*result.warnings, f"{names} not written: standard input has no folder; "
                                           "run dockeropt on the Dockerfile's path to write it"))
    files = tuple(_extra_file(where, _beside(context, new.path), new, request.root) for new in result.extra_files)
    return FileReport(name, result, diff, files=files, stdin=path == "-", source=source, config=config)


def write_outcome(report: FileReport) -> FileReport:
    """Write what the report changes: the Dockerfile, then the files beside it (atomically, each refused
    when it changed on disk meanwhile). Returns the report saying what was written, or the error that
    stopped it (a Dockerfile that could not be written leaves only the error)."""
    from .fileio import create_atomic, extend_atomic, write_atomic

    if report.error or report.stdin or report.result is None or report.source is None:
        return report
    written = report.result.changed
    if written:
        try:
            write_atomic(report.source, report.result.text)
        except InputError as error:
            return FileReport(report.path, error=str(error))
    files = list(report.files)
    for i, (shown, new) in enumerate(zip(report.files, report.result.extra_files)):
        try:
            if new.original is None:
                create_atomic(shown.target, new.text)
            else:
                extend_atomic(shown.target, new.original, new.text)
        except InputError as error:
            return replace(report, written=written, files=tuple(files), error=str(error))
        files[i] = replace(shown, written=True)
    return replace(report, written=written, files=tuple(files))


def file_config(name: str, request: Request) -> Config:
    """The settings for one Dockerfile: the flags over ``--config`` or the file found above it."""
    from .config_file import load_config, project_config

    if request.config_path:
        project = load_config(Path(request.config_path))
    else:
        project = project_config(Path(name).resolve().parent if name != "-" else Path.cwd())
    config = project.config(**request.flags)
    from .selection import unknown

    names = unknown(frozenset(project.select or ())) + unknown(frozenset(project.ignore))
    if names and project.path is not None:
        raise InputError(str(project.path), f"unknown pass: {', '.join(names)} (see dockeropt rules)")
    return config


def _notes(path: str, text: str, context: BuildContext, config: Config, result: Result,
           request: Request) -> list[str]:
    """What the user should know about passes that could not see what they needed."""
    notes = []
    if path == "-" and not context.known:
        readers = _context_readers(text, config)
        if readers:
            notes.append(f"no build context for standard input (give --stdin-filename PATH or --context DIR): "
                         f"{', '.join(readers)} could not look at the files")
    if path != "-" and request.context_dir is not None and not _inside(Path(path), Path(request.context_dir)):
        notes.append(f"the Dockerfile is outside the build context {request.context_dir} (as with docker build -f); "
                     "only files under the context are read")
    if config.select is not None and not result.findings:
        notes += _blocked_by_selection(text, context, config)
    return notes


def _context_readers(text: str, config: Config) -> list[str]:
    """The selected passes that ask the build context anything (``id name``)."""
    from .model import parse
    from .pipeline import selected_passes

    doc = parse(text)
    readers = []
    for pass_ in selected_passes(config):
        watched = _Watched()
        try:
            list(pass_.check(doc, watched, config))
        except Exception:  # a pass's own failure is reported by the real run
            pass
        if watched.asked:
            readers.append(f"{pass_.id} {pass_.name}")
    return readers


@record(eq=False)
class _Watched(BuildContext):
    """No build context, noting whether a pass asked it anything."""

    asked: list[str] = field(default_factory=list)

    def __getattribute__(self, name: str) -> object:
        if not name.startswith("_") and name != "asked":
            object.__getattribute__(self, "asked").append(name)
        return super().__getattribute__(name)


def _blocked_by_selection(text: str, context: BuildContext, config: Config) -> list[str]:
    """Selected passes that find something only after a fix of a pass that is not selected."""
    from .pipeline import optimize

    everything = optimize(text, context, replace(config, select=None, time_limit=None))
    blocked: dict[str, set[str]] = {}
    for r in everything.findings:
        if r.after is not None and config.wants(r.pass_.id) and not config.wants(r.after.pass_.id):
            blocked.setdefault(f"{r.pass_.id} {r.pass_.name}", set()).add(f"{r.after.pass_.id} {r.after.pass_.name}")
    return [f"{selected} applies here only after a fix of {', '.join(sorted(needed))}, which is not selected "
            f"(add {', '.join(sorted(n.split()[0] for n in needed))} to --select)"
            for selected, needed in sorted(blocked.items())]


def _no_flags() -> Flags:
    return {}


def _beside(context: BuildContext, path: str) -> Path:
    """Where a file a fix creates or extends lies (fixes write files only into a known folder)."""
    if context.root is None:
        raise ValueError(f"{path}: a file beside a Dockerfile read from no folder")
    return context.root / path


def _extra_file(name: str, target: Path, new: NewFile, root: Path | None) -> ExtraFile:
    """A file beside the Dockerfile that the fixes create or extend, with its diff."""
    from .diff import new_file_diff, unified_diff

    shown = _extra_path(name, target, root)
    diff = new_file_diff(new.text, shown) if new.original is None else unified_diff(new.original, new.text, shown)
    return ExtraFile(shown, diff, new.new, target=str(target))


def _context(path: str, request: Request) -> BuildContext:
    """The build context: --context, else the Dockerfile's folder (for standard input, the
    ``--stdin-filename``'s folder; without one, none)."""
    name = label(path, request)
    if request.context_dir is not None:
        return BuildContext.from_directory(Path(request.context_dir), dockerfile=Path(name) if name != "-" else None)
    if name == "-":
        return BuildContext.unknown()
    return BuildContext.from_directory(Path(name).resolve().parent, dockerfile=Path(name))


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def _diff_path(name: str) -> str:
    if name == "-":
        return "Dockerfile"
    p = Path(name)
    return p.as_posix() if not p.is_absolute() else p.name


def _extra_path(name: str, target: Path, root: Path | None) -> str:
    """How a file beside the Dockerfile is named in diffs: like the Dockerfile's own name, relative to
    ``root`` if any, else to the working directory (or to the Dockerfile's folder when the Dockerfile was
    given absolute)."""
    if root is None:
        root = Path(name).parent if name != "-" and Path(name).is_absolute() else Path.cwd()
    return _relative(str(target), root)


def _relative(path: str, folder: Path) -> str:
    return Path(os.path.relpath(os.path.realpath(path), os.path.realpath(folder))).as_posix()
