"""Drive the image builders (docker, docker buildx, podman, buildah) through their own CLIs.

Finding a usable one, building, inspecting and running images; no builder of our own.

podman and buildah (1.28) follow the first cached chain they find for a step and never backtrack, so
two Dockerfiles with the same first steps in one storage hide each other's cached layers. Each image
therefore gets a private storage (``isolated``) that sees the user's images read-only as an additional
image store: base images resolve without copying, and no other chain competes for the cache.
BuildKit (docker, buildx) keys its cache on content and needs no such care.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from ..record import field, record, replace
from .filesystem import Snapshot, read_tar

#: A JSON object as a builder's ``inspect`` or ``info`` prints it: its shape is the builder's, read
#: with ``.get`` and defaults, so its values stay ``Any``.
JsonObject = dict[str, Any]

BUILDERS = ("docker", "buildx", "podman", "buildah")
AUTO_ORDER = ("docker", "podman", "buildah")  # buildx is chosen automatically only with --buildx-builder
PROGRAMS = {"docker": "docker", "buildx": "docker", "podman": "podman", "buildah": "buildah"}
BUILD_TIMEOUT = 3600  # seconds
RUN_TIMEOUT = 300
ERROR_TAIL_LINES = 25
PROBE_TIMEOUT = 20

_PODMAN_STEP = re.compile(r"(?:\[\d+/\d+\] )?STEP \d+/\d+: (.*)")
_LEGACY_STEP = re.compile(r"Step \d+/\d+ : (.*)")
_BUILDKIT_STEP = re.compile(r"#(\d+) \[([^\]]+)\] (.*)")
_BUILDKIT_CACHED = re.compile(r"#(\d+) CACHED")
_SIZE = re.compile(r"([\d.]+)\s*([kKMGT]?B)")
_UNITS = {"B": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}


#: How each builder says that a FROM image is neither local nor pullable (the image is group 1).
_MISSING_IMAGE = (
    re.compile(r"creating build container: .*?initializing source docker://(\S+?): "),  # podman, buildah
    re.compile(r"(\S+): image not known"),  # podman, buildah with --pull=never
    re.compile(r"failed to resolve source metadata for (\S+?): "),  # BuildKit
    re.compile(r"pull access denied for ([^,\s]+)"),  # docker
    re.compile(r"manifest for (\S+) not found"),  # docker
)


class BuilderError(Exception):
    """The builder cannot do what verify needs: a problem of the environment, not of the Dockerfile (exit 2);
    ``str()`` is the one-line explanation."""


class NoBuilder(BuilderError):
    """No usable builder; ``str()`` says (on one line) what was looked for and why each one was not used."""


class BaseImageMissing(BuilderError):
    """A base image the build needs cannot be pulled or found; ``str()`` is the one-line explanation."""


class BuilderFailed(BuilderError):
    """The builder failed after a successful build (e.g. ``podman image inspect``); ``str()`` quotes its message."""


def missing_base_image(log: str) -> str | None:
    """The base image a failed build could not pull or find, from the builder's log (None: another failure)."""
    for pattern in _MISSING_IMAGE:
        match = pattern.search(log)
        if match:
            return match.group(1)
    return None


@record
class Step:
    """One build step as the builder logged it, and whether the layer cache supplied it."""

    text: str
    cached: bool


@record
class BuildRun:
    """One ``build``: whether it succeeded, how long it took, its log and steps."""

    ok: bool
    seconds: float
    log: str
    steps: tuple[Step, ...] = ()

    @property
    def error_tail(self) -> str:
        return "\n".join(self.log.rstrip().splitlines()[-ERROR_TAIL_LINES:])


@record
class Image:
    """What verify compares of a built image."""

    size: int  # bytes, as the builder reports it
    layers: int
    config: JsonObject  # the image config (Entrypoint, Cmd, Env, ... as the builder's inspect shows them)


@record
class Builder:
    """One builder CLI; ``env`` overrides the environment (a private storage for podman/buildah)."""

    name: str  # one of BUILDERS
    program: str  # the executable's path
    buildx_builder: str | None = None  # docker buildx --builder NAME (e.g. a remote BuildKit)
    env: tuple[tuple[str, str], ...] = ()
    store: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)  # podman/buildah storage info

    @property
    def label(self) -> str:
        return f"docker buildx (--builder {self.buildx_builder})" if self.buildx_builder else \
            {"buildx": "docker buildx"}.get(self.name, self.name)

    @property
    def daemonless(self) -> bool:
        return self.name in ("podman", "buildah")

    def _run(self, argv: list[str], timeout: float,
             extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **dict(self.env), **(extra_env or {})}
        return subprocess.run([self.program, *argv], capture_output=True, text=True, errors="replace",
                              env=env, timeout=timeout)

    def build_argv(self, dockerfile: Path, context: Path, tag: str, *, no_cache: bool,
                   target: str | None = None) -> list[str]:
        flags = (["--no-cache"] if no_cache else []) + (["--target", target] if target else [])
        if self.name == "buildx":
            builder = ["--builder", self.buildx_builder] if self.buildx_builder else []
            return ["buildx", "build", *builder, "--load", "--progress=plain", *flags,
                    "-f", str(dockerfile), "-t", tag, str(context)]
        if self.name == "docker":
            return ["build", *flags, "-f", str(dockerfile), "-t", tag, str(context)]
        command = ["bud"] if self.name == "buildah" else ["build"]
        # docker format keeps HEALTHCHECK (the OCI format drops it), as docker itself would; --force-rm:
        # buildah keeps a failed step's container (and its mount) otherwise
        return [*command, "--layers", "--format", "docker", "--force-rm", *flags, "-f", str(dockerfile), "-t", tag,
                str(context)]

    def build(self, dockerfile: Path, context: Path, tag: str, *, no_cache: bool, target: str | None = None) -> BuildRun:
        start = time.monotonic()
        try:
            proc = self._run(self.build_argv(dockerfile, context, tag, no_cache=no_cache, target=target), BUILD_TIMEOUT,
                             {"BUILDKIT_PROGRESS": "plain"})
        except subprocess.TimeoutExpired as error:
            return BuildRun(False, time.monotonic() - start, f"{error.output or ''}\nbuild timed out after {BUILD_TIMEOUT} s")
        log = proc.stdout + proc.stderr
        return BuildRun(proc.returncode == 0, time.monotonic() - start, log, parse_steps(log))

    def inspect(self, tag: str) -> Image:
        """Size, layers and config of a built image; raises RuntimeError when the builder cannot say."""
        if self.name == "buildah":
            docker = self._json(["inspect", "--type", "image", tag]).get("Docker") or {}
            listed = self._json(["images", "--json", tag])
            return Image(parse_size(listed[0]["size"]) if listed else 0,
                         len((docker.get("rootfs") or {}).get("diff_ids") or []), docker.get("config") or {})
        found = self._json(["image", "inspect", tag])
        if not found:
            raise RuntimeError(f"`{PROGRAMS[self.name]} image inspect {tag}` found no image")
        data = found[0]
        config = dict(data.get("Config") or {})
        if data.get("Healthcheck") and not config.get("Healthcheck"):  # podman keeps it beside Config
            config["Healthcheck"] = data["Healthcheck"]
        return Image(int(data.get("Size") or 0), len((data.get("RootFS") or {}).get("Layers") or []), config)

    def _json(self, argv: list[str]) -> Any:  # a JsonObject or a list of them
        """The JSON a builder command prints; raises RuntimeError with the builder's own message when the command
        fails (podman prints ``[]`` and exits 125 for an image it cannot inspect) or prints no JSON."""
        proc = self._run(argv, PROBE_TIMEOUT)
        command = f"`{PROGRAMS[self.name]} {' '.join(argv)}`"
        message = (proc.stderr.strip() or proc.stdout.strip())[-500:] or "no output"
        if proc.returncode != 0:
            raise RuntimeError(f"{command} failed (exit status {proc.returncode}): {message}")
        try:
            return json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise RuntimeError(f"{command} printed no JSON: {message}") from None

    def run(self, tag: str, command: list[str]) -> tuple[int, str]:
        """Run ``command`` in a container of the image (as ``docker run IMAGE COMMAND``): status, output."""
        try:
            if self.name == "buildah":  # buildah run does not apply the image's ENTRYPOINT
                container = self._run(["from", "--pull-never", tag], PROBE_TIMEOUT).stdout.strip()
                try:
                    proc = self._run(["run", container, "--", *command], RUN_TIMEOUT)
                finally:
                    self._run(["rm", container], PROBE_TIMEOUT)
            else:  # no healthcheck timer: podman logs its systemd errors, with times and ids, into the output
                proc = self._run(["run", "--rm", "--no-healthcheck", tag, *command], RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            return -1, f"timed out after {RUN_TIMEOUT} s"
        return proc.returncode, proc.stdout + proc.stderr

    def snapshot(self, tag: str) -> Snapshot:
        """The image's files, from a tar of a (never started) container's root filesystem; raises
        RuntimeError when the builder cannot export it."""
        if self.name == "buildah":
            container = self._run(["from", "--pull-never", tag], PROBE_TIMEOUT).stdout.strip()
            # buildah mounts an image only in its own user namespace when rootless
            script = 'set -e; m=$("$0" mount "$1"); tar -C "$m" --numeric-owner -cf - .; "$0" umount "$1" >/dev/null'
            argv = [*([self.program, "unshare", "--"] if os.geteuid() else []), "sh", "-c", script,
                    self.program, container]
        else:
            container = self._run(["create", tag, "true"], PROBE_TIMEOUT).stdout.strip()
            argv = [self.program, "export", container]
        try:
            if not container:
                raise RuntimeError(f"{self.program} could not create a container of {tag}")
            with tempfile.TemporaryFile() as errors, subprocess.Popen(
                    argv, stdout=subprocess.PIPE, stderr=errors, env={**os.environ, **dict(self.env)}) as proc:
                try:
                    assert proc.stdout is not None  # stdout=PIPE
                    files = read_tar(proc.stdout)
                    proc.stdout.read()  # the archive's end padding
                except tarfile.TarError as error:
                    proc.kill()
                    raise RuntimeError(f"{self.program} could not export {tag}: {error}") from None
                proc.wait()
                errors.seek(0)
                if proc.returncode:
                    message = errors.read().decode(errors="replace").strip()[-500:]
                    raise RuntimeError(f"{self.program} could not export {tag}: {message}")
            return files
        finally:
            if container:
                self._run(["rm", container], PROBE_TIMEOUT)

    def remove(self, tag: str) -> None:
        self._run(["rmi", "-f", tag], PROBE_TIMEOUT)

    def isolated(self, directory: Path) -> Builder:
        """This builder with a private storage under ``directory`` (podman/buildah; others as they are)."""
        if not self.daemonless:
            return self
        driver = self.store.get("driver") or "overlay"
        lines = ["[storage]", f'driver = "{driver}"', f'graphroot = "{directory / "storage"}"',
                 f'runroot = "{directory / "run"}"', "[storage.options]"]
        if self.store.get("graphroot"):
            lines.append(f'additionalimagestores = ["{self.store["graphroot"]}"]')
        if self.store.get("mount_program"):
            lines += ["[storage.options.overlay]", f'mount_program = "{self.store["mount_program"]}"']
        directory.mkdir(parents=True, exist_ok=True)
        conf = directory / "storage.conf"
        conf.write_text("\n".join(lines) + "\n")
        return replace(self, env=(*self.env, ("CONTAINERS_STORAGE_CONF", str(conf))))

    def discard(self, directory: Path) -> None:
        """Delete a private storage made by ``isolated``: its containers first (they hold mounts), then
        the files (rootless layers need the user namespace). A builder too slow to remove its containers
        (a loaded host) does not stop the verification: the mounts are unmounted and the files removed."""
        try:
            self._run(["rm", "--all"] if self.name == "buildah" else ["rm", "--all", "--force"], PROBE_TIMEOUT * 3)
        except subprocess.TimeoutExpired:
            pass
        for point in sorted(_mounts_under(directory), key=len, reverse=True):  # buildah 1.28 leaks a failed
            subprocess.run(["umount", point], capture_output=True)             # step's mount (root only)
        shutil.rmtree(directory, ignore_errors=True)
        if directory.exists() and self.name == "podman":
            self._run(["unshare", "rm", "-rf", str(directory)], PROBE_TIMEOUT * 3)


def _mounts_under(directory: Path) -> list[str]:
    """Mount points inside ``directory`` (from /proc/self/mountinfo; none where it does not exist)."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return []
    prefix = str(directory) + "/"
    points = (line.split()[4].encode().decode("unicode_escape") for line in lines if len(line.split()) > 4)
    return [point for point in points if point.startswith(prefix)]


def parse_steps(log: str) -> tuple[Step, ...]:
    """The build's steps (FROM left out) and which came from the cache, from podman/buildah, legacy
    docker or BuildKit plain-progress logs."""
    steps: list[tuple[str, bool]] = []  # (text, cached)
    buildkit: dict[str, int] = {}
    for line in log.splitlines():
        line = line.strip()
        match = _PODMAN_STEP.match(line) or _LEGACY_STEP.match(line)
        if match:
            steps.append((match.group(1), False))
            continue
        match = _BUILDKIT_STEP.match(line)
        if match and not match.group(2).startswith("internal"):
            if match.group(1) not in buildkit:
                buildkit[match.group(1)] = len(steps)
                steps.append((match.group(3), False))
            continue
        match = _BUILDKIT_CACHED.match(line)
        if match and match.group(1) in buildkit:
            index = buildkit[match.group(1)]
            steps[index] = (steps[index][0], True)
        elif (line.startswith("--> Using cache") or line.startswith("---> Using cache")) and steps:
            steps[-1] = (steps[-1][0], True)
    return tuple(Step(text, cached) for text, cached in steps if not text.upper().startswith("FROM "))


def parse_size(text: str) -> int:
    """``"121 MB"`` (buildah's decimal units) to bytes."""
    match = _SIZE.search(text)
    return int(float(match.group(1)) * _UNITS.get(match.group(2), 1)) if match else 0


def detect(requested: str = "auto", buildx_builder: str | None = None) -> Builder:
    """The builder to use: ``requested``, or (auto) docker with a reachable daemon, podman, buildah;
    ``buildx_builder`` implies docker buildx. Raises NoBuilder listing what was tried."""
    if requested not in ("auto", *BUILDERS):
        raise NoBuilder(f"unknown builder {requested!r}; choose one of auto, {', '.join(BUILDERS)}")
    if buildx_builder and requested not in ("auto", "buildx"):
        raise NoBuilder(f"--buildx-builder needs --builder buildx (or auto), not {requested}")
    names = ("buildx",) if buildx_builder or requested == "buildx" else (
        AUTO_ORDER if requested == "auto" else (requested,))
    why: list[str] = []
    for name in names:
        builder, reason = _probe(name, buildx_builder)
        if builder:
            return builder
        why.append(f"{name}: {reason}")
    raise NoBuilder(f"no usable image builder ({'; '.join(why)}); "
                    "install docker (with a running daemon), podman or buildah, or choose one with --builder")


def _probe(name: str, buildx_builder: str | None) -> tuple[Builder | None, str]:
    program = shutil.which(PROGRAMS[name])
    if program is None:
        return None, f"`{PROGRAMS[name]}` not found on PATH"
    builder = Builder(name, program, buildx_builder if name == "buildx" else None)
    probe = {"docker": ["info", "--format", "{{.ServerVersion}}"],
             "buildx": ["buildx", "inspect", *(["--builder", buildx_builder] if buildx_builder else [])],
             "podman": ["info", "--format", "json"], "buildah": ["info"]}[name]
    try:
        proc = builder._run(probe, PROBE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"{program} {' '.join(probe)} failed: {error}"
    if proc.returncode != 0:
        last = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or [f"exit status {proc.returncode}"]
        return None, f"{program} {' '.join(probe)} failed: {last[0]}"
    if builder.daemonless:
        return replace(builder, store=_store(name, proc.stdout)), ""
    return builder, ""


def _store(name: str, info: str) -> dict[str, str | None]:
    """The user's image storage (driver, graphroot, overlay mount program) from ``podman/buildah info``."""
    try:
        data = json.loads(info)
    except json.JSONDecodeError:
        return {}
    store = data.get("store") or {}
    if name == "podman":
        options = store.get("graphOptions") or {}
        mount = (options.get("overlay.mount_program") or {}).get("Executable", "")
        return {"driver": store.get("graphDriverName"), "graphroot": store.get("graphRoot"), "mount_program": mount}
    options = dict(o.split("=", 1) for o in store.get("GraphOptions") or [] if "=" in o)
    return {"driver": store.get("GraphDriverName"), "graphroot": store.get("GraphRoot"),
            "mount_program": options.get("overlay.mount_program", "")}
