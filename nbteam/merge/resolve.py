"""Resolve the conflicts a merge left in a notebook by taking a side: the per-cell `-X ours/theirs`.

Pure functions on parsed notebooks. A region is one conflict block found with the marker
grammar of nbteam.notebook.markers; its kind says what taking a side means:

- source: the block is replaced by that side's lines (both: ours, then theirs);
- delete/modify: taking the deleting side removes the cell; the other side (or both) keeps the edit;
- metadata, cell type, attachments: the block is removed and the real fields get that side's values
  (both: ours' values, with list items only theirs has appended);
- the notebook-metadata note cell the merge inserts: the notebook's metadata gets that side's values
  and the note cell goes.

Everything that merged cleanly is left exactly as it is.
"""
from __future__ import annotations

import copy
import enum
from dataclasses import dataclass
from typing import Any

from nbteam.notebook.io import Notebook, join_source
from nbteam.notebook.markers import (
    DELETED_NOTE, MISSING, NOTEBOOK_METADATA_NOTE, ConflictKind, find_blocks, parse_field_line, parse_shown,
    split_key_path,
)


class Side(enum.Enum):
    """Which side of a conflict to take."""

    OURS = "ours"
    THEIRS = "theirs"
    BOTH = "both"


@dataclass(frozen=True)
class Region:
    """One conflict block: its cell (0-based), kind, labels, the three texts and its line span."""

    cell: int
    kind: ConflictKind
    ours_label: str
    theirs_label: str
    ours: str
    base: str | None
    theirs: str
    start: int = 0
    end: int = 0


def _cells(nb: Notebook) -> list[dict[str, Any]]:
    cells = nb.get("cells")
    return cells if isinstance(cells, list) else []


def conflict_regions(nb: Notebook, size: int = 7) -> list[Region]:
    """Every conflict block in the notebook's cells, in document order (markers of length `size`)."""
    regions = []
    for index, cell in enumerate(_cells(nb)):
        if not isinstance(cell, dict):
            continue
        for b in find_blocks(join_source(cell.get("source")), size):
            regions.append(Region(index, b.kind, b.ours_label, b.theirs_label, b.ours, b.base, b.theirs, b.start, b.end))
    return regions


def _splice(source: str, region: Region, text: str) -> str:
    lines = source.splitlines(keepends=True)
    return "".join(lines[: region.start]) + text + "".join(lines[region.end :])


def _deleting_side(region: Region) -> Side:
    return Side.OURS if region.ours_label.endswith(DELETED_NOTE) else Side.THEIRS


def _field_values(text: str) -> list[tuple[ConflictKind, str, Any]]:
    """(kind, key path, value) for each field line of one side of a field block."""
    out = []
    for line in text.splitlines():
        parsed = parse_field_line(line)
        if parsed:
            kind, path, shown = parsed
            out.append((kind, path, parse_shown(shown)))
    return out


def _both(ours: Any, theirs: Any) -> Any:
    """Ours, with list items only theirs has appended (the one meaningful union of two values)."""
    if isinstance(ours, list) and isinstance(theirs, list):
        return ours + [item for item in theirs if item not in ours]
    return theirs if ours is MISSING else ours


def _chosen_values(region: Region, side: Side) -> list[tuple[ConflictKind, str, Any]]:
    ours, theirs = _field_values(region.ours), _field_values(region.theirs)
    if side is Side.OURS:
        return ours
    if side is Side.THEIRS:
        return theirs
    by_key = {(k, p): v for k, p, v in theirs}
    return [(k, p, _both(v, by_key.get((k, p), MISSING))) for k, p, v in ours]


def _set_path(target: dict[str, Any], dotted: str, value: Any) -> None:
    path = split_key_path(target, dotted)
    for key in path[:-1]:
        nxt = target.get(key)
        if not isinstance(nxt, dict):
            nxt = target[key] = {}
        target = nxt
    if value is MISSING:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value


def _set_cell_type(cell: dict[str, Any], cell_type: Any) -> None:
    """Change a cell's type and the fields that go with it (code cells carry outputs, others may carry attachments)."""
    if not isinstance(cell_type, str):
        return
    cell["cell_type"] = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
        cell.pop("attachments", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _apply_fields(cell: dict[str, Any], metadata: dict[str, Any], values: list[tuple[ConflictKind, str, Any]]) -> None:
    for kind, path, value in values:
        if kind is ConflictKind.CELL_TYPE:
            _set_cell_type(cell, value)
        elif kind is ConflictKind.METADATA and path:
            _set_path(metadata, path, value)
        elif kind is ConflictKind.ATTACHMENTS and path:
            _set_path(cell.setdefault("attachments", {}), path, value)
            if not cell["attachments"]:
                del cell["attachments"]


def _take(nb: Notebook, region: Region, side: Side | None, text: str | None) -> Notebook:
    """A copy of nb with one region resolved: by a side, or (side None) by hand-edited text."""
    out = copy.deepcopy(nb)
    cells = _cells(out)
    cell = cells[region.cell]
    source = join_source(cell.get("source"))
    if side is None:
        cell["source"] = _splice(source, region, text or "")
        return out
    if region.kind is ConflictKind.DELETE_MODIFY:
        if side is _deleting_side(region):
            del cells[region.cell]
            return out
        kept = region.theirs if _deleting_side(region) is Side.OURS else region.ours
        cell["source"] = _splice(source, region, kept)
        return out
    if region.kind is ConflictKind.SOURCE:
        chosen = {Side.OURS: region.ours, Side.THEIRS: region.theirs, Side.BOTH: region.ours + region.theirs}[side]
        cell["source"] = _splice(source, region, chosen)
        return out
    values = _chosen_values(region, side)
    if source.startswith(NOTEBOOK_METADATA_NOTE):  # the merge's note cell for notebook metadata
        metadata = out.setdefault("metadata", {})
        _apply_fields(cell, metadata, values)
        rest = _splice(source, region, "")[len(NOTEBOOK_METADATA_NOTE) :]
        if not find_blocks(rest):
            del cells[region.cell]
        return out
    _apply_fields(cell, cell.setdefault("metadata", {}), values)
    cell["source"] = _splice(source, region, "")
    return out


def resolve_region(nb: Notebook, index: int, side: Side, size: int = 7) -> Notebook:
    """A new notebook with region `index` of conflict_regions(nb) taken from one side."""
    return _take(nb, conflict_regions(nb, size)[index], side, None)


def replace_region(nb: Notebook, index: int, text: str, size: int = 7) -> Notebook:
    """A new notebook with region `index` replaced by hand-edited text."""
    if text and not text.endswith("\n"):
        text += "\n"
    return _take(nb, conflict_regions(nb, size)[index], None, text)


def resolve_all(nb: Notebook, side: Side, size: int = 7) -> Notebook:
    """Every region taken from one side; the last region first, so earlier line spans stay valid."""
    for region in reversed(conflict_regions(nb, size)):
        nb = _take(nb, region, side, None)
    return nb

