"""The single splice point: edits sorted, overlaps rejected, offsets mapped back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.edits import Edit, EditConflict, apply_edits
from optimizer.pipeline import _Batch


def test_edits_apply_in_document_order_regardless_of_input_order():
    text = "FROM a\nRUN x\n"
    edits = [Edit.insert(len(text), "CMD y\n"), Edit.replace((11, 12), "z"), Edit.insert(0, "# top\n")]
    assert apply_edits(text, edits) == "# top\nFROM a\nRUN z\nCMD y\n"


@pytest.mark.parametrize("edits", [
    pytest.param([Edit(0, 4, "a"), Edit(3, 5, "b")], id="overlap"),
    pytest.param([Edit.insert(2, "a"), Edit.insert(2, "b")], id="same-insertion-point"),
    pytest.param([Edit(0, 9, "x")], id="past-the-end"),
])
def test_conflicting_or_out_of_range_edits_are_rejected(edits):
    with pytest.raises(EditConflict):
        apply_edits("FROM a\n", edits)


def test_insertion_next_to_a_replacement_is_not_a_conflict():
    assert apply_edits("abc", [Edit.insert(1, "X"), Edit(1, 2, "Y")]) == "aXYc"


@st.composite
def text_and_edits(draw):
    text = draw(st.text(alphabet="ab\n\r\\", max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        edits.append(Edit(start, end, draw(st.text(alphabet="xy\n", max_size=4))))
    return text, edits


@given(text_and_edits())
def test_one_splice_equals_applying_edits_back_to_front(case):
    text, edits = case
    expected = text
    for edit in sorted(edits, reverse=True):
        expected = expected[:edit.start] + edit.replacement + expected[edit.end:]
    assert apply_edits(text, edits) == expected


@given(text_and_edits(), st.data())
def test_offsets_outside_edits_map_back_to_the_same_character(case, data):
    text, edits = case
    new = apply_edits(text, edits)
    untouched = [i for i in range(len(text)) if not any(e.start <= i < e.end for e in edits)]
    if not untouched:
        return
    original = data.draw(st.sampled_from(untouched))
    shift = sum(len(e.replacement) - (e.end - e.start) for e in edits if e.end <= original)
    assert new[original + shift] == text[original]
    assert _Batch(edits, list(range(len(edits)))).map_back(original + shift) == original


@st.composite
def text_and_touching_edits(draw):
    """Edits that include insertions right before a replacement at the same offset."""
    text, edits = draw(text_and_edits())
    extra = [Edit.insert(e.start, draw(st.text(alphabet="xy\n", min_size=1, max_size=3)))
             for e in edits if e.start != e.end and draw(st.booleans())]
    return text, edits + extra


def _scan_map_back(offset, edits):
    """The straightforward linear scan the binary search must agree with."""
    shift = 0
    for edit in edits:
        new_start = edit.start + shift
        if offset < new_start:
            break
        if offset < new_start + len(edit.replacement):
            return edit.start
        shift += len(edit.replacement) - (edit.end - edit.start)
    return offset - shift


def _scan_creators(edits, start, end):
    found = []
    for edit in edits:
        new_start = edit.start + sum(len(e.replacement) - (e.end - e.start) for e in edits if e.start < edit.start)
        if edit.replacement and new_start < end and start < new_start + len(edit.replacement):
            found.append(edit)
    return found


@given(text_and_touching_edits(), st.data())
def test_batch_lookups_agree_with_a_linear_scan(case, data):
    text, edits = case
    new = apply_edits(text, edits)
    batch = _Batch(edits, edits)  # each edit owns itself
    ordered = sorted(edits)
    start = data.draw(st.integers(0, len(new)))
    end = data.draw(st.integers(start, len(new)))
    assert batch.map_back(start) == _scan_map_back(start, ordered)
    assert batch.creators(start, end) == _scan_creators(ordered, start, end)
