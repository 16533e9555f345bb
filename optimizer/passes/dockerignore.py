"""DO204 dockerignore: create or extend .dockerignore with what the build never needs (documented in PASS)."""

from __future__ import annotations

import json
import os
import posixpath
import re
from typing import TYPE_CHECKING, Callable, Iterator

from ..context.dockerignore import DockerignoreError, IgnoreMatcher, parse_patterns
from ..facts.context_use import ContextUse, ignores, newly_excluded_sources
from ..facts import js_output
from ..facts.copies import copy_sources
from ..facts.vcs_use import READS, UNKNOWN, VCS_MARKERS, git_use
from ..model import Dockerfile, parse
from ..record import field, record
from .base import Example, Finding, Fix, NewFile, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

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


def _makes_target(program: str, args: tuple[str, ...], context: BuildContext, project: str) -> bool:
    if program in ("mvn", "mvnw"):
        return (any(a in _MVN_PHASES or a.endswith((":repackage", ":build", ":jar", ":war")) for a in args)
                and not _output_moved(context, project, ("pom.xml",), ("<directory>",)))
    if program == "cargo":
        return any(a in ("build", "install", "test") for a in args[:2])
    return program == "sbt" and bool(_positional(args))


def _makes_build(program: str, args: tuple[str, ...], context: BuildContext, project: str) -> bool:
    return (program in ("gradle", "gradlew") and any(a not in _GRADLE_NON_BUILDING for a in _positional(args))
            and not _output_moved(context, project, ("build.gradle", "build.gradle.kts"),
                                  ("builddir", "builddirectory")))


def _output_moved(context: BuildContext, project: str, files: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """The build file moves the tool's output directory elsewhere (``<directory>``, ``buildDir``), or
    cannot be read to tell."""
    for name in files:
        path = posixpath.join(project, name)
        if path in context.files:
            text = context.read_text(path)
            if text is None or any(word in text.lower() for word in words):
                return True
    return False


def _makes_dist(program: str, args: tuple[str, ...], context: BuildContext, project: str) -> bool:
    """Python builds write dist/; a JavaScript build only when its script or tool provably does."""
    if program == "python":
        return "build" in args[:2] or "setup.py" in args
    if program in ("poetry", "hatch", "uv", "pdm"):
        return "build" in args[:1]
    return js_output.writes("dist", program, args, context, project)


def _makes_out(program: str, args: tuple[str, ...], context: BuildContext, project: str) -> bool:
    return js_output.writes("out", program, args, context, project) or (
        program == "next" and "export" in args)


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


def _creates_venv(name: str) -> Callable[[str, tuple[str, ...]], bool]:
    """A command that makes the virtualenv ``name`` afresh (``python -m venv .venv``, ``uv sync``)."""
    def test(program: str, args: tuple[str, ...]) -> bool:
        named = any(posixpath.basename(a.rstrip("/")) == name for a in args)
        if program == "python":
            return args[:2] in (("-m", "venv"), ("-m", "virtualenv")) and named
        if program == "uv":
            return args[:1] == ("sync",) and name == ".venv" or args[:1] == ("venv",) and (named or name == ".venv")
        return program == "virtualenv" and named
    return test


#: Where Maven and Gradle can be told to use a directory of the project as their home or repository.
_TOOL_HOME_FILES = {".m2": (".mvn/maven.config", ".mvn/jvm.config", ".mvn/settings.xml", "settings.xml"),
                    ".gradle": ("gradle.properties",)}
_TOOL_HOME_WORDS = {".m2": (".m2", "maven.repo.local", "localrepository"), ".gradle": ("gradle.user.home",)}


def _tool_home(occ: _Occurrence, context: BuildContext) -> tuple[Safety, str] | None:
    """``.m2``/``.gradle`` are caches unless the project's Maven/Gradle settings point the tool at them."""
    parent = posixpath.dirname(occ.path)
    for name in _TOOL_HOME_FILES.get(occ.name, ()):
        path = posixpath.join(parent, name)
        if path not in context.files:
            continue
        text = context.read_text(path)
        if text is None:
            return Safety.UNSAFE, f"{path} may point the build at {occ.path}, and dockeropt cannot read it"
        if any(word in text.lower() for word in _TOOL_HOME_WORDS[occ.name]):
            return None
    return Safety.SAFE, ""


_PRODUCERS = {"target": _makes_target, "build": _makes_build, "dist": _makes_dist, "out": _makes_out}
_INSTALLERS = {"node_modules": _installs_node, ".venv": _installs_python, "venv": _installs_python}
# Manifest text that shows the build reads version control (a git plugin or versioning from tags).
_VCS_FILES = ("pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
              "package.json", "pyproject.toml", "setup.py", "setup.cfg", "Cargo.toml")
_PATTERN_SPECIALS = frozenset("*?[]\\")
_MAX_SIBLINGS = 20


# The pass ------------------------------------------------------------------------------------------


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
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
    line = _anchor_line(doc)
    for entry in (e for e in plan if e.safety is Safety.SUGGESTION):
        yield PASS.finding(line, f"{entry.pattern} is copied into the image by a broad COPY", risk=entry.risk)
    plan = [e for e in plan if e.safety is not Safety.SUGGESTION]
    safe = [e for e in plan if e.safety is Safety.SAFE]
    unsafe = [e for e in plan if e.safety is Safety.UNSAFE]
    if not any(e.kind != "build-file" for e in safe):
        unsafe, safe = safe + unsafe, []
        if not any(e.kind != "build-file" for e in unsafe):
            return
    newline = _newline(original)
    base = original
    if safe:
        text = _append(original, _block(safe, newline, header=True), newline)
        yield PASS.finding(line, _message(path, original, safe),
                           Fix((), Safety.SAFE, files=(NewFile(path, text, original),)))
        base = text
    if unsafe:
        block = _block(unsafe, newline, header=not safe)
        text = base + block if safe and base is not None else _append(original, block, newline)
        risks = list(dict.fromkeys(part for e in unsafe for part in e.risk.split("; ") if part))
        yield PASS.finding(line, _message(path, base, unsafe, also=bool(safe)),
                           Fix((), Safety.UNSAFE, files=(NewFile(path, text, base),)), risk="; ".join(risks))


# The Dockerfiles sharing the context ---------------------------------------------------------------


def _readers(doc: Dockerfile, context: BuildContext) -> tuple[list[ContextUse], list[str]]:
    """This Dockerfile and the other Dockerfiles of the context (parsed when readable), and the
    other Dockerfiles that could not be read."""
    readers = [ContextUse(doc)]
    ours = _our_path(context)
    others = [p for p in context.files if _dockerfile_like(posixpath.basename(p)) and p != ours and _project_file(p)
              and f"{p}.dockerignore" not in context.files]  # one with its own ignore file does not read ours
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


def _our_path(context: BuildContext) -> str | None:
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


def _other_ignore_files(context: BuildContext, path: str) -> bool:
    """A ``<Dockerfile>.dockerignore`` exists but we do not know which Dockerfile is ours."""
    return any(p.endswith(".dockerignore") and posixpath.basename(p) != ".dockerignore" and p != path
               for p in context.files)


# Planning ------------------------------------------------------------------------------------------


@record(frozen=False)
class Entry:
    """One line of the block: a pattern, what it leaves out, and how safe leaving it out is."""

    pattern: str
    kind: str
    paths: list[str]
    files: int = 0
    size: int = 0
    safety: Safety = Safety.SAFE
    risk: str = ""


@record(frozen=False)
class _Occurrence:
    path: str
    name: str
    kind: str
    is_dir: bool
    files: list[str] = field(default_factory=list)


def _occurrences(context: BuildContext) -> dict[str, _Occurrence]:
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


def _plan(readers: list[ContextUse], unread: list[str], context: BuildContext, path: str, original: str) -> list[Entry]:
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
        if verdict is not None and unread and verdict[0] is not Safety.SUGGESTION:
            verdict = (Safety.UNSAFE, "; ".join(r for r in (verdict[1], unread_risk) if r))
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


def _judge(occ: _Occurrence, readers: list[ContextUse], context: BuildContext, vcs_read: bool) -> tuple[Safety,
           str] | None:
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
    env = _is_env_file(occ.name)
    text = context.read_text(occ.path) if env else None
    secrets = _secret_keys(text) if text is not None else []
    if text is not None and not secrets:
        return None  # settings (a port, a feature flag), not secrets: the app may read them
    for reader in readers:
        verdict = _judge_for(occ, kind, reader, context, vcs_read)
        if verdict is None:
            return None
        if verdict[0].rank > worst[0].rank:
            worst = verdict
    if env and worst[0] is Safety.UNSAFE:
        worst = _env_verdict(occ.path, secrets, _env_readers(context))
    return worst


_SECRET_KEY = re.compile(r"PASS|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH|PWD|DSN|CERT", re.IGNORECASE)
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(\S.*)?$")
#: Dependencies that read ``.env`` at build or run time (Vite and Next.js inline it into the bundle).
_ENV_READERS = ("dotenv", "vite", "next", "react-scripts", "nuxt", "@vue/cli-service", "env-cmd", "python-dotenv",
                "pydantic-settings", "django-environ", "environs", "python-decouple")


def _secret_keys(text: str) -> list[str]:
    """The keys of an env file that look like credentials and have a value."""
    keys = []
    for line in text.splitlines():
        match = _ENV_LINE.match(line)
        if match and match.group(2) and _SECRET_KEY.search(match.group(1)):
            keys.append(match.group(1))
    return keys


def _env_readers(context: BuildContext) -> list[str]:
    """Dependencies of the project (package.json, requirements, pyproject) known to read ``.env``."""
    found = []
    text = context.read_text("package.json")
    if text is not None:
        try:
            data = json.loads(text)
            names = {n for key in ("dependencies", "devDependencies") for n in (data.get(key) or {})}
        except (ValueError, AttributeError, TypeError):
            names = set()
        found += [n for n in _ENV_READERS if n in names]
    for path in ("requirements.txt", "pyproject.toml", "Pipfile"):
        lower = (context.read_text(path) or "").lower()
        found += [n for n in _ENV_READERS if "-" in n and re.search(rf"(?m)^\W*{re.escape(n)}\b", lower)]
    return list(dict.fromkeys(found))


def _env_verdict(path: str, secrets: list[str], readers: list[str]) -> tuple[Safety, str]:
    """A carried env file: a suggestion when the project reads it, else UNSAFE naming what it holds."""
    holds = f"holds {', '.join(secrets[:3])}" if secrets else "may hold secrets (dockeropt cannot read it)"
    if readers:
        return Safety.SUGGESTION, (f"{path} {holds}, and {readers[0]} reads .env files at build or run time: "
                                   "leaving it out changes the application; give these values at run time or "
                                   "with RUN --mount=type=secret, then leave the file out")
    return Safety.UNSAFE, (f"{path} {holds} and a broad COPY puts it in the image; nothing in the project is known "
                           "to read it, but the application may (dotenv, TLS settings): provide it at run time "
                           "or with RUN --mount=type=secret instead")


def _judge_for(occ: _Occurrence, kind: str, reader: ContextUse, context: BuildContext,
               vcs_read: bool) -> tuple[Safety, str] | None:
    named, carriers = reader.relation(occ.path, wild_names=occ.kind not in ("vcs", "ide"))
    if named:
        return None
    if not carriers:
        return (Safety.SAFE, "") if kind != "build-file" else None
    mentioned = occ.name in reader.words
    if kind == "vcs":
        if mentioned or vcs_read or reader.runs_program(_VCS[occ.name]) or _VCS[occ.name] in reader.words:
            return None
        if occ.name != ".git":
            return Safety.SAFE, ""
        steps = {(run.line, run.position, run.stage): run for c in carriers for run in reader.runs_seeing(c, occ.path)}
        use, why = git_use(((r.line, None if r.opaque else r.commands) for r in steps.values()), context)
        if use == READS:
            return None
        if use == UNKNOWN:
            return Safety.UNSAFE, f"{occ.path} is sent with the build and {why}"
        return Safety.SAFE, ""
    if kind == "output":
        project = posixpath.dirname(occ.path)
        makes = _PRODUCERS[occ.name]
        test = lambda program, args: makes(program, args, context, project)  # noqa: E731
        return (Safety.SAFE, "") if all(reader.runs_after(c, test) for c in carriers) else None
    if kind == "deps":
        if occ.name in _INSTALLERS:
            ok = all(reader.runs_in_stage(c, _INSTALLERS[occ.name]) for c in carriers)
            if ok and mentioned and occ.name in (".venv", "venv"):  # ENV PATH=/app/.venv/bin: that one runs
                ok = all(reader.runs_after(c, _creates_venv(occ.name)) for c in carriers)
        elif occ.name == "__pycache__":
            ok = True
        elif mentioned:
            ok = False
        else:
            return _tool_home(occ, context)
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


def _is_output(occ: _Occurrence, context: BuildContext) -> bool:
    parent = posixpath.dirname(occ.path)
    return any(posixpath.join(parent, manifest) in context.files for manifest in _OUTPUTS[occ.name])


def _manifests_read_vcs(context: BuildContext) -> bool:
    """A build manifest uses version control at build time (a git plugin, versions from tags)."""
    paths = sorted((p for p in context.files if posixpath.basename(p) in _VCS_FILES and _project_file(p)),
                   key=lambda p: p.count("/"))[:50]
    for path in paths:
        text = (context.read_text(path) or "").lower()
        if any(marker in text for marker in VCS_MARKERS):
            return True
    return False


def _root_is_carried(readers: list[ContextUse]) -> bool:
    return any(s.kind == "broad" for r in readers for s in r.sources)


def _group(occurrences: dict[str, _Occurrence], verdicts: dict[str, tuple[Safety, str] | None],
           context: BuildContext) -> list[Entry]:
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
            safety, risk = max((v for o in occs if (v := verdicts[o.path]) is not None), key=lambda v: v[0].rank)
            entries.append(Entry(pattern, occs[0].kind, [o.path for o in occs],
                                 sum(len(o.files) for o in occs),
                                 sum(context.files.get(f, 0) for o in occs for f in o.files), safety, risk))
    return entries


def _guard(entries: list[Entry], readers: list[ContextUse], context: BuildContext, original: str) -> list[Entry]:
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


def _entry_excludes(entry: Entry, written: str, reader: ContextUse, context: BuildContext) -> bool:
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


def _bytes(size: float) -> str:
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


DOCKERFILE_EXAMPLE = ('FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n'
                      'CMD ["node", "src/index.js"]\n')

PASS = Pass(
    # No trigger: it reads the build context, which every build sends whatever the Dockerfile says.
    image_changes=("copied-context",),
    id="DO204",
    name="dockerignore",
    title="Create or extend .dockerignore with what the build never needs",
    what="""
        Creates `.dockerignore` (or appends to it) with what the build never needs: one block, headed
        `# added by dockeropt`, grouped by kind, listing only
        paths that exist in the context and are not excluded already. A new file is a new-file diff; an
        existing file (`.dockerignore`, or the `<Dockerfile>.dockerignore` BuildKit prefers) keeps every
        byte and line ending and gets the block appended. The kinds:

        - version control: `.git` (directory, or the file of a worktree/submodule), `.svn`, `.hg`;
        - dependencies: `node_modules`, virtualenvs (`.venv`/`venv` holding `pyvenv.cfg`),
          `__pycache__`, `.gradle`, `.m2`;
        - build output, only where a manifest beside it says it is one: `target` (pom.xml, Cargo.toml,
          build.sbt), `build` (build.gradle[.kts], settings.gradle[.kts]), `dist` (package.json,
          setup.py, pyproject.toml), `out` (package.json). A bare `build/` is often source (a Go
          package, webpack config) and is never touched;
        - editor and OS files: `.idea`, `.vscode`, `*.iml`, `.DS_Store`;
        - local secrets: `.env` and `.env.<name>` (not the `.example`/`.sample`/`.template`/
          `.dist` templates meant to be shared), `*.pem`, `*.key`, `id_rsa`, `id_ed25519`,
          `id_ecdsa`, `id_dsa`, `.pypirc` (twine's upload credentials; pip never reads it), each by
          its exact path. Keys under `test/`, `tests/`, `testdata/`, `fixtures/` ... are fixtures
          the tests read, not secrets. `.npmrc` is listed only where no COPY carries it: npm reads it
          (registry, auth, flags) when it is copied. `.p12`/`.jks` keystores are left alone: Java images
          copy them on purpose;
        - the Dockerfile(s) at the root and `.dockerignore` itself, only when a broad COPY would put
          them in the image (the builder reads both whether or not they are excluded).

        What is never excluded (each is a test):
        - anything a COPY/ADD (or a `RUN --mount=type=bind` without `from`) of the Dockerfile names:
          a literal source, a parent of one, or what a wildcard source matches (BuildKit's
          `CopyIgnoredFile`); sources with variables are expanded from ENV and ARG defaults, and a source
          we cannot expand protects everything but VCS and editor files. The finished file is checked
          against every source with Docker's own matching (`IgnoreMatcher`) and an entry that would
          exclude one is dropped; the pipeline's post-check repeats the test on the final Dockerfile;
        - what a broad (or directory) COPY carries and the build then reads: `.git` when anything in the
          build may ask git (`optimizer.facts.vcs_use`): a RUN, CMD or ENTRYPOINT that runs git, a
          manifest with a git plugin or versions from tags (git-commit-id/buildnumber Maven plugins, Gradle
          git-version plugins, jgitver, husky, setuptools-scm, versioneer, pbr, hatch-vcs, vergen ...), or a
          step after the COPY (in its stage, a stage built FROM it, or a stage whose `COPY --from` of it
          may bring `.git`, followed stage to stage) whose definition uses git: package.json scripts (lifecycle scripts of an
          install, `npm run x`), a Makefile and its recipes, setup.py, a shell script of the context; a
          step dockeropt does not model (an unknown program, a script it cannot read) makes leaving
          `.git` out UNSAFE, naming the step; build output unless a RUN after the COPY, in the same
          stage, provably makes it again (`mvn package`/`install`..., not `dependency:go-offline`; a
          Gradle task other than clean/dependencies; either only when the build file can be read and does
          not move the output, `<directory>`, `buildDir`; `python -m build`; a package.json script that names
          the directory or runs a tool whose default output it is, `vite build` -> `dist`, with no config
          file moving it; `tsc` with tsconfig's `outDir`), so committed assets a build does not remake
          stay; `node_modules`/virtualenvs unless the stage installs dependencies itself (`npm ci`/
          `install`, a bare `yarn`, `pnpm install`, `pip install`, `poetry install`, `python -m
          venv` ...; a global `npm install -g` does not count), and a virtualenv an ENV or RUN names
          (`ENV PATH=/app/.venv/bin:$PATH`) only when the build makes it afresh; `.m2`/`.gradle` when
          `.mvn/maven.config`, `.mvn/jvm.config`, a `settings.xml` or `gradle.properties` points the
          tool at them (UNSAFE when such a file cannot be read); anything a RUN, CMD, ENTRYPOINT, ENV,
          WORKDIR ... names by a path component (`venv/bin/python`, `-Dmaven.repo.local=.m2`,
          `cat .env`); a RUN we cannot read as shell is judged by its words;
        - a `.env` file whose values are settings, not secrets (no key like `*PASSWORD`, `*SECRET`,
          `*TOKEN`, `*KEY` with a value): the application or its build reads it (a UI port, a setting
          Vite inlines) and it is not a secret to keep out;
        - what the user's `!` exceptions re-include (appended lines come last and would win).

        Other Dockerfiles in the context share the file: the readable ones are checked the same way (an
        entry must be safe for each; Dockerfiles inside `node_modules` or `.git` do not count); when
        some cannot be read, the fix is UNSAFE. When BuildKit would read a `<Dockerfile>.dockerignore`
        beside the Dockerfile instead, that file is the one extended. The pass stays silent for an unknown
        context, an invalid existing ignore file (Docker fails on it; extending it would not help), an
        ignore file outside the context, or a listing with a `*.dockerignore` of unknown ownership. A
        `**/name` line is used when every path of that name in the context goes (never for a truncated
        listing), else one line per path; paths that would need escaping are left alone.
    """,
    why="""
        `docker build` sends the context to the builder, and `COPY . <dest>` copies all of
        it into the image. Without a `.dockerignore` that means `.git` (often the largest directory of a
        checkout), the host's `node_modules` (built for another OS, and copied *over* what `npm ci`
        just installed), `target/`/`build/` leftovers, IDE settings and a developer's `.env` or keys:
        larger contexts, cache misses on every commit (any file change invalidates `COPY .`) and secrets
        baked into layers. A short `.dockerignore` naming only what exists fixes all of that.
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because the build never sees the difference, provided each entry is proven for every
        Dockerfile sharing the file: no COPY/ADD names it, and what a broad COPY carries is either rebuilt
        or reinstalled by a step that provably does so, or read by no step at all (every step after the
        COPY is modelled and known not to read it); and provided the application does not read its own
        `.git` or caches at run time. Unsafe (a separate finding extending the safe file) because of: secrets a broad
        COPY puts in the image (the application may read `.env`/certificates at build or run time; give
        them at run time or with `RUN --mount=type=secret` instead), `.git` when a step is not modelled
        (named in the risk) or a `go build` follows (Go stamps `vcs.revision` into binaries from it), a
        tool-home directory whose settings cannot be read, and everything when other Dockerfiles of the
        context cannot be read. Only a suggestion (no fix): a `.env` with secrets that a dependency of the
        project reads (dotenv, Vite, Next.js, python-dotenv ...): leaving it out would change the
        application, so a human moves the values first.
    """,
    examples=(Example(
        before=DOCKERFILE_EXAMPLE,
        after=DOCKERFILE_EXAMPLE,
        context={"Dockerfile": DOCKERFILE_EXAMPLE, ".git/HEAD": None, "node_modules/express/index.js": None, ".env": "API_KEY=changeme\n",
                 "package.json": None, "package-lock.json": None, "src/index.js": None},
        config={"unsafe": True},
        files={".dockerignore": ("# added by dockeropt\n# version control\n.git\n"
                                 "# dependencies and caches (the build installs its own)\nnode_modules\n"
                                 "# build files (the builder reads them anyway)\nDockerfile\n.dockerignore\n"
                                 "# local secrets and credentials: keep them out of builders and images\n.env\n")}),),
    check=check,
)
