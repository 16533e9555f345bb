"""Flag grammars, as data, for the CLIs the passes reason about.

Each option line lists one option's spellings; the first is canonical, so
``-y``, ``--yes`` and ``--assume-yes`` all answer to ``-y``.  Anything not
listed under ``takes_value`` is a boolean flag: a short one may be bundled
(``-yq``), a long one never consumes the next word.
"""

from __future__ import annotations

import re
from functools import cache
from types import MappingProxyType
from typing import Mapping

from ..record import field, record


@record
class Options:
    """One group of options: lines of alias spellings, split by arity."""

    takes_value: str = ""
    boolean: str = ""


@record
class Grammar:
    """A CLI: options valid anywhere, subcommands, and per-subcommand options."""

    common: Options
    subcommands: str = ""
    per_subcommand: Mapping[str, Options] = field(default_factory=dict)
    abbrev: bool = False  # long options may be shortened to a unique prefix


@record
class Wrapper:
    """A command that runs another command given after its own options."""

    options: Options
    assignments: bool = False  # NAME=value words may precede the command
    positionals: int = 0  # operands consumed before the command (timeout's DURATION)
    no_exec: frozenset[str] = frozenset()  # canonical options after which nothing runs


@record
class OptionTable:
    """Compiled lookups for one grammar (and subcommand)."""

    canonical: Mapping[str, str]
    takes_value: frozenset[str]
    abbrev: bool

    def resolve(self, name: str) -> str:
        """Canonical spelling of ``name``; unique long prefixes too when allowed."""
        found = self.canonical.get(name)
        if found is not None:
            return found
        if self.abbrev and name.startswith("--") and len(name) > 2:
            hits = {c for a, c in self.canonical.items() if a.startswith(name)}
            if len(hits) == 1:
                return hits.pop()
        return name


# --- package managers -------------------------------------------------------

_APT_VALUES = """
    -o --option
    -c --config-file
    -t --target-release --default-release
    -a --host-architecture
    -P --build-profiles
    -S --snapshot
    --solver
    --planner
    --with-source
    --error-on
    --comment
"""
_APT_BOOLEANS = """
    -y --yes --assume-yes
    -q --quiet --silent
    -s --simulate --just-print --dry-run --recon --no-act
    -d --download-only
    -f --fix-broken
    -m --ignore-missing --fix-missing
    -u --show-upgraded
    -V --verbose-versions
    -b --compile --build
    -h --help
    -v --version
    --no-install-recommends
    --install-recommends
    --no-install-suggests
    --install-suggests
    --no-download
    --ignore-hold
    --no-upgrade
    --only-upgrade
    --allow-downgrades
    --allow-remove-essential
    --allow-change-held-packages
    --allow-unauthenticated
    --allow-insecure-repositories
    --allow-releaseinfo-change
    --force-yes
    --print-uris
    --purge
    --reinstall
    --auto-remove --autoremove
    --no-remove
    --trivial-only
    --list-cleanup
    --only-source
    --arch-only
    --indep-only
    --show-progress
    --fix-policy
"""

APT_GET = Grammar(
    common=Options(takes_value=_APT_VALUES, boolean=_APT_BOOLEANS),
    subcommands="""
        update upgrade dist-upgrade full-upgrade dselect-upgrade install reinstall
        remove purge autoremove auto-remove autopurge source build-dep satisfy check
        download clean autoclean auto-clean distclean changelog indextargets moo
    """,
)

APT = Grammar(
    common=Options(takes_value=_APT_VALUES, boolean=_APT_BOOLEANS),
    subcommands="""
        list search show showsrc install reinstall remove purge autoremove autopurge
        update upgrade full-upgrade dist-upgrade satisfy edit-sources source build-dep
        download changelog depends rdepends policy clean autoclean distclean why
        why-not modernize-sources moo
    """,
)

# apk-tools: src/apk.c GLOBAL_OPTIONS / COMMIT_OPTIONS and the app_*.c applets.
_APK_COMMIT = """
    -s --simulate
    --clean-protected
    --initramfs-diskless-boot
    --no-commit-hooks
    --no-scripts
    --overlay-from-stdin
"""
APK = Grammar(
    common=Options(
        takes_value="""
            -X --repository
            -p --root
            --arch
            --cache-dir
            --cache-max-age
            --keys-dir
            --progress-fd
            --repositories-file
            --timeout
            --uvol-manager
            --wait
            --from
        """,
        boolean="""
            -U --update-cache
            -q --quiet
            -v --verbose
            -i --interactive
            -f --force
            -h --help
            -V --version
            --allow-untrusted
            --cache-predownload
            --force-binary-stdout
            --force-broken-world
            --force-missing-repositories
            --force-no-chroot
            --force-non-repository
            --force-old-apk
            --force-overwrite
            --force-refresh
            --no-cache
            --no-check-certificate
            --no-interactive
            --no-logfile
            --no-network
            --no-progress
            --preserve-env
            --print-arch
            --progress
            --purge
        """,
    ),
    subcommands="""
        add del fix update info list search upgrade cache version index fetch audit
        verify dot policy stats manifest convdb convndx query mkpkg mkndx extract
        adbdump adbsign adbgen
    """,
    per_subcommand={
        "add": Options(
            takes_value="-t --virtual",
            boolean="-l --latest\n-u --upgrade\n--initdb\n--no-chown\n--usermode" + _APK_COMMIT,
        ),
        "del": Options(boolean="-r --rdepends" + _APK_COMMIT),
        "fix": Options(boolean="-d --depends\n-r --reinstall\n-u --upgrade\n-x --xattr\n--directory-permissions" + _APK_COMMIT),
        "upgrade": Options(boolean="-a --available\n-l --latest\n--ignore\n--no-self-upgrade\n--prune\n--self-upgrade-only" + _APK_COMMIT),
        "fetch": Options(
            takes_value="-o --output\n--built-after",
            boolean="-l --link\n-R --recursive\n-s --stdout\n-w --world\n--simulate\n--url",
        ),
        "index": Options(takes_value="-o --output\n-x --index\n-d --description\n--rewrite-arch"),
        "cache": Options(boolean="-u --upgrade\n-l --latest\n--add-dependencies\n--available\n--ignore-conflict\n--simulate"),
    },
    abbrev=True,
)

# pip: optparse (unique long prefixes accepted); general options go anywhere,
# command options only after the command.
_PIP_INDEX = """
    -i --index-url
    --extra-index-url
    -f --find-links
"""
_PIP_INSTALLISH = """
    -r --requirement
    -c --constraint
    --build-constraint
    -e --editable
    --src --source --source-dir --source-directory
    --platform
    --python-version
    --implementation
    --abi
    --no-binary
    --only-binary
    --progress-bar
    -C --config-settings
    --global-option
    --build-option
    --install-option
    --group
"""
_PIP_INSTALLISH_BOOLEANS = """
    --no-deps
    --pre
    --dry-run
    --ignore-requires-python
    --no-build-isolation
    --use-pep517
    --no-use-pep517
    --check-build-dependencies
    --prefer-binary
    --require-hashes
    --no-clean
    --no-index
"""

PIP = Grammar(
    common=Options(
        takes_value="""
            --python
            --log --log-file --local-log
            --keyring-provider
            --proxy
            --retries
            --resume-retries
            --timeout --default-timeout
            --exists-action
            --trusted-host
            --cert
            --client-cert
            --cache-dir
            --use-feature
            --use-deprecated
        """,
        boolean="""
            -h --help
            -v --verbose
            -V --version
            -q --quiet
            --debug
            --isolated
            --require-virtualenv
            --no-input
            --no-cache-dir
            --disable-pip-version-check
            --no-color
            --no-python-version-warning
        """,
    ),
    subcommands="""
        install download uninstall freeze inspect list show check config search
        cache index wheel hash completion debug help lock
    """,
    per_subcommand={
        "install": Options(
            takes_value=_PIP_INDEX + _PIP_INSTALLISH + """
                -t --target
                --root
                --prefix
                --upgrade-strategy
                --root-user-action
                --report
            """,
            boolean=_PIP_INSTALLISH_BOOLEANS + """
                -U --upgrade
                -I --ignore-installed
                --user
                --force-reinstall
                --break-system-packages
                --compile
                --no-compile
                --no-warn-script-location
                --no-warn-conflicts
            """,
        ),
        "download": Options(
            takes_value=_PIP_INDEX + _PIP_INSTALLISH + "-d --dest --destination-dir --destination-directory",
            boolean=_PIP_INSTALLISH_BOOLEANS,
        ),
        "wheel": Options(
            takes_value=_PIP_INDEX + _PIP_INSTALLISH + "-w --wheel-dir",
            boolean=_PIP_INSTALLISH_BOOLEANS,
        ),
        "lock": Options(
            takes_value=_PIP_INDEX + _PIP_INSTALLISH + "-o --output",
            boolean=_PIP_INSTALLISH_BOOLEANS,
        ),
        "uninstall": Options(
            takes_value="-r --requirement\n--root-user-action",
            boolean="-y --yes\n--break-system-packages",
        ),
        "freeze": Options(
            takes_value="-r --requirement\n--path\n--exclude",
            boolean="-l --local\n--user\n--all\n--exclude-editable",
        ),
        "list": Options(
            takes_value=_PIP_INDEX + "--path\n--format\n--exclude",
            boolean="-o --outdated\n-u --uptodate\n-e --editable\n-l --local\n--user\n--pre\n--not-required\n--exclude-editable\n--include-editable\n--no-index",
        ),
        "index": Options(takes_value=_PIP_INDEX + "--platform\n--python-version\n--implementation\n--abi"),
        "config": Options(takes_value="--editor", boolean="--global\n--user\n--site"),
        "cache": Options(takes_value="--format"),
        "hash": Options(takes_value="-a --algorithm"),
        "inspect": Options(takes_value="--path", boolean="--local\n--user"),
    },
    abbrev=True,
)

# dnf 4 (argparse, so unique long prefixes work) and yum 3 (optparse).
_DNF_VALUES = """
    -c --config
    -d --debuglevel
    -e --errorlevel
    -R --randomwait
    -x --exclude --excludepkgs
    --installroot
    --releasever
    --setopt
    --enablerepo
    --disablerepo
    --repo --repoid
    --disableexcludes --disableexcludepkgs
    --repofrompath
    --enableplugin
    --disableplugin
    --color
    --destdir --downloaddir
    --rpmverbosity
    --forcearch
    --comment
    --advisory --advisories
    --bz --bzs
    --cve --cves
    --sec-severity --secseverity
"""
_DNF_BOOLEANS = """
    -y --assumeyes
    -q --quiet
    -v --verbose
    -h --help
    -C --cacheonly
    -b --best
    -4
    -6
    --assumeno
    --nobest
    --nodocs
    --noplugins
    --nogpgcheck
    --allowerasing
    --skip-broken
    --skip-unavailable
    --refresh
    --showduplicates
    --obsoletes
    --noautoremove
    --downloadonly
    --debugsolver
    --security
    --bugfix
    --enhancement
    --newpackage
    --version
"""
_DNF_SUBCOMMANDS = """
    install remove erase reinstall upgrade update upgrade-minimal update-minimal
    downgrade distro-sync distrosync dsync autoremove check-update check-upgrade
    clean makecache mc list info search provides whatprovides repolist repoinfo
    repoquery rq group groups groupinstall groupremove groupupdate groupinfo
    grouplist module history mark swap alias check config-manager builddep
    download updateinfo deplist shell localinstall
"""

DNF = Grammar(
    common=Options(takes_value=_DNF_VALUES, boolean=_DNF_BOOLEANS),
    subcommands=_DNF_SUBCOMMANDS,
    abbrev=True,
)

YUM = Grammar(
    common=Options(
        takes_value=_DNF_VALUES + "--disableincludes",
        boolean=_DNF_BOOLEANS + "-t --tolerant",
    ),
    subcommands=_DNF_SUBCOMMANDS + "resolvedep localupdate load-transaction fs fssnapshot update-to upgrade-to",
    abbrev=True,
)

# microdnf (GOption: no prefix matching); global options are accepted anywhere.
MICRODNF = Grammar(
    common=Options(
        takes_value="""
            --config
            --disablerepo
            --enablerepo
            --disableplugin
            --enableplugin
            --installroot
            --releasever
            --setopt
            --platform-id
        """,
        boolean="""
            -y --assumeyes
            --assumeno
            --best
            --nobest
            --nodocs
            --noplugins
            --refresh
            --setup_only
        """,
    ),
    subcommands="""
        install remove reinstall upgrade update distro-sync clean makecache repolist
        repoquery download module
    """,
)

# npm's own flags are config keys (``--key value``, ``--key=value``, ``--no-key``); those that take
# a value are listed, every other ``--x`` reads as a boolean. Only what `install`/`ci` use matters.
NPM = Grammar(
    common=Options(
        takes_value="""
            --loglevel
            --registry
            --cache
            --omit
            --include
            --only
            --also
            --prefix
            -C
            -w --workspace
            --userconfig
            --globalconfig
            --tag
            --before
            --audit-level
            --install-strategy
            --script-shell
            --fetch-retries
            --fetch-timeout
            --maxsockets
        """,
        boolean="""
            -g --global
            -D --save-dev
            -P --save-prod
            -O --save-optional
            -E --save-exact
            -B --save-bundle
            -S --save
            -f --force
            -d
            -q --quiet
            -s --silent
        """,
    ),
    subcommands="""
        install i in ins inst insta instal isnt isnta isntal isntall add ci clean-install ic
        install-clean isntall-clean
    """,
)

GRAMMARS: Mapping[str, Grammar] = MappingProxyType({
    "apt-get": APT_GET,
    "apt": APT,
    "apk": APK,
    "pip": PIP,
    "dnf": DNF,
    "yum": YUM,
    "microdnf": MICRODNF,
    "npm": NPM,
})

# --- wrappers ----------------------------------------------------------------

WRAPPERS: Mapping[str, Wrapper] = MappingProxyType({
    "sudo": Wrapper(
        Options(
            takes_value="""
                -u --user
                -g --group
                -C --close-from
                -D --chdir
                -p --prompt
                -r --role
                -t --type
                -T --command-timeout
                -U --other-user
                -c --login-class
                -R --chroot
                -a --auth-type
                --host
            """,
            boolean="""
                -E --preserve-env
                -H --set-home
                -n --non-interactive
                -S --stdin
                -i --login
                -s --shell
                -b --background
                -P --preserve-groups
                -A --askpass
                -B --bell
                -N --no-update
                -k --reset-timestamp
                -K --remove-timestamp
                -e --edit
                -l --list
                -v --validate
                -V --version
                -h --help
            """,
        ),
        assignments=True,
        no_exec=frozenset({"-K", "-e", "-l", "-v", "-V", "-h"}),
    ),
    "doas": Wrapper(
        Options(takes_value="-u\n-C", boolean="-n\n-s\n-L"),
        no_exec=frozenset({"-C", "-L", "-s"}),
    ),
    "env": Wrapper(
        Options(
            takes_value="""
                -u --unset
                -C --chdir
                -S --split-string
                -a --argv0
            """,
            boolean="""
                -i --ignore-environment
                -0 --null
                -v --debug
                --block-signal
                --default-signal
                --ignore-signal
                --list-signal-handling
            """,
        ),
        assignments=True,
        no_exec=frozenset({"-S"}),
    ),
    "nice": Wrapper(Options(takes_value="-n --adjustment")),
    "nohup": Wrapper(Options()),
    "time": Wrapper(
        Options(
            takes_value="-f --format\n-o --output",
            boolean="-p --portability\n-a --append\n-v --verbose\n-q --quiet",
        )
    ),
    "command": Wrapper(Options(boolean="-p\n-v\n-V"), no_exec=frozenset({"-v", "-V"})),
    "exec": Wrapper(Options(takes_value="-a", boolean="-c\n-l")),
    "timeout": Wrapper(
        Options(
            takes_value="-s --signal\n-k --kill-after",
            boolean="-v --verbose\n--preserve-status\n--foreground",
        ),
        positionals=1,
    ),
    "stdbuf": Wrapper(Options(takes_value="-i --input\n-o --output\n-e --error")),
    "eatmydata": Wrapper(Options()),
    "gosu": Wrapper(Options(), positionals=1),
    "xargs": Wrapper(
        Options(
            takes_value="""
                -a --arg-file
                -d --delimiter
                -E
                -I
                -L
                -n --max-args
                -P --max-procs
                -s --max-chars
                --process-slot-var
            """,
            boolean="""
                -0 --null
                -o --open-tty
                -p --interactive
                -r --no-run-if-empty
                -t --verbose
                -x --exit
                -e --eof
                -i --replace
                -l --max-lines
                --show-limits
                --help
                --version
            """,
        ),
        no_exec=frozenset({"--show-limits", "--help", "--version"}),
    ),
    "su-exec": Wrapper(Options(), positionals=1),
})

# `python -m pip`: interpreter options, of which -m names the module to run.
PYTHON = Options(
    takes_value="-m\n-c\n-W\n-X\n--check-hash-based-pycs",
    boolean="-b\n-B\n-d\n-E\n-h\n-i\n-I\n-O\n-P\n-q\n-s\n-S\n-u\n-v\n-V\n-x",
)
# The `java` launcher (JDK 9+ `java -help`): options come before the main class, `-jar <file>`, `-m
# <module>` or a source file; an option not listed here is one word (`-Xmx1g`, `-Dk=v`,
# `-agentlib:jdwp=...`, `-XX:+UseG1GC`). `-jar` only sets the mode: the jar is the first word that is
# not an option, wherever it comes (`java -jar -Dk=v app.jar`). `-m`/`--module` names the main module
# and ends the options; the `NO_RUN` options print something and start nothing.
JAVA = Options(
    takes_value="""
        -cp -classpath --class-path
        -p --module-path
        --upgrade-module-path
        --add-modules
        --enable-native-access
        --limit-modules
        --add-reads
        --add-exports
        --add-opens
        --patch-module
        --source
        -m --module
        -d --describe-module
    """,
    boolean="""
        -jar
        -version --version
        -showversion --show-version
        -help -h -? --help
        -X --help-extra
        --list-modules
        --dry-run
        --validate-modules
    """,
)
JAVA_NO_RUN = frozenset({"-version", "-help", "-X", "--list-modules", "-d", "--dry-run", "--validate-modules"})
PYTHON_NAME = re.compile(r"python(?:\d+(?:\.\d+)*)?")
_PIP_NAME = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
NO_GRAMMAR = Grammar(common=Options())


def program_key(name: str) -> str:
    """The grammar key for a command word: basename, with ``pip3.12`` → ``pip``."""
    base = name.rpartition("/")[2]
    return "pip" if _PIP_NAME.fullmatch(base) else base


def _lines(spec: str) -> list[list[str]]:
    return [line.split() for line in spec.strip().splitlines() if line.strip()]


@cache
def compile_options(*groups: Options, abbrev: bool = False) -> OptionTable:
    """Fold option groups into one lookup table."""
    canonical: dict[str, str] = {}
    takes_value: set[str] = set()
    for group in groups:
        for spec, with_value in ((group.takes_value, True), (group.boolean, False)):
            for aliases in _lines(spec):
                for alias in aliases:
                    canonical[alias] = aliases[0]
                if with_value:
                    takes_value.add(aliases[0])
    return OptionTable(MappingProxyType(canonical), frozenset(takes_value), abbrev)


@cache
def option_table(program: str, subcommand: str | None) -> OptionTable:
    """Options understood by ``program`` once ``subcommand`` (or none yet) is known."""
    grammar = GRAMMARS.get(program, NO_GRAMMAR)
    extra = grammar.per_subcommand.get(subcommand) if subcommand else None
    groups = (grammar.common, extra) if extra else (grammar.common,)
    return compile_options(*groups, abbrev=grammar.abbrev)


@cache
def subcommands(program: str) -> frozenset[str]:
    """Known subcommands of ``program`` (empty when it has no grammar)."""
    return frozenset(GRAMMARS.get(program, NO_GRAMMAR).subcommands.split())
