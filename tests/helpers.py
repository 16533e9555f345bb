"""Before/after helpers for pass tests (in the spirit of LibCST's assertCodemod), and ``invoke`` to run
a command the way a user does."""

from __future__ import annotations

import io
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from optimizer.config import Config
from optimizer.pipeline import Status, optimize


@dataclass(frozen=True)
class Invocation:
    """What a command printed (stdout and stderr apart, and both in the order written) and its exit status."""

    exit_code: int
    stdout_bytes: bytes
    stderr_bytes: bytes
    output_bytes: bytes

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8", "replace")

    @property
    def output(self) -> str:
        return self.output_bytes.decode("utf-8", "replace")


class _Captured(io.BytesIO):
    """A stream's bytes, also appended to the shared record of everything printed."""

    def __init__(self, everything: io.BytesIO) -> None:
        super().__init__()
        self.everything = everything

    def write(self, data) -> int:
        self.everything.write(data)
        return super().write(data)


def invoke(main: Callable[..., int], args: list[str], *, input: str | bytes | None = None,
           env: dict[str, str | None] | None = None) -> Invocation:
    """Run a command's entry point in this process, as ``dockeropt ARGS`` would: standard input from
    ``input``, the environment changed by ``env`` (None unsets), stdout and stderr captured."""
    everything = io.BytesIO()
    out, err = _Captured(everything), _Captured(everything)
    raw_input = input.encode() if isinstance(input, str) else input or b""
    streams = (io.TextIOWrapper(io.BytesIO(raw_input), encoding="utf-8"),
               io.TextIOWrapper(out, encoding="utf-8", write_through=True),
               io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True))
    with _environment(env or {}), _streams(*streams):
        try:
            code = main(list(args))
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
    return Invocation(code, out.getvalue(), err.getvalue(), everything.getvalue())


@contextmanager
def _streams(stdin, stdout, stderr):
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        yield
    finally:
        stdout.flush()
        stderr.flush()
        sys.stdin, sys.stdout, sys.stderr = saved


@contextmanager
def _environment(changes: dict[str, str | None]):
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            _set(name, value)
        yield
    finally:
        for name, value in saved.items():
            _set(name, value)


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def rewrite(before: str, *, select: str | None = None, unsafe: bool = False):
    config = Config(select=frozenset({select}) if select else None, unsafe=unsafe)
    return optimize(before, config=config)


def assert_rewrites(before: str, after: str, *, select: str | None = None, unsafe: bool = False):
    """The optimizer turns ``before`` into ``after``, and a second run changes nothing."""
    result = rewrite(before, select=select, unsafe=unsafe)
    assert not result.problems, result.problems
    assert result.text == after
    again = rewrite(after, select=select, unsafe=unsafe)
    assert again.text == after, "not idempotent"
    assert not [r for r in again.findings if r.status is Status.APPLIED]
    return result


def assert_unchanged(before: str, *, select: str | None = None, unsafe: bool = True):
    """Nothing is applied, even with --unsafe."""
    result = rewrite(before, select=select, unsafe=unsafe)
    assert result.text == before
    return result


def assert_reported_without_fix(before: str, why: str, *, select: str):
    """One finding, a suggestion whose risk says ``why``, and nothing applied even with --unsafe."""
    result = assert_unchanged(before, select=select)
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION
    assert why in reported.finding.risk
    return reported


def assert_unsafe_fix(before: str, after: str, *, select: str):
    """Without --unsafe the fix is only reported, with its risk; with --unsafe it gives ``after``."""
    result = rewrite(before, select=select)
    assert result.text == before
    assert [r.status for r in result.findings] == [Status.NEEDS_UNSAFE]
    assert result.findings[0].finding.risk
    assert_rewrites(before, after, select=select, unsafe=True)


def assert_safe_fix(before: str, after: str, *, select: str):
    """``before`` becomes ``after`` by SAFE fixes alone (applied without --unsafe), idempotently."""
    result = assert_rewrites(before, after, select=select)
    assert result.applied and all(r.safety.value == "safe" for r in result.applied)
    return result
