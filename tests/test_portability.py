"""dockeropt on platforms without POSIX-only open flags (Windows): the guarded fallback is exercised
here by removing the flags from ``os`` before ``optimizer.fileio`` is imported, in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

WITHOUT_POSIX_FLAGS = """
import os, sys
del os.O_NONBLOCK, os.O_NOCTTY
from optimizer import fileio
assert fileio.NONBLOCK == 0
"""


def run_without_posix_flags(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_POSIX_FLAGS + textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=60)


def test_reading_writing_and_creating_work_without_the_flags(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(b"FROM debian\r\nRUN apt-get update\r\n")
    done = run_without_posix_flags("""
        source = fileio.read_source(sys.argv[1])
        assert source.text == "FROM debian\\r\\nRUN apt-get update\\r\\n"
        fileio.write_atomic(source, source.text + "CMD x\\r\\n")
        fileio.create_atomic(sys.argv[2], "node_modules\\n")
        try:
            fileio.create_atomic(sys.argv[2], "again\\n")
        except fileio.InputError as error:
            print(error)
    """, str(dockerfile), str(tmp_path / ".dockerignore"))
    assert done.returncode == 0, done.stderr
    assert dockerfile.read_bytes() == b"FROM debian\r\nRUN apt-get update\r\nCMD x\r\n"
    assert (tmp_path / ".dockerignore").read_text() == "node_modules\n"
    assert done.stdout.strip().endswith(".dockerignore: already exists; not overwritten")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
@pytest.mark.parametrize("kind, message", [
    ("fifo", "not a regular file (a FIFO, socket or device); not read"),
    ("folder", "is a directory, not a Dockerfile"),
    ("missing", "no such file"),
])
def test_special_files_are_refused_before_they_are_opened(tmp_path, kind, message):
    path = tmp_path / "Dockerfile"
    if kind == "fifo":
        os.mkfifo(path)  # opening it without O_NONBLOCK would block until a writer comes: the timeout says so
    elif kind == "folder":
        path.mkdir()
    done = run_without_posix_flags("""
        try:
            fileio.read_source(sys.argv[1])
        except fileio.InputError as error:
            print(error)
    """, str(path))
    assert done.stdout == f"{path}: {message}\n", done.stderr
