"""Cell-aware diff of two notebooks: which cells were added, deleted, moved or modified.

Pure: notebooks (parsed v4 dicts) in, a NotebookDiff out. Cells are matched with
nbteam.notebook.align (ids when meaningful, else content); a cell deleted in one place and
added unchanged (or under its id) elsewhere is a move. Sources get unified line
hunks; outputs and execution counts are not diffed, only counted.
"""
from __future__ import annotations

import json
from typing import Any, NamedTuple

from nbteam.notebook.align import find_moves, match_cells
from nbteam.seq.diff import Hunk, unified_hunks, whole
from nbteam.notebook.normalise import TRANSIENT_NOTEBOOK_METADATA, normalise_cell
from nbteam.notebook.io import Cell, Notebook

EMPTY: Notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


class CellChange(NamedTuple):
    """One changed cell. Indexes are 0-based; old is None for added cells, new for deleted."""

    kind: str  # "added" | "deleted" | "modified" | "moved"
    old: int | None
    new: int | None
    old_type: str | None
    new_type: str | None
    hunks: tuple[Hunk, ...] = ()
    metadata_keys: tuple[str, ...] = ()
    outputs_changed: int = 0
    source_changed: bool = False


class NotebookDiff(NamedTuple):
    """Everything that differs between two notebooks, in the new notebook's order."""

    cells: tuple[CellChange, ...] = ()
    metadata_hunks: tuple[Hunk, ...] = ()
    metadata_keys: tuple[str, ...] = ()
    outputs_only: tuple[tuple[int, int], ...] = ()  # (new cell index, outputs changed), sources equal
    format_change: str | None = None

    @property
    def empty(self) -> bool:
        """True when nothing differs, not even outputs."""
        return not (self.cells or self.metadata_keys or self.outputs_only or self.format_change)


def source_lines(cell: Cell) -> list[str]:
    """A normalised cell's source as lines without newlines."""
    return cell["source"].splitlines()


def _output_key(output: Any) -> str:
    if isinstance(output, dict):
        output = {k: v for k, v in output.items() if k != "execution_count"}
    return json.dumps(output, sort_keys=True, default=str)


def outputs_changed(a: Cell, b: Cell) -> int:
    """How many output positions differ between two raw cells (execution counts ignored)."""
    oa = a.get("outputs") if isinstance(a.get("outputs"), list) else []
    ob = b.get("outputs") if isinstance(b.get("outputs"), list) else []
    if oa == ob:
        return 0
    ka, kb = [_output_key(o) for o in oa], [_output_key(o) for o in ob]
    return sum(1 for k in range(max(len(ka), len(kb))) if ka[k:k + 1] != kb[k:k + 1])


def _metadata_keys(a: dict, b: dict) -> tuple[str, ...]:
    return tuple(sorted(k for k in set(a) | set(b) if a.get(k, None) != b.get(k, None) or (k in a) != (k in b)))


def has_outputs(cells: list[Cell]) -> bool:
    """True if any cell has outputs (False for a notebook the filter stripped)."""
    return any(isinstance(c.get("outputs"), list) and c["outputs"] for c in cells)


def _compare(i: int, j: int, ca: Cell, cb: Cell, ra: Cell, rb: Cell, kind: str,
             count_outputs: bool = True) -> CellChange | None:
    """The change from cell ca (old index i) to cb (new index j), or None if only outputs differ."""
    source_changed = ca["source"] != cb["source"]
    hunks = tuple(unified_hunks(source_lines(ca), source_lines(cb))) if source_changed else ()
    meta = _metadata_keys(ca["metadata"], cb["metadata"])
    if ca.get("attachments") != cb.get("attachments"):
        meta += ("attachments",)
    outs = outputs_changed(ra, rb) if count_outputs else 0
    if kind == "modified" and not source_changed and not meta and ca["cell_type"] == cb["cell_type"]:
        return None
    return CellChange(kind, i, j, ca["cell_type"], cb["cell_type"], hunks, meta, outs, source_changed)


def _metadata_view(nb: Notebook) -> dict:
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    return {k: v for k, v in meta.items() if k not in TRANSIENT_NOTEBOOK_METADATA}


def diff_notebooks(a: Notebook, b: Notebook) -> NotebookDiff:
    """The cell-aware diff from notebook a to notebook b."""
    ra = [c for c in a.get("cells", []) if isinstance(c, dict)]
    rb = [c for c in b.get("cells", []) if isinstance(c, dict)]
    na, nb = [normalise_cell(c) for c in ra], [normalise_cell(c) for c in rb]
    pairs = match_cells(na, nb)
    moves = find_moves(na, nb, dict(pairs))
    moved_old = set(moves.values())
    # One side without any outputs was stripped (the index under the filter): counting is noise.
    count = has_outputs(ra) and has_outputs(rb)

    changes: list[CellChange] = []
    outputs_only: list[tuple[int, int]] = []
    pi = pj = 0
    for i, j in pairs + [(len(na), len(nb))]:
        for x in range(pi, i):
            if x not in moved_old:
                changes.append(CellChange("deleted", x, None, na[x]["cell_type"], None,
                                          tuple(whole(source_lines(na[x]), "-")), source_changed=True))
        for y in range(pj, j):
            if y in moves:
                x = moves[y]
                changes.append(_compare(x, y, na[x], nb[y], ra[x], rb[y], "moved", count))  # type: ignore[arg-type]
            else:
                changes.append(CellChange("added", None, y, None, nb[y]["cell_type"],
                                          tuple(whole(source_lines(nb[y]), "+")), source_changed=True))
        if i < len(na):
            change = _compare(i, j, na[i], nb[j], ra[i], rb[j], "modified", count)
            if change is not None:
                changes.append(change)
            else:
                outs = outputs_changed(ra[i], rb[j]) if count else 0
                if outs:
                    outputs_only.append((j, outs))
        pi, pj = i + 1, j + 1

    ma, mb = _metadata_view(a), _metadata_view(b)
    keys = _metadata_keys(ma, mb)
    meta_hunks: tuple[Hunk, ...] = ()
    if keys:
        dump = lambda m: json.dumps({k: m[k] for k in keys if k in m}, indent=1, sort_keys=True,  # noqa: E731
                                    ensure_ascii=False, default=str).splitlines()
        meta_hunks = tuple(unified_hunks(dump(ma), dump(mb)))
    fa = f"{a.get('nbformat')}.{a.get('nbformat_minor')}"
    fb = f"{b.get('nbformat')}.{b.get('nbformat_minor')}"
    fmt = f"nbformat {fa} -> {fb}" if fa != fb and a is not EMPTY and b is not EMPTY else None
    return NotebookDiff(tuple(changes), meta_hunks, keys, tuple(outputs_only), fmt)
