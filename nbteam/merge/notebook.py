"""Three-way merge of notebooks: align cells, merge the cell list, then each cell, then metadata.

Pure functions on notebook dicts: no files, no git. Every conflict ends up as git-style
markers in some cell's source, so it is visible in Jupyter and greppable.
"""
from __future__ import annotations

from nbteam.errors import NbteamError
from nbteam.merge.cell import (deleted_conflict, field_block, machine_ours, merge_cell, merge_values, quiet_filter,
                               same_cell, same_work)
from nbteam.merge.machine import CELL, NOTEBOOK, machine_keys
from nbteam.notebook.ids import id_stories, one_order
from nbteam.notebook.io import Cell, Notebook, canonical_json
from nbteam.notebook.normalise import normalise_notebook
from nbteam.seq.markers import Markers

# The raw cell that carries a conflict in the notebook's own metadata starts with this note.
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

# No typing/dataclasses import at run time, nor nbteam.notebook.markers (its enum) on a clean
# merge's path, nor the cell alignment where the three versions share one id order (one_order):
# driver start-up is user-visible.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from nbteam.merge.cell import CellConflicts, Entry
    from nbteam.merge.lines import Unit

    Stretches = tuple[list[Unit], tuple[set[int], set[int], set[int]]]  # an alignment's parts, its moved cells
    from nbteam.notebook.conflicts import Conflict
    from nbteam.notebook.markers import ConflictKind

    Item = tuple["int | None", Entry]  # a side's cell in a region: its base index (None if new) and entry


class MergeResult:
    """The merged notebook and the conflicts marked in it (in document order, as `resolve` indexes them)."""

    __slots__ = ("notebook", "conflicts")

    def __init__(self, notebook: Notebook, conflicts: list[Conflict]) -> None:
        self.notebook, self.conflicts = notebook, conflicts

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _merge_region(base: list[Cell], ours: list[Item], theirs: list[Item], b0: int, moved: set[int],
                  markers: Markers, arrived: frozenset[int] = frozenset(),
                  machine: frozenset[str] = frozenset()) -> list[Entry]:
    """Merge a region between anchors: every base cell here was deleted (or moved) by at least one side
    (`arrived`: the id() of each entry that is a cell moved into the region, see merge_inserts;
    `machine`: cell metadata keys whose change alone never holds off a delete)."""
    def unchanged(side: list[Item]) -> bool:
        return len(side) == len(base) and all(x is not None and same_cell(e[0], base[x - b0]) for x, e in side)

    if unchanged(ours):
        return [e for _, e in theirs]
    if unchanged(theirs):
        return [e for _, e in ours]
    # Both sides made the same change here; but a cell moved here is a cell of its own, never
    # the same as a new cell alike (one side's copy of it) on the other side.
    if len(ours) == len(theirs) and all(same_cell(a[0], b[0]) for (_, a), (_, b) in zip(ours, theirs)) and not (
            arrived and any(id(e) in arrived for _, e in ours + theirs)):
        return [e for _, e in ours]

    def slots(side: list[Item]) -> tuple[dict[int, list[Entry]], dict[int, Cell]]:
        inserts: dict[int, list[Entry]] = {}
        kept: dict[int, Cell] = {}
        pending: list[Entry] = []
        for x, e in side:
            if x is None:
                pending.append(e)
            else:
                inserts[x], kept[x], pending = pending, e[0], []
        inserts[b0 + len(base)] = pending
        return inserts, kept

    from nbteam.merge.inserts import merge_inserts, related_inserts

    ins_o, kept_o = slots(ours)
    ins_t, kept_t = slots(theirs)

    def inserted(lo: int, hi: int) -> list[Entry]:
        """The cells both sides inserted at slots lo..hi, between which every base cell goes:
        side by side in the result, so one place if they are related (drafts of one thing, or
        one holding the other), else each slot's in base order. Not where both sides deleted
        cells there: then each side's cells replace cells of its own (edits in place of
        different cells), in base order."""
        block_o = [e for x in range(lo, hi + 1) for e in ins_o.get(x, [])]
        block_t = [e for x in range(lo, hi + 1) for e in ins_t.get(x, [])]
        both_deleted = any(x not in kept_o for x in range(lo, hi)) and any(x not in kept_t for x in range(lo, hi))
        if block_o and block_t and not both_deleted:
            related = related_inserts(block_o, block_t, markers, arrived)
            if related is not None:
                return related
        return [e for x in range(lo, hi + 1) for e in merge_inserts(ins_o.get(x, []), ins_t.get(x, []), markers,
                                                                   arrived)]

    out: list[Entry] = []
    lo = b0
    for x in range(b0, b0 + len(base)):
        kept = kept_o.get(x) or kept_t.get(x)
        if kept is not None and x not in moved and not same_work(kept, base[x - b0], machine):
            out += inserted(lo, x)
            out.append(deleted_conflict(base[x - b0], kept, x not in kept_o, markers))
            lo = x + 1
    return out + inserted(lo, b0 + len(base))


def _merge_moved(base: Cell, mover: Cell, other: Cell | None, ours_moved: bool, markers: Markers,
                 machine: frozenset[str]) -> Entry | None:
    """A cell one side moved: merged with the other side's version, at its new place."""
    if other is None:  # the other side deleted it: a pure move yields to the delete
        return None if same_work(mover, base, machine) else deleted_conflict(base, mover, not ours_moved, markers)
    if ours_moved:
        return merge_cell(base, mover, other, markers, machine)
    return merge_cell(base, other, mover, markers, machine)


def _merge_added(ours: list[Cell], theirs: list[Cell], markers: Markers, machine: frozenset[str]) -> list[Entry]:
    """Both sides filled an empty notebook (git's add/add): cells the sides share in content or
    by similarity merge as two edits of an empty cell, so where they differ they conflict."""
    from nbteam.merge.inserts import merge_inserts
    from nbteam.notebook.align import match_cells
    from nbteam.seq.gaps import gaps

    out: list[Entry] = []
    for (po, pt), (jo, jt), anchored in gaps(match_cells(ours, theirs), (len(ours), len(theirs))):
        out += merge_inserts([(c, []) for c in ours[po:jo]], [(c, []) for c in theirs[pt:jt]], markers)
        if anchored:
            empty: Cell = {"cell_type": ours[jo]["cell_type"], "metadata": {}, "source": ""}
            if empty["cell_type"] == "code":
                empty.update(outputs=[], execution_count=None)
            out.append(merge_cell(empty, ours[jo], theirs[jt], markers, machine))
    return out


def merge_cells(base: list[Cell], ours: list[Cell], theirs: list[Cell], markers: Markers,
                machine: frozenset[str] = frozenset(), in_place: bool = True, as_lines: bool = False,
                stories: list[set[str] | None] | None = None, record: list[Stretches] | None = None) -> list[Entry]:
    """Merge three versions of a (normalised) cell list into cells with their conflicts
    (`machine`: the team's own machine-metadata keys, besides nbteam.merge.machine's table;
    in_place: see match_cells; as_lines: conflicting stretches merged again as git merges lines,
    see nbteam.merge.lines; stories: id_stories(base, ours, theirs), if known; record: where the
    cells were aligned, their parts are appended to it, so the same merge as lines needs no second
    alignment, see stretches_as_lines)."""
    machine = machine_keys(CELL, machine)
    if not base and ours and theirs:
        return _merge_added(ours, theirs, markers, machine)
    if not as_lines and one_order(base, ours, theirs, stories=stories):
        # The alignment would pair every cell with its place (a property test checks it does): skip it.
        return [merge_cell(b, o, t, markers, machine) for b, o, t in zip(base, ours, theirs)]
    return _merge_aligned(base, ours, theirs, markers, machine, in_place, as_lines, stories, record)


def _merge_aligned(base: list[Cell], ours: list[Cell], theirs: list[Cell], markers: Markers,
                   machine: frozenset[str], in_place: bool, as_lines: bool = False,
                   stories: list[set[str] | None] | None = None, record: list[Stretches] | None = None) -> list[Entry]:
    """merge_cells for versions whose cells must be aligned first (ids missing, changed or reordered)."""
    from nbteam.notebook.align import align_runs, find_moves, match_cells, pair_lost_cells
    from nbteam.seq.gaps import gaps

    id_o, id_t = stories or id_stories(base, ours, theirs)
    pairs_o, pairs_t = align_runs(base, ours, theirs, match_cells(base, ours, id_o, in_place),
                                  match_cells(base, theirs, id_t, in_place),
                                  id_o, id_t)
    # A base cell neither side kept may have been rewritten by both: pair it more readily, so
    # two rewrites meet in one cell (and conflict there) instead of both passing as new cells.
    lost = sorted(set(range(len(base))) - {i for i, _ in pairs_o} - {i for i, _ in pairs_t})
    extra_o, extra_t = pair_lost_cells(base, ours, pairs_o, lost), pair_lost_cells(base, theirs, pairs_t, lost)
    both = extra_o.keys() & extra_t.keys()
    to_ours = dict(pairs_o) | {i: j for i, j in extra_o.items() if i in both}
    to_theirs = dict(pairs_t) | {i: j for i, j in extra_t.items() if i in both}
    moved_o = find_moves(base, ours, to_ours, id_o)
    moved_t = find_moves(base, theirs, to_theirs, id_t)
    theirs_move = {x: k for k, x in moved_t.items()}
    # A moved cell is emitted once, at its new place (ours' place if both moved it), merged;
    # placed[side][index] is that entry, or None where nothing is emitted.
    placed: tuple[dict[int, Entry | None], dict[int, Entry | None]] = ({}, {})
    for j, x in moved_o.items():
        other = theirs[to_theirs[x]] if x in to_theirs else theirs[theirs_move[x]] if x in theirs_move else None
        placed[0][j] = _merge_moved(base[x], ours[j], other, True, markers, machine)
        if x in theirs_move:
            placed[1][theirs_move[x]] = None
    for k, x in moved_t.items():
        if k not in placed[1]:
            placed[1][k] = _merge_moved(base[x], theirs[k], ours[to_ours[x]] if x in to_ours else None, False,
                                        markers, machine)
    moved = set(moved_o.values()) | set(moved_t.values())
    arrived = frozenset(id(e) for side in placed for e in side.values() if e is not None)

    def items(side: int, cells: list[Cell], back: dict[int, int], lo: int, hi: int) -> list[Item]:
        out: list[Item] = []
        for j in range(lo, hi):
            if j not in placed[side]:
                out.append((back.get(j), (cells[j], [])))
            elif (entry := placed[side][j]) is not None:
                out.append((None, entry))
        return out

    from_ours = {j: i for i, j in to_ours.items()}
    from_theirs = {j: i for i, j in to_theirs.items()}
    anchors = [(i, to_ours[i], to_theirs[i]) for i in range(len(base)) if i in to_ours and i in to_theirs]
    out: list[Entry] = []
    units: list[Unit] = []  # with as_lines: each part's base, ours, theirs ranges and its entries
    track = as_lines or record is not None
    for (pb, po, pt), (i, jo, jt), anchored in gaps(anchors, (len(base), len(ours), len(theirs))):
        if i > pb or jo > po or jt > pt:
            start = len(out)
            out += _merge_region(base[pb:i], items(0, ours, from_ours, po, jo), items(1, theirs, from_theirs, pt, jt),
                                 pb, moved, markers, arrived, machine)
            if track:
                units.append((pb, i, po, jo, pt, jt, start, len(out)))
        if anchored:
            out.append(merge_cell(base[i], ours[jo], theirs[jt], markers, machine))
            if track:
                units.append((i, i + 1, jo, jo + 1, jt, jt + 1, len(out) - 1, len(out)))
    fixed = (moved, set(placed[0]), set(placed[1]))
    if record is not None:
        record.append((units, fixed))
    if as_lines:
        from nbteam.merge.lines import merge_conflicting_stretches

        out = merge_conflicting_stretches(units, out, base, ours, theirs, fixed, markers)
    return out


# --- notebook -------------------------------------------------------------------------


def _mime_bundle(value: "Any") -> bool:
    """A MIME type -> data mapping as the schema allows it (text or a list of text; any JSON for JSON types)."""
    def ok(mime: str, data: "Any") -> bool:
        if mime.startswith("application/") and mime.endswith("json"):
            return True
        return isinstance(data, str) or (isinstance(data, list) and all(isinstance(x, str) for x in data))

    return isinstance(value, dict) and all(ok(k, v) for k, v in value.items())


def _valid_id(cid: "Any") -> bool:
    return isinstance(cid, str) and 0 < len(cid) <= 64 and _ID_CHARS.issuperset(cid)


def _fresh_id(cell: Cell, n: int, taken: set[str]) -> str:
    import hashlib

    seed = hashlib.sha1(f"{n}\0{cell['cell_type']}\0{cell['source']}".encode()).hexdigest()
    k = 8
    while seed[:k] in taken and k < 40:
        k += 1
    return seed[:k] if seed[:k] not in taken else f"{seed[:8]}-{n}"


def _finish_cells(cells: list[Cell], minor: int) -> list[Cell]:
    """Cells in schema shape for their type; ids unique and present for v4.5+, absent before."""
    out: list[Cell] = []
    taken: set[str] = set()
    for n, cell in enumerate(cells):
        shaped: Cell = {"cell_type": cell["cell_type"], "metadata": cell["metadata"], "source": cell["source"]}
        if cell["cell_type"] == "code":
            shaped["outputs"] = cell.get("outputs", [])
            shaped["execution_count"] = cell.get("execution_count")
        elif cell.get("attachments"):
            # Only what the schema allows (name -> MIME bundle): anything else cannot be shown anyway.
            attachments = {k: v for k, v in cell["attachments"].items() if _mime_bundle(v)}
            if attachments:
                shaped["attachments"] = attachments
        if minor >= 5:
            cid = cell.get("id")
            if not isinstance(cid, str) or not _valid_id(cid) or cid in taken:
                cid = _fresh_id(cell, n, taken)
            taken.add(cid)
            shaped["id"] = cid
        out.append(shaped)
    return out


def merge_notebooks(base: Notebook, ours: Notebook, theirs: Notebook, markers: Markers = Markers(),
                    keep_outputs: bool = False, machine: frozenset[str] = frozenset()) -> MergeResult:
    """Three-way merge of parsed v4 notebooks; outputs are stripped unless keep_outputs.

    `machine`: the team's own metadata keys that never conflict (`machine_metadata` setting)."""
    done: dict[int, Cell] = {}  # a cell the versions share is normalised once (see normalise_notebook)
    b, o, t = (normalise_notebook(nb, keep_outputs, done) for nb in (base, ours, theirs))
    # What ids say, worked out once for every merge_cells below and the checks.
    stories = id_stories(b["cells"], o["cells"], t["cells"])
    record: list[Stretches] = []  # how the cells were aligned, if they were (see merge_cells)
    entries = merge_cells(b["cells"], o["cells"], t["cells"], markers, machine, True, False, stories, record)
    in_place = True
    # Copies of equal cells are counted only where ids name no cells (fewer_copies_than_git): found once.
    idless = all(story is None for story in stories)
    if idless and not any(kinds for _, kinds in entries) and fewer_copies_than_git(b["cells"], o["cells"], t["cells"],
                                                                                   [c for c, _ in entries], False):
        # Without ids, which of several equal cells a side rewrote is a guess: read in place,
        # each side's rewrite may take a different copy, and a copy both sides keep is lost.
        # git's alignment (cells as lines) keeps it; the safety net below checks the retry.
        in_place = False
        record = []
        entries = merge_cells(b["cells"], o["cells"], t["cells"], markers, machine, in_place=False, stories=stories,
                              record=record)
    if any(kinds for _, kinds in entries):
        # Where git's line merge is clean around a conflict (a cell split, joined or rewritten on
        # one side), take it, unless that adds a doubled cell or a shortfall the checks below refuse.
        if record:  # merge_cells with as_lines is these entries, their conflicting stretches merged as lines
            from nbteam.merge.lines import merge_conflicting_stretches

            units, fixed = record[-1]
            again = merge_conflicting_stretches(units, entries, b["cells"], o["cells"], t["cells"], fixed, markers)
        else:
            again = merge_cells(b["cells"], o["cells"], t["cells"], markers, machine, in_place, as_lines=True,
                                stories=stories)
        cells = [c for c, _ in again]
        doubled = doubled_cells(b["cells"], o["cells"], t["cells"], cells)
        if any(kinds for _, kinds in again):
            if set(doubled) <= set(doubled_cells(b["cells"], o["cells"], t["cells"], [c for c, _ in entries])):
                entries = again
        elif not doubled and not fewer_copies_than_git(b["cells"], o["cells"], t["cells"], cells, not idless):
            entries = again

    metadata, bad = merge_values(b["metadata"], o["metadata"], t["metadata"], lists=True)
    quiet = machine_keys(NOTEBOOK, machine)
    metadata, shown = machine_ours(metadata, b["metadata"], o["metadata"], t["metadata"], quiet), quiet_filter(bad, quiet)
    if shown:
        from nbteam.notebook.markers import NOTEBOOK_METADATA_NOTE, ConflictKind

        block = field_block(markers, ConflictKind.METADATA, shown, b["metadata"], o["metadata"], t["metadata"])
        cell = {"cell_type": "raw", "metadata": {}, "source": NOTEBOOK_METADATA_NOTE + block}
        entries.insert(0, (cell, [ConflictKind.METADATA]))

    minor, bad = merge_values(b["nbformat_minor"], o["nbformat_minor"], t["nbformat_minor"])
    if bad:
        minor = max(o["nbformat_minor"], t["nbformat_minor"])
    cells = _finish_cells([c for c, _ in entries], minor)
    missing = lost_lines(b["cells"], o["cells"], t["cells"], cells)
    if missing:  # a bug, never a merge: the caller falls back to a text merge with markers
        raise LostWorkError(f"{len(missing)} line(s) added by a side are missing from the merge, "
                            f"e.g. {missing[0][:60]!r}")
    nb = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": minor}
    conflicts = written_conflicts(nb, [kinds for _, kinds in entries], markers.size)
    doubled = [] if conflicts else doubled_cells(b["cells"], o["cells"], t["cells"], cells)
    if doubled:  # both sides added a cell alike and the clean merge holds it twice: a bug
        raise LostWorkError(f"{len(doubled)} cell(s) both sides added alike would be added twice, "
                            f"e.g. {doubled[0][:60]!r}")
    fewer = [] if conflicts or not idless else fewer_copies_than_git(b["cells"], o["cells"], t["cells"], cells, False)
    if fewer:  # git, each cell one line, keeps a copy the clean merge lost: a bug
        raise LostWorkError(f"{len(fewer)} cell(s) kept fewer times than git merge-file keeps them, "
                            f"e.g. {fewer[0][:60]!r}")
    return MergeResult(nb, conflicts)


def written_conflicts(nb: Notebook, kinds: list[CellConflicts], size: int) -> list[Conflict]:
    """The notebook's conflicts as `resolve` reads them, each one the merge wrote among them.

    A cell may also hold blocks that merged cleanly (a tutorial's example markers, say): they are
    listed too, since `resolve` and the merge tool count them when they index conflicts."""
    if not any(kinds):
        return []
    from nbteam.notebook.conflicts import find_conflicts  # only a merge with conflicts pays for the record

    found = find_conflicts(nb, size)
    read_in: dict[int, list[ConflictKind]] = {}
    for c in found:
        read_in.setdefault(c.cell, []).append(c.kind)
    for n, wrote in enumerate(kinds):
        read = read_in.get(n, [])
        for kind in wrote:
            if kind not in read:  # an invisible conflict: a bug, never a merge
                raise LostWorkError(f"a {kind.value} conflict written in cell {n + 1} does not read back as one")
            read.remove(kind)
    return found


class LostWorkError(NbteamError, RuntimeError):
    """The merge would drop lines that one side added, or apply a shared change twice: a safety
    check caught an nbteam bug."""


def _lines(cells: list[Cell], skip: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The stripped non-blank lines of the cells, but those whose source is in `skip`."""
    lines = set(map(str.strip, "\n".join(c["source"] for c in cells if c["source"] not in skip).splitlines()))
    lines.discard("")
    return lines


def fewer_copies_than_git(base: list[Cell], ours: list[Cell], theirs: list[Cell], merged: list[Cell],
                          ids: bool | None = None) -> list[str]:
    """Without ids: cells a clean `git merge-file` of the cells (each one line) keeps more often
    than merged does, save cells unique in base (a delete wins over a move: the documented rule).
    (ids: whether ids mean something between base and either side, if known.)"""
    if ids is None:
        ids = any(story is not None for story in id_stories(base, ours, theirs))
    if ids:
        return []
    tokens: dict[tuple[str, str], str] = {}

    def lines(cells: list[Cell]) -> list[str]:
        return [tokens.setdefault((c["cell_type"], c["source"]), f"{len(tokens)}\n") for c in cells]

    b, o, t, m = lines(base), lines(ours), lines(theirs), lines(merged)
    from collections import Counter

    if b == o or b == t or o == t:  # git's result without a diff: the side that changed
        want = t if b == o else o
    else:
        from nbteam.seq.merge3 import merge3_lines

        want, conflicts = merge3_lines(b, o, t)
        if conflicts:
            return []
    source = {v: k[1] for k, v in tokens.items()}
    once = Counter(b)
    return sorted(source[x] for x, n in (Counter(want) - Counter(m)).items() if once[x] != 1)


def doubled_cells(base: list[Cell], ours: list[Cell], theirs: list[Cell], merged: list[Cell]) -> list[str]:
    """Cells both sides added alike (as often on each side, more often than in base) that a clean
    merge holds more often than either side: a shared change applied twice."""
    def counts(cells: list[Cell]) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in cells:
            if c["source"].strip():
                out[c["source"]] = out.get(c["source"], 0) + 1
        return out

    b, o, t, m = counts(base), counts(ours), counts(theirs), counts(merged)
    return sorted(s for s, n in o.items() if t.get(s) == n > b.get(s, 0) and m.get(s, 0) > n)


def lost_lines(base: list[Cell], ours: list[Cell], theirs: list[Cell], merged: list[Cell]) -> list[str]:
    """Lines either side added (not anywhere in base) that the merged cells lack.

    A correct merge keeps them all: in merged cells, or inside conflict markers."""
    # A cell whose source is a base cell's adds no line (and holds no added line): only the
    # changed cells are read, so a big notebook with few changes costs little.
    unchanged = {c["source"] for c in base}
    added = _lines(ours, unchanged) | _lines(theirs, unchanged)
    if added:  # base's lines are read only for lines the merge lacks (few or none): they are many
        added -= _lines(merged, unchanged)
    return sorted(added - _lines(base)) if added else []
