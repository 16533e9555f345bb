"""Tool knowledge, as data: which commands read, fetch or never touch apt's package lists.

The apt passes ask ``optimizer.facts.apt_lists`` about a command; that module reads these tables.
A program in none of them is *unknown*: it might run ``apt-get install`` itself, so a fix that
moves or deletes the lists it could read is never SAFE.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

#: apt-get / apt subcommands that install (or fetch packages) from what /var/lib/apt/lists lists.
APT_INSTALLS = frozenset("""
    install reinstall upgrade dist-upgrade full-upgrade dselect-upgrade build-dep source download satisfy
""".split())
#: apt-get / apt subcommands that only query the lists (``apt list --installed`` too: it marks packages
#: no list knows as ``[installed,local]``).
APT_QUERIES = frozenset("check changelog list search show showsrc policy depends rdepends why why-not info".split())
#: apt-get / apt subcommands that work from dpkg's status alone (or only change configuration).
APT_NO_LISTS = frozenset("""
    remove purge autoremove auto-remove autopurge clean autoclean auto-clean distclean dist-clean
    moo edit-sources modernize-sources
""".split())

#: Programs that only query the lists.
QUERY_READERS = frozenset({
    "apt-cache",
    "apt-file",  # its Contents indexes live in /var/lib/apt/lists
})
#: Programs that install from the lists whatever they are asked (``None``), or only with these subcommands.
READERS: Mapping[str, frozenset[str] | None] = MappingProxyType({
    "aptitude": None,  # except ``aptitude update``, see FETCHERS
    "gdebi": None,  # resolves a .deb's dependencies from the lists
    "mk-build-deps": None,  # ``--install`` runs apt-get; without it, only builds a package
    "rosdep": frozenset({"install"}),  # runs apt-get install for the system dependencies
    "unattended-upgrade": None,
    "unattended-upgrades": None,
    "do-release-upgrade": None,
    "tasksel": None,
    "debfoster": None,
    "deborphan": None,
})
#: Programs that fetch fresh lists before they read any: (program, subcommand or None for any).
FETCHERS: Mapping[str, frozenset[str] | None] = MappingProxyType({
    "apt-get": frozenset({"update"}),
    "apt": frozenset({"update"}),
    "aptitude": frozenset({"update"}),
    # bitnami/minideb: ``apt-get update`` then install, then removes the lists itself.
    "install_packages": None,
})

#: Programs known to leave the apt lists alone (they never run apt themselves).
NO_LISTS = frozenset("""
    : [ [[ test true false echo printf set unset export readonly local declare typeset shift cd pushd popd
    pwd umask ulimit trap wait sleep exit return read type hash alias unalias getopts let
    ls cp mv rm mkdir rmdir ln chmod chown chgrp touch cat tac head tail tee sort uniq cut paste join tr
    wc sed awk gawk mawk nawk grep egrep fgrep rg find basename dirname readlink realpath stat du df date
    id whoami groups uname hostname nproc which mktemp install truncate split csplit fold expand od xxd
    hexdump sha1sum sha224sum sha256sum sha384sum sha512sum md5sum b2sum cksum base64 base32 yes seq
    printenv tput clear diff cmp patch file less more column rev shuf numfmt envsubst
    tar gzip gunzip zcat bzip2 bunzip2 xz unxz zstd unzstd lz4 unzip zip 7z 7za cpio
    curl wget git git-lfs svn hg ssh-keyscan ssh-keygen rsync scp jq yq xmlstarlet
    gpg gpg2 gpgv gpgconf gpg-agent dirmngr apt-key apt-mark apt-config openssl keytool
    dpkg dpkg-query dpkg-divert dpkg-deb dpkg-reconfigure dpkg-statoverride debconf-set-selections
    debconf-get-selections add-apt-repository apt-add-repository update-ca-certificates c_rehash
    locale-gen localedef update-locale ldconfig update-alternatives setcap getcap chsh
    useradd userdel usermod adduser deluser addgroup delgroup groupadd groupdel groupmod passwd chpasswd
    gcc g++ cc c++ clang clang++ ld ar strip as gfortran rustc javac jar jlink jdeps
    pip pip3 pipx pipenv poetry uv conda mamba micromamba virtualenv
    npm yarn pnpm corepack gem bundle bundler composer cargo rustup go mvn gradle ant dotnet
    pecl docker-php-ext-install docker-php-ext-configure docker-php-ext-enable docker-php-source
    a2enmod a2dismod a2enconf a2disconf a2ensite a2dissite phpenmod phpdismod
    mkfifo sync fc-cache update-mime-database glib-compile-schemas
""".split())

#: Shells whose ``-c STRING`` is a script we can read; a file operand or stdin is a script we cannot.
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
#: Builtins that run a file or a string as shell code in the current shell.
SOURCING = frozenset({".", "source", "eval"})

#: Commands that need a package apt installs only as a recommend: program -> (package, why). The
#: HTTPS and keyserver needs depend on the arguments (see ``optimizer.facts.recommends_needs``).
COMPILERS = frozenset({"gcc", "cc", "c++", "g++", "gfortran", "c99", "c89"})
NEEDS = MappingProxyType({
    "compile": ("libc6-dev", "compiles C, which needs the C library headers and start files"),
    "https": ("ca-certificates", "fetches over HTTPS, which needs the CA bundle"),
    "keyserver": ("dirmngr", "fetches keys from a keyserver, which gpg does through dirmngr"),
})
TLS_FETCHERS = frozenset({"curl", "wget", "git", "svn", "hg"})
GPG = frozenset({"gpg", "gpg2"})
KEYSERVER_OPTIONS = ("--recv-keys", "--recv-key", "--receive-keys", "--keyserver", "--search-keys", "--fetch-keys")
