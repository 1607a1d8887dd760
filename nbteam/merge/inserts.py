"""Cells both sides inserted at one place: one block holding the other, drafts of one thing, or unrelated.

Each side's inserted cells stay one block, in its order; the two are never interleaved:

- one block holds the other (every cell of the shorter one is in the longer one, in order, alike
  in type, source and metadata): the longer block, so cells both inserted alike are kept once;
- the blocks resemble each other (drafts of the same thing): their first cells are alike, and at
  least half the cells of the longer block pair, in order, with a cell of the other. Alike means
  equal, or as similar as a cell edited in place: at least 0.5, a Dice coefficient of character
  pairs, different cell types counting half. Then both blocks are kept, ours first, between raw
  cells holding conflict markers: an insert/insert conflict that `nbteam resolve` and the merge
  tool resolve by taking our block, theirs, or both;
- otherwise they are unrelated: ours whole, then theirs whole, less any cell ours inserted alike.

A cell a side moved here is no insert: it is never dropped for a cell alike on the other side
(each is a cell of its own), nor put in an insert/insert conflict a choice would drop it from.
"""
from __future__ import annotations

from nbteam.notebook.align import alike_pairs
from nbteam.notebook.io import Cell, canonical_json
from nbteam.seq.gaps import gaps

# nbteam.seq.match and nbteam.notebook.markers (its enum) are imported where both sides inserted
# cells at one place: a clean merge's start (user-visible in the driver) rarely needs them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from nbteam.merge.cell import Entry
    from nbteam.seq.markers import Markers


def _key(entry: Entry) -> tuple[str, str, str]:
    cell = entry[0]
    return cell["cell_type"], cell["source"], canonical_json(cell["metadata"])  # no json import at driver start


def _marker_cell(line: str) -> Cell:
    return {"cell_type": "raw", "metadata": {}, "source": line.rstrip("\n")}


def insert_conflict(ours: list[Entry], theirs: list[Entry], markers: Markers) -> list[Entry]:
    """Both blocks, ours first, between marker cells (markers longer than any line in the blocks)."""
    from nbteam.notebook.markers import INSERTED_NOTE, ConflictKind

    fitted = markers.fitted([line for block in (ours, theirs) for cell, _ in block for line in cell["source"].split("\n")])
    return [(_marker_cell(fitted.open(INSERTED_NOTE)), [ConflictKind.INSERT_INSERT]), *ours,
            (_marker_cell(fitted.separator()), []), *theirs, (_marker_cell(fitted.close(INSERTED_NOTE)), [])]


def resemble(ours: list[Cell], theirs: list[Cell]) -> bool:
    """True if two inserted blocks are drafts of the same thing: first cells alike, half the longer one paired."""
    pairs = alike_pairs(ours, theirs)
    return bool(pairs) and pairs[0] == (0, 0) and 2 * len(pairs) >= max(len(ours), len(theirs))


def related_inserts(ours: list[Entry], theirs: list[Entry], markers: Markers,
                    moved: frozenset[int] = frozenset()) -> list[Entry] | None:
    """Two blocks both sides inserted, merged where one holds the other or they are drafts of one
    thing; None where they are unrelated (or hold a moved cell: see merge_inserts)."""
    if moved and any(id(e) in moved for e in ours + theirs):
        return None
    from nbteam.seq.match import matched_pairs

    pairs = matched_pairs([_key(e) for e in ours], [_key(e) for e in theirs])
    if len(pairs) == min(len(ours), len(theirs)):
        # One block holds the other: only the longer one has cells between the shared ones.
        out: list[Entry] = []
        for (pi, pj), (i, j), anchored in gaps(pairs, (len(ours), len(theirs))):
            out += ours[pi:i] + theirs[pj:j]
            if anchored:
                out.append(ours[i])
        return out
    # A cell that carries a conflict already (a moved cell merged with the other side's edit)
    # is never put inside a block a choice may drop.
    plain = not any(kinds for _, kinds in ours + theirs)
    if plain and resemble([c for c, _ in ours], [c for c, _ in theirs]):
        return insert_conflict(ours, theirs, markers)
    return None


def merge_inserts(ours: list[Entry], theirs: list[Entry], markers: Markers,
                  moved: frozenset[int] = frozenset()) -> list[Entry]:
    """The cells both sides inserted at one place, merged by the rules above (`moved`: the id()
    of each entry that is a cell moved here, not inserted)."""
    if not theirs:
        return ours
    if not ours:
        return theirs
    related = related_inserts(ours, theirs, markers, moved)
    if related is not None:
        return related
    new_o = {_key(e) for e in ours if id(e) not in moved}
    return ours + [e for e in theirs if id(e) in moved or _key(e) not in new_o]
