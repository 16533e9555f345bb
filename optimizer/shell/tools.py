"""What the commands on the footprint's allow-list read and write by themselves: data beside the
option grammars (``optimizer.shell.grammars``).

A ``Tool`` says which kind of tool a program is (the key of ``CONFIG_READS``: the configuration and
state it reads without being told), which of its options name paths, how its operands read (paths,
package names, data) and which subcommands are known. Paths here are text (``/etc/apt``,
``~/.npmrc``: ``~`` is the home directory); ``optimizer.facts.paths`` turns them into ``ImagePath``.
Per-program rules that need code live in ``optimizer.facts.programs``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from ..record import record
from .grammars import Options, compile_options
from .options import Option, parse_args

if TYPE_CHECKING:
    from .words import Word

_CA = ("/etc/ssl", "/etc/ca-certificates", "/etc/ca-certificates.conf", "/etc/pki",
       "/usr/local/share/ca-certificates", "/usr/share/ca-certificates")
USER_FILES = ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow")
_LD = ("/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ld.so.cache", "/usr/local/lib", "/usr/local/lib64")
#: What git (run by pip, npm, go, gem for VCS dependencies) and ssh read from the home directory.
_VCS = ("~/.gitconfig", "~/.config/git", "/etc/gitconfig", "~/.ssh", "/etc/ssh/ssh_config",
        "/etc/ssh/ssh_config.d", "~/.git-credentials", "~/.netrc")


#: Configuration and state each kind of tool reads: a copy landing there feeds the step.
CONFIG_READS: dict[str, tuple[str, ...]] = {
    "apt": ("/etc/apt", "/etc/dpkg", "/var/lib/dpkg", "/var/lib/apt", "/var/cache/apt",
            "/var/cache/debconf", "/etc/debconf.conf", "/usr/share/keyrings", "/etc/alternatives",
            "/etc/environment", "/etc/default", *_CA, *USER_FILES, *_LD),
    "apk": ("/etc/apk", "/lib/apk", "/var/cache/apk", "/etc/alternatives", *_CA, *USER_FILES),
    "rpm": ("/etc/yum.conf", "/etc/yum", "/etc/yum.repos.d", "/etc/dnf", "/etc/rpm", "/etc/zypp",
            "/var/lib/rpm", "/var/lib/dnf", "/var/lib/yum", "/var/cache/yum", "/var/cache/dnf",
            "/usr/lib/sysimage/rpm", "/etc/alternatives", *_CA, *USER_FILES, *_LD),
    "pip": ("/etc/pip.conf", "/etc/xdg/pip", "~/.config/pip", "~/.pip", "/usr/local/pip.conf", *_VCS, *_CA),
    "node": ("/usr/local/etc/npmrc", "/etc/npmrc", "~/.npmrc", "~/.yarnrc", "~/.yarnrc.yml",
             "~/.config/yarn", "~/.pnpmrc", "~/.config/pnpm", *_VCS, *_CA),
    "gem": ("/etc/gemrc", "/usr/local/etc/gemrc", "~/.gemrc", "~/.gem/credentials", *_VCS, *_CA),
    "go": ("~/.config/go", "/usr/local/go/go.env", *_VCS, *_CA),
    "conda": ("/opt/conda/.condarc", "/opt/conda/condarc.d", "/etc/conda", "~/.condarc", "~/.conda", *_CA),
    "net": ("~/.curlrc", "~/.netrc", "~/.wgetrc", "/etc/wgetrc", *_CA),
    "gpg": ("~/.gnupg", "/etc/gnupg"),
    "user": (*USER_FILES, "/etc/subuid", "/etc/subgid", "/etc/login.defs", "/etc/default", "/etc/skel",
             "/etc/adduser.conf", "/etc/deluser.conf", "/etc/pam.d"),
    "owner": USER_FILES,
    "ca": _CA,
    "locale": ("/etc/locale.gen", "/etc/default/locale", "/usr/share/i18n", "/usr/lib/locale",
               "/usr/share/locale"),
    "ld": ("/lib", "/lib64", "/usr/lib", "/usr/lib64", *_LD),
    "file": (), "info": (), "probe": (), "script": (),
}
#: Configuration files (and directories of them) that name other paths, per kind of tool: a
#: ``file:``/``copy:`` apt source, a local apk repository, pip's ``find-links``, an ld.so.conf.d
#: directory, npm's ``cafile``, git's ``insteadOf``. What an earlier instruction writes there, the
#: tool reads later (``optimizer.facts.history``).
_LD_LISTS = ("/etc/ld.so.conf", "/etc/ld.so.conf.d")
_PIP_LISTS = ("/etc/pip.conf", "/etc/xdg/pip", "~/.config/pip", "~/.pip", "/usr/local/pip.conf")
_NODE_LISTS = ("/usr/local/etc/npmrc", "/etc/npmrc", "~/.npmrc", "~/.yarnrc", "~/.yarnrc.yml", "~/.config/yarn",
               "~/.config/pnpm")
_VCS_LISTS = ("~/.gitconfig", "~/.config/git", "/etc/gitconfig", "~/.ssh/config", "/etc/ssh/ssh_config",
              "/etc/ssh/ssh_config.d")
PATH_LISTS: dict[str, tuple[str, ...]] = {
    "apt": ("/etc/apt/sources.list", "/etc/apt/sources.list.d", "/etc/apt/apt.conf", "/etc/apt/apt.conf.d",
            *_LD_LISTS),
    "apk": ("/etc/apk/repositories", "/etc/apk/repositories.d"),
    "rpm": ("/etc/yum.repos.d", "/etc/yum.conf", "/etc/dnf/dnf.conf", "/etc/zypp/repos.d", "/etc/zypp/zypp.conf",
            *_LD_LISTS),
    "pip": _PIP_LISTS,
    "node": _NODE_LISTS,
    "gem": ("/etc/gemrc", "/usr/local/etc/gemrc", "~/.gemrc"),
    "go": ("~/.config/go", "/usr/local/go/go.env"),
    "conda": ("/opt/conda/.condarc", "/opt/conda/condarc.d", "/etc/conda", "~/.condarc"),
    "net": ("~/.curlrc", "~/.wgetrc", "/etc/wgetrc"),
    "gpg": ("~/.gnupg/gpg.conf", "~/.gnupg/dirmngr.conf"),
    "ca": ("/etc/ca-certificates.conf",),
    "ld": _LD_LISTS,
    "git": _VCS_LISTS,  # read by the kinds in GIT_USERS
}
#: Commands that write a kind of tool's configuration without naming the file: (program, first operand).
CONFIG_COMMANDS: dict[tuple[str, str], str] = {
    ("npm", "config"): "node", ("npm", "set"): "node", ("yarn", "config"): "node", ("pnpm", "config"): "node",
    ("pip", "config"): "pip", ("conda", "config"): "conda", ("mamba", "config"): "conda",
    ("gem", "sources"): "gem", ("go", "env"): "go", ("git", "config"): "git",
}
#: Programs that download: what they write is not in the Dockerfile.
DOWNLOADERS = frozenset({"curl", "wget"})
#: Kinds whose tools run git for VCS dependencies (and so read what ``git config`` writes).
GIT_USERS = frozenset({"pip", "node", "gem", "go"})
#: Kinds that are system package managers (they install files all over the system directories).
SYSTEM_PACKAGE_KINDS = ("apt", "apk", "rpm")
#: Kinds of tool that install or download something (worth caching above any copy).
EXPENSIVE_KINDS = frozenset({"apt", "apk", "rpm", "pip", "node", "gem", "go", "conda", "net", "gpg",
                             "script", "locale"})
#: Where package managers put files: a copy landing there may be overwritten, or overwrite them.
SYSTEM_WRITES = ("/etc", "/usr", "/var", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/boot")
SYSTEM_SPARED = ("/usr/local", "/usr/src", "/var/tmp")  # Debian/Alpine packages ship nothing there
SYSTEM_SPARED_NOT = ("/usr/local/lib", "/usr/local/lib64", "/usr/local/etc", "/usr/local/share",
                     "/usr/local/include")
#: Where each language package manager installs.
LANGUAGE_INSTALLS: dict[str, tuple[str, ...]] = {
    "pip": ("/usr/local", "/usr/lib/python3", "/opt/conda", "~/.local", "/opt/venv"),
    "node": ("/usr/local", "/usr/lib/node_modules", "~/.npm", "~/.yarn", "~/.local/share/pnpm"),
    "gem": ("/usr/local", "/var/lib/gems", "~/.gem", "~/.local/share/gem"),
    "go": ("/go", "/usr/local/go", "~/go", "~/.cache/go-build"),
    "conda": ("/opt/conda", "~/.conda"),
}
#: Variables that make tools read files from the paths they name (search paths, config files, CAs).
READING_VARIABLES = re.compile(
    r"(LD_LIBRARY_PATH|LD_PRELOAD|PYTHONPATH|PYTHONHOME|PYTHONSTARTUP|PYTHONUSERBASE|VIRTUAL_ENV|"
    r"NODE_PATH|NODE_OPTIONS|NODE_EXTRA_CA_CERTS|APT_CONFIG|PIP_\w+|NPM_CONFIG_\w+|npm_config_\w+|"
    r"YARN_\w+|GEM_HOME|GEM_PATH|BUNDLE_\w+|GOPATH|GOFLAGS|GOENV|CONDARC|CURL_HOME|WGETRC|GNUPGHOME|"
    r"SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|XDG_CONFIG_HOME|XDG_CONFIG_DIRS|"
    r"JAVA_TOOL_OPTIONS|BASH_ENV|ENV|PERL5LIB|RUBYLIB|CLASSPATH)")
DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
#: Directories that exist in every base image (a copy and a RUN may both create under them).
EXISTING_DIRS = ("/", "/usr", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/local/share",
                 "/usr/share", "/usr/lib", "/usr/bin", "/etc", "/var", "/var/lib", "/var/cache", "/opt",
                 "/home", "/tmp", "/srv", "/root", "/bin", "/sbin", "/lib", "/var/tmp", "/var/log",
                 "/usr/src")
#: File names that make a package-manager operand a local file.
FILE_EXTENSIONS = (".deb", ".rpm", ".apk", ".whl", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz",
                   ".zip", ".gem", ".egg", ".gpg", ".asc", ".key", ".pub", ".jar", ".txt", ".json")


@record
class Tool:
    """What we know about a command on the allow-list."""

    kind: str  # key into CONFIG_READS: the configuration the tool reads by itself
    values: str = ""  # options that take a value (alias lines; tools without a shell grammar)
    path_options: tuple[str, ...] = ()  # canonical options whose value is a path
    operands: str = "paths"  # paths | names | data | first-then-paths
    subcommands: frozenset[str] | None = None  # allowed subcommands (first operand)
    cwd_sensitive: bool = False  # may read project configuration from the working directory

    def parse_words(self, words: Sequence[Word]) -> tuple[list[Option], list[Word]]:
        """Options and operands of a command without a shell grammar (``values``: options with a value)."""
        parsed = parse_args(None, words, compile_options(Options(takes_value=self.values)))
        return list(parsed.options), list(parsed.operands)


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
USER = Tool("user", _USER_VALUES, ("-d", "-k", "-b", "-R", "-P", "-h", "--conf"), "names")
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
INFO = Tool("info", operands="data")
PROBE_WORDS = frozenset({"--version", "-version", "-v", "-V", "version"})
TOOLS: dict[str, Tool] = {
    # system package managers (option grammars: optimizer.shell.grammars)
    "apt-get": Tool("apt", operands="names", path_options=("-c",), subcommands=_APT_SUBS),
    "apt": Tool("apt", operands="names", path_options=("-c",), subcommands=_APT_SUBS),
    "apt-key": Tool("apt", operands="names", subcommands=_subs("add adv list del export exportall finger")),
    "apt-mark": Tool("apt", operands="names", subcommands=_subs("auto manual hold unhold showmanual showauto showhold")),
    "dpkg": Tool("apt", "--admindir\n--instdir\n--root\n--path-include\n--path-exclude\n--force",
                  ("--admindir", "--instdir", "--root"), "names"),
    "dpkg-reconfigure": Tool("apt", "-f --frontend\n-p --priority", operands="names"),
    "debconf-set-selections": Tool("apt"),
    "update-alternatives": Tool("apt", "--altdir\n--admindir", ("--altdir", "--admindir"), "names"),
    "apk": Tool("apk", operands="names", path_options=("-X", "-p", "--cache-dir", "--keys-dir", "--repositories-file"),
                 subcommands=_subs("add del update upgrade cache")),
    "dnf": Tool("rpm", operands="names", path_options=("-c", "--installroot"), subcommands=_RPM_SUBS),
    "yum": Tool("rpm", operands="names", path_options=("-c", "--installroot"), subcommands=_RPM_SUBS),
    "microdnf": Tool("rpm", operands="names", path_options=("--config", "--installroot"), subcommands=_RPM_SUBS),
    "zypper": Tool("rpm", "-R --root\n-D --reposd-dir\n-C --cache-dir\n-c --config\n-r --repo",
                    ("-R", "-D", "-C", "-c"), "names", _RPM_SUBS),
    "update-ca-certificates": Tool("ca", "--certsconf\n--certsdir\n--localcertsdir\n--hooksdir",
                                    ("--certsconf", "--certsdir", "--localcertsdir", "--hooksdir")),
    "locale-gen": Tool("locale", operands="names"),
    "localedef": Tool("locale", "-i --inputfile\n-f --charmap\n-A --alias-file\n-c", ("-A",), "names"),
    "update-locale": Tool("locale", "--locale-file", ("--locale-file",), "names"),
    "ldconfig": Tool("ld", "-C\n-f\n-r", ("-C", "-f", "-r")),
    # users and groups
    **{name: USER for name in ("useradd", "adduser", "groupadd", "addgroup", "usermod", "groupmod",
                                "userdel", "deluser", "groupdel", "delgroup", "chpasswd", "passwd")},
    # language package managers: named packages only (global installs for npm, yarn, pnpm)
    "pip": Tool("pip", operands="names", path_options=(
        "-r", "-c", "--build-constraint", "-e", "--src", "-t", "--root", "--prefix", "--cache-dir",
        "--log", "--cert", "--client-cert", "-f", "--report", "-d"),
        subcommands=_subs("install download uninstall config cache list freeze show check")),
    "npm": Tool("node", "--prefix\n--location\n--cache\n--userconfig\n--globalconfig\n--registry",
                 ("--prefix", "--cache", "--userconfig", "--globalconfig"), "names", cwd_sensitive=True),
    "yarn": Tool("node", "--prefix\n--cache-folder\n--global-folder\n--registry",
                  ("--prefix", "--cache-folder", "--global-folder"), "names", cwd_sensitive=True),
    "pnpm": Tool("node", "--dir -C\n--global-dir\n--store-dir\n--registry",
                  ("--dir", "--global-dir", "--store-dir"), "names", cwd_sensitive=True),
    "corepack": Tool("node", "--install-directory", ("--install-directory",), "names", cwd_sensitive=True),
    "gem": Tool("gem", "-i --install-dir\n-n --bindir\n-v --version\n--source\n-s\n-p --http-proxy\n--config-file",
                 ("-i", "-n", "--config-file"), "names", _subs("install update uninstall sources cleanup"),
                 cwd_sensitive=True),
    "go": Tool("go", operands="names", subcommands=_subs("install env version")),
    "conda": Tool("conda", "-n --name\n-p --prefix\n-c --channel\n-f --file",
                   ("-p", "-f"), "names", _subs("install update upgrade clean config remove uninstall")),
    "mamba": Tool("conda", "-n --name\n-p --prefix\n-c --channel\n-f --file",
                   ("-p", "-f"), "names", _subs("install update upgrade clean config remove uninstall")),
    # files
    "mkdir": Tool("file", "-m --mode\n--context"),
    "rmdir": Tool("file"),
    "rm": Tool("file"),
    "touch": Tool("file", "-d --date\n-t\n-r --reference", ("-r",)),
    "ln": Tool("file", "-t --target-directory\n-S --suffix", ("-t",)),
    "cp": Tool("file", "-t --target-directory\n-S --suffix", ("-t",)),
    "mv": Tool("file", "-t --target-directory\n-S --suffix", ("-t",)),
    "tee": Tool("file"),
    "cat": Tool("file"),
    "chmod": Tool("file", "--reference", ("--reference",), "first-then-paths"),
    "chown": Tool("owner", "--reference\n--from", ("--reference",), "first-then-paths"),
    "chgrp": Tool("owner", "--reference", ("--reference",), "first-then-paths"),
    "sed": Tool("file", "-e --expression\n-f --file\n-l --line-length", ("-f",), "first-then-paths"),
    "grep": Tool("file", "-e --regexp\n-f --file\n-m --max-count\n-A\n-B\n-C\n--include\n--exclude\n--label",
                  ("-f",), "first-then-paths"),
    "tar": Tool("file", _TAR_VALUES, ("-C", "-f", "-T", "-X")),
    "unzip": Tool("file", "-d\n-P", ("-d",)),
    **{name: Tool("file") for name in ("gzip", "gunzip", "xz", "unxz", "bzip2", "bunzip2", "zcat")},
    **{name: Tool("file") for name in ("sha1sum", "sha256sum", "sha512sum", "md5sum")},
    # network
    "curl": Tool("net", _CURL_VALUES, ("-o", "-T", "-K", "--cacert", "--capath", "-E", "--key", "-b", "-c",
                                        "--netrc-file", "--output-dir", "-D", "--trace", "--trace-ascii",
                                        "--stderr"), "data"),
    "wget": Tool("net", _WGET_VALUES, ("-O", "-o", "-a", "-P", "-i", "--ca-certificate", "--ca-directory",
                                        "--certificate", "--private-key", "--post-file", "--body-file",
                                        "--load-cookies", "--save-cookies", "--config"), "data"),
    "gpg": Tool("gpg", "--keyserver\n-o --output\n--homedir\n--keyring\n--trust-model\n-u --local-user\n"
                 "-r --recipient\n--keyserver-options\n--import-options\n--export-options\n--default-key",
                 ("-o", "--homedir", "--keyring")),
    "gpgconf": Tool("gpg", "--homedir", ("--homedir",), "names"),
    # no files at all
    **{name: INFO for name in ("echo", "printf", "set", "true", ":", "export", "readonly", "unset",
                                "declare", "typeset", "sleep", "uname", "arch", "nproc", "id", "whoami",
                                "date", "pwd", "umask", "getent", "lsb_release", "printenv", "which",
                                "command", "hash", "tr", "dirname", "basename")},
}
