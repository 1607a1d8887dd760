"""Three-way merge of one cell and of JSON values (metadata), with conflicts shown as markers.

Pure functions on normalised cells; ours wins where both sides changed a value, and the
disagreement is written into the cell's source so that it is visible in Jupyter.
"""
from __future__ import annotations

import json

from nbteam.seq.merge3 import Markers, merge3_text
from nbteam.notebook.io import Cell

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from typing import Any

CELL_ENVIRONMENT_METADATA = frozenset({"id", "colab", "colab_type"})  # Colab's per-cell bookkeeping
MISSING: "Any" = object()  # a key absent on one side


def quiet_filter(paths: list[str], quiet: frozenset[str]) -> list[str]:
    """Conflicting metadata paths worth a marker: those outside the quiet (environment) keys."""
    return [p for p in paths if p.split(".")[0] not in quiet]



def merge_values(base: "Any", ours: "Any", theirs: "Any", path: str = "") -> tuple["Any", list[str]]:
    """Three-way merge of JSON values (dicts key by key); ours wins conflicts, whose paths are returned."""
    if ours == theirs or theirs == base:
        return ours, []
    if ours == base:
        return theirs, []
    if all(isinstance(v, dict) or v is MISSING for v in (base, ours, theirs)) and not (
        ours is MISSING or theirs is MISSING
    ):
        b = base if isinstance(base, dict) else {}
        merged: dict[str, "Any"] = {}
        conflicts: list[str] = []
        for key in list(ours) + [k for k in theirs if k not in ours]:
            value, sub = merge_values(b.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING),
                                      f"{path}.{key}" if path else key)
            conflicts += sub
            if value is not MISSING:
                merged[key] = value
        return merged, conflicts
    return ours, [path]


def _dig(value: "Any", path: str) -> "Any":
    for key in path.split("."):
        value = value.get(key, MISSING) if isinstance(value, dict) else MISSING
    return value


def _show(value: "Any") -> str:
    if value is MISSING:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."


def same_cell(x: Cell, y: Cell) -> bool:
    """Equal apart from the cell id (ids alone never make a change)."""
    return all(x.get(k) == y.get(k) for k in set(x) | set(y) if k != "id")


def conflict_block(markers: Markers, ours: str, theirs: str, base: str | None = None,
                    ours_note: str = "", theirs_note: str = "") -> str:
    def body(text: str) -> str:
        return text if not text or text.endswith("\n") else text + "\n"

    out = markers.open(ours_note) + body(ours)
    if markers.style != "merge" and base is not None:
        out += markers.middle_base() + body(base)
    return out + markers.separator() + body(theirs) + markers.close(theirs_note)


def field_block(markers: Markers, label: str, paths: list[str], b: "Any", o: "Any", t: "Any") -> str:
    """Conflict markers describing fields (metadata, type) that both sides changed."""
    def lines(v: "Any") -> str:
        return "".join(f"{label}{p and '.' + p}: {_show(_dig(v, p) if p else v)}\n" for p in paths)

    return conflict_block(markers, lines(o), lines(t), lines(b))


def merge_cell(base: Cell, ours: Cell, theirs: Cell, markers: Markers) -> tuple[Cell, list[tuple[str, str]]]:
    """Merge one cell that both sides kept; return it and its conflicts as (kind, detail)."""
    if same_cell(ours, theirs) or same_cell(theirs, base):
        return ours, []
    if same_cell(ours, base):
        return {**theirs, **({"id": ours["id"]} if "id" in ours else {})}, []
    conflicts: list[tuple[str, str]] = []
    notes: list[str] = []
    cell_type, bad = merge_values(base["cell_type"], ours["cell_type"], theirs["cell_type"])
    if bad:
        conflicts.append(("cell type", f"ours made it {ours['cell_type']}, theirs {theirs['cell_type']}"))
        notes.append(field_block(markers, "cell_type", [""], base["cell_type"], ours["cell_type"], theirs["cell_type"]))
    metadata, bad = merge_values(base["metadata"], ours["metadata"], theirs["metadata"])
    bad = quiet_filter(bad, CELL_ENVIRONMENT_METADATA)
    if bad:
        conflicts.append(("metadata", "both sides changed " + ", ".join(bad)))
        notes.append(field_block(markers, "metadata", bad, base["metadata"], ours["metadata"], theirs["metadata"]))
    get = (lambda c: c.get("attachments", {}))
    attachments, bad = merge_values(get(base), get(ours), get(theirs))
    if bad:
        conflicts.append(("attachments", "both sides changed " + ", ".join(bad)))
        notes.append(conflict_block(markers, "".join(f"attachment {p}: ours\n" for p in bad),
                                     "".join(f"attachment {p}: theirs\n" for p in bad)))
    source, n = merge3_text(base["source"], ours["source"], theirs["source"], markers)
    if n:
        conflicts.append(("source", f"{n} conflicting region{'s' * (n > 1)} in the source"))
    cell: Cell = {"cell_type": cell_type, "metadata": metadata, "source": "".join(notes) + source}
    for side in (ours, theirs, base):
        if "id" in side:
            cell["id"] = side["id"]
            break
    if attachments and cell_type != "code":
        cell["attachments"] = attachments
    if cell_type == "code":
        outputs, bad = merge_values(*(c.get("outputs", []) for c in (base, ours, theirs)))
        # Outputs are regenerated by running the cell: when both changed them, clear them.
        chosen = ours if outputs is ours.get("outputs") else theirs
        cell["outputs"] = [] if bad else outputs
        cell["execution_count"] = None if bad or not outputs else chosen.get("execution_count")
    return cell, conflicts


def deleted_conflict(base: Cell, kept: Cell, ours_deleted: bool, markers: Markers) -> tuple[Cell, list[tuple[str, str]]]:
    """One side deleted a cell the other edited: keep the edit, wrapped in markers."""
    gone = " (deleted this cell)"
    if ours_deleted:
        source = conflict_block(markers, "", kept["source"], base["source"], ours_note=gone)
    else:
        source = conflict_block(markers, kept["source"], "", base["source"], theirs_note=gone)
    who = "ours" if ours_deleted else "theirs"
    return {**kept, "source": source}, [("delete/modify", f"{who} deleted a cell the other side edited")]
