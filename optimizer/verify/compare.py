"""The runtime-config comparison: what the rewritten image does differently at run time, and who declared it.

A pass declares what it changes on purpose (``Fix.declares`` / ``Pass.declares``, the same names the
post-check knows): ``runtime`` covers the final CMD/ENTRYPOINT/USER/WORKDIR/EXPOSE; ``stages`` (a new or
changed base image, e.g. java-multi-stage) covers the Env a different base image brings. Any other
difference is a verification failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..record import record

RUNTIME_KEYS = ("Entrypoint", "Cmd", "Env", "ExposedPorts", "User", "WorkingDir", "Volumes", "Healthcheck")
DECLARED_KEYS = {
    "runtime": frozenset({"Entrypoint", "Cmd", "User", "WorkingDir", "ExposedPorts"}),
    "stages": frozenset({"Env"}),
}


@record
class ConfigDiff:
    """One runtime setting that differs; ``declared_by`` names the passes that change it on purpose."""

    key: str
    before: object
    after: object
    declared_by: tuple[str, ...] = ()

    @property
    def declared(self) -> bool:
        return bool(self.declared_by)

    def describe(self) -> str:
        return f"{self.key}: {_show(self.before)} -> {_show(self.after)}"


def runtime_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that matter at run time, normalised (absent, null and empty are the same; Env as
    a name -> value mapping)."""
    out: dict[str, Any] = {}
    for key in RUNTIME_KEYS:
        value = config.get(key)
        if key == "Env" and value:
            value = dict(item.partition("=")[::2] for item in value)
        out[key] = value or None
    return out


def compare(before: Mapping[str, Any], after: Mapping[str, Any],
            declarations: Mapping[str, tuple[str, ...]]) -> tuple[ConfigDiff, ...]:
    """The runtime settings that differ between two image configs. ``declarations`` maps a declared
    invariant name (``runtime``, ``stages``) to the passes that declared it."""
    old, new = runtime_config(before), runtime_config(after)
    diffs: list[ConfigDiff] = []
    for key in RUNTIME_KEYS:
        if old[key] == new[key]:
            continue
        passes = tuple(dict.fromkeys(p for name, keys in DECLARED_KEYS.items() if key in keys
                                     for p in declarations.get(name, ())))
        if key == "Env":
            before_env, after_env = old[key] or {}, new[key] or {}
            names = sorted(n for n in before_env.keys() | after_env.keys() if before_env.get(n) != after_env.get(n))
            diffs.extend(ConfigDiff(f"Env {n}", before_env.get(n), after_env.get(n), passes) for n in names)
        else:
            diffs.append(ConfigDiff(key, old[key], new[key], passes))
    return tuple(diffs)


def _show(value: object) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, dict) and all(v in ({}, None) for v in value.values()):
        return ", ".join(sorted(value))  # ExposedPorts / Volumes: the keys are the settings
    return str(value)
