"""The merge tool's state, free of Textual: the conflicts, the choice made for each, undo.

Every conflict found when the tool opened stays in the list, open or with a choice (a side, or
text edited by hand). The notebook to write is always recomputed from the original and the
choices, in document order, through the pure resolution API (nbteam.merge.resolve), so a
choice can be changed or undone at any time and nothing is applied twice.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from nbteam.errors import NbteamError
from nbteam.merge.resolve import Side, removed_cells, replace_conflict, resolve_conflict
from nbteam.notebook.conflicts import Conflict, find_conflicts
from nbteam.notebook.io import join_source
from nbteam.notebook.markers import DELETED_NOTE, INSERTED_NOTE, ConflictKind
from nbteam.seq.markers import Markers
from nbteam.seq.style import ConflictStyle

Notebook = dict[str, Any]
# What was decided for a conflict: a side, or the text that replaces the conflict block.
Choice = Side | str

CHOICE_NAMES = {Side.OURS: "ours", Side.THEIRS: "theirs", Side.BOTH: "both"}


class EditError(NbteamError):
    """Text edited by hand cannot replace a conflict (it still holds conflict markers)."""


def choice_name(choice: Choice | None) -> str:
    """"ours", "theirs", "both", "edited" or "open"."""
    if choice is None:
        return "open"
    return CHOICE_NAMES[choice] if isinstance(choice, Side) else "edited"


def deletes_cell(label: str) -> bool:
    """True if a side's marker label says that side deleted the cell (a delete/modify conflict)."""
    return label.endswith(DELETED_NOTE)


def plain_label(label: str) -> str:
    """A side's label without the delete or insert note."""
    for note in (DELETED_NOTE, INSERTED_NOTE):
        if label.endswith(note):
            return label[: -len(note)]
    return label


def shown_label(label: str, names: dict[str, str]) -> str:
    """A side's label as the tool shows it: without the delete note, a bare commit id described."""
    plain = plain_label(label)
    return names.get(plain, plain)


def changed_lines(base: str | None, text: str) -> set[int]:
    """0-based lines of `text` that are not lines of `base` kept in place (all of them without a base)."""
    lines = text.splitlines()
    if base is None:
        return set(range(len(lines)))
    matcher = difflib.SequenceMatcher(None, base.splitlines(), lines, autojunk=False)
    kept = {j + k for _, j, size in matcher.get_matching_blocks() for k in range(size)}
    return set(range(len(lines))) - kept


def conflict_block(conflict: Conflict) -> str:
    """A conflict as a block at its own marker size (diff3 style when it has a base): the start for a hand edit."""
    markers = Markers(size=conflict.block.size, style=ConflictStyle.DIFF3, ours=conflict.ours_label,
                      theirs=conflict.theirs_label)
    return markers.block(conflict.ours, conflict.theirs, conflict.base)


@dataclass
class Resolved:
    """The notebook the current choices give, and where each conflict's cell went in it."""

    notebook: Notebook
    cells: list[int | None]  # per conflict: the cell's index in `notebook`, None if a choice removed it


class Session:
    """The conflicts of one notebook and the choices made so far."""

    def __init__(self, notebook: Notebook, size: int = 7):
        """The conflicts of a parsed notebook (markers `size` long), all open, the first one current."""
        self.original, self.size = notebook, size
        self.names: dict[str, str] = {}  # how to show some labels: a pull's bare commit id as `abc1234 (subject)`
        self.conflicts: list[Conflict] = find_conflicts(notebook, size)
        self.choices: dict[int, Choice] = {}
        self.current = 0
        self._undo: list[tuple[int, Choice | None]] = []  # (conflict, its choice before)
        self._resolved: Resolved | None = None

    # --- reading ----------------------------------------------------------------------------------

    @property
    def conflict(self) -> Conflict:
        """The conflict under the cursor."""
        return self.conflicts[self.current]

    def choice(self, index: int | None = None) -> Choice | None:
        """The choice made for a conflict (the current one by default), None while open."""
        return self.choices.get(self.current if index is None else index)

    @property
    def left(self) -> int:
        """How many conflicts have no choice yet."""
        return len(self.conflicts) - len(self.choices)

    @property
    def changed(self) -> bool:
        """True once any choice is made (there is something to lose by quitting)."""
        return bool(self.choices)

    def resolved(self) -> Resolved:
        """The notebook with every choice applied (cached until the next choice)."""
        if self._resolved is None:
            self._resolved = self._apply(self.choices)
        return self._resolved

    def cell_source(self, index: int | None = None) -> str | None:
        """The source of a conflict's cell as it will be written, None if a choice removed the cell."""
        resolved = self.resolved()
        at = resolved.cells[self.current if index is None else index]
        return None if at is None else join_source(resolved.notebook["cells"][at].get("source"))

    def cell(self, index: int | None = None) -> dict[str, Any] | None:
        """A conflict's cell as it will be written (None if removed)."""
        resolved = self.resolved()
        at = resolved.cells[self.current if index is None else index]
        return None if at is None else resolved.notebook["cells"][at]

    def _apply(self, choices: dict[int, Choice]) -> Resolved:
        """Apply choices in document order; resolving a conflict removes it, so later indices shift down."""
        nb = self.original
        alive = list(range(len(nb.get("cells", []))))  # the original index of each cell left
        for done, index in enumerate(sorted(choices)):
            choice, now = choices[index], index - done
            before = len(nb.get("cells", []))
            if isinstance(choice, Side):
                gone = removed_cells(find_conflicts(nb, self.size)[now], choice)
                nb = resolve_conflict(nb, now, choice, self.size)
            else:
                gone = set()
                nb = replace_conflict(nb, now, choice, self.size)
            if not gone and len(nb.get("cells", [])) < before:  # a notebook-metadata cell with its last block
                gone = {alive.index(self.conflicts[index].cell)}
            alive = [cell for k, cell in enumerate(alive) if k not in gone]
        where = {cell: k for k, cell in enumerate(alive)}
        cells: list[int | None] = []
        for conflict in self.conflicts:
            # An insert/insert conflict's own cell is a marker cell: show the first cell kept of its block.
            span = range(conflict.cell, conflict.block.end) if conflict.kind is ConflictKind.INSERT_INSERT else ()
            cells.append(where.get(conflict.cell, next((where[c] for c in span if c in where), None)))
        return Resolved(nb, cells)

    # --- changing ---------------------------------------------------------------------------------

    def choose(self, choice: Choice) -> None:
        """Decide the current conflict (EditError, and nothing changed, if edited text keeps markers)."""
        if isinstance(choice, str) and self.conflict.kind is ConflictKind.INSERT_INSERT:
            raise EditError("cells both sides inserted are resolved by taking ours, theirs or both")
        before = self.choices.get(self.current)
        trial = {**self.choices, self.current: choice}
        resolved = self._apply(trial)
        left = len(find_conflicts(resolved.notebook, self.size))
        if isinstance(choice, str) and left != len(self.conflicts) - len(trial):
            raise EditError("the edited text still has conflict markers; edit it again or take a side")
        self.choices, self._resolved = trial, resolved
        self._undo.append((self.current, before))

    def undo(self) -> int | None:
        """Take back the last choice; returns the conflict it was on (now current), or None."""
        if not self._undo:
            return None
        index, before = self._undo.pop()
        if before is None:
            self.choices.pop(index, None)
        else:
            self.choices[index] = before
        self._resolved = None
        self.current = index
        return index

    def move(self, step: int) -> bool:
        """Go to the next (+1) or previous (-1) conflict; False at either end."""
        target = self.current + step
        if not 0 <= target < len(self.conflicts):
            return False
        self.current = target
        return True

    def next_open(self) -> bool:
        """Go to the next conflict without a choice (wrapping around); False if none is left."""
        count = len(self.conflicts)
        for step in range(1, count + 1):
            index = (self.current + step) % count
            if index not in self.choices:
                self.current = index
                return True
        return False

