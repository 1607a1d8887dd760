"""Resolve the conflicts a merge left in a notebook: take ours, theirs or both, region by region.

Pure functions on notebook dicts (each returns a new notebook). A region is one conflict block
(nbteam.notebook.markers). Taking a side means:

- source: that side's lines replace the block (both: ours, then theirs);
- delete/modify: the side that deleted the cell removes it; the other side (and "both")
  keeps the edited cell;
- metadata, cell type, attachments: the block goes and the field gets that side's value
  (both: lists are joined, ours first and without repeats; dicts merged, ours winning;
  anything else keeps ours). A conflict in the notebook's own metadata sits in a raw cell
  of its own, which goes with its last block.
"""
from __future__ import annotations

import copy
import enum
from dataclasses import dataclass
from typing import Any

from nbteam.merge.notebook import NOTEBOOK_METADATA_NOTE
from nbteam.notebook.io import Cell, Notebook, join_source
from nbteam.notebook.markers import (DELETED_NOTE, INVALID, MISSING, Block, ConflictKind, find_blocks,
                                     parse_field_line, parse_shown)


class Side(enum.Enum):
    """Which side of a conflict to take."""

    OURS = "ours"
    THEIRS = "theirs"
    BOTH = "both"


@dataclass(frozen=True)
class Region:
    """One conflict in a notebook: its cell (0-based), kind, labels and the three texts."""

    cell: int
    kind: ConflictKind
    ours_label: str
    theirs_label: str
    ours: str
    base: str | None
    theirs: str


def _blocks(nb: Notebook, size: int) -> list[tuple[int, Block]]:
    return [(n, b) for n, cell in enumerate(nb.get("cells", [])) if isinstance(cell, dict)
            for b in find_blocks(join_source(cell.get("source")), size)]


def conflict_regions(nb: Notebook, size: int = 7) -> list[Region]:
    """Every conflict region in the notebook, in document order."""
    return [Region(n, b.kind, b.ours_label, b.theirs_label, b.ours, b.base, b.theirs) for n, b in _blocks(nb, size)]


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


def _apply_fields(nb: Notebook, cell: Cell, block: Block, side: Side, notebook_level: bool) -> None:
    ours, theirs = _fields(block.ours), _fields(block.theirs)
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


def _replace(nb: Notebook, index: int, side: Side | None, text: str, size: int) -> Notebook:
    nb = copy.deepcopy(nb)
    located = _blocks(nb, size)
    if not 0 <= index < len(located):
        raise IndexError(f"no conflict region {index} (the notebook has {len(located)})")
    n, block = located[index]
    cell = nb["cells"][n]
    lines = join_source(cell.get("source")).splitlines(keepends=True)
    notebook_level = cell.get("cell_type") == "raw" and "".join(lines).startswith(NOTEBOOK_METADATA_NOTE)
    if block.kind is ConflictKind.DELETE_MODIFY and side is not None:
        ours_deleted = block.ours_label.endswith(DELETED_NOTE)
        if side is (Side.OURS if ours_deleted else Side.THEIRS):
            del nb["cells"][n]
            return nb
        text = block.theirs if ours_deleted else block.ours
    elif block.kind not in (ConflictKind.SOURCE, ConflictKind.DELETE_MODIFY):
        if side is None:  # hand-edited field lines: taken as "ours" of a block holding them
            block = Block(block.start, block.end, block.kind, "", "", text, None, "")
            side = Side.OURS
        _apply_fields(nb, cell, block, side, notebook_level)
        text = ""
    source = "".join(lines[:block.start]) + text + "".join(lines[block.end:])
    if notebook_level and source == NOTEBOOK_METADATA_NOTE:
        del nb["cells"][n]
    else:
        cell["source"] = source
    return nb


def resolve_region(nb: Notebook, index: int, side: Side, size: int = 7) -> Notebook:
    """A new notebook with region `index` of conflict_regions(nb) taken from `side`."""
    region = conflict_regions(nb, size)[index] if 0 <= index else None
    if region is None:
        raise IndexError(index)
    text = {Side.OURS: region.ours, Side.THEIRS: region.theirs, Side.BOTH: region.ours + region.theirs}[side]
    return _replace(nb, index, side, text, size)


def replace_region(nb: Notebook, index: int, text: str, size: int = 7) -> Notebook:
    """A new notebook with region `index` replaced by hand-edited text (field lines for field kinds)."""
    return _replace(nb, index, None, text, size)


def resolve_all(nb: Notebook, side: Side, size: int = 7) -> Notebook:
    """A new notebook with every conflict region taken from `side`."""
    remaining = len(conflict_regions(nb, size))
    while remaining:
        nb = resolve_region(nb, 0, side, size)
        left = len(conflict_regions(nb, size))
        if left >= remaining:  # cannot happen: each step removes one block; never loop forever
            break
        remaining = left
    return nb
