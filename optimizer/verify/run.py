"""Verify one rewrite: build the original and the rewritten Dockerfile, edit a source, rebuild, compare.

The context is copied twice (the user's tree is never touched); the edit is a whitespace-only line
appended to one source file both Dockerfiles copy; the rebuilds use the layer cache.
"""

from __future__ import annotations

import re
import shlex
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from statistics import median
from pathlib import Path

from ..config import Config
from ..context import BuildContext
from ..facts.context_use import ContextUse
from ..fileio import encode
from ..model import Dockerfile, parse
from ..passes.base import Pass
from ..pipeline import Result
from ..record import replace
from ..session import Request, optimize_path
from .builders import BaseImageMissing, Builder, BuilderFailed, Step, detect, missing_base_image
from .compare import ConfigDiff, compare
from .declared import DOCKERFILE, Evidence, carried, declared_paths, generated_files, rewritten_dockerfile
from .fscompare import FilesystemDiff, compare_files
from .globs import Matcher
from .report import ImageReport, VerifyReport
from .target import TargetError, check_target

#: Files whose edit would not show the everyday "I changed my code" rebuild (they invalidate dependency
#: steps on purpose); chosen only when nothing else is copied. Dockerfiles and ignore files also count.
MANIFESTS = frozenset({"pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "package.json",
                       "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "requirements.txt", "pyproject.toml",
                       "poetry.lock", "go.mod", "go.sum", "gemfile", "gemfile.lock", "cargo.toml", "cargo.lock"})


class VerifyInputError(Exception):
    """The Dockerfile or context cannot be verified (unreadable, invalid); ``str()`` is the message."""


def verify_dockerfile(dockerfile: Path, context: Path | None = None, config: Config | None = None,
                      builder: str = "auto", smoke: str | None = None, *, buildx_builder: str | None = None,
                      passes: Sequence[Pass] | None = None, runs: int = 1, rebuild: bool = True,
                      target: str | None = None) -> VerifyReport:
    """Rewrite ``dockerfile`` (in a copy of its context) and prove the rewrite with real builds.

    ``builder``: auto, docker, buildx, podman or buildah; ``buildx_builder`` is passed to
    ``docker buildx --builder``; ``smoke`` a command run in both images; ``passes`` overrides the
    passes ``config`` selects; ``runs`` repeats the clean build and the rebuild after an edit (times
    are medians); ``rebuild=False`` skips the edit and the rebuilds and builds both images at once (the
    comparison only); ``target`` builds that stage of both (``--target``), which the rewrite must change. Raises VerifyInputError for bad input, builders.NoBuilder when no builder is usable
    and BaseImageMissing when a base image cannot be pulled or found (only when there is something to build).
    """
    if runs < 1:
        raise VerifyInputError(f"--runs must be at least 1, not {runs}")
    shown = str(dockerfile)
    dockerfile = Path(dockerfile).resolve()
    root = Path(context).resolve() if context is not None else dockerfile.parent
    if dockerfile.exists() and not root.is_dir():
        raise VerifyInputError(f"{context}: the build context is not a directory")
    report = optimize_path(shown, Request(context_dir=str(root), config=config or Config(), passes=passes))
    result = report.result
    if result is None:
        raise VerifyInputError(report.error)
    names = tuple(dict.fromkeys(f"{r.pass_.id} {r.pass_.name}" for r in result.applied))
    if not result.changed and not result.extra_files:
        return VerifyReport(shown, nothing_to_change=True,
                            notes=("dockeropt has nothing to change here: no build needed",))
    if target is not None:
        try:
            check_target(parse(result.original), parse(result.text), target,
                         [r.finding.line for r in result.applied], context_changed=bool(result.extra_files))
        except TargetError as error:
            raise VerifyInputError(f"{shown}: {error}") from None
    chosen = detect(builder, buildx_builder)
    with tempfile.TemporaryDirectory(prefix="dockeropt-verify-", ignore_cleanup_errors=True) as tmp:
        return _verify(Path(tmp), dockerfile, root, result, chosen, smoke, names, shown, runs, rebuild, target)


def _verify(work: Path, dockerfile: Path, root: Path, result: Result, builder: Builder, smoke: str | None,
            names: tuple[str, ...], shown: str, runs: int, rebuild: bool, target: str | None) -> VerifyReport:
    variants = {}
    for label, text, extra in (("original", result.original, ()), ("rewritten", result.text, result.extra_files)):
        ctx = work / label / "context"
        shutil.copytree(root, ctx, symlinks=True)
        inside = dockerfile.is_relative_to(root)
        df = ctx / dockerfile.relative_to(root) if inside else work / label / dockerfile.name
        df.write_bytes(encode(text))
        for new in extra:
            (ctx / new.path).write_bytes(encode(new.text))
        variants[label] = (df, ctx)
    docs = tuple(parse(t) for t in (result.original, result.text))
    contexts = tuple(BuildContext.from_directory(ctx, dockerfile=df) for df, ctx in variants.values())
    edited = edited_file(docs[0], docs[1], contexts[0], contexts[1]) if rebuild else None
    copied = copied_files(docs[0], contexts[0]) ^ copied_files(docs[1], contexts[1])
    token = uuid.uuid4().hex[:10]
    command = shlex.split(smoke) if smoke else None
    jobs = {label: partial(_measure, builder, work / label / "storage", df, ctx, f"dockeropt-verify-{token}-{label}",
                           edited, command, label, runs, target) for label, (df, ctx) in variants.items()}
    if rebuild:
        images = {label: job() for label, job in jobs.items()}
    else:  # the comparison only: no rebuild times to protect, so both images build at once
        with ThreadPoolExecutor(len(jobs)) as pool:
            futures = {label: pool.submit(job) for label, job in jobs.items()}
            images = {label: future.result() for label, future in futures.items()}
    evidence = None
    if images["original"].files and images["rewritten"].files:
        inside = dockerfile.is_relative_to(root) and result.changed
        evidence = Evidence(images["original"].files, images["rewritten"].files,
                            frozenset(copied | {new.path for new in result.extra_files}),
                            dockerfile.relative_to(root).as_posix() if inside else None, carried(docs[1], target))
    return _judge(shown, result, builder, names, edited, images["original"], images["rewritten"], smoke, evidence,
                  rebuild)


def _edit_line() -> str:
    """A line of spaces and tabs that no earlier edit appended (the binary digits of the clock)."""
    return bin(time.time_ns())[2:].translate(str.maketrans("01", " \t")) + "\n"


def _measure(builder: Builder, storage: Path, dockerfile: Path, context: Path, tag: str, edited: str | None,
             smoke: list[str] | None, label: str, runs: int, target: str | None = None) -> ImageReport:
    """``runs`` times: a clean build, then (when a file can be edited) an edit and a rebuild with the cache;
    the first clean build is inspected, its files read and the smoke command run in it."""
    own = builder.isolated(storage)
    try:
        clean = own.build(dockerfile, context, tag, no_cache=True, target=target)
        if not clean.ok:
            missing = missing_base_image(clean.log)
            if missing:
                raise BaseImageMissing(f"{label} Dockerfile: the base image {missing} cannot be pulled or found "
                                       f"by {builder.label}; make it available (pull or build it), then verify again")
            return ImageReport(label, False, clean.error_tail, clean_s=clean.seconds)
        try:
            image = own.inspect(tag)
        except RuntimeError as error:  # the image built: the builder, not the Dockerfile, is at fault
            raise BuilderFailed(f"the {label} Dockerfile built, but {builder.label} could not inspect the image: "
                                f"{error}; this is a problem of the builder's environment, not of the Dockerfile: "
                                "fix it, then verify again") from None
        try:
            files, files_error = own.snapshot(tag), ""
        except RuntimeError as error:
            files, files_error = None, str(error)
        smoked = own.run(tag, smoke) if smoke else None
        steps: tuple[Step, ...] = ()
        cleans, rebuilds, rebuild_error = [clean.seconds], [], ""
        for run in range(runs):
            if run:
                again = own.build(dockerfile, context, tag, no_cache=True, target=target)
                if not again.ok:
                    break
                cleans.append(again.seconds)
            if edited is None or rebuild_error:
                continue
            with open(context / edited, "ab") as handle:
                handle.write(_edit_line().encode())
            rebuild = own.build(dockerfile, context, tag, no_cache=False, target=target)
            steps = rebuild.steps
            if rebuild.ok:
                rebuilds.append(rebuild.seconds)
            else:
                rebuild_error = rebuild.error_tail
        return ImageReport(label, True, size=image.size, layers=image.layers, clean_s=median(cleans),
                           rebuild_s=median(rebuilds) if rebuilds and not rebuild_error else None,
                           rebuild_error=rebuild_error, steps=steps, smoke=smoked, config=image.config,
                           clean_runs=tuple(cleans), rebuild_runs=tuple(rebuilds), files=files,
                           files_error=files_error)
    finally:
        if own is builder:
            own.remove(tag)
        else:
            own.discard(storage)


def _judge(path: str, result: Result, builder: Builder, names: tuple[str, ...], edited: str | None,
           original: ImageReport, rewritten: ImageReport, smoke: str | None,
           evidence: Evidence | None, rebuild: bool = True) -> VerifyReport:
    """The verdict: what failed, and the runtime-config and file differences with the passes that declare them."""
    failures: list[str] = []
    notes: list[str] = []
    diffs: tuple[ConfigDiff, ...] = ()
    files: FilesystemDiff | None = None
    blame = f" (passes that changed it: {', '.join(names)})" if names else ""
    if not original.builds:
        return VerifyReport(path, names, builder.label, edited_file=edited, original=original, rewritten=rewritten,
                            smoke_command=smoke, original_broken=True,
                            notes=(f"the original Dockerfile does not build with {builder.label}: nothing to compare; "
                                   "make it build first",))
    if not rewritten.builds:
        failures.append(f"the rewritten Dockerfile does not build{blame}")
    else:
        declarations: dict[str, list[str]] = {}
        for reported in result.applied:
            fix = reported.finding.fix
            for name in (fix.declares if fix else frozenset()) | reported.pass_.declares:
                declarations.setdefault(name, []).append(reported.pass_.id)
        diffs = compare(original.config, rewritten.config, {k: tuple(dict.fromkeys(v)) for k, v in declarations.items()})
        failures += [f"undeclared runtime config change {d.describe()}{blame}" for d in diffs if not d.declared]
        if evidence is None:
            notes.append("image files not compared: " + (original.files_error or rewritten.files_error))
        else:
            files = compare_files(evidence.original, evidence.rewritten, image_declarations(result, evidence))
            scoped = {pass_id for pass_id, found in declared_items(result).items() if "packages-not-installed" in found}
            files = replace(files, generated=generated_files(
                (d.path for d in files.diffs if scoped & set(d.declared_by)), evidence))
            if files.undeclared:
                failures.append(f"{len(files.undeclared)} undeclared file difference(s), first: "
                                f"{files.undeclared[0].describe()}{blame}")
        if original.rebuild_error == "" and rewritten.rebuild_error:
            failures.append(f"the rewritten Dockerfile does not rebuild after an edit{blame}")
        if smoke and original.smoke != rewritten.smoke:
            relocated = _relocated_smoke(result, original.smoke, rewritten.smoke)
            if relocated:
                notes.append(f"smoke command {smoke!r}: the same status and output once the folders that "
                             f"{', '.join(relocated)} declare moved are read as before")
            else:
                failures.append(f"smoke command {smoke!r} behaves differently{blame}")
    if edited is None and rebuild:
        notes.append("no file copied by both Dockerfiles to edit: rebuild times not measured")
    if not rebuild:
        notes.append("both images were built at the same time (no rebuild measured): build times are not comparable")
    return VerifyReport(path, names, builder.label, edited_file=edited, original=original, rewritten=rewritten,
                        config_diffs=diffs, files=files, smoke_command=smoke, failures=tuple(failures),
                        notes=tuple(notes), smoke_relocated=tuple(
                            _relocated_smoke(result, original.smoke, rewritten.smoke) if smoke else ()))


def _relocated_smoke(result: Result, before: tuple[int, str] | None, after: tuple[int, str] | None) -> list[str]:
    """The passes (ids) whose declared relocations (``Fix.relocates``) make ``after`` the same as ``before``,
    when it differs only there; else none."""
    if before is None or after is None or before == after:
        return []
    output, by = after[1], []
    for reported in result.applied:
        for old, new in reported.finding.fix.relocates if reported.finding.fix else ():
            pattern = re.escape(new).replace(r"\*", r"([^/\s]*)")
            replaced = re.sub(pattern, lambda m: old.replace("*", m.group(1)) if m.groups() else old, output)
            if replaced != output:
                output = replaced
                by.append(reported.pass_.id)
    return list(dict.fromkeys(by)) if (after[0], output) == before else []


def image_declarations(result: Result, evidence: Evidence) -> dict[str, Matcher]:
    """Per applied pass (by id), the image paths its pass and fixes declare they may change."""
    return {**{pass_id: declared_paths(found, evidence) for pass_id, found in declared_items(result).items()},
            DOCKERFILE: rewritten_dockerfile(evidence)}


def declared_items(result: Result) -> dict[str, list[str]]:
    """Per applied pass (by id), the globs and scopes its pass and fixes declare (``image_changes``)."""
    items: dict[str, list[str]] = {}
    for reported in result.applied:
        fix = reported.finding.fix
        items.setdefault(reported.pass_.id, []).extend((*reported.pass_.image_changes, *(fix.image_changes if fix else ())))
    return items


def edited_file(original: Dockerfile, rewritten: Dockerfile, original_context: BuildContext,
                rewritten_context: BuildContext) -> str | None:
    """The file to edit before the rebuilds: a regular file (no link) both Dockerfiles copy from their
    context; sources first, then files outside hidden folders, then path order."""
    root = original_context.root
    both = {path for path in copied_files(original, original_context) & copied_files(rewritten, rewritten_context)
            if root is None or _plain_file(root, path)}
    return min(both, key=lambda path: (not _is_source(path), path.startswith(".") or "/." in path, path),
               default=None)


def _is_source(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name not in MANIFESTS and "dockerfile" not in name and not name.endswith(".dockerignore")


def _plain_file(root: Path, path: str) -> bool:
    """A regular file inside ``root`` reached without links (appending to a link could write outside)."""
    target = root / path
    return target.is_file() and not any(p.is_symlink() for p in (target, *target.parents) if p != root
                                        and p.is_relative_to(root))


def copied_files(doc: Dockerfile, context: BuildContext) -> set[str]:
    """The context files (after .dockerignore) that the Dockerfile's COPY/ADD sources include."""
    files: set[str] = set()
    for source in ContextUse(doc).sources:
        if source.kind == "broad":
            files.update(context.included)
        else:
            for path in source.paths_in(context):
                files.update(f for f in context.included if f == path or f.startswith(path + "/"))
    return files
