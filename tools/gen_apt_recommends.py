#!/usr/bin/env python3
"""Generate optimizer/data/apt_recommends_<distro>-<version>.json: what --no-install-recommends drops.

Run on a Debian or Ubuntu amd64 host with apt and python3-apt (as root: apt locks its private lists)::

    .venv/bin/python tools/gen_apt_recommends.py --release debian:trixie
    .venv/bin/python tools/gen_apt_recommends.py --release ubuntu:24.04 --top 60

Each release gets private package lists (its own sources.list, lists, caches and preferences under
``--state``, kept between runs so that ``apt-get update`` only fetches what changed; the host's
sources and dpkg status are never read): Debian from deb.debian.org (``<codename>``, ``-updates``,
``-security``; component main, signed by the host's debian-archive-keyring), Ubuntu from
archive.ubuntu.com (``<codename>``, ``-updates``, ``-security``; main and universe, like the official
ubuntu images), verified with the keys of Debian's ``ubuntu-keyring`` package (fetched from Debian
trixie, itself verified with Debian's keys) unless ``--keyring FILE`` names others.

Speed: one process resolves every package with apt's own resolver (python3-apt), with one cache per
recommends setting, undoing its marks after each package. The first version ran ``apt-get install -s``
twice per package, each loading the whole cache: over an hour on a loaded 2-core machine; this one
takes 3.5 to 5.5 minutes there (about 50 s of CPU), most of it the first ``apt-get update``.

The files hold only what DO102 reads: per package the default and minimal totals, the dropped
packages and (of what it installs without recommends) those some other entry drops; sizes of the
dropped packages; the names no package of the release answers. ``provenance`` says where the lists
came from.

How the numbers are made, so that they are the ones a ``FROM <distro>:<release>`` build sees:
- The base is a clean image of the release: debootstrap's minbase variant, i.e. every package of
  Priority ``required`` plus ``apt``, with their dependencies. apt resolves that set against an empty
  dpkg status file, and the result becomes a dpkg status file of its own (``Status: install ok
  installed``). Nothing installed on this machine leaks into the numbers.
- For each package, apt's resolver marks it for installation against that status file twice, with
  ``APT::Install-Recommends`` true (apt's default) and false, as ``apt-get install`` does (its
  problem resolver when a mark breaks something; a virtual name with one provider takes it); the
  marked packages and the ``Installed-Size`` (KiB) of their candidates give the size on disk.
- dropped = default set - minimal set. The pass sums dropped sizes over the packages of one command
  (deduplicated, minus anything another package of the command needs anyway).

Checked against shared/BASELINES.md (simulated in a debootstrapped chroot): openjdk-17-jdk 186 pkgs
634.4 MB by default vs 113 pkgs 566.0 MB without recommends; openjdk-17-jre-headless 48/272.7 vs
34/218.6. This script prints those rows at the end for the comparison. Run on bookworm's lists of
2026-12-03, the in-process resolver gives the same package sets (default, minimal, dropped, installs)
as the apt-get version did for all 227 packages both answer; 16 totals differ by 0.1 MB (later archive
updates); ``ruby1.9.1``, which apt-get took as a regular expression, is a missing name here.

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
import time
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
    """Private apt state (sources, lists, preferences) for one release, kept in ``state`` between runs so
    that ``apt-get update`` fetches only what changed."""

    def __init__(self, distro: str, version: str, state: Path, keyring: Path | None, update: bool = True):
        codename, archive, security, components = RELEASES[(distro, version)]
        self.distro, self.version, self.codename = distro, version, codename
        state.mkdir(parents=True, exist_ok=True)
        if distro == "ubuntu" and keyring is None:
            keyring = ubuntu_keyring(state / "ubuntu-keyring")
        self.verified = distro == "debian" or keyring is not None
        signed = f"signed-by={keyring or DEBIAN_KEYRING}" if self.verified else "trusted=yes"
        suites = [(archive, codename), (archive, f"{codename}-updates"), (security, f"{codename}-security")]
        self.options = private_apt(state, "".join(f"deb [{signed}] {url} {suite} {components}\n"
                                                  for url, suite in suites))
        if update or not any((state / "lists").glob("*_Packages")):
            subprocess.run(["apt-get", *self.options, "update", "-qq"], check=True)

    @property
    def label(self) -> str:
        name = "Debian" if self.distro == "debian" else "Ubuntu"
        return f"{name} {self.codename} ({self.version})"


def private_apt(state: Path, sources: str) -> list[str]:
    """apt options that read and write only under ``state`` (sources, lists, archives, preferences,
    dpkg status), for one architecture, ignoring the host's."""
    (state / "sources.list").write_text(sources)
    for name in ("lists/partial", "archives/partial", "parts", "preferences.d"):
        (state / name).mkdir(parents=True, exist_ok=True)
    for name in ("empty", "extended_states"):
        (state / name).touch()
    return ["-o", f"Dir::Etc::sourcelist={state / 'sources.list'}", "-o", f"Dir::Etc::sourceparts={state / 'parts'}",
            "-o", f"Dir::State::lists={state / 'lists'}", "-o", f"Dir::Cache::archives={state / 'archives'}",
            "-o", f"Dir::Etc::preferences={state / 'preferences'}",
            "-o", f"Dir::Etc::preferencesparts={state / 'preferences.d'}",
            "-o", f"Dir::State::status={state / 'empty'}", "-o", f"Dir::State::extended_states={state / 'extended_states'}",
            "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
            "-o", f"APT::Architecture={host_arch()}", "-o", f"APT::Architectures={host_arch()}",
            "-o", "APT::Sandbox::User=root"]


def ubuntu_keyring(folder: Path) -> Path:
    """Ubuntu's archive keys from Debian's ``ubuntu-keyring`` package (trixie), fetched with apt from
    Debian's own signed lists (the same way tools/buildlab/provision.sh gets them)."""
    keyring = folder / "usr" / "share" / "keyrings" / "ubuntu-archive-keyring.gpg"
    if keyring.is_file():
        return keyring
    state = folder.parent / "debian-trixie-for-keyring"
    state.mkdir(parents=True, exist_ok=True)
    options = private_apt(state, f"deb [signed-by={DEBIAN_KEYRING}] http://deb.debian.org/debian trixie main\n")
    subprocess.run(["apt-get", *options, "update", "-qq"], check=True)
    subprocess.run(["apt-get", *options, "download", "-qq", "ubuntu-keyring"], check=True, cwd=state)
    (deb,) = state.glob("ubuntu-keyring_*.deb")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(folder)], check=True)
    return keyring


def _apt_pkg():  # type: ignore[no-untyped-def]
    """python3-apt's apt_pkg (the host's, beside a virtualenv's Python of the same version)."""
    try:
        import apt_pkg
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import apt_pkg
    return apt_pkg


class Apt:
    """apt's own resolver, in process (python3-apt), against a dpkg status file that holds only a clean
    image of one release. One process and one cache for every package: the previous version ran
    ``apt-get install -s`` twice per package, each loading the whole cache (over an hour under load)."""

    def __init__(self, state: Path, release: Release):
        # The clean image, resolved by apt-get against an empty status (apt_pkg reads the status file
        # once per process, so it must exist before apt_pkg opens a cache).
        options = release.options
        required = self._required(options)
        done = subprocess.run(["apt-get", *options, "-o", "APT::Install-Recommends=false", "install", "-s", "-qq",
                               *required, "apt"], capture_output=True, text=True, check=True)
        self.base = dict(line.split()[1:3] for line in done.stdout.splitlines() if line.startswith("Inst "))
        assert self.base, "cannot resolve the minbase package set"
        pinned = sorted(f"{p}={v.strip('()[]')}" for p, v in self.base.items())
        records = subprocess.run(["apt-cache", *options, "show", "--no-all-versions", *pinned],
                                 capture_output=True, text=True, check=True).stdout
        (state / "status").write_text("".join(
            r.strip("\n").replace("\n", "\nStatus: install ok installed\n", 1) + "\n\n"
            for r in records.split("\n\n") if r.strip()))
        self.apt_pkg = apt_pkg = _apt_pkg()
        apt_pkg.init_config()
        for name, value in (options[i + 1].split("=", 1) for i in range(0, len(options), 2)):
            apt_pkg.config.set(name, value)
        apt_pkg.config.set("Dir::State::status", str(state / "status"))
        apt_pkg.config.set("APT::Install-Suggests", "false")
        apt_pkg.init_system()
        self.opened = {flag: self._open(flag) for flag in (True, False)}

    @staticmethod
    def _required(options: list[str]) -> list[str]:
        """Every package of Priority required (debootstrap's minbase), in any version of the lists."""
        out = subprocess.run(["apt-cache", *options, "dumpavail"], capture_output=True, text=True, check=True).stdout
        required, package = set(), None
        for line in out.splitlines():
            if line.startswith("Package: "):
                package = line.split()[1]
            elif line == "Priority: required" and package:
                required.add(package)
        return sorted(required)

    def _open(self, recommends: bool):  # type: ignore[no-untyped-def]
        """A cache and resolver state whose policy installs recommends or not: apt reads
        APT::Install-Recommends once, when the cache's policy is made."""
        self.apt_pkg.config.set("APT::Install-Recommends", "true" if recommends else "false")
        cache = self.apt_pkg.Cache(None)
        return cache, self.apt_pkg.DepCache(cache)

    def _mark(self, cache, depcache, packages: list[str]) -> dict[str, str] | None:  # type: ignore[no-untyped-def]
        """What ``apt-get install`` would add: mark each package as a user request (with apt's resolver
        when that breaks something), then read the marks; None when apt refuses."""
        apt_pkg = self.apt_pkg
        wanted = []
        for name in packages:
            try:
                package = cache[name]
            except KeyError:
                return None
            if not package.has_versions:  # virtual: apt-get takes its only provider
                providers = {v.parent_pkg.name for _, _, v in package.provides_list}
                if len(providers) != 1:
                    return None
                package = cache[providers.pop()]
            wanted.append(package)
        with apt_pkg.ActionGroup(depcache):
            for package in wanted:
                depcache.mark_install(package, True, True)
        if depcache.broken_count:
            resolver = apt_pkg.ProblemResolver(depcache)
            for package in wanted:
                resolver.protect(package)
            try:
                resolver.resolve(True)
            except SystemError:
                return None
        refused = depcache.broken_count or any(not depcache.marked_install(p) and p.current_ver is None
                                               for p in wanted)
        marked = self._marked(depcache, wanted)
        found = {p.name: depcache.get_candidate_ver(p).ver_str for p in marked}
        if refused:  # a resolver run may have touched anything: start over from the status file
            depcache.init()
            return None
        with apt_pkg.ActionGroup(depcache):  # undo the marks (much cheaper than DepCache.init)
            for package in marked:
                depcache.mark_keep(package)
        assert depcache.inst_count == 0, "marks left behind"
        return found

    @staticmethod
    def _marked(depcache, wanted: list) -> list:  # type: ignore[no-untyped-def]
        """The packages marked for installation: apt marks only what the requests reach through
        dependencies (and providers), so walking those from the requests finds them all without
        visiting the whole archive."""
        seen = {p.id for p in wanted}
        todo, found = list(wanted), []
        while todo:
            package = todo.pop()
            if not (depcache.marked_install(package) or depcache.marked_upgrade(package)):
                continue
            found.append(package)
            version = depcache.get_candidate_ver(package)
            for group in (g for groups in version.depends_list.values() for g in groups):
                for dependency in group:
                    targets = [dependency.target_pkg, *(v.parent_pkg for v in dependency.all_targets())]
                    for target in targets:
                        if target.id not in seen:
                            seen.add(target.id)
                            todo.append(target)
        return found

    def simulate(self, packages: list[str], recommends: bool = True) -> dict[str, str] | None:
        """{package: version} that ``apt-get install`` would add to the clean image, or None."""
        return self._mark(*self.opened[recommends], packages)

    def sizes(self, names: set[str]) -> dict[str, int]:
        """Installed-Size (KiB) of each package's candidate."""
        sizes = {}
        for name in sorted(names):
            cache, depcache = self.opened[False]
            version = depcache.get_candidate_ver(cache[name])
            sizes[name] = version.installed_size // 1024 if version is not None else 0
        return sizes


def host_arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


def generate(packages: list[str], distro: str, version: str, state: Path, keyring: Path | None = None,
             update: bool = True) -> dict:
    """The data file's content; every package resolved twice in one process (about 0.1 s each)."""
    arch = host_arch()
    release = Release(distro, version, state, keyring, update)
    apt = Apt(state, release)
    results = [(p, apt.simulate([p]), apt.simulate([p], recommends=False)) for p in packages]
    sizes = apt.sizes({p for _, default, minimal in results if default and minimal for p in (*default, *minimal)})
    table, unavailable = {}, []
    for package, default, minimal in results:
        if default is None or minimal is None:
            unavailable.append(package)
            continue
        dropped = sorted(set(default) - set(minimal), key=lambda p: (-sizes.get(p, 0), p))
        table[package] = {
            "default": _total(default, sizes),
            "minimal": _total(minimal, sizes),
            "dropped": dropped,
            "installs": sorted(minimal),
        }
    used = {p for entry in table.values() for p in entry["dropped"]}
    for entry in table.values():  # the pass only subtracts installs from dropped sets
        entry["installs"] = [p for p in entry["installs"] if p in used]
    return {
        "source": f"{release.label}, generated {datetime.date.today().isoformat()}"  # shown in risk texts
                  + ("" if release.verified else " (lists not verified)"),
        "generator": "tools/gen_apt_recommends.py",
        "arch": arch,
        "base": f"a clean {distro}:{release.codename if distro == 'debian' else version} "
                f"(minbase: Priority required + apt, {len(apt.base)} packages)",
        "units": "installed_size_kib: Installed-Size in KiB of the dropped packages; mb = KiB / 1024; "
                 "installs: what a package needs without recommends, only the packages some other entry drops",
        "provenance": provenance(release),
        "packages": dict(sorted(table.items())),
        "installed_size_kib": {p: sizes.get(p, 0) for p in sorted(used)},
        "unavailable": sorted(unavailable),
    }


def provenance(release: Release) -> str:
    """Where the lists came from and when (their Release files' dates)."""
    codename, archive, security, components = RELEASES[(release.distro, release.version)]
    return (f"{archive} {codename}, {codename}-updates, {security} {codename}-security ({components}); "
            + ("lists signed by the release's archive keys" if release.verified else "lists NOT verified"))


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
    parser.add_argument("--keyring", type=Path, help="keyring that signs the release (default for Ubuntu: "
                        "Debian's ubuntu-keyring package, fetched from Debian)")
    parser.add_argument("--state", type=Path, help="apt lists kept between runs (default: "
                        "~/.cache/dockeropt/apt-recommends/<distro>-<version>)")
    parser.add_argument("--no-update", action="store_true", help="use the lists in --state as they are")
    parser.add_argument("--out", type=Path, help="default: optimizer/data/apt_recommends_<distro>-<version>.json")
    parser.add_argument("--top", type=int, default=0, help="only the N most used corpus packages (0: all)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    seen_in = corpus_packages(args.corpus)
    ranked = [p for p, _ in seen_in.most_common(args.top or None)]
    packages = list(dict.fromkeys([*ranked, *EXTRAS]))
    distro, version = _release(args.release)
    state = args.state or Path.home() / ".cache" / "dockeropt" / "apt-recommends" / f"{distro}-{version}"
    data = generate(packages, distro, version, state, args.keyring, update=not args.no_update)
    args.out = args.out or DATA_DIR / f"apt_recommends_{distro}-{version}.json"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(data))
    table = data["packages"]
    print(f"{len(table)} packages written to {args.out} in {time.monotonic() - started:.0f} s; "
          f"unavailable: {', '.join(data['unavailable'])}")
    for name in ("openjdk-17-jdk", "openjdk-17-jdk-headless", "openjdk-17-jre-headless", "curl", "git"):
        if name in table:
            d, m = table[name]["default"], table[name]["minimal"]
            print(f"{name}: {d['packages']} pkgs {d['mb']} MB default vs {m['packages']} pkgs {m['mb']} MB "
                  f"without recommends")
    return 0


if __name__ == "__main__":
    sys.exit(main())
