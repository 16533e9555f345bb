"""What a pass is and what it returns: metadata, safety levels, findings and fixes."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from ..edits import Edit
from ..record import field, record

if TYPE_CHECKING:
    from ..config import Config
    from ..context import BuildContext
    from ..model import Dockerfile


class Safety(enum.Enum):
    """How sure we are that a fix keeps the image's behaviour."""

    SAFE = "safe"  # keeps behaviour; applied by --write
    UNSAFE = "unsafe"  # usually right, may change behaviour; applied with --unsafe
    SUGGESTION = "suggestion"  # shown, never applied automatically

    @property
    def rank(self) -> int:
        return {"safe": 0, "unsafe": 1, "suggestion": 2}[self.value]

    def at_least(self, other: Safety) -> Safety:
        """The less safe of the two levels (a downgrade never upgrades)."""
        return self if self.rank >= other.rank else other


@record
class NewFile:
    """A file beside the Dockerfile that a fix creates or extends (e.g. ``.dockerignore``).

    ``original`` is the content the fix builds on: None means the file must not exist yet; else the
    new ``text`` must start with it (a fix only appends, it never drops a user's line). A later fix
    may build on an earlier one's file by naming that file's ``text`` as its ``original``.
    """

    path: str  # '/'-separated, relative to the build context root
    text: str  # the whole content after the fix
    original: str | None = None

    @property
    def new(self) -> bool:
        return self.original is None


@record
class Fix:
    """Edits on the text the pass was given (and files beside it), applied together or not at all."""

    edits: tuple[Edit, ...]
    safety: Safety
    declares: frozenset[str] = frozenset()  # invariants this fix may change on purpose, e.g. {"stages"}
    files: tuple[NewFile, ...] = ()  # files created or extended in the build context
    image_changes: tuple[str, ...] = ()  # image paths this fix may change (see Pass.image_changes)
    #: (folder before, folder after) pairs the fix moves installed files between (pip's packages into a venv);
    #: one ``*`` stands for one path segment in both (``python3.*``). verify reads the rewritten image's smoke
    #: output with each folder after put back as the folder before.
    relocates: tuple[tuple[str, str], ...] = ()


@record
class Finding:
    """One thing a pass wants changed, where, why, and (maybe) how."""

    pass_id: str
    line: int  # 1-based line in the text the pass was given
    message: str  # one line: what is wrong here
    fix: Fix | None = None
    risk: str = ""  # what could go wrong with this fix, when it is not SAFE
    end_line: int | None = None
    hadolint: tuple[str, ...] | None = None  # rules this finding resolves (default: the pass's)
    #: start lines of the other instructions the fix changes or moves; an ignore comment on any of them,
    #: or on the instruction at ``line``, suppresses the finding (the pipeline decides, never the pass)
    touches: tuple[int, ...] = ()

    @property
    def safety(self) -> Safety:
        return self.fix.safety if self.fix else Safety.SUGGESTION


@record
class Example:
    """A rule's example, shown in its documentation and run by tests/test_examples.py.

    Optimizing ``before`` with this pass alone, the build ``context`` and the ``config`` gives ``after``
    and the ``files`` beside it. A suggestion changes nothing: its ``after`` is what its message says to write.
    """

    before: str
    after: str
    context: Mapping[str, str | None] | None = field(default=None, hash=False)  # path -> text or None; None: unknown
    config: Mapping[str, object] = field(default_factory=dict, hash=False)  # Config fields, e.g. {"unsafe": True}
    files: Mapping[str, str] = field(default_factory=dict, hash=False)  # path -> text of files the fix writes
    suggestion: bool = False  # a suggestion of a pass that also fixes: ``after`` is what its message says to write


@record
class Option:
    """A setting of one pass, declared once: the flag ``--NAME`` of ``dockeropt`` and ``dockeropt verify`` and
    the config key ``NAME`` are made from it. A bool option is a switch; a str option takes one of ``choices``."""

    name: str  # "java-runtime": the flag without its dashes, the config key, the key in Config.options
    default: bool | str
    help: str  # one line: what it chooses
    choices: tuple[str, ...] = ()

    @property
    def kind(self) -> type:
        return type(self.default)

    def of(self, config: Config) -> bool | str:
        """The value for this run: the flag's or the config file's, else the default."""
        return config.options.get(self.name, self.default)

    def choice(self, config: Config) -> str:
        """The value of an option with ``choices`` for this run."""
        value = self.of(config)
        if not isinstance(value, str):
            raise TypeError(f"--{self.name} is a switch, not a choice")
        return value

    def allowed(self) -> str:
        """The values it takes, for help: ``alpine, jre or distroless``."""
        values = self.choices or ("true", "false")
        return f"{', '.join(values[:-1])} or {values[-1]}"


@record
class Pass:
    """A rewrite: stable id and name, its documentation, and the check that finds it."""

    id: str  # "DO101"
    name: str  # "apt-update-with-install"
    title: str  # one line
    what: str  # What it does: the fix, and when it is not offered (markdown)
    why: str  # Why is this bad? (markdown)
    safety: Safety  # the level its fixes usually have
    safety_notes: str  # "Safe because ... provided ..." / "Unsafe because ..." / "Suggested only because ..."
    examples: tuple[Example, ...]
    check: Callable[[Dockerfile, BuildContext, Config], Iterable[Finding]] = field(repr=False)
    hadolint: tuple[str, ...] = ()  # hadolint rules a fix resolves
    declares: frozenset[str] = frozenset()
    #: what a fix may change in the built image's files, for verify's filesystem comparison: absolute
    #: globs ("/var/lib/apt/lists/**") and scopes ("copied-context"); see optimizer/verify/declared.py
    image_changes: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()  # settings of this pass (flags and config keys are made from them)
    #: passes whose findings on a line where this pass proposes a fix give the same advice less well (DO301's
    #: JRE image over DO303's "openjdk is deprecated, use the JDK image"): the pipeline drops them
    supersedes: tuple[str, ...] = ()
    #: words (lower case; no space, quote, backslash or backtick) one of which must occur in a Dockerfile for
    #: the pass to report anything there; the pipeline imports and runs the pass only then (see
    #: ``passes/index.py`` for how the text is matched). Empty: the pass runs on every file.
    triggers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # The documentation fields are written as indented triple-quoted markdown beside the pass.
        for name in ("what", "why", "safety_notes"):
            object.__setattr__(self, name, _cleandoc(getattr(self, name)))

    def finding(self, line: int, message: str, fix: Fix | None = None, *, risk: str = "",
                end_line: int | None = None, hadolint: tuple[str, ...] | None = None,
                touches: tuple[int, ...] = ()) -> Finding:
        return Finding(self.id, line, message, fix, risk, end_line, hadolint, touches)


def _cleandoc(doc: str) -> str:
    """``inspect.cleandoc`` (as Python 3.11 writes it; importing ``inspect`` costs ~12 ms of start-up):
    the first line stripped, the indentation common to the others removed, blank lines at the ends dropped."""
    lines = doc.expandtabs().split("\n")
    margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()), default=None)
    lines[0] = lines[0].lstrip()
    if margin is not None:
        lines[1:] = [line[margin:] for line in lines[1:]]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)
