"""The safety net: a rewrite must parse (BuildKit's line limit too) and keep its stages; a written file must be safe."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .facts.context_use import newly_excluded_sources
from .model.buildkit import MAX_LINE_BYTES, too_long_lines

if TYPE_CHECKING:
    from .config import Config
    from .context import BuildContext
    from .model import Dockerfile
    from .passes.base import NewFile

#: Instructions of the final stage that make up what the image does when run.
RUNTIME_KEYWORDS = ("CMD", "ENTRYPOINT", "USER", "WORKDIR", "EXPOSE")


def post_check(before: Dockerfile, after: Dockerfile, declares: frozenset[str], config: Config) -> str:
    """Why ``after`` may not replace ``before`` ("" when it may)."""
    if after.problems:
        problem = after.problems[0]
        return f"the rewrite would not parse: line {problem.line}: {problem.message}"
    already = too_long_lines(before.text)
    longer = [number for line, number in too_long_lines(after.text).items() if line not in already]
    if longer:
        return (f"the rewrite makes line {longer[0]} longer than BuildKit's limit of {MAX_LINE_BYTES} bytes "
                "(dockerfile line greater than max allowed size)")
    if config.post_check_oracle and _oracle_accepts(before.text) and not _oracle_accepts(after.text):
        return "BuildKit's parser rejects the rewrite"
    if "stages" not in declares and _stages(before) != _stages(after):
        return "the rewrite changes the build stages"
    if "runtime" not in declares and _runtime(before) != _runtime(after):
        return "the rewrite changes the final image's CMD/ENTRYPOINT/USER/WORKDIR/EXPOSE"
    return ""


def file_problem(doc: Dockerfile, context: BuildContext, new: NewFile) -> str:
    """Why a file a fix writes may not be written ("" when it may): the post-check of extra files."""
    if not context.known:
        return f"{new.path}: the build context is unknown"
    path = new.path
    if not path or path.startswith("/") or "\\" in path or posixpath.normpath(path) != path or path.startswith(".."):
        return f"{path!r} is not a plain path inside the build context"
    if new.original is not None and not new.text.startswith(new.original):
        return f"the fix would change existing lines of {path}; it may only append"
    if new.text == (new.original or ""):
        return f"the fix leaves {path} as it is"
    if path == context.dockerignore_path:
        excluded = newly_excluded_sources(doc, context, new.original or "", new.text)
        if excluded:
            return (".dockerignore would exclude what COPY/ADD reads (BuildKit's CopyIgnoredFile): "
                    + ", ".join(excluded))
    return ""


def _stages(doc: Dockerfile) -> list[tuple[str, str | None]]:
    return [(stage.base, stage.name) for stage in doc.stages]


def _runtime(doc: Dockerfile) -> list[tuple[str, tuple[str, ...], bool]]:
    if not doc.stages:
        return []
    return [(i.keyword, i.value, i.exec_form) for i in doc.stages[-1].instructions
            if i.keyword in RUNTIME_KEYWORDS]


@lru_cache(maxsize=256)
def _oracle_accepts(text: str) -> bool:
    """BuildKit's own parser (optional `dockerfile` package) accepts the text; True when absent."""
    try:
        import dockerfile
    except ImportError:
        return True
    try:
        dockerfile.parse_string(re.sub("[\ud800-\udfff]", "\ufffd", text))  # it crashes on surrogates
    except dockerfile.GoParseError:
        return False
    return True
