"""Three-way merge of one cell and of JSON values (metadata), with conflicts shown as markers.

Pure functions on normalised cells; ours wins where both sides changed a value, and the
disagreement is written into the cell's source so that it is visible in Jupyter.
"""
from __future__ import annotations

from nbteam.merge.machine import CELL_MACHINE_METADATA
from nbteam.notebook.io import MISSING, Cell, canonical_json

# No typing, and nbteam.notebook.markers (its enum), nbteam.seq.merge3 only where a cell needs
# them: a clean merge, the driver's usual case, never writes a conflict, and its start-up is user-visible.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from nbteam.notebook.markers import ConflictKind
    from nbteam.seq.markers import Markers

    # The kinds of the conflict blocks a merge wrote into a cell, one per block (nbteam.notebook.conflicts
    # reads the blocks back as the one conflict record).
    CellConflicts = list[ConflictKind]
    Entry = tuple[Cell, CellConflicts]  # a merged cell and the kinds of the conflicts marked in it


Path = tuple[str, ...]  # keys from the top of a JSON value down (a key may hold dots)


def quiet_filter(paths: list[Path], quiet: frozenset[str]) -> list[Path]:
    """Conflicting metadata paths worth a marker: those outside the quiet (environment) keys."""
    return [p for p in paths if not p or p[0] not in quiet]


def machine_ours(merged: "Any", base: "Any", ours: "Any", theirs: "Any", quiet: frozenset[str]) -> "Any":
    """Merged metadata where each quiet (machine) key both sides changed differently holds ours'
    whole value: a mix of two machines' values (ours' version, theirs' lexer) describes neither."""
    if not (isinstance(merged, dict) and isinstance(ours, dict) and isinstance(theirs, dict)):
        return merged
    b = base if isinstance(base, dict) else {}
    both = [k for k in quiet.intersection(ours.keys() | theirs.keys())
            if b.get(k, MISSING) != ours.get(k, MISSING) != theirs.get(k, MISSING) != b.get(k, MISSING)]
    if not both:
        return merged
    out = {k: v for k, v in merged.items() if k not in both}
    out.update((k, ours[k]) for k in both if k in ours)
    return out


def _merge_list(base: list["Any"], ours: list["Any"], theirs: list["Any"]) -> list["Any"] | None:
    """A JSON list merged as git merges the file's lines, one element per line as Jupyter writes
    a list of strings (tags, say); None where git would conflict."""
    from nbteam.seq.merge3 import merge3_lines

    element: dict[str, "Any"] = {}
    texts: list[list[str]] = []
    for side in (base, ours, theirs):
        texts.append([canonical_json(x) + "\n" for x in side])
        element.update(zip(texts[-1], side))
    merged, conflicts = merge3_lines(texts[0], texts[1], texts[2])
    return None if conflicts else [element[line] for line in merged]


def merge_values(base: "Any", ours: "Any", theirs: "Any", path: Path = (),
                 lists: bool = False) -> tuple["Any", list[Path]]:
    """Three-way merge of JSON values (dicts key by key; with `lists`, lists element by element as
    git merges lines); ours wins conflicts, whose paths are returned."""
    if ours == theirs or theirs == base:
        return ours, []
    if ours == base:
        return theirs, []
    if all(isinstance(v, dict) or v is MISSING for v in (base, ours, theirs)) and not (
        ours is MISSING or theirs is MISSING
    ):
        b = base if isinstance(base, dict) else {}
        merged: dict[str, "Any"] = {}
        conflicts: list[Path] = []
        for key in list(ours) + [k for k in theirs if k not in ours]:
            value, sub = merge_values(b.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING),
                                      (*path, key), lists)
            conflicts += sub
            if value is not MISSING:
                merged[key] = value
        return merged, conflicts
    if lists and isinstance(base, list) and isinstance(ours, list) and isinstance(theirs, list):
        merged_list = _merge_list(base, ours, theirs)
        if merged_list is not None:
            return merged_list, []
    return ours, [path]


def _dig(value: "Any", path: Path) -> "Any":
    for key in path:
        value = value.get(key, MISSING) if isinstance(value, dict) else MISSING
    return value


def same_cell(x: Cell, y: Cell) -> bool:
    """Equal apart from the cell id (ids alone never make a change)."""
    if x is y or x == y:  # most cells (one object where the versions share a cell), compared at C speed
        return True
    return all(x.get(k) == y.get(k) for k in set(x) | set(y) if k != "id")


def same_work(x: Cell, y: Cell, machine: frozenset[str]) -> bool:
    """Equal apart from the cell id, the `machine` metadata keys (editor or machine state) and the
    whitespace at the source's end (a newline a formatter adds or strips): no part of the work."""
    if same_cell(x, y):
        return True

    def work(c: Cell) -> Cell:
        return {**c, "metadata": {k: v for k, v in c["metadata"].items() if k not in machine},
                "source": c["source"].rstrip()}

    return same_cell(work(x), work(y))


def field_block(markers: Markers, kind: ConflictKind, paths: list[Path], b: "Any", o: "Any", t: "Any") -> str:
    """Conflict markers describing fields (metadata, type, attachments) that both sides changed."""
    from nbteam.notebook.markers import field_line, show_value

    def lines(v: "Any") -> str:
        return "".join(field_line(kind, ".".join(p), show_value(_dig(v, p))) for p in paths)

    return markers.block(lines(o), lines(t), lines(b))


def _merge_source(base: str, ours: str, theirs: str, markers: Markers) -> tuple[str, int]:
    """git's line merge of a cell's source; where it conflicts, the whitespace at the cell's end (a
    final newline a formatter adds or strips) is merged apart from the text, if the text then merges cleanly."""
    from nbteam.seq.merge3 import merge3_text

    source, n = merge3_text(base, ours, theirs, markers)
    if n:
        texts = base.rstrip(), ours.rstrip(), theirs.rstrip()
        body, m = merge3_text(*texts, markers)
        if not m:
            tail, _ = merge_values(base[len(texts[0]):], ours[len(texts[1]):], theirs[len(texts[2]):])
            return body + tail, 0
    return source, n


def merge_cell(base: Cell, ours: Cell, theirs: Cell, markers: Markers,
               machine: frozenset[str] = CELL_MACHINE_METADATA) -> tuple[Cell, CellConflicts]:
    """Merge one cell that both sides kept; return it and the kinds of the conflict blocks written in it.

    Metadata keys in `machine` (editor or machine state) never conflict: ours is kept."""
    if same_cell(ours, theirs) or same_cell(theirs, base):
        return ours, []
    if same_cell(ours, base):
        return {**theirs, **({"id": ours["id"]} if "id" in ours else {})}, []
    from nbteam.notebook.markers import ConflictKind

    conflicts: CellConflicts = []
    notes: list[str] = []
    cell_type, bad = merge_values(base["cell_type"], ours["cell_type"], theirs["cell_type"])
    if bad:
        conflicts.append(ConflictKind.CELL_TYPE)
        notes.append(field_block(markers, ConflictKind.CELL_TYPE, [()], base["cell_type"], ours["cell_type"],
                                 theirs["cell_type"]))
    metadata, bad = merge_values(base["metadata"], ours["metadata"], theirs["metadata"], lists=True)
    metadata, bad = machine_ours(metadata, base["metadata"], ours["metadata"], theirs["metadata"], machine), \
        quiet_filter(bad, machine)
    if bad:
        conflicts.append(ConflictKind.METADATA)
        notes.append(field_block(markers, ConflictKind.METADATA, bad, base["metadata"], ours["metadata"],
                                 theirs["metadata"]))
    attachments, bad = merge_values(*(c.get("attachments", {}) for c in (base, ours, theirs)))
    if bad:
        conflicts.append(ConflictKind.ATTACHMENTS)
        notes.append(field_block(markers, ConflictKind.ATTACHMENTS, bad, *(c.get("attachments", {})
                                                                             for c in (base, ours, theirs))))
    source, n = _merge_source(base["source"], ours["source"], theirs["source"], markers)
    conflicts += [ConflictKind.SOURCE] * n
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


def deleted_conflict(base: Cell, kept: Cell, ours_deleted: bool, markers: Markers) -> tuple[Cell, CellConflicts]:
    """One side deleted a cell the other edited: keep the edit, wrapped in markers."""
    from nbteam.notebook.markers import DELETED_NOTE, ConflictKind

    if ours_deleted:
        source = markers.block("", kept["source"], base["source"], ours_note=DELETED_NOTE)
    else:
        source = markers.block(kept["source"], "", base["source"], theirs_note=DELETED_NOTE)
    return {**kept, "source": source}, [ConflictKind.DELETE_MODIFY]
