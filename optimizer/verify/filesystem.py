"""An image's files as verify compares them: path -> type, mode, owner, size, content digest, link target.

Read from a tar stream of the image's root filesystem (``podman export``, ``docker export`` or a tar of a
``buildah mount``). Timestamps are never read: they differ between any two builds. Two formats carry
timestamps inside the content, so their digest leaves them out: a zip archive (``.jar``, ``.war``,
``.zip``...) is digested from its entries' names, sizes and CRCs, and a Python ``.pyc`` without its
header (which holds the source file's mtime). A hard link reads as the file it names (which of two names
a tar writer stores as the link is arbitrary).
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from typing import IO

from ..record import field, record
from .globs import matcher
from .fscompare import KEPT as VOLATILE_JSON
from .maintscripts import KEPT as ACCOUNTS_AND_SCRIPTS

KINDS = {tarfile.REGTYPE: "file", tarfile.AREGTYPE: "file", tarfile.CONTTYPE: "file", tarfile.DIRTYPE: "dir",
         tarfile.SYMTYPE: "symlink", tarfile.CHRTYPE: "char device", tarfile.BLKTYPE: "block device",
         tarfile.FIFOTYPE: "fifo"}
CHUNK = 1 << 20
ZIP_SUFFIXES = (".jar", ".war", ".ear", ".zip", ".whl")
MAX_ZIP = 512 << 20  # larger archives are digested as plain bytes
PYC_HEADER = 16  # magic, flags, source mtime, source size (PEP 552); hash-based pycs keep it whole
#: Small text files kept for the declarations that read them (the dpkg database: which packages own what and
#: their maintainer scripts; the account databases those scripts add entries to) and for the comparison
#: (JSON files with the time of the build in a field).
KEPT_TEXTS = matcher(("/var/lib/dpkg/status", "/var/lib/dpkg/info/*.list", *ACCOUNTS_AND_SCRIPTS, *VOLATILE_JSON))


@record
class Entry:
    """One path of an image: what it is, its permissions and owner, and what it holds."""

    kind: str  # file, dir, symlink, char device, block device, fifo
    mode: int  # permission bits (with setuid/setgid/sticky)
    uid: int
    gid: int
    size: int = 0  # bytes (regular files)
    digest: str = ""  # sha256 of the content (regular files; zip and .pyc without their timestamps)
    target: str = ""  # symlink target

    def differences(self, other: Entry) -> tuple[str, ...]:
        """The attributes that differ (``type``, ``mode``, ``owner``, ``size``, ``content``, ``target``)."""
        checks = (("type", self.kind, other.kind), ("mode", self.mode, other.mode),
                  ("owner", (self.uid, self.gid), (other.uid, other.gid)), ("size", self.size, other.size),
                  ("content", self.digest, other.digest), ("target", self.target, other.target))
        return tuple(name for name, a, b in checks if a != b)


@record
class Snapshot:
    """An image's files by absolute path, and the text of the few files declarations read."""

    files: dict[str, Entry]
    texts: dict[str, str] = field(default_factory=dict)


def read_tar(stream: IO[bytes]) -> Snapshot:
    """The image's files from a tar stream of its root filesystem, by absolute path ("/etc/passwd")."""
    files: dict[str, Entry] = {}
    texts: dict[str, str] = {}
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            path = _absolute(member.name)
            if member.islnk():
                linked = files.get(_absolute(member.linkname))
                if linked is not None:
                    files[path] = Entry(linked.kind, member.mode & 0o7777, member.uid, member.gid,
                                        linked.size, linked.digest)
                continue
            kind = KINDS.get(member.type)
            if kind is None or path == "/":
                continue
            digest = ""
            if kind == "file":
                handle = archive.extractfile(member)
                if KEPT_TEXTS(path) and handle is not None:
                    data = handle.read()
                    texts[path] = data.decode("utf-8", "replace")
                    handle = io.BytesIO(data)
                digest = _digest(path, member.size, handle)
            files[path] = Entry(kind, member.mode & 0o7777, member.uid, member.gid,
                                member.size if kind == "file" else 0, digest,
                                member.linkname if kind == "symlink" else "")
    return Snapshot(files, texts)


def _absolute(name: str) -> str:
    parts = [part for part in name.split("/") if part not in ("", ".")]
    return "/" + "/".join(parts)


def _digest(path: str, size: int, handle: IO[bytes] | None) -> str:
    sha = hashlib.sha256()
    if handle is None:
        return sha.hexdigest()
    if path.endswith(ZIP_SUFFIXES) and size <= MAX_ZIP:
        data = handle.read()
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in sorted(archive.infolist(), key=lambda i: i.filename):
                    sha.update(f"{info.filename}\0{info.file_size}\0{info.CRC}\n".encode("utf-8", "replace"))
            return "zip:" + sha.hexdigest()
        except (zipfile.BadZipFile, ValueError):
            handle = io.BytesIO(data)
    elif path.endswith(".pyc"):
        header = handle.read(PYC_HEADER)
        timestamped = len(header) == PYC_HEADER and int.from_bytes(header[4:8], "little") == 0
        sha.update(header[:8] if timestamped else header)
    while chunk := handle.read(CHUNK):
        sha.update(chunk)
    return sha.hexdigest()
