"""The five tuning thresholds of nbteam.notebook.align, pinned by behaviour on both sides of each."""
from __future__ import annotations

from nbteam.notebook import align
from nbteam.notebook.align import match_cells, pair_lost_cells, similarity


def cell(source: str, cell_type: str = "code") -> dict:
    return {"cell_type": cell_type, "metadata": {}, "source": source}


def words(shared: int, own: int, tag: str) -> str:
    """A long source (word-compared) with `shared` common words and `own` words of its own."""
    return " ".join([f"common{k:04d}" for k in range(shared)] + [f"{tag}{k:04d}" for k in range(own)])


def test_values():
    assert (align.MAX_GAP_GRID, align.MIN_SIMILARITY, align.LOST_SIMILARITY, align.MAX_LOST_GAP,
            align.MAX_CHAR_COMPARE) == (400, 0.5, 0.25, 50, 600)


def test_min_similarity_pairs_edits_at_half_alike_not_below():
    # Word Dice = 2*shared / (2*shared + own_a + own_b).
    at = cell(words(80, 80, "a")), cell(words(80, 80, "b"))  # 160/320 = 0.5
    below = cell(words(79, 81, "a")), cell(words(79, 81, "b"))  # 158/320
    assert similarity(*at) == 0.5 and similarity(*below) < 0.5
    unrelated = cell("zzz = 0\n"), cell("qqq = 1\n")  # two cells per side: no lone in-place edit
    assert match_cells([at[0], unrelated[0]], [at[1], unrelated[1]])[:1] == [(0, 0)]
    assert (0, 0) not in match_cells([below[0], unrelated[0]], [below[1], unrelated[1]])


def test_char_compare_up_to_600_characters_then_words():
    a, b = "x" * 298 + " ab", "x" * 298 + " ba"  # 301 + 301 characters: words
    assert similarity(cell(a), cell(b)) == 0.5  # one word of two in common
    a, b = a[:-1], b[:-1]  # 300 + 300: character pairs, nearly all shared
    assert len(a) + len(b) == 600 and similarity(cell(a), cell(b)) > 0.9


def _shifted_gap(n: int) -> tuple[list[dict], list[dict]]:
    """base: n edited cells; side: one new cell first, then the n cells, each edited a little."""
    base = [cell(words(30, 1, f"b{k}x") + f" cell{k}") for k in range(n)]
    side = [cell("brand new\n")] + [cell(words(30, 1, f"s{k}y") + f" cell{k}") for k in range(n)]
    return base, side


def test_gap_grid_up_to_400_pairs_by_similarity_across_offsets():
    base, side = _shifted_gap(19)  # 19 x 20 = 380 comparisons: the best monotone matching
    assert match_cells(base, side) == [(k, k + 1) for k in range(19)]
    base, side = _shifted_gap(20)  # 20 x 21 = 420: only cell-for-cell in place
    pairs = match_cells(base, side)
    assert all(i == j for i, j in pairs)


def test_lost_cells_pair_from_a_quarter_alike():
    base = [cell(words(25, 75, "a"))]
    side_at = [cell(words(25, 75, "b"))]  # 50/200 = 0.25
    side_below = [cell(words(24, 76, "b"))]
    assert similarity(base[0], side_at[0]) == 0.25 and similarity(base[0], side_below[0]) < 0.25
    assert pair_lost_cells(base, side_at, [], [0]) == {0: 0}
    assert pair_lost_cells(base, side_below, [], [0]) == {}


def test_lost_cells_are_looked_for_in_gaps_up_to_50_cells():
    lost = cell(words(30, 1, "lost"))
    near = cell(words(30, 1, "near"))
    filler = [cell(f"f{k} = {k}\n") for k in range(49)]
    assert pair_lost_cells([lost], filler + [near], [], [0]) == {0: 49}  # gap of 50
    assert pair_lost_cells([lost], filler + [cell("g = 0\n"), near], [], [0]) == {}  # gap of 51
