"""Per-program rules of the footprint reader, beyond what the tool table (``optimizer.shell.tools``)
says as data: which subcommands install packages, which read the project in the working directory
(``npm install`` without names, ``go install`` without ``@version``), where ``ln -s``, ``tar -x``,
``curl -O`` and ``sha256sum -c`` read or write.

Each rule takes the reader (``optimizer.facts.footprint``), the command, its options and operands,
adds to ``reader.facts`` and returns whether the table's operand reading should still run.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

from .paths import ImagePath, absolute, literal_directory, looks_like_path, resolve

if TYPE_CHECKING:
    from ..shell import Command, Option, Word
    from .footprint import Footprint


class Reader(Protocol):
    """What a rule uses of the footprint reader (``optimizer.facts.footprint``)."""

    facts: Footprint
    cwd: ImagePath | None

    def value(self, word: Word) -> str | None: ...

    def path(self, word: Word) -> None: ...

    def names(self, words: Sequence[Word]) -> None: ...


def _apt_get(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    if cmd.subcommand in ("install", "upgrade", "dist-upgrade", "full-upgrade"):
        reader.facts.installs_packages = True
    return True


def _apk(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    if cmd.subcommand == "add":
        reader.facts.installs_packages = True
    if cmd.subcommand == "cache":
        return False  # `apk cache clean|sync|purge`: no paths
    return True


def _rpm(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    sub = cmd.subcommand
    if sub in ("install", "groupinstall", "reinstall", "in", "update", "upgrade", "up"):
        reader.facts.installs_packages = True
    if sub in ("group", "groups"):
        return False  # group names
    return True


def _global(options: Sequence[Option]) -> bool:
    return any(o.canonical in ("-g", "--global") or (o.canonical == "--location" and o.value == "global")
               for o in options)


def _npm(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
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


def _yarn(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    words = [w.value for w in operands]
    if words[:2] in (["global", "add"], ["global", "remove"]) and len(words) > 2:
        reader.names(operands[2:])
        return False
    if words[:1] in (["config"], ["cache"]) or not words:
        return False
    reader.facts.block(f"`yarn {' '.join(w or '?' for w in words[:2])}` may read the copied files")
    return False


def _pnpm(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    words = [w.value for w in operands]
    if words[:1] in (["add"], ["install"], ["i"], ["remove"], ["rm"]) and _global(options) and len(words) > 1:
        reader.names(operands[1:])
        return False
    if words[:1] in (["config"], ["setup"]) or not words:
        return False
    reader.facts.block("`pnpm` without -g and package names reads the project's package.json")
    return False


def _corepack(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    words = [w.value for w in operands]
    if words[:1] in (["enable"], ["disable"]) or not words:
        return False
    if words[:1] in (["prepare"], ["install"]) and len(words) > 1:
        reader.names(operands[1:])
        return False
    reader.facts.block(f"`corepack {words[0]}` reads the project's package.json")
    return False


def _gem(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    if any(o.name in ("-g", "--file") for o in options):
        reader.facts.block("`gem install -g` reads the project's Gemfile")
        return False
    return True


def _go(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    """Only ``go install pkg@version`` (and ``go env``/``version``): the module is not built."""
    sub = cmd.operands()[0].value if cmd.operands() else None
    if sub == "install" and (not operands or any("@" not in (reader.value(w) or "") for w in operands)):
        reader.facts.block("`go install` without `pkg@version` builds the module in the working directory")
    return False


def _useradd(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    """Also the home directory it creates: ``-d``/``--home``, else /home/<name>."""
    if not any(o.canonical in ("-d", "-h", "-b") for o in options) and cmd.program in ("useradd", "adduser"):
        for word in operands:
            value = reader.value(word)
            if value and "/" not in value:
                reader.facts.paths.append((absolute("/home/" + value), f"/home/{value}"))
    return True


def _ln(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    """A relative symlink target is relative to the link's directory, not to the working directory."""
    if not any(o.canonical in ("-s", "--symbolic") for o in options) or not operands:
        return True
    into = next((o for o in options if o.canonical == "-t"), None)
    link = None
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
            value = literal_directory(word.text_raw)
        path = None if value is None or where is None and not value.startswith("/") else resolve(value, where)
        reader.facts.paths.append((path, word.text_raw))
        _link(reader, link, where, value, path)
    return False


def _link(reader: Reader, link: str | None, where: ImagePath | None, value: str | None,
          target: ImagePath | None) -> None:
    """Record the symlink ``ln -s`` makes: at ``link``, or inside it (or ``where``) when it is a
    directory (both when we cannot tell); an unknown end is recorded as None."""
    name = posixpath.basename(value.rstrip("/")) if value else None
    places = []
    if link is not None:
        places.append(resolve(link, reader.cwd))
        if not link.endswith("/") and name:
            places.append(resolve(posixpath.join(link, name), reader.cwd))
    elif where is not None and name:
        places.append(resolve(name, where))
    else:
        places.append(None)
    reader.facts.links += [(place, target) for place in places]


def _archive(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
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


def _download(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
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
            reader.facts.unknown.append(f"cannot tell what `{word.text_raw}` fetches")
        elif value.lower().startswith("file:") or looks_like_path(value) and "://" not in value:
            reader.path(word)
    return False


def _checksum(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    """``sha256sum -c`` reads the files its input names, relative to the working directory."""
    if any(o.canonical in ("-c", "--check") for o in options):
        reader.facts.paths.append((reader.cwd, "files named in the checksum list"))
    return True


def _gpg(reader: Reader, cmd: Command, options: Sequence[Option], operands: Sequence[Word]) -> bool:
    """Key-server and listing operations name keys, not files."""
    names = {"--recv-keys", "--receive-keys", "--search-keys", "--fetch-keys", "--refresh-keys",
             "--export", "--armor", "--list-keys", "-k"}
    return not any(o.canonical in names for o in options)


#: Rules per program, run after its path options: False when its operands are handled.
RULES: dict[str, Callable[[Reader, Command, Sequence[Option], Sequence[Word]], bool]] = {
    "apt-get": _apt_get, "apt": _apt_get, "apk": _apk, "dnf": _rpm, "yum": _rpm, "microdnf": _rpm,
    "zypper": _rpm, "npm": _npm, "yarn": _yarn, "pnpm": _pnpm, "corepack": _corepack,
    "gem": _gem, "go": _go, "useradd": _useradd, "adduser": _useradd, "ln": _ln, "tar": _archive,
    "unzip": _archive, "curl": _download, "wget": _download, "gpg": _gpg,
    **{name: _checksum for name in ("sha1sum", "sha256sum", "sha512sum", "md5sum")},
}


