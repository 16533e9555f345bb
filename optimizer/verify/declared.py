"""What each applied pass declares it may change in the image's files, as a predicate over image paths.

A pass (``Pass.image_changes``) or one fix (``Fix.image_changes``) lists absolute glob patterns
(``/var/lib/apt/lists/**``, see ``globs``) and named scopes that verify computes from the evidence:

- ``copied-context``: the build-context files whose copy into the image the rewrite adds, drops or
  changes (what a new ``.dockerignore`` excludes, what a narrowed COPY leaves out, the ``.dockerignore``
  itself), at any image path that ends with their context path;
- ``packages-not-installed``: the files of the Debian packages the original image has and the rewritten
  one lacks (their ``/var/lib/dpkg/info/<package>.list``), with dpkg's, debconf's and apt's own databases
  (apt's ``extended_states`` marks automatically installed packages), the
  alternatives links and ``/etc/ld.so.cache``; and the files those packages' maintainer scripts generate
  (dpkg does not list them) where the original image's dpkg database shows a script writing them
  (``maintscripts``: the script names the path or runs a tool known to write it, or adds the account
  entries that differ); any other generated file stays undeclared;
- ``packages-upgraded``: the files of the Debian packages both images have at different versions (their
  ``/var/lib/dpkg/info/<package>.list`` in either image), with dpkg's, debconf's and apt's own databases, and
  what either version's maintainer scripts write by name or with a known tool (naming an installed package in
  ``apt-get install`` upgrades it to the candidate, where a satisfied recommends leaves it as it is);
- ``new-root``: every path but those the final stage copies from other stages or the context (the final
  image starts from another base image; what the rewrite carries over must still be the same, but for
  the globs declared beside it).

The rewritten Dockerfile itself is a declared difference wherever a COPY put it (``DOCKERFILE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from ..facts.copies import is_copy, landing
from ..model import Dockerfile
from ..record import record
from .filesystem import Snapshot
from .globs import Matcher, matcher
from .maintscripts import Generated, written_by

DOCKERFILE = "Dockerfile"  # the declarer of the Dockerfile's own copies in the image
SCOPES = {
    "copied-context": "the build-context files the rewrite copies differently, wherever a COPY put them",
    "packages-not-installed": "the files of the Debian packages the rewritten image no longer installs, and those "
                              "their maintainer scripts wrote, where the original image's dpkg database shows it",
    "packages-upgraded": "the files of the Debian packages both images have at different versions, and those their "
                         "maintainer scripts write (either version's)",
    "new-root": "every file but those the final stage copies: the final image starts from another base image",
}
DPKG_STATE = ("/var/lib/dpkg/**", "/var/lib/apt/extended_states", "/var/cache/debconf/**", "/etc/alternatives/**",
              "/etc/ld.so.cache")

_dpkg_state = matcher(DPKG_STATE)


@record
class Evidence:
    """What the scopes are computed from: both images' files and the context files copied differently."""

    original: Snapshot
    rewritten: Snapshot
    copied_context: frozenset[str]  # context paths ("src/app.py") copied by one build and not the other, or changed
    dockerfile: str | None = None  # the Dockerfile's context path when it is in the context and was rewritten
    carried: tuple[str, ...] = ()  # where the rewritten final stage's COPY/ADD land (absolute image paths)

    @cached_property
    def generated(self) -> Generated:
        """What the maintainer scripts of the packages only the original image has generate."""
        return Generated(self.original, self.rewritten, installed(self.original) - installed(self.rewritten))


def check_declaration(item: str) -> None:
    """Raise ValueError unless ``item`` is a known scope or a valid absolute glob (``!`` allowed)."""
    if item not in SCOPES:
        matcher((item,))


def declared_paths(items: Iterable[str], evidence: Evidence) -> Matcher:
    """The image paths that ``items`` (globs and scopes of one pass) cover, given the evidence."""
    items = tuple(items)
    tests = [matcher(i for i in items if i not in SCOPES)]
    if "new-root" in items:  # the globs still count: a fix may declare paths its runtime stage copies too
        tests.append(lambda path: not any(path == kept or path.startswith(kept + "/") for kept in evidence.carried))
    if "copied-context" in items:
        tests.append(_suffix_of(evidence.copied_context))
    if "packages-not-installed" in items:
        tests += [_dpkg_state, _listed(evidence), lambda path: evidence.generated.why(path) is not None]
    if "packages-upgraded" in items:
        upgraded = upgraded_packages(evidence)
        scripts = written_by((evidence.original, evidence.rewritten), upgraded)
        tests += [_dpkg_state, _listed_in((evidence.original, evidence.rewritten), upgraded),
                  lambda path: scripts(path) is not None]
    return lambda path: any(test(path) for test in tests)


def generated_files(paths: Iterable[str], evidence: Evidence) -> tuple[tuple[str, str], ...]:
    """Of ``paths`` (differences a pass declares with ``packages-not-installed``), those that only the removed
    packages' maintainer scripts explain (dpkg does not list them), each with how."""
    listed = _listed(evidence)
    found = ((path, evidence.generated.why(path)) for path in paths if not listed(path) and not _dpkg_state(path))
    return tuple((path, why) for path, why in found if why)


def carried(doc: Dockerfile, target: str | None = None) -> tuple[str, ...]:
    """Where the COPY/ADD instructions of the image's stage (the final one, or ``target``) land (those whose
    landing is known)."""
    stage = doc.stage_named(target) if target else doc.stages[-1] if doc.stages else None
    found = (landing(doc, inst) for inst in (stage.instructions if stage else ()) if is_copy(inst))
    return tuple(path for path in found if path)


def rewritten_dockerfile(evidence: Evidence) -> Matcher:
    """The image paths where a COPY of the Dockerfile's folder put the (rewritten) Dockerfile."""
    return _suffix_of(frozenset({evidence.dockerfile} if evidence.dockerfile else ()))


def _suffix_of(context_paths: frozenset[str]) -> Matcher:
    """Image paths ending with one of the context paths, or with a folder holding one."""
    tails = {"/".join(parts[:n]) for parts in (p.split("/") for p in context_paths) for n in range(1, len(parts) + 1)}

    def matches(path: str) -> bool:
        parts = path.strip("/").split("/")
        return any("/".join(parts[i:]) in tails for i in range(len(parts)))

    return matches


def _listed(evidence: Evidence) -> Matcher:
    """The files dpkg lists for the packages installed in the original image only."""
    return _listed_in((evidence.original,), installed(evidence.original) - installed(evidence.rewritten))


def _listed_in(snapshots: Iterable[Snapshot], packages: set[str]) -> Matcher:
    """The files dpkg lists for ``packages`` in any of ``snapshots``."""
    files: set[str] = set()
    for snapshot in snapshots:
        for path, text in snapshot.texts.items():
            name = path.rsplit("/", 1)[-1].removesuffix(".list").split(":")[0]
            if path.endswith(".list") and name in packages:
                files.update(line for line in text.splitlines() if line.startswith("/"))
    return files.__contains__


def installed(snapshot: Snapshot) -> set[str]:
    """The packages dpkg's status file marks installed (``Status: install ok installed``)."""
    return set(versions(snapshot))


def versions(snapshot: Snapshot) -> dict[str, str]:
    """The installed packages (``Status: install ok installed``) with their versions, from dpkg's status file."""
    found: dict[str, str] = {}
    package, version, ok = "", "", False
    for line in (*snapshot.texts.get("/var/lib/dpkg/status", "").splitlines(), ""):
        if line.startswith("Package:"):
            package = line.split(":", 1)[1].strip()
        elif line.startswith("Version:"):
            version = line.split(":", 1)[1].strip()
        elif line.startswith("Status:"):
            ok = line.split()[-1] == "installed"
        elif not line.strip():  # the end of a record
            if package and ok:
                found[package] = version
            package, version, ok = "", "", False
    return found


def upgraded_packages(evidence: Evidence) -> set[str]:
    """The packages both images have installed, at different versions."""
    before, after = versions(evidence.original), versions(evidence.rewritten)
    return {name for name in before.keys() & after.keys() if before[name] != after[name]}
