"""Resolve the conflicts a merge left in a notebook: take ours, theirs or both, conflict by conflict.

Pure functions on notebook dicts (each returns a new notebook). A conflict is one conflict block,
named by its index in `find_conflicts(nb)` (nbteam.notebook.conflicts). Taking a side means:

- source: that side's lines replace the block (both: ours, then theirs);
- delete/modify: the side that deleted the cell removes it; the other side (and "both")
  keeps the edited cell;
- metadata, cell type, attachments: the block goes and the field gets that side's value
  (both: lists are joined, ours first and without repeats; dicts merged, ours winning;
  anything else keeps ours). A conflict in the notebook's own metadata sits in a raw cell
  of its own, which goes with its last block;
- insert/insert: the marker cells go, and with them the other side's inserted cells (both:
  our cells, then theirs). Such a conflict is resolved by taking a side, never by a hand edit.
"""
from __future__ import annotations

import copy
import enum
from collections.abc import Callable
from typing import Any

from nbteam.errors import NbteamError
from nbteam.notebook.conflicts import Conflict, find_conflicts
from nbteam.notebook.io import Cell, Notebook, join_source
from nbteam.notebook.markers import INVALID, MISSING, NOTEBOOK_METADATA_NOTE, ConflictKind, parse_field_line, parse_shown


class Side(enum.Enum):
    """Which side of a conflict to take."""

    OURS = "ours"
    THEIRS = "theirs"
    BOTH = "both"


def _both(ours: Any, theirs: Any) -> Any:
    """Both sides' values of one field: lists joined (ours first, no repeats), dicts merged."""
    if isinstance(ours, list) and isinstance(theirs, list):
        return ours + [v for v in theirs if v not in ours]
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return {**theirs, **ours}
    return theirs if ours is MISSING else ours


def _set(target: dict, path: str, value: Any) -> None:
    """Set (or, for MISSING, delete) a dotted path; a key may itself hold dots ("image.png")."""
    parts = path.split(".") if path else []
    while len(parts) > 1:
        # The longest run of parts that names an existing key is that key.
        n = next((k for k in range(len(parts), 0, -1) if ".".join(parts[:k]) in target), 1)
        key = ".".join(parts[:n])
        if n == len(parts):
            break
        child = target.get(key)
        if not isinstance(child, dict):
            if value is MISSING:
                return
            child = target[key] = {}
        target, parts = child, parts[n:]
    key = ".".join(parts)
    if value is MISSING:
        target.pop(key, None)
    else:
        target[key] = value


def _fields(text: str) -> list[tuple[ConflictKind, str, Any]]:
    out = []
    for line in text.splitlines():
        parsed = parse_field_line(line)
        if parsed:
            value = parse_shown(parsed[2])
            if value is not INVALID:
                out.append((parsed[0], parsed[1], value))
    return out


def _shape(cell: Cell) -> None:
    """Keep the cell in its type's schema shape after a type change."""
    if cell.get("cell_type") == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
        cell.pop("attachments", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _apply_fields(nb: Notebook, cell: Cell, ours_text: str, theirs_text: str, side: Side,
                  notebook_level: bool) -> None:
    ours, theirs = _fields(ours_text), _fields(theirs_text)
    chosen = ours if side is Side.OURS else theirs
    if side is Side.BOTH:
        theirs_by_path = {(k, p): v for k, p, v in theirs}
        chosen = [(k, p, _both(v, theirs_by_path.get((k, p), MISSING))) for k, p, v in ours]
    for kind, path, value in chosen:
        if kind is ConflictKind.CELL_TYPE:
            if value in ("code", "markdown", "raw"):
                cell["cell_type"] = value
                _shape(cell)
        elif kind is ConflictKind.METADATA:
            _set(nb.setdefault("metadata", {}) if notebook_level else cell.setdefault("metadata", {}), path, value)
        elif cell.get("cell_type") != "code":
            _set(cell.setdefault("attachments", {}), path, value)


def _conflict(nb: Notebook, index: int, size: int) -> Conflict:
    found = find_conflicts(nb, size)
    if not 0 <= index < len(found):
        raise IndexError(f"no conflict {index} (the notebook has {len(found)})")
    return found[index]


def removed_cells(conflict: Conflict, side: Side) -> set[int]:
    """The cells (indexes in the notebook as it is) that taking `side` removes, besides any
    notebook-metadata cell whose last block goes."""
    if conflict.kind is ConflictKind.INSERT_INSERT:
        start, separator, close = conflict.cell, conflict.separator, conflict.block.end - 1
        if side is Side.OURS:
            return {start, *range(separator, close + 1)}
        if side is Side.THEIRS:
            return {*range(start, separator + 1), close}
        return {start, separator, close}
    if conflict.kind is ConflictKind.DELETE_MODIFY and side is (Side.OURS if conflict.ours_deleted else Side.THEIRS):
        return {conflict.cell}
    return set()


def _replace(nb: Notebook, conflict: Conflict, side: Side | None, text: str) -> Notebook:
    if conflict.kind is ConflictKind.INSERT_INSERT:
        if side is None:
            raise NbteamError("an insert/insert conflict is resolved by taking ours, theirs or both; "
                              "edit the cells afterwards")
        gone = removed_cells(conflict, side)
        nb = copy.deepcopy(nb)
        nb["cells"] = [c for k, c in enumerate(nb["cells"]) if k not in gone]
        return nb
    nb = copy.deepcopy(nb)
    n, block = conflict.cell, conflict.block
    cell = nb["cells"][n]
    lines = join_source(cell.get("source")).splitlines(keepends=True)
    notebook_level = cell.get("cell_type") == "raw" and "".join(lines).startswith(NOTEBOOK_METADATA_NOTE)
    if conflict.kind is ConflictKind.DELETE_MODIFY and side is not None:
        if removed_cells(conflict, side):
            del nb["cells"][n]
            return nb
        text = conflict.theirs if conflict.ours_deleted else conflict.ours
    elif conflict.kind not in (ConflictKind.SOURCE, ConflictKind.DELETE_MODIFY):
        if side is None:  # hand-edited field lines: taken as "ours" of a block holding them
            _apply_fields(nb, cell, text, "", Side.OURS, notebook_level)
        else:
            _apply_fields(nb, cell, conflict.ours, conflict.theirs, side, notebook_level)
        text = ""
    source = "".join(lines[:block.start]) + text + "".join(lines[block.end:])
    if notebook_level and source == NOTEBOOK_METADATA_NOTE:
        del nb["cells"][n]
    else:
        cell["source"] = source
    return nb


def resolve_conflict(nb: Notebook, index: int, side: Side, size: int = 7) -> Notebook:
    """A new notebook with conflict `index` of find_conflicts(nb) taken from `side`."""
    conflict = _conflict(nb, index, size)
    text = {Side.OURS: conflict.ours, Side.THEIRS: conflict.theirs, Side.BOTH: conflict.ours + conflict.theirs}[side]
    return _replace(nb, conflict, side, text)


def replace_conflict(nb: Notebook, index: int, text: str, size: int = 7) -> Notebook:
    """A new notebook with conflict `index` replaced by hand-edited text (field lines for field kinds)."""
    return _replace(nb, _conflict(nb, index, size), None, text)


def resolve_all(nb: Notebook, side: Side, size: int = 7,
                keep: Callable[[Notebook, Conflict], bool] | None = None) -> Notebook:
    """A new notebook with every conflict taken from `side`, but the blocks `keep` says are text to
    leave as it is (marker lines a side itself holds: a tutorial's example)."""
    remaining = len(find_conflicts(nb, size))
    while remaining:
        todo = [i for i, c in enumerate(find_conflicts(nb, size)) if keep is None or not keep(nb, c)]
        if not todo:
            break
        nb = resolve_conflict(nb, todo[0], side, size)
        left = len(find_conflicts(nb, size))
        if left >= remaining:  # cannot happen: each step removes one block; never loop forever
            break
        remaining = left
    return nb
