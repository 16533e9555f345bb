"""The whole pipeline over ~300 real Dockerfiles: no crash, valid, idempotent, comments kept."""

from __future__ import annotations

import re

import pytest

from optimizer import parse
from optimizer.config import Config
from optimizer.model.buildkit import KNOWN_KEYWORDS
from optimizer.pipeline import Status, optimize

from .conftest import read_text


def _comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_rewrites_of_real_files_are_valid_idempotent_and_keep_comments(corpus_files, oracle, unsafe):
    config = Config(unsafe=unsafe)
    changed = 0
    for path in corpus_files:
        before = read_text(path)
        result = optimize(before, config=config)
        if result.problems:  # input a build rejects: reported, never rewritten
            assert result.text == before
            continue
        after = result.text
        if after == before:
            continue
        changed += 1
        doc = parse(after)
        assert not doc.problems, (path, doc.problems)
        assert all(i.keyword in KNOWN_KEYWORDS for i in doc.instructions), path
        oracle.parse_string(re.sub("[\ud800-\udfff]", "\ufffd", after))
        assert sorted(_comment_lines(after)) == sorted(_comment_lines(before)), path
        again = optimize(after, config=config)
        assert again.text == after, f"{path}: a second run changes the file"
        assert not [r for r in again.findings if r.status is Status.APPLIED], path
    assert changed > 0, "no real file was improved at all"
