"""What ``--select``, ``--ignore`` and ``--explain`` accept: pass ids, names, id prefixes (``DO1``) and
the hadolint rules a pass resolves (``DL3009``)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=256)
def pass_ids(key: str) -> frozenset[str]:
    """The ids of the passes a key names (empty when it names none)."""
    from .passes._index import INDEX

    word = key.strip()
    upper, lower = word.upper(), word.lower()
    exact = {p.id for p in INDEX if upper == p.id or lower == p.name or upper in p.hadolint}
    if exact:
        return frozenset(exact)
    if upper.startswith("DO") and upper[2:].isdigit():
        return frozenset(p.id for p in INDEX if p.id.startswith(upper))
    return frozenset()


def selected(keys: frozenset[str]) -> frozenset[str]:
    """The ids of the passes any of ``keys`` names."""
    return frozenset().union(*map(pass_ids, keys)) if keys else frozenset()


def unknown(keys: frozenset[str]) -> list[str]:
    """The keys that name no pass, sorted."""
    return sorted(k for k in keys if not pass_ids(k))
