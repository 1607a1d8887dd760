"""The one conflict record: what a merge leaves, and what `resolve`, the merge tool and `conflicts` read.

A notebook's conflicts are its conflict blocks in document order, and they are carried by their
index in that list. Everything inside is 0-based; only what is printed says `cell N` from 1.
Not imported by a clean merge (dataclasses costs the driver's start-up): a merge that left
conflicts, and the tools that read them, import it.
"""
from __future__ import annotations

from dataclasses import dataclass

from nbteam.notebook.io import Notebook, join_source
from nbteam.notebook.markers import DELETED_NOTE, ConflictKind, block_kind
from nbteam.seq.markers import Block, find_blocks


@dataclass(frozen=True)
class Conflict:
    """One conflict block in a notebook: its cell (0-based index), kind, and the block with its three sides."""

    cell: int
    cell_type: str
    kind: ConflictKind
    block: Block

    @property
    def number(self) -> int:
        """The cell's number as printed (1-based)."""
        return self.cell + 1

    @property
    def ours(self) -> str:
        """Our side's lines."""
        return self.block.ours

    @property
    def theirs(self) -> str:
        """Their side's lines."""
        return self.block.theirs

    @property
    def base(self) -> str | None:
        """The base's lines (None unless a diff3 style wrote them)."""
        return self.block.base

    @property
    def ours_label(self) -> str:
        """Our marker's label, notes included."""
        return self.block.ours_label

    @property
    def theirs_label(self) -> str:
        """Their marker's label, notes included."""
        return self.block.theirs_label

    @property
    def ours_deleted(self) -> bool:
        """True for a delete/modify conflict where our side deleted the cell."""
        return self.block.ours_label.endswith(DELETED_NOTE)

    @property
    def first_line(self) -> str:
        """The first non-blank line of either side: what a one-line listing shows."""
        return next((line.strip() for line in (self.ours + self.theirs).splitlines() if line.strip()), "")


def find_conflicts(nb: Notebook, size: int = 7) -> list[Conflict]:
    """Every conflict block in the notebook's cells, in document order, at the given marker size."""
    found: list[Conflict] = []
    for n, cell in enumerate(nb.get("cells", [])):
        if isinstance(cell, dict):
            for block in find_blocks(join_source(cell.get("source")), size):
                found.append(Conflict(n, str(cell.get("cell_type")), block_kind(block), block))
    return found
