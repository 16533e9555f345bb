"""The ``dockeropt verify`` command: arguments in, evidence out, exit status 0 / 1 / 2."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import JAVA_RUNTIMES
from .builders import BUILDERS

ORIGINAL_BROKEN = 3  # exit status when the original Dockerfile does not build


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("dockerfile", type=click.Path(dir_okay=False))
@click.option("--builder", type=click.Choice(("auto", *BUILDERS)), default="auto", show_default=True,
              help="Image builder: docker, docker buildx, podman or buildah (auto: the first usable).")
@click.option("--buildx-builder", metavar="NAME", default=None,
              help="docker buildx --builder NAME, e.g. a remote BuildKit (implies --builder buildx).")
@click.option("--unsafe", is_flag=True, help="Also apply (and verify) fixes that may change behaviour.")
@click.option("--select", multiple=True, metavar="IDS", help="Only these passes (ids or names, comma-separated).")
@click.option("--ignore", multiple=True, metavar="IDS", help="Skip these passes (ids or names, comma-separated).")
@click.option("--java-runtime", type=click.Choice(JAVA_RUNTIMES), default=None,
              help="Runtime image for java-multi-stage.")
@click.option("--smoke", metavar="CMD", default=None, help="Run CMD in both images and compare status and output.")
@click.option("--runs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Build and rebuild each image N times; times are medians, shown with min-max.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--context", "context_dir", type=click.Path(file_okay=False), default=None,
              help="Build context directory (default: the Dockerfile's folder).")
@click.option("--target", metavar="STAGE", default=None,
              help="Build this stage of both Dockerfiles (and the stages it needs); the rewrite must change them.")
def main(dockerfile, builder, buildx_builder, unsafe, select, ignore, java_runtime, smoke, runs, fmt, context_dir,
         target):
    """Rewrite DOCKERFILE in a copy of its build context and prove the rewrite with real builds:
    both images built, sizes, layers, clean and rebuild-after-edit times, the same runtime config and
    the same files (but for the differences the applied passes declare).

    Exit status: 0 verified (or nothing to change), 1 verification failed, 2 usage/input error or an
    environment problem (no builder, a base image that cannot be pulled or found), 3 the original
    Dockerfile does not build.
    """
    from ..cli import _split
    from ..selection import unknown as unknown_passes
    from ..config_file import project_config
    from ..fileio import InputError
    from .builders import BaseImageMissing, NoBuilder
    from .run import VerifyInputError, verify_dockerfile

    path = Path(dockerfile)
    try:
        project = project_config(path.resolve().parent)
    except InputError as error:
        _fail(str(error))
    config = project.config(select=_split(select), ignore=_split(ignore), unsafe=unsafe, java_runtime=java_runtime)
    unknown = unknown_passes((config.select or frozenset()) | config.ignore)
    if unknown:
        raise click.UsageError(f"unknown pass: {', '.join(sorted(unknown))} (see dockeropt --explain ID)")
    try:
        report = verify_dockerfile(path, Path(context_dir) if context_dir else None, config, builder, smoke,
                                   buildx_builder=buildx_builder, runs=runs, target=target)
    except (VerifyInputError, NoBuilder, BaseImageMissing) as error:
        _fail(str(error))
    click.echo({"text": report.text, "json": report.to_json, "markdown": report.markdown}[fmt](), nl=False)
    sys.exit(0 if report.ok else ORIGINAL_BROKEN if report.original_broken else 1)


def _fail(message: str) -> None:
    click.echo(f"dockeropt verify: {message}", err=True)
    sys.exit(2)
