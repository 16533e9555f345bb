"""BuildContext: lazy bounded walks, links, .dockerignore applied as Docker does, listings and corpus entries."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from optimizer.context import MAX_TEXT, BuildContext

from .conftest import REAL_CORPUS


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


APP = {
    "Dockerfile": "FROM scratch\n",
    ".dockerignore": "target\n!target/*.jar\n*.md\n!README.md\n",
    "README.md": "# app\n",
    "NOTES.md": "notes\n",
    "pom.xml": "<project><artifactId>app</artifactId><version>1</version></project>",
    "src/main/java/App.java": "class App {}\n",
    "target/app.jar": b"PK\x03\x04",
    "target/classes/App.class": b"\xca\xfe\xba\xbe",
}


def test_unknown_context() -> None:
    context = BuildContext.unknown()
    assert not context.known
    assert context.files == {} and context.included == {}
    assert not context.exists("x") and not context.exists(".")
    assert context.read_text("x") is None and context.dockerignore_text is None
    assert not context.is_ignored("x") and not context.truncated
    assert context.manifests.kinds == ()


def test_directory_files_sizes_and_order(tmp_path: Path) -> None:
    make(tmp_path, APP)
    context = BuildContext.from_directory(tmp_path)
    assert context.known and context.root == tmp_path
    assert list(context.files) == sorted(APP)
    assert context.files["target/app.jar"] == 4
    assert context.files["Dockerfile"] == len("FROM scratch\n")
    assert not context.truncated


def test_positional_root_still_works(tmp_path: Path) -> None:
    make(tmp_path, {"a": "x"})
    assert BuildContext(tmp_path).files == {"a": 1}


def test_walk_is_lazy_and_done_once(tmp_path: Path) -> None:
    context = BuildContext.from_directory(tmp_path)
    make(tmp_path, {"late.txt": "x"})
    assert "late.txt" in context.files  # walked on first use, not at construction
    make(tmp_path, {"later.txt": "x"})
    assert "later.txt" not in context.files  # frozen afterwards


def test_symlinks_are_listed_not_followed(tmp_path: Path) -> None:
    outside = make(tmp_path / "outside", {"secret.txt": "s3cret", "deep/x.txt": "x"})
    root = make(tmp_path / "ctx", {"real/file.txt": "inside"})
    os.symlink(outside, root / "link-dir-out")
    os.symlink(outside / "secret.txt", root / "link-file-out")
    os.symlink(root / "real", root / "link-dir-in")
    os.symlink(root / "real" / "file.txt", root / "link-file-in")
    context = BuildContext.from_directory(root)
    assert context.files == {"link-dir-in": 0, "link-dir-out": 0, "link-file-in": 0, "link-file-out": 0,
                             "real/file.txt": 6}
    assert context.read_text("link-file-out") is None
    assert context.read_text("link-dir-out/secret.txt") is None
    assert context.read_text("link-file-in") == "inside"


def test_walk_stops_at_the_cap_keeping_shallow_files(tmp_path: Path) -> None:
    make(tmp_path, {"a.txt": "", "b.txt": "", "deep/x/1": "", "deep/x/2": "", "deep/3": ""})
    context = BuildContext.from_directory(tmp_path, max_files=3)
    assert context.truncated
    assert list(context.files) == ["a.txt", "b.txt", "deep/3"]


def test_walk_at_exactly_the_cap_is_complete(tmp_path: Path) -> None:
    make(tmp_path, {"a": "", "b/c": ""})
    context = BuildContext.from_directory(tmp_path, max_files=2)
    assert not context.truncated and len(context.files) == 2


def test_nothing_is_skipped_by_the_walk_itself(tmp_path: Path) -> None:
    make(tmp_path, {".git/HEAD": "ref", "node_modules/x/index.js": "", ".env": "A=1"})
    assert set(BuildContext.from_directory(tmp_path).files) == {".git/HEAD", "node_modules/x/index.js", ".env"}


def test_dockerignore_applied(tmp_path: Path) -> None:
    context = BuildContext.from_directory(make(tmp_path, APP))
    assert context.dockerignore_text == APP[".dockerignore"]
    assert context.dockerignore_path == ".dockerignore" and context.dockerignore_error is None
    assert sorted(context.included) == [".dockerignore", "Dockerfile", "README.md", "pom.xml",
                                        "src/main/java/App.java", "target/app.jar"]
    assert "NOTES.md" in context.files  # files is before .dockerignore
    assert context.is_ignored("NOTES.md") and context.is_ignored("target/classes/App.class")
    assert context.is_ignored("target") and not context.is_ignored("target/app.jar")
    assert context.is_ignored("./target/classes") and not context.is_ignored(".")


EXISTS = [
    pytest.param("src", True, id="dir"),
    pytest.param("src/", True, id="dir-slash"),
    pytest.param("./src/main/java/App.java", True, id="dot-slash-file"),
    pytest.param("/pom.xml", True, id="leading-slash"),
    pytest.param("target", True, id="excluded-dir-holding-a-reincluded-file"),
    pytest.param("target/app.jar", True, id="reincluded-file"),
    pytest.param("target/classes", False, id="ignored-dir"),
    pytest.param("NOTES.md", False, id="ignored-file"),
    pytest.param("sr", False, id="not-a-prefix-match"),
    pytest.param("missing.txt", False, id="missing"),
    pytest.param("../etc/passwd", False, id="outside"),
    pytest.param(".", True, id="root"),
]


@pytest.mark.parametrize(("path", "expected"), EXISTS)
def test_exists(tmp_path: Path, path: str, expected: bool) -> None:
    assert BuildContext.from_directory(make(tmp_path, APP)).exists(path) is expected


GLOBS = [
    pytest.param("target/*.jar", ["target/app.jar"], id="jar"),
    pytest.param("*.md", ["README.md"], id="ignored-files-left-out"),
    pytest.param("src", ["src/main/java/App.java"], id="directory"),
    pytest.param("s?c/main", ["src/main/java/App.java"], id="wildcard-directory"),
    pytest.param("target/classes", [], id="ignored-directory"),
    pytest.param("[", [], id="malformed"),
]


@pytest.mark.parametrize(("pattern", "expected"), GLOBS)
def test_glob(tmp_path: Path, pattern: str, expected: list[str]) -> None:
    assert BuildContext.from_directory(make(tmp_path, APP)).glob(pattern) == expected


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    make(tmp_path, {".dockerignore": "a\n", "a": "", "b": "", "docker/Dockerfile": "FROM scratch\n",
                    "docker/Dockerfile.dockerignore": "b\n"})
    specific = BuildContext.from_directory(tmp_path, dockerfile=tmp_path / "docker" / "Dockerfile")
    assert specific.dockerignore_text == "b\n" and specific.dockerignore_path == "docker/Dockerfile.dockerignore"
    assert specific.is_ignored("b") and not specific.is_ignored("a")
    plain = BuildContext.from_directory(tmp_path, dockerfile=tmp_path / "Dockerfile")
    assert plain.dockerignore_text == "a\n" and plain.dockerignore_path == ".dockerignore"
    assert plain.is_ignored("a")


def test_invalid_dockerignore_is_reported_not_applied(tmp_path: Path) -> None:
    context = BuildContext.from_directory(make(tmp_path, {".dockerignore": "a\n!\n", "a": ""}))
    assert context.dockerignore_error is not None and "exclusion" in context.dockerignore_error
    assert context.ignore_matcher is None
    assert context.included == context.files and not context.is_ignored("a")


def test_no_dockerignore(tmp_path: Path) -> None:
    context = BuildContext.from_directory(make(tmp_path, {"a": ""}))
    assert context.dockerignore_text is None and context.ignore_matcher is None
    assert context.included == context.files


READS = [
    pytest.param({"a.txt": "hello\n"}, "a.txt", "hello\n", id="text"),
    pytest.param({"a.txt": "hello\n"}, "./a.txt", "hello\n", id="dot-slash"),
    pytest.param({"big.txt": "x" * (MAX_TEXT + 1)}, "big.txt", None, id="over-1-mib"),
    pytest.param({"max.txt": "x" * MAX_TEXT}, "max.txt", "x" * MAX_TEXT, id="exactly-1-mib"),
    pytest.param({"bin": b"\x00\x01\x02"}, "bin", None, id="binary"),
    pytest.param({"latin.txt": b"caf\xe9\n"}, "latin.txt", "caf\ufffd\n", id="not-utf8-replaced"),
    pytest.param({"dir/x": ""}, "dir", None, id="directory"),
    pytest.param({"a": ""}, "missing", None, id="missing"),
    pytest.param({"a": ""}, "../a", None, id="outside"),
    pytest.param({"a": ""}, ".", None, id="root"),
]


@pytest.mark.parametrize(("files", "path", "expected"), READS)
def test_read_text(tmp_path: Path, files: dict, path: str, expected: str | None) -> None:
    root = make(tmp_path / "ctx", files)
    (tmp_path / "a").write_text("outside")
    assert BuildContext.from_directory(root).read_text(path) == expected


def test_from_listing() -> None:
    context = BuildContext.from_listing(
        ["./Dockerfile", "", "src/app.py\n", "src/app.py", ".dockerignore", "docs/x.md"],
        texts={"./.dockerignore": "docs\n", "requirements.txt": "flask\n"},
    )
    assert context.known and context.root is None and not context.truncated
    assert context.files == {".dockerignore": 5, "Dockerfile": 0, "docs/x.md": 0, "requirements.txt": 6,
                             "src/app.py": 0}
    assert context.dockerignore_text == "docs\n"
    assert context.is_ignored("docs/x.md") and not context.exists("docs")
    assert context.exists("src") and context.read_text("requirements.txt") == "flask\n"
    assert context.read_text("src/app.py") is None
    assert context.manifests.python is not None
    assert BuildContext.from_listing([], truncated=True).truncated


def test_from_corpus_entry(tmp_path: Path) -> None:
    entry = make(tmp_path / "real" / "demo--svc", {
        "Dockerfile": "FROM scratch\n",
        "context.txt": "Dockerfile\npom.xml\nsrc/A.java\ntarget/app.jar\n",
        "pom.xml": "<project><artifactId>svc</artifactId><version>2</version></project>",
        ".dockerignore": "target\n",
    })
    (tmp_path / "real" / "MANIFEST.tsv").write_text("id\trepo\tcontext_files\ndemo--svc\tx/y\t9\n")
    context = BuildContext.from_corpus_entry(entry)
    assert context.files.keys() == {".dockerignore", "Dockerfile", "pom.xml", "src/A.java", "target/app.jar"}
    assert context.truncated  # MANIFEST.tsv counts 9 files, context.txt lists 4
    assert context.is_ignored("target/app.jar")
    assert context.manifests.maven is not None and context.manifests.maven.final_file == "svc-2.jar"


def test_corpus_entry_without_manifest_tsv(tmp_path: Path) -> None:
    entry = make(tmp_path / "x", {"context.txt": "a\nb\n"})
    context = BuildContext.from_corpus_entry(entry)
    assert list(context.files) == ["a", "b"] and not context.truncated


def test_real_corpus_entries(corpus_files: list[Path]) -> None:
    """Every real corpus entry builds a context; manifests parse; print the counts for the report."""
    kinds: Counter[str] = Counter()
    java: Counter[str] = Counter()
    for dockerfile in corpus_files:
        entry = dockerfile.parent
        context = BuildContext.from_corpus_entry(entry)
        assert context.known and context.files, entry.name
        assert context.dockerignore_error is None, (entry.name, context.dockerignore_error)
        assert set(context.included) <= set(context.files)
        assert (context.dockerignore_text is not None) == (entry / ".dockerignore").is_file()
        manifests = context.manifests
        kinds.update(manifests.kinds)
        if (entry / "pom.xml").is_file():
            maven = manifests.maven
            assert maven is not None and maven.parsed and maven.artifact_id, entry.name
            java["maven"] += 1
            java["maven java_version"] += maven.java_version is not None
            java["maven final_file"] += maven.final_file is not None
            java["maven spring_boot"] += maven.spring_boot
            java["maven wrapper"] += maven.has_wrapper
            java["maven modules"] += bool(maven.modules)
        if (entry / "package.json").is_file():
            assert manifests.node is not None and manifests.node.parsed, entry.name
        if (entry / "go.mod").is_file():
            assert manifests.go is not None and manifests.go.module, entry.name
        if (entry / "build.gradle").is_file():
            gradle = manifests.gradle
            assert gradle is not None and gradle.build_file == "build.gradle", entry.name
            java["gradle"] += 1
            java["gradle java_version"] += gradle.java_version is not None
        if (entry / "requirements.txt").is_file():
            assert manifests.python is not None and "requirements.txt" in manifests.python.requirements
    print(f"\ncorpus {REAL_CORPUS}: {len(corpus_files)} entries; manifest kinds {dict(kinds)}; java {dict(java)}")
    assert java["maven"] > 0 and kinds["maven"] >= java["maven"]
