"""Debian's build-only packages and the runtime library each ``-dev`` package's compiled code links."""

from __future__ import annotations

import re

#: Debian releases whose names are known below; a python tag without one is built on bookworm or trixie.
RELEASES = ("bullseye", "bookworm", "trixie")
DEFAULT_RELEASES = ("bookworm", "trixie")

#: Packages that only build: compilers, build systems, headers of the C library and of Python itself.
BUILD_ONLY = frozenset("""
    gcc g++ cpp c++ clang make cmake ninja-build meson build-essential pkg-config pkgconf autoconf automake
    libtool swig bison flex patch binutils cargo rustc python3-dev python-dev libpython3-dev libc6-dev libc-dev
    linux-libc-dev dpkg-dev
""".split())
_VERSIONED_BUILD_ONLY = re.compile(r"(gcc|g\+\+|clang|cpp)-\d+|python3\.\d+-dev|libpython3\.\d+-dev|linux-headers-.+")

#: ``-dev`` package -> the library packages its code links at run time, per release. Bookworm's names are
#: ``apt-cache depends``' own; bullseye's and trixie's follow their SONAME and t64 renames.
_SAME = {
    "libpq-dev": "libpq5", "default-libmysqlclient-dev": "libmariadb3", "libmariadb-dev": "libmariadb3",
    "libmariadb-dev-compat": "libmariadb3", "libxml2-dev": "libxml2", "libxslt1-dev": "libxslt1.1",
    "libjpeg-dev": "libjpeg62-turbo", "libjpeg62-turbo-dev": "libjpeg62-turbo", "zlib1g-dev": "zlib1g",
    "libsasl2-dev": "libsasl2-2", "libyaml-dev": "libyaml-0-2", "libfreetype-dev": "libfreetype6",
    "libfreetype6-dev": "libfreetype6", "libzmq3-dev": "libzmq5", "libsnappy-dev": "libsnappy1v5",
    "liblcms2-dev": "liblcms2-2", "libopenjp2-7-dev": "libopenjp2-7", "libgmp-dev": "libgmp10",
    "libsystemd-dev": "libsystemd0", "libsqlite3-dev": "libsqlite3-0", "libbz2-dev": "libbz2-1.0",
    "liblzma-dev": "liblzma5", "libblas-dev": "libblas3", "liblapack-dev": "liblapack3", "libcap-dev": "libcap2",
    "libkrb5-dev": "libkrb5-3 libgssapi-krb5-2",
}
_BY_RELEASE = {
    "libffi-dev": {"bullseye": "libffi7", "bookworm": "libffi8", "trixie": "libffi8"},
    "libssl-dev": {"bullseye": "libssl1.1", "bookworm": "libssl3", "trixie": "libssl3t64"},
    "libcurl4-openssl-dev": {"bullseye": "libcurl4", "bookworm": "libcurl4", "trixie": "libcurl4t64"},
    "libpng-dev": {"bullseye": "libpng16-16", "bookworm": "libpng16-16", "trixie": "libpng16-16t64"},
    "libmagic-dev": {"bullseye": "libmagic1", "bookworm": "libmagic1", "trixie": "libmagic1t64"},
    "libldap2-dev": {"bullseye": "libldap-2.4-2", "bookworm": "libldap-2.5-0", "trixie": "libldap2"},
    "libldap-dev": {"bookworm": "libldap-2.5-0", "trixie": "libldap2"},
    "libtiff-dev": {"bullseye": "libtiff5", "bookworm": "libtiff6", "trixie": "libtiff6"},
    "libwebp-dev": {"bullseye": "libwebp6", "bookworm": "libwebp7", "trixie": "libwebp7"},
    "libev-dev": {"bullseye": "libev4", "bookworm": "libev4", "trixie": "libev4t64"},
    "libgeos-dev": {"bullseye": "libgeos-c1v5", "bookworm": "libgeos-c1v5"},
    "unixodbc-dev": {"bullseye": "libodbc1", "bookworm": "libodbc2 libodbcinst2", "trixie": "libodbc2 libodbcinst2"},
}


def build_only(package: str) -> bool:
    """The package only builds things (a compiler, a build tool, headers without a library of their own)."""
    return package in BUILD_ONLY or bool(_VERSIONED_BUILD_ONLY.fullmatch(package))


def is_dev(package: str) -> bool:
    return package.endswith("-dev") and not build_only(package)


def runtime_libraries(package: str, releases: tuple[str, ...]) -> tuple[str, ...] | None:
    """The library packages a ``-dev`` package's users link at run time, when they are named alike in every
    release of ``releases``; None when not known (or named differently in those releases)."""
    if package in _SAME:
        return tuple(_SAME[package].split())
    names = {_BY_RELEASE.get(package, {}).get(release) or "" for release in releases}
    name = names.pop() if len(names) == 1 else ""
    return tuple(name.split()) if name else None
