"""The ``dockeropt verify`` command: arguments in, evidence out, exit status 0 / 1 / 2."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..command import USAGE_ERROR, at_least, not_file, not_folder, out, parser, say, split
from ..options import add_flags, from_flags
from .builders import BUILDERS

ORIGINAL_BROKEN = 3  # exit status when the original Dockerfile does not build
DESCRIPTION = """\
Rewrite DOCKERFILE in a copy of its build context and prove the rewrite with real builds:
both images built, sizes, layers, clean and rebuild-after-edit times, the same runtime config and
the same files (but for the differences the applied passes declare).

Exit status: 0 verified (or nothing to change), 1 verification failed, 2 usage/input error or an
environment problem (no builder, a base image that cannot be pulled or found, a builder that fails
after a build, e.g. cannot inspect the image it built), 3 the original
Dockerfile does not build."""


def arguments(prog: str = "dockeropt verify") -> argparse.ArgumentParser:
    """The verify command's arguments."""
    p = parser(prog, "[OPTIONS] DOCKERFILE", DESCRIPTION)
    p.add_argument("dockerfile", type=not_folder, metavar="DOCKERFILE")
    p.add_argument("--builder", choices=("auto", *BUILDERS), default="auto", metavar="BUILDER",
                   help="Image builder: docker, docker buildx, podman or buildah (auto: the first usable). "
                        "Default: auto.")
    p.add_argument("--buildx-builder", metavar="NAME",
                   help="docker buildx --builder NAME, e.g. a remote BuildKit (implies --builder buildx).")
    p.add_argument("--unsafe", action="store_true", help="Also apply (and verify) fixes that may change behaviour.")
    p.add_argument("--select", action="append", default=[], metavar="IDS",
                   help="Only these passes (ids or names, comma-separated).")
    p.add_argument("--ignore", action="append", default=[], metavar="IDS",
                   help="Skip these passes (ids or names, comma-separated).")
    p.add_argument("--smoke", metavar="CMD", help="Run CMD in both images and compare status and output.")
    p.add_argument("--runs", type=at_least(1, int), default=1, metavar="N",
                   help="Build and rebuild each image N times; times are medians, shown with min-max. Default: 1.")
    p.add_argument("--format", dest="fmt", choices=("text", "json", "markdown"), default="text", metavar="FORMAT",
                   help="text, json or markdown. Default: text.")
    p.add_argument("--context", dest="context_dir", type=not_file, metavar="DIR",
                   help="Build context directory (default: the Dockerfile's folder).")
    p.add_argument("--target", metavar="STAGE",
                   help="Build this stage of both Dockerfiles (and the stages it needs); the rewrite must change them.")
    add_flags(p)
    return p


def main(argv: list[str] | None = None, prog: str = "dockeropt verify") -> int:
    """Verify one Dockerfile's rewrite; returns the exit status."""
    from ..config_file import project_config
    from ..fileio import InputError
    from ..selection import unknown as unknown_passes
    from .builders import BuilderError
    from .run import VerifyInputError, verify_dockerfile

    p = arguments(prog)
    a = p.parse_intermixed_args(argv)
    path = Path(a.dockerfile)
    try:
        project = project_config(path.resolve().parent)
    except InputError as error:
        return _fail(str(error))
    config = project.config(select=split(a.select), ignore=split(a.ignore), unsafe=a.unsafe, options=from_flags(a))
    unknown = unknown_passes((config.select or frozenset()) | config.ignore)
    if unknown:
        p.error(f"unknown pass: {', '.join(sorted(unknown))} (see dockeropt --explain ID)")
    try:
        report = verify_dockerfile(path, Path(a.context_dir) if a.context_dir else None, config, a.builder, a.smoke,
                                   buildx_builder=a.buildx_builder, runs=a.runs, target=a.target)
    except (VerifyInputError, BuilderError) as error:
        return _fail(str(error))
    out({"text": report.text, "json": report.to_json, "markdown": report.markdown}[a.fmt]())
    return 0 if report.ok else ORIGINAL_BROKEN if report.original_broken else 1


def _fail(message: str) -> int:
    say(f"dockeropt verify: {message}", err=True)
    return USAGE_ERROR
