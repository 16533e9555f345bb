"""Reading and writing Dockerfiles without losing a byte: decoding at the boundary, atomic writes."""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENCODING = "utf-8"
ERRORS = "surrogateescape"  # undecodable bytes survive as lone surrogates and are written back as-is


class InputError(Exception):
    """A file we refuse to read or write; ``str()`` is the one line shown to the user."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Source:
    """A Dockerfile as read: its text and the raw bytes, to detect a change before writing."""

    path: str
    text: str
    raw: bytes


def decode(raw: bytes, path: str) -> str:
    """Bytes to text, refusing what is not a UTF-8 (or ASCII) Dockerfile."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "UTF-16 text is not supported; save the Dockerfile as UTF-8", 1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(path, "binary file (NUL byte) is not a Dockerfile", raw.count(b"\n", 0, nul) + 1)
    return raw.decode(ENCODING, ERRORS)


def encode(text: str) -> bytes:
    return text.encode(ENCODING, ERRORS)


def read_source(path: str) -> Source:
    """Read a Dockerfile from a regular file."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, error.strerror or str(error)) from None
    if stat.S_ISDIR(mode):
        raise InputError(path, "is a directory, not a Dockerfile")
    if not stat.S_ISREG(mode):
        raise InputError(path, "not a regular file")
    try:
        raw = p.read_bytes()
    except OSError as error:
        raise InputError(path, error.strerror or str(error)) from None
    return Source(path, decode(raw, path), raw)


def write_atomic(source: Source, text: str) -> None:
    """Replace the file with ``text``: temp file in the same directory, then rename; mode kept.

    A symlink is followed: the file it points to is rewritten and the link stays a link.
    Refuses when the file changed on disk since it was read.
    """
    target = Path(os.path.realpath(source.path))
    try:
        if target.read_bytes() != source.raw:
            raise InputError(source.path, "changed on disk while dockeropt was running; not written")
        mode = stat.S_IMODE(target.stat().st_mode)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".dockeropt", dir=target.parent)
    except OSError as error:
        raise InputError(source.path, f"cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(encode(text))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as error:
        os.unlink(tmp)
        raise InputError(source.path, f"cannot write: {error.strerror or error}") from None
