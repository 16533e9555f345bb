"""Which distribution and release a stage runs on, from its FROM line (stage parents and ARG defaults
followed, official images derived from Debian or Ubuntu known by their tags)."""

from __future__ import annotations

import re

from ..model import Dockerfile, Stage
from ..record import record

#: Codenames in image tags -> (family, release).
CODENAMES = {
    "jessie": ("debian", "8"), "stretch": ("debian", "9"), "buster": ("debian", "10"),
    "bullseye": ("debian", "11"), "bookworm": ("debian", "12"), "trixie": ("debian", "13"),
    "forky": ("debian", "14"), "sid": ("debian", "unstable"),
    "xenial": ("ubuntu", "16.04"), "bionic": ("ubuntu", "18.04"), "focal": ("ubuntu", "20.04"),
    "jammy": ("ubuntu", "22.04"), "noble": ("ubuntu", "24.04"), "oracular": ("ubuntu", "24.10"),
    "plucky": ("ubuntu", "25.04"), "questing": ("ubuntu", "25.10"),
}
#: ROS distributions -> the Ubuntu release of their official image.
_ROS = {"kinetic": "16.04", "melodic": "18.04", "noetic": "20.04", "foxy": "20.04", "galactic": "20.04",
        "humble": "22.04", "iron": "22.04", "jazzy": "24.04", "kilted": "24.04", "rolling": "24.04"}
#: Official images built on Debian unless their tag names another base.
_DEBIAN_BASED = frozenset("""
    python node ruby golang php rust perl buildpack-deps httpd nginx postgres redis mariadb mongo
    haskell julia r-base gcc elixir erlang clojure swift wordpress drupal joomla ghost kong rabbitmq
    memcached influxdb telegraf traefik sbt bitnami/minideb mcr.microsoft.com/dotnet/sdk
    mcr.microsoft.com/dotnet/aspnet mcr.microsoft.com/dotnet/runtime mcr.microsoft.com/dotnet/runtime-deps
    mcr.microsoft.com/devcontainers/base mcr.microsoft.com/vscode/devcontainers/base
""".split())
#: Official images built on Ubuntu unless their tag names another base.
_UBUNTU_BASED = frozenset("eclipse-temurin tomcat gradle ibm-semeru-runtimes sapmachine".split())
_OTHER = {"alpine": "alpine", "ubi": "rhel", "oraclelinux": "rhel", "amazonlinux": "amazon", "fedora": "fedora",
          "centos": "rhel", "rockylinux": "rhel", "almalinux": "rhel", "windowsservercore": "windows",
          "nanoserver": "windows", "distroless": "distroless", "corretto": "amazon", "azurelinux": "azurelinux",
          "cbl-mariner": "azurelinux"}
_VERSION = re.compile(r"^(\d+(?:\.\d+)?)")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?")


@record
class Distro:
    """A stage's distribution: ``family`` (debian, ubuntu, alpine, rhel ..., or unknown) and
    ``release`` ("12", "24.04"; None when the tag does not say); ``image`` is the FROM image it was
    read from, for messages."""

    family: str
    release: str | None
    image: str
    plain: bool = False  # the distribution's own image (debian:*, ubuntu:*), not one built on it

    @property
    def apt_based(self) -> bool:
        return self.family in ("debian", "ubuntu")

    def describe(self) -> str:
        name = {"debian": "Debian", "ubuntu": "Ubuntu"}.get(self.family, self.family)
        built = "" if self.plain else "built on "
        if self.release is None:
            return f"{self.image} ({built}{name}, release not named by the tag)"
        codename = next((c for c, key in CODENAMES.items() if key == (self.family, self.release)), None)
        return f"{self.image} ({built}{name} {self.release}{' ' + codename if codename else ''})"


def stage_distro(doc: Dockerfile, stage: Stage) -> Distro:
    """The distribution of the image ``stage`` starts FROM, through the stages it is built FROM."""
    ancestors = doc.ancestors(stage)
    root = ancestors[-1] if ancestors else stage
    return image_distro(expand_args(doc, root.base))


def expand_args(doc: Dockerfile, image: str) -> str:
    """``image`` with ``$NAME``/``${NAME}``/``${NAME:-x}`` replaced by the ARG defaults before the first FROM."""
    defaults: dict[str, str] = {}
    for inst in doc.instructions:
        if inst.keyword == "FROM":
            break
        if inst.keyword == "ARG":
            for item in inst.value:
                name, eq, value = item.partition("=")
                if eq:
                    defaults[name] = value.strip("\"'")
    return _VAR.sub(lambda m: defaults.get(m.group(1), m.group(2) if m.group(2) is not None else m.group(0)),
                    image)


def image_distro(image: str) -> Distro:
    """What an image reference says about its distribution (``unknown`` when it says nothing we know)."""
    reference = image.split("@", 1)[0]
    name, _, tag = reference.rpartition(":") if ":" in reference.rsplit("/", 1)[-1] else (reference, "", "")
    name = name.lower().removeprefix("docker.io/").removeprefix("library/")
    tag = tag.lower()
    short = name.rsplit("/", 1)[-1]
    if "$" in image:
        return Distro("unknown", None, image)
    for part in re.split(r"[-_.]", tag):
        if part in CODENAMES:
            family, release = CODENAMES[part]
            return Distro(family, release, image, plain=short == family)
    for marker, family in _OTHER.items():
        if marker in tag or marker in name:
            return Distro(family, _rhel_release(name, tag) if family == "rhel" else None, image)
    if short == "debian":
        version = _VERSION.match(tag)
        return Distro("debian", version.group(1).split(".")[0] if version else None, image, plain=True)
    if short == "ubuntu":
        version = _VERSION.match(tag)
        return Distro("ubuntu", version.group(1) if version and "." in version.group(1) else None, image, plain=True)
    if short == "ros":
        ros = tag.split("-")[0]
        return Distro("ubuntu", _ROS.get(ros), image)
    if name in _DEBIAN_BASED or short in _DEBIAN_BASED:
        return Distro("debian", None, image)
    if name in _UBUNTU_BASED or short in _UBUNTU_BASED or "temurin" in tag:
        return Distro("ubuntu", None, image)
    if short in ("openjdk", "maven"):
        return _java(short, tag, image)
    return Distro("unknown", None, image)


def _rhel_release(name: str, tag: str) -> str | None:
    """``ubi8/ubi-minimal:8.3`` -> "8"; ``rockylinux:9`` -> "9"."""
    found = re.search(r"(?:ubi|rhel|el|ol|stream)(\d+)\b", name) or re.match(r"(\d+)(?:[.-]|$)", tag)
    return found.group(1) if found else None


def _java(short: str, tag: str, image: str) -> Distro:
    """openjdk: Oracle Linux for the full 17+ images, Debian for older and -slim ones; maven: like the
    openjdk it names, Debian for the old ``-jdk-N`` tags, else eclipse-temurin's Ubuntu."""
    if short == "maven" and "openjdk" not in tag:
        if re.search(r"(?:^|-)jdk-\d", tag):
            return Distro("debian", None, image)
        if re.fullmatch(r"[\d.]*|latest", tag):
            return Distro("ubuntu", None, image)
        return Distro("unknown", None, image)
    version = re.search(r"openjdk-(\d+)", tag) or re.match(r"(\d+)", tag)
    if version is None:
        return Distro("unknown", None, image)
    if int(version.group(1)) >= 17 and "slim" not in tag:
        return Distro("rhel", None, image)
    return Distro("debian", None, image)
