"""Carry outputs from an old copy of a notebook into a new one, for the cells that did not change.

Git writes merged notebooks without outputs (committed blobs never hold them). The working copy
had outputs before the merge; a cell whose type, source and metadata are exactly as they were
gets its outputs back, a changed cell gets none, because stale outputs would lie about it.
Cells are matched by id, else by content. Pure functions: no I/O, no git.
"""
from __future__ import annotations

from collections import deque

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


def carry_outputs(old: Notebook, new: Notebook) -> tuple[Notebook, int]:
    """`new` with outputs copied from `old` into cells that are unchanged; and how many cells got them.

    A cell of `new` that already has outputs keeps its own. A cell is matched to the old cell with
    the same id; only when the id is absent from `old` (or there are no ids) is it matched by
    content, each old cell used at most once, in document order.
    """
    old_cells = _cells(old)
    ids: dict[str, int] = {}
    repeated: set[str] = set()
    by_key: dict[tuple[Any, ...], deque[int]] = {}
    for i, cell in enumerate(old_cells):
        cid = cell.get("id")
        if isinstance(cid, str) and cid:
            if cid in ids:
                repeated.add(cid)
            ids[cid] = i
        if _worth_carrying(cell):
            by_key.setdefault(cell_key(cell), deque()).append(i)
    for cid in repeated:  # duplicate ids identify nothing: fall back to content for them
        del ids[cid]
    raw = new.get("cells")
    new_cells: list[Any] = raw if isinstance(raw, list) else []
    wanting = [i for i, c in enumerate(new_cells) if isinstance(c, dict) and not _has_output(c)]
    match: dict[int, int] = {}  # new index -> old index
    by_content: list[int] = []
    for i in wanting:  # ids first, so a cell matched by content never takes another's outputs
        cid = new_cells[i].get("id")
        if isinstance(cid, str) and cid in ids:
            j = ids[cid]
            if j not in match.values() and cell_key(old_cells[j]) == cell_key(new_cells[i]) \
                    and _worth_carrying(old_cells[j]):
                match[i] = j
        else:
            by_content.append(i)
    used = set(match.values())
    for i in by_content:
        queue = by_key.get(cell_key(new_cells[i]))
        while queue:
            j = queue.popleft()
            if j not in used:
                match[i] = j
                used.add(j)
                break
    cells = [_with_old_state(c, old_cells[match[i]]) if i in match else c for i, c in enumerate(new_cells)]
    return {**new, "cells": cells}, len(match)
