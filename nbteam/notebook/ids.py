"""What cell ids say across versions of a notebook: whether they name cells at all, and which.

Kept apart from the alignment (nbteam.notebook.align): a merge whose versions share one id order
needs only this, and the merge driver's start-up is user-visible.
"""
from __future__ import annotations

from nbteam.notebook.io import Cell

TYPE_CHECKING = False  # no collections or typing import at run time
if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Sequence
    from typing import Any, TypeVar

    K = TypeVar("K", bound=Hashable)


def tally(items: Iterable[K]) -> dict[K, int]:
    """How often each item occurs (collections.Counter without the collections import)."""
    counts: dict[K, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


class _Ids:
    """One version's cell ids, worked out once however many versions it is compared with (base is
    compared with both sides; each pass over a big notebook's cells counts)."""

    __slots__ = ("cells", "ids", "_set", "_by_key")

    def __init__(self, cells: Sequence[Cell]) -> None:
        self.cells = cells
        self.ids = [c.get("id") for c in cells]
        self._set: set[Any] | None = None
        self._by_key: dict[tuple[str, str], Any] | None = None

    def id_set(self) -> set[Any]:
        if self._set is None:
            self._set = set(self.ids)
        return self._set

    def by_key(self) -> dict[tuple[str, str], Any]:
        """Each cell content's id, or _REPEATED where the content is found more than once."""
        if self._by_key is None:
            out: dict[tuple[str, str], Any] = {}
            for c in self.cells:
                k = c["cell_type"], c["source"]
                out[k] = _REPEATED if k in out else c.get("id")
            self._by_key = out
        return self._by_key

    def meaningful(self, other: _Ids) -> bool:
        """ids_meaningful(self's cells, other's)."""
        if not any(self.ids) or not any(other.ids):
            return False
        common = self.id_set() & other.id_set()
        common.discard(None)
        if not common:
            return False
        # Where a cell's content is unchanged and unique, a real id is unchanged too.
        agree = disagree = 0
        get = other.by_key().get
        mine = self.by_key()
        left = len(mine)  # contents not looked at yet: at most that many more disagreements
        for k, cid in mine.items():
            if agree >= disagree + left:  # settled (mostly halfway): the rest cannot change it
                return True
            left -= 1
            if cid is not _REPEATED and (found := get(k, _REPEATED)) is not _REPEATED:
                if found == cid:
                    agree += 1
                else:
                    disagree += 1
        return agree >= disagree

    def shared(self, other: _Ids) -> set[str]:
        """shared_ids(self's cells, other's)."""
        set_a, set_b = self.id_set(), other.id_set()
        if len(set_a) == len(self.ids) and len(set_b) == len(other.ids):  # no id repeats (most notebooks)
            return {cid for cid in set_a & set_b if cid}
        count_a, count_b = tally(self.ids), tally(other.ids)
        return {cid for cid in set_a & set_b if cid and count_a[cid] == 1 and count_b[cid] == 1}


_REPEATED = object()


def ids_meaningful(a: Sequence[Cell], b: Sequence[Cell]) -> bool:
    """True if cell ids identify cells across a and b (not missing, not regenerated)."""
    return _Ids(a).meaningful(_Ids(b))


def id_story(a: Sequence[Cell], b: Sequence[Cell]) -> set[str] | None:
    """The ids naming one cell in each of a and b (shared_ids), or None where ids mean nothing
    (ids_meaningful): what match_cells and find_moves both need, worked out once."""
    return id_stories(a, b)[0]


def id_stories(base: Sequence[Cell], *sides: Sequence[Cell]) -> list[set[str] | None]:
    """id_story(base, side) for each side, base's ids worked out once."""
    ids = _Ids(base)
    stories: list[set[str] | None] = []
    for side in map(_Ids, sides):
        stories.append(ids.shared(side) if ids.meaningful(side) else None)
    return stories


def shared_ids(a: Sequence[Cell], b: Sequence[Cell]) -> set[str]:
    """Ids that name one cell in each version: present once in a and once in b.

    An id found twice in either version (a copy-paste in some editors) names no cell: such
    cells are matched by content, as if they had no id."""
    return _Ids(a).shared(_Ids(b))


def one_order(*versions: Sequence[Cell], stories: Sequence[set[str] | None] | None = None) -> bool:
    """True if every version holds the same cells by id, in the same order (ids present and
    unique), and those ids mean something to each later version (ids_meaningful with the first;
    `stories`: id_stories of the versions, if known, says so already)."""
    first = _Ids(versions[0])
    ids = first.ids
    if not (bool(ids) and None not in ids and len(first.id_set()) == len(ids)
            and all([c.get("id") for c in v] == ids for v in versions[1:])):
        return False
    if stories is not None:
        return all(story is not None for story in stories)
    return all(first.meaningful(_Ids(v)) for v in versions[1:])
