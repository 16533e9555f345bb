#!/usr/bin/env python3
"""Generate optimizer/data/apt_recommends_<distro>-<version>.json: what --no-install-recommends drops.

Run on a Debian or Ubuntu amd64 host with apt (as root: apt needs it to lock its private lists)::

    .venv/bin/python tools/gen_apt_recommends.py --release debian:trixie
    .venv/bin/python tools/gen_apt_recommends.py --release ubuntu:24.04 --jobs 4 --top 60

Each release gets private package lists (its own sources.list, lists, caches and preferences under a
temporary directory; the host's sources and dpkg status are never read): Debian from
deb.debian.org (``<codename>``, ``-updates``, ``-security``; component main, signed by the host's
debian-archive-keyring), Ubuntu from archive.ubuntu.com (``<codename>``, ``-updates``,
``-security``; main and universe, like the official ubuntu images). Ubuntu's lists are signed by
ubuntu-keyring, which a Debian host lacks: pass ``--keyring FILE`` to verify them, else they are
read unverified (the data is sizes and dependencies, and says so in its ``source``).

How the numbers are made, so that they are the ones a ``FROM <distro>:<release>`` build sees:
- The base is a clean image of the release: debootstrap's minbase variant, i.e. every package of
  Priority ``required`` plus ``apt``, with their dependencies. apt resolves that set against an empty
  dpkg status file, and the result becomes a dpkg status file of its own (``Status: install ok
  installed``). Nothing installed on this machine leaks into the numbers.
- For each package, ``apt-get install -s`` runs against that status file twice, with
  ``APT::Install-Recommends`` true (apt's default) and false. ``Inst`` lines give the packages and
  versions; ``Installed-Size`` (KiB) of those versions gives the size on disk after unpacking.
- dropped = default set - minimal set. The pass sums dropped sizes over the packages of one command
  (deduplicated, minus anything another package of the command needs anyway).

Checked against shared/BASELINES.md (simulated in a debootstrapped chroot): openjdk-17-jdk 186 pkgs
634.4 MB by default vs 113 pkgs 566.0 MB without recommends; openjdk-17-jre-headless 48/272.7 vs
34/218.6. This script prints those rows at the end for the comparison.

Which packages: every ``apt-get install``/``apt install`` operand found in the real-world corpus
(read with our own shell layer, ranked by the number of Dockerfiles naming it), plus EXTRAS. A name
the release does not have (``php5-cli``, ``python``) is listed under ``unavailable``.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"
DATA_DIR = ROOT / "optimizer" / "data"
#: Releases the tool knows how to fetch: (distro, version) -> (codename, archive, security archive, components).
RELEASES = {
    ("debian", "12"): ("bookworm", "http://deb.debian.org/debian", "http://deb.debian.org/debian-security", "main"),
    ("debian", "13"): ("trixie", "http://deb.debian.org/debian", "http://deb.debian.org/debian-security", "main"),
    ("ubuntu", "22.04"): ("jammy", "http://archive.ubuntu.com/ubuntu", "http://archive.ubuntu.com/ubuntu",
                          "main universe"),
    ("ubuntu", "24.04"): ("noble", "http://archive.ubuntu.com/ubuntu", "http://archive.ubuntu.com/ubuntu",
                          "main universe"),
}
EXTRAS = (
    "curl", "wget", "git", "gnupg", "gpg", "dirmngr", "ca-certificates", "openssl",
    "apt-transport-https", "software-properties-common",
    "openjdk-17-jdk", "openjdk-17-jdk-headless", "openjdk-17-jre", "openjdk-17-jre-headless",
    "default-jdk", "default-jdk-headless", "default-jre", "default-jre-headless", "maven",
    "python3", "python3-pip", "python3-venv", "python3-dev", "build-essential", "nodejs", "npm",
    "unzip", "zip", "xz-utils", "jq", "vim", "nano", "less", "sudo", "gettext-base", "netcat-openbsd",
    "iproute2", "iputils-ping", "dnsutils", "rsync", "openssh-client", "libpq-dev",
    "postgresql-client", "default-libmysqlclient-dev", "ffmpeg", "imagemagick", "ghostscript",
    "fonts-liberation", "chromium", "libgl1", "nginx", "supervisor", "cron", "gosu", "tini",
    "gcc", "g++", "libc6-dev", "cmake",
)
DEBIAN_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
BOOL_TRUE = "APT::Install-Recommends=true"
BOOL_FALSE = "APT::Install-Recommends=false"


def corpus_packages(corpus: Path) -> collections.Counter:
    """Package operands of apt installs in the corpus, counted once per Dockerfile."""
    from optimizer import parse
    from optimizer.passes.apt import is_install
    from optimizer.facts.runscript import run_scripts

    files: collections.Counter = collections.Counter()
    for path in sorted(corpus.glob("*/Dockerfile")):
        doc = parse(path.read_bytes().decode("utf-8", "surrogateescape"))
        if doc.problems:
            continue
        seen = set()
        for stage in doc.stages:
            for _, run in run_scripts(doc, stage):
                for command in run.script.commands if run else ():
                    if is_install(command):
                        seen.update(package_name(w.value) for w in command.positional()
                                    if w.value and w.is_static and not w.value.startswith(("/", ".")))
        files.update(seen)
    return files


def package_name(word: str) -> str:
    """``curl=7.88*`` / ``zlib1g-dev:arm64`` / ``git/bookworm`` -> the package name."""
    for sep in ("=", "/", ":"):
        word = word.split(sep)[0]
    return word


class Release:
    """Private apt state (sources, lists, caches) for one release, fetched with ``apt-get update``."""

    def __init__(self, distro: str, version: str, workdir: Path, keyring: Path | None):
        codename, archive, security, components = RELEASES[(distro, version)]
        self.distro, self.version, self.codename = distro, version, codename
        self.verified = distro == "debian" or keyring is not None
        signed = f"signed-by={keyring or DEBIAN_KEYRING}" if self.verified else "trusted=yes"
        suites = [(archive, codename), (archive, f"{codename}-updates"), (security, f"{codename}-security")]
        sources = workdir / "sources.list"
        sources.write_text("".join(f"deb [{signed}] {url} {suite} {components}\n" for url, suite in suites))
        for name in ("lists/partial", "archives/partial", "parts", "preferences.d"):
            (workdir / name).mkdir(parents=True, exist_ok=True)
        self.options = ["-o", f"Dir::Etc::sourcelist={sources}", "-o", f"Dir::Etc::sourceparts={workdir / 'parts'}",
                        "-o", f"Dir::State::lists={workdir / 'lists'}",
                        "-o", f"Dir::Cache::archives={workdir / 'archives'}",
                        "-o", f"Dir::Etc::preferences={workdir / 'preferences'}",
                        "-o", f"Dir::Etc::preferencesparts={workdir / 'preferences.d'}"]
        subprocess.run(["apt-get", *self.options, "update", "-qq"], check=True)

    @property
    def label(self) -> str:
        name = "Debian" if self.distro == "debian" else "Ubuntu"
        return f"{name} {self.codename} ({self.version})"


class Apt:
    """apt-get simulations against a dpkg status file holding only a clean image of one release."""

    def __init__(self, workdir: Path, release: Release):
        self.workdir = workdir
        self.status = workdir / "status"
        self.extended = workdir / "extended_states"
        # The host's docker-clean config disables apt's binary cache; one of our own saves a rebuild per call.
        self.cache = [*release.options, "-o", f"Dir::Cache::pkgcache={workdir / 'pkgcache.bin'}",
                      "-o", f"Dir::Cache::srcpkgcache={workdir / 'srcpkgcache.bin'}"]
        self.extended.write_text("")
        empty = workdir / "empty"
        empty.write_text("")
        required = self._required()
        base = self.simulate([*required, "apt"], status=empty, recommends=False)
        assert base is not None, "cannot resolve the minbase package set"
        self.base = base
        records = self._show(sorted(f"{p}={v}" for p, v in base.items()))
        self.status.write_text("".join(
            rec.replace("\n", "\nStatus: install ok installed\n", 1) for rec in records))
        self._apt("check")  # builds the binary cache for this status once, before parallel runs

    def _apt(self, *args: str, status: Path | None = None) -> subprocess.CompletedProcess:
        options = [*self.cache, "-o", f"Dir::State::status={status or self.status}",
                   "-o", f"Dir::State::extended_states={self.extended}"]
        return subprocess.run(["apt-get", *options, *args], capture_output=True, text=True)

    def _required(self) -> list[str]:
        out = subprocess.run(["apt-cache", *self.cache, "dumpavail"], capture_output=True, text=True, check=True).stdout
        required, package = set(), None
        for line in out.splitlines():
            if line.startswith("Package: "):
                package = line.split()[1]
            elif line == "Priority: required" and package:
                required.add(package)
        return sorted(required)

    def simulate(self, packages: list[str], *, status: Path | None = None,
                 recommends: bool = True) -> dict[str, str] | None:
        """{package: version} that ``apt-get install`` would add, or None when apt refuses."""
        done = self._apt("install", "-s", "-qq", "-o", BOOL_TRUE if recommends else BOOL_FALSE,
                         "-o", "APT::Install-Suggests=false", *packages, status=status)
        if done.returncode != 0:
            return None
        installs = {}
        for line in done.stdout.splitlines():
            if line.startswith("Inst "):
                parts = line.split()
                installs[parts[1]] = parts[2].strip("()[]")
        return installs

    def _show(self, pinned: list[str]) -> list[str]:
        records = []
        for start in range(0, len(pinned), 200):
            out = subprocess.run(["apt-cache", *self.cache, "show", "--no-all-versions", *pinned[start:start + 200]],
                                 capture_output=True, text=True, check=True).stdout
            records += [r.strip("\n") + "\n\n" for r in out.split("\n\n") if r.strip()]
        return records

    def sizes(self, pinned: set[str]) -> dict[str, int]:
        """Installed-Size (KiB) of each ``name=version``, keyed by name."""
        sizes = {}
        for record in self._show(sorted(pinned)):
            fields = dict(line.split(": ", 1) for line in record.splitlines() if ": " in line and line[0] != " ")
            sizes.setdefault(fields["Package"], int(fields.get("Installed-Size", "0")))
        return sizes

    def direct_recommends(self, packages: list[str]) -> dict[str, list[str]]:
        """The Recommends field of each package's candidate (first alternative of each)."""
        found = {}
        for record in self._show(packages):
            fields = dict(line.split(": ", 1) for line in record.splitlines() if ": " in line and line[0] != " ")
            found.setdefault(fields["Package"], [
                alt.split("|")[0].split("(")[0].strip().split(":")[0]
                for alt in fields.get("Recommends", "").split(",") if alt.strip()])
        return found


def host_arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


def generate(packages: list[str], seen_in: collections.Counter, jobs: int, distro: str, version: str,
             keyring: Path | None = None) -> dict:
    arch = host_arch()
    with tempfile.TemporaryDirectory() as tmp:
        release = Release(distro, version, Path(tmp), keyring)
        apt = Apt(Path(tmp), release)

        def both(package):
            return package, apt.simulate([package]), apt.simulate([package], recommends=False)

        with ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(both, packages))
        pinned = {f"{p}={v}" for _, default, minimal in results if default and minimal
                  for sim in (default, minimal) for p, v in sim.items()}
        sizes = apt.sizes(pinned)
        recommends = apt.direct_recommends([p for p, default, _ in results if default is not None])
        table, unavailable = {}, []
        for package, default, minimal in results:
            if default is None or minimal is None:
                unavailable.append(package)
                continue
            dropped = sorted(set(default) - set(minimal), key=lambda p: (-sizes.get(p, 0), p))
            table[package] = {
                "seen_in": seen_in.get(package, 0),
                "recommends": recommends.get(package, []),
                "default": _total(default, sizes),
                "minimal": _total(minimal, sizes),
                "dropped_mb": _mb(sum(sizes.get(p, 0) for p in dropped)),
                "dropped": dropped,
                "installs": sorted(minimal),
            }
        used = {p for entry in table.values() for p in (*entry["dropped"], *entry["installs"])}
        return {
            "source": f"{release.label}, generated {datetime.date.today().isoformat()}"  # shown in risk texts
                      + ("" if release.verified else " (lists not verified)"),
            "generator": "tools/gen_apt_recommends.py",
            "arch": arch,
            "base": f"a clean {distro}:{release.codename if distro == 'debian' else version} "
                    f"(minbase: Priority required + apt, {len(apt.base)} packages)",
            "units": "installed_size_kib: Installed-Size in KiB; mb = KiB / 1024",
            "packages": dict(sorted(table.items())),
            "installed_size_kib": {p: sizes.get(p, 0) for p in sorted(used)},
            "unavailable": sorted(unavailable),
        }


def _total(installs: dict[str, str], sizes: dict[str, int]) -> dict:
    return {"packages": len(installs), "mb": _mb(sum(sizes.get(p, 0) for p in installs))}


def _mb(kib: int) -> float:
    return round(kib / 1024, 1)


def dump(data: dict) -> str:
    """JSON with one line per package, so a regenerated file diffs line by line."""
    lines = ["{"]
    keys = list(data)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        value = data[key]
        if isinstance(value, dict) and key in ("packages", "installed_size_kib"):
            items = list(value.items())
            lines.append(f"  {json.dumps(key)}: {{")
            for j, (name, entry) in enumerate(items):
                tail = "," if j < len(items) - 1 else ""
                lines.append(f"    {json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}{tail}")
            lines.append(f"  }}{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _release(spec: str) -> tuple[str, str]:
    """``debian:13`` / ``debian:trixie`` / ``ubuntu:noble`` -> a key of RELEASES."""
    distro, _, version = spec.partition(":")
    for (d, v), (codename, *_) in RELEASES.items():
        if d == distro and version in (v, codename):
            return d, v
    sys.exit(f"unknown release {spec!r}; known: " + ", ".join(f"{d}:{v}" for d, v in RELEASES))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--release", default="debian:12", help="distro:version, e.g. debian:13, ubuntu:24.04 "
                        "(codenames work too)")
    parser.add_argument("--keyring", type=Path, help="keyring that signs the release (Ubuntu on a Debian host)")
    parser.add_argument("--out", type=Path, help="default: optimizer/data/apt_recommends_<distro>-<version>.json")
    parser.add_argument("--top", type=int, default=0, help="only the N most used corpus packages (0: all)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    seen_in = corpus_packages(args.corpus)
    ranked = [p for p, _ in seen_in.most_common(args.top or None)]
    packages = list(dict.fromkeys([*ranked, *EXTRAS]))
    distro, version = _release(args.release)
    data = generate(packages, seen_in, args.jobs, distro, version, args.keyring)
    args.out = args.out or DATA_DIR / f"apt_recommends_{distro}-{version}.json"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(data))
    table = data["packages"]
    print(f"{len(table)} packages written to {args.out}; unavailable: {', '.join(data['unavailable'])}")
    for name in ("openjdk-17-jdk", "openjdk-17-jdk-headless", "openjdk-17-jre-headless", "curl", "git"):
        if name in table:
            d, m = table[name]["default"], table[name]["minimal"]
            print(f"{name}: {d['packages']} pkgs {d['mb']} MB default vs {m['packages']} pkgs {m['mb']} MB "
                  f"without recommends")
    return 0


if __name__ == "__main__":
    sys.exit(main())
