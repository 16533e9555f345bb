"""What a dependency install (pip, npm/yarn/pnpm, Go) reads from the project directory: the one place that knows.

A pass that runs an install before the sources are copied (DO205) may do so only when it copies
everything the install reads from the project directory first. Each function here answers for one
installer, from the build context and the parsed manifests (``context/manifests.py``):

- ``paths``: context paths (files or directories, relative to the project directory, which is the
  context root) the install reads: they are copied before it, keeping their relative paths;
- ``unknown``: what the install may read or do that is not modelled (each a phrase for the risk
  text): the fix is then not SAFE;
- ``blocked``: why the install cannot run before the sources at all (the fix is not offered).

Paths the install names are resolved as the installer does: relative to the working directory
(which is the project directory), or absolute. A path outside the project directory is not brought
by the project copy, so moving that copy does not change what the install sees there.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeGuard

from ..context.manifests import (
    NodeProject,
    local_reference,
    lockfile_install_scripts,
    node_local_path,
    parse_ini,
    parse_requirements,
    parse_simple_yaml,
    parse_yarnrc,
    requirement_path,
)
from ..record import field, record

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..shell import Command

Env = Callable[[str], "str | None"]  # the value of an environment variable the install sees


@record
class Inputs:
    paths: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    blocked: str = ""


@record(frozen=False)
class _Collect:
    context: BuildContext
    project: str  # the project directory in the image (absolute, normalised)
    paths: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    blocked: str = ""

    def add(self, path: str) -> None:
        if path not in self.paths:
            self.paths.append(path)

    def risk(self, text: str) -> None:
        if text not in self.unknown:
            self.unknown.append(text)

    def block(self, reason: str) -> None:
        self.blocked = self.blocked or reason

    def result(self) -> Inputs:
        if self.blocked:
            return Inputs(blocked=self.blocked)
        if self.context.truncated:
            self.risk("the build context listing is truncated: a file the install reads may be missing from it")
        return Inputs(tuple(self.paths), tuple(self.unknown))

    def context_path(self, path: str, base: str = "") -> str | None:
        """The context path a path the install reads names, relative to ``base`` (a context
        directory) or absolute in the image; None when it lies outside the project directory."""
        if path.startswith("/"):
            cleaned = posixpath.normpath(path)
            if cleaned == self.project:
                return ""
            if self.project == "/" or cleaned.startswith(self.project + "/"):
                return cleaned[len(self.project):].lstrip("/")
            return None
        found = local_reference(base, path)
        return "" if found == "." else found

    def is_file(self, path: str) -> bool:
        return path in self.context.included

    def exists(self, path: str) -> bool:
        return bool(path) and self.context.exists(path)

    def read(self, path: str, what: str) -> str | None:
        text = self.context.read_text(path)
        if text is None:
            self.risk(f"{path} could not be read: what {what} is unknown")
        return text


def _copy_local(found: _Collect, path: str | None, what: str, *, builds: bool = False) -> None:
    """A file or directory the install reads: copied first when the context has it (else the project
    copy does not bring it either); a directory the install builds is code that may read anything."""
    if path is None:
        return
    if path == "":
        found.block(f"{what} is the project directory itself: the install needs the sources")
        return
    if not found.exists(path):
        return
    found.add(path)
    if builds and not found.is_file(path):
        found.risk(f"{what} builds the local project {path}/ with its own build code, which may read "
                   "files that are not copied yet")


# Steps beside an install -------------------------------------------------------------------------

_NAME = re.compile(r"^@?[A-Za-z0-9][\w.\-]*(/[A-Za-z0-9][\w.\-]*)?(@[\w.\-^~<>=*]+)?$")  # npm: name[@range]
_PIP_NAME = re.compile(r"^[A-Za-z0-9][\w.\-]*(\[[\w,\-]+\])?([<>=!~]=?[\w.*+!\-]+(,[<>=!~]=?[\w.*+!\-]+)*)?$")
#: Names pip takes for a local archive (``pip._internal.utils.filetypes``; ``x.tar.gz`` by its last two parts).
_PIP_ARCHIVES = (".zip", ".whl", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma", ".tar.gz",
                 ".tgz", ".tar")


def plain_requirement(word: str) -> bool:
    """A pip requirement specifier that names a package of the index and reads no file: a name with optional
    extras and version specifiers (``flask``, ``"werkzeug<3"``, ``gunicorn[gevent]>=20,<23``). pip takes a word
    for a local path only when it has a path separator, starts with a dot or names an archive (``x.whl``), and
    for a URL only with ``:`` or ``@``; none of these match, and environment markers are not accepted."""
    return bool(_PIP_NAME.match(word)) and not word.lower().endswith(_PIP_ARCHIVES)


def reads_nothing(context: BuildContext, command: Command, ecosystem: str) -> bool:
    """A command beside the install in its RUN that reads nothing from the project directory but
    the manifests the install reads too: a tool setup (``corepack enable``, ``npm install -g pnpm``,
    ``pip install --upgrade pip``) or a cache cleanup."""
    if any(w.value is None for w in command.words) or command.redirects or not command.top_level:
        return False
    if command.name in ("set", "true", ":", "echo", "printf"):
        return True
    operands = [w.value for w in command.operands() if w.value is not None]  # all are (see above)
    if ecosystem in ("npm", "yarn", "pnpm"):
        if command.program == "corepack":
            return operands[:1] in (["enable"], ["prepare"], ["install"]) and all(_NAME.match(o) for o in operands[1:])
        if command.program == "npm" and operands[:1] in (["install"], ["i"]) and command.has_option("-g"):
            return len(operands) > 1 and all(_NAME.match(o) for o in operands[1:])
        return operands in (["cache", "clean"], ["store", "prune"]) and command.program in ("npm", "yarn", "pnpm")
    if ecosystem == "pip":
        if _imports_from_cwd(command) and _shadowing_module(context):
            return False
        if command.is_("pip", "cache", "purge"):
            return True
        return command.is_("pip", "install") and len(operands) > 1 and all(map(plain_requirement, operands[1:])) \
            and all(o.canonical in _PIP_PLAIN for o in command.options())
    return False


# pip -------------------------------------------------------------------------------------------------

#: pip install options that read nothing from the working directory (the rest: handled or unknown).
_PIP_PLAIN = frozenset({
    "--no-cache-dir", "-q", "--quiet", "-v", "--verbose", "-U", "--upgrade", "--user", "--no-deps", "--pre",
    "--prefer-binary", "--only-binary", "--no-binary", "--require-hashes", "--no-index", "-i", "--index-url",
    "--extra-index-url", "--trusted-host", "--upgrade-strategy", "--root-user-action", "--break-system-packages",
    "--disable-pip-version-check", "--no-warn-script-location", "--no-warn-conflicts", "--compile", "--no-compile",
    "--force-reinstall", "-I", "--ignore-installed", "--progress-bar", "--no-color", "--no-input", "--timeout",
    "--default-timeout", "--retries", "--proxy", "--isolated", "--no-build-isolation", "--use-pep517",
    "--no-use-pep517", "--ignore-requires-python", "--use-feature", "--use-deprecated", "--exists-action",
    "--no-python-version-warning", "--require-virtualenv", "--platform", "--python-version", "--implementation",
    "--abi", "--no-clean", "--check-build-dependencies", "--keyring-provider", "--resume-retries", "--dry-run",
    "-C", "--config-settings", "--global-option", "--build-option", "--install-option"})
#: Options whose value is a file pip reads.
_PIP_READS = frozenset({"--cert", "--client-cert"})
#: Options whose value is where pip writes.
_PIP_WRITES = frozenset({"-t", "--target", "--root", "--prefix", "--src", "--report", "--log", "--log-file",
                         "--local-log", "--cache-dir"})


def pip_inputs(context: BuildContext, command: Command, project: str, env: Env) -> Inputs:
    """What ``pip install -r ...`` (``command``) reads from the project directory."""
    found = _Collect(context, project)
    requirements = [*command.option_values("-r"), *command.option_values("-c"),
                    *command.option_values("--build-constraint"), *(env("PIP_CONSTRAINT") or "").split()]
    plain = [v for v in requirements if _plain(v)]
    if not command.option_values("-r") or len(plain) != len(requirements):
        return Inputs(blocked="the requirements files are not literal paths")
    for requirement in plain:
        path = found.context_path(requirement)
        if path is None:
            continue  # outside the project directory: the project copy does not bring it
        if not found.is_file(path):
            return Inputs(blocked=f"{requirement} is not a file of the build context")
        _requirements_file(found, path, set())
    for option in command.options():
        name = option.canonical
        if name in ("-r", "-c", "--build-constraint", "-e", "-f") or name in _PIP_PLAIN:
            continue
        if name in _PIP_READS:
            _copy_local(found, _value_path(found, option.value, name), f"`{name}`")
        elif name == "--group":  # a dependency group: ``[path:]name``, the path defaulting to pyproject.toml
            path, _, group = (option.value or "").rpartition(":")
            _copy_local(found, _value_path(found, (path or "pyproject.toml") if group else None, name), "`--group`")
        elif name in _PIP_WRITES:
            target = option.value and found.context_path(option.value)
            if option.value is None or target is not None:
                found.block(f"`{name}` writes into the project directory")
        else:
            found.risk(f"the pip option `{option.name}` is not modelled")
    for value in command.option_values("-e"):
        _editable(found, value or "", "")
    for value in command.option_values("-f"):
        _find_links(found, value or "", "")
    for value in (env("PIP_FIND_LINKS") or "").split():
        _find_links(found, value, "")
    for name in ("PIP_CERT", "PIP_CLIENT_CERT"):
        if env(name):
            _copy_local(found, _value_path(found, env(name), name), name)
    _pip_config(found, env)
    shadow = _shadowing_module(context) if _imports_from_cwd(command) else None
    if shadow:
        found.risk(f"`python -m pip` imports from the working directory, where the sources' {shadow} shadows "
                   "a module of the same name")
    return found.result()


def _isolated(command: Command) -> bool:
    """The interpreter runs with ``-I`` or ``-P``, which keep the working directory off sys.path."""
    words = [w.value or "" for w in command.argv]
    options = words[1:words.index("-m")] if "-m" in words else []
    return any(o.startswith("-") and not o.startswith("--") and ("I" in o or "P" in o) for o in options)


def _shadowing_module(context: BuildContext) -> str | None:
    """A project module (``email.py``, ``logging/``) named like a standard library module or one of
    pip's own imports: ``python -m pip`` puts the working directory first on sys.path and imports it
    instead, before the move (with the sources there) but not after it."""
    names = sys.stdlib_module_names | {"pip", "setuptools", "pkg_resources", "wheel", "_distutils_hack"}
    for path in context.included:
        parts = path.split("/")
        if len(parts) == 1 and path.endswith(".py") and path[:-3] in names:
            return path
        if len(parts) == 2 and parts[1] == "__init__.py" and parts[0] in names:
            return parts[0]
    return None


def _imports_from_cwd(command: Command) -> bool:
    return any(w.startswith("python") for w in command.wrappers) and not _isolated(command)


def _plain(value: str | None) -> TypeGuard[str]:
    if not value:
        return False
    return "$" not in value and "://" not in value and not re.search(r"[*?\[\s]", value)


def _value_path(found: _Collect, value: str | None, what: str) -> str | None:
    if value is None or "$" in value:
        found.risk(f"the value of {what} is not literal")
        return None
    return found.context_path(value)


def _requirements_file(found: _Collect, path: str, seen: set[str]) -> None:
    if path in seen:
        return
    seen.add(path)
    found.add(path)
    text = found.read(path, "it includes")
    if text is None:
        return
    base = posixpath.dirname(path)
    facts = parse_requirements(text)
    for item in facts.unknown:
        found.risk(f"{path} has {item}")
    for target in (*facts.includes, *facts.constraints):
        if "://" in target:
            continue
        if "$" in target:
            found.risk(f"{path} includes `{target}`, a path pip expands from the environment")
            continue
        included = found.context_path(target, base)
        if included is None:
            continue
        if not found.is_file(included):
            found.block(f"{path} includes {target}, which is not a file of the build context")
            return
        _requirements_file(found, included, seen)
    for target in facts.find_links:
        _find_links(found, target, base)
    for target in facts.editables:
        _editable(found, target, path)
    for target in facts.paths:
        local = found.context_path(target)
        _copy_local(found, local, f"the requirement `{target}` in {path}",
                    builds=local is not None and not found.is_file(local))


def _editable(found: _Collect, target: str, source: str) -> None:
    where = f" in {source}" if source else ""
    local = requirement_path(target)
    if local is None:
        found.risk(f"the editable requirement `{target[:50]}`{where}: pip checks it out into the working "
                   "directory, where the later copy of the sources lands")
        return
    path = found.context_path(local)
    _copy_local(found, path, f"the editable requirement `{target}`{where}", builds=True)


def _find_links(found: _Collect, target: str, base: str) -> None:
    """``--find-links``: a URL, or a directory/file pip looks in (relative to the requirements file
    when it exists there, else to the working directory, as pip's req_file does)."""
    if "://" in target and not target.startswith("file:"):
        return
    if "$" in target:
        found.risk(f"--find-links {target} is not a literal path")
        return
    target = re.sub(r"^file:(//)?", "", target)
    relative_to_file = found.context_path(target, base) if base else None
    path = relative_to_file if relative_to_file and found.exists(relative_to_file) else found.context_path(target)
    _copy_local(found, path, f"--find-links {target}")


def _pip_config(found: _Collect, env: Env) -> None:
    """The pip.conf files pip reads that lie in the project directory (PIP_CONFIG_FILE, the
    virtualenv's, the home's, XDG_CONFIG_HOME's) are copied and read; a pip.conf the context ships
    where the home is not known (a project under /home) is named."""
    home = env("HOME") or "/root"
    candidates = [env("PIP_CONFIG_FILE"), f"{home}/.config/pip/pip.conf", f"{home}/.pip/pip.conf"]
    if env("XDG_CONFIG_HOME"):
        candidates.append(f"{env('XDG_CONFIG_HOME')}/pip/pip.conf")
    if env("VIRTUAL_ENV"):
        candidates.append(f"{env('VIRTUAL_ENV')}/pip.conf")
    read = set()
    for candidate in candidates:
        path = found.context_path(candidate) if candidate and candidate.startswith("/") else None
        if not path or not found.is_file(path):
            continue
        read.add(path)
        found.add(path)
        text = found.read(path, "it configures")
        for key, value in parse_ini(text or "").items():
            if key in ("find-links", "find_links"):
                for target in value.split():
                    _find_links(found, target, "")
            elif key in ("constraint", "cert", "client-cert", "requirement", "src", "target", "prefix", "root"):
                found.risk(f"{path} sets `{key}`, which is not modelled")
    if env("HOME") is None and found.project.startswith("/home/"):
        shipped = [p for p in found.context.included if p.endswith(("pip/pip.conf", ".pip/pip.conf"))
                   and p not in read]
        if shipped:
            found.risk(f"the context ships {shipped[0]}, which pip reads when the home is the project "
                       "directory")


# npm / yarn / pnpm ---------------------------------------------------------------------------------

_LIFECYCLE = ("preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare")
#: Dependencies whose install scripts read only their own package, the environment and the network
#: (prebuilt-binary downloads, node-gyp builds of the package's own sources, version checks).
SELF_CONTAINED_SCRIPTS = frozenset({
    "esbuild", "sharp", "bcrypt", "core-js", "core-js-pure", "fsevents", "@swc/core", "es5-ext", "protobufjs",
    "pprof", "@parcel/watcher", "bufferutil", "utf-8-validate", "node-sass", "canvas", "sqlite3",
    "better-sqlite3", "argon2", "msgpackr-extract", "cpu-features", "ssh2", "@nestjs/core", "unrs-resolver",
    "@tailwindcss/oxide", "lmdb", "re2", "deasync", "dtrace-provider", "leveldown", "electron", "grpc",
    "websocket", "iltorb", "farmhash", "kerberos", "zeromq", "nodemon", "styled-components",
    "ejs"})
#: .npmrc keys that name no file of the project (registry, auth, behaviour switches).
_NPMRC_PLAIN = frozenset({
    "registry", "always-auth", "strict-ssl", "ca", "cert", "key", "email", "save-exact", "save-prefix",
    "engine-strict", "legacy-peer-deps", "fund", "audit", "audit-level", "progress", "loglevel", "package-lock",
    "shamefully-hoist", "auto-install-peers", "strict-peer-dependencies", "node-linker", "hoist",
    "hoist-pattern", "public-hoist-pattern", "prefer-offline", "prefer-online", "fetch-retries",
    "fetch-retry-factor", "fetch-retry-mintimeout", "fetch-retry-maxtimeout", "fetch-timeout", "maxsockets",
    "network-concurrency", "proxy", "https-proxy", "noproxy", "no-proxy", "unsafe-perm", "update-notifier",
    "omit", "include", "production", "optional", "install-strategy", "prefer-dedupe", "resolution-mode",
    "dedupe-peer-dependents", "link-workspace-packages", "prefer-workspace-packages",
    "shared-workspace-lockfile", "side-effects-cache", "enable-pre-post-scripts", "frozen-lockfile",
    "git-checks", "lockfile", "ignore-scripts", "foreground-scripts", "color", "unicode", "user-agent",
    "bin-links", "global-style", "legacy-bundling", "dedupe-direct-deps", "use-lockfile-v6", "save-workspace-protocol",
    "recursive-install", "engine-strict", "use-node-version", "node-version", "git-tag-version",
    "sign-git-tag", "tag-version-prefix", "message", "init-author-name", "init-author-email",
    "init-license", "init-version", "strict-dep-builds", "verify-store-integrity", "package-import-method",
    "resolve-peers-from-workspace-root", "inject-workspace-packages", "disallow-workspace-cycles",
    "package-manager-strict", "package-manager-strict-version", "manage-package-manager-versions"})
_NPMRC_FILES = frozenset({"cafile", "certfile", "keyfile", "userconfig", "globalconfig", "pnpmfile",
                          "global-pnpmfile", "patches-dir"})
_YARNRC_PLAIN = frozenset({
    "registry", "network-timeout", "strict-ssl", "ignore-scripts", "save-prefix", "disable-self-update-check",
    "lastUpdateCheck", "child-concurrency", "network-concurrency", "https-proxy", "proxy", "no-progress",
    "always-auth", "email", "username", "yarn-offline-mirror-pruning", "version-tag-prefix",
    "version-git-message", "version-sign-git-tag", "version-git-tag", "init-license", "init-version",
    "--install.frozen-lockfile", "--frozen-lockfile", "--install.pure-lockfile", "--install.ignore-scripts",
    "--install.network-timeout", "--install.production", "--production", "--install.prefer-offline",
    "--install.ignore-engines", "--ignore-engines", "--install.check-files", "--install.non-interactive"})
_YARNRC_FILES = frozenset({"yarn-offline-mirror", "yarn-path", "cafile"})
_YARNRC_YML_PLAIN = frozenset({
    "nodeLinker", "npmRegistryServer", "npmScopes", "npmAuthToken", "npmAuthIdent", "npmAlwaysAuth",
    "enableTelemetry", "enableImmutableInstalls", "enableScripts", "httpTimeout", "httpRetry",
    "networkConcurrency", "compressionLevel", "checksumBehavior", "enableProgressBars", "logFilters",
    "packageExtensions", "supportedArchitectures", "pnpMode", "pnpEnableEsmLoader", "nmMode",
    "nmHoistingLimits", "defaultSemverRangePrefix", "enableMirror", "unsafeHttpWhitelist",
    "npmPublishRegistry", "changesetBaseRefs", "enableGlobalCache", "enableHardenedMode",
    "enableInlineBuilds", "enableNetwork", "enableStrictSsl", "httpProxy", "httpsProxy",
    "npmMinimalAgeGate", "enableColors", "enableMessageNames", "enableInlineHunks", "preferInteractive"})
_YARNRC_YML_FILES = frozenset({"yarnPath", "plugins", "cacheFolder", "httpsCaFilePath", "patchFolder",
                               "injectEnvironmentFiles"})
_PNPM_WORKSPACE_PLAIN = frozenset({"packages", "onlyBuiltDependencies", "ignoredBuiltDependencies",
                                   "dangerouslyAllowAllBuilds",
                                   "neverBuiltDependencies", "catalog", "catalogs", "overrides",
                                   "patchedDependencies", "packageExtensions", "strictDepBuilds"})
_BERRY_STATE = (".pnp.cjs", ".pnp.loader.mjs", ".yarn/install-state.gz", ".yarn/unplugged")


@record
class NodeInputs:
    inputs: Inputs
    lockfile: str | None = None
    scripts_run: bool = True  # install scripts (root lifecycle, dependencies) run at all


def node_inputs(context: BuildContext, manager: str, project: str, env: Env, *, ignore_scripts: bool) -> NodeInputs:
    """What ``<manager> install``/``ci`` reads from the project directory: package.json, the lockfile,
    .npmrc/.yarnrc/.yarnrc.yml/pnpm files and the paths they name, local (``file:``) packages and
    tarballs, patches, workspace manifests; and whether install scripts may read more."""
    found = _Collect(context, project)
    node = context.manifests.node
    if node is None or not node.parsed or not found.is_file("package.json"):
        return NodeInputs(Inputs(blocked="no readable package.json in the build context"))
    found.add("package.json")
    lockfiles = {"npm": ("npm-shrinkwrap.json", "package-lock.json"), "yarn": ("yarn.lock",),
                 "pnpm": ("pnpm-lock.yaml",)}[manager]
    lockfile = next((name for name in lockfiles if found.is_file(name)), None)
    if lockfile:
        found.add(lockfile)
    settings: dict[str, str] = {}
    _npmrc(found, settings, manager)
    berry = manager == "yarn" and (found.is_file(".yarnrc.yml") or bool(node.yarn_berry_files)
                                   or re.match(r"yarn@[2-9]", node.package_manager_field or "") is not None)
    if manager == "yarn":
        (_yarnrc_yml if berry else _yarnrc)(found, settings)
    workspaces = list(node.workspaces)
    only_built = None if node.builds_all else node.only_built or ()
    if manager == "pnpm":
        workspaces, only_built = _pnpm_workspace(found, workspaces, only_built)
        if found.is_file(".pnpmfile.cjs"):
            found.add(".pnpmfile.cjs")
            found.risk("the hooks in .pnpmfile.cjs run during the install and may read any file")
    _local_packages(found, node.local_specs, "")
    for patch in node.patch_files:
        _copy_local(found, found.context_path(patch), f"the patch {patch}")
    scripts_off = ignore_scripts or settings.get("ignore-scripts") == "true" \
        or (env("npm_config_ignore_scripts") or env("NPM_CONFIG_IGNORE_SCRIPTS") or "").lower() == "true"
    if not scripts_off:
        scripts = [s for s in _LIFECYCLE if s in node.scripts]
        if scripts:
            found.risk(f"package.json has lifecycle scripts ({', '.join(scripts)}) that now run before the "
                       "sources are copied")
        if found.is_file("binding.gyp"):
            found.risk("binding.gyp at the root: the install builds it from sources not yet copied")
    for directory in _workspace_dirs(found, workspaces):
        _workspace(found, directory, scripts_off)
    if not scripts_off:
        _dependency_scripts(found, manager, lockfile, node, only_built)
    if lockfile is None:
        found.risk(f"no lockfile: `{manager}` resolves versions itself, and which dependencies run install "
                   "scripts is unknown")
    if found.exists("node_modules"):
        found.risk("the context sends node_modules: the broad copy, now after the install, lays the local "
                   "modules over the installed ones; exclude node_modules in .dockerignore (DO204 does)")
    return NodeInputs(found.result(), lockfile, not scripts_off)


def _npmrc(found: _Collect, settings: dict[str, str], manager: str) -> None:
    if not found.is_file(".npmrc"):
        return
    found.add(".npmrc")
    text = found.read(".npmrc", "it configures")
    for key, value in parse_ini(text or "").items():
        settings[key] = value
        bare = key.rsplit(":", 1)[-1] if key.startswith(("//", "@")) else key
        if bare in _NPMRC_PLAIN or key.startswith("//") or bare.startswith("_"):
            continue
        if bare in _NPMRC_FILES:
            _copy_local(found, _value_path(found, value, f".npmrc {bare}"), f".npmrc {bare}")
        else:
            found.risk(f".npmrc sets `{bare}`, which is not modelled")


def _yarnrc(found: _Collect, settings: dict[str, str]) -> None:
    if not found.is_file(".yarnrc"):
        return
    found.add(".yarnrc")
    text = found.read(".yarnrc", "it configures")
    for key, value in parse_yarnrc(text or "").items():
        settings[key.lstrip("-").removeprefix("install.")] = value
        if key in _YARNRC_PLAIN or key.startswith(("@", "//")):
            continue
        if key in _YARNRC_FILES:
            _copy_local(found, _value_path(found, value, f".yarnrc {key}"), f".yarnrc {key}")
        else:
            found.risk(f".yarnrc sets `{key}`, which is not modelled")


def _yarnrc_yml(found: _Collect, settings: dict[str, str]) -> None:
    """Yarn 2+: .yarnrc.yml and the files it names, ``.env.yarn`` (read by default), the zero-install
    cache, and the install state a context may ship (the later copy lays it over the new one)."""
    if found.is_file(".yarnrc.yml"):
        found.add(".yarnrc.yml")
        text = found.read(".yarnrc.yml", "it configures")
        config = parse_simple_yaml(text or "") if text is not None else {}
        if config is None:
            found.risk(".yarnrc.yml uses YAML this reader does not model")
            config = {}
        for key, values in config.items():
            if key == "enableScripts" and values == ["false"]:
                settings["ignore-scripts"] = "true"
            if key in _YARNRC_YML_PLAIN:
                continue
            if key in _YARNRC_YML_FILES:
                for value in values:
                    path = _value_path(found, value.rstrip("?"), f".yarnrc.yml {key}")
                    _copy_local(found, path, f".yarnrc.yml {key}")
            else:
                found.risk(f".yarnrc.yml sets `{key}`, which is not modelled")
    for default in (".env.yarn", ".yarn/cache", ".yarn/patches"):
        _copy_local(found, default, default)
    shipped = [p for p in _BERRY_STATE if found.exists(p)]
    if shipped:
        found.risk(f"the context ships {', '.join(shipped)}: the later copy of the sources lays it over "
                   "what `yarn install` wrote")


def _pnpm_workspace(found: _Collect, workspaces: list[str],
                    only_built: tuple[str, ...] | None) -> tuple[list[str], tuple[str, ...] | None]:
    if not found.is_file("pnpm-workspace.yaml"):
        return workspaces, only_built
    found.add("pnpm-workspace.yaml")
    text = found.read("pnpm-workspace.yaml", "it lists")
    config = parse_simple_yaml(text or "") if text is not None else {}
    if config is None:
        found.risk("pnpm-workspace.yaml uses YAML this reader does not model")
        return workspaces, only_built
    for key, values in config.items():
        if key not in _PNPM_WORKSPACE_PLAIN:
            found.risk(f"pnpm-workspace.yaml sets `{key}`, which is not modelled")
        elif key == "patchedDependencies":
            for line in values:
                patch = line.partition(": ")[2].strip().strip("\"'")
                _copy_local(found, found.context_path(patch), f"the patch {patch}")
        elif key == "overrides":
            _local_packages(found, tuple(line.partition(": ")[2].strip().strip("\"'") for line in values), "")
    if "onlyBuiltDependencies" in config and only_built is not None:
        only_built = tuple(config["onlyBuiltDependencies"])
    if "neverBuiltDependencies" in config or config.get("dangerouslyAllowAllBuilds") == ["true"]:
        only_built = None
    return [*workspaces, *config.get("packages", [])], only_built


def _local_packages(found: _Collect, specs: Iterable[str], base: str) -> None:
    """``file:``/``link:`` packages and tarballs: a tarball is copied; a directory is copied too, but
    it is a package with its own manifest and scripts, which are not modelled."""
    for spec in specs:
        local = node_local_path(spec)
        if local is None:
            continue
        path = found.context_path(local, base)
        if path is None or (path and not found.exists(path)):
            found.block(f"the dependency `{spec}` is not in the build context")
            continue
        _copy_local(found, path, f"the dependency `{spec}`")
        if path and found.exists(path) and not found.is_file(path):
            found.risk(f"the dependency `{spec}` is the local package {path}/, whose own files and scripts "
                       "are not modelled")


def _workspace_dirs(found: _Collect, patterns: list[str]) -> list[str]:
    """Directories holding a package.json that the workspace globs match (``!`` excludes)."""
    include = [go for go in (p.strip().rstrip("/") for p in patterns if not p.startswith("!")) if go]
    exclude = [p[1:].strip().rstrip("/") for p in patterns if p.startswith("!")]
    dirs = [posixpath.dirname(p) for p in found.context.included if p.endswith("/package.json")
            and "node_modules/" not in p]
    return sorted(d for d in dirs if any(_glob(d, p) for p in include) and not any(_glob(d, p) for p in exclude))


def _glob(path: str, pattern: str) -> bool:
    """minimatch-like: ``*`` and ``?`` within a segment, ``**`` across segments."""
    regex, i = "", 0
    pattern = local_reference("", pattern) or pattern
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        else:
            regex += {"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i]))
            i += 1
    return re.fullmatch(regex, path) is not None


def _workspace(found: _Collect, directory: str, scripts_off: bool) -> None:
    manifest = f"{directory}/package.json"
    found.add(manifest)
    text = found.read(manifest, "the workspace declares")
    try:
        data = json.loads(text) if text is not None else {}
    except ValueError:
        data = None
    if not isinstance(data, dict):
        found.risk(f"{manifest} is not a JSON object")
        return
    declared = data.get("scripts")
    scripts = declared if isinstance(declared, dict) else {}
    hooks = [s for s in _LIFECYCLE if s in scripts]
    if hooks and not scripts_off:
        found.risk(f"the workspace {directory} has lifecycle scripts ({', '.join(hooks)}) that now run before "
                   "its sources are copied")
    if data.get("bin"):
        found.risk(f"the workspace {directory} declares bin files, which the install links before they are "
                   "copied")
    specs = [v for key in ("dependencies", "devDependencies", "optionalDependencies")
             for v in (data.get(key) or {}).values() if isinstance(data.get(key), dict) and isinstance(v, str)]
    _local_packages(found, specs, directory)


def _dependency_scripts(found: _Collect, manager: str, lockfile: str | None, node: NodeProject,
                        only_built: tuple[str, ...] | None) -> None:
    """Install scripts of dependencies run during the install; one that reads the project (a client
    generator reading a schema, a git-hooks installer) would now run without the sources."""
    if lockfile is None:
        return  # the missing lockfile is named already
    names: tuple[str, ...] | None = None
    why = f"{lockfile} does not record which dependencies run install scripts"
    pnpm = re.match(r"pnpm@(\d+)", node.package_manager_field or "")
    if manager == "pnpm" and pnpm and int(pnpm.group(1)) >= 10:
        names = only_built  # pnpm 10 runs only the scripts of onlyBuiltDependencies (None: it runs others too)
    elif manager != "yarn":
        text = found.context.read_text(lockfile)
        names = lockfile_install_scripts(lockfile, text) if text is not None else None
        if text is None:
            why = f"{lockfile} could not be read: which dependencies run install scripts is unknown"
    if names is None:
        found.risk(why + " (pass --ignore-scripts to run none)")
        return
    strangers = [n for n in names if n not in SELF_CONTAINED_SCRIPTS]
    if strangers:
        found.risk(f"dependencies with install scripts that may read the project: {', '.join(strangers[:5])}"
                   + (" ..." if len(strangers) > 5 else ""))


# Go ------------------------------------------------------------------------------------------------


def go_inputs(context: BuildContext, project: str, env: Env) -> Inputs:
    """What ``go mod download`` reads from the module directory: go.mod, go.sum, and the go.mod of each
    ``replace`` target inside the context. GOFLAGS with ``-mod=vendor``/``-modfile`` or a variable,
    and GOWORK, make it read other files: not offered."""
    found = _Collect(context, project)
    flags = env("GOFLAGS") or ""
    if "$" in flags or "-mod=vendor" in flags or "-modfile" in flags or env("GOWORK") not in (None, "off"):
        return Inputs(blocked="GOFLAGS or GOWORK make the download read other files")
    go = context.manifests.go
    if go is None or not go.parsed or not found.is_file("go.mod"):
        return Inputs(blocked="no readable go.mod in the build context")
    if go.vendored:
        return Inputs(blocked="the module is vendored")
    if go.workspace:
        return Inputs(blocked="go.work makes it a workspace")
    found.add("go.mod")
    if go.go_sum and found.is_file("go.sum"):
        found.add("go.sum")
    else:
        found.risk("no go.sum: `go mod download` may record new checksums")
    for target in go.local_replaces:
        path = found.context_path(target)
        if path is None or not found.is_file(posixpath.join(path, "go.mod")):
            return Inputs(blocked=f"the replace target {target} is not a module of the build context")
        found.add(posixpath.join(path, "go.mod"))
    return found.result()
