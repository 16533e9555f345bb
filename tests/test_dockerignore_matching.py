"""Docker's .dockerignore semantics (moby/patternmatcher + BuildKit's reader and context walk), as tables."""

from __future__ import annotations

import pytest

from optimizer.context.dockerignore import (
    DockerignoreError,
    IgnoreMatcher,
    go_clean,
    go_match,
    parse_patterns,
)

# (ignore file text, context path, excluded from the context?)
MATCHES = [
    pytest.param("*.md", "README.md", True, id="star-md-root"),
    pytest.param("*.md", "docs/guide.md", False, id="star-md-does-not-cross-slash"),
    pytest.param("**/*.md", "docs/a/guide.md", True, id="doublestar-md-nested"),
    pytest.param("**/*.md", "README.md", True, id="doublestar-md-zero-dirs"),
    pytest.param("**/*.md", "README.mdx", False, id="doublestar-md-anchored-end"),
    pytest.param("docs", "docs", True, id="docs-dir-itself"),
    pytest.param("docs", "docs/a/b.txt", True, id="docs-excludes-everything-under"),
    pytest.param("docs", "src/docs/a.txt", False, id="docs-anchored-at-root"),
    pytest.param("docs", "docs2/a.txt", False, id="docs-not-a-prefix-match"),
    pytest.param("docs/", "docs/a.txt", True, id="docs-trailing-slash"),
    pytest.param("/docs", "docs/a.txt", True, id="docs-leading-slash"),
    pytest.param("//docs//", "docs/a.txt", True, id="docs-doubled-slashes"),
    pytest.param("**", "a/b/c", True, id="doublestar-everything"),
    pytest.param("**", "Dockerfile", True, id="doublestar-root-file"),
    pytest.param("*", "a/b/c", True, id="star-excludes-top-level-and-below"),
    pytest.param("*.md\n!README.md", "README.md", False, id="readme-reinclude"),
    pytest.param("*.md\n!README.md", "CHANGES.md", True, id="readme-reinclude-others-stay-out"),
    pytest.param("!README.md\n*.md", "README.md", True, id="reinclude-before-exclude-loses"),
    pytest.param("docs\n!docs/keep.md", "docs/keep.md", False, id="reinclude-inside-excluded-dir"),
    pytest.param("docs\n!docs/keep.md", "docs/other.md", True, id="reinclude-inside-excluded-dir-others"),
    pytest.param("docs\n!docs/api", "docs/api/x/y.md", False, id="reinclude-subdir-of-excluded-dir"),
    pytest.param("*\n!src", "src/main/App.java", False, id="allowlist-dir"),
    pytest.param("*\n!src", "pom.xml", True, id="allowlist-dir-rest-excluded"),
    pytest.param("*\n!src/**/*.py", "src/a/b.py", False, id="allowlist-wildcard-exception"),
    pytest.param("*\n!src/**/*.py", "src/a/b.txt", True, id="allowlist-wildcard-exception-others"),
    pytest.param("target\n!target/*.jar", "target/app.jar", False, id="reinclude-jar"),
    pytest.param("target\n!target/*.jar", "target/classes/A.class", True, id="reinclude-jar-classes-out"),
    pytest.param("target/*.jar", "target/app.jar", True, id="target-jar"),
    pytest.param("target/*.jar", "target/lib/dep.jar", False, id="target-jar-not-nested"),
    pytest.param("target/*.jar", "target/app.jar.sha1", False, id="target-jar-anchored-end"),
    pytest.param("temp?", "tempa", True, id="question-one-char"),
    pytest.param("temp?", "temp", False, id="question-needs-a-char"),
    pytest.param("a?b", "a/b", False, id="question-not-slash"),
    pytest.param("[a-z].txt", "b.txt", True, id="class-range"),
    pytest.param("[a-z].txt", "B.txt", False, id="class-range-case"),
    pytest.param("[^a-z].txt", "B.txt", True, id="class-negated"),
    pytest.param("[!a].txt", "!.txt", True, id="class-bang-is-literal"),
    pytest.param("[!a].txt", "b.txt", False, id="class-bang-is-not-negation"),
    pytest.param("\\*.txt", "*.txt", True, id="escaped-star"),
    pytest.param("\\*.txt", "a.txt", False, id="escaped-star-is-literal"),
    pytest.param("a\\[b\\].txt", "a[b].txt", True, id="escaped-brackets"),
    pytest.param("\\d.txt", "7.txt", True, id="escaped-letter-is-a-regexp-class"),
    pytest.param("file.txt", "filextxt", False, id="dot-is-literal"),
    pytest.param("a+b(c)", "a+b(c)", True, id="regexp-metachars-literal"),
    pytest.param("*a+b", "xa+b", True, id="regexp-metachars-literal-in-regexp"),
    pytest.param(".git", ".git/objects/ab/cdef", True, id="git-dir"),
    pytest.param(".git", ".github/workflows/ci.yml", False, id="git-not-github"),
    pytest.param(".git", "sub/.git/HEAD", False, id="git-only-at-root"),
    pytest.param("**/.git", "sub/.git/HEAD", True, id="git-anywhere"),
    pytest.param("node_modules  \t", "node_modules/x/index.js", True, id="trailing-space"),
    pytest.param("   node_modules", "node_modules/x", True, id="leading-space"),
    pytest.param("# node_modules", "# node_modules", False, id="comment"),
    pytest.param("# node_modules", "node_modules/x", False, id="comment-is-not-a-pattern"),
    pytest.param(" # x", "# x", True, id="indented-hash-is-a-pattern"),
    pytest.param("foo # not a comment", "foo", False, id="inline-hash-is-part-of-pattern"),
    pytest.param("./foo", "foo/bar", True, id="dot-slash"),
    pytest.param("foo/../bar", "bar", True, id="dotdot-cleaned"),
    pytest.param("foo/../bar", "foo/bar", False, id="dotdot-cleaned-not-literal"),
    pytest.param("../bar", "bar", False, id="dotdot-leading-never-matches"),
    pytest.param("/../bar", "bar", True, id="rooted-dotdot-cleaned"),
    pytest.param("**/foo", "foo", True, id="suffix-matches-bare"),
    pytest.param("**/foo", "a/b/foo/c.txt", True, id="suffix-dir-excludes-under"),
    pytest.param("**/foo", "a/xfoo", False, id="suffix-needs-slash"),
    pytest.param("**foo", "a/xfoo", True, id="suffix-without-slash"),
    pytest.param("foo/**", "foo", False, id="prefix-not-the-dir"),
    pytest.param("foo/**", "foo/x/y", True, id="prefix-under"),
    pytest.param("foo**", "foobar/x", True, id="prefix-no-slash"),
    pytest.param("a/**/b", "a/b", True, id="doublestar-middle-zero"),
    pytest.param("a/**/b", "a/x/y/b", True, id="doublestar-middle-many"),
    pytest.param("a/**/b", "a/xb", False, id="doublestar-middle-whole-names"),
    pytest.param("\ufeff*.log", "x.log", True, id="bom-stripped"),
    pytest.param("a\r\nb", "b", True, id="crlf"),
    pytest.param("a\r\nb", "a/x", True, id="crlf-first-line"),
    pytest.param("!  keep\nkeep", "keep", True, id="bang-then-space"),
    pytest.param("\n\n   \n", "x", False, id="only-blank-lines"),
    pytest.param("", "x", False, id="empty-file"),
    pytest.param("/", "x", False, id="slash-matches-nothing"),
    pytest.param(".", "x", False, id="dot-matches-nothing"),
    pytest.param("d/f\n!d", "d/f", True, id="walk-inherits-parent-results"),
    # patternmatcher quirks kept on purpose (found by the differential run against the Go code).
    pytest.param("a|b*", "b", True, id="pipe-is-regexp-alternation"),
    pytest.param("a|b*", "xyz/b", True, id="pipe-alternative-is-unanchored"),
    pytest.param("x{2}*", "xx", True, id="brace-repetition"),
    pytest.param("x{2}*", "x{2}", False, id="brace-repetition-not-literal"),
    pytest.param("x{,2}*", "x{,2}", True, id="brace-not-a-repetition-is-literal"),
    pytest.param("\\x41*", "A", True, id="hex-escape"),
    pytest.param("\\101*", "A", True, id="octal-escape"),
    pytest.param("[[:digit:]]*", "7up", True, id="posix-class"),
    pytest.param("[\\.-[]x", "Ax", True, id="class-range-ending-in-bracket"),
    pytest.param("*.md", "a.md\n", False, id="dollar-is-end-of-text"),
    pytest.param("Dockerfile\n.dockerignore", ".dockerignore", True, id="ignore-file-can-ignore-itself"),
    # The examples of Docker's documentation (docs.docker.com build context page).
    pytest.param("*/temp*", "somedir/temporary.txt", True, id="docs-star-temp"),
    pytest.param("*/temp*", "somedir/temp", True, id="docs-star-temp-dir"),
    pytest.param("*/temp*", "temporary.txt", False, id="docs-star-temp-not-root"),
    pytest.param("*/*/temp*", "somedir/subdir/temporary.txt", True, id="docs-star-star-temp"),
    pytest.param("temp?", "tempb", True, id="docs-temp-question"),
    pytest.param("**/*.go", "a/b/c.go", True, id="docs-doublestar-go"),
    pytest.param("*.md\n!README*.md\nREADME-secret.md", "README-secret.md", True, id="docs-last-line-wins-exclude"),
    pytest.param("*.md\n!README*.md\nREADME-secret.md", "README-public.md", False, id="docs-last-line-wins-include"),
    pytest.param("*.md\nREADME-secret.md\n!README*.md", "README-secret.md", False, id="docs-last-line-wins-reinclude"),
]


@pytest.mark.parametrize(("text", "path", "excluded"), MATCHES)
def test_matches(text: str, path: str, excluded: bool) -> None:
    assert IgnoreMatcher.from_text(text).matches(path) is excluded


@pytest.mark.parametrize(("text", "path", "excluded"), MATCHES)
def test_bulk_excluded_agrees(text: str, path: str, excluded: bool) -> None:
    matcher = IgnoreMatcher.from_text(text)
    assert (path in matcher.excluded([path, "zzz/unrelated"])) is excluded


# (text, the patterns patternmatcher keeps)
PARSED = [
    pytest.param("/docs/\n", ["docs"], id="clean-and-strip-slash"),
    pytest.param("!/a/../b", ["!b"], id="exception-cleaned"),
    pytest.param("  ./x  ", ["x"], id="trim-and-dot"),
    pytest.param("# c\n\n#d", [], id="comments-and-blanks"),
    pytest.param(" #a", ["#a"], id="indented-hash"),
    pytest.param("\ufeffa\n\ufeffb", ["a", "\ufeffb"], id="bom-only-first-line"),
    pytest.param("a\r\nb\r\n", ["a", "b"], id="crlf"),
    pytest.param("a\rb", ["a\rb"], id="lone-cr-is-not-a-newline"),
    pytest.param("/", ["/"], id="bare-slash-kept"),
    pytest.param("!  x ", ["!x"], id="bang-space"),
    pytest.param("a/**/", ["a/**"], id="trailing-slash-after-doublestar"),
    pytest.param("/ /", [], id="slash-space-slash-dropped"),
    pytest.param("x  y", ["x  y"], id="inner-spaces-kept"),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse_patterns(text: str, expected: list[str]) -> None:
    assert [str(p) for p in parse_patterns(text)] == expected


def test_pattern_lines_and_sources() -> None:
    patterns = parse_patterns("# head\n\n  /target/  \n!target/app.jar\n")
    assert [(p.line, p.source, p.exclusion) for p in patterns] == [
        (3, "  /target/  ", False),
        (4, "!target/app.jar", True),
    ]


KINDS = [
    pytest.param(".git", "exact", id="exact"),
    pytest.param("a.b/c", "exact", id="exact-with-regexp-metachar"),
    pytest.param("foo/**", "prefix", id="prefix"),
    pytest.param("**", "suffix", id="doublestar-alone"),
    pytest.param("**/foo", "suffix", id="suffix"),
    pytest.param("**/*.md", "regexp", id="suffix-then-star"),
    pytest.param("*.md", "regexp", id="regexp"),
    pytest.param("\\a", "regexp", id="escape-makes-regexp"),
]


@pytest.mark.parametrize(("text", "kind"), KINDS)
def test_match_kinds(text: str, kind: str) -> None:
    (pattern,) = parse_patterns(text)
    assert pattern.kind == kind


INVALID = [
    pytest.param("!", id="bare-bang"),
    pytest.param("ok\n!   \n", id="bang-with-spaces"),
    pytest.param("[", id="open-class"),
    pytest.param("a[b", id="unterminated-class"),
    pytest.param("[]a]", id="class-starting-with-bracket"),
    pytest.param("[^]", id="empty-negated-class"),
    pytest.param("a[b-]", id="class-open-range"),
    pytest.param("[-a]", id="class-leading-dash"),
    pytest.param("a\\", id="trailing-backslash"),
    pytest.param("*[z-a]", id="class-backwards-range-regexp"),
    pytest.param("x" * (64 * 1024 + 1), id="line-over-64k"),
    pytest.param("x\\ ", id="escaped-trailing-space-is-trimmed"),
    pytest.param("*x{1001}", id="repeat-count-over-1000"),
    pytest.param("*x{3,2}", id="repeat-count-backwards"),
    pytest.param("*\\1", id="backreference"),
    pytest.param("*[[:nope:]]", id="unknown-posix-class"),
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_files_are_refused(text: str) -> None:
    with pytest.raises(DockerignoreError):
        IgnoreMatcher.from_text(text)


# BuildKit's CopyIgnoredFile check calls MatchesOrParentMatches on each cleaned COPY source.
PARENT_MATCHES = [
    pytest.param("target", "target/app.jar", True, id="dir"),
    pytest.param("target", "./target/app.jar", True, id="dot-slash-source"),
    pytest.param("*.jar", "target/app.jar", False, id="star-root-only"),
    pytest.param("**/*.jar", "target/app.jar", True, id="doublestar"),
    pytest.param("d/f\n!d", "d/f", False, id="parent-match-differs-from-walk"),
    pytest.param("src", ".", False, id="root-never"),
    pytest.param("app.jar", "/app.jar", False, id="absolute-source-not-cleaned-away"),
    pytest.param("/", "/app.jar", True, id="bare-slash-matches-absolute-parent"),
]


@pytest.mark.parametrize(("text", "path", "expected"), PARENT_MATCHES)
def test_matches_or_parent_matches(text: str, path: str, expected: bool) -> None:
    assert IgnoreMatcher.from_text(text).matches_or_parent_matches(path) is expected


def test_deep_paths_do_not_recurse() -> None:
    deep = "/".join(["d"] * 3000)
    assert IgnoreMatcher.from_text("**/x\n!d/d").matches(deep + "/x")
    assert not IgnoreMatcher.from_text("**/x").matches(deep + "/y")


def test_has_exclusions() -> None:
    assert not IgnoreMatcher.from_text("a\nb").has_exclusions
    assert IgnoreMatcher.from_text("a\n!b").has_exclusions


# Go's filepath.Clean test table (path/filepath/path_test.go, Unix cases).
CLEAN = [
    ("", "."), ("abc", "abc"), ("abc/def", "abc/def"), (".", "."), ("..", ".."), ("../..", "../.."),
    ("../../abc", "../../abc"), ("/abc", "/abc"), ("/", "/"), ("abc/", "abc"), ("./", "."), ("../", ".."),
    ("/abc/", "/abc"), ("abc//def//ghi", "abc/def/ghi"), ("//abc", "/abc"), ("///abc", "/abc"),
    ("//abc//", "/abc"), ("abc/./def", "abc/def"), ("/./abc/def", "/abc/def"), ("abc/.", "abc"),
    ("abc/def/ghi/../jkl", "abc/def/jkl"), ("abc/def/../ghi/../jkl", "abc/jkl"), ("abc/def/..", "abc"),
    ("abc/def/../..", "."), ("/abc/def/../..", "/"), ("abc/def/../../..", ".."), ("/abc/def/../../..", "/"),
    ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"), ("/../abc", "/abc"), ("abc/./../def", "def"),
    ("abc//./../def", "def"), ("abc/../../././../def", "../../def"),
]


@pytest.mark.parametrize(("path", "expected"), [pytest.param(p, e, id=p or "empty") for p, e in CLEAN])
def test_go_clean(path: str, expected: str) -> None:
    assert go_clean(path) == expected


# Go's filepath.Match test table (path/filepath/match_test.go); None = ErrBadPattern.
GO_MATCH = [
    ("abc", "abc", True), ("*", "abc", True), ("*c", "abc", True), ("a*", "a", True), ("a*", "abc", True),
    ("a*", "ab/c", False), ("a*/b", "abc/b", True), ("a*/b", "a/c/b", False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True), ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False), ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True), ("a*b?c*x", "abxbbxdbxebxczzy", False),
    ("ab[c]", "abc", True), ("ab[b-d]", "abc", True), ("ab[e-g]", "abc", False), ("ab[^c]", "abc", False),
    ("ab[^b-d]", "abc", False), ("ab[^e-g]", "abc", True), ("a\\*b", "a*b", True), ("a\\*b", "ab", False),
    ("a?b", "a\u263ab", True), ("a[^a]b", "a\u263ab", True), ("a???b", "a\u263ab", False),
    ("a[^a][^a][^a]b", "a\u263ab", False), ("[a-\u03b6]*", "\u03b1", True), ("*[a-\u03b6]", "A", False),
    ("a?b", "a/b", False), ("a*b", "a/b", False), ("[\\]a]", "]", True), ("[\\-]", "-", True),
    ("[x\\-]", "x", True), ("[x\\-]", "-", True), ("[x\\-]", "z", False), ("[\\-x]", "x", True),
    ("[\\-x]", "-", True), ("[\\-x]", "a", False), ("[]a]", "]", None), ("[-]", "-", None),
    ("[x-]", "x", None), ("[x-]", "-", None), ("[x-]", "z", None), ("[-x]", "x", None), ("[-x]", "-", None),
    ("[-x]", "a", None), ("\\", "a", None), ("[a-b-c]", "a", None), ("[", "a", None), ("[^", "a", None),
    ("[^bc", "a", None), ("a[", "a", None), ("a[", "ab", None), ("a[", "x", None), ("a/b[", "x", None),
    ("*x", "xxx", True),
]


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [pytest.param(p, n, e, id=f"{p}|{n}") for p, n, e in GO_MATCH],
)
def test_go_match(pattern: str, name: str, expected: bool | None) -> None:
    if expected is None:
        with pytest.raises(DockerignoreError):
            go_match(pattern, name)
    else:
        assert go_match(pattern, name) is expected


# Differential check against the Go code itself, where a Go toolchain and Debian's
# golang-github-moby-patternmatcher-dev are installed (`apt-get install golang-go
# golang-github-moby-patternmatcher-dev`); skipped elsewhere. The harness below reads the file like
# BuildKit's ReadAll and walks paths like fsutil's filterFS.Walk.
GO_HARNESS = r"""
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
)

func readAll(text string) []string {
	var excludes []string
	scanner := bufio.NewScanner(strings.NewReader(text))
	for line := 0; scanner.Scan(); line++ {
		b := scanner.Bytes()
		if line == 0 {
			b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
		}
		pattern := string(b)
		if strings.HasPrefix(pattern, "#") {
			continue
		}
		pattern = strings.TrimSpace(pattern)
		if pattern == "" {
			continue
		}
		invert := pattern[0] == '!'
		if invert {
			pattern = strings.TrimSpace(pattern[1:])
		}
		if len(pattern) > 0 {
			pattern = filepath.ToSlash(filepath.Clean(pattern))
			if len(pattern) > 1 && pattern[0] == '/' {
				pattern = pattern[1:]
			}
		}
		if invert {
			pattern = "!" + pattern
		}
		excludes = append(excludes, pattern)
	}
	return excludes
}

func trimGlob(s string) string {
	return strings.TrimSuffix(strings.TrimSuffix(s, "/**"), "/*")
}

type In struct {
	Text  string   `json:"text"`
	Paths []string `json:"paths"`
}

type Out struct {
	Error  bool   `json:"error"`
	Walk   []bool `json:"walk"`
	Parent []bool `json:"parent"`
}

func run(in In) (out Out) {
	defer func() {
		if recover() != nil {
			out = Out{Error: true}
		}
	}()
	pm, err := patternmatcher.New(readAll(in.Text))
	if err != nil {
		return Out{Error: true}
	}
	onlyPrefix := true
	for _, p := range pm.Patterns() {
		if single, e := patternmatcher.New([]string{p.String()}); e == nil {
			if _, e := single.MatchesOrParentMatches("x"); e != nil {
				return Out{Error: true}
			}
		}
		if p.Exclusion() && strings.ContainsAny(trimGlob(p.String()), "*[]?^\\") {
			onlyPrefix = false
		}
	}
	for _, path := range in.Paths {
		parts := strings.Split(path, "/")
		var info patternmatcher.MatchInfo
		excluded := false
		for i := range parts {
			sub := strings.Join(parts[:i+1], "/")
			m, next, e := pm.MatchesUsingParentResults(sub, info)
			if e != nil {
				panic(e)
			}
			info = next
			if i == len(parts)-1 {
				excluded = m
			} else if m && onlyPrefix {
				skip := true
				for _, p := range pm.Patterns() {
					if p.Exclusion() && strings.HasPrefix(trimGlob(p.String())+"/", sub+"/") {
						skip = false
					}
				}
				if skip {
					excluded = true
					break
				}
			}
		}
		parent, _ := pm.MatchesOrParentMatches(path)
		out.Walk = append(out.Walk, excluded)
		out.Parent = append(out.Parent, parent)
	}
	return out
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<22)
	encoder := json.NewEncoder(os.Stdout)
	for scanner.Scan() {
		var in In
		json.Unmarshal(scanner.Bytes(), &in)
		encoder.Encode(run(in))
	}
}
"""
GO_PATTERNMATCHER = "/usr/share/gocode/src/github.com/moby/patternmatcher/patternmatcher.go"


def _random_cases(count: int, seed: int) -> list[dict]:
    import random

    rng = random.Random(seed)
    atoms = ["a", "b", "/", "*", "**", "?", "[", "]", "^", "-", "\\", ".", "..", "!", " ", "#", "[a-b]",
             "[^a]", "\\d", "\\*", "(", "+", "$", "\u00e9", "[:alpha:]", "{", "|", "{2}", "\\x41"]
    names = ["a", "b", "ab", ".a", "a.b", "*", "\u00e9", "1", "-", " ", "(", "+", "{", "|"]

    def pattern() -> str:
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 6)))
        return ("!" if rng.random() < 0.3 else "") + text

    def path() -> str:
        return "/".join("".join(rng.choice(names) for _ in range(rng.randint(1, 2)))
                        for _ in range(rng.randint(1, 4)))

    return [{"text": "\n".join(pattern() for _ in range(rng.randint(1, 4))), "paths": [path() for _ in range(6)]}
            for _ in range(count)]


def _wildcard_cases(count: int, seed: int) -> list[dict]:
    """Patterns of wildcards and literals only, many with three or more stars: the ones matched by
    the linear-time simulation instead of the regexp."""
    import random

    rng = random.Random(seed)
    atoms = ["a", "b", "/", "*", "*", "**", "**/", "?", ".", "\\*", "\\.", "$", "(", "\n"]
    names = ["a", "b", "ab", "ba", ".", "*", "\n", "aab", "bba"]

    def path() -> str:
        return "/".join("".join(rng.choice(names) for _ in range(rng.randint(1, 4)))
                        for _ in range(rng.randint(1, 4)))

    return [{"text": "".join(rng.choice(atoms) for _ in range(rng.randint(4, 10))),
             "paths": [path() for _ in range(8)]} for _ in range(count)]


def test_wildcard_simulation_agrees_with_the_regexp() -> None:
    compared = 0
    for case in _wildcard_cases(4000, seed=5):
        try:
            [pattern] = parse_patterns(case["text"])
        except (DockerignoreError, ValueError):
            continue
        if pattern.tokens is None:
            continue
        for path in case["paths"]:
            assert pattern.match(path) == (pattern.regex.search(path) is not None), (case["text"], path)
            compared += 1
    assert compared > 3000


def test_many_stars_match_in_linear_time() -> None:
    import time

    matcher = IgnoreMatcher.from_text("*a*a*a*a*a*a*a*a*a*a*a*a*b\n")
    started = time.perf_counter()
    assert not matcher.matches("a" * 200) and matcher.matches("a" * 199 + "b")
    assert time.perf_counter() - started < 5  # the backtracking regexp needs hours here


def test_agrees_with_the_go_code(tmp_path) -> None:
    import json
    import os
    import shutil
    import subprocess

    go = shutil.which("go")
    if go is None or not os.path.exists(GO_PATTERNMATCHER):
        pytest.skip("no Go toolchain with moby/patternmatcher (Debian golang-github-moby-patternmatcher-dev)")
    (tmp_path / "main.go").write_text(GO_HARNESS)
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": "/usr/share/gocode", "GOCACHE": str(tmp_path / "cache")}
    subprocess.run([go, "build", "-o", str(tmp_path / "harness"), "main.go"], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    cases = _random_cases(3000, seed=4) + _wildcard_cases(1500, seed=6)
    run = subprocess.run([str(tmp_path / "harness")], input="\n".join(json.dumps(c) for c in cases) + "\n",
                         capture_output=True, text=True, check=True)
    mismatches = []
    compared = 0
    for case, line in zip(cases, run.stdout.splitlines(), strict=True):
        go_out = json.loads(line)
        try:
            matcher = IgnoreMatcher.from_text(case["text"])
        except DockerignoreError:
            continue  # this port also refuses what a newer Go's filepath.Match refuses, and compiles eagerly
        if go_out["error"]:
            mismatches.append((case["text"], "Go refuses it"))
            continue
        for path, walk, parent in zip(case["paths"], go_out["walk"], go_out["parent"], strict=True):
            if any(part in (".", "..") for part in path.split("/")):
                continue  # a walk never yields such paths
            compared += 1
            if matcher.matches(path) != walk or matcher.matches_or_parent_matches(path) != parent:
                mismatches.append((case["text"], path, walk, parent))
    assert mismatches == []
    assert compared > 3000
