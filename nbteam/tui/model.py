"""What the TUI shows, as pure functions: status marks, labels, the filter, the tree's grouping.

Kept free of Textual so it can be tested and reused without a terminal.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar, Sequence

from nbteam.config import Config
from nbteam.scratch.copies import CopyCell, CopyState
from nbteam.scratch.plan import CELL_CHANGED, IN_SYNC, INVALID, MODULE_CHANGED, NEW, STATES
from nbteam.scratch.scan import CellInfo, NotebookInfo

# state -> (mark, Rich style). Marks are plain characters so they survive any terminal font.
MARKS: dict[str | None, tuple[str, str]] = {
    NEW: ("+", "bold cyan"),
    IN_SYNC: ("✓", "green"),
    CELL_CHANGED: ("~", "bold yellow"),
    MODULE_CHANGED: ("!", "bold red"),
    INVALID: ("✗", "magenta"),
    None: ("·", "dim"),  # not a %%writefile cell
}

# A copy's cells (`scratch new --from`) against the team notebook they flow back into.
COPY_MARKS: dict[CopyState, tuple[str, str]] = {
    CopyState.CHANGED: ("⇡~", "bold yellow"),
    CopyState.ADDED: ("⇡+", "bold cyan"),
    CopyState.DELETED: ("⇡-", "bold red"),
    CopyState.IN_SYNC: ("⇡✓", "green"),
}

LEGEND = {
    NEW: "never promoted",
    IN_SYNC: "promoted; nothing changed since",
    CELL_CHANGED: "cell edited since promotion; promote to update",
    MODULE_CHANGED: "module edited by someone else; needs force",
    INVALID: "target outside the repository, or bad syntax",
}


# A Ref's identity across reloads: (kind, branch, user, notebook path, cell key).
RefKey = tuple[str, str | None, str | None, str | None, str | None]
# One line of a notebook in the tree: a cell, or a copy's cell against its origin.
Row = CellInfo | CopyCell
# A notebook with the rows the tree lists for it, in notebook order.
Listed = tuple[NotebookInfo, list[Row]]


@dataclass(frozen=True)
class Workspace:
    """What the browser works on: the repository, its settings and who is promoting."""

    root: Path
    config: Config
    user: str | None = None
    user_error: str | None = None  # why there is no user (browsing works, promoting says this)
    branches: bool = False  # also list other branches' scratchpads (read-only)


@dataclass(frozen=True, kw_only=True)
class Ref:
    """What a tree node stands for; `branch` None means the work tree (promotable).

    A plain Ref is a note line (a message, nothing to act on); the subclasses are the
    branch, user, notebook and cell nodes.
    """

    KIND: ClassVar[str] = "note"
    branch: str | None = None
    user: str | None = None

    @property
    def key(self) -> RefKey:
        """Stable identity across reloads, to keep the cursor where it was."""
        return (self.KIND, self.branch, self.user, None, None)


@dataclass(frozen=True, kw_only=True)
class BranchRef(Ref):
    """A branch's read-only scratchpads."""

    KIND = "branch"
    branch: str


@dataclass(frozen=True, kw_only=True)
class UserRef(Ref):
    """One person's scratch folder (on the work tree or a branch)."""

    KIND = "user"
    user: str


@dataclass(frozen=True, kw_only=True)
class NotebookRef(Ref):
    """One scratchpad."""

    KIND = "notebook"
    user: str
    notebook: NotebookInfo

    @property
    def key(self) -> RefKey:
        """Stable identity across reloads, to keep the cursor where it was."""
        return (self.KIND, self.branch, self.user, self.notebook.path, self.cell_key)

    @property
    def cell_key(self) -> str | None:
        """The cell's id (or "#N") for cell nodes; None for the notebook itself."""
        return None


@dataclass(frozen=True, kw_only=True)
class CopyCellRef(NotebookRef):
    """A cell of a copy that differs from (or was promoted back into) its origin notebook."""

    KIND = "copy cell"
    copy: CopyCell

    @property
    def cell_key(self) -> str | None:
        """The copy cell's id."""
        return self.copy.key


@dataclass(frozen=True, kw_only=True)
class OriginRef(Ref):
    """A team notebook, with its copies' cells that flow back into it (the team get-together)."""

    KIND = "origin"
    origin: str

    @property
    def key(self) -> RefKey:
        """Stable identity across reloads, to keep the cursor where it was."""
        return (self.KIND, None, None, self.origin, None)


@dataclass(frozen=True, kw_only=True)
class OriginCopyRef(NotebookRef):
    """One teammate's copy, under the team notebook it was copied from."""

    KIND = "origin copy"


@dataclass(frozen=True, kw_only=True)
class OriginCellRef(CopyCellRef):
    """A copy's cell listed under its origin (the same cell as under its user, another place in the tree)."""

    KIND = "origin cell"


@dataclass(frozen=True, kw_only=True)
class CellRef(NotebookRef):
    """One cell of a scratchpad."""

    KIND = "cell"
    cell: CellInfo

    @property
    def cell_key(self) -> str | None:
        """The cell's id, or "#N" without ids."""
        return self.cell.key


def visible_cells(nb: NotebookInfo, show_all: bool) -> list[CellInfo]:
    """The cells the tree lists for a notebook: `%%writefile` cells, or every cell."""
    return list(nb.cells) if show_all else nb.promotable()


def notebook_rows(nb: NotebookInfo, show_all: bool, keep: Callable[[CellInfo], bool] | None = None) -> list[Row]:
    """A notebook's tree lines in order, each cell once: a copy's cell that differs from its origin
    shows as that copy cell (its state against the origin), in its place; cells the copy deleted last.

    keep (a filter) also lists the cells it accepts, %%writefile or not, and only those.
    """
    copies = {c.key: c for c in nb.copy_cells}
    rows: list[Row] = []
    for cell in nb.cells:
        copy = copies.pop(cell.key, None)
        if keep is not None:
            if keep(cell):
                rows.append(copy or cell)
        elif copy is not None:
            rows.append(copy)
        elif show_all or cell.promotable:
            rows.append(cell)
    if keep is None:
        rows.extend(copies.values())
    return rows


def cell_matches(cell: CellInfo, needle: str) -> bool:
    """True if the lowercase needle is in the cell's source or resolved target."""
    return needle in cell.source.lower() or (cell.target is not None and needle in cell.target.lower())


def filter_notebooks(notebooks: list[NotebookInfo], text: str, show_all: bool) -> list[Listed]:
    """Notebooks and their rows to show for a filter text (case-insensitive).

    A match on the user, the notebook path or a copy's origin keeps all its visible rows;
    otherwise a notebook is kept with just the cells whose source or target match (any cell,
    not only `%%writefile` ones, so what matched is on screen), or dropped if none do.
    """
    needle = text.strip().lower()
    out: list[Listed] = []
    for nb in notebooks:
        if not needle or any(needle in name.lower() for name in (nb.user, nb.path, nb.origin or "")):
            out.append((nb, notebook_rows(nb, show_all)))
            continue
        hits = notebook_rows(nb, show_all, lambda cell: cell_matches(cell, needle))
        hits += [c for c in nb.copy_cells if c.number is None and needle in c.first_line.lower()]
        if hits:
            out.append((nb, hits))
    return out


def by_origin(items: list[Listed]) -> dict[str, list[Listed]]:
    """origin -> [(copy, its copy cells)] for the work tree's copies of team notebooks, sorted.

    What the team reviews together: every teammate's cells that differ from the team notebook
    (and those already promoted back, marked in sync). Built from the scan's copy cells.
    """
    groups: dict[str, list[Listed]] = {}
    for nb, rows in sorted(items, key=lambda it: (it[0].origin or "", it[0].user, it[0].path)):
        copies: list[Row] = [r for r in rows if isinstance(r, CopyCell)]
        if nb.origin is not None and nb.branch is None and copies:
            groups.setdefault(nb.origin, []).append((nb, copies))
    return groups


def group(items: list[Listed], me: str | None) -> dict[str | None, dict[str, list[Listed]]]:
    """branch -> user -> [(notebook, cells)], work tree (None) first, `me` first among users."""
    groups: dict[str | None, dict[str, list[Listed]]] = {}
    for nb, cells in sorted(items, key=lambda it: (it[0].branch is not None, it[0].branch or "",
                                                    it[0].user != me, it[0].user, it[0].path)):
        groups.setdefault(nb.branch, {}).setdefault(nb.user, []).append((nb, cells))
    return groups


def counts(cells: Sequence[Row]) -> dict[str, int]:
    """How many promotable cells are in each state (copy cells are counted by copy_summary)."""
    out: dict[str, int] = {}
    for c in cells:
        if isinstance(c, CellInfo) and c.state is not None:
            out[c.state] = out.get(c.state, 0) + 1
    return out


def summary(cells: Sequence[Row]) -> list[tuple[str, str]]:
    """(text, style) pieces like '+2 ~1' for a notebook or user label, in state order."""
    n = counts(cells)
    return [(f"{MARKS[s][0]}{n[s]}", MARKS[s][1]) for s in STATES if n.get(s)]


def cell_text(cell: CellInfo, width: int = 40) -> str:
    """A cell's label without its mark: number, then target (`-a` for append) or first line."""
    if cell.magic is not None:
        # The tree column is narrow: the file name here, the full path in the detail pane.
        what = ("-a " if cell.magic.append else "→ ") + (cell.target or cell.magic.target).rsplit("/", 1)[-1]
    elif cell.error is not None:
        what = cell.first_line
    else:
        kind = {"code": "", "markdown": "[md] "}.get(cell.cell_type, f"[{cell.cell_type}] ")
        what = kind + cell.first_line
    text = f"{cell.number:>2} {what}"
    return text if len(text) <= width else text[: width - 1] + "…"


def describe_state(cell: CellInfo) -> str:
    """One line on the cell's state and why."""
    if cell.error is not None:
        return f"{INVALID}: {cell.error}"
    if cell.plan is None:
        return "not a %%writefile cell: start it with `%%writefile path/to/module.py` to make it promotable"
    text = f"{cell.plan.state}: {cell.plan.reason}"
    if cell.plan.refusal and cell.plan.state != MODULE_CHANGED:
        text += f" (needs force: {cell.plan.refusal})"
    return text


def copy_cell_text(copy: CopyCell, width: int = 40) -> str:
    """A copy cell's label without its mark: number (or – if deleted), first line."""
    number = f"{copy.number:>2}" if copy.number is not None else " –"
    text = f"{number} {copy.first_line or '(empty)'}"
    return text if len(text) <= width else text[: width - 1] + "…"


def copy_summary(rows: Sequence[Row]) -> list[tuple[str, str]]:
    """(text, style) like '⇡2' for the copy cells that would flow back (not in sync)."""
    waiting = [c for c in rows if isinstance(c, CopyCell) and c.promotable]
    return [(f"⇡{len(waiting)}", "bold cyan")] if waiting else []


def one_line(message: str) -> str:
    """An error message as one status line (its lines joined)."""
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


def empty_message(scratch_dir: str) -> str:
    """What the TUI says when a repository has no scratchpads yet."""
    return (
        f"No scratchpads yet.\n\n"
        f"Each person experiments in their own notebooks under {scratch_dir}/<user>/,\n"
        "so nobody's edits conflict. Create yours with\n\n"
        "    nbteam scratch new NAME\n"
        "    nbteam scratch new --from analysis.ipynb\n\n"
        "then start a ready cell with `%%writefile ../../teamlib/module.py`\n"
        "and press r here to refresh."
    )
