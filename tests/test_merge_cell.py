"""Unit tests for nbteam.merge.cell and the marker grammar it writes (nbteam.notebook.markers)."""
from __future__ import annotations

from nbteam.merge.cell import MISSING, deleted_conflict, merge_cell, merge_values
from nbteam.notebook.conflicts import find_conflicts
from nbteam.notebook.markers import ConflictKind, block_kind, parse_field_line
from nbteam.seq.markers import Markers, find_blocks
from nbteam.seq.style import ConflictStyle
from nbteam.seq.merge3 import merge3_text

M = Markers()


def cell(source: str, cell_type: str = "code", **extra) -> dict:
    c = {"cell_type": cell_type, "metadata": {}, "source": source}
    if cell_type == "code":
        c.update(outputs=[], execution_count=None)
    return {**c, **extra}


def test_merge_values_key_by_key_ours_wins_conflicts():
    assert merge_values({"a": 1, "b": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 3}) == ({"a": 2, "b": 3}, [])
    assert merge_values({"a": 1}, {"a": 2}, {"a": 3}) == ({"a": 2}, [("a",)])
    assert merge_values({"t": {"x": 1}}, {"t": {"x": 2}}, {"t": {"x": 3}}) == ({"t": {"x": 2}}, [("t", "x")])
    assert merge_values({"a": 1}, {}, {"a": 1}) == ({}, [])  # a deletion is a change
    assert merge_values(MISSING, {"a": 1}, {"a": 2}) == ({"a": 1}, [("a",)])  # both added it
    assert merge_values(1, MISSING, 2) == (MISSING, [()])
    # A key holding dots ("p.png") stays one key.
    png = lambda d: {"p.png": {"image/png": d}}  # noqa: E731
    assert merge_values(png("A"), png("B"), png("C")) == (png("B"), [("p.png", "image/png")])


def test_one_side_changed_takes_that_side_keeping_our_id():
    base, ours = cell("a\n", id="x"), cell("a\n", id="x")
    theirs = cell("b\n", id="y")
    merged, conflicts = merge_cell(base, ours, theirs, M)
    assert merged["source"] == "b\n" and merged["id"] == "x" and conflicts == []


def _kinds(merged: dict) -> list[ConflictKind]:
    return [block_kind(b) for b in find_blocks(merged["source"])]


def test_each_kind_is_typed_and_found_again_from_the_text():
    base = cell("x\n", metadata={"tags": ["a"]})
    merged, conflicts = merge_cell(base, cell("y\n", metadata={"tags": ["b"]}),
                                   cell("z\n", metadata={"tags": ["c"]}), M)
    assert conflicts == [ConflictKind.METADATA, ConflictKind.SOURCE]
    assert _kinds(merged) == [ConflictKind.METADATA, ConflictKind.SOURCE]
    assert merged["metadata"] == {"tags": ["b"]}  # ours kept, the block shows both

    merged, conflicts = merge_cell(cell("x\n"), cell("x\n", "markdown"), cell("x\n", "raw"), M)
    assert conflicts == [ConflictKind.CELL_TYPE] and _kinds(merged) == [ConflictKind.CELL_TYPE]

    md = lambda att: cell("x\n", "markdown", attachments=att)  # noqa: E731
    merged, conflicts = merge_cell(md({"p.png": {"image/png": "AA"}}), md({"p.png": {"image/png": "BB"}}),
                                   md({"p.png": {"image/png": "CC"}}), M)
    assert conflicts == [ConflictKind.ATTACHMENTS] and _kinds(merged) == [ConflictKind.ATTACHMENTS]

    merged, conflicts = deleted_conflict(cell("x\n"), cell("y\n"), True, M)
    assert conflicts == [ConflictKind.DELETE_MODIFY] and _kinds(merged) == [ConflictKind.DELETE_MODIFY]


def test_field_blocks_show_whole_values_so_they_can_be_taken():
    long = {"tags": ["t" * 300]}
    merged, _ = merge_cell(cell("x\n"), cell("x\n", metadata=long), cell("x\n", metadata={"tags": []}), M)
    block = find_blocks(merged["source"])[0]
    assert parse_field_line(block.ours) == (ConflictKind.METADATA, "tags", '["' + "t" * 300 + '"]')


def test_code_outputs_cleared_when_both_changed():
    out = lambda t: [{"output_type": "stream", "name": "stdout", "text": t}]  # noqa: E731
    merged, _ = merge_cell(cell("a\n"), cell("b\n", outputs=out("1"), execution_count=1),
                           cell("a\n", outputs=out("2"), execution_count=2), M)
    assert merged["source"] == "b\n"
    merged, _ = merge_cell(cell("a\n"), cell("b\n", outputs=out("1"), execution_count=1),
                           cell("c\n", outputs=out("2"), execution_count=2), M)
    assert merged["outputs"] == [] and merged["execution_count"] is None


def test_marker_grammar_honours_the_size_and_ignores_other_sizes():
    five = Markers(size=5)
    text = "a\n" + five.block("y\n", "z\n") + "b\n"
    assert [(b.ours, b.theirs) for b in find_blocks(text, 5)] == [("y\n", "z\n")]
    assert find_blocks(text, 7) == []  # shorter than asked for: not a marker
    assert [b.size for b in find_blocks(Markers().block("y\n", "z\n"), 5)] == [7]  # longer ones are
    nb = {"cells": [cell(text)]}
    assert [(c.cell, c.kind, c.first_line) for c in find_conflicts(nb, 5)] == [(0, ConflictKind.SOURCE, "y")]


def test_marker_grammar_reads_base_and_labels():
    m = Markers(style=ConflictStyle.DIFF3, ours="HEAD", base="merged common ancestors", theirs="feature")
    (block,) = find_blocks(m.block("y\n", "z\n", "x\n"))
    assert (block.ours_label, block.theirs_label, block.ours, block.base, block.theirs) == (
        "HEAD", "feature", "y\n", "x\n", "z\n")


def test_incomplete_blocks_are_not_conflicts():
    assert find_blocks("<<<<<<< ours\ny\n>>>>>>> theirs\n") == []  # no separator
    assert find_blocks("<<<<<<< ours\ny\n=======\nz\n") == []  # never closed
    assert len(find_blocks("<<<<<<< ours\n<<<<<<< ours\ny\n=======\nz\n>>>>>>> theirs\n")) == 1


def test_markers_are_longer_than_any_marker_like_line_and_read_back_at_their_size():
    """The review's case: ours underlines a heading with `=======`; the block's markers are 8 long,
    so the heading stays in our side instead of passing for the separator."""
    merged, n = merge3_text("Results", "Results\n=======\nmine", "Results\nyours")
    assert (merged, n) == ("Results\n<<<<<<<< ours\n=======\nmine\n========\nyours\n>>>>>>>> theirs\n", 1)
    (block,) = find_blocks(merged)
    assert (block.size, block.ours, block.theirs) == (8, "=======\nmine\n", "yours\n")
    deleted = Markers().block("x\n<<<<<<<<< quoted\n", "", ours_note=" (deleted this cell)")
    assert deleted.startswith("<" * 10 + " ours") and [b.size for b in find_blocks(deleted)] == [10]


def test_a_block_is_never_read_across_an_opener_as_long_as_its_own():
    text = "<<<<<<< example\n" + merge3_text("a\n", "b\n=======\n", "c\n>>>>>>> y\n")[0]
    assert [(b.size, b.ours, b.theirs) for b in find_blocks(text)] == [(8, "b\n=======\n", "c\n>>>>>>> y\n")]
