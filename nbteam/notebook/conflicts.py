"""The one conflict record: what a merge leaves, and what `resolve`, the merge tool and `conflicts` read.

A notebook's conflicts are its conflict blocks in document order, and they are carried by their
index in that list. Everything inside is 0-based; only what is printed says `cell N` from 1.
Most blocks sit inside one cell's source. An insert/insert block spans cells: raw cells holding
only its marker lines enclose our inserted cells and theirs (nbteam.merge.inserts).
Not imported by a clean merge (dataclasses costs the driver's start-up): a merge that left
conflicts, and the tools that read them, import it.
"""
from __future__ import annotations

from dataclasses import dataclass

from nbteam.notebook.io import Notebook, join_source
from nbteam.notebook.markers import DELETED_NOTE, INSERTED_NOTE, ConflictKind, block_kind
from nbteam.seq.markers import Block, find_blocks, is_marker, marker_label, opener_size


@dataclass(frozen=True)
class Conflict:
    """One conflict block in a notebook: its cell (0-based index), kind, and the block with its three sides.

    For an insert/insert conflict, `cell` is the opening marker cell, the block's start and end are
    cell indexes (the closing marker cell is end - 1), `separator` is the `=======` cell's index,
    and ours and theirs are the sources of each side's cells, a blank line apart."""

    cell: int
    cell_type: str
    kind: ConflictKind
    block: Block
    separator: int = -1

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
    """Every conflict in the notebook, in document order, its markers of any size from `size` up."""
    cells = [c if isinstance(c, dict) else {} for c in nb.get("cells", [])]
    found = _insert_conflicts(cells, size)
    for n, cell in enumerate(cells):
        for block in find_blocks(join_source(cell.get("source")), size):
            found.append(Conflict(n, str(cell.get("cell_type")), block_kind(block), block))
    return sorted(found, key=lambda c: c.cell)  # stable: a cell's blocks stay in line order


def _marker_line(cell: dict) -> str | None:
    """The source of a cell that holds one line and nothing else (a marker cell's), else None."""
    source = join_source(cell.get("source"))
    return source if source and "\n" not in source.rstrip("\n") else None


def _texts(cells: list[dict]) -> str:
    return "\n".join(join_source(c.get("source")).rstrip("\n") + "\n" for c in cells)


def _insert_conflicts(cells: list[dict], size: int) -> list[Conflict]:
    """The insert/insert conflicts: an opening marker cell, cells, `=======`, cells, a closing one."""
    found: list[Conflict] = []
    i = 0
    while i < len(cells):
        source = cells[i].get("source")
        if type(source) is str and source[:1] != "<":  # no opening marker cell (most cells: no more work)
            i += 1
            continue
        line = _marker_line(cells[i])
        n = opener_size(line, size) if line and line.rstrip("\n").endswith(INSERTED_NOTE) else 0
        separator = close = -1
        for j in range(i + 1, len(cells) if n else i):
            inner = _marker_line(cells[j])
            if inner is None:
                continue
            if opener_size(inner, n):
                break  # as with markers in text, a block never holds an opener as long as its own
            if separator < 0 and inner.rstrip("\n") == "=" * n:
                separator = j
            elif separator >= 0 and is_marker(inner, ">", n) and inner.rstrip("\n").endswith(INSERTED_NOTE):
                close = j
                break
        if close < 0:
            i += 1
            continue
        closing = join_source(cells[close].get("source"))
        block = Block(i, close + 1, n, marker_label(line or "", n), marker_label(closing, n),
                      _texts(cells[i + 1:separator]), None, _texts(cells[separator + 1:close]))
        found.append(Conflict(i, str(cells[i].get("cell_type")), ConflictKind.INSERT_INSERT, block, separator))
        i = close + 1
    return found
