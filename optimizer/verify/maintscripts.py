"""Files that the maintainer scripts of removed packages generate: evidence for ``packages-not-installed``.

dpkg lists the files a package ships (``/var/lib/dpkg/info/<package>.list``), not those its maintainer
scripts (``preinst``, ``postinst``, ``config``; ``postinst triggered`` for its triggers) create when it is
configured. When the rewritten image lacks a package that the original has (DO102 no longer installs a
recommend), a path is attributed to that package only with evidence read from the original image's dpkg
database:

- the script writes the path by name, after its plain ``NAME=value`` assignments are expanded: the target
  of a redirect, or what ``ln``, ``cp``, ``mv``, ``install`` (the destination), ``mkdir``, ``touch``, ``tee``
  or ``update-alternatives --install`` (the link) create (netbase's postinst ``cat > /etc/networks``; fontconfig-config's
  ``ln -s $CONFAVAIL/$hintslight $CONFDIR/$hintslight``);
- the script runs a tool whose outputs are known (``GENERATORS``: ``update-ca-certificates`` links the
  certificates into /etc/ssl/certs, ``update-alternatives`` logs to /var/log/alternatives.log...);
- a path both images have whose owner and mode only differ: the original's dpkg statoverride database lists
  it, the rewritten one's does not, and the script runs ``dpkg-statoverride`` on it (ssl-cert's
  /etc/ssl/private);
- the account databases (``ACCOUNTS``: /etc/passwd, /etc/group, /etc/shadow, /etc/gshadow and the ``-``
  backups the shadow tools write) are compared entry by entry: attributed only when every entry that
  differs is one that a removed package's script creates with ``addgroup``, ``adduser``, ``groupadd`` ...

A script can only explain a path that the original image has and the rewritten one lacks (an account
database: entries the original has only, changed only in size and content). Anything else stays undeclared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..record import record
from .globs import matcher

if TYPE_CHECKING:
    from .filesystem import Snapshot

INFO = "/var/lib/dpkg/info/"
SCRIPTS = ("preinst", "postinst", "config")  # run when a package is installed and configured
ACCOUNTS = ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow")
ACCOUNT_TOOLS = ("addgroup", "adduser", "groupadd", "useradd", "groupmod", "usermod", "gpasswd")
#: tool -> (the paths it writes, why); a script that runs the tool explains those paths
GENERATORS = {
    "update-ca-certificates": (("/etc/ssl/certs/*",), "links each enabled certificate into /etc/ssl/certs by "
                               "its subject hash and writes the bundle ca-certificates.crt"),
    "update-alternatives": (("/var/log/alternatives.log",), "logs every change of an alternative"),
    "make-ssl-cert": (("/etc/ssl/certs/ssl-cert-snakeoil.pem", "/etc/ssl/private/ssl-cert-snakeoil.key",
                       "/etc/ssl/certs/*.?"), "generates the snakeoil certificate, its key and its subject-hash link"),
    "fc-cache": (("/var/cache/fontconfig/**",), "writes the font caches"),
    **{tool: (("/run/adduser",), "adduser's lock file") for tool in ("addgroup", "adduser", "delgroup", "deluser")},
}
_ASSIGNMENT = re.compile(
    r"""^[ \t]*(?:(?:export|local|readonly)[ \t]+)?([A-Za-z_]\w*)=("[^"$`\\]*"|'[^']*'|[^\s;&|$`'"\\]*)""", re.M)
_VARIABLE = re.compile(r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")
_PATH = re.compile(r"(?<![\w.$/-])/[\w.+@-]+(?:/[\w.+@-]+)*")
_REDIRECT = re.compile(r">>?[ \t]*(/[\w.+@-]+(?:/[\w.+@-]+)*)")
#: command -> which of its path operands it writes (cp/mv/install/ln: the destination, last)
WRITERS = {"ln": "last", "cp": "last", "mv": "last", "install": "last", "mkdir": "all", "touch": "all", "tee": "all",
           "update-alternatives": "first"}
_WRITER = re.compile(rf"(?<![\w./-])(?:{'|'.join(map(re.escape, WRITERS))})(?![\w.-])")
_NAME = re.compile(r"[a-z_][a-z0-9_.-]*\$?", re.I)
STATOVERRIDE = "/var/lib/dpkg/statoverride"  # "owner group mode path" per line
SCRIPT_TEXTS = tuple(f"{INFO}*.{kind}" for kind in SCRIPTS)
KEPT = (*SCRIPT_TEXTS, *ACCOUNTS, *(f"{path}-" for path in ACCOUNTS), STATOVERRIDE)  # the texts a Snapshot keeps for this


@record
class Script:
    """One maintainer script of a removed package, with its plain variables expanded and comments dropped."""

    package: str
    name: str  # "openssh-client.postinst"
    text: str

    def runs(self, tool: str) -> bool:
        return re.search(rf"(?<![\w./-]){re.escape(tool)}(?![\w.-])", self.text) is not None

    def paths(self) -> set[str]:
        """Every absolute path the script names."""
        return set(_PATH.findall(self.text))

    def written(self) -> set[str]:
        """The paths it writes by name: redirect targets, and operands after a command that writes files."""
        found = set(_REDIRECT.findall(self.text))
        for command in re.split(r"&&|\|\||[;|\n]", self.text):
            writer = _WRITER.search(command)
            if writer:
                paths = _PATH.findall(command[writer.end():])
                which = WRITERS[writer.group(0)]
                found.update(paths if which == "all" else paths[-1:] if which == "last" else paths[:1])
        return found

    def account_names(self) -> set[str]:
        """The names on the lines that run an account tool (options and their paths left out)."""
        names: set[str] = set()
        for line in self.text.splitlines():
            words = re.findall(r"[^\s;&|()'\"]+", line)
            for i, word in enumerate(words):
                if word in ACCOUNT_TOOLS:
                    names.update(w for w in words[i + 1:] if not w.startswith("-") and _NAME.fullmatch(w)
                                 and w not in ACCOUNT_TOOLS)
        return names


class Generated:
    """Which differing paths the maintainer scripts of the packages only the original has explain, and how."""

    def __init__(self, original: Snapshot, rewritten: Snapshot, removed: Iterable[str]):
        self.original, self.rewritten = original, rewritten
        self.scripts = [script for package in sorted(removed) for script in _scripts(original, package)]
        self._named = {path: s for s in reversed(self.scripts) for path in s.paths()}
        self._written = {path: s for s in reversed(self.scripts) for path in s.written()}
        self._tools = [(matcher(patterns), f"{s.name} runs {tool} ({why})")
                       for s in self.scripts for tool, (patterns, why) in GENERATORS.items() if s.runs(tool)]
        self._created = {name: s for s in reversed(self.scripts) for name in s.account_names()}
        self._account_scripts = sorted({s.name for s in self.scripts if any(s.runs(t) for t in ACCOUNT_TOOLS)})

    def why(self, path: str) -> str | None:
        """How a removed package's script explains this difference, or None (it stays undeclared)."""
        base = path.removesuffix("-")
        if base in ACCOUNTS:
            return self._accounts(path)
        if path in self.rewritten.files:
            return self._statoverride(path)
        if path not in self.original.files:
            return None
        if path in self._written:
            return f"{self._written[path].name} writes it"
        return next((why for covers, why in self._tools if covers(path)), None)

    def _statoverride(self, path: str) -> str | None:
        """A path both images have, whose owner and mode a removed package's script overrode with dpkg-statoverride."""
        before, after = self.original.files.get(path), self.rewritten.files[path]
        if before is None or not set(before.differences(after)) <= {"mode", "owner"}:
            return None
        overridden = [_overrides(image.texts.get(STATOVERRIDE, "")) for image in (self.original, self.rewritten)]
        script = self._named.get(path)
        if path not in overridden[0] or path in overridden[1] or script is None or not script.runs("dpkg-statoverride"):
            return None
        return f"{script.name} sets its owner and mode with dpkg-statoverride ({overridden[0][path]})"

    def _accounts(self, path: str) -> str | None:
        """An account database (or its backup) whose differing entries the removed packages' scripts create."""
        before, after = self.original.files.get(path), self.rewritten.files.get(path)
        if not self._account_scripts or before is None:
            return None
        if after is not None and not set(before.differences(after)) <= {"size", "content"}:
            return None
        mine = _entries(self.original.texts.get(path))
        if mine is None:
            return None
        # a backup holds the file as it was before a tool changed it: the rewritten image's file or backup
        theirs = [_entries(self.rewritten.texts.get(p)) for p in dict.fromkeys((path, path.removesuffix("-")))]
        for other in (t for t in theirs if t is not None):
            differing = {name for name in mine.keys() | other.keys() if mine.get(name) != other.get(name)}
            if differing <= self._created.keys() and not other.keys() - mine.keys():
                if differing:
                    by = sorted({self._created[name].name for name in differing})
                    return f"entries {', '.join(sorted(differing))} added by {', '.join(by)}"
                if path.endswith("-"):  # the shared entries, saved when a removed package's script added its own
                    return f"a backup of the shared entries, written by the account tools that " \
                           f"{', '.join(self._account_scripts)} run"
        return None


def written_by(snapshots: Iterable[Snapshot], packages: Iterable[str]) -> Callable[[str], str | None]:
    """How the maintainer scripts of ``packages`` (in any of ``snapshots``) write a path: by name, or by a tool of
    ``GENERATORS`` they run; None when no script does (for ``packages-upgraded``, where both images have the
    package and either version's scripts may have run)."""
    scripts = [script for snapshot in snapshots for package in sorted(packages) for script in _scripts(snapshot, package)]
    written = {path: s for s in reversed(scripts) for path in s.written()}
    tools = [(matcher(patterns), f"{s.name} runs {tool} ({why})")
             for s in scripts for tool, (patterns, why) in GENERATORS.items() if s.runs(tool)]

    def why(path: str) -> str | None:
        if path in written:
            return f"{written[path].name} writes it"
        return next((why for covers, why in tools if covers(path)), None)

    return why


def _scripts(snapshot: Snapshot, package: str) -> list[Script]:
    """The maintainer scripts of ``package`` in ``snapshot``'s dpkg database (``<package>[:arch].<kind>``)."""
    found = []
    for path, text in sorted(snapshot.texts.items()):
        if not path.startswith(INFO):
            continue
        name = path[len(INFO):]
        stem, _, kind = name.rpartition(".")
        if kind in SCRIPTS and stem.split(":")[0] == package:
            found.append(Script(package, name, _expand(_uncommented(text))))
    return found


def _uncommented(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _expand(text: str) -> str:
    """``$NAME`` and ``${NAME}`` replaced by the one literal value the script assigns to NAME (names assigned
    several values, or a value that is not literal, are left as they are)."""
    values: dict[str, set[str]] = {}
    for name, value in _ASSIGNMENT.findall(text):
        values.setdefault(name, set()).add(value.strip("\"'"))
    plain = {name: next(iter(found)) for name, found in values.items() if len(found) == 1}
    return _VARIABLE.sub(lambda m: plain.get(m.group(1) or m.group(2), m.group(0)), text)


def _overrides(text: str) -> dict[str, str]:
    """dpkg's statoverride database: path -> "owner group mode"."""
    return {parts[3]: " ".join(parts[:3]) for parts in (line.split(None, 3) for line in text.splitlines())
            if len(parts) == 4}


def _entries(text: str | None) -> dict[str, str] | None:
    """An account database's lines by entry name (the first field)."""
    if text is None:
        return None
    return {line.split(":", 1)[0]: line for line in text.splitlines() if line.strip()}
