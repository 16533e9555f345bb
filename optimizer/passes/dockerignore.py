"""DO204 dockerignore: create or extend ``.dockerignore`` so the build context leaves out what the
build never needs: version control, dependency and build-output directories, editor files, local
secrets, and the Dockerfile itself.

Rationale: ``docker build`` sends the context to the builder, and ``COPY . <dest>`` copies all of
it into the image. Without a ``.dockerignore`` that means ``.git`` (often the largest directory of a
checkout), the host's ``node_modules`` (built for another OS, and copied *over* what ``npm ci``
just installed), ``target/``/``build/`` leftovers, IDE settings and a developer's ``.env`` or keys:
larger contexts, cache misses on every commit (any file change invalidates ``COPY .``) and secrets
baked into layers. A short ``.dockerignore`` naming only what exists fixes all of that.

What the pass writes: one block, headed ``# added by dockeropt``, grouped by kind, listing only
paths that exist in the context and are not excluded already. A new file is a new-file diff; an
existing file (``.dockerignore``, or the ``<Dockerfile>.dockerignore`` BuildKit prefers) keeps every
byte and line ending and gets the block appended. The kinds:

- version control: ``.git`` (directory, or the file of a worktree/submodule), ``.svn``, ``.hg``;
- dependencies: ``node_modules``, virtualenvs (``.venv``/``venv`` holding ``pyvenv.cfg``),
  ``__pycache__``, ``.gradle``, ``.m2``;
- build output, only where a manifest beside it says it is one: ``target`` (pom.xml, Cargo.toml,
  build.sbt), ``build`` (build.gradle[.kts], settings.gradle[.kts]), ``dist`` (package.json,
  setup.py, pyproject.toml), ``out`` (package.json). A bare ``build/`` is often source (a Go
  package, webpack config) and is never touched;
- editor and OS files: ``.idea``, ``.vscode``, ``*.iml``, ``.DS_Store``;
- local secrets: ``.env`` and ``.env.<name>`` (not the ``.example``/``.sample``/``.template``/
  ``.dist`` templates meant to be shared), ``*.pem``, ``*.key``, ``id_rsa``, ``id_ed25519``,
  ``id_ecdsa``, ``id_dsa``, ``.pypirc`` (twine's upload credentials; pip never reads it), each by
  its exact path. Keys under ``test/``, ``tests/``, ``testdata/``, ``fixtures/`` ... are fixtures
  the tests read, not secrets. ``.npmrc`` is listed only where no COPY carries it: npm reads it
  (registry, auth, flags) when it is copied. ``.p12``/``.jks`` keystores are left alone: Java images
  copy them on purpose;
- the Dockerfile(s) at the root and ``.dockerignore`` itself, only when a broad COPY would put
  them in the image (the builder reads both whether or not they are excluded).

What is never excluded (each is a test):
- anything a COPY/ADD (or a ``RUN --mount=type=bind`` without ``from``) of the Dockerfile names:
  a literal source, a parent of one, or what a wildcard source matches (BuildKit's
  ``CopyIgnoredFile``); sources with variables are expanded from ENV and ARG defaults, and a source
  we cannot expand protects everything but VCS and editor files. The finished file is checked
  against every source with Docker's own matching (``IgnoreMatcher``) and an entry that would
  exclude one is dropped; the pipeline's post-check repeats the test on the final Dockerfile;
- what a broad (or directory) COPY carries and the build then reads: ``.git`` when a RUN runs git or
  a manifest uses git at build time (git-commit-id/buildnumber Maven plugins, Gradle git-version
  plugins, husky, setuptools-scm, versioneer, pbr, hatch-vcs, vergen ...); build output unless a
  RUN after the COPY, in the same stage, makes it again (``mvn package``/``install``..., not
  ``dependency:go-offline``; a Gradle task other than clean/dependencies; ``npm run build``,
  ``python -m build``, ``tsc`` ...); ``node_modules``/virtualenvs unless the stage installs
  dependencies itself (``npm ci``/``install``, a bare ``yarn``, ``pnpm install``, ``pip install``,
  ``poetry install``, ``python -m venv`` ...; a global ``npm install -g`` does not count); anything a
  RUN, CMD, ENTRYPOINT, ENV, WORKDIR ... names by a path component (``venv/bin/python``,
  ``-Dmaven.repo.local=.m2``, ``cat .env``); a RUN we cannot read as shell is judged by its words;
- what the user's ``!`` exceptions re-include (appended lines come last and would win).

Other Dockerfiles in the context share the file: the readable ones are checked the same way (an
entry must be safe for each; Dockerfiles inside ``node_modules`` or ``.git`` do not count); when
some cannot be read, the fix is UNSAFE. When BuildKit would read a ``<Dockerfile>.dockerignore``
beside the Dockerfile instead, that file is the one extended. The pass stays silent for an unknown
context, an invalid existing ignore file (Docker fails on it; extending it would not help), an
ignore file outside the context, or a listing with a ``*.dockerignore`` of unknown ownership. A
``**/name`` line is used when every path of that name in the context goes (never for a truncated
listing), else one line per path; paths that would need escaping are left alone.

Safety: SAFE when nothing excluded is copied by the build, or what is copied is rebuilt or
reinstalled by it. UNSAFE (a separate finding extending the SAFE file): secrets a broad COPY puts in
the image (the application may read ``.env``/certificates at build or run time: dotenv, Next.js,
TLS settings; give them at run time or with ``RUN --mount=type=secret`` instead), ``.git`` when a
``go build`` follows (Go stamps ``vcs.revision`` into binaries from it), and everything when other
Dockerfiles of the context cannot be read.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import Iterator

from ..context.dockerignore import DockerignoreError, IgnoreMatcher, parse_patterns
from ..facts.context_use import ContextUse, ignores, newly_excluded_sources
from ..facts.copies import copy_sources
from ..model import Dockerfile, parse
from .base import Example, Finding, Fix, NewFile, Pass, Safety

HEADER = "# added by dockeropt"

# Kinds, in the order their groups appear, with the comment heading each group.
KINDS = {
    "vcs": "version control",
    "deps": "dependencies and caches (the build installs its own)",
    "output": "build output (the build makes its own)",
    "ide": "editor and OS files",
    "secret": "local secrets and credentials: keep them out of builders and images",
    "build-file": "build files (the builder reads them anyway)",
}

_VCS = {".git": "git", ".svn": "svn", ".hg": "hg"}
_DEP_DIRS = ("node_modules", ".venv", "venv", "__pycache__", ".gradle", ".m2")
_OUTPUTS = {
    "target": ("pom.xml", "Cargo.toml", "build.sbt"),
    "build": ("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"),
    "dist": ("package.json", "setup.py", "pyproject.toml"),
    "out": ("package.json",),
}
_IDE_DIRS = (".idea", ".vscode")
_SECRET_NAMES = ("id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", ".pypirc", ".npmrc")
_ENV_TEMPLATES = ("example", "sample", "template", "dist", "defaults", "tmpl", "tpl")
_DIR_NAMES = frozenset((*_VCS, *_DEP_DIRS, *_OUTPUTS, *_IDE_DIRS))
# Keys and certificates under these directories are test fixtures the project keeps on purpose.
_FIXTURE_DIRS = frozenset(("test", "tests", "testdata", "test-data", "fixtures", "__fixtures__", "__tests__",
                           "spec", "specs", "testing"))

# Commands that make a build-output directory again, or install dependencies: (program, args) -> bool.
_NODE = frozenset(("npm", "yarn", "pnpm", "npx", "bun"))
_MVN_PHASES = frozenset(("compile", "test-compile", "test", "package", "verify", "install", "deploy"))
_GRADLE_NON_BUILDING = frozenset(("clean", "dependencies", "help", "tasks", "properties", "projects"))


def _positional(args: tuple[str, ...]) -> list[str]:
    return [a for a in args if not a.startswith("-")]


def _makes_target(program: str, args: tuple[str, ...]) -> bool:
    if program in ("mvn", "mvnw"):
        return any(a in _MVN_PHASES or a.endswith((":repackage", ":build", ":jar", ":war")) for a in args)
    if program == "cargo":
        return any(a in ("build", "install", "test") for a in args[:2])
    return program == "sbt" and bool(_positional(args))


def _makes_build(program: str, args: tuple[str, ...]) -> bool:
    return program in ("gradle", "gradlew") and any(a not in _GRADLE_NON_BUILDING for a in _positional(args))


def _makes_dist(program: str, args: tuple[str, ...]) -> bool:
    if program in _NODE:
        return any(a in ("build", "dist", "pack", "prepare", "prepack") for a in args)
    if program == "python":
        return "build" in args[:2] or "setup.py" in args
    if program in ("poetry", "hatch", "uv", "pdm"):
        return "build" in args[:1]
    return program in ("tsc", "vite", "webpack", "rollup", "parcel", "ng") and (program != "ng" or "build" in args)


def _makes_out(program: str, args: tuple[str, ...]) -> bool:
    return (program in _NODE and any(a in ("build", "export") for a in args)) or (
        program == "next" and any(a in ("build", "export") for a in args))


def _installs_node(program: str, args: tuple[str, ...]) -> bool:
    if program not in _NODE or any(a in ("-g", "--global", "global") for a in args):
        return False
    if program == "yarn" and not _positional(args):
        return True  # a bare `yarn` installs
    return any(a in ("install", "i", "ci", "add") for a in _positional(args)[:1])


def _installs_python(program: str, args: tuple[str, ...]) -> bool:
    first = _positional(args)[:1]
    if program == "pip":
        return first == ["install"]
    if program in ("poetry", "pipenv", "uv", "pdm"):
        return bool(first) and first[0] in ("install", "sync", "pip", "venv")
    if program == "python":
        return "venv" in args[:2] or "virtualenv" in args[:2]
    return program == "virtualenv"


def _stamps_vcs(program: str, args: tuple[str, ...]) -> bool:
    """``go build`` and friends stamp the commit from .git into the binary (unless -buildvcs=...)."""
    return (program == "go" and bool(args) and args[0] in ("build", "install", "run", "test", "generate")
            and not any(a.startswith("-buildvcs") for a in args))


_PRODUCERS = {"target": _makes_target, "build": _makes_build, "dist": _makes_dist, "out": _makes_out}
_INSTALLERS = {"node_modules": _installs_node, ".venv": _installs_python, "venv": _installs_python}
# Manifest text that shows the build reads version control (a git plugin or versioning from tags).
_VCS_FILES = ("pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
              "package.json", "pyproject.toml", "setup.py", "setup.cfg", "Cargo.toml")
_VCS_MARKERS = ("git-commit-id", "buildnumber-maven-plugin", "jgit", "git-properties", "gitproperties",
                "git-version", "gitversion", "grgit", "axion-release", "nebula.release", "jgitver",
                "husky", "simple-git", "git-rev", "setuptools_scm", "setuptools-scm", "versioneer",
                "hatch-vcs", "dunamai", "pbr", "dynamic-versioning", "vergen", "git describe",
                "git rev-parse")
_PATTERN_SPECIALS = frozenset("*?[]\\")
_MAX_SIBLINGS = 20


# The pass ------------------------------------------------------------------------------------------


def check(doc: Dockerfile, context, config) -> Iterator[Finding]:
    if not context.known or not doc.stages or context.dockerignore_error:
        return
    path = context.dockerignore_path
    if path.startswith("../") or (context.dockerfile is None and _other_ignore_files(context, path)):
        return
    original = context.dockerignore_text if path in context.files else None
    if path in context.files and original is None:
        return  # there is one, but too large or unreadable to extend safely
    readers, unread = _readers(doc, context)
    plan = _plan(readers, unread, context, path, original or "")
    if not plan:
        return
    safe = [e for e in plan if e.safety is Safety.SAFE]
    unsafe = [e for e in plan if e.safety is not Safety.SAFE]
    if not any(e.kind != "build-file" for e in safe):
        unsafe, safe = safe + unsafe, []
        if not any(e.kind != "build-file" for e in unsafe):
            return
    newline = _newline(original)
    line = _anchor_line(doc)
    base = original
    if safe:
        text = _append(original, _block(safe, newline, header=True), newline)
        yield PASS.finding(line, _message(path, original, safe),
                           Fix((), Safety.SAFE, files=(NewFile(path, text, original),)))
        base = text
    if unsafe:
        block = _block(unsafe, newline, header=not safe)
        text = base + block if safe else _append(original, block, newline)
        risks = list(dict.fromkeys(e.risk for e in unsafe if e.risk))
        yield PASS.finding(line, _message(path, base, unsafe, also=bool(safe)),
                           Fix((), Safety.UNSAFE, files=(NewFile(path, text, base),)), risk="; ".join(risks))


# The Dockerfiles sharing the context ---------------------------------------------------------------


def _readers(doc: Dockerfile, context) -> tuple[list[ContextUse], list[str]]:
    """This Dockerfile and the other Dockerfiles of the context (parsed when readable), and the
    other Dockerfiles that could not be read."""
    readers = [ContextUse(doc)]
    ours = _our_path(context)
    others = [p for p in context.files if _dockerfile_like(posixpath.basename(p)) and p != ours and _project_file(p)]
    unread, found_ours = [], False
    for path in others[:_MAX_SIBLINGS]:
        text = context.read_text(path)
        if text == doc.text:
            found_ours = True
            continue
        other = parse(text) if text is not None else None
        if other is None or other.problems or not other.stages:
            unread.append(path)
        else:
            readers.append(ContextUse(other))
    unread += others[_MAX_SIBLINGS:]
    if ours is None and not found_ours and unread:
        # A listing does not say which file this Dockerfile is: one of those we could not read.
        if len(unread) == 1:
            unread = []
    return readers, unread


def _project_file(path: str) -> bool:
    """Not inside a dependency or VCS directory (a package's own Dockerfile or manifest)."""
    return not any(part in _VCS or part in _DEP_DIRS for part in path.split("/")[:-1])


def _our_path(context) -> str | None:
    if context.dockerfile is None or context.root is None:
        return None
    rel = os.path.relpath(os.path.abspath(context.dockerfile), os.path.abspath(context.root))
    return None if rel.startswith("..") else rel.replace(os.sep, "/")


def _dockerfile_like(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(".dockerignore"):
        return False
    return (lower in ("dockerfile", "containerfile") or lower.startswith(("dockerfile.", "dockerfile-", "dockerfile_",
                                                                           "containerfile."))
            or lower.endswith((".dockerfile", ".containerfile")))


def _other_ignore_files(context, path: str) -> bool:
    """A ``<Dockerfile>.dockerignore`` exists but we do not know which Dockerfile is ours."""
    return any(p.endswith(".dockerignore") and posixpath.basename(p) != ".dockerignore" and p != path
               for p in context.files)


# Planning ------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of the block: a pattern, what it leaves out, and how safe leaving it out is."""

    pattern: str
    kind: str
    paths: list[str]
    files: int = 0
    size: int = 0
    safety: Safety = Safety.SAFE
    risk: str = ""


@dataclass
class _Occurrence:
    path: str
    name: str
    kind: str
    is_dir: bool
    files: list[str] = field(default_factory=list)


def _occurrences(context) -> dict[str, _Occurrence]:
    """Every path of the context whose name is a candidate, with the files under it (outermost only)."""
    found: dict[str, _Occurrence] = {}
    for path in context.files:
        parts = path.split("/")
        for i, name in enumerate(parts):
            is_dir = i < len(parts) - 1
            kind = _kind(name, is_dir, root=i == 0)
            if kind is None:
                continue
            key = "/".join(parts[:i + 1])
            occ = found.get(key)
            if occ is None:
                occ = found[key] = _Occurrence(key, name, kind, is_dir)
            occ.files.append(path)
            break
    return found


def _kind(name: str, is_dir: bool, root: bool = False) -> str | None:
    if root and not is_dir and (name.endswith(".dockerignore") or _dockerfile_like(name)):
        return "build-file"
    if name in _VCS:
        return "vcs"
    if is_dir:
        if name in _DEP_DIRS:
            return "deps"
        if name in _OUTPUTS:
            return "output"
        if name in _IDE_DIRS:
            return "ide"
        return None
    if name == ".DS_Store" or name.endswith(".iml"):
        return "ide"
    if name in _SECRET_NAMES or name.endswith((".pem", ".key")) or _is_env_file(name):
        return "secret"
    return None


def _is_env_file(name: str) -> bool:
    if name == ".env":
        return True
    if not name.startswith(".env."):
        return False
    return not any(part in _ENV_TEMPLATES for part in name[5:].lower().split("."))


def _plan(readers: list[ContextUse], unread: list[str], context, path: str, original: str) -> list[Entry]:
    """The entries to add, each judged for every Dockerfile that shares the context."""
    try:
        existing = IgnoreMatcher.from_text(original)
        exceptions = IgnoreMatcher.from_text("\n".join(p.text for p in parse_patterns(original) if p.exclusion))
    except DockerignoreError:
        return []
    has_exceptions = bool(exceptions.patterns)
    occurrences = _occurrences(context)
    verdicts: dict[str, tuple[Safety, str] | None] = {}
    vcs_read = _manifests_read_vcs(context)
    unread_risk = ("other Dockerfiles of the context share this file and could not be read: "
                   + ", ".join(unread[:3]) + (", ..." if len(unread) > 3 else "")) if unread else ""
    for occ in occurrences.values():
        verdict = _judge(occ, readers, context, vcs_read)
        if verdict is not None and not _expressible(occ.path):
            verdict = None
        if verdict is not None and unread:
            verdict = (Safety.UNSAFE, unread_risk)
        if verdict is not None:
            remaining = [f for f in occ.files if not existing.matches(f)] if existing.patterns else occ.files
            if not remaining or (has_exceptions and any(exceptions.matches(f) for f in remaining)):
                verdict = None
            else:
                occ.files = remaining
        verdicts[occ.path] = verdict
    entries = _group(occurrences, verdicts, context)
    if path not in context.files and "/" not in path and _root_is_carried(readers) \
            and not any(path in r.words for r in readers):  # the file we create would be copied too
        entries.append(Entry(path, "build-file", [path], safety=Safety.UNSAFE if unread else Safety.SAFE,
                             risk=unread_risk))
    return _guard(entries, readers, context, original)


def _expressible(path: str) -> bool:
    """The path can be written as an ignore line as it is (no wildcard, escape, comment or '!')."""
    return not (_PATTERN_SPECIALS.intersection(path) or path[:1] in ("#", "!") or path != path.strip())


def _judge(occ: _Occurrence, readers: list[ContextUse], context, vcs_read: bool) -> tuple[Safety, str] | None:
    """The safety of leaving ``occ`` out, for every Dockerfile (None: keep it)."""
    worst: tuple[Safety, str] = (Safety.SAFE, "")
    if occ.kind == "output" and not _is_output(occ, context):
        return None
    if occ.name in (".venv", "venv") and f"{occ.path}/pyvenv.cfg" not in context.files:
        return None
    if occ.kind == "secret" and _FIXTURE_DIRS.intersection(occ.path.split("/")[:-1]):
        return None
    if occ.kind == "secret" and occ.name == ".npmrc":
        kind = "npmrc"
    else:
        kind = occ.kind
    for reader in readers:
        verdict = _judge_for(occ, kind, reader, vcs_read)
        if verdict is None:
            return None
        if verdict[0].rank > worst[0].rank:
            worst = verdict
    return worst


def _judge_for(occ: _Occurrence, kind: str, reader: ContextUse, vcs_read: bool) -> tuple[Safety, str] | None:
    named, carriers = reader.relation(occ.path, wild_names=occ.kind not in ("vcs", "ide"))
    if named:
        return None
    if not carriers:
        return (Safety.SAFE, "") if kind != "build-file" else None
    mentioned = occ.name in reader.words
    if kind == "vcs":
        if mentioned or vcs_read or reader.runs_program(_VCS[occ.name]):
            return None
        if occ.name == ".git" and any(reader.runs_after(c, _stamps_vcs) for c in carriers):
            return Safety.UNSAFE, ("`go build` stamps the commit from .git into the binary (vcs.revision "
                                   "in debug.ReadBuildInfo); without .git it is not stamped")
        return Safety.SAFE, ""
    if kind == "output":
        test = _PRODUCERS[occ.name]
        return (Safety.SAFE, "") if all(reader.runs_after(c, test) for c in carriers) else None
    if kind == "deps":
        if occ.name in _INSTALLERS:
            ok = all(reader.runs_in_stage(c, _INSTALLERS[occ.name]) for c in carriers)
        elif occ.name == "__pycache__":
            ok = True
        else:
            ok = not mentioned
        return (Safety.SAFE, "") if ok else None
    if kind == "npmrc":
        return None  # npm reads it once a COPY carries it
    if mentioned:
        return None
    if kind == "secret":
        return Safety.UNSAFE, (f"{occ.path} is copied into the image by a broad COPY today; the application "
                               "may read it at build or run time (dotenv, Next.js, TLS settings): provide it at "
                               "run time or with RUN --mount=type=secret instead")
    return Safety.SAFE, ""


def _is_output(occ: _Occurrence, context) -> bool:
    parent = posixpath.dirname(occ.path)
    return any(posixpath.join(parent, manifest) in context.files for manifest in _OUTPUTS[occ.name])


def _manifests_read_vcs(context) -> bool:
    """A build manifest uses version control at build time (a git plugin, versions from tags)."""
    paths = sorted((p for p in context.files if posixpath.basename(p) in _VCS_FILES and _project_file(p)),
                   key=lambda p: p.count("/"))[:50]
    for path in paths:
        text = (context.read_text(path) or "").lower()
        if any(marker in text for marker in _VCS_MARKERS):
            return True
    return False


def _root_is_carried(readers: list[ContextUse]) -> bool:
    return any(s.kind == "broad" for r in readers for s in r.sources)


def _group(occurrences: dict[str, _Occurrence], verdicts, context) -> list[Entry]:
    """One ``**/name`` line where every occurrence of a name goes, else one line per path."""
    by_name: dict[str, list[_Occurrence]] = {}
    for occ in occurrences.values():
        by_name.setdefault(occ.name, []).append(occ)
    entries = []
    for name, group in by_name.items():
        kept = [o for o in group if verdicts[o.path] is not None]
        if not kept:
            continue
        wildcard_ok = (len(kept) == len(group) and not context.truncated and not any(c in _PATTERN_SPECIALS for c in name)
                       and (name in _DIR_NAMES or name in (".DS_Store", ".env")))
        if wildcard_ok and (len(kept) > 1 or "/" in kept[0].path):
            chunks = [(f"**/{name}", kept)]
        else:
            chunks = [(o.path, [o]) for o in kept]
        for pattern, occs in chunks:
            safety, risk = max((verdicts[o.path] for o in occs), key=lambda v: v[0].rank)
            entries.append(Entry(pattern, occs[0].kind, [o.path for o in occs],
                                 sum(len(o.files) for o in occs),
                                 sum(context.files.get(f, 0) for o in occs for f in o.files), safety, risk))
    return entries


def _guard(entries: list[Entry], readers: list[ContextUse], context, original: str) -> list[Entry]:
    """Drop any entry that would exclude a COPY/ADD source (Docker's own matching decides)."""
    while entries:
        text = _append(original, _block(entries, "\n", header=True), "\n")
        excluded = [(reader, source) for reader in readers
                    for source in newly_excluded_sources(reader.doc, context, original, text)]
        if not excluded:
            return entries
        bad = {e.pattern for e in entries for reader, source in excluded if _entry_excludes(e, source, reader, context)}
        if not bad:
            return []  # no single line is to blame: write nothing rather than guess
        entries = [e for e in entries if e.pattern not in bad]
    return entries


def _entry_excludes(entry: Entry, written: str, reader: ContextUse, context) -> bool:
    """Does this entry alone exclude the source ``written``?"""
    matcher = IgnoreMatcher.from_text(entry.pattern)
    return any(ignores(matcher, p) for source in reader.sources if source.written == written
               for p in source.paths_in(context))


# Text ----------------------------------------------------------------------------------------------


def _newline(original: str | None) -> str:
    if not original:
        return "\n"
    crlf = original.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= original.count("\n") else "\n"


def _block(entries: list[Entry], newline: str, *, header: bool) -> str:
    lines = [HEADER] if header else []
    for kind, heading in KINDS.items():
        group = sorted((e.pattern for e in entries if e.kind == kind), key=lambda p: p == ".dockerignore")
        if group:
            lines.append(f"# {heading}")
            lines.extend(group)
    return "".join(line + newline for line in lines)


def _append(original: str | None, block: str, newline: str) -> str:
    """``original`` with ``block`` after it: a line ending added if missing, and a blank line
    between the user's lines and ours."""
    if not original:
        return block
    text = original if original.endswith("\n") else original + newline
    if text.strip() and not text.endswith(("\n\n", "\n\r\n")):
        text += newline
    return text + block


def _message(path: str, original: str | None, entries: list[Entry], *, also: bool = False) -> str:
    items = []
    for entry in sorted(entries, key=lambda e: list(KINDS).index(e.kind)):
        what = f"{entry.files} file{'s' * (entry.files != 1)}"
        if entry.size:
            what += f", {_bytes(entry.size)}"
        items.append(f"{entry.pattern} ({what})" if entry.files else entry.pattern)
    files = sum(e.files for e in entries)
    total = sum(e.size for e in entries)
    verb = "extend" if original is not None else "create"
    head = f"also leave out {', '.join(items)} in {path}" if also else f"{verb} {path} to leave out {', '.join(items)}"
    message = (f"{head}: "
               f"{files} file{'s' * (files != 1)}{f', {_bytes(total)}' if total else ''} less in the build context")
    if any(e.kind == "secret" for e in entries):
        message += "; local secrets and keys must never reach a builder or an image"
    return message


def _bytes(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def _anchor_line(doc: Dockerfile) -> int:
    """The first instruction that reads the context (a suppression comment goes above it)."""
    for copy in copy_sources(doc):
        if copy.from_context and copy.inst.trigger is None:
            return copy.inst.start_line
    return doc.stages[0].from_.start_line


PASS = Pass(
    image_changes=("copied-context",),
    id="DO204",
    name="dockerignore",
    title="Create or extend .dockerignore with what the build never needs",
    what=("Creates `.dockerignore` (or appends to it) with the paths of the context the build never needs: "
          "`.git`, `node_modules`, `target`/`build`/`dist` where a manifest marks them as output, IDE files, "
          "`.env` and keys, and the Dockerfile itself. Only paths that exist are listed, never one a COPY/ADD "
          "names or the build reads."),
    why=("Everything in the context is sent to the builder and `COPY .` puts it in the image: a large `.git`, "
         "the host's `node_modules` copied over the freshly installed one, stale build output, and local "
         "secrets baked into a layer. Every commit also invalidates the `COPY .` layer through `.git`."),
    safety=Safety.SAFE,
    safety_notes=("SAFE when nothing left out is copied, or what is copied is rebuilt/reinstalled by the build. "
                  "Secrets a broad COPY carries into the image (the app may read `.env` or certificates), `.git` "
                  "before `go build` (VCS stamping), and contexts whose other Dockerfiles cannot be read are "
                  "UNSAFE, as a separate extension of the file. Never: a COPY/ADD source (checked with Docker's "
                  "matching, as BuildKit's CopyIgnoredFile), `.git` when a RUN runs git or a manifest uses a git "
                  "plugin, output without a RUN that rebuilds it, a path a RUN/CMD/ENV names, a path the user's "
                  "`!` lines re-include. An existing file is only appended to."),
    examples=(Example(
        before=("# context: .git/ node_modules/ .env package.json package-lock.json src/\n"
                "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"src/index.js\"]\n"),
        after=("# new file .dockerignore\n# added by dockeropt\n# version control\n.git\n"
               "# dependencies and caches (the build installs its own)\nnode_modules\n"
               "# build files (the builder reads them anyway)\nDockerfile\n.dockerignore\n"
               "# (with --unsafe) local secrets and credentials: keep them out of builders and images\n.env\n")),),
    check=check,
)
