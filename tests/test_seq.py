"""Unit tests for the pure sequence algorithms: nbteam.seq.{gaps, lis, match, merge3}."""
from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from nbteam.seq.markers import Markers
from nbteam.seq.style import ConflictStyle
from nbteam.seq.gaps import gaps
from nbteam.seq.lis import longest_increasing
from nbteam.seq.match import PATIENCE_FROM, matched_pairs, matching_blocks
from nbteam.seq.merge3 import merge3_lines, merge3_text


def test_gaps_walks_between_anchors_then_to_the_end():
    assert list(gaps([(1, 2), (3, 3)], (5, 4))) == [
        ((0, 0), (1, 2), True), ((2, 3), (3, 3), True), ((4, 4), (5, 4), False)]
    assert list(gaps([], (2, 3, 4))) == [((0, 0, 0), (2, 3, 4), False)]


def test_longest_increasing():
    assert longest_increasing([(0, 3), (1, 1), (2, 2), (3, 0), (4, 4)]) == [(1, 1), (2, 2), (4, 4)]
    assert longest_increasing([]) == []


def _lcs_length(a, b):
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b):
            prev, row[j + 1] = row[j + 1], prev + 1 if x == y else max(row[j + 1], row[j])
    return row[-1]


tokens = st.lists(st.sampled_from("abcde"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(tokens, tokens)
@example(list("aaabaa"), list("abbbbaaaab"))  # diff-match-patch's half-match took "aab" as given: 4 of 5
def test_matched_pairs_is_a_longest_common_subsequence(a, b):
    pairs = matched_pairs(a, b)
    assert all(a[i] == b[j] for i, j in pairs)
    assert all(p < q for (p, _), (q, _) in zip(pairs, pairs[1:])) and all(p < q for (_, p), (_, q) in zip(pairs, pairs[1:]))
    assert len(pairs) == _lcs_length(a, b)


def test_matched_pairs_is_not_misled_by_a_long_shared_run():
    """A shared run of half the longer input ("aab") is not always on a longest common subsequence."""
    a, b = list("aaabaa"), list("abbbbaaaab")
    pairs = matched_pairs(a, b)
    assert len(pairs) == _lcs_length(a, b) == 5 and all(a[i] == b[j] for i, j in pairs)


def test_matching_blocks_keeps_equal_ends_and_coalesces():
    assert matching_blocks(list("abXcd"), list("abYcd")) == [(0, 0, 2), (3, 3, 2)]
    assert matching_blocks([], list("a")) == [] and matching_blocks(list("ab"), list("cd")) == []


def test_long_inputs_are_cut_at_unique_anchors():
    a = [f"line {k}" for k in range(PATIENCE_FROM)]
    b = a[:50] + ["new"] + a[50:]
    assert matching_blocks(a, b) == [(0, 0, 50), (50, 51, PATIENCE_FROM - 50)]


def lines(text):
    return text.splitlines(keepends=True)


def test_merge3_takes_each_sides_change():
    assert merge3_text("a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n") == ("A\nb\nC\n", 0)
    assert merge3_text("a\n", "a\n", "b\n") == ("b\n", 0)
    assert merge3_text("a\n", "same\n", "same\n") == ("same\n", 0)


def test_merge3_conflict_styles():
    base, ours, theirs = "a\nx\nb\n", "a\ny\nb\n", "a\nz\nb\n"
    assert merge3_text(base, ours, theirs) == ("a\n<<<<<<< ours\ny\n=======\nz\n>>>>>>> theirs\nb\n", 1)
    diff3 = Markers(style=ConflictStyle.DIFF3, ours="HEAD", base="merged common ancestors", theirs="feature")
    assert merge3_text(base, ours, theirs, diff3) == (
        "a\n<<<<<<< HEAD\ny\n||||||| merged common ancestors\nx\n=======\nz\n>>>>>>> feature\nb\n", 1)
    assert merge3_text(base, ours, theirs, Markers(size=3))[0].splitlines()[1] == "<<< ours"


def test_merge3_zealous_shared_lines_leave_the_conflict():
    out, n = merge3_lines(lines("x\n"), lines("s\ny\nt\n"), lines("s\nz\nt\n"))
    assert n == 1 and "".join(out) == "s\n<<<<<<< ours\ny\n=======\nz\n>>>>>>> theirs\nt\n"
    out, n = merge3_lines(lines("x\n"), lines("s\ny\nt\n"), lines("s\nz\nt\n"), Markers(style=ConflictStyle.DIFF3))
    assert "".join(out).startswith("<<<<<<< ours\ns\ny\nt\n")  # diff3 keeps the whole region


def test_merge3_last_line_without_newline_never_joins_a_marker():
    out, n = merge3_text("a", "b", "c")
    assert n == 1 and out == "<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n"
