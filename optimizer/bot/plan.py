"""What the bot would change in a folder: each Dockerfile optimized with its project's config."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..config_file import project_config
from ..diff import new_file_diff, unified_diff
from ..fileio import InputError, create_atomic, extend_atomic, read_source, write_atomic
from ..pipeline import Result, optimize
from ..discover import find_dockerfiles


@dataclass(frozen=True)
class FileOutcome:
    """One Dockerfile: its result, the diff of everything that changes (it and files beside it)."""

    path: str  # '/'-separated, relative to the repository root
    result: Result
    diff: str
    extra_files: tuple[str, ...] = ()  # files beside it that change, relative to the repository root
    config: Config = Config()
    verify: object = None  # a VerifyReport when run with --verify

    @property
    def changed(self) -> bool:
        return bool(self.diff)


@dataclass(frozen=True)
class Plan:
    """Every Dockerfile of a repository, what changes, and the files that could not be read."""

    files: tuple[FileOutcome, ...]
    errors: tuple[str, ...] = ()

    @property
    def changed(self) -> tuple[FileOutcome, ...]:
        return tuple(f for f in self.files if f.changed)

    @property
    def diff(self) -> str:
        return "".join(f.diff for f in self.changed)


def make_plan(root: Path, *, unsafe: bool = False) -> Plan:
    """Optimize every Dockerfile under ``root`` (nothing is written)."""
    from ..context import BuildContext

    files, errors = [], []
    for dockerfile in find_dockerfiles(root):
        relative = dockerfile.relative_to(root).as_posix()
        try:
            config = project_config(dockerfile.parent).config(unsafe=unsafe)
            source = read_source(str(dockerfile))
        except InputError as error:
            errors.append(str(error))
            continue
        context = BuildContext.from_directory(dockerfile.parent, dockerfile=dockerfile)
        result = optimize(source.text, context, config)
        if result.problems:
            errors.append(f"{relative}:{result.problems[0].line}: {result.problems[0].message}")
            continue
        diff = unified_diff(result.original, result.text, relative) if result.changed else ""
        extra = []
        for new in result.extra_files:
            label = (dockerfile.parent / new.path).relative_to(root).as_posix()
            diff += new_file_diff(new.text, label) if new.new else unified_diff(new.original, new.text, label)
            extra.append(label)
        files.append(FileOutcome(relative, result, diff, tuple(extra), config))
    return Plan(tuple(files), tuple(errors))


def apply_plan(plan: Plan, root: Path) -> None:
    """Write the plan's changes into ``root`` (a worktree or a scratch copy, never the user's checkout)."""
    for outcome in plan.changed:
        dockerfile = root / outcome.path
        if outcome.result.changed:
            write_atomic(read_source(str(dockerfile)), outcome.result.text)
        for new in outcome.result.extra_files:
            target = str(dockerfile.parent / new.path)
            if new.new:
                create_atomic(target, new.text)
            else:
                extend_atomic(target, new.original, new.text)
