"""What ``--no-install-recommends`` drops, from the bundled per-release data (tools/gen_apt_recommends.py)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from ..record import record
from .distro import Distro

DATA_PREFIX = "apt_recommends_"
DEFAULT = "debian-12"
CA = "ca-certificates"
#: Packages whose main use is talking TLS to the network (see DO102's docs).
TLS_CLIENTS = frozenset({
    "curl", "wget", "git", "gnupg", "gnupg2", "gpg", "dirmngr", "openssl", "apt-transport-https",
    "software-properties-common", "mercurial", "subversion", "libcurl4", "libcurl3-gnutls",
    "python3-requests",
})
#: Recommends whose loss changes a common use, named in the risk text without being kept.
FUNCTIONAL_NOTES = {
    "git": ("openssh-client", "without openssh-client git cannot use ssh remotes (git@host:repo)"),
    "python3-pip": ("build-essential", "without build-essential and python3-dev pip cannot build packages "
                                       "that have no wheel"),
    "python3": ("ca-certificates", "without ca-certificates Python's ssl/urllib cannot verify HTTPS servers "
                                   "(pip-installed requests brings its own certifi)"),
    "gpg": ("gnupg", "without gnupg (dirmngr) gpg --recv-keys cannot reach keyservers"),
    "imagemagick": ("ghostscript", "without ghostscript imagemagick cannot read PDF or PostScript"),
}


@record
class RecommendsData:
    """One release's table: per package, what apt installs with and without recommends."""

    key: str  # "debian-12"
    source: str
    arch: str
    base: str  # "a clean debian:bookworm (...)"
    packages: dict[str, dict[str, list[str]]]  # package -> {"dropped": [...], "installs": [...]}
    sizes_kib: dict[str, int]
    unavailable: frozenset[str]

    @property
    def release_name(self) -> str:
        """``Debian bookworm (12)`` from the source line."""
        return self.source.split(",", 1)[0]

    @property
    def clean_image(self) -> str:
        """``debian:bookworm``: the image the sizes are measured on."""
        return self.base.removeprefix("a clean ").split(" ", 1)[0]


@cache
def releases() -> tuple[str, ...]:
    """Keys of the bundled data sets (``debian-12``, ``ubuntu-24.04`` ...)."""
    folder = resources.files("optimizer").joinpath("data")
    return tuple(sorted(entry.name.removeprefix(DATA_PREFIX).removesuffix(".json") for entry in folder.iterdir()
                        if entry.name.startswith(DATA_PREFIX) and entry.name.endswith(".json")))


@cache
def recommends_data(key: str = DEFAULT) -> RecommendsData:
    """Load one bundled data set once, on first use (never at import)."""
    text = resources.files("optimizer").joinpath("data", f"{DATA_PREFIX}{key}.json").read_text("utf-8")
    raw = json.loads(text)
    return RecommendsData(key, raw["source"], raw["arch"], raw["base"], raw["packages"], raw["installed_size_kib"],
                          frozenset(raw.get("unavailable", ())))


def data_for(distro: Distro) -> tuple[RecommendsData, bool]:
    """The data set for ``distro`` and whether it applies exactly: its release, on the distribution's own
    image (an image built on it ships packages of its own). Otherwise the newest set of the same
    family (Debian's for anything else): good for which recommends matter (ca-certificates,
    libc6-dev), not for names and sizes."""
    key = f"{distro.family}-{distro.release}"
    if key in releases():
        return recommends_data(key), distro.plain
    family = [k for k in releases() if k.startswith(f"{distro.family}-")] or \
        [k for k in releases() if k.startswith("debian-")]
    newest = max(family, key=lambda k: tuple(int(p) for p in k.split("-", 1)[1].split(".")))
    return recommends_data(newest), False


@record
class Dropped:
    """What ``--no-install-recommends`` leaves out for one command's packages."""

    packages: tuple[str, ...] = ()  # biggest first
    kib: int = 0
    known: tuple[str, ...] = ()  # package names the data covers
    unknown: tuple[str, ...] = ()  # names it does not
    ca_for: tuple[str, ...] = ()  # TLS clients for which ca-certificates is kept explicitly
    notes: tuple[str, ...] = ()  # functional losses worth naming
    kept: tuple[tuple[str, str], ...] = ()  # (package, why) a later step needs, kept explicitly


def dropped_by(names: list[str], present: tuple[str, ...] = (), data: RecommendsData | None = None,
               needed: dict[str, str] | None = None) -> Dropped:
    """The union of the packages' dropped recommends, minus what any of them (or the packages
    ``present`` in the image already) still installs. ``needed``: package -> why a step needs it;
    those that would be dropped are kept explicitly (with everything they install)."""
    if not names:
        return Dropped()
    data = data or recommends_data()
    known = tuple(n for n in dict.fromkeys(names) if n in data.packages)
    unknown = tuple(n for n in dict.fromkeys(names) if n not in data.packages)
    still = {*names, *present}
    dropped: set[str] = set()
    for name in known:
        dropped.update(data.packages[name]["dropped"])
        still.update(data.packages[name]["installs"])
    for name in present:
        still.update(data.packages.get(name, {}).get("installs", ()))
    dropped -= still
    ca_for: tuple[str, ...] = ()
    if CA in dropped:
        ca_for = tuple(n for n in known if n in TLS_CLIENTS and CA in data.packages[n]["dropped"])
    kept = tuple((p, why) for p, why in (needed or {}).items() if p in dropped and not (p == CA and ca_for))
    for package in (*(p for p, _ in kept), *((CA,) if ca_for else ())):
        dropped -= {package, *_installs(data, package)}
    ordered = tuple(sorted(dropped, key=lambda p: (-data.sizes_kib.get(p, 0), p)))
    notes = tuple(text for n, (pkg, text) in FUNCTIONAL_NOTES.items() if n in known and pkg in dropped)
    return Dropped(ordered, sum(data.sizes_kib.get(p, 0) for p in ordered), known, unknown, ca_for, notes, kept)


def _installs(data: RecommendsData, package: str) -> tuple[str, ...]:
    """What installing ``package`` alone brings (its own entry, when the data has one)."""
    return tuple(data.packages.get(package, {}).get("installs", ()))
