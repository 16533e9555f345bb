"""DO109 npm-ci: npm ci instead of npm install where the image has the lockfile (documented in PASS)."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import TYPE_CHECKING, Iterator

from ..facts.copies import from_context, instructions_before, is_broad, is_copy, landing, normalise, sources, workdir_in_force
from ..edits import Edit
from ..model import Dockerfile, Instruction
from ..facts.runscript import RunScript, mounts, run_scripts
from .base import Example, Finding, Fix, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..shell import Command

LOCKFILES = ("npm-shrinkwrap.json", "package-lock.json")
INSTALL = ("install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall")
CLEAN_INSTALL = ("ci", "clean-install", "ic", "install-clean", "isntall-clean")
#: Options that `npm ci` takes with the same meaning as `npm install` (canonical spellings).
COMPATIBLE = frozenset("""
    --production --only --omit --include --also --ignore-scripts --legacy-peer-deps --strict-peer-deps
    --audit --no-audit --fund --no-fund --loglevel -q -s -d --verbose --no-optional --unsafe-perm
    --registry --cache --prefer-offline --prefer-online --offline --progress --no-progress -f
    --foreground-scripts --update-notifier --no-update-notifier --install-links --engine-strict
    --build-from-source --bin-links --no-bin-links --audit-level --fetch-retries --fetch-timeout
    --maxsockets --install-strategy --script-shell --userconfig --globalconfig --color --no-color
""".split())
_OLD_NODE = re.compile(r"(?:.*/)?node:(\d+)(?:[.-].*)?")


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    if not getattr(context, "known", False):
        return
    for stage in doc.stages:
        if _node_before_10(stage.base):
            continue
        for inst, run in run_scripts(doc, stage):
            if run is None or run.onbuild:
                continue
            for cmd in run.script.commands:
                finding = _check_command(doc, context, inst, run, cmd)
                if finding is not None:
                    yield finding


def _check_command(doc: Dockerfile, context: BuildContext, inst: Instruction, run: RunScript,
                   cmd: Command) -> Finding | None:
    if cmd.program != "npm" or cmd.subcommand not in INSTALL or cmd.positional():
        return None
    if not all(option.canonical in COMPATIBLE for option in cmd.options()):
        return None
    if any(other.name in ("cd", "pushd") for other in run.script.commands if other.span[0] < cmd.span[0]):
        return None
    cwd = workdir_in_force(doc, inst)
    if cwd is None or _node_modules_in_place(doc, inst, cwd):
        return None
    lockfile = next((name for name in LOCKFILES if name in context.included), None)
    if lockfile is None or not _copied_into(doc, inst, lockfile, cwd):
        return None
    subcommand = cmd.operands()[0]
    edit = Edit.replace(run.doc_span(subcommand.span), "ci")
    return PASS.finding(
        run.line_of(cmd.span),
        f"`npm {subcommand.value}` may resolve other versions than {lockfile} pins and rewrite it inside the "
        f"image; `npm ci` installs exactly the lockfile, and fails when it disagrees with package.json",
        Fix((edit,), Safety.UNSAFE),
        risk=("`npm ci` fails the build when package.json and the lockfile disagree (`npm install` updated the "
              "lockfile quietly instead), and it deletes an existing node_modules before installing"))


def _node_before_10(base: str) -> bool:
    match = _OLD_NODE.fullmatch(base or "")
    return match is not None and int(match.group(1)) < 10


def _copied_into(doc: Dockerfile, inst: Instruction, lockfile: str, cwd: str) -> bool:
    """A COPY/ADD before ``inst`` puts the context's ``lockfile`` into directory ``cwd``: the whole
    context copied to ``cwd``, or a root source naming or matching the lockfile landing in ``cwd``
    (the WORKDIR exists, so a copy to it goes inside) or at ``cwd/<lockfile>``."""
    for other in instructions_before(doc, inst):
        if not is_copy(other) or other.effective.keyword == "ONBUILD":
            continue
        target = landing(doc, other)
        if target is None:
            continue
        for source in sources(other):
            if not from_context(other, source):
                continue
            if is_broad(source):
                if target == cwd:
                    return True
                continue
            key = normalise("/" + source).lstrip("/")
            if "/" not in key and fnmatch.fnmatchcase(lockfile, key) and \
                    target in (cwd, posixpath.join(cwd, lockfile)):
                return True
    return False


def _node_modules_in_place(doc: Dockerfile, inst: Instruction, cwd: str) -> bool:
    """node_modules in ``cwd`` may hold something ``npm ci`` would delete: a mount on it, a copy
    from another stage or image into it, or an earlier npm install."""
    modules = posixpath.join(cwd, "node_modules")
    if any(normalise(m.get("target", "")).startswith((modules, cwd + "/node_modules")) or
           normalise(m.get("target", "")) == cwd for m in mounts(inst.effective) if m.get("target")):
        return True
    for other in instructions_before(doc, inst):
        if is_copy(other) and other.effective.flag("from") is not None:
            target = landing(doc, other)
            if target is not None and (target == cwd or target.startswith(modules)):
                return True
        if other.keyword == "RUN" and "npm" in other.effective.text:
            return True
    return False


PASS = Pass(
    # Trigger: it reports only `npm install` commands.
    triggers=("npm",),
    # `npm install` may rewrite the lockfile in the image, `npm ci` never does
    image_changes=("/**/node_modules/**", "/**/.npm/**", "/**/package-lock.json", "/**/npm-shrinkwrap.json"),
    id="DO109",
    name="npm-ci",
    title="Use npm ci instead of npm install when the lockfile is in the image",
    what="""
        A RUN whose `npm install` / `npm i` (any stage, wrappers such as sudo allowed) names no packages
        and uses only options `npm ci` takes the same way (`--omit`, `--production`, `--ignore-scripts`,
        `--legacy-peer-deps`, `--no-audit`, `--loglevel` ...) gets its subcommand replaced by `ci`; the rest
        of the command is kept as written. Only when the build context is known and the lockfile
        (`package-lock.json` or `npm-shrinkwrap.json`, not excluded by .dockerignore) is copied into the
        directory npm runs in, by a COPY/ADD before the RUN (`COPY . .`, `COPY package*.json ./`,
        `COPY package.json package-lock.json /app/`).

        Not offered: packages named (`npm install express`), `-g`, `--prefix`/`-C`, `--save*`,
        `--no-package-lock`/`--package-lock=false`/`--package-lock-only`, any option we do not know to mean
        the same for `ci`; a `cd`/`pushd` before npm in the RUN; a node_modules that a `COPY --from`, a mount
        or an earlier npm install put in place (`npm ci` deletes node_modules first); a base image `node:`
        older than 10 (npm before 5.7 has no `ci`); ONBUILD triggers (their build context is another
        project's); an unknown WORKDIR.
    """,
    why="""
        `npm install` without package names treats package-lock.json as a hint: when package.json asks for
        something the lockfile does not pin (a range widened, a dependency added), it resolves again, may
        install other versions than the developer tested, and rewrites the lockfile inside the image, so two
        builds of the same commit can differ. `npm ci` ("clean install") installs exactly what the lockfile
        says, never writes it, fails loudly when it disagrees with package.json, and skips the resolution
        work, so it is also faster. It is what npm's docs recommend for automated environments, and the form
        the manifests-first layout (DO205) can treat as reading only the manifests.
    """,
    safety=Safety.UNSAFE,
    safety_notes="""
        Unsafe because `npm ci` fails the build when package.json and the lockfile disagree (`npm install`
        quietly updated the lockfile instead): the failure is the point, but it is a change a reviewer
        should see. It also removes an existing node_modules before installing.
    """,
    examples=(Example(
        before=("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
                "RUN npm install --omit=dev\nCOPY . .\n"),
        after=("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
               "RUN npm ci --omit=dev\nCOPY . .\n"),
        context={"package.json": None, "package-lock.json": None, "src/index.js": None},
        config={"unsafe": True}),),
    check=check,
)
