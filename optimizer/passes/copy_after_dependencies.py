"""DO201 copy-after-dependencies: move steps that do not read the copied files above the COPY.

Rationale: a ``COPY``/``ADD`` from the build context is a cache key on the copied files. Every
instruction after it re-runs when any of those files changes, so ``COPY . /app`` followed by
``RUN apt-get update && apt-get install ...`` reinstalls the system packages after every source
edit. A RUN that provably does not read (or write) what the copy brings in can run before it; its
layer is then reused until the RUN itself changes. The same holds for ``COPY --from=<stage>`` of a
stage of this file (it changes whenever the sources do).

What the pass does, per stage, in each run of consecutive COPY/ADD and RUN instructions (anything
else is a wall: ENV, ARG, WORKDIR, USER, SHELL, ONBUILD, VOLUME, EXPOSE ..., so a RUN never leaves
the variables, directory or user it ran with; ONBUILD instructions are left alone):
- Each RUN, top to bottom, moves up past the COPY/ADD instructions directly above it as long as it
  does not touch what each of them writes; RUNs keep their order (a RUN never passes another), so
  consecutive movable RUNs move together. A RUN moves only when it passes a copy of the build
  context or of a stage (passing only ``COPY --from=<image>`` or a URL ``ADD`` gains nothing).
- Which copies count: moving above *any* context copy helps caching, so expensive steps (package
  installs of any manager, downloads) also move above narrow copies (``COPY requirements.txt .``
  followed by ``apt-get install gcc``). Cheap steps (mkdir, ln, chmod, ``echo > file``, useradd)
  move only above broad copies (``COPY . /app``, see ``optimizer.copies.is_broad``): above a
  narrow copy they save nothing and only churn the diff. A RUN doing no work (``RUN true``, a
  known workaround between consecutive COPYs, ``echo``, version probes) never moves.
- A move deletes the RUN with the comments it owns (and the blank lines above it) and inserts it
  above the first copy it passes (above that copy's own comments); blank lines that separated the
  copy from the RUN now separate the RUN from the copy. A file without a final newline keeps it so.
- Without ``--unsafe`` the SAFE moves are offered first; once none is left, the UNSAFE ones are
  reported (applied with ``--unsafe``). For a broad copy whose next RUN installs system packages
  but cannot move, a SUGGESTION names what blocks it (split the install into its own RUN).

When a RUN may pass a copy (its "footprint", read with the shell layer): every command is known
(an allow-list: apt-get/apt/apk/dnf/yum/microdnf/zypper package operations, apt-key/apt-mark/dpkg,
user and group tools, ``pip install`` of named packages, ``npm``/``yarn``/``pnpm`` global installs,
``gem``, ``go install pkg@version``, conda, mkdir/rm/ln/chmod/chown/touch/cp/mv/tee/sed, curl/wget/
tar/unzip/gpg/checksums, echo/printf/set/true/export/cd ...); steps are plain commands or pipelines
(no if/for/subshell/function); no word names the copy's destination. The paths each command reads
or writes (operands, path options, redirects, ``cd``, relative paths against the WORKDIR, and each
tool's own configuration: ``/etc/apt``, ``/etc/apk``, ``/etc/yum.repos.d``, ``/etc/pip.conf``,
``~/.npmrc``, ``/etc/passwd``, ``/usr/local/lib`` for ldconfig ...) must not overlap the copy's
destination, in either direction. Anything else blocks: make, mvn, gradle, ``npm install``/
``npm ci`` of the project, ``pip install -r requirements.txt`` or ``.`` in the copied directory,
scripts, git, ``cd`` into the copy, chmod/chown of it, ``--mount=type=bind`` (reads the context),
a copy of tool configuration (``COPY sources.list /etc/apt/``), ``COPY --chown=user`` passed by a
RUN that edits users, a copy adding a command the RUN runs, and ENV/ARG variables in force that
point tools into the copy (``PYTHONPATH``, ``LD_LIBRARY_PATH``, ``PIP_*``, ``NPM_CONFIG_*`` ...).

Safety: SAFE when all of the above is proven from the Dockerfile. UNSAFE (heuristics, named in
the risk text) when:
- a system package manager (apt, apk, rpm tools) runs and the copy lands in a system directory
  (``/etc/...``, ``/usr/...`` except ``/usr/local`` and ``/usr/src``, ``/var/...``): a package may
  ship files there, and after the move the copied files win instead of the package's;
- a language package manager (pip, npm, gem, go, conda) runs and the copy lands where it installs
  (``/usr/local/...``, ``/opt/conda``, ``~/.local``, ``/go``);
- npm/yarn/pnpm/gem, ``python -m`` or a version probe runs in a working directory inside the copy
  (project configuration such as ``.npmrc``, or modules shadowing the standard library);
- a word cannot be resolved (``$VAR`` not set by an ENV of this file, except inside a package name
  or after a literal directory), ``~`` may be the destination (HOME is taken to be /root, a
  directory under /home or a home this file sets up), or the destination depends on the base
  image's WORKDIR (``COPY . .`` with no WORKDIR);
- the RUN pipes a downloaded script into a shell (``curl ... | bash``);
- a ``--chown``/``--chmod`` copy and the RUN create directories under a common new parent
  (whichever runs first decides the parent's owner);
- the copy brings a directory or glob into a PATH directory, or lands above one (a copied file
  could shadow a command the RUN or a package script runs).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Iterator

from ..copies import (destination, expand, from_context, is_broad, is_copy, is_remote, normalise,
                      sources, workdir_in_force)
from ..edits import Edit
from ..model import Dockerfile, Instruction, Trivia
from ..runscript import env_in_force, mounts, run_script
from ..shell import GRAMMARS, Options
from ..shell.grammars import compile_options
from ..shell.options import option_text, read_option
from ..shell.words import Word
from ..suppress import ignored_keys
from .base import Example, Finding, Fix, Pass, Safety

ID, NAME = "DO201", "copy-after-dependencies"

# --- paths ---------------------------------------------------------------------------------------
# A path is (root, parts): root "/" (absolute), "." (relative to a working directory this file does
# not fix: the base image's WORKDIR) or "~" (the home directory, unknown).


@dataclass(frozen=True)
class _Path:
    root: str
    parts: tuple[str, ...]

    def __str__(self) -> str:
        body = "/".join(self.parts)
        if self.root == "/":
            return "/" + body
        return f"{self.root}/{body}" if body else self.root


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in normalise("/" + text).split("/") if p)


def _absolute(text: str) -> _Path:
    return _Path("/", _split(text))


def _resolve(text: str, cwd: _Path | None) -> _Path | None:
    """``text`` (a shell or Dockerfile path) as a _Path; None when it depends on something unknown."""
    text = _glob_prefix(text)
    if text.startswith("/"):
        return _absolute(text)
    if text == "~" or text.startswith("~/"):
        return _Path("~", _split(text[1:]))
    if text.startswith("~") or cwd is None:
        return None
    joined = posixpath.normpath(posixpath.join("/".join(cwd.parts) or ".", text))
    if joined.startswith(".."):
        return None
    return _Path(cwd.root, tuple(p for p in joined.split("/") if p and p != "."))


def _glob_prefix(text: str) -> str:
    """The directory a glob can only match under (``/var/lib/apt/lists/*`` -> its directory)."""
    cut = min((i for i, ch in enumerate(text) if ch in "*?[{"), default=None)
    if cut is None:
        return text
    return text[:cut].rpartition("/")[0] + "/" if "/" in text[:cut] else "."


def _overlap(a: _Path, b: _Path, homes: tuple[_Path, ...] = ()) -> bool | None:
    """One path lies in (or is) the other: True/False, None when we cannot tell.

    ``~`` (HOME unknown) may be /root, a directory under /home, or a home this Dockerfile gives a
    user (``useradd -d``, ``ENV HOME``): ``homes``. Other directories are not guessed as HOME.
    """
    if a.root == b.root:
        n = min(len(a.parts), len(b.parts))
        return a.parts[:n] == b.parts[:n]
    if {a.root, b.root} == {"~", "/"}:
        absolute = a if a.root == "/" else b
        candidates = (_absolute("/root"), _absolute("/home"), *homes)
        return None if any(_overlap(absolute, home) for home in candidates) else False
    return None


def _within(inner: _Path, outer: _Path) -> bool | None:
    """``inner`` is ``outer`` or lies under it (None when we cannot tell)."""
    if inner.root != outer.root:
        return _overlap(inner, outer)
    return inner.parts[:len(outer.parts)] == outer.parts


def _under(path: _Path, prefixes: tuple[str, ...]) -> bool:
    return any(path.root == "/" and path.parts[:len(p)] == p for p in map(_split, prefixes))


# --- what tools read and write by themselves ------------------------------------------------------

_CA = ("/etc/ssl", "/etc/ca-certificates", "/etc/ca-certificates.conf", "/etc/pki",
       "/usr/local/share/ca-certificates", "/usr/share/ca-certificates")
_USERS = ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow")
_LD = ("/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ld.so.cache", "/usr/local/lib", "/usr/local/lib64")
#: Configuration and state each kind of tool reads: a copy landing there feeds the step.
_READS: dict[str, tuple[str, ...]] = {
    "apt": ("/etc/apt", "/etc/dpkg", "/var/lib/dpkg", "/var/lib/apt", "/var/cache/apt",
            "/var/cache/debconf", "/etc/debconf.conf", "/usr/share/keyrings", "/etc/alternatives",
            "/etc/environment", "/etc/default", *_CA, *_USERS, *_LD),
    "apk": ("/etc/apk", "/lib/apk", "/var/cache/apk", "/etc/alternatives", *_CA, *_USERS),
    "rpm": ("/etc/yum.conf", "/etc/yum", "/etc/yum.repos.d", "/etc/dnf", "/etc/rpm", "/etc/zypp",
            "/var/lib/rpm", "/var/lib/dnf", "/var/lib/yum", "/var/cache/yum", "/var/cache/dnf",
            "/usr/lib/sysimage/rpm", "/etc/alternatives", *_CA, *_USERS, *_LD),
    "pip": ("/etc/pip.conf", "/etc/xdg/pip", "~/.config/pip", "~/.pip", "~/.netrc", *_CA),
    "node": ("/usr/local/etc/npmrc", "/etc/npmrc", "~/.npmrc", "~/.yarnrc", "~/.yarnrc.yml",
             "~/.config/yarn", "~/.pnpmrc", "~/.config/pnpm", *_CA),
    "gem": ("/etc/gemrc", "/usr/local/etc/gemrc", "~/.gemrc", *_CA),
    "go": ("~/.config/go", "/usr/local/go/go.env", *_CA),
    "conda": ("/opt/conda/.condarc", "/opt/conda/condarc.d", "/etc/conda", "~/.condarc", "~/.conda", *_CA),
    "net": ("~/.curlrc", "~/.netrc", "~/.wgetrc", "/etc/wgetrc", *_CA),
    "gpg": ("~/.gnupg",),
    "user": (*_USERS, "/etc/subuid", "/etc/subgid", "/etc/login.defs", "/etc/default", "/etc/skel",
             "/etc/adduser.conf", "/etc/deluser.conf", "/etc/pam.d"),
    "owner": _USERS,
    "ca": _CA,
    "locale": ("/etc/locale.gen", "/etc/default/locale", "/usr/share/i18n", "/usr/lib/locale",
               "/usr/share/locale"),
    "ld": ("/lib", "/lib64", "/usr/lib", "/usr/lib64", *_LD),
    "file": (), "info": (), "probe": (), "script": (),
}
_SYSTEM_PACKAGES = ("apt", "apk", "rpm")
_EXPENSIVE = frozenset({"apt", "apk", "rpm", "pip", "node", "gem", "go", "conda", "net", "gpg", "script",
                        "locale"})
#: Where package managers put files: a copy landing there may be overwritten, or overwrite them.
_SYSTEM_WRITES = ("/etc", "/usr", "/var", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/boot")
_SYSTEM_SPARED = ("/usr/local", "/usr/src", "/var/tmp")  # Debian/Alpine packages ship nothing there
_SYSTEM_SPARED_NOT = ("/usr/local/lib", "/usr/local/lib64", "/usr/local/etc", "/usr/local/share",
                      "/usr/local/include")
_LANGUAGE_WRITES = {
    "pip": ("/usr/local", "/usr/lib/python3", "/opt/conda", "~/.local", "/opt/venv"),
    "node": ("/usr/local", "/usr/lib/node_modules", "~/.npm", "~/.yarn", "~/.local/share/pnpm"),
    "gem": ("/usr/local", "/var/lib/gems", "~/.gem", "~/.local/share/gem"),
    "go": ("/go", "/usr/local/go", "~/go", "~/.cache/go-build"),
    "conda": ("/opt/conda", "~/.conda"),
}
#: Variables that make tools read files from the paths they name (search paths, config files, CAs).
_READING_VARIABLES = re.compile(
    r"(LD_LIBRARY_PATH|LD_PRELOAD|PYTHONPATH|PYTHONHOME|PYTHONSTARTUP|PYTHONUSERBASE|VIRTUAL_ENV|"
    r"NODE_PATH|NODE_OPTIONS|NODE_EXTRA_CA_CERTS|APT_CONFIG|PIP_\w+|NPM_CONFIG_\w+|npm_config_\w+|"
    r"YARN_\w+|GEM_HOME|GEM_PATH|BUNDLE_\w+|GOPATH|GOFLAGS|GOENV|CONDARC|CURL_HOME|WGETRC|GNUPGHOME|"
    r"SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|XDG_CONFIG_HOME|XDG_CONFIG_DIRS|"
    r"JAVA_TOOL_OPTIONS|BASH_ENV|ENV|PERL5LIB|RUBYLIB|CLASSPATH)")
_DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
#: Directories that exist in every base image (a copy and a RUN may both create under them).
_EXISTING = frozenset({(), *(_split(p) for p in (
    "/usr", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/local/share", "/usr/share",
    "/usr/lib", "/usr/bin", "/etc", "/var", "/var/lib", "/var/cache", "/opt", "/home", "/tmp",
    "/srv", "/root", "/bin", "/sbin", "/lib", "/var/tmp", "/var/log", "/usr/src"))})
_FILE_EXTENSIONS = (".deb", ".rpm", ".apk", ".whl", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz",
                    ".zip", ".gem", ".egg", ".gpg", ".asc", ".key", ".pub", ".jar", ".txt", ".json")


@dataclass(frozen=True)
class _Tool:
    """What the pass knows about a command it may move."""

    kind: str  # key into _READS: the configuration the tool reads by itself
    values: str = ""  # options that take a value (alias lines; tools without a shell grammar)
    path_options: tuple[str, ...] = ()  # canonical options whose value is a path
    operands: str = "paths"  # paths | names | data | first-then-paths
    subcommands: frozenset[str] | None = None  # allowed subcommands (first operand)
    cwd_sensitive: bool = False  # may read project configuration from the working directory


def _subs(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _values(text: str) -> str:
    """Option lines as ``shell.grammars.Options`` wants them, from ``"-o --output, -T ..."``."""
    return "\n".join(group.strip() for group in text.split(","))


_APT_SUBS = _subs("update install upgrade dist-upgrade full-upgrade clean autoclean auto-clean "
                  "autoremove auto-remove purge remove distclean dist-clean")
_RPM_SUBS = _subs("install update upgrade clean makecache mc remove erase reinstall autoremove "
                  "groupinstall group groups distro-sync downgrade in ref refresh cc up rm")
_USER_VALUES = _values(
    "-d --home-dir --home, -k --skel, -s --shell, -u --uid, -g --gid --gecos --ingroup, "
    "-G --groups --add, -c --comment, -e --expiredate, -f --inactive, -K --key, "
    "-p --password, -b --base-dir, -R --root, -P --prefix, -Z --selinux-user, -l --login, "
    "-n --new-name, -h, --conf, --firstuid, --lastuid, --firstgid, --lastgid")
_USER = _Tool("user", _USER_VALUES, ("-d", "-k", "-b", "-R", "-P", "-h", "--conf"), "names")
_CURL_VALUES = _values(
    "-o --output, -T --upload-file, -K --config, --cacert, --capath, -E --cert, --key, "
    "-b --cookie, -c --cookie-jar, --netrc-file, --output-dir, -D --dump-header, --trace, "
    "--trace-ascii, --stderr, -H --header, -A --user-agent, -u --user, -x --proxy, "
    "-X --request, -d --data --data-raw --data-binary --data-urlencode --json, -F --form, "
    "-e --referer, -m --max-time, --connect-timeout, --retry, --retry-delay, "
    "--retry-max-time, -w --write-out, -r --range, -C --continue-at, --proto, --proto-redir, "
    "--ciphers, -Y --speed-limit, -y --speed-time, --limit-rate, --resolve, "
    "--connect-to, --interface, -z --time-cond")
_WGET_VALUES = _values(
    "-O --output-document, -o --output-file, -a --append-output, -P --directory-prefix, "
    "-i --input-file, --header, -U --user-agent, -t --tries, -T --timeout, --user, "
    "--password, --ca-certificate, --ca-directory, --certificate, --private-key, "
    "-e --execute, --post-file, --body-file, --post-data, --body-data, --method, "
    "--load-cookies, --save-cookies, -Q --quota, --progress, -w --wait, --limit-rate, "
    "--referer, -B --base, --config")
_TAR_VALUES = _values(
    "-C --directory, -f --file, -T --files-from, -X --exclude-from, --exclude, "
    "-b --blocking-factor, --owner, --group, --mode, --transform --xform, "
    "--strip-components, -I --use-compress-program, -H --format")
_INFO = _Tool("info", operands="data")
_PROBE_WORDS = frozenset({"--version", "-version", "-v", "-V", "version"})
_TOOLS: dict[str, _Tool] = {
    # system package managers (option grammars: optimizer.shell.grammars)
    "apt-get": _Tool("apt", operands="names", path_options=("-c",), subcommands=_APT_SUBS),
    "apt": _Tool("apt", operands="names", path_options=("-c",), subcommands=_APT_SUBS),
    "apt-key": _Tool("apt", operands="names", subcommands=_subs("add adv list del export exportall finger")),
    "apt-mark": _Tool("apt", operands="names", subcommands=_subs("auto manual hold unhold showmanual showauto showhold")),
    "dpkg": _Tool("apt", "--admindir\n--instdir\n--root\n--path-include\n--path-exclude\n--force",
                  ("--admindir", "--instdir", "--root"), "names"),
    "dpkg-reconfigure": _Tool("apt", "-f --frontend\n-p --priority", operands="names"),
    "debconf-set-selections": _Tool("apt"),
    "update-alternatives": _Tool("apt", "--altdir\n--admindir", ("--altdir", "--admindir"), "names"),
    "apk": _Tool("apk", operands="names", path_options=("-X", "-p", "--cache-dir", "--keys-dir", "--repositories-file"),
                 subcommands=_subs("add del update upgrade cache")),
    "dnf": _Tool("rpm", operands="names", path_options=("-c", "--installroot"), subcommands=_RPM_SUBS),
    "yum": _Tool("rpm", operands="names", path_options=("-c", "--installroot"), subcommands=_RPM_SUBS),
    "microdnf": _Tool("rpm", operands="names", path_options=("--config", "--installroot"), subcommands=_RPM_SUBS),
    "zypper": _Tool("rpm", "-R --root\n-D --reposd-dir\n-C --cache-dir\n-c --config\n-r --repo",
                    ("-R", "-D", "-C", "-c"), "names", _RPM_SUBS),
    "update-ca-certificates": _Tool("ca", "--certsconf\n--certsdir\n--localcertsdir\n--hooksdir",
                                    ("--certsconf", "--certsdir", "--localcertsdir", "--hooksdir")),
    "locale-gen": _Tool("locale", operands="names"),
    "localedef": _Tool("locale", "-i --inputfile\n-f --charmap\n-A --alias-file\n-c", ("-A",), "names"),
    "update-locale": _Tool("locale", "--locale-file", ("--locale-file",), "names"),
    "ldconfig": _Tool("ld", "-C\n-f\n-r", ("-C", "-f", "-r")),
    # users and groups
    **{name: _USER for name in ("useradd", "adduser", "groupadd", "addgroup", "usermod", "groupmod",
                                "userdel", "deluser", "groupdel", "delgroup", "chpasswd", "passwd")},
    # language package managers: named packages only (global installs for npm, yarn, pnpm)
    "pip": _Tool("pip", operands="names", path_options=(
        "-r", "-c", "--build-constraint", "-e", "--src", "-t", "--root", "--prefix", "--cache-dir",
        "--log", "--cert", "--client-cert", "-f", "--report", "-d"),
        subcommands=_subs("install download uninstall config cache list freeze show check")),
    "npm": _Tool("node", "--prefix\n--location\n--cache\n--userconfig\n--globalconfig\n--registry",
                 ("--prefix", "--cache", "--userconfig", "--globalconfig"), "names", cwd_sensitive=True),
    "yarn": _Tool("node", "--prefix\n--cache-folder\n--global-folder\n--registry",
                  ("--prefix", "--cache-folder", "--global-folder"), "names", cwd_sensitive=True),
    "pnpm": _Tool("node", "--dir -C\n--global-dir\n--store-dir\n--registry",
                  ("--dir", "--global-dir", "--store-dir"), "names", cwd_sensitive=True),
    "corepack": _Tool("node", "--install-directory", ("--install-directory",), "names", cwd_sensitive=True),
    "gem": _Tool("gem", "-i --install-dir\n-n --bindir\n-v --version\n--source\n-s\n-p --http-proxy\n--config-file",
                 ("-i", "-n", "--config-file"), "names", _subs("install update uninstall sources cleanup"),
                 cwd_sensitive=True),
    "go": _Tool("go", operands="names", subcommands=_subs("install env version")),
    "conda": _Tool("conda", "-n --name\n-p --prefix\n-c --channel\n-f --file",
                   ("-p", "-f"), "names", _subs("install update upgrade clean config remove uninstall")),
    "mamba": _Tool("conda", "-n --name\n-p --prefix\n-c --channel\n-f --file",
                   ("-p", "-f"), "names", _subs("install update upgrade clean config remove uninstall")),
    # files
    "mkdir": _Tool("file", "-m --mode\n--context"),
    "rmdir": _Tool("file"),
    "rm": _Tool("file"),
    "touch": _Tool("file", "-d --date\n-t\n-r --reference", ("-r",)),
    "ln": _Tool("file", "-t --target-directory\n-S --suffix", ("-t",)),
    "cp": _Tool("file", "-t --target-directory\n-S --suffix", ("-t",)),
    "mv": _Tool("file", "-t --target-directory\n-S --suffix", ("-t",)),
    "tee": _Tool("file"),
    "cat": _Tool("file"),
    "chmod": _Tool("file", "--reference", ("--reference",), "first-then-paths"),
    "chown": _Tool("owner", "--reference\n--from", ("--reference",), "first-then-paths"),
    "chgrp": _Tool("owner", "--reference", ("--reference",), "first-then-paths"),
    "sed": _Tool("file", "-e --expression\n-f --file\n-l --line-length", ("-f",), "first-then-paths"),
    "grep": _Tool("file", "-e --regexp\n-f --file\n-m --max-count\n-A\n-B\n-C\n--include\n--exclude\n--label",
                  ("-f",), "first-then-paths"),
    "tar": _Tool("file", _TAR_VALUES, ("-C", "-f", "-T", "-X")),
    "unzip": _Tool("file", "-d\n-P", ("-d",)),
    **{name: _Tool("file") for name in ("gzip", "gunzip", "xz", "unxz", "bzip2", "bunzip2", "zcat")},
    **{name: _Tool("file") for name in ("sha1sum", "sha256sum", "sha512sum", "md5sum")},
    # network
    "curl": _Tool("net", _CURL_VALUES, ("-o", "-T", "-K", "--cacert", "--capath", "-E", "--key", "-b", "-c",
                                        "--netrc-file", "--output-dir", "-D", "--trace", "--trace-ascii",
                                        "--stderr"), "data"),
    "wget": _Tool("net", _WGET_VALUES, ("-O", "-o", "-a", "-P", "-i", "--ca-certificate", "--ca-directory",
                                        "--certificate", "--private-key", "--post-file", "--body-file",
                                        "--load-cookies", "--save-cookies", "--config"), "data"),
    "gpg": _Tool("gpg", "--keyserver\n-o --output\n--homedir\n--keyring\n--trust-model\n-u --local-user\n"
                 "-r --recipient\n--keyserver-options\n--import-options\n--export-options\n--default-key",
                 ("-o", "--homedir", "--keyring")),
    "gpgconf": _Tool("gpg", "--homedir", ("--homedir",), "names"),
    # no files at all
    **{name: _INFO for name in ("echo", "printf", "set", "true", ":", "export", "readonly", "unset",
                                "declare", "typeset", "sleep", "uname", "arch", "nproc", "id", "whoami",
                                "date", "pwd", "umask", "getent", "lsb_release", "printenv", "which",
                                "command", "hash", "tr", "dirname", "basename")},
}
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
_ALLOWED_STEPS = frozenset({"command", "pipeline", "declaration_command", "variable_assignment",
                            "unset_command"})


@dataclass
class _Footprint:
    """What a RUN touches, for deciding which copies it may pass."""

    inst: Instruction
    blocked: str = ""  # why it can never move ("" when it may)
    unsafe: list[str] = field(default_factory=list)
    paths: list[tuple[_Path | None, str]] = field(default_factory=list)  # (path, word it came from)
    kinds: dict[str, str] = field(default_factory=dict)  # kind -> a program of that kind
    texts: list[str] = field(default_factory=list)  # every word, for mentions of a destination
    programs: set[str] = field(default_factory=set)
    cwd_readers: list[str] = field(default_factory=list)  # tools reading project config from cwd
    redirects: bool = False  # writes a file through a redirect
    cd_targets: list[tuple[_Path | None, str]] = field(default_factory=list)  # directories it enters
    installs_packages: bool = False
    cwd: _Path | None = None

    @property
    def does_work(self) -> bool:
        """Anything worth caching: not only ``true``, ``echo``, version probes (a ``RUN true``
        between copies is a known layer workaround, moving it would undo it)."""
        return bool(set(self.kinds) - {"info", "probe"}) or self.redirects

    @property
    def expensive(self) -> bool:
        """Installs or downloads something: worth moving above any copy. Cheap file steps
        (mkdir, ln, chmod, echo > file) only move above broad copies, where the churn pays off."""
        return bool(set(self.kinds) & _EXPENSIVE)

    def block(self, reason: str) -> None:
        if not self.blocked:
            self.blocked = reason


@dataclass(frozen=True)
class _Copy:
    """A COPY/ADD as something a RUN may move above."""

    inst: Instruction
    dest: _Path | None  # None when a variable in it cannot be resolved
    dest_vars: frozenset[str]  # variables named in the destination as written
    source_copy: bool  # reads the context or a stage of this file: passing it helps caching
    broad: bool
    file_names: frozenset[str] | None  # basenames of its sources when all are files, else None
    owner_by_name: bool  # --chown=user: BuildKit resolves the name in /etc/passwd at copy time
    sets_owner: bool  # --chown/--chmod: also applies to the parent directories it creates
    suppressed: bool
    invalid: bool

    @property
    def label(self) -> str:
        return _short(self.inst)


@dataclass(frozen=True)
class _Verdict:
    safety: Safety | None  # None: may not pass
    reasons: tuple[str, ...] = ()


# --- reading a RUN ---------------------------------------------------------------------------------


def _footprint(doc: Dockerfile, inst: Instruction, cwd: _Path | None) -> _Footprint:
    facts = _Footprint(inst, cwd=cwd)
    if ({ID, NAME.upper()} & ignored_keys(inst)):
        facts.block("suppressed by a `dockeropt: ignore` comment")
        return facts
    for mount in mounts(inst):
        if mount["type"] == "bind" and "from" not in mount:
            facts.block("it bind-mounts the build context (`--mount=type=bind`)")
        target = mount.get("target")
        if target:
            facts.paths.append((_resolve(target, cwd), f"--mount target {target}"))
    run = run_script(doc, inst)
    if run is None:
        facts.block("the RUN is not a shell script we can read")
        return facts
    script = run.script
    for step in script.chain:
        if step.kind not in _ALLOWED_STEPS:
            facts.block(f"`{_clip(script.text[step.span[0]:step.span[1]])}` is a {step.kind.replace('_', ' ')}")
        if step.kind == "variable_assignment":
            facts.texts.append(script.text[step.span[0]:step.span[1]])
    assigned = _assigned_names(script)
    reader = _Reader(doc, inst, facts, assigned, script.text)
    for command in script.commands:
        reader.command(command)
        if facts.blocked:
            break
    return facts


def _assigned_names(script) -> frozenset[str]:
    """Variables the script itself sets (their values are not the Dockerfile's)."""
    names = {a.name for c in script.commands for a in c.env}
    for command in script.commands:
        if command.name in ("export", "readonly", "declare", "typeset", "local", "read"):
            for word in command.words:
                text = word.value or word.text_raw
                names.add(text.partition("=")[0].lstrip("-"))
    for step in script.chain:
        if step.kind == "variable_assignment":
            names.add(script.text[step.span[0]:step.span[1]].partition("=")[0])
    return frozenset(names)


class _Reader:
    """Adds one command after another to a footprint."""

    def __init__(self, doc: Dockerfile, inst: Instruction, facts: _Footprint, assigned, text: str):
        self.doc, self.inst, self.facts, self.assigned, self.text = doc, inst, facts, assigned, text
        self.cwd = facts.cwd

    def value(self, word: Word) -> str | None:
        if word.value is not None:
            return word.value
        return _expand_shell(word.text_raw, self._variable)

    def _variable(self, name: str) -> str | None:
        if name in self.assigned:
            return None
        found = env_in_force(self.doc, self.inst, name)
        return found if found is not None and "$" not in found else None

    def path(self, word: Word, cwd: _Path | None = None) -> None:
        text = self.value(word)
        if text in ("-", "/dev/null", "/dev/stdout", "/dev/stderr"):
            return
        if text is None:
            text = _literal_directory(word.text_raw)
        where = cwd if cwd is not None else self.cwd
        self.facts.paths.append((None if text is None else _resolve(text, where), word.text_raw))

    def command(self, cmd) -> None:
        facts = self.facts
        for word in cmd.argv:
            value = self.value(word)
            facts.texts.append(value if value is not None else word.text_raw)
            if value is not None:
                self._absolute_mentions(value, word)
        for assignment in cmd.env:
            raw = self.text[assignment.span[0]:assignment.span[1]]
            facts.texts.append(raw)
            value = assignment.value if assignment.value is not None else _expand_shell(
                raw.partition("=")[2], self._variable)
            if value is not None:
                self._absolute_mentions(value, None)
        self._redirects(cmd)
        if cmd.name is None:
            if cmd.argv and cmd.argv[0].text_raw == "":
                return  # only assignments
            facts.block(f"`{_clip(cmd.argv[0].text_raw)}` runs a program named by a variable")
            return
        if "/" in cmd.name:
            if not cmd.name.startswith("/"):
                facts.block(f"it runs `{cmd.name}` from a relative path")
                return
            facts.paths.append((_absolute(cmd.name), cmd.name))
        program = cmd.program
        facts.programs.add(program)
        if program == "cd":
            self._cd(cmd)
            return
        if program in _SHELLS:
            self._shell(cmd)
            return
        tool = _TOOLS.get(program)
        if tool is None:
            if len(cmd.words) == 1 and cmd.words[0].value in _PROBE_WORDS:
                facts.kinds.setdefault("probe", program)
                facts.cwd_readers.append(program)
                return
            facts.block(f"`{program}` may read the copied files")
            return
        self._tool(cmd, program, tool)

    def _absolute_mentions(self, value: str, word: Word | None) -> None:
        """Absolute paths inside a word (``--prefix=/x``, ``@/file``) are paths the command may use."""
        candidates = [value, value.partition("=")[2], value[1:] if value.startswith("@") else ""]
        for text in candidates:
            if text.startswith("/") and not text.startswith("//"):
                self.facts.paths.append((_resolve(text, None), text))

    def _redirects(self, cmd) -> None:
        for start, end in cmd.redirects:
            raw = self.text[start:end]
            self.facts.texts.append(raw)
            match = re.match(r"\s*\d*(?:&>>|&>|>>|>\||<>|>|<)\s*(.*)\Z", raw, re.S)
            if not match or raw.lstrip().startswith("<<"):
                continue  # a heredoc or here-string: data, not a path
            target = match.group(1).strip()
            if target.startswith("&") or not target:
                continue
            value = _expand_shell(target, self._variable)
            if value in ("/dev/null", "/dev/stdout", "/dev/stderr"):
                continue
            self.facts.redirects = True
            self.facts.paths.append((None if value is None else _resolve(value, self.cwd), target))

    def _cd(self, cmd) -> None:
        operands = [w for w in cmd.words if w.value != "--"]
        target_word = operands[-1] if operands else None
        if target_word is None or target_word.value == "-":
            new_cwd = None
        else:
            text = self.value(target_word)
            new_cwd = None if text is None else _resolve(text, self.cwd)
            self.facts.cd_targets.append((new_cwd, target_word.text_raw))
        if cmd.top_level:
            self.cwd = new_cwd

    def _shell(self, cmd) -> None:
        """``curl ... | sh -s -- args`` runs a downloaded script: unsafe. ``sh -c``/``sh file`` block."""
        words = [w.value for w in cmd.words]
        options_only = all(w is not None and (w in ("-", "--") or re.fullmatch(r"-[a-z]+", w))
                           for w in words[:words.index("--") if "--" in words else len(words)])
        if cmd.top_level or any(w and "c" in w.lstrip("-") and w.startswith("-") for w in words) \
                or not options_only:
            self.facts.block(f"`{_clip(self.text[cmd.span[0]:cmd.span[1]])}` runs a script")
            return
        self.facts.kinds.setdefault("script", cmd.program)
        self.facts.unsafe.append(f"`{cmd.program}` runs a downloaded script, which we cannot read")

    def _tool(self, cmd, program: str, tool: _Tool) -> None:
        facts = self.facts
        options, operands = self._parse(cmd, program, tool)
        if tool.subcommands is not None:
            sub = operands[0].value if operands else None
            if sub is not None and sub not in tool.subcommands:
                facts.block(f"`{program} {_clip(operands[0].text_raw)}` may read the copied files")
                return
            operands = operands[1:]
        facts.kinds.setdefault(tool.kind, program)
        if tool.cwd_sensitive:
            facts.cwd_readers.append(program)
        if any(w.endswith(" -m") for w in cmd.wrappers):
            facts.cwd_readers.append("python -m")  # the working directory comes first on sys.path
        for option in options:
            if option.canonical in tool.path_options and option.value not in (None, "-") \
                    and not is_remote(option.value):
                self.path(option.words[-1] if len(option.words) > 1 else _inline(option))
            elif option.canonical in tool.path_options and option.value is None and len(option.words) > 1:
                facts.paths.append((None, option.words[-1].text_raw))
        special = _SPECIAL.get(program)
        if special is not None and not special(self, cmd, options, operands):
            return
        self._operands(tool, options, operands)

    def _parse(self, cmd, program: str, tool: _Tool):
        if program in GRAMMARS:
            return cmd.options(), cmd.operands()
        words = cmd.words
        if program == "tar" and words and words[0].value and re.fullmatch(r"[A-Za-z]*[xctru][A-Za-z]*",
                                                                          words[0].value):
            first = words[0]  # old-style `tar xzf file`: the first word is a bundle of options
            words = (Word(first.text_raw, "-" + first.value, first.span, True), *words[1:])
        return _parse_words(words, tool.values)

    def _operands(self, tool: _Tool, options, operands) -> None:
        mode = tool.operands
        if mode == "first-then-paths":
            given = {o.canonical for o in options}
            skip_first = not (given & {"--reference", "-e", "-f"})
            operands = operands[1:] if skip_first else operands
            mode = "paths"
        for word in operands:
            if mode == "paths":
                self.path(word)
            elif mode == "names":
                self._name(word)

    def _name(self, word: Word) -> None:
        value = self.value(word)
        if value is None:
            # `openjdk-${JAVA_VERSION}-jdk` stays a package name whatever the variable holds;
            # `$PACKAGES` may be several words, options or a local file.
            if not re.match(r'"?[A-Za-z0-9]', word.text_raw) or "/" in word.text_raw:
                self.facts.unsafe.append(f"cannot tell what `{_clip(word.text_raw)}` names")
            return
        if _looks_like_path(value):
            self.path(word)


def _literal_directory(raw: str) -> str | None:
    """``/usr/share/zoneinfo/$TZ`` stays under /usr/share/zoneinfo/ whatever TZ holds (a variable
    holding ``..`` is not considered); None when the word does not start with a literal directory."""
    match = re.match(r'"?(/[^$`"\'\\*?\[{]*/)', raw)
    return match.group(1) if match and ".." not in match.group(1) else None


def _parse_words(words, values: str):
    """Options and operands of a command without a shell grammar (``values``: options with a value)."""
    table = compile_options(Options(takes_value=values))
    options, operands, i = [], [], 0
    while i < len(words):
        word = words[i]
        if option_text(word) is None:
            operands.append(word)
            i += 1
        elif word.value == "--":
            operands.extend(words[i + 1:])
            break
        else:
            found, i = read_option(table, words, i)
            options.extend(found)
    return options, operands


def _inline(option):
    """The word of an option whose value is attached (``--target=/x``, ``-t/x``) as a value word."""
    word = option.words[0]
    return Word(word.text_raw, option.value, word.span, True)


def _looks_like_path(value: str) -> bool:
    if value.startswith(("/", "./", "../", "~")) or value in (".", ".."):
        return True
    if "://" in value or value.startswith(("@", "git+", "hkp:", "hkps:")) or "@" in value:
        return False
    head = value.split("/")[0]
    if "/" in value and ":" not in head:
        return True
    return value.lower().endswith(_FILE_EXTENSIONS)


# --- per-program rules beyond the table ---------------------------------------------------------


def _apt_get(reader: _Reader, cmd, options, operands) -> bool:
    if cmd.subcommand in ("install", "upgrade", "dist-upgrade", "full-upgrade"):
        reader.facts.installs_packages = True
    return True


def _apk(reader: _Reader, cmd, options, operands) -> bool:
    if cmd.subcommand == "add":
        reader.facts.installs_packages = True
    if cmd.subcommand == "cache":
        return False  # `apk cache clean|sync|purge`: no paths
    return True


def _rpm(reader: _Reader, cmd, options, operands) -> bool:
    sub = cmd.subcommand
    if sub in ("install", "groupinstall", "reinstall", "in", "update", "upgrade", "up"):
        reader.facts.installs_packages = True
    if sub in ("group", "groups"):
        return False  # group names
    return True


def _global(options) -> bool:
    return any(o.canonical in ("-g", "--global") or (o.canonical == "--location" and o.value == "global")
               for o in options)


def _npm(reader: _Reader, cmd, options, operands) -> bool:
    sub = cmd.subcommand
    if sub in ("config", "cache", "set", "get", "view", "ping", "whoami", "help") or sub is None:
        return False
    if sub in ("install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
               "isntall", "add", "update", "up", "upgrade", "uninstall", "remove", "rm", "un", "r"):
        if not _global(options) or not operands[1:]:
            reader.facts.block(f"`npm {sub}` without -g and package names reads the project's package.json")
            return False
        for word in operands[1:]:
            reader._name(word)
        return False
    reader.facts.block(f"`npm {sub}` may read the copied files")
    return False


def _yarn(reader: _Reader, cmd, options, operands) -> bool:
    words = [w.value for w in operands]
    if words[:2] in (["global", "add"], ["global", "remove"]) and len(words) > 2:
        for word in operands[2:]:
            reader._name(word)
        return False
    if words[:1] in (["config"], ["cache"]) or not words:
        return False
    reader.facts.block(f"`yarn {' '.join(w or '?' for w in words[:2])}` may read the copied files")
    return False


def _pnpm(reader: _Reader, cmd, options, operands) -> bool:
    words = [w.value for w in operands]
    if words[:1] in (["add"], ["install"], ["i"], ["remove"], ["rm"]) and _global(options) and len(words) > 1:
        for word in operands[1:]:
            reader._name(word)
        return False
    if words[:1] in (["config"], ["setup"]) or not words:
        return False
    reader.facts.block("`pnpm` without -g and package names reads the project's package.json")
    return False


def _corepack(reader: _Reader, cmd, options, operands) -> bool:
    words = [w.value for w in operands]
    if words[:1] in (["enable"], ["disable"]) or not words:
        return False
    if words[:1] in (["prepare"], ["install"]) and len(words) > 1:
        for word in operands[1:]:
            reader._name(word)
        return False
    reader.facts.block(f"`corepack {words[0]}` reads the project's package.json")
    return False


def _gem(reader: _Reader, cmd, options, operands) -> bool:
    if any(o.name in ("-g", "--file") for o in options):
        reader.facts.block("`gem install -g` reads the project's Gemfile")
        return False
    return True


def _go(reader: _Reader, cmd, options, operands) -> bool:
    sub = cmd.operands()[0].value if cmd.operands() else None
    if sub == "install":
        if not operands or any("@" not in (reader.value(w) or "") for w in operands):
            reader.facts.block("`go install` without `pkg@version` builds the module in the working directory")
            return False
        return False
    return False


def _useradd(reader: _Reader, cmd, options, operands) -> bool:
    """Also the home directory it creates: ``-d``/``--home``, else /home/<name>."""
    if not any(o.canonical in ("-d", "-h", "-b") for o in options) and cmd.program in ("useradd", "adduser"):
        for word in operands:
            value = reader.value(word)
            if value and "/" not in value:
                reader.facts.paths.append((_absolute("/home/" + value), f"/home/{value}"))
    return True


def _ln(reader: _Reader, cmd, options, operands) -> bool:
    """A relative symlink target is relative to the link's directory, not to the working directory."""
    if not any(o.canonical in ("-s", "--symbolic") for o in options) or not operands:
        return True
    into = next((o for o in options if o.canonical == "-t"), None)
    if into is not None:
        targets, link_dir = operands, reader.value(into.words[-1]) if len(into.words) > 1 else into.value
    elif len(operands) >= 2:
        link = reader.value(operands[-1])
        reader.path(operands[-1])
        targets, link_dir = operands[:-1], None if link is None else posixpath.dirname(link) or "."
    else:
        targets, link_dir = operands, "."
    where = None if link_dir is None else _resolve(link_dir, reader.cwd)
    for word in targets:
        value = reader.value(word)
        if value is None:
            value = _literal_directory(word.text_raw)
        path = None if value is None or where is None and not value.startswith("/") else _resolve(value, where)
        reader.facts.paths.append((path, word.text_raw))
    return False


def _archive(reader: _Reader, cmd, options, operands) -> bool:
    """tar and unzip extract into -C/-d or the working directory."""
    program = cmd.program
    if program == "tar":
        extracting = any(o.canonical in ("-x", "--extract", "--get") for o in options)
        into = next((o for o in options if o.canonical == "-C"), None)
        if extracting and into is None and reader.cwd is not None:
            reader.facts.paths.append((reader.cwd, "the working directory"))
        elif extracting and into is None:
            reader.facts.paths.append((None, "the working directory"))
        for word in operands:
            if not extracting:
                reader.path(word)
        return False
    if program == "unzip":
        if not any(o.canonical == "-d" for o in options):
            reader.facts.paths.append((reader.cwd, "the working directory"))
        if operands:
            reader.path(operands[0])
        return False
    return True


def _download(reader: _Reader, cmd, options, operands) -> bool:
    """curl -O and wget without -O/-P write into the working directory."""
    given = {o.canonical for o in options}
    if cmd.program == "curl":
        remote_name = any(o.canonical in ("-O", "--remote-name", "--remote-name-all") for o in options)
        writes_cwd = remote_name and "--output-dir" not in given
    else:
        writes_cwd = not given & {"-O", "-P", "--spider"}
    if writes_cwd:
        reader.facts.paths.append((reader.cwd, "the working directory"))
    for word in operands:
        value = reader.value(word)
        if value is None:
            reader.facts.unsafe.append(f"cannot tell what `{word.text_raw}` fetches")
        elif value.lower().startswith("file:") or _looks_like_path(value) and "://" not in value:
            reader.path(word)
    return False


def _checksum(reader: _Reader, cmd, options, operands) -> bool:
    """``sha256sum -c`` reads the files its input names, relative to the working directory."""
    if any(o.canonical in ("-c", "--check") for o in options):
        reader.facts.paths.append((reader.cwd, "files named in the checksum list"))
    return True


def _gpg(reader: _Reader, cmd, options, operands) -> bool:
    names = {"--recv-keys", "--receive-keys", "--search-keys", "--fetch-keys", "--refresh-keys",
             "--export", "--armor", "--list-keys", "-k"}
    if any(o.canonical in names for o in options):
        return False
    return True


_SPECIAL = {
    "apt-get": _apt_get, "apt": _apt_get, "apk": _apk, "dnf": _rpm, "yum": _rpm, "microdnf": _rpm,
    "zypper": _rpm, "npm": _npm, "yarn": _yarn, "pnpm": _pnpm, "corepack": _corepack,
    "gem": _gem, "go": _go, "useradd": _useradd, "adduser": _useradd, "ln": _ln, "tar": _archive,
    "unzip": _archive, "curl": _download, "wget": _download, "gpg": _gpg,
    **{name: _checksum for name in ("sha1sum", "sha256sum", "sha512sum", "md5sum")},
}


def _expand_shell(raw: str, lookup) -> str | None:
    """A shell word with only quotes and ``$NAME``/``${NAME}``, expanded; None for anything else."""
    out: list[str] = []
    i, n, quoted = 0, len(raw), False
    while i < n:
        ch = raw[i]
        if ch == '"':
            quoted = not quoted
            i += 1
        elif ch == "'" and not quoted:
            end = raw.find("'", i + 1)
            if end < 0:
                return None
            out.append(raw[i + 1:end])
            i = end + 1
        elif ch == "$":
            match = re.match(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))", raw[i:])
            if not match:
                return None
            value = lookup(match.group(1) or match.group(2))
            if value is None:
                return None
            out.append(value)
            i += match.end()
        elif ch in "\\`":
            return None
        else:
            out.append(ch)
            i += 1
    return None if quoted else "".join(out)


# --- copies ----------------------------------------------------------------------------------------


def _copy(doc: Dockerfile, inst: Instruction, cwd: _Path | None, stage_names: set[str], context) -> _Copy:
    dest_raw = destination(inst)
    srcs = sources(inst)
    dest = None
    if dest_raw is not None:
        expanded = expand(doc, inst, dest_raw)
        if expanded is not None:
            dest = _resolve(expanded, cwd if cwd is not None else _Path(".", ()))
    from_flag = inst.flag("from")
    source_copy = any(from_context(inst, s) for s in srcs) or (
        from_flag is not None and (from_flag.value or "").lower() in stage_names)
    chown = inst.flag("chown")
    owner = (chown.value or "") if chown else ""
    return _Copy(
        inst=inst, dest=dest,
        dest_vars=frozenset(m.group(1) or m.group(2) for m in re.finditer(
            r"\$(?:\{(\w+)[^}]*\}|(\w+))", dest_raw or "")),
        source_copy=source_copy,
        broad=any(is_broad(s) and from_context(inst, s) for s in srcs),
        file_names=_file_names(inst, srcs, context),
        owner_by_name=bool(owner) and not all(p.isdigit() for p in owner.split(":") if p),
        sets_owner=chown is not None or inst.flag("chmod") is not None,
        suppressed=bool({ID, NAME.upper()} & ignored_keys(inst)),
        invalid=dest_raw is None,
    )


def _file_names(inst: Instruction, srcs, context) -> frozenset[str] | None:
    """Basenames of the sources when each is known to be a file (a directory's contents are not)."""
    if any(is_remote(s) or "$" in s or re.search(r"[*?\[]", s) or is_broad(s) or s.endswith("/")
           for s in srcs):
        return None
    files = getattr(context, "files", None) if getattr(context, "known", False) else None
    for source in srcs:
        key = normalise("/" + source).lstrip("/")
        if files is not None and inst.flag("from") is None:
            if key not in files:
                return None  # a directory, or not in the context
        elif "." not in posixpath.basename(key):
            return None  # may be a directory
    return frozenset(posixpath.basename(s.rstrip("/")) for s in srcs)


@dataclass(frozen=True)
class _Scope:
    """Facts of the whole file a crossing needs."""

    path_dirs: tuple[_Path, ...]  # the PATH in force
    homes: tuple[_Path, ...]  # home directories the file sets up
    home: _Path | None = None  # HOME, when an ENV in force sets it
    reading_variables: tuple[tuple[str, _Path], ...] = ()  # (NAME, path) of variables in force

    def concrete(self, path: _Path) -> _Path:
        """``~/x`` as an absolute path when HOME is known."""
        if path.root == "~" and self.home is not None:
            return _Path("/", self.home.parts + path.parts)
        return path


def _cross(run: _Footprint, copy: _Copy, scope: _Scope) -> _Verdict:
    """May ``run`` move above ``copy``? SAFE, UNSAFE (with reasons), or not (safety None)."""
    if run.blocked:
        return _Verdict(None, (run.blocked,))
    if not run.does_work:
        return _Verdict(None, ("it does no work worth caching",))
    if copy.suppressed:
        return _Verdict(None, (f"`{copy.label}` is suppressed",))
    if copy.invalid:
        return _Verdict(None, (f"`{copy.label}` has no destination",))
    if copy.owner_by_name and ("user" in run.kinds or any(
            p is not None and _under(p, _USERS) for p, _ in run.paths)):
        return _Verdict(None, (f"`{copy.label}` looks its owner up in /etc/passwd, which the RUN changes",))
    dest = copy.dest
    if dest is None:
        if any(re.search(rf"\${{?{re.escape(v)}\b", t) for t in run.texts for v in copy.dest_vars):
            return _Verdict(None, (f"the RUN uses the variable of the destination of `{copy.label}`",))
        reasons = (f"cannot resolve the destination of `{copy.label}`", *run.unsafe)
        return _Verdict(Safety.UNSAFE, tuple(dict.fromkeys(reasons)))
    unsafe: list[str] = []
    if dest.root == "/":
        pattern = re.compile(r"(?<![\w.\-/])" + re.escape(str(dest)) + r"(?![\w.\-])")
        for text in run.texts:
            if pattern.search(text) and str(dest) != "/":
                return _Verdict(None, (f"`{_clip(text)}` names {dest}, where `{copy.label}` writes",))
    for path, word in run.paths:
        if path is None:
            unsafe.append(f"cannot tell where `{_clip(word)}` points")
            continue
        path = scope.concrete(path)
        relation = _overlap(path, dest, scope.homes)
        if relation:
            return _Verdict(None, (f"it uses {_describe(path, word)}, which `{copy.label}` writes",))
        if relation is None:
            unsafe.append(_unknown(path, dest, word, copy))
    for path, word in run.cd_targets:  # entering a directory reads nothing; entering the copy does
        if path is None:
            unsafe.append(f"cannot tell where `{_clip(word)}` points")
            continue
        relation = _within(scope.concrete(path), dest)
        if relation:
            return _Verdict(None, (f"it enters `{_clip(word)}`, which `{copy.label}` fills",))
        if relation is None:
            unsafe.append(_unknown(path, dest, word, copy))
    for kind, program in run.kinds.items():
        for text in _READS[kind]:
            relation = _overlap(scope.concrete(_config_path(text)), dest, scope.homes)
            if relation:
                return _Verdict(None, (f"`{program}` reads {text}, where `{copy.label}` writes",))
            if relation is None:
                unsafe.append(_unknown(_config_path(text), dest, text, copy))
                break
        if kind in _SYSTEM_PACKAGES and _system_owned(dest):
            unsafe.append(f"`{program}` may install files under {dest}; after the move the copied files "
                          "replace them instead of the other way round")
        writes = _LANGUAGE_WRITES.get(kind, ())
        if any(_overlap(scope.concrete(_config_path(w)), dest, scope.homes) is not False for w in writes):
            unsafe.append(f"`{program}` installs into {dest}'s area; after the move the copied files "
                          "replace what it installs there instead of the other way round")
    for name, path in scope.reading_variables:
        if _overlap(path, dest):
            return _Verdict(None, (f"`{name}` points into what `{copy.label}` writes, and tools read it",))
    shadow = _shadowing(run, copy, scope.path_dirs)
    if shadow is False:
        return _Verdict(None, (f"`{copy.label}` adds a command the RUN runs",))
    if shadow:
        unsafe.append(shadow)
    if run.cwd_readers and run.cwd is not None:
        relation = _overlap(run.cwd, dest)
        if relation is not False:
            unsafe.append(f"`{run.cwd_readers[0]}` may read project configuration from the working "
                          f"directory, which `{copy.label}` fills")
    elif run.cwd_readers:
        unsafe.append(f"`{run.cwd_readers[0]}` runs in a working directory set by the base image")
    if copy.sets_owner:
        for path, word in run.paths:
            if path is not None and path.root == dest.root == "/":
                common = _common(path.parts, dest.parts)
                if common not in _EXISTING and len(common) >= 1:
                    unsafe.append(f"`{copy.label}` and the RUN both create directories under "
                                  f"/{'/'.join(common)}; the first to run decides its owner")
                    break
    unsafe.extend(run.unsafe)
    if unsafe:
        return _Verdict(Safety.UNSAFE, tuple(dict.fromkeys(unsafe)))
    return _Verdict(Safety.SAFE)


def _config_path(text: str) -> _Path:
    return _Path("~", _split(text[1:])) if text.startswith("~") else _absolute(text)


def _system_owned(dest: _Path) -> bool:
    """The copy lands where system packages install files (not /usr/local, /usr/src, /var/tmp)."""
    return _under(dest, _SYSTEM_WRITES) and (
        not _under(dest, _SYSTEM_SPARED) or _under(dest, _SYSTEM_SPARED_NOT))


def _shadowing(run: _Footprint, copy: _Copy, path_dirs: tuple[_Path, ...]) -> str | bool | None:
    """False when the copy adds a command the RUN runs; a risk text when it may; None otherwise."""
    dest = copy.dest
    if dest is None or dest.root != "/":
        return None
    risk = (f"`{copy.label}` copies into a PATH directory; a copied file could shadow a command "
            "the RUN (or a package script) runs")
    for directory in path_dirs:
        if len(dest.parts) < len(directory.parts) and directory.parts[:len(dest.parts)] == dest.parts:
            return risk  # the copy lands above a PATH directory
        if dest.parts[:len(directory.parts)] != directory.parts:
            continue
        if len(dest.parts) > len(directory.parts):
            names = frozenset({dest.parts[len(directory.parts)]})
        elif copy.file_names is None:
            return risk
        else:
            names = copy.file_names
        if names & run.programs:
            return False
    return None


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    common = []
    for x, y in zip(a, b):
        if x != y:
            break
        common.append(x)
    return tuple(common)


def _describe(path: _Path, word: str) -> str:
    return f"`{_clip(word)}`" if word and not word.startswith("the ") else f"{word} ({path})"


def _unknown(path: _Path, dest: _Path, word: str, copy: _Copy) -> str:
    if "." in (path.root, dest.root):
        return (f"`{copy.label}` lands relative to the base image's WORKDIR; cannot tell whether it "
                f"touches {path if path.root != '.' else _clip(word)}")
    return f"cannot tell whether {_clip(str(path))} (HOME) is under {dest}"


# --- moving ----------------------------------------------------------------------------------------


@dataclass
class _Move:
    run: Instruction
    anchor: Instruction  # the first (top-most) copy it passes
    safety: Safety
    reasons: tuple[str, ...]
    passed: list[_Copy]


def check(doc: Dockerfile, context, config) -> Iterator[Finding]:
    stage_names = {s.name for s in doc.stages if s.name} | {str(s.index) for s in doc.stages}
    homes: tuple[_Path, ...] | None = None
    for stage in doc.stages:
        for segment in _segments(stage.instructions):
            homes = _homes(doc) if homes is None else homes
            yield from _segment_findings(doc, segment, stage_names, homes, context, config)


def _homes(doc: Dockerfile) -> tuple[_Path, ...]:
    """Home directories the file sets: ``ENV HOME=...`` and ``useradd -d``/``adduser --home``."""
    found: list[_Path] = []
    for inst in doc.instructions:
        target = inst.effective
        if target.keyword == "ENV":
            found += [_absolute(v.strip("\"'")) for k, v in zip(target.value[::2], target.value[1::2])
                      if k == "HOME" and v.strip("\"'").startswith("/")]
        run = run_script(doc, inst) if target.keyword == "RUN" else None
        for command in run.script.commands if run else ():
            if _TOOLS.get(command.program or "") is not _USER:
                continue
            options, _ = _parse_words(command.words, _USER.values)
            found += [_absolute(o.value) for o in options
                      if o.canonical in ("-d", "-h") and o.value and o.value.startswith("/")]
    return tuple(found)


def _segments(instructions) -> Iterator[list[Instruction]]:
    """Runs of COPY/ADD/RUN (not ONBUILD) with at least one of each."""
    current: list[Instruction] = []
    for inst in (*instructions, None):
        if inst is not None and inst.trigger is None and inst.keyword in ("COPY", "ADD", "RUN"):
            current.append(inst)
            continue
        if any(i.keyword == "RUN" for i in current) and any(is_copy(i) for i in current):
            yield current
        current = []


def _segment_findings(doc, segment, stage_names, homes, context, config) -> Iterator[Finding]:
    workdir = workdir_in_force(doc, segment[0])
    cwd = _absolute(workdir) if workdir is not None else _Path(".", ())
    copies = {id(i): _copy(doc, i, cwd, stage_names, context) for i in segment if is_copy(i)}
    runs = {id(i): _footprint(doc, i, cwd) for i in segment if i.keyword == "RUN"}
    home = env_in_force(doc, segment[0], "HOME")
    scope = _Scope(_path_dirs(doc, segment[0]), homes,
                   _absolute(home) if home and home.startswith("/") and "$" not in home else None,
                   _reading_variables(doc, segment[0]))
    # Without --unsafe, SAFE moves come first; once none is left, the UNSAFE ones are reported.
    moves = [] if config.unsafe else _simulate(segment, copies, runs, scope, allow_unsafe=False)
    if not moves:
        moves = _simulate(segment, copies, runs, scope, allow_unsafe=True)
    yield from _findings(doc, moves)
    if not moves:
        yield from _blocked_suggestions(doc, segment, copies, runs, scope)


def _reading_variables(doc: Dockerfile, inst: Instruction) -> tuple[tuple[str, _Path], ...]:
    """Paths named by ENV/ARG variables in force that make tools read files (``PYTHONPATH`` ...)."""
    stage = doc.stage_of(inst)
    found: list[tuple[str, _Path]] = []
    for current in [*reversed(doc.ancestors(stage)), stage] if stage else ():
        for other in current.instructions:
            if other is inst:
                break
            if other.keyword == "ENV":
                pairs = list(zip(other.value[::2], other.value[1::2]))
            elif other.keyword == "ARG":
                pairs = [tuple(v.partition("=")[::2]) for v in other.value]
            else:
                continue
            for name, value in pairs:
                if _READING_VARIABLES.fullmatch(name):
                    found += [(name, _absolute(token)) for token in re.split(r"[\s:=,;\"']+", value)
                              if token.startswith("/")]
    return tuple(found)


def _path_dirs(doc: Dockerfile, inst: Instruction) -> tuple[_Path, ...]:
    value = env_in_force(doc, inst, "PATH")
    entries = list(_DEFAULT_PATH)
    if value is not None:
        entries = []
        for part in value.split(":"):
            if part in ("$PATH", "${PATH}"):
                entries.extend(_DEFAULT_PATH)
            elif part.startswith("/") and "$" not in part:
                entries.append(part)
    return tuple(_absolute(e) for e in entries)


def _simulate(segment, copies, runs, scope: _Scope, *, allow_unsafe: bool) -> list[_Move]:
    """Bubble each RUN up past the copies directly above it, keeping RUN order."""
    order = list(segment)
    moves: list[_Move] = []
    for inst in segment:
        if inst.keyword != "RUN":
            continue
        position = order.index(inst)
        passed: list[tuple[_Copy, _Verdict]] = []
        while position - len(passed) > 0 and is_copy(order[position - len(passed) - 1]):
            copy = copies[id(order[position - len(passed) - 1])]
            verdict = _cross(runs[id(inst)], copy, scope)
            if verdict.safety is None or (verdict.safety is Safety.UNSAFE and not allow_unsafe):
                break
            passed.append((copy, verdict))
        # Passing only copies of images or URLs gains nothing: stop below the last source copy.
        while passed and not passed[-1][0].source_copy:
            passed.pop()
        if not passed or not (runs[id(inst)].expensive or any(c.broad for c, _ in passed)):
            continue
        safety = Safety.SAFE
        for _, verdict in passed:
            safety = safety.at_least(verdict.safety)
        reasons = tuple(dict.fromkeys(r for _, verdict in passed for r in verdict.reasons))
        order.pop(position)
        order.insert(position - len(passed), inst)
        moves.append(_Move(inst, passed[-1][0].inst, safety, reasons, [c for c, _ in passed]))
    return moves


def _findings(doc: Dockerfile, moves: list[_Move]) -> Iterator[Finding]:
    """One finding per insertion point: the RUNs that end up right above the same copy."""
    groups: dict[int, list[_Move]] = {}
    for move in moves:
        groups.setdefault(id(move.anchor), []).append(move)
    for group in groups.values():
        yield _finding(doc, group)


def _finding(doc: Dockerfile, group: list[_Move]) -> Finding:
    anchor = group[0].anchor
    text = doc.text
    deletions: list[list[int]] = []
    pieces: list[str] = []
    first_separator = ""
    for index, move in enumerate(group):
        start, end = move.run.full_span
        separator = _blank_lines_before(doc, move.run)
        body = text[start:end]
        if index == 0:
            first_separator = separator
        else:
            pieces.append(separator)
        pieces.append(body)
        deletions.append([start - len(separator), end])
    deletions = _merge(deletions)
    last = deletions[-1]
    if last[1] == len(text) and not text.endswith("\n"):
        # the file ends without a newline: keep it that way (the line now last loses its ending)
        ending = "\r\n" if text[:last[0]].endswith("\r\n") else "\n"
        last[0] -= len(ending)
        pieces[-1] += ending
    insertion = "".join(pieces) + first_separator
    edits = [Edit.delete(s, e) for s, e in deletions]
    edits.append(Edit.insert(anchor.full_span[0], insertion))
    safety = Safety.SAFE
    for move in group:
        safety = safety.at_least(move.safety)
    reasons = tuple(dict.fromkeys(r for move in group for r in move.reasons))
    copy = _short(anchor)
    if len(group) == 1:
        message = (f"`{_short(group[0].run)}` does not use what `{copy}` (line {anchor.start_line}) "
                   "copies; run it before the copy so that changes to the copied files keep its layer cached")
    else:
        lines = ", ".join(str(m.run.start_line) for m in group)
        message = (f"the RUNs at lines {lines} do not use what `{copy}` (line {anchor.start_line}) copies; "
                   "run them before the copy so that changes to the copied files keep their layers cached")
    return PASS.finding(group[0].run.start_line, message, Fix(tuple(edits), safety),
                        risk="; ".join(reasons) if safety is not Safety.SAFE else "",
                        end_line=group[-1].run.end_line)


def _blank_lines_before(doc: Dockerfile, inst: Instruction) -> str:
    """The blank lines right above an instruction's comments (they move with it)."""
    items = doc.items
    for index, item in enumerate(items):
        if item is inst:
            before = items[index - 1] if index else None
            if isinstance(before, Trivia) and all(line.kind == "blank" for line in before.lines):
                return before.text
            return ""
    return ""


def _merge(spans: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _blocked_suggestions(doc, segment, copies, runs, scope: _Scope) -> Iterator[Finding]:
    """A broad context copy followed by a RUN that installs system packages but cannot move."""
    for index, inst in enumerate(segment):
        if inst.keyword != "RUN" or not index or not is_copy(segment[index - 1]):
            continue
        run = runs[id(inst)]
        if not run.installs_packages or run.blocked.startswith("suppressed"):
            continue
        above = []
        j = index - 1
        while j >= 0 and is_copy(segment[j]):
            above.append(copies[id(segment[j])])
            j -= 1
        broad = next((c for c in above if c.broad), None)
        if broad is None or any(c.suppressed for c in above):
            continue
        reason = next((v.reasons[0] for v in (_cross(run, c, scope) for c in above)
                       if v.safety is None and v.reasons), "")
        if not reason:
            continue
        yield PASS.finding(
            inst.start_line,
            f"this RUN installs system packages after `{broad.label}` (line {broad.inst.start_line}), so "
            f"every source change reinstalls them; it cannot move above the copy because {reason}. "
            "Split the package install into its own RUN before the copy",
            None, end_line=inst.end_line)


def _short(inst: Instruction) -> str:
    target = inst.effective
    flags = " ".join(f.text for f in target.flags)
    words = " ".join(target.value) if not target.exec_form else " ".join(target.value)
    return _clip(" ".join(p for p in (target.keyword, flags, words) if p))


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


PASS = Pass(
    id=ID,
    name=NAME,
    title="Run steps that do not use the copied files before the COPY",
    what=("Moves RUN instructions that provably do not read or write what a COPY/ADD from the build "
          "context (or from another stage) brings in, such as system package installs, above that "
          "copy. Consecutive movable RUNs move together, in order, with their comments."),
    why=("A COPY of the sources is invalidated by every source edit, and so is every layer after it: "
         "`COPY . /app` followed by `RUN apt-get install ...` reinstalls the packages on every build. "
         "Run steps that do not depend on the sources first, and their layers stay cached."),
    safety=Safety.SAFE,
    safety_notes=("Safe when every command of the RUN is on an allow-list of tools that only touch the "
                  "system (package managers installing named packages, user tools, mkdir/ln/rm/curl on "
                  "paths outside the copy ...) and no path it uses, or configuration it reads, lies in "
                  "the copy's destination. Unsafe when a system package manager runs and the copy lands "
                  "in a system directory, a language package manager installs where the copy lands, "
                  "npm/yarn/gem run inside the copied directory, a variable or the base image's WORKDIR "
                  "leaves a path unknown, or a downloaded script is piped into a shell. Never across "
                  "ENV/ARG/WORKDIR/USER/SHELL/ONBUILD, never for make/mvn/gradle/npm ci/"
                  "pip install -r/scripts/git, `--mount=type=bind`, or copies of tool configuration "
                  "(`/etc/apt`, `/etc/pip.conf` ...)."),
    examples=(Example(
        before=("FROM eclipse-temurin:17-jdk\nCOPY . /app\n"
                "RUN apt-get update && apt-get install -y --no-install-recommends fontconfig\n"
                "CMD [\"java\", \"-jar\", \"/app/target/app.jar\"]\n"),
        after=("FROM eclipse-temurin:17-jdk\n"
               "RUN apt-get update && apt-get install -y --no-install-recommends fontconfig\n"
               "COPY . /app\nCMD [\"java\", \"-jar\", \"/app/target/app.jar\"]\n")),),
    check=check,
)
