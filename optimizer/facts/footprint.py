"""What a RUN command reads and writes on the filesystem: the footprint of its shell script.

A RUN is read with the shell layer, command by command, against an allow-list of tools whose
behaviour is known: system and language package managers, user tools, file and archive tools,
downloaders and commands that touch no files at all. For each it records the paths it names
(operands, path options, redirects, ``cd``, the working directory), the kind of tool (which names
the configuration it reads by itself: ``/etc/apt``, ``~/.npmrc`` ...) and what makes the reading
unsure (a variable we cannot resolve, a downloaded script). Anything else blocks: an unknown
program, a compound statement, a bind mount of the build context.

Paths are ``ImagePath``: absolute, relative to a working directory the Dockerfile does not fix
(the base image's WORKDIR, root ``.``), or under an unknown HOME (root ``~``). ``overlap`` and
``within`` compare them and say "cannot tell" (None) instead of guessing. ``Scope`` holds what the
rest of the file says about where a RUN runs: PATH, HOME and variables that point tools at files.

Public API: ``footprint(doc, inst, cwd)`` -> ``Footprint``; ``ImagePath`` with ``absolute``,
``resolve``, ``overlap``, ``within``, ``new_common_parent``; ``Scope.at(doc, inst, homes)`` with
``home_directories(doc)``; the tool tables ``CONFIG_READS``, ``SYSTEM_PACKAGE_KINDS``,
``LANGUAGE_INSTALLS`` and ``system_owned(path)``; ``clip(text)`` for messages.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from .copies import instructions_before, is_remote, normalise
from ..model import Dockerfile, Instruction
from .runscript import POSIX_SHELLS, env_in_force, mounts, run_script
from ..shell import GRAMMARS, Options
from ..shell.grammars import compile_options
from ..shell.options import parse_args
from ..shell.words import Word

# --- paths ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImagePath:
    """A path in the image: root "/" (absolute), "." (relative to the base image's WORKDIR, which
    this file does not fix) or "~" (the home directory, unknown), and its parts."""

    root: str
    parts: tuple[str, ...]

    def __str__(self) -> str:
        body = "/".join(self.parts)
        if self.root == "/":
            return "/" + body
        return f"{self.root}/{body}" if body else self.root


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in normalise("/" + text).split("/") if p)


def absolute(text: str) -> ImagePath:
    """An absolute path (``..`` and ``//`` normalised away)."""
    return ImagePath("/", _split(text))


def resolve(text: str, cwd: ImagePath | None) -> ImagePath | None:
    """``text`` (a shell or Dockerfile path) as an ImagePath; None when it depends on something unknown."""
    text = _glob_prefix(text)
    if text.startswith("/"):
        return absolute(text)
    if text == "~" or text.startswith("~/"):
        return ImagePath("~", _split(text[1:]))
    if text.startswith("~") or cwd is None:
        return None
    joined = posixpath.normpath(posixpath.join("/".join(cwd.parts) or ".", text))
    if joined.startswith(".."):
        return None
    return ImagePath(cwd.root, tuple(p for p in joined.split("/") if p and p != "."))


def _glob_prefix(text: str) -> str:
    """The directory a glob can only match under (``/var/lib/apt/lists/*`` -> its directory)."""
    cut = min((i for i, ch in enumerate(text) if ch in "*?[{"), default=None)
    if cut is None:
        return text
    return text[:cut].rpartition("/")[0] + "/" if "/" in text[:cut] else "."


def overlap(a: ImagePath, b: ImagePath, homes: tuple[ImagePath, ...] = ()) -> bool | None:
    """One path lies in (or is) the other: True/False, None when we cannot tell.

    ``~`` (HOME unknown) may be /root, a directory under /home, or a home this Dockerfile gives a
    user (``useradd -d``, ``ENV HOME``): ``homes``. Other directories are not guessed as HOME.
    """
    if a.root == b.root:
        n = min(len(a.parts), len(b.parts))
        return a.parts[:n] == b.parts[:n]
    if {a.root, b.root} == {"~", "/"}:
        fixed = a if a.root == "/" else b
        candidates = (absolute("/root"), absolute("/home"), *homes)
        return None if any(overlap(fixed, home) for home in candidates) else False
    return None


def within(inner: ImagePath, outer: ImagePath) -> bool | None:
    """``inner`` is ``outer`` or lies under it (None when we cannot tell)."""
    if inner.root != outer.root:
        return overlap(inner, outer)
    return inner.parts[:len(outer.parts)] == outer.parts


def _under(path: ImagePath, prefixes: tuple[str, ...]) -> bool:
    return any(path.root == "/" and path.parts[:len(p)] == p for p in map(_split, prefixes))


def new_common_parent(a: ImagePath, b: ImagePath) -> ImagePath | None:
    """The deepest directory two absolute paths share when base images may lack it (whichever
    step creates it first decides its owner); None when they share none or every image has it."""
    if not a.root == b.root == "/":
        return None
    common: list[str] = []
    for x, y in zip(a.parts, b.parts):
        if x != y:
            break
        common.append(x)
    return None if tuple(common) in _EXISTING else ImagePath("/", tuple(common))


# --- what tools read and write by themselves ------------------------------------------------------

_CA = ("/etc/ssl", "/etc/ca-certificates", "/etc/ca-certificates.conf", "/etc/pki",
       "/usr/local/share/ca-certificates", "/usr/share/ca-certificates")
_USERS = ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow")
_LD = ("/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ld.so.cache", "/usr/local/lib", "/usr/local/lib64")


def _paths(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[ImagePath, ...]]:
    return {kind: tuple(resolve(text, None) for text in texts) for kind, texts in table.items()}


#: Configuration and state each kind of tool reads: a copy landing there feeds the step.
CONFIG_READS = _paths({
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
})
#: Kinds that are system package managers (they install files all over the system directories).
SYSTEM_PACKAGE_KINDS = ("apt", "apk", "rpm")
_EXPENSIVE = frozenset({"apt", "apk", "rpm", "pip", "node", "gem", "go", "conda", "net", "gpg", "script",
                        "locale"})
#: Where package managers put files: a copy landing there may be overwritten, or overwrite them.
_SYSTEM_WRITES = ("/etc", "/usr", "/var", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/boot")
_SYSTEM_SPARED = ("/usr/local", "/usr/src", "/var/tmp")  # Debian/Alpine packages ship nothing there
_SYSTEM_SPARED_NOT = ("/usr/local/lib", "/usr/local/lib64", "/usr/local/etc", "/usr/local/share",
                      "/usr/local/include")
#: Where each language package manager installs.
LANGUAGE_INSTALLS = _paths({
    "pip": ("/usr/local", "/usr/lib/python3", "/opt/conda", "~/.local", "/opt/venv"),
    "node": ("/usr/local", "/usr/lib/node_modules", "~/.npm", "~/.yarn", "~/.local/share/pnpm"),
    "gem": ("/usr/local", "/var/lib/gems", "~/.gem", "~/.local/share/gem"),
    "go": ("/go", "/usr/local/go", "~/go", "~/.cache/go-build"),
    "conda": ("/opt/conda", "~/.conda"),
})
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


def system_owned(path: ImagePath) -> bool:
    """``path`` lies where system packages install files (not /usr/local, /usr/src, /var/tmp)."""
    return _under(path, _SYSTEM_WRITES) and (
        not _under(path, _SYSTEM_SPARED) or _under(path, _SYSTEM_SPARED_NOT))


@dataclass(frozen=True)
class _Tool:
    """What we know about a command on the allow-list."""

    kind: str  # key into CONFIG_READS: the configuration the tool reads by itself
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
_ALLOWED_STEPS = frozenset({"command", "pipeline", "declaration_command", "variable_assignment",
                            "unset_command"})


@dataclass
class Footprint:
    """What a RUN reads and writes: the paths it names, the kinds of tool it runs (their own
    configuration: ``CONFIG_READS``), and why it cannot be read (``blocked``) or only unsurely."""

    inst: Instruction
    blocked: str = ""  # why it can never move ("" when it may)
    unsafe: list[str] = field(default_factory=list)
    paths: list[tuple[ImagePath | None, str]] = field(default_factory=list)  # (path, word it came from)
    kinds: dict[str, str] = field(default_factory=dict)  # kind -> a program of that kind
    texts: list[str] = field(default_factory=list)  # every word, for mentions of a destination
    programs: set[str] = field(default_factory=set)
    cwd_readers: list[str] = field(default_factory=list)  # tools reading project config from cwd
    redirects: bool = False  # writes a file through a redirect
    cd_targets: list[tuple[ImagePath | None, str]] = field(default_factory=list)  # directories it enters
    installs_packages: bool = False
    cwd: ImagePath | None = None

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

    @property
    def changes_users(self) -> bool:
        """Runs user tools or names /etc/passwd, /etc/group ..."""
        return "user" in self.kinds or any(p is not None and _under(p, _USERS) for p, _ in self.paths)

    def block(self, reason: str) -> None:
        """Record why the RUN cannot be read (the first reason wins)."""
        if not self.blocked:
            self.blocked = reason


# --- reading a RUN ---------------------------------------------------------------------------------


def footprint(doc: Dockerfile, inst: Instruction, cwd: ImagePath | None) -> Footprint:
    """What the RUN ``inst`` reads and writes, running in ``cwd`` (None: unknown)."""
    facts = Footprint(inst, cwd=cwd)
    for mount in mounts(inst):
        if mount["type"] == "bind" and "from" not in mount:
            facts.block("it bind-mounts the build context (`--mount=type=bind`)")
        target = mount.get("target")
        if target:
            facts.paths.append((resolve(target, cwd), f"--mount target {target}"))
    run = run_script(doc, inst)
    if run is None:
        facts.block("the RUN is not a shell script we can read")
        return facts
    script = run.script
    for step in script.chain:
        if step.kind not in _ALLOWED_STEPS:
            facts.block(f"`{clip(script.text[step.span[0]:step.span[1]])}` is a {step.kind.replace('_', ' ')}")
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

    def __init__(self, doc: Dockerfile, inst: Instruction, facts: Footprint, assigned, text: str):
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

    def path(self, word: Word) -> None:
        """A word naming a path, relative to the working directory."""
        text = self.value(word)
        if text in ("-", "/dev/null", "/dev/stdout", "/dev/stderr"):
            return
        if text is None:
            text = _literal_directory(word.text_raw)
        self.facts.paths.append((None if text is None else resolve(text, self.cwd), word.text_raw))

    def command(self, cmd) -> None:
        facts = self.facts
        for word in cmd.argv:
            value = self.value(word)
            facts.texts.append(value if value is not None else word.text_raw)
            if value is not None:
                self._absolute_mentions(value)
        for assignment in cmd.env:
            raw = self.text[assignment.span[0]:assignment.span[1]]
            facts.texts.append(raw)
            value = assignment.value if assignment.value is not None else _expand_shell(
                raw.partition("=")[2], self._variable)
            if value is not None:
                self._absolute_mentions(value)
        self._redirects(cmd)
        if cmd.name is None:
            if cmd.argv and cmd.argv[0].text_raw == "":
                return  # only assignments
            facts.block(f"`{clip(cmd.argv[0].text_raw)}` runs a program named by a variable")
            return
        if "/" in cmd.name:
            if not cmd.name.startswith("/"):
                facts.block(f"it runs `{cmd.name}` from a relative path")
                return
            facts.paths.append((absolute(cmd.name), cmd.name))
        program = cmd.program
        facts.programs.add(program)
        if program == "cd":
            self._cd(cmd)
            return
        if program in POSIX_SHELLS:
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

    def _absolute_mentions(self, value: str) -> None:
        """Absolute paths inside a word (``--prefix=/x``, ``@/file``) are paths the command may use."""
        candidates = [value, value.partition("=")[2], value[1:] if value.startswith("@") else ""]
        for text in candidates:
            if text.startswith("/") and not text.startswith("//"):
                self.facts.paths.append((resolve(text, None), text))

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
            self.facts.paths.append((None if value is None else resolve(value, self.cwd), target))

    def _cd(self, cmd) -> None:
        operands = [w for w in cmd.words if w.value != "--"]
        target_word = operands[-1] if operands else None
        if target_word is None or target_word.value == "-":
            new_cwd = None
        else:
            text = self.value(target_word)
            new_cwd = None if text is None else resolve(text, self.cwd)
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
            self.facts.block(f"`{clip(self.text[cmd.span[0]:cmd.span[1]])}` runs a script")
            return
        self.facts.kinds.setdefault("script", cmd.program)
        self.facts.unsafe.append(f"`{cmd.program}` runs a downloaded script, which we cannot read")

    def _tool(self, cmd, program: str, tool: _Tool) -> None:
        facts = self.facts
        options, operands = self._parse(cmd, program, tool)
        if tool.subcommands is not None:
            sub = operands[0].value if operands else None
            if sub is not None and sub not in tool.subcommands:
                facts.block(f"`{program} {clip(operands[0].text_raw)}` may read the copied files")
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
        if mode == "paths":
            for word in operands:
                self.path(word)
        elif mode == "names":
            self.names(operands)

    def names(self, words) -> None:
        """Operands naming packages: a word that looks like a path is one."""
        for word in words:
            value = self.value(word)
            if value is None:
                # `openjdk-${JAVA_VERSION}-jdk` stays a package name whatever the variable holds;
                # `$PACKAGES` may be several words, options or a local file.
                if not re.match(r'"?[A-Za-z0-9]', word.text_raw) or "/" in word.text_raw:
                    self.facts.unsafe.append(f"cannot tell what `{clip(word.text_raw)}` names")
            elif _looks_like_path(value):
                self.path(word)


def _literal_directory(raw: str) -> str | None:
    """``/usr/share/zoneinfo/$TZ`` stays under /usr/share/zoneinfo/ whatever TZ holds (a variable
    holding ``..`` is not considered); None when the word does not start with a literal directory."""
    match = re.match(r'"?(/[^$`"\'\\*?\[{]*/)', raw)
    return match.group(1) if match and ".." not in match.group(1) else None


def _parse_words(words, values: str):
    """Options and operands of a command without a shell grammar (``values``: options with a value)."""
    parsed = parse_args(None, words, compile_options(Options(takes_value=values)))
    return list(parsed.options), list(parsed.operands)


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
        reader.names(operands[1:])
        return False
    reader.facts.block(f"`npm {sub}` may read the copied files")
    return False


def _yarn(reader: _Reader, cmd, options, operands) -> bool:
    words = [w.value for w in operands]
    if words[:2] in (["global", "add"], ["global", "remove"]) and len(words) > 2:
        reader.names(operands[2:])
        return False
    if words[:1] in (["config"], ["cache"]) or not words:
        return False
    reader.facts.block(f"`yarn {' '.join(w or '?' for w in words[:2])}` may read the copied files")
    return False


def _pnpm(reader: _Reader, cmd, options, operands) -> bool:
    words = [w.value for w in operands]
    if words[:1] in (["add"], ["install"], ["i"], ["remove"], ["rm"]) and _global(options) and len(words) > 1:
        reader.names(operands[1:])
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
        reader.names(operands[1:])
        return False
    reader.facts.block(f"`corepack {words[0]}` reads the project's package.json")
    return False


def _gem(reader: _Reader, cmd, options, operands) -> bool:
    if any(o.name in ("-g", "--file") for o in options):
        reader.facts.block("`gem install -g` reads the project's Gemfile")
        return False
    return True


def _go(reader: _Reader, cmd, options, operands) -> bool:
    """Only ``go install pkg@version`` (and ``go env``/``version``): the module is not built."""
    sub = cmd.operands()[0].value if cmd.operands() else None
    if sub == "install" and (not operands or any("@" not in (reader.value(w) or "") for w in operands)):
        reader.facts.block("`go install` without `pkg@version` builds the module in the working directory")
    return False


def _useradd(reader: _Reader, cmd, options, operands) -> bool:
    """Also the home directory it creates: ``-d``/``--home``, else /home/<name>."""
    if not any(o.canonical in ("-d", "-h", "-b") for o in options) and cmd.program in ("useradd", "adduser"):
        for word in operands:
            value = reader.value(word)
            if value and "/" not in value:
                reader.facts.paths.append((absolute("/home/" + value), f"/home/{value}"))
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
    where = None if link_dir is None else resolve(link_dir, reader.cwd)
    for word in targets:
        value = reader.value(word)
        if value is None:
            value = _literal_directory(word.text_raw)
        path = None if value is None or where is None and not value.startswith("/") else resolve(value, where)
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
    """Key-server and listing operations name keys, not files."""
    names = {"--recv-keys", "--receive-keys", "--search-keys", "--fetch-keys", "--refresh-keys",
             "--export", "--armor", "--list-keys", "-k"}
    return not any(o.canonical in names for o in options)


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




# --- where a RUN runs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the rest of the file says about where a RUN runs: PATH, HOME, and variables that
    point tools at files."""

    path_dirs: tuple[ImagePath, ...]  # the PATH in force
    homes: tuple[ImagePath, ...]  # home directories the file sets up
    home: ImagePath | None = None  # HOME, when an ENV in force sets it
    reading_variables: tuple[tuple[str, ImagePath], ...] = ()  # (NAME, path) of variables in force

    @classmethod
    def at(cls, doc: Dockerfile, inst: Instruction, homes: tuple[ImagePath, ...]) -> Scope:
        """The scope in force for ``inst`` (``homes``: ``home_directories(doc)``)."""
        home = env_in_force(doc, inst, "HOME")
        return cls(_path_dirs(doc, inst), homes,
                   absolute(home) if home and home.startswith("/") and "$" not in home else None,
                   _reading_variables(doc, inst))

    def concrete(self, path: ImagePath) -> ImagePath:
        """``~/x`` as an absolute path when HOME is known."""
        if path.root == "~" and self.home is not None:
            return ImagePath("/", self.home.parts + path.parts)
        return path


def home_directories(doc: Dockerfile) -> tuple[ImagePath, ...]:
    """Home directories the file sets: ``ENV HOME=...`` and ``useradd -d``/``adduser --home``."""
    found: list[ImagePath] = []
    for inst in doc.instructions:
        target = inst.effective
        if target.keyword == "ENV":
            found += [absolute(v.strip("\"'")) for k, v in zip(target.value[::2], target.value[1::2])
                      if k == "HOME" and v.strip("\"'").startswith("/")]
        run = run_script(doc, inst) if target.keyword == "RUN" else None
        for command in run.script.commands if run else ():
            if _TOOLS.get(command.program or "") is not _USER:
                continue
            options, _ = _parse_words(command.words, _USER.values)
            found += [absolute(o.value) for o in options
                      if o.canonical in ("-d", "-h") and o.value and o.value.startswith("/")]
    return tuple(found)


def _reading_variables(doc: Dockerfile, inst: Instruction) -> tuple[tuple[str, ImagePath], ...]:
    """Paths named by ENV/ARG variables in force that make tools read files (``PYTHONPATH`` ...)."""
    found: list[tuple[str, ImagePath]] = []
    for other in instructions_before(doc, inst):
        if other.keyword == "ENV":
            pairs = list(zip(other.value[::2], other.value[1::2]))
        elif other.keyword == "ARG":
            pairs = [tuple(v.partition("=")[::2]) for v in other.value]
        else:
            continue
        for name, value in pairs:
            if _READING_VARIABLES.fullmatch(name):
                found += [(name, absolute(token)) for token in re.split(r"[\s:=,;\"']+", value)
                          if token.startswith("/")]
    return tuple(found)


def _path_dirs(doc: Dockerfile, inst: Instruction) -> tuple[ImagePath, ...]:
    value = env_in_force(doc, inst, "PATH")
    entries = list(_DEFAULT_PATH)
    if value is not None:
        entries = []
        for part in value.split(":"):
            if part in ("$PATH", "${PATH}"):
                entries.extend(_DEFAULT_PATH)
            elif part.startswith("/") and "$" not in part:
                entries.append(part)
    return tuple(absolute(e) for e in entries)


def clip(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters, for messages."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
