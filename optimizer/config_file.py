"""Project configuration: ``[tool.dockeropt]`` in ``pyproject.toml`` or a ``.dockeropt.toml`` (whose keys
may stand at the top or, as pasted from ``pyproject.toml``, under ``[tool.dockeropt]``).

The file is looked up from a starting folder upwards, stopping at the first folder that holds one
of them (``.dockeropt.toml`` wins over ``pyproject.toml`` in the same folder) or at a repository
root (a folder with ``.git``). Keys use the command-line spelling::

    [tool.dockeropt]
    select = ["DO101", "apt-clean-lists"]
    ignore = ["DO204"]
    unsafe = false
    java-runtime = "alpine"     # alpine | jre | distroless
    go-runtime = "distroless"   # distroless | debian | scratch | alpine
    spring-layers = false
    exclude = ["examples/**"]   # Dockerfiles folder searches skip (glob, relative to the file's folder)

``SETTINGS`` documents each key with its default (the README's table is generated from it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .config import GO_RUNTIMES, JAVA_RUNTIMES, Config
from .fileio import InputError


@dataclass(frozen=True)
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
    Setting("java-runtime", str, '`"alpine"`', "Runtime image of java-multi-stage: `alpine`, `jre` or `distroless`."),
    Setting("spring-layers", bool, "`false`", "java-multi-stage: extract Spring Boot layers in the runtime stage."),
    Setting("go-runtime", str, '`"distroless"`', "Runtime image of go-multi-stage: `distroless`, `debian`, `scratch` "
            "or `alpine`."),
    Setting("exclude", list, "`[]`", "Globs of Dockerfiles that folder searches (CLI, bot, Action) skip, relative "
            "to the config file's folder; `**` spans folders, `dir/` means everything under it."),
)
_KEYS = {setting.key: setting.kind for setting in SETTINGS}


@dataclass(frozen=True)
class ProjectConfig:
    """The settings a project file gave, with where they came from (None: no file found)."""

    path: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    unsafe: bool | None = None
    java_runtime: str | None = None
    spring_layers: bool | None = None
    go_runtime: str | None = None
    exclude: tuple[str, ...] = field(default=())

    def config(self, *, select: frozenset[str] = frozenset(), ignore: frozenset[str] = frozenset(),
               unsafe: bool = False, java_runtime: str | None = None, spring_layers: bool = False,
               **options) -> Config:
        """The Config of a run: flags win over the file (``select`` replaces its list, ``ignore`` adds to
        it); ``options`` are other Config fields (``time_limit``)."""
        return Config(
            select=select or (frozenset(self.select) if self.select is not None else None),
            ignore=ignore | frozenset(self.ignore),
            unsafe=unsafe or bool(self.unsafe),
            java_runtime=java_runtime or self.java_runtime or Config.java_runtime,
            spring_layers=spring_layers or bool(self.spring_layers),
            **{"go_runtime": self.go_runtime or Config.go_runtime, **options},
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
    values: dict = {}
    for key, value in table.items():
        kind = _KEYS.get(key)
        if kind is None:
            raise InputError(str(path), f"unknown dockeropt setting {key!r} (known: {', '.join(_KEYS)})")
        if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
            want = "a list of strings" if kind is list else kind.__name__
            raise InputError(str(path), f"dockeropt setting {key!r} must be {want}")
        values[key.replace("-", "_")] = tuple(value) if kind is list else value
    runtime = values.get("java_runtime")
    if runtime is not None and runtime not in JAVA_RUNTIMES:
        raise InputError(str(path), f"java-runtime must be one of {', '.join(JAVA_RUNTIMES)}, not {runtime!r}")
    go = values.get("go_runtime")
    if go is not None and go not in GO_RUNTIMES:
        raise InputError(str(path), f"go-runtime must be one of {', '.join(GO_RUNTIMES)}, not {go!r}")
    return ProjectConfig(path=path, **values)


def _has_section(path: Path) -> bool:
    try:
        return "dockeropt" in _read_table(path).get("tool", {})
    except InputError:
        return False


def _read_table(path: Path) -> dict:
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
    """The README's table of config keys, defaults and meaning."""
    rows = ["| key | default | what |", "|---|---|---|"]
    rows += [f"| `{s.key}` | {s.default} | {s.what} |" for s in SETTINGS]
    return "\n".join(rows) + "\n"
