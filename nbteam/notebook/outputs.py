"""Give outputs back to the cells that produced them: one rule, for every caller.

Git writes notebooks without outputs (committed blobs never hold them); the working copy had
outputs before. A cell whose id, type, source and metadata are exactly as they were gets its
outputs back; a changed or new cell gets none, because stale outputs would lie about it.
Pure functions: no I/O, no git.
"""
from __future__ import annotations

from nbteam.notebook.io import Cell, Notebook, canonical_json
from nbteam.notebook.normalise import TRANSIENT_CELL_METADATA, normalise_source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _cells(nb: Notebook) -> list[Cell]:
    cells = nb.get("cells")
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def cell_key(cell: Cell) -> tuple[Any, ...]:
    """What a cell's outputs depend on: its type, source and metadata (view state left out)."""
    metadata = cell.get("metadata")
    kept = {k: v for k, v in metadata.items() if k not in TRANSIENT_CELL_METADATA} if isinstance(metadata, dict) else {}
    # Canonical JSON (sorted keys at every level) makes equal metadata compare equal, hashably.
    return (cell.get("cell_type"), normalise_source(cell.get("source")), canonical_json(kept))


def _has_output(cell: Cell) -> bool:
    return bool(cell.get("outputs")) or cell.get("execution_count") is not None


def has_outputs(nb: Notebook) -> bool:
    """True if any code cell holds outputs or an execution count."""
    return any(c.get("cell_type") == "code" and _has_output(c) for c in _cells(nb))


def _transient(cell: Cell) -> dict[str, Any]:
    metadata = cell.get("metadata")
    return {k: v for k, v in metadata.items() if k in TRANSIENT_CELL_METADATA} if isinstance(metadata, dict) else {}


def has_view_state(nb: Notebook) -> bool:
    """True if any cell holds view-state metadata (collapsed, scrolled, ...) that the filter strips."""
    return any(_transient(c) for c in _cells(nb))


def _worth_carrying(cell: Cell) -> bool:
    return (cell.get("cell_type") == "code" and _has_output(cell)) or bool(_transient(cell))


def _with_old_state(new: Cell, old: Cell) -> Cell:
    """A copy of `new` with `old`'s outputs, execution count and view-state metadata."""
    out = dict(new)
    if new.get("cell_type") == "code":
        out["outputs"] = old.get("outputs") if isinstance(old.get("outputs"), list) else []
        count = old.get("execution_count")
        out["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
    view = {k: v for k, v in _transient(old).items() if k not in (new.get("metadata") or {})}
    if view:
        out["metadata"] = {**(new.get("metadata") or {}), **view}
    return out


def _match(old_cells: list[Cell], new_cells: list[Any], wanting: list[int]) -> dict[int, int]:
    """new index -> old index of the cell that produced the outputs (see carry_outputs)."""
    by_id: dict[str, list[int]] = {}
    for j, cell in enumerate(old_cells):
        cid = cell.get("id")
        if isinstance(cid, str) and cid:
            by_id.setdefault(cid, []).append(j)
    keys = [cell_key(c) if _worth_carrying(c) else None for c in old_cells]
    used: set[int] = set()
    match: dict[int, int] = {}
    for i in wanting:
        cid = new_cells[i].get("id")
        if isinstance(cid, str) and cid and by_id:
            candidates = by_id.get(cid, [])  # a new id is a new cell: it produced no output yet
        else:
            candidates = list(range(len(old_cells)))  # no ids to go by: the same content, in order
        key = cell_key(new_cells[i])
        for j in candidates:
            if j not in used and keys[j] == key:
                match[i] = j
                used.add(j)
                break
    return match


def carry_outputs(old: Notebook, new: Notebook) -> tuple[Notebook, int]:
    """`new` with outputs copied from `old` onto the cells that produced them; and how many cells got them.

    The one rule for giving outputs back (the working copy after git wrote a notebook, a promoted
    copy's origin). A cell that already has outputs keeps its own. Otherwise it gets the outputs
    of the old cell with the same id (where the notebooks have ids; a duplicated id picks, in
    order, among its cells) whose type, source and metadata are exactly its own. Without ids
    (nbformat < 4.5 on either side) the same type, source and metadata pick, each old cell at
    most once, in document order. A cell with an id the old notebook lacks is a new cell and
    gets nothing, however alike its source.
    """
    old_cells = _cells(old)
    raw = new.get("cells")
    new_cells: list[Any] = raw if isinstance(raw, list) else []
    wanting = [i for i, c in enumerate(new_cells) if isinstance(c, dict) and not _has_output(c)]
    match = _match(old_cells, new_cells, wanting)
    cells = [_with_old_state(c, old_cells[match[i]]) if i in match else c for i, c in enumerate(new_cells)]
    return {**new, "cells": cells}, len(match)
