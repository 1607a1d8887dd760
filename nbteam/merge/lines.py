"""Conflicting stretches of cells merged again as lines, the way git merges the file.

Where the cell merge conflicts, the stretch of cells around the conflict (the conflicting part
and its neighbouring parts) is read as git reads the file: each cell one header line (its type,
metadata, id and outputs) and then its source lines. If `git merge-file`'s rules merge that
cleanly, their result is the merge: a cell split in two on one side while the other edited it,
two cells joined while the other edited one, a cell rewritten past recognition on one side
while the other changed a line it kept. Anything git would conflict on stays the cell merge's
conflict, and stretches holding a moved cell are left to the cell merge.
"""
from __future__ import annotations

from nbteam.notebook.io import Cell, canonical_json, loads
from nbteam.seq.merge3 import merge3_lines, split_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from nbteam.merge.cell import Entry
    from nbteam.seq.markers import Markers

    # One part of the cell merge: base, ours, theirs index ranges and the entries it wrote.
    Unit = tuple[int, int, int, int, int, int, int, int]

_HEAD = "\x00"  # starts a cell's header line; no source line holds it (those that do are left alone)


def _as_lines(cells: list[Cell]) -> list[str]:
    out: list[str] = []
    for cell in cells:
        out.append(_HEAD + canonical_json({k: v for k, v in cell.items() if k != "source"}))
        out += split_lines(cell["source"])
    return out


def _as_cells(lines: list[str]) -> list[Cell] | None:
    """The cells the merged lines spell, or None if they spell none (text before the first
    header, or a line without its newline inside a cell)."""
    cells: list[Cell] = []
    sources: list[list[str]] = []
    for line in lines:
        if line.startswith(_HEAD):
            cells.append(loads(line[1:]))
            sources.append([])
        elif not sources or (sources[-1] and not sources[-1][-1].endswith("\n")):
            return None
        else:
            sources[-1].append(line)
    for cell, source in zip(cells, sources):
        cell["source"] = "".join(source)
    return cells


def _miscounted(base: list[str], ours: list[str], theirs: list[str], merged: list[str]) -> bool:
    """True if the merge keeps a source line fewer times than both sides do (a delete both made,
    applied twice among repeated lines) or, where both sides added copies of it, more often than either."""
    from collections import Counter

    b, o, t, m = Counter(base), Counter(ours), Counter(theirs), Counter(merged)
    return any(m[x] < min(o[x], t[x]) or (m[x] > max(o[x], t[x]) and min(o[x], t[x]) > b[x])
               for x in o | t if not x.startswith(_HEAD))


def merge_as_lines(base: list[Cell], ours: list[Cell], theirs: list[Cell], markers: Markers) -> list[Cell] | None:
    """The cells merged as git merges lines, or None where git would conflict (or where its clean
    result is one git gets wrong among repeated lines: a shared change applied twice)."""
    if any(_HEAD in c["source"] for side in (base, ours, theirs) for c in side):
        return None
    lines = _as_lines(base), _as_lines(ours), _as_lines(theirs)
    merged, conflicts = merge3_lines(*lines, markers)
    return None if conflicts or _miscounted(*lines, merged) else _as_cells(merged)


def merge_conflicting_stretches(units: list[Unit], entries: list[Entry], base: list[Cell], ours: list[Cell],
                                theirs: list[Cell], fixed: tuple[set[int], set[int], set[int]],
                                markers: Markers) -> list[Entry]:
    """The entries, each conflicting unit's stretch (it and its neighbours) merged as lines where
    that is clean; `fixed` holds the base, ours and theirs indices of moved cells (left alone)."""
    stretches: list[list[int]] = []
    for k, (*_, e0, e1) in enumerate(units):
        if any(kinds for _, kinds in entries[e0:e1]):
            lo, hi = max(k - 1, 0), min(k + 1, len(units) - 1)
            if stretches and lo <= stretches[-1][1]:
                stretches[-1][1] = hi
            else:
                stretches.append([lo, hi])
    out: list[Entry] = []
    done = 0
    for lo, hi in stretches:
        b0, o0, t0, e0 = units[lo][0], units[lo][2], units[lo][4], units[lo][6]
        b1, o1, t1, e1 = units[hi][1], units[hi][3], units[hi][5], units[hi][7]
        if any(not fixed[n].isdisjoint(range(a, z)) for n, (a, z) in enumerate(((b0, b1), (o0, o1), (t0, t1)))):
            continue
        cells = merge_as_lines(base[b0:b1], ours[o0:o1], theirs[t0:t1], markers)
        if cells is not None:
            out += entries[done:e0] + [(c, []) for c in cells]
            done = e1
    return out + entries[done:]
