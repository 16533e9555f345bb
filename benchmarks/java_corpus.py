"""DO301 java-multi-stage over the Java files of ``../shared/corpus/real``: shapes, safety, validity.

For each of the 88 java-maven / java-gradle entries (its own file listing and manifests) it runs
DO301 alone with ``--unsafe`` and then every pass, checks that each rewrite parses (ours and, when
installed, BuildKit's parser) and that a second run changes nothing, and counts the findings by
shape and safety: (a) a stage that builds its own jar -> builder + runtime stage, (b) a JDK image
running a prebuilt jar -> JRE image (plus the builder-stage suggestion), (c) a multi-stage build
with a JDK final stage -> JRE image. It lists the files whose jar path could not be determined.

    .venv/bin/python benchmarks/java_corpus.py [--out benchmarks/JAVA_CORPUS.md]
"""

from __future__ import annotations

import argparse
import collections
import datetime
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from optimizer import parse  # noqa: E402
from optimizer.config import Config  # noqa: E402
from optimizer.context import BuildContext  # noqa: E402
from optimizer.pipeline import Status, optimize  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "real"


def shape(message: str, prebuilt: bool, stages: int) -> str:
    if "built outside the image" in message:
        return "b': move the build into a builder stage (always a suggestion)"
    if "this stage" in message:
        return "a: builder + runtime stage"
    if prebuilt:
        return "b: prebuilt jar, JDK -> JRE"
    return "c: multi-stage, JDK final stage -> JRE" if stages > 1 else "b/c: JDK image runs a jar it gets elsewhere -> JRE"


def valid(text: str) -> bool:
    if parse(text).problems:
        return False
    try:
        import dockerfile
    except ImportError:
        return True
    try:
        dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "JAVA_CORPUS.md")
    args = parser.parse_args()
    rows = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ids = [r.split("\t")[0] for r in rows if r.split("\t")[4].startswith("java-")]
    counts: collections.Counter = collections.Counter()
    files_by_shape: dict[str, set] = collections.defaultdict(set)
    unknown_jar, problems, checked = [], [], collections.Counter()
    for entry in ids:
        path = CORPUS / entry / "Dockerfile"
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        context = BuildContext.from_corpus_entry(path.parent)
        for label, config in (("DO301 alone", Config(unsafe=True, select=frozenset({"DO301"}))),
                              ("all passes", Config(unsafe=True))):
            result = optimize(text, context, config)
            if result.text != text:
                checked[label] += 1
                again = optimize(result.text, context, config)
                if not valid(re.sub("[\ud800-\udfff]", "\ufffd", result.text)):
                    problems.append(f"{entry} ({label}): invalid output")
                if again.text != result.text:
                    problems.append(f"{entry} ({label}): not idempotent")
            if label != "DO301 alone":
                continue
            found = [r for r in result.findings if r.pass_.id == "DO301"]
            prebuilt = any("built outside the image" in r.finding.message for r in found)
            for r in found:
                kind = shape(r.finding.message, prebuilt, len(parse(text).stages))
                safety = {Status.APPLIED: "unsafe (applied with --unsafe)"}.get(r.status, r.status.value)
                counts[(kind, safety)] += 1
                files_by_shape[kind].add(entry)
                if "jar's path" in (r.finding.risk or ""):
                    unknown_jar.append((entry, r.finding.risk))
    lines = [
        "# DO301 java-multi-stage over the real corpus's Java files", "",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}. {len(ids)} entries "
        "(java-maven + java-gradle) of `../shared/corpus/real`, each with its own listing and manifests. "
        "Script: `benchmarks/java_corpus.py`.", "",
        "| shape | safety | findings |", "|---|---|---|",
        *(f"| {k} | {s} | {n} |" for (k, s), n in sorted(counts.items())), "",
        "Files per shape: " + ", ".join(f"{k}: {len(v)}" for k, v in sorted(files_by_shape.items())) + "; "
        f"no DO301 finding: {len(ids) - len(set().union(*files_by_shape.values()))} (final stage not on a "
        "Docker Hub JDK/JRE/Maven/Gradle image: Debian/Ubuntu/UBI/Alpine bases installing Java, distroless, "
        "native images, scratch; a JRE image running a jar from another stage; a JDK image with no java "
        "command, e.g. a CI build image).", "",
        f"Rewritten files: DO301 alone {checked['DO301 alone']}, all passes {checked['all passes']}; "
        f"invalid or non-idempotent outputs: {len(problems)}" + (": " + "; ".join(problems) if problems else "")
        + ".", "",
        f"Files where the jar path could not be determined ({len(unknown_jar)}):", "",
        *(f"- `{e}`: {risk}" for e, risk in unknown_jar), "",
    ]
    text = "\n".join(lines)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
