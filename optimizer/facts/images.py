"""Image reference facts: registry, repository and tag of a FROM, and the distribution it is built on."""

from __future__ import annotations

import re

from ..record import record

#: Docker Hub official images built on Debian by default (their ``-alpine`` tags aside).
_DEBIAN_DEFAULT = frozenset({"debian", "buildpack-deps", "python", "node", "golang", "ruby", "php", "perl", "rust",
                             "nginx", "httpd", "haproxy", "elixir", "erlang", "haskell", "r-base", "julia", "gcc",
                             "clojure", "swift", "postgres", "redis", "memcached", "rabbitmq"})
#: Official images built on Ubuntu by default.
_UBUNTU_DEFAULT = frozenset({"ubuntu", "eclipse-temurin", "maven", "gradle", "tomcat", "sapmachine", "mongo"})
#: Official images built on RHEL-like distributions.
_RHEL_DEFAULT = frozenset({"centos", "fedora", "rockylinux", "almalinux", "amazonlinux", "oraclelinux",
                           "amazoncorretto"})
_DEBIAN_CODENAMES = ("bookworm", "bullseye", "buster", "stretch", "jessie", "trixie", "sid")
_UBUNTU_CODENAMES = ("noble", "jammy", "focal", "bionic", "xenial", "trusty")


@record
class ImageRef:
    """``[registry/]path[:tag][@digest]`` of a FROM, with Docker Hub's defaults made explicit."""

    registry: str  # "docker.io" for Docker Hub
    path: str  # "library/python", "gcr.io"-less: "distroless/static-debian12"
    tag: str | None  # None: no tag written (``latest`` is implied unless there is a digest)
    digest: str | None

    @property
    def official(self) -> bool:
        """A Docker Hub official image (``python``, ``library/python``, ``docker.io/library/python``)."""
        return self.registry == "docker.io" and self.path.startswith("library/")

    @property
    def name(self) -> str:
        """The repository's last component: ``python``, ``static-debian12``."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def tag_words(self) -> tuple[str, ...]:
        return tuple(re.split(r"[-_.]", (self.tag or "").lower()))

    def with_tag(self, tag: str) -> str:
        """The reference as written for Docker Hub official images (``python:3.12-slim``), else in full."""
        prefix = self.name if self.official else f"{self.registry}/{self.path}"
        return f"{prefix}:{tag}"


def image_ref(reference: str) -> ImageRef | None:
    """The parts of an image reference; None for ``scratch``, a build variable or an unreadable name."""
    if "$" in reference or reference.lower() == "scratch" or not reference:
        return None
    ref, _, digest = reference.partition("@")
    last = ref.rsplit("/", 1)[-1]
    path, tag = (ref.rsplit(":", 1)) if ":" in last else (ref, None)
    segments = path.split("/")
    registry = "docker.io"
    if len(segments) > 1 and ("." in segments[0] or ":" in segments[0] or segments[0] == "localhost"):
        registry, segments = segments[0], segments[1:]
        if registry == "index.docker.io":
            registry = "docker.io"
    if registry == "docker.io" and len(segments) == 1:
        segments = ["library", *segments]
    if not all(re.fullmatch(r"[a-z0-9]+(?:[._-]+[a-z0-9]+)*", s) for s in segments):
        return None
    return ImageRef(registry, "/".join(segments), tag or None, digest or None)


def distribution(reference: str) -> str | None:
    """``scratch``, ``distroless``, ``alpine``, ``debian``, ``ubuntu``, ``rhel``, ``windows``, or None (unknown)."""
    if reference.lower() == "scratch":
        return "scratch"
    ref = image_ref(reference)
    if ref is None:
        return None
    words = ref.tag_words
    if ref.registry == "mcr.microsoft.com" and "windows" in ref.path or any(
            w in ("windowsservercore", "nanoserver", "servercore", "ltsc2019", "ltsc2022") for w in words):
        return "windows"
    if ref.registry == "gcr.io" and ref.path.startswith("distroless/"):
        return "distroless"
    if ref.name == "alpine" or any(w.startswith("alpine") for w in words):
        return "alpine"
    if any(w in _UBUNTU_CODENAMES for w in words):
        return "ubuntu"
    if any(w in _DEBIAN_CODENAMES for w in words):
        return "debian"
    if ref.registry in ("registry.access.redhat.com", "registry.redhat.io") or ref.path.startswith("redhat/ubi"):
        return "rhel"
    if not ref.official:
        return None
    if "slim" in words:
        return "debian"
    if ref.name in _RHEL_DEFAULT:
        return "rhel"
    if ref.name in _UBUNTU_DEFAULT:
        return "ubuntu"
    return "debian" if ref.name in _DEBIAN_DEFAULT else None
