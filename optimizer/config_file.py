"""Project configuration: ``[tool.dockeropt]`` in ``pyproject.toml`` or a ``.dockeropt.toml`` (whose keys
may stand at the top or, as pasted from ``pyproject.toml``, under ``[tool.dockeropt]``).

The file is looked up from a starting folder upwards, stopping at the first folder that holds one
of them (``.dockeropt.toml`` wins over ``pyproject.toml`` in the same folder) or at a repository
root (a folder with ``.git``). Keys use the command-line spelling::

    [tool.dockeropt]
    select = ["DO101", "apt-clean-lists"]
    ignore = ["DO204"]
    unsafe = false
    java-runtime = "alpine"     # a pass's own option (Pass.options): alpine | jre | distroless
    exclude = ["examples/**"]   # Dockerfiles folder searches skip (glob, relative to the file's folder)

``SETTINGS`` documents the keys of every run, each pass's ``options`` its own; the README's table is
generated from both.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Mapping, TypedDict

from .config import Config
from .fileio import InputError
from .record import field, record


@record
class Setting:
    """One key of the config file: its type, its default as written in TOML, and what it does."""

    key: str
    kind: type
    default: str
    what: str


SETTINGS = (
    Setting("select", list, "every pass", "Only these passes: ids, names, id prefixes (`DO1`) or hadolint ids "
            "(`DL3009`). `--select` replaces it."),
    Setting("ignore", list, "`[]`", "Skip these passes (same keys). `--ignore` adds to it."),
    Setting("unsafe", bool, "`false`", "Also apply fixes that may change behaviour (`--unsafe`)."),
    Setting("exclude", list, "`[]`", "Globs of Dockerfiles that folder searches (CLI, bot, Action) skip, relative "
            "to the config file's folder; `**` spans folders, `dir/` means everything under it."),
)
_KEYS = {setting.key: setting.kind for setting in SETTINGS}


class Flags(TypedDict, total=False):
    """What the command line sets for every file of a run (``ProjectConfig.config`` arguments)."""

    select: frozenset[str]
    ignore: frozenset[str]
    unsafe: bool
    options: Mapping[str, bool | str]
    time_limit: float | None


@record
class ProjectConfig:
    """The settings a project file gave, with where they came from (None: no file found)."""

    path: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    unsafe: bool | None = None
    exclude: tuple[str, ...] = field(default=())
    options: Mapping[str, bool | str] = field(default_factory=dict, hash=False)  # the passes' own, by name

    def config(self, *, select: frozenset[str] = frozenset(), ignore: frozenset[str] = frozenset(),
               unsafe: bool = False, options: Mapping[str, bool | str] | None = None,
               time_limit: float | None = None) -> Config:
        """The Config of a run: flags win over the file (``select`` replaces its list, ``ignore`` adds to
        it, a pass option given as a flag replaces the file's) and the time limit."""
        return Config(
            select=select or (frozenset(self.select) if self.select is not None else None),
            ignore=ignore | frozenset(self.ignore),
            unsafe=unsafe or bool(self.unsafe),
            options={**self.options, **(options or {})},
            time_limit=time_limit,
        )


def project_config(folder: Path) -> ProjectConfig:
    """The settings that apply to files in ``folder`` (raises InputError for a broken file)."""
    path = find_config(folder)
    return load_config(path) if path else ProjectConfig()


def find_config(start: Path) -> Path | None:
    """The config file that applies to files under ``start``, or None."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        for name in (".dockeropt.toml", "pyproject.toml"):
            path = candidate / name
            if path.is_file() and (name == ".dockeropt.toml" or _has_section(path)):
                return path
        if (candidate / ".git").exists():
            return None
    return None


def load_config(path: Path) -> ProjectConfig:
    """Read and check one config file; raises InputError naming the file and the bad key."""
    table = _read_table(path)
    if path.name == "pyproject.toml" or "tool" in table:
        nested = table.get("tool", {})
        if path.name != "pyproject.toml" and (set(table) != {"tool"} or set(nested) != {"dockeropt"}):
            raise InputError(str(path), "put the settings at the top of .dockeropt.toml or all under "
                                        "[tool.dockeropt], not both")
        table = nested.get("dockeropt", {})
    values: dict[str, Any] = {}  # TOML values, checked below
    options: dict[str, bool | str] = {}
    for key, value in table.items():
        if key not in _KEYS:
            options[key] = value
            continue
        kind = _KEYS[key]
        if not isinstance(value, kind) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            want = "a list of strings" if kind is list else kind.__name__
            raise InputError(str(path), f"dockeropt setting {key!r} must be {want}")
        values[key] = tuple(value) if isinstance(value, list) else value
    if options:
        _check_options(path, options)
    return ProjectConfig(path=path, options=options, **values)


def _check_options(path: Path, options: Mapping[str, object]) -> None:
    """Refuse a key that is neither a setting nor a pass's option, and an option's wrong value."""
    from .options import declared, problem

    for key, value in options.items():
        if key not in declared():
            known = ", ".join((*_KEYS, *declared()))
            raise InputError(str(path), f"unknown dockeropt setting {key!r} (known: {known})")
        why = problem(key, value)
        if why:
            raise InputError(str(path), why)


#: The ways a TOML file can make ``tool.dockeropt`` a key path (TOML keys are case-sensitive, cannot span
#: lines, and take only spaces and tabs around dots): ``tool`` dotted to ``dockeropt`` (a header or a dotted
#: key, either part quoted), a ``[tool]`` header, ``tool = {`` an inline table, or a ``\\u``/``\\U`` escape
#: in a quoted key. A file that has none of them (and does not spell ``dockeropt``) is not parsed.
_MAY_DECLARE = (
    rb"""tool["']?[ \t]*\.[ \t]*["']?dockeropt|\[[ \t]*["']?tool["']?[ \t]*\]|tool["']?[ \t]*=|\\[uU]""")


def _has_section(path: Path) -> bool:
    """``path`` (a pyproject.toml) has a ``[tool.dockeropt]`` table (read with tomllib only when its text
    may declare one: ``_MAY_DECLARE``)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if (b"dockeropt" not in data and b"\\u" not in data and b"\\U" not in data) or not re.search(_MAY_DECLARE, data):
        return False
    try:
        return "dockeropt" in _read_table(path).get("tool", {})
    except InputError:
        return False


def _read_table(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise InputError(str(path), error.strerror or str(error)) from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(str(path), f"not valid TOML: {error}") from None


def settings_table() -> str:
    """The README's table of config keys, defaults and meaning: the settings, then the passes' options."""
    from .options import declared, describe

    rows = ["| key | default | what |", "|---|---|---|"]
    rows += [f"| `{s.key}` | {s.default} | {s.what} |" for s in SETTINGS]
    for name, (pass_, option) in declared().items():
        default = str(option.default).lower() if option.kind is bool else f'"{option.default}"'
        rows.append(f"| `{name}` | `{default}` | {describe(pass_, option)} |")
    return "\n".join(rows) + "\n"
