"""Reading and writing Dockerfiles (and files beside them) without losing a byte: decoding at the
boundary, only regular files of bounded size, atomic writes that refuse read-only or changed files."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, Callable

from .record import record

ENCODING = "utf-8"
ERRORS = "surrogateescape"  # undecodable bytes survive as lone surrogates and are written back as-is
MAX_BYTES = 16 << 20  # larger input is refused; cost is ~2 s and ~33 MB of memory per MB (benchmarks/BOUNDED.md)
# POSIX-only open flags are 0 where the platform lacks them (Windows); O_BINARY exists only there.
NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


class InputError(Exception):
    """A file we refuse to read or write; ``str()`` is the one line shown to the user."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


@record
class Source:
    """A Dockerfile as read: its text and the raw bytes, to detect a change before writing."""

    path: str
    text: str
    raw: bytes


def decode(raw: bytes, path: str) -> str:
    """Bytes to text, refusing what is not a UTF-8 (or ASCII) Dockerfile."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(path, "UTF-32 text is not supported; save the Dockerfile as UTF-8", 1)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "UTF-16 text is not supported; save the Dockerfile as UTF-8", 1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(path, "binary file (NUL byte) is not a Dockerfile", raw.count(b"\n", 0, nul) + 1)
    return raw.decode(ENCODING, ERRORS)


def encode(text: str) -> bytes:
    return text.encode(ENCODING, ERRORS)


def read_source(path: str) -> Source:
    """Read a Dockerfile from a regular file (a symlink is followed)."""
    raw = _read_regular(path)
    return Source(path, decode(raw, path), raw)


def _read_regular(path: str | Path) -> bytes:
    """The bytes of a regular file, opened without blocking and checked on the open descriptor, so
    a FIFO, a device or a directory is refused without waiting on it, even if the path just changed.
    Where opening cannot be non-blocking (Windows), the path is checked before it is opened."""
    try:
        if not NONBLOCK:
            _refuse_special(path, os.stat(path).st_mode)
        fd = os.open(path, _READ_FLAGS | NONBLOCK)
    except FileNotFoundError:
        raise InputError(str(path), "broken symbolic link" if os.path.islink(path) else "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a Dockerfile") from None
    except OSError as error:
        raise InputError(str(path), error.strerror or str(error)) from None
    try:
        _refuse_special(path, os.fstat(fd).st_mode)
    except InputError:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        try:
            return _read_capped(handle, str(path))
        except OSError as error:
            raise InputError(str(path), error.strerror or str(error)) from None


def _refuse_special(path: str | Path, mode: int) -> None:
    """Refuse what is not a regular file: a directory, a FIFO, a socket or a device."""
    if stat.S_ISDIR(mode):
        raise InputError(str(path), "is a directory, not a Dockerfile")
    if not stat.S_ISREG(mode):
        raise InputError(str(path), "not a regular file (a FIFO, socket or device); not read")


def read_stdin(stream: BinaryIO) -> Source:
    """Read a Dockerfile from standard input (a binary stream), as large as a file may be."""
    return Source("-", decode(_read_capped(stream, "<stdin>"), "<stdin>"), b"")


def _read_capped(handle: BinaryIO, path: str) -> bytes:
    raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise InputError(path, f"larger than {MAX_BYTES >> 20} MiB; not a Dockerfile dockeropt will read")
    return raw


def write_atomic(source: Source, text: str) -> None:
    """Replace the file with ``text``: temp file in the same directory, then rename; mode kept.

    A symlink is followed: the file it points to is rewritten and the link stays a link.
    Refuses when the file changed on disk since it was read.
    """
    _replace(source.path, source.raw, encode(text))


def extend_atomic(path: str, original: str, text: str) -> None:
    """Rewrite an existing file that held ``original`` so that it holds ``text``, which must extend it.

    The bytes on disk are kept as they are (line endings, BOM, undecodable bytes) and only the
    addition is appended; the rewrite is atomic, keeps the mode and follows a symlink. Refuses when
    the file is no longer ``original``.
    """
    if not text.startswith(original):
        raise InputError(path, "refusing to rewrite existing lines; only appending is allowed")
    raw = _read_regular(os.path.realpath(path))
    decoded = (raw.decode(ENCODING, ERRORS), raw.decode(ENCODING, "replace"))
    if original not in {variant.removeprefix(bom) for variant in decoded for bom in ("", "\ufeff")}:
        raise InputError(path, "changed on disk while dockeropt was running; not written")
    _replace(path, raw, raw + encode(text[len(original):]))


def create_atomic(path: str, text: str) -> None:
    """Create a new file holding ``text``, atomically, and never over a file that exists.

    The content goes to a temp file in the same directory first, which is then hard-linked to
    ``path``: the link fails when something appeared at ``path`` meanwhile, so readers see either
    no file or the whole file, and nothing is overwritten. Where hard links are not supported the
    file is created with O_EXCL instead (still never overwriting). Mode: 0666 minus the umask.
    """
    target = Path(path)
    data = encode(text)
    if os.path.lexists(target):
        raise InputError(path, "already exists; not overwritten")
    try:
        _check_folder(path, target.parent)
    except OSError as error:
        raise InputError(path, f"cannot write: {error.strerror or error}") from None

    def link(tmp: str) -> None:
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise InputError(path, "appeared on disk while dockeropt was running; not overwritten") from None
        except OSError:  # no hard links here (some network and FUSE file systems)
            _create_exclusive(path, target, data)

    _atomically(path, target, data, 0o666 & ~_umask(), link)


def _create_exclusive(path: str, target: Path, data: bytes) -> None:
    try:
        fd = os.open(target, _CREATE_FLAGS, 0o666)
    except FileExistsError:
        raise InputError(path, "appeared on disk while dockeropt was running; not overwritten") from None
    _write_synced(fd, data)


def _atomically(path: str, target: Path, data: bytes, mode: int, put: Callable[[str], None]) -> None:
    """The one atomic-write core: ``data`` goes to a temp file beside ``target`` (synced to disk, with
    ``mode``), then ``put(temp)`` moves it into place (a rename replaces, a hard link creates); readers
    see the old file or the whole new one, and the temp file never stays behind."""
    try:
        import tempfile  # only when writing (it imports shutil and random)

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".dockeropt", dir=target.parent)
    except OSError as error:
        raise InputError(path, f"cannot write: {error.strerror or error}") from None
    try:
        _write_synced(fd, data)
        os.chmod(tmp, mode)
        put(tmp)
    except OSError as error:
        raise InputError(path, f"cannot write: {error.strerror or error}") from None
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:  # renamed into place
            pass


def _write_synced(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _check_writable(path: str, target: Path, mode: int) -> None:
    """Refuse a read-only file, or a file in a read-only folder, even where the rename would work
    (as root, or because renaming only needs the folder to be writable)."""
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise InputError(path, "read-only file; not written")
    _check_folder(path, target.parent)


def _check_folder(path: str, folder: Path) -> None:
    if not stat.S_IMODE(folder.stat().st_mode) & 0o222 or not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(path, f"read-only folder {folder}; not written")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace(path: str, expected: bytes, data: bytes) -> None:
    """Atomically replace the file at ``path`` (symlinks followed) with ``data`` if it still holds
    ``expected``: temp file in the same directory, then rename; mode kept."""
    target = Path(os.path.realpath(path))
    try:
        current = _read_regular(target)
    except InputError:
        current = None
    if current != expected:
        raise InputError(path, "changed on disk while dockeropt was running; not written")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        _check_writable(path, target, mode)
    except OSError as error:
        raise InputError(path, f"cannot write: {error.strerror or error}") from None
    _atomically(path, target, data, mode, lambda tmp: os.replace(tmp, target))
