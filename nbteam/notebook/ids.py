"""What cell ids say across versions of a notebook: whether they name cells at all, and which.

Kept apart from the alignment (nbteam.notebook.align): a merge whose versions share one id order
needs only this, and the merge driver's start-up is user-visible.
"""
from __future__ import annotations

from nbteam.notebook.io import Cell

TYPE_CHECKING = False  # no collections or typing import at run time
if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Sequence
    from typing import TypeVar

    K = TypeVar("K", bound=Hashable)


def tally(items: Iterable[K]) -> dict[K, int]:
    """How often each item occurs (collections.Counter without the collections import)."""
    counts: dict[K, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def ids_meaningful(a: Sequence[Cell], b: Sequence[Cell]) -> bool:
    """True if cell ids identify cells across a and b (not missing, not regenerated)."""
    ids_a = [c.get("id") for c in a]
    ids_b = [c.get("id") for c in b]
    if not any(ids_a) or not any(ids_b):
        return False
    common = set(ids_a) & set(ids_b)
    common.discard(None)
    if not common:
        return False
    # Where a cell's content is unchanged and unique, a real id is unchanged too.
    keys_a = [(c["cell_type"], c["source"]) for c in a]
    keys_b = [(c["cell_type"], c["source"]) for c in b]
    count_a, count_b = tally(keys_a), tally(keys_b)
    where_b = dict(zip(keys_b, ids_b))
    agree = disagree = 0
    for k, cid in zip(keys_a, ids_a):
        if count_a[k] == 1 and count_b.get(k) == 1:
            if where_b[k] == cid:
                agree += 1
            else:
                disagree += 1
    return agree >= disagree


def id_story(a: Sequence[Cell], b: Sequence[Cell]) -> set[str] | None:
    """The ids naming one cell in each of a and b (shared_ids), or None where ids mean nothing
    (ids_meaningful): what match_cells and find_moves both need, worked out once."""
    return shared_ids(a, b) if ids_meaningful(a, b) else None


def shared_ids(a: Sequence[Cell], b: Sequence[Cell]) -> set[str]:
    """Ids that name one cell in each version: present once in a and once in b.

    An id found twice in either version (a copy-paste in some editors) names no cell: such
    cells are matched by content, as if they had no id."""
    count_a = tally([c.get("id") for c in a])
    count_b = tally([c.get("id") for c in b])
    return {cid for cid, n in count_a.items() if cid and n == 1 and count_b.get(cid) == 1}


def one_order(*versions: Sequence[Cell]) -> bool:
    """True if every version holds the same cells by id, in the same order (ids present and
    unique), and those ids mean something to each later version (ids_meaningful with the first)."""
    ids = [c.get("id") for c in versions[0]]
    return bool(ids) and None not in ids and len(set(ids)) == len(ids) and all(
        [c.get("id") for c in v] == ids for v in versions[1:]) and all(
        ids_meaningful(versions[0], v) for v in versions[1:])
