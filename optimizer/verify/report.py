"""The evidence of a verification, rendered as text, JSON, or a markdown table for pull-request bodies."""

from __future__ import annotations

import json

from ..record import field, record
from .builders import JsonObject, Step
from .compare import ConfigDiff
from .filesystem import Snapshot
from .fscompare import FilesystemDiff

FILE_DIFFS_SHOWN = 20  # text and markdown list this many undeclared file differences


@record
class ImageReport:
    """One image (the original or the rewritten Dockerfile's) as built twice: clean, then after an edit."""

    label: str  # "original" | "rewritten"
    builds: bool
    error: str = ""  # the builder's error tail when a build failed
    size: int | None = None  # bytes
    layers: int | None = None
    clean_s: float | None = None  # the median over the runs
    rebuild_s: float | None = None  # the median over the runs
    rebuild_error: str = ""
    steps: tuple[Step, ...] = ()  # the rebuild's steps, with cache hits
    smoke: tuple[int, str] | None = None  # exit status, output
    config: JsonObject = field(default_factory=dict, repr=False)  # the image config, as the builder shows it
    clean_runs: tuple[float, ...] = ()  # every clean build's seconds (verify --runs N)
    rebuild_runs: tuple[float, ...] = ()  # every rebuild's seconds
    files: Snapshot | None = field(default=None, repr=False, compare=False)  # the clean build's files
    files_error: str = ""  # why the files could not be read

    @property
    def cached(self) -> str:
        return f"{sum(s.cached for s in self.steps)}/{len(self.steps)}" if self.steps else "-"

    def to_dict(self) -> dict[str, object]:
        return {"builds": self.builds, "error": self.error or None, "size_bytes": self.size, "layers": self.layers,
                "clean_build_s": _round(self.clean_s), "rebuild_after_edit_s": _round(self.rebuild_s),
                "clean_build_runs_s": [_round(t) for t in self.clean_runs],
                "rebuild_after_edit_runs_s": [_round(t) for t in self.rebuild_runs],
                "rebuild_error": self.rebuild_error or None,
                "rebuild_steps": [{"step": s.text, "cached": s.cached} for s in self.steps],
                "smoke": None if self.smoke is None else {"status": self.smoke[0], "output": self.smoke[1]}}


@record
class VerifyReport:
    """What ``verify_dockerfile`` found; ``ok`` is True when the rewrite is proven (or nothing changes)."""

    dockerfile: str
    passes: tuple[str, ...] = ()  # "DO101 apt-update-with-install" for each pass that changed the file
    builder: str = ""
    nothing_to_change: bool = False
    edited_file: str | None = None  # the copied source file edited before the rebuilds
    original: ImageReport | None = None
    rewritten: ImageReport | None = None
    config_diffs: tuple[ConfigDiff, ...] = ()
    files: FilesystemDiff | None = None  # the file comparison (None: not made)
    smoke_command: str | None = None
    smoke_relocated: tuple[str, ...] = ()  # the passes whose declared relocation makes the smoke outputs the same
    failures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    original_broken: bool = False  # the original Dockerfile does not build: nothing to compare

    @property
    def ok(self) -> bool:
        return not self.failures and not self.original_broken

    @property
    def verdict(self) -> str:
        if self.nothing_to_change:
            return "nothing to change"
        if self.original_broken:
            return "the original does not build"
        return "verified" if self.ok else "verification FAILED"

    @property
    def generated(self) -> list[str]:
        """The declared differences that a removed package's maintainer script explains, with how (the first ones)."""
        found = self.files.generated if self.files else ()
        lines = [f"{path}: {why}" for path, why in found[:FILE_DIFFS_SHOWN]]
        return lines + ([f"... and {len(found) - FILE_DIFFS_SHOWN} more"] if len(found) > FILE_DIFFS_SHOWN else [])

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The evidence table: (what, original, rewritten, change)."""
        a, b = self.original, self.rewritten
        if a is None or b is None:
            return []
        both = a.builds and b.builds
        rows = [("builds", _yes(a.builds), _yes(b.builds), ""),
                ("image size", _mb(a.size), _mb(b.size), _delta_mb(a.size, b.size)),
                ("layers", _n(a.layers), _n(b.layers), _delta(a.layers, b.layers)),
                ("clean build", _s(a.clean_s, a.clean_runs), _s(b.clean_s, b.clean_runs),
                 _ratio(a.clean_s, b.clean_s) if both else "")]
        if self.edited_file:  # else no rebuild was measured
            rows += [(f"rebuild after editing `{self.edited_file}`", _s(a.rebuild_s, a.rebuild_runs),
                      _s(b.rebuild_s, b.rebuild_runs), _ratio(a.rebuild_s, b.rebuild_s)),
                     ("rebuild steps from cache", a.cached, b.cached, "")]
        if both:
            undeclared = [d for d in self.config_diffs if not d.declared]
            declared = sorted({p for d in self.config_diffs for p in d.declared_by})
            summary = ("same" if not self.config_diffs else
                       f"{len(undeclared)} undeclared difference(s)" if undeclared else
                       f"differs as declared by {', '.join(declared)}")
            rows.append(("runtime config", "", "", summary))
            if self.files is not None:
                rows.append(("files", "", "", self.files.summary()))
        if a.smoke is not None and b.smoke is not None:
            rows.append((f"smoke `{self.smoke_command}`", f"exit {a.smoke[0]}", f"exit {b.smoke[0]}",
                         "same output" if a.smoke == b.smoke else
                         f"same output, folders moved by {', '.join(self.smoke_relocated)}" if self.smoke_relocated
                         else "DIFFERS"))
        return rows

    def markdown(self) -> str:
        lines = [f"**dockeropt verify** `{self.dockerfile}` with {self.builder or 'no builder'}: **{self.verdict}**"]
        if self.passes:
            lines.append(f"Passes applied: {', '.join(self.passes)}")
        rows = self.rows()
        if rows:
            lines += ["", "| | original | rewritten | change |", "|---|---|---|---|"]
            lines += [f"| {w} | {a} | {b} | {c} |" for w, a, b, c in rows]
        if self.config_diffs:
            lines += ["", "Runtime config differences:", ""]
            lines += [f"- {'declared by ' + ', '.join(d.declared_by) if d.declared else '**undeclared**'}: "
                      f"`{d.describe()}`" for d in self.config_diffs]
        undeclared = self.files.undeclared if self.files else ()
        if undeclared:
            lines += ["", "Undeclared file differences:", ""]
            lines += [f"- `{d.describe()}`" for d in undeclared[:FILE_DIFFS_SHOWN]]
            lines += [f"- ... and {len(undeclared) - FILE_DIFFS_SHOWN} more"] if len(undeclared) > FILE_DIFFS_SHOWN else []
        if self.generated:
            lines += ["", "Declared as written by the maintainer scripts of packages the rewrite no longer installs:", ""]
            lines += [f"- {line}" for line in self.generated]
        if self.failures or self.notes:
            lines.append("")
            lines += [f"- **{f}**" for f in self.failures] + [f"- {n}" for n in self.notes]
        for image in filter(None, (self.original, self.rewritten)):
            if image.steps:
                lines += ["", f"<details><summary>{image.label}: rebuild steps ({image.cached} from cache)</summary>",
                          ""] + [f"- {'cached' if s.cached else '**ran**'} `{s.text}`" for s in image.steps] \
                         + ["", "</details>"]
            for log, what in ((image.error, "build error"), (image.rebuild_error, "rebuild error")):
                if log:
                    lines += ["", f"<details><summary>{image.label}: {what}</summary>", "", "```", log, "```",
                              "", "</details>"]
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        lines = [f"{self.dockerfile}: {self.verdict} (builder: {self.builder or 'none'})"]
        if self.passes:
            lines.append(f"passes applied: {', '.join(self.passes)}")
        rows = self.rows()
        if rows:
            widths = [max(len(r[i]) for r in [("", "original", "rewritten", "change"), *rows]) for i in range(4)]
            for row in [("", "original", "rewritten", "change"), *rows]:
                lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        lines += [f"  {'declared' if d.declared else 'UNDECLARED'} config difference: {d.describe()}"
                  + (f" (by {', '.join(d.declared_by)})" if d.declared else "") for d in self.config_diffs]
        undeclared = self.files.undeclared if self.files else ()
        lines += [f"  UNDECLARED file difference: {d.describe()}" for d in undeclared[:FILE_DIFFS_SHOWN]]
        lines += [f"  ... and {len(undeclared) - FILE_DIFFS_SHOWN} more"] if len(undeclared) > FILE_DIFFS_SHOWN else []
        lines += [f"  written by a package no longer installed: {line}" for line in self.generated]
        lines += [f"FAILED: {f}" for f in self.failures] + [f"note: {n}" for n in self.notes]
        for image in filter(None, (self.original, self.rewritten)):
            if image.steps:
                lines.append(f"{image.label} rebuild: " + ", ".join(
                    f"{'cached' if s.cached else 'RAN'} {s.text[:40]}" for s in image.steps))
            for log, what in ((image.error, "build"), (image.rebuild_error, "rebuild")):
                if log:
                    lines += [f"--- {image.label}: {what} error (last lines) ---", log]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps({
            "version": 1, "dockerfile": self.dockerfile, "ok": self.ok, "verdict": self.verdict,
            "builder": self.builder, "passes": list(self.passes), "nothing_to_change": self.nothing_to_change,
            "edited_file": self.edited_file,
            "original": self.original.to_dict() if self.original else None,
            "rewritten": self.rewritten.to_dict() if self.rewritten else None,
            "config_diffs": [{"key": d.key, "before": d.before, "after": d.after, "declared_by": list(d.declared_by)}
                             for d in self.config_diffs],
            "filesystem": self.files.to_dict() if self.files else None,
            "smoke_command": self.smoke_command, "smoke_relocated": list(self.smoke_relocated),
            "failures": list(self.failures), "notes": list(self.notes),
        }, indent=2, default=str) + "\n"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def _mb(size: int | None) -> str:
    return "-" if size is None else f"{size / 1e6:.1f} MB"


def _s(seconds: float | None, runs: tuple[float, ...] = ()) -> str:
    """``12.3 s``, or with several runs the median and the range: ``12.3 s (11.9-13.0)``."""
    if seconds is None:
        return "-"
    spread = f" ({min(runs):.1f}-{max(runs):.1f})" if len(runs) > 1 else ""
    return f"{seconds:.1f} s{spread}"


def _delta(a: int | None, b: int | None) -> str:
    return "" if a is None or b is None else f"{b - a:+d}"


def _delta_mb(a: int | None, b: int | None) -> str:
    if a is None or b is None:
        return ""
    return f"{(b - a) / 1e6:+.1f} MB ({(b - a) / a:+.0%})" if a else f"{(b - a) / 1e6:+.1f} MB"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0 or a <= 0:
        return ""
    if round(max(a, b) / min(a, b), 1) == 1.0:
        return "about the same"
    return f"{a / b:.1f}x faster" if a >= b else f"{b / a:.1f}x slower"
