"""Git-style unified diffs of texts, exact for CRLF, missing final newlines and surrogate escapes."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["unified_diff", "new_file_diff", "diff_stats", "colorize"]

_NO_EOL = "\\ No newline at end of file\n"
_HUNK_HEADER = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_COLOURS = {"header": "\x1b[1m", "hunk": "\x1b[36m", "-": "\x1b[31m", "+": "\x1b[32m"}
_RESET = "\x1b[0m"


def unified_diff(old: str, new: str, old_path: str, new_path: str | None = None, *, context: int = 3) -> str:
    """Unified diff turning ``old`` into ``new`` (``git apply -p1`` ready), or "" if they are equal.

    With ``context=0`` git needs ``git apply --unidiff-zero``, as for ``git diff -U0``.
    """
    if context < 0:
        raise ValueError("context must be >= 0")
    if old == new:
        return ""
    return _render(_split(old), _split(new), f"a/{old_path}", f"b/{new_path or old_path}", context)


def new_file_diff(new: str, path: str) -> str:
    """Unified diff creating ``path`` with content ``new`` (from /dev/null); "" if ``new`` is empty."""
    if not new:
        return ""
    return _render([], _split(new), "/dev/null", f"b/{path}", 0)


def diff_stats(diff: str) -> tuple[int, int]:
    """(added, removed) line counts of a unified diff."""
    kinds = [kind for kind, _ in _classify(diff)]
    return kinds.count("+"), kinds.count("-")


def colorize(diff: str) -> str:
    """The diff with ANSI colours: file headers bold, @@ lines cyan, removals red, additions green."""
    out = []
    for kind, line in _classify(diff):
        colour = _COLOURS.get(kind)
        if colour is None:
            out.append(line)
        else:
            body = line[:-1] if line.endswith("\n") else line
            out.append(colour + body + _RESET + line[len(body):])
    return "".join(out)


def _classify(diff: str) -> Iterator[tuple[str, str]]:
    """Yield (kind, line) for each line: "header", "hunk", "-", "+", " " or "\\" (the marker).

    Hunk bodies are delimited by the header counts, so content like "--- x" is not a header.
    """
    old = new = 0
    for line in _split(diff):
        kind = line[:1]
        if old or new:
            old -= kind in " -"
            new -= kind in " +"
        elif match := _HUNK_HEADER.match(line):
            old, new = (1 if count is None else int(count) for count in match.groups())
            kind = "hunk"
        elif kind != "\\":
            kind = "header"
        yield kind, line


def _split(text: str) -> list[str]:
    """Lines of ``text`` split on "\\n" only, each keeping its ending (the last may have none)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _render(a: list[str], b: list[str], old_label: str, new_label: str, context: int) -> str:
    """Header plus hunks; changes separated by at most 2*context equal lines share a hunk (GNU/git)."""
    groups: list[list[tuple[int, int, int, int]]] = []
    for change in _changes(a, b):
        if groups and change[0] - groups[-1][-1][1] <= 2 * context:
            groups[-1].append(change)
        else:
            groups.append([change])
    out = [f"--- {old_label}\n", f"+++ {new_label}\n"]
    for group in groups:
        lead = min(context, group[0][0])
        trail = min(context, len(a) - group[-1][1])
        a0, b0 = group[0][0] - lead, group[0][2] - lead
        a1, b1 = group[-1][1] + trail, group[-1][3] + trail
        out.append(f"@@ -{_range(a0, a1 - a0)} +{_range(b0, b1 - b0)} @@\n")
        i = a0
        for a_start, a_end, b_start, b_end in group:
            out += _emit(" ", a[i:a_start]) + _emit("-", a[a_start:a_end]) + _emit("+", b[b_start:b_end])
            i = a_end
        out += _emit(" ", a[i:a1])
    return "".join(out)


def _range(start: int, count: int) -> str:
    """Hunk range from a 0-based start: git omits ",1"; an empty range names the line before it."""
    if count == 1:
        return str(start + 1)
    return f"{start + 1 if count else start},{count}"


def _emit(prefix: str, lines: list[str]) -> list[str]:
    """Diff body lines; a line lacking its newline gets one plus the "No newline" marker."""
    return [prefix + line if line.endswith("\n") else f"{prefix}{line}\n{_NO_EOL}" for line in lines]


def _changes(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    """Changed regions (a_start, a_end, b_start, b_end) between the lines of a minimal line diff."""
    # Lines present on one side only can never match: dropping them keeps the LCS exact and
    # makes wholesale rewrites cheap.
    in_a, in_b = set(a), set(b)
    ia = [i for i, line in enumerate(a) if line in in_b]
    ib = [j for j, line in enumerate(b) if line in in_a]
    pairs: list[tuple[int, int]] = []
    _lcs([a[i] for i in ia], [b[j] for j in ib], 0, len(ia), 0, len(ib), pairs)
    changes = []
    i = j = 0
    for pi, pj in [(ia[x], ib[y]) for x, y in pairs] + [(len(a), len(b))]:
        if pi > i or pj > j:
            changes.append((i, pi, j, pj))
        i, j = pi + 1, pj + 1
    return changes


def _lcs(
    a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int, out: list[tuple[int, int]]
) -> None:
    """Append the index pairs of a longest common subsequence of a[alo:ahi] and b[blo:bhi], in order."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        out.append((alo, blo))
        alo, blo = alo + 1, blo + 1
    tail = 0
    while alo < ahi - tail and blo < bhi - tail and a[ahi - 1 - tail] == b[bhi - 1 - tail]:
        tail += 1
    ahi, bhi = ahi - tail, bhi - tail
    if alo < ahi and blo < bhi:
        x, y = _split_point(a, alo, ahi, b, blo, bhi)
        _lcs(a, b, alo, x, blo, y, out)
        _lcs(a, b, x, ahi, y, bhi, out)
    out.extend((ahi + k, bhi + k) for k in range(tail))


def _split_point(a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int) -> tuple[int, int]:
    """Myers' O(ND) bisection: a point strictly inside the box that lies on a shortest edit path.

    Forward and reverse searches run until their furthest-reaching points on one diagonal meet;
    the forward point there is returned (edit distance never grows along a diagonal). The box
    must be non-empty on both sides with differing first and last lines, so the distance is >= 2.
    """
    n, m = ahi - alo, bhi - blo
    delta = n - m
    # v[k + off] = furthest x on diagonal k = x - y (-1: not reached inside the box).
    off = m + 1
    fwd, rev = [-1] * (n + m + 3), [-1] * (n + m + 3)
    fwd[off + 1] = rev[off + 1] = 0  # seeds so that d = 0 starts at the corner
    d = 0
    while True:
        lo, hi = max(-d, -m), min(d, n)
        lo += (lo + d) & 1
        hi -= (hi + d) & 1
        for backward, v, other in ((False, fwd, rev), (True, rev, fwd)):
            for k in range(lo, hi + 1, 2):
                down, right = v[off + k + 1], v[off + k - 1]
                x = down if 0 <= down and down - k <= m else -1
                if 0 <= right < n and right + 1 > x:
                    x = right + 1
                if x >= 0:
                    y = x - k
                    if backward:
                        while x < n and y < m and a[ahi - 1 - x] == b[bhi - 1 - y]:
                            x, y = x + 1, y + 1
                    else:
                        while x < n and y < m and a[alo + x] == b[blo + y]:
                            x, y = x + 1, y + 1
                v[off + k] = x
                # Forward checks on odd delta against reverse step d - 1; reverse on even, against d.
                j, done = delta - k, d if backward else d - 1
                if x < 0 or (delta & 1) == backward or not -done <= j <= done:
                    continue
                if other[off + j] >= 0 and x + other[off + j] >= n:
                    fx = other[off + j] if backward else x  # forward point on that diagonal
                    return alo + fx, blo + fx - (j if backward else k)
        d += 1
