"""DO303 base-image: suggestions about the FROM images themselves, never applied (documented in PASS)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ..facts.images import ImageRef, distribution, image_ref
from ..facts.java import LTS, java_image
from ..facts.packages import packages
from ..facts.runscript import run_script
from ..model import Dockerfile, Stage
from .base import Example, Finding, Pass, Safety

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext

ID, NAME = "DO303", "base-image"

#: Approximate uncompressed sizes (linux/amd64, Debian bookworm variants) of the full and -slim images.
_SIZES = {"python": ("~1 GB", "~130 MB"), "node": ("~1.1 GB", "~230 MB")}
#: Programs and packages the full python/node images have and -slim lacks.
_FULL_ONLY = frozenset({"gcc", "g++", "cc", "c++", "make", "cmake", "git", "curl", "wget", "ssh", "scp", "hg", "svn",
                        "node-gyp", "autoconf", "automake", "libtool", "pkg-config", "bzr", "gpg"})
_JDK_PACKAGE = re.compile(r"openjdk-(\d+)-(jdk|jre)(-headless)?$")


def check(doc: Dockerfile, context: BuildContext, config: Config) -> Iterator[Finding]:
    for stage in doc.stages:
        if doc.parent_of(stage) is not None or stage.base.lower() == "scratch":
            continue
        ref = image_ref(stage.base)
        if ref is None:
            continue
        if ref.digest is None and (ref.tag is None or ref.tag == "latest"):
            yield _unpinned(stage, ref)
        if ref.official and ref.name in _SIZES and doc.reaches_final_image(stage):
            finding = _slim(doc, stage, ref)
            if finding:
                yield finding
        if ref.official and ref.name == "openjdk":
            yield _temurin(stage, ref)
        if distribution(stage.base) in ("debian", "ubuntu") and ref.name in ("debian", "ubuntu"):
            yield from _apt_jdk(doc, stage)


def _unpinned(stage: Stage, ref: ImageRef) -> Finding:
    written = "no tag" if ref.tag is None else "the `latest` tag"
    return PASS.finding(stage.from_.start_line,
                        f"`{stage.base}` has {written}: pin a version (`{ref.with_tag('<version>')}`, or a digest) so "
                        "a rebuild gets the same image", risk="a pinned tag must be updated by hand (or a bot)",
                        hadolint=("DL3006",) if ref.tag is None else ("DL3007",))


def _slim(doc: Dockerfile, stage: Stage, ref: ImageRef) -> Finding | None:
    words = ref.tag_words
    if any(w in ("slim", "alpine", "windowsservercore", "nanoserver") or w.startswith("alpine") for w in words):
        return None
    used = _full_only_uses(doc, stage)
    if used is None or used:
        return None
    full, slim = _SIZES[ref.name]
    tag = _slim_tag(ref)
    return PASS.finding(stage.from_.start_line,
                        f"`{stage.base}` is the full image ({full}, with compilers and headers) and this stage uses "
                        f"none of its build tools: `{ref.with_tag(tag)}` is {slim}",
                        risk=("packages without prebuilt wheels or binaries need gcc and headers, which -slim lacks; "
                              "so do tools scripts call at run time (curl, git)"), hadolint=())


def _slim_tag(ref: ImageRef) -> str:
    """The -slim spelling of the tag: ``3.12`` -> ``3.12-slim``, ``3.12-bookworm`` -> ``3.12-slim-bookworm``
    (python) / ``22-bookworm-slim`` (node), no tag -> ``slim``."""
    tag = ref.tag if ref.tag not in (None, "latest") else ""
    head, _, codename = tag.rpartition("-")
    if head and not codename[0].isdigit():
        return f"{head}-slim-{codename}" if ref.name == "python" else f"{tag}-slim"
    return f"{tag}-slim" if tag else "slim"


def _full_only_uses(doc: Dockerfile, stage: Stage) -> set[str] | None:
    """What the stage's RUNs use that only the full image has (None: a RUN cannot be read)."""
    used = set()
    for inst in stage.instructions:
        if inst.keyword != "RUN":
            continue
        run = run_script(doc, inst)
        if run is None:
            return None
        for command in run.script.commands:
            name = (command.name or "").rsplit("/", 1)[-1]
            if name in _FULL_ONLY:
                used.add(name)
            used.update(name for name in packages(command) if name.endswith("-dev"))
    return used


def _temurin(stage: Stage, ref: ImageRef) -> Finding:
    java = java_image(stage.base)
    version = java.version if java else None
    lts = next((v for v in LTS if version is not None and v >= version), None)
    flavour = "jdk" if java is None or java.jdk else "jre"
    target = f"eclipse-temurin:{lts or '<version>'}-{flavour}{'-alpine' if java and java.alpine else ''}"
    newer = f" (Java {version} is not an LTS release: {lts} is the next)" if lts and lts != version else ""
    return PASS.finding(stage.from_.start_line,
                        f"the `openjdk` images are deprecated and have had no updates since July 2022: use "
                        f"`{target}`{newer}",
                        risk="Temurin is another OpenJDK build on another base (Ubuntu or Alpine): check the tools and "
                             "paths the build uses", hadolint=())


def _apt_jdk(doc: Dockerfile, stage: Stage) -> Iterator[Finding]:
    for inst in stage.instructions:
        run = run_script(doc, inst) if inst.keyword == "RUN" else None
        if run is None:
            continue
        for command in run.script.commands:
            for name in sorted(packages(command)):
                match = _JDK_PACKAGE.match(name)
                if match:
                    version, flavour = int(match.group(1)), match.group(2)
                    image = f"eclipse-temurin:{version}-{flavour}" if version in LTS else "eclipse-temurin:<LTS>-jdk"
                    yield PASS.finding(
                        run.line_of(command.span),
                        f"`{stage.base}` plus `apt-get install {name}`: start `FROM {image}` instead (Ubuntu "
                        "with the JDK installed and maintained by Adoptium) and drop the package",
                        risk="Temurin's Java lives in /opt/java/openjdk, not /usr/lib/jvm; the distribution may "
                             "differ from the one in FROM", hadolint=())
                    return


PASS = Pass(
    # No trigger: every stage has a FROM.
    id=ID,
    name=NAME,
    title="Pin base image tags and use smaller or maintained base images",
    what="""
        Four suggestions, each with the replacement spelled out:
        - an image without a tag or with `latest` (hadolint DL3006, DL3007): pin a version tag (or a
          digest); the next build may otherwise get another major version;
        - `python:3.N` / `node:N` (the full Debian images, ~1 GB, with compilers, git, curl and headers) in a
          stage that reaches the final image: `-slim` (python ~130 MB, node ~230 MB, amd64, uncompressed),
          when no RUN in the stage uses what only the full image has (gcc, make, git, curl, wget, `*-dev`
          headers, node-gyp ...);
        - `openjdk:*`: the openjdk images are deprecated and have had no updates since July 2022;
          `eclipse-temurin` with the same Java release and flavour (JDK/JRE, Alpine), the next LTS for a
          non-LTS release (not shown where DO301 java-multi-stage proposes its JRE image for the same line);
        - `ubuntu`/`debian` plus `apt-get install openjdk-N-jdk|jre(-headless)`: the
          `eclipse-temurin:N-jdk|jre` image (Ubuntu-based, apt-get still works) has the JDK ready,
          maintained by Adoptium, and the install RUN can drop it.
    """,
    why="""
        The base image is usually most of an image's size and CVEs: the full python/node images are ~1 GB
        against ~130-230 MB for -slim, the openjdk images get no security fixes, and a floating tag makes
        builds unrepeatable.
    """,
    safety=Safety.SUGGESTION,
    safety_notes="""
        Suggested only because another image can change the OS packages, libraries and tools the build and
        the application find: a -slim image lacks compilers for packages without wheels or prebuilt
        binaries; Temurin is another build of OpenJDK on another base (Java in /opt/java/openjdk); a pinned
        tag must still be updated.
    """,
    examples=(Example(before='FROM python:3.12\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n',
                      after='FROM python:3.12-slim\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n'),
              Example(before="FROM openjdk:17-jdk-slim\n", after="FROM eclipse-temurin:17-jdk\n")),
    check=check,
    hadolint=("DL3006", "DL3007"),
)
