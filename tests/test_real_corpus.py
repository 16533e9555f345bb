"""The whole pipeline over ~300 real Dockerfiles, each with its own build context (the entry's file
listing and manifests): no crash, valid, idempotent (files it writes included), comments kept."""

from __future__ import annotations

import re

import pytest

from optimizer import parse
from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.model.buildkit import KNOWN_KEYWORDS
from optimizer.pipeline import Status, optimize

from .conftest import read_text


def _comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def _with_files(context: BuildContext, files) -> BuildContext:
    """The same context after the files a run wrote (a second run must find nothing left to do)."""
    texts = dict(context.texts)
    texts.update((f.path, f.text) for f in files)
    return BuildContext.from_listing([*context.files, *texts], texts=texts, truncated=context.truncated)


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_rewrites_of_real_files_are_valid_idempotent_and_keep_comments(corpus_files, oracle, unsafe):
    config = Config(unsafe=unsafe)
    changed = 0
    for path in corpus_files:
        before = read_text(path)
        context = BuildContext.from_corpus_entry(path.parent)
        result = optimize(before, context, config)
        assert not result.warnings, (path, result.warnings)
        if result.problems:  # input a build rejects: reported, never rewritten
            assert result.text == before and not result.extra_files
            continue
        after = result.text
        if after == before and not result.extra_files:
            continue
        changed += 1
        doc = parse(after)
        assert not doc.problems, (path, doc.problems)
        assert all(i.keyword in KNOWN_KEYWORDS for i in doc.instructions), path
        oracle.parse_string(re.sub("[\ud800-\udfff]", "\ufffd", after))
        assert sorted(_comment_lines(after)) == sorted(_comment_lines(before)), path
        again = optimize(after, _with_files(context, result.extra_files), config)
        assert again.text == after, f"{path}: a second run changes the file"
        assert not again.extra_files, f"{path}: a second run writes files again"
        assert not [r for r in again.findings if r.status is Status.APPLIED], path
    assert changed > 0, "no real file was improved at all"
