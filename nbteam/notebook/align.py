"""Match the cells of two versions of a notebook, in order, in near-linear time.

1. Cell ids, when they mean something (most cells with equal content share their id):
   the longest increasing run of id matches becomes the anchors.
2. Between anchors (or everywhere, when ids are missing or were regenerated): cells with
   equal type and source, matched as a longest common subsequence (Myers' diff).
3. Between those: cells edited in place, paired by similarity inside each small gap.
"""
from __future__ import annotations

from bisect import bisect_left
from nbteam.seq.gaps import gaps
from nbteam.seq.lis import longest_increasing
from nbteam.notebook.ids import id_story, ids_meaningful, shared_ids, tally as _tally
from nbteam.notebook.io import Cell

TYPE_CHECKING = False  # no collections import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Hashable, Iterable, Sequence
    from typing import Any, TypeVar

    K = TypeVar("K", bound=Hashable)

Pair = tuple[int, int]

# Pairing by similarity costs len(a_gap) * len(b_gap) comparisons; larger gaps are
# paired only cell-for-cell in place, so a notebook without ids never goes quadratic.
MAX_GAP_GRID = 400
MIN_SIMILARITY = 0.5
LOST_SIMILARITY = 0.25  # for a cell both sides lost: two rewrites of one cell should meet
MAX_LOST_GAP = 50
MAX_CHAR_COMPARE = 600  # longer sources are compared word by word


def _key(cell: Cell) -> tuple[str, str]:
    return cell["cell_type"], cell["source"]


_ASK: set[str] = {"\0"}  # a default that says "work out the id story here"


def _id_anchors(a: Sequence[Cell], b: Sequence[Cell], shared: set[str]) -> list[Pair]:
    where_b = {c.get("id"): j for j, c in enumerate(b)}
    return longest_increasing([(i, where_b[c["id"]]) for i, c in enumerate(a) if c.get("id") in shared])


def _dice(x: Counter[Hashable], y: Counter[Hashable]) -> float:
    total = sum(x.values()) + sum(y.values())
    if not total:
        return 0.0
    if len(x) > len(y):
        x, y = y, x
    get = y.get  # the size of the multiset intersection, without building it (as x & y would)
    return 2 * sum(n if n < (m := get(k, 0)) else m for k, n in x.items()) / total


def similarity(x: Cell, y: Cell, counted: dict[tuple[str, bool], Counter[Hashable]] | None = None) -> float:
    """How alike two cells' sources are, 0..1 (different cell types count half).

    Linear-time Dice coefficients: of character pairs for short sources, of words for long ones.
    (counted: a source's counts by (source, by words), kept while one cell is compared with several.)
    """
    from collections import Counter  # only where cells are paired by similarity, not on every merge

    def count(source: str, words: bool) -> Counter[Hashable]:
        found = counted.get((source, words)) if counted is not None else None
        if found is None:
            # Character pairs as (char, char) tuples: counted at C speed, the same counts as 2-char strings.
            found = Counter(source.split()) if words else Counter(zip(source, source[1:]))
            if counted is not None:
                counted[source, words] = found
        return found

    sx, sy = x["source"], y["source"]
    if sx == sy:
        score = 1.0
    elif not sx.strip() or not sy.strip():
        score = 0.0
    else:
        words = len(sx) + len(sy) > MAX_CHAR_COMPARE
        score = _dice(count(sx, words), count(sy, words))
    return score if x["cell_type"] == y["cell_type"] else score / 2


def _pair_gap(a: Sequence[Cell], b: Sequence[Cell], ia: int, ib: int, lone_edit: bool = True) -> list[Pair]:
    """Pair edited cells of one gap by similarity, in order; indexes are offset by ia, ib."""
    n, m = len(a), len(b)
    if not n or not m:
        return []
    if lone_edit and n == m == 1 and a[0]["cell_type"] == b[0]["cell_type"]:
        # One cell replaced by one cell of its type, in place: an edit, however large (unless
        # stable ids say they are different cells).
        return [(ia, ib)]
    if n * m > MAX_GAP_GRID:
        # Too big to compare all pairs: pair cell-for-cell in place where alike.
        return [(ia + k, ib + k) for k in range(min(n, m)) if similarity(a[k], b[k]) >= MIN_SIMILARITY]
    counted: dict[tuple[str, bool], Counter[Hashable]] = {}  # each cell is compared with several
    sim = [[similarity(x, y, counted) for y in b] for x in a]
    # Best monotone matching: dynamic programme over the small grid.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = sim[i][j] + best[i + 1][j + 1] if sim[i][j] >= MIN_SIMILARITY else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= MIN_SIMILARITY and best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            pairs.append((ia + i, ib + j))
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _fill(a: Sequence[Cell], b: Sequence[Cell], anchors: list[Pair], inner) -> list[Pair]:
    """Anchors plus `inner(a_gap, b_gap, ia, ib)` matches inside every gap between anchors."""
    out: list[Pair] = []
    for (pi, pj), (i, j), anchored in gaps(anchors, (len(a), len(b))):
        if i > pi and j > pj:
            out += inner(a[pi:i], b[pj:j], pi, pj)
        if anchored:
            out.append((i, j))
    return out


def _content_pairs(a: Sequence[Cell], b: Sequence[Cell], ia: int, ib: int, lone_edit: bool = True,
                   in_place: bool = True) -> list[Pair]:
    """Cells matched by content inside one gap (indexes offset by ia, ib); in_place=False aligns as git does."""
    def inner(ga: Sequence[Cell], gb: Sequence[Cell], ja: int, jb: int) -> list[Pair]:
        return _exact_then_similar(ga, gb, ja, jb, lone_edit)

    ka, kb = [_key(c) for c in a], [_key(c) for c in b]
    if in_place and len(a) == len(b):
        # As many cells on both sides: edits in place are the likely story, so equal cells at
        # equal positions anchor first. A longest common subsequence alone would happily match
        # repeated cells (empty ones, say) across positions and misalign everything between.
        # Unless the common subsequence keeps more cells: then cells really were inserted and
        # deleted, and git's alignment (the same for both sides of a merge) is the story.
        from nbteam.seq.xdiff import matched

        diagonal = [(k, k) for k in range(len(a)) if ka[k] == kb[k]]
        if diagonal and len(diagonal) >= len(matched(ka, kb)):
            return [(i + ia, j + ib) for i, j in _fill(a, b, diagonal, inner)]
    return inner(a, b, ia, ib)


def _exact_then_similar(a: Sequence[Cell], b: Sequence[Cell], ia: int, ib: int, lone_edit: bool) -> list[Pair]:
    """Equal cells (longest common subsequence), then edited cells by similarity, in one gap."""
    from nbteam.seq.xdiff import matched

    # Aligned as git aligns lines (each cell one "line"): where cells repeat, both sides of a
    # merge are then aligned to base the same way, so a shared change is applied once.
    exact = matched([_key(c) for c in a], [_key(c) for c in b])
    pairs = _fill(a, b, exact, lambda ga, gb, ja, jb: _pair_gap(ga, gb, ja, jb, lone_edit))
    return [(i + ia, j + ib) for i, j in pairs]


def match_cells(a: Sequence[Cell], b: Sequence[Cell], ids: set[str] | None = _ASK, in_place: bool = True) -> list[Pair]:
    """Matched cell index pairs (i in a, j in b), strictly increasing in both.

    Cells must be normalised (source as one string); `ids` is id_story(a, b) if known. Without
    ids, in_place=False drops the reading of equal-length gaps as cells edited in place: equal
    cells align as git aligns lines."""
    shared = id_story(a, b) if ids is _ASK else ids
    if shared is not None:

        def unknown_ids_only(ga: Sequence[Cell], gb: Sequence[Cell], ia: int, ib: int) -> list[Pair]:
            # A cell whose id lives on in the other version is that cell (moved, say), so
            # content may pair only cells without such an id.
            fa = [k for k, c in enumerate(ga) if c.get("id") not in shared]
            fb = [k for k, c in enumerate(gb) if c.get("id") not in shared]
            pairs = _content_pairs([ga[k] for k in fa], [gb[k] for k in fb], 0, 0, lone_edit=False)
            return [(fa[i] + ia, fb[j] + ib) for i, j in pairs]

        return _fill(a, b, _id_anchors(a, b, shared), unknown_ids_only)
    return _content_pairs(a, b, 0, 0, in_place=in_place)


def find_moves(base: Sequence[Cell], side: Sequence[Cell], matched: dict[int, int],
               ids: set[str] | None = _ASK) -> dict[int, int]:
    """Cells a side moved (side index -> base index): left out of the in-order matching, but
    sharing a stable id, or without ids exactly their non-empty content, with a base cell
    (`ids` is id_story(base, side) if known)."""
    free = [x for x in range(len(base)) if x not in matched]
    taken = set(matched.values())
    loose = [j for j in range(len(side)) if j not in taken]
    if not free or not loose:  # nothing left on one side: nothing moved (most merges)
        return {}
    shared = (id_story(base, side) if ids is _ASK else ids) or set()
    by_id = {base[x]["id"]: x for x in free if base[x].get("id") in shared}
    by_key = {_key(base[x]): x for x in free}
    # Content found twice in base says nothing about which cell moved: no move by content.
    repeated = {k for k, n in _tally(map(_key, base)).items() if n > 1}
    moves: dict[int, int] = {}
    claimed: set[int] = set()
    # Ids first: a moved cell keeps its id, so a copy of its old content elsewhere (a new cell)
    # must not claim it before the cell itself does.
    for j in loose:
        found = by_id.get(side[j].get("id"))
        if found is not None and found not in claimed:
            moves[j] = found
            claimed.add(found)
    for j in loose:
        cell = side[j]
        if j not in moves and cell["source"].strip() and _key(cell) not in repeated:
            found = by_key.get(_key(cell))
            if found is not None and found not in claimed:
                moves[j] = found
                claimed.add(found)
    return moves


def pair_lost_cells(a: Sequence[Cell], b: Sequence[Cell], pairs: list[Pair], lost: Sequence[int],
                    threshold: float = LOST_SIMILARITY) -> dict[int, int]:
    """Extra pairs (i in a -> j in b) for cells of `a` listed in `lost`: each to its most similar
    unmatched cell of b in the same (small) gap, if at least `threshold` alike, keeping order."""
    matched = dict(pairs)
    keys = sorted(matched)
    used = set(matched.values())
    added: dict[int, int] = {}
    last_added = -1
    for i in sorted(lost):
        if i in matched:
            continue
        k = bisect_left(keys, i)
        lo = max(matched[keys[k - 1]] if k else -1, last_added) + 1
        hi = matched[keys[k]] if k < len(keys) else len(b)
        if hi - lo > MAX_LOST_GAP:
            continue
        best, best_j = threshold, None
        for j in range(lo, hi):
            if j not in used:
                score = similarity(a[i], b[j])
                if score >= best:
                    best, best_j = score, j
        if best_j is not None:
            added[i] = last_added = best_j
            used.add(best_j)
    return added


def alike_pairs(a: Sequence[Cell], b: Sequence[Cell]) -> list[Pair]:
    """Cells of a and b paired in order by content alone: equal ones, then similar ones (no ids,
    and no pairing of a lone cell with a lone cell merely for being in place)."""
    return _exact_then_similar(a, b, 0, 0, lone_edit=False)


def _runs(cells: Sequence[Cell]) -> list[tuple[int, int]]:
    """Runs of two or more equal cells in a row: (start, stop) index ranges."""
    keys = [_key(c) for c in cells]
    if not any(map(tuple.__eq__, keys, keys[1:])):  # no cell equals the next (most notebooks), at C speed
        return []
    out = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - start > 1:
                out.append((start, i))
            start = i
    return out


def align_runs(base: Sequence[Cell], ours: Sequence[Cell], theirs: Sequence[Cell], pairs_o: list[Pair],
               pairs_t: list[Pair], id_o: set[str] | None, id_t: set[str] | None) -> tuple[list[Pair], list[Pair]]:
    """Both sides' matches into runs of equal base cells, chosen alike, so a shared delete is applied once.

    Which of three equal base cells a side deleted is anyone's guess, and aligning the two
    sides differently (the first deleted on one side, the last on the other) deletes two where
    both deleted one, as `git merge-file` does. Only a side that just deleted run cells (the
    rest kept unchanged and in a row, no new cell in their place, no meaningful ids) is
    realigned: where both sides did so, each keeps the first cells, as git slides changes down
    a run; else it keeps the cells the other side edited (so the delete never meets an edit),
    then those the other side kept, and deletes where the other side deleted or replaced (a
    visible delete/modify conflict there). And where a side just deleted run cells, the other
    side's unlike replacements of run cells are taken as a delete and a new cell. (id_o and
    id_t: each side's id_story with base.)"""
    runs = _runs(base)
    if not runs:
        return pairs_o, pairs_t
    sides = [(ours, dict(pairs_o), id_o is None), (theirs, dict(pairs_t), id_t is None)]
    firsts = [[i for i, _ in pairs] for pairs in (pairs_o, pairs_t)]

    def only_deleted(k: int, start: int, stop: int) -> bool:
        """Side k deleted run cells and kept the rest unchanged, in a row, with no new cell among them."""
        cells, m, ok = sides[k]
        pairs = (pairs_o, pairs_t)[k]
        lo, hi = bisect_left(firsts[k], start), bisect_left(firsts[k], stop)
        j0 = pairs[lo - 1][1] + 1 if lo else 0
        j1 = pairs[hi][1] if hi < len(pairs) else len(cells)
        kept = [i for i in range(start, stop) if i in m]
        return ok and len(kept) < stop - start and j1 - j0 == len(kept) and all(
            _key(cells[m[i]]) == _key(base[i]) for i in kept)

    for start, stop in runs:
        key = _key(base[start])
        for k in (0, 1):
            cells, m, ok = sides[k]
            if ok and only_deleted(1 - k, start, stop):
                for i in range(start, stop):
                    if i in m and similarity(base[i], cells[m[i]]) < MIN_SIMILARITY:
                        del m[i]
        pure = [only_deleted(k, start, stop) for k in (0, 1)]
        inside = [[i for i in range(start, stop) if i in m] for _, m, _ in sides]
        for k in (0, 1):
            if not pure[k]:
                continue
            cells, m, _ = sides[1 - k]

            def rank(i: int) -> tuple[int, int]:
                if pure[1 - k] or i not in m:
                    return (0 if pure[1 - k] else 2), i
                if _key(cells[m[i]]) == key:
                    return 1, i
                # An edit is kept (a delete there would conflict); a replacement counts as a delete.
                return (0 if similarity(base[i], cells[m[i]]) >= MIN_SIMILARITY else 2), i

            keep = sorted(sorted(range(start, stop), key=rank)[:len(inside[k])])
            own = sides[k][1]
            matched = [own.pop(i) for i in inside[k]]
            own.update(zip(keep, matched))
    return sorted(sides[0][1].items()), sorted(sides[1][1].items())
