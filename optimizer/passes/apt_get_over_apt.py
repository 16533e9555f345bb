"""DO104 apt-get-over-apt: use apt-get (and apt-cache) instead of apt in RUN scripts (documented in PASS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..edits import Edit
from ..model import Dockerfile, Stage
from ..facts.runscript import RunScript, mounted_over, run_scripts
from .apt_assume_yes import PROMPTING, answers_prompt, quiet_level
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

#: apt subcommand -> (apt-get subcommand text, option to add after it).
_EQUIVALENT: dict[str, tuple[str | None, str]] = {
    **{sub: (None, "") for sub in (
        "install", "remove", "purge", "autoremove", "auto-remove", "update", "clean", "autoclean",
        "auto-clean", "source", "download", "changelog", "build-dep", "satisfy", "dist-upgrade")},
    "upgrade": (None, "--with-new-pkgs"),
    "full-upgrade": ("dist-upgrade", ""),
    "reinstall": ("install --reinstall", ""),
    "autopurge": ("autoremove --purge", ""),
}
#: Subcommands that download packages into /var/cache/apt/archives before installing them.
_DOWNLOADS = frozenset({"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "satisfy"})
_APT_CACHE = {
    "show": "`apt-cache show` (it prints every version, `apt show` only the candidate)",
    "search": "`apt-cache search`",
    "policy": "`apt-cache policy`",
    "showsrc": "`apt-cache showsrc`",
    "depends": "`apt-cache depends`",
    "rdepends": "`apt-cache rdepends`",
    "list": "`dpkg-query -W` for installed packages or `apt-cache policy` for versions",
}
#: Official images whose apt configuration deletes downloaded archives (/etc/apt/apt.conf.d/docker-clean).
DOCKER_CLEAN_IMAGES = frozenset({
    "debian", "ubuntu", "buildpack-deps", "python", "node", "ruby", "golang", "rust", "openjdk",
    "eclipse-temurin", "ibm-semeru-runtimes", "maven", "gradle", "php", "perl", "gcc", "r-base",
    "julia", "haskell", "erlang", "elixir", "swift", "clojure", "tomcat", "jetty", "httpd", "nginx",
    "postgres", "redis", "mariadb", "mongo", "rabbitmq", "wordpress", "drupal", "ghost", "neo4j",
})


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        for inst, run in run_scripts(doc, stage):
            if run is None:
                continue
            for command in run.script.commands:
                if command.program == "apt" and _plain_apt(command):
                    finding = _finding(doc, stage, run, command)
                    if finding is not None:
                        yield finding


def _plain_apt(command: Command) -> bool:
    """The command word is a literal ``apt`` or ``/path/to/apt`` with no quoting."""
    for word in command.argv:
        if word.span == command.name_span:
            return word.value == word.text_raw and word.text_raw.rsplit("/", 1)[-1] == "apt"
    return False


def _finding(doc: Dockerfile, stage: Stage, run: RunScript, command: Command) -> Finding | None:
    inst = run.inst
    operands = command.operands()
    sub = operands[0] if operands else None
    if sub is None or sub.value is None:
        return None
    if sub.value not in _EQUIVALENT:
        better = _APT_CACHE.get(sub.value)
        message = (f"`apt {sub.value}` has no stable output for scripts; use {better}" if better else
                   f"`apt {sub.value}` has no apt-get equivalent; apt's command line is not stable in scripts")
        return PASS.finding(inst.start_line, message, None, end_line=inst.end_line)
    if sub.value != sub.text_raw or not _contiguous(run, sub.span) or not _contiguous(run, command.name_span):
        return None
    replacement, option = _EQUIVALENT[sub.value]
    edits = [Edit.insert(run.doc_span(command.name_span)[1], "-get")]
    if replacement:
        edits.append(Edit.replace(run.doc_span(sub.span), replacement))
    if option and not command.has_option(option):
        edits.append(Edit.insert(run.doc_span(sub.span)[1], f" {option}"))
    safety, risks = Safety.SAFE, []
    if sub.value in _DOWNLOADS and not _archives_dropped(doc, stage, run, command):
        safety = Safety.UNSAFE
        risks.append("apt deletes the .deb files it downloaded, apt-get keeps them in /var/cache/apt/archives "
                     "unless the base image's apt configuration removes them (official Debian/Ubuntu images do); "
                     "add `apt-get clean` to the RUN if the base is not one of those")
    if sub.value in PROMPTING and quiet_level(command) == 2 and not answers_prompt(command) \
            and not run.failure_is_fatal(command):
        safety = Safety.UNSAFE
        risks.append("`apt-get -qq` implies -y where `apt -qq` still asks, and a failure is tolerated here: "
                     "a skipped install would now happen")
    new = (replacement or sub.value) + (f" {option}" if option else "")
    return PASS.finding(
        inst.start_line,
        f"`apt {sub.value}` is the interactive front end, its command line is not stable in scripts; "
        f"use `apt-get {new}`",
        Fix(tuple(edits), safety), risk="; ".join(risks), end_line=inst.end_line)


def _contiguous(run: RunScript, span: tuple[int, int]) -> bool:
    return run.source.is_contiguous(*span)


def _archives_dropped(doc: Dockerfile, stage: Stage, run: RunScript, command: Command) -> bool:
    """Downloaded .deb files do not stay in the layer whether apt or apt-get downloads them."""
    if command.has_option("-s", "-d", "--print-uris"):
        return True
    if mounted_over(run.inst.effective, "/var/cache/apt/archives", ("cache", "tmpfs", "bind")):
        return True
    for later in run.script.commands:
        if later.span[0] > command.span[1] and _cleans_archives(later):
            return True
    return docker_clean_base(doc, stage)


def _cleans_archives(command: Command) -> bool:
    if command.program in ("apt-get", "apt") and command.subcommand in ("clean", "distclean", "dist-clean"):
        return True
    if command.program == "rm":
        for word in command.operands():
            path = (word.value or "").rstrip("/")
            if path in ("/var/cache/apt", "/var/cache/apt/*", "/var/cache/apt/archives",
                        "/var/cache/apt/archives/*", "/var/cache/apt/archives/*.deb", "/var/cache/*"):
                return True
    return False


def docker_clean_base(doc: Dockerfile, stage: Stage) -> bool:
    """The stage's lineage starts from an official Debian-family image that ships docker-clean."""
    root = (doc.ancestors(stage) or [stage])[-1]
    return official_name(root.base) in DOCKER_CLEAN_IMAGES


def official_name(reference: str) -> str | None:
    """``python`` for ``python:3.12``, ``docker.io/library/python``, ``mirror.gcr.io/library/python``."""
    if "$" in reference:
        return None
    name = reference.partition("@")[0]
    parts = name.split("/")
    parts[-1] = parts[-1].partition(":")[0]
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if len(parts) == 2 and parts[0] == "library":
        parts = parts[1:]
    return parts[0].lower() if len(parts) == 1 else None


PASS = Pass(
    # Trigger: it reports only commands whose program is `apt`.
    triggers=("apt",),
    id="DO104",
    name="apt-get-over-apt",
    title="Use apt-get instead of apt in RUN scripts",
    what="""
        Appends `-get` to the `apt` command word (`sudo`, `env`, `VAR=...` prefixes and every option stay as
        written) and, where `apt` means something else than `apt-get` with the same subcommand, adjusts the
        subcommand so that the result is the exact equivalent (from `BinarySpecificConfiguration` in apt's
        `apt-private/private-cmndline.cc`):

        | `apt ...` | `apt-get` equivalent | why |
        |---|---|---|
        | install, remove, purge, autoremove, update, clean, autoclean, source, download, changelog, build-dep, satisfy, dist-upgrade | same subcommand | same code path |
        | upgrade | `upgrade --with-new-pkgs` | apt sets Upgrade-Allow-New |
        | full-upgrade | `dist-upgrade` | the same command (apt-get < 1.1 lacks the `full-upgrade` alias) |
        | reinstall | `install --reinstall` | `apt-get reinstall` is recent |
        | autopurge | `autoremove --purge` | `apt-get autopurge` is recent |

        Only reported (no fix): `list`, `search`, `show`, `showsrc`, `policy`, `depends`, `rdepends`,
        `edit-sources` and the other query or interactive commands: `apt-cache` prints a different format
        (`apt show` shows the candidate only, `apt-cache show` every version), and scripts may parse it.
    """,
    why="""
        `apt` is the interactive front end. Its command line is explicitly not stable ("WARNING: apt does
        not have a stable CLI interface. Use with caution in scripts.") and its defaults follow the apt
        release, not the script (hadolint DL3027). `apt-get` behaves the same on every release.
    """,
    safety=Safety.SAFE,
    safety_notes="""
        Safe because the remaining differences are cosmetic in a build (colour, the progress bar, update
        statistics, the stable-CLI warning on stderr; the release-info question and the pager need a
        terminal) or only turn a failing build into a passing one (apt-get also tries a missing package
        name as a regular expression; `apt-get -qq` implies `-y` where `apt -qq` does not; very old apt-get
        accepted insecure repositories with a warning); provided the downloaded `.deb` files are dropped
        anyway and a skipped install stays a failure, as follows.

        Unsafe because:
        - `apt` deletes the `.deb` files it downloaded after installing them
          (`Binary::apt::APT::Keep-Downloaded-Packages "false"`); `apt-get` keeps them in
          `/var/cache/apt/archives`. For install, reinstall, upgrade, dist/full-upgrade, build-dep and
          satisfy the fix is safe only when nothing is kept anyway: the same RUN later runs `apt-get clean`
          or removes `/var/cache/apt/archives`, that directory is a cache/tmpfs mount, the command only
          simulates or downloads, or the stage is built on an official Debian-family image (debian, ubuntu
          and the library images built on them), whose `docker-clean` apt configuration deletes the archives
          after every dpkg run. Otherwise the image may grow by the size of the downloaded packages (add
          `apt-get clean`).
        - `apt -qq` without `-y` still asks; `apt-get -qq` does not. When the command's failure is tolerated
          (`|| true`, `;` without `set -e`), a skipped install would now happen.
    """,
    examples=(Example(
        before="FROM ubuntu:24.04\nRUN apt update && apt install -y curl\n",
        after="FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y curl\n"),),
    check=check,
    hadolint=("DL3027",),
)
