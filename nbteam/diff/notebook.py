"""Cell-aware diff of two notebooks: which cells were added, deleted, moved or modified.

Pure: notebooks (parsed v4 dicts) in, a NotebookDiff out. Cells are matched with
nbteam.notebook.align (ids when meaningful, else content); a cell deleted in one place and
added unchanged (or under its id) elsewhere is a move. Sources get unified line hunks,
metadata its old and new values; outputs are counted, or diffed as text when asked for.
"""
from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from nbteam.diff.outputs import attachment_summaries, output_lines
from nbteam.diff.values import CELL_KEYS, NOTEBOOK_KEYS, compact, dict_of, list_of  # noqa: F401  (re-exported)
from nbteam.notebook.align import find_moves, match_cells
from nbteam.notebook.io import Cell, Notebook
from nbteam.notebook.normalise import TRANSIENT_NOTEBOOK_METADATA, normalise_cell
from nbteam.seq.diff import Hunk, unified_hunks, whole

EMPTY: Notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
SHORT_VALUE = 60  # compact JSON up to this long is shown as `key: old -> new` on one line


class ChangeKind(enum.Enum):
    """What happened to one cell."""

    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    MOVED = "moved"
    OUTPUTS = "outputs"  # same source, metadata and type: only outputs differ


class ValueChange(NamedTuple):
    """One metadata key's change; a value is compact JSON, None when the key is absent."""

    key: str
    old: str | None
    new: str | None
    hunks: tuple[Hunk, ...] = ()  # a line diff of the indented JSON, for values too long for one line


class CellChange(NamedTuple):
    """One changed cell. Indexes are 0-based; old is None for added cells, new for deleted."""

    kind: ChangeKind
    old: int | None
    new: int | None
    old_type: str | None
    new_type: str | None
    hunks: tuple[Hunk, ...] = ()
    metadata: tuple[ValueChange, ...] = ()
    outputs_changed: int = 0
    source_changed: bool = False
    output_hunks: tuple[Hunk, ...] = ()  # only when outputs were asked for

    @property
    def metadata_keys(self) -> tuple[str, ...]:
        """The names of the metadata keys that changed."""
        return tuple(v.key for v in self.metadata)


class NotebookDiff(NamedTuple):
    """Everything that differs between two notebooks, in the new notebook's order."""

    cells: tuple[CellChange, ...] = ()
    metadata: tuple[ValueChange, ...] = ()
    format_change: str | None = None
    with_outputs: bool = False

    @property
    def metadata_keys(self) -> tuple[str, ...]:
        """The names of the notebook metadata keys that changed."""
        return tuple(v.key for v in self.metadata)

    @property
    def outputs_only(self) -> tuple[tuple[int, int], ...]:
        """(new cell index, outputs changed) of the cells where only outputs differ."""
        return tuple((c.new, c.outputs_changed) for c in self.cells if c.kind is ChangeKind.OUTPUTS
                     and c.new is not None)

    @property
    def empty(self) -> bool:
        """True when nothing differs, not even outputs."""
        return not (self.cells or self.metadata or self.format_change)


def source_lines(cell: Cell) -> list[str]:
    """A normalised cell's source as lines without newlines."""
    return str(cell["source"]).splitlines()


def _output_key(output: Any) -> str:
    if isinstance(output, dict):
        output = {k: v for k, v in output.items() if k != "execution_count"}
    return compact(output)


def _outputs(cell: Cell) -> list[Any]:
    return list_of(cell.get("outputs"))


def outputs_changed(a: Cell, b: Cell) -> int:
    """How many output positions differ between two raw cells (execution counts ignored)."""
    oa, ob = _outputs(a), _outputs(b)
    if oa == ob:
        return 0
    ka, kb = [_output_key(o) for o in oa], [_output_key(o) for o in ob]
    return sum(1 for k in range(max(len(ka), len(kb))) if ka[k:k + 1] != kb[k:k + 1])


def has_outputs(cells: list[Cell]) -> bool:
    """True if any cell has outputs (False for a notebook the filter stripped)."""
    return any(_outputs(c) for c in cells)


def value_changes(a: dict[str, Any], b: dict[str, Any]) -> tuple[ValueChange, ...]:
    """The keys whose values differ between two metadata dicts, with old and new values."""
    changes = []
    for key in sorted(set(a) | set(b)):
        old = compact(a[key]) if key in a else None
        new = compact(b[key]) if key in b else None
        if old == new:
            continue
        hunks: tuple[Hunk, ...] = ()
        if max(len(old or ""), len(new or "")) > SHORT_VALUE:
            def pretty(side: dict[str, Any]) -> list[str]:
                return json.dumps(side[key], indent=1, sort_keys=True, ensure_ascii=False,
                                  default=str).splitlines() if key in side else []
            hunks = tuple(unified_hunks(pretty(a), pretty(b)))
        changes.append(ValueChange(key, old, new, hunks))
    return tuple(changes)


def extra_fields(obj: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    """Fields nbteam has no view for (kept by the filter), keyed `field NAME`, so they still diff."""
    return {f"field {k}": v for k, v in obj.items() if k not in known}


def _cell_metadata(cell: Cell, raw: Cell) -> dict[str, Any]:
    """What a cell carries besides its source and type: metadata, attachments and unknown fields."""
    meta = dict(cell["metadata"])
    if cell.get("attachments"):
        meta["attachments"] = attachment_summaries(cell["attachments"])
    return {**meta, **extra_fields(raw, CELL_KEYS)}


def _walk(pairs: list[tuple[int, int]], len_a: int, len_b: int
          ) -> Iterator[tuple[range, range, tuple[int, int] | None]]:
    """For each anchor pair in order: the unmatched gap before it on each side, then the pair.

    The last step yields the gaps after the final anchor, with None for the pair."""
    pi = pj = 0
    for i, j in pairs:
        yield range(pi, i), range(pj, j), (i, j)
        pi, pj = i + 1, j + 1
    yield range(pi, len_a), range(pj, len_b), None


class _Sides:
    """The two versions' cells, raw and normalised, and how outputs are compared."""

    def __init__(self, a: Notebook, b: Notebook, with_outputs: bool) -> None:
        self.ra = [c for c in a.get("cells", []) if isinstance(c, dict)]
        self.rb = [c for c in b.get("cells", []) if isinstance(c, dict)]
        self.na = [normalise_cell(c) for c in self.ra]
        self.nb = [normalise_cell(c) for c in self.rb]
        self.with_outputs = with_outputs
        # One side without any outputs was stripped (the index under the filter): counting is noise,
        # unless outputs were asked for.
        self.count = with_outputs or (has_outputs(self.ra) and has_outputs(self.rb))

    def output_hunks(self, i: int | None, j: int | None) -> tuple[Hunk, ...]:
        """The line diff of outputs, old cell i to new cell j (None: no cell), if asked for."""
        if not self.with_outputs:
            return ()
        old = output_lines(_outputs(self.ra[i])) if i is not None else []
        new = output_lines(_outputs(self.rb[j])) if j is not None else []
        return tuple(unified_hunks(old, new))

    def one_sided(self, kind: ChangeKind, x: int) -> CellChange:
        """A deleted (old cell x) or added (new cell x) cell, with its whole source."""
        added = kind is ChangeKind.ADDED
        cell = self.nb[x] if added else self.na[x]
        old, new = (None, x) if added else (x, None)
        old_type, new_type = (None, cell["cell_type"]) if added else (cell["cell_type"], None)
        return CellChange(kind, old, new, old_type, new_type, tuple(whole(source_lines(cell), "+" if added else "-")),
                          source_changed=True, output_hunks=self.output_hunks(old, new))

    def compare(self, i: int, j: int, kind: ChangeKind) -> CellChange | None:
        """The change from old cell i to new cell j, or None if nothing at all differs."""
        ca, cb = self.na[i], self.nb[j]
        source_changed = ca["source"] != cb["source"]
        hunks = tuple(unified_hunks(source_lines(ca), source_lines(cb))) if source_changed else ()
        meta = value_changes(_cell_metadata(ca, self.ra[i]), _cell_metadata(cb, self.rb[j]))
        outs = outputs_changed(self.ra[i], self.rb[j]) if self.count else 0
        if kind is ChangeKind.MODIFIED and not source_changed and not meta and ca["cell_type"] == cb["cell_type"]:
            if not outs:
                return None
            kind = ChangeKind.OUTPUTS
        return CellChange(kind, i, j, ca["cell_type"], cb["cell_type"], hunks, meta, outs, source_changed,
                          self.output_hunks(i, j) if outs else ())


def _metadata_view(nb: Notebook) -> dict[str, Any]:
    meta = {k: v for k, v in dict_of(nb.get("metadata")).items() if k not in TRANSIENT_NOTEBOOK_METADATA}
    return {**meta, **extra_fields(nb, NOTEBOOK_KEYS)}


def diff_notebooks(a: Notebook, b: Notebook, with_outputs: bool = False) -> NotebookDiff:
    """The cell-aware diff from notebook a to notebook b (outputs diffed as text if with_outputs)."""
    s = _Sides(a, b, with_outputs)
    pairs = match_cells(s.na, s.nb)
    moves = find_moves(s.na, s.nb, dict(pairs))
    moved_old = set(moves.values())

    changes: list[CellChange | None] = []
    for gap_a, gap_b, pair in _walk(pairs, len(s.na), len(s.nb)):
        changes += [s.one_sided(ChangeKind.DELETED, x) for x in gap_a if x not in moved_old]
        changes += [s.compare(moves[y], y, ChangeKind.MOVED) if y in moves else s.one_sided(ChangeKind.ADDED, y)
                    for y in gap_b]
        if pair is not None:
            changes.append(s.compare(*pair, ChangeKind.MODIFIED))

    fa = f"{a.get('nbformat')}.{a.get('nbformat_minor')}"
    fb = f"{b.get('nbformat')}.{b.get('nbformat_minor')}"
    fmt = f"nbformat {fa} -> {fb}" if fa != fb and a is not EMPTY and b is not EMPTY else None
    return NotebookDiff(tuple(c for c in changes if c is not None),
                        value_changes(_metadata_view(a), _metadata_view(b)), fmt, with_outputs)


def combined(ours: NotebookDiff, theirs: NotebookDiff) -> NotebookDiff:
    """The part of `ours` (ours -> merged) that also differs from theirs: what a conflicted or
    hand-edited merge changed against both sides, as git's combined diff shows it. Cells taken
    cleanly from one side differ from the other side only, and drop out."""
    touched = {c.new for c in theirs.cells if c.new is not None}
    gone = {(c.old_type, c.hunks) for c in theirs.cells if c.kind is ChangeKind.DELETED}
    keys = set(theirs.metadata_keys)
    cells = tuple(c for c in ours.cells if c.new in touched
                  or (c.kind is ChangeKind.DELETED and (c.old_type, c.hunks) in gone))
    return ours._replace(cells=cells, metadata=tuple(v for v in ours.metadata if v.key in keys),
                         format_change=ours.format_change if theirs.format_change else None)
