"""The commit guard's rule for marker text that is not a conflict to resolve (pure functions, no git).

A complete conflict block in a staged notebook stops the commit, unless:
- the same block already stands in that cell in HEAD, or in a version of the notebook git
  merged into it (its resolve-undo record): it was committed before, so this commit does not
  introduce it (a tutorial that shows markers can be edited elsewhere);
- it is in a markdown cell, inside a fenced code block (``` or ~~~), git records no merge of the
  notebook (no resolve-undo record whose ours is the notebook the commit replaces), and the
  cell in HEAD did not have that fenced block with our side's lines in place of the markers
  (what a merge leaves): example text, the way a tutorial shows what a conflict looks like.
A merge, rebase, cherry-pick, revert, `git am -3`, `git stash pop` or `git checkout -m` leaves a
conflicted notebook unmerged, and `git add` (or `nbteam resolve --add`, or `git mergetool`)
keeps that record, so a conflict a merge left inside a fenced block is still refused.
"""
from __future__ import annotations

from nbteam.notebook.conflicts import Conflict, find_conflicts
from nbteam.notebook.io import Notebook, join_source
from nbteam.notebook.markers import ConflictKind
from nbteam.seq.markers import find_blocks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

FENCES = ("```", "~~~")


def fences(text: str) -> list[tuple[int, int]]:
    """The fenced code blocks of a markdown text: for each, 0-based (opening fence line, closing
    fence line); an unclosed fence runs to the end (its closing line is the line count)."""
    found: list[tuple[int, int]] = []
    fence, opened = "", 0
    lines = text.splitlines()
    for n, line in enumerate(lines):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        run = body[: len(body) - len(body.lstrip(body[:1]))] if body[:3] in FENCES else ""
        if fence:
            if indent < 4 and run.startswith(fence) and not body[len(run):].strip():
                found.append((opened, n))
                fence = ""
        elif indent < 4 and run:
            fence, opened = run, n
    return found + [(opened, len(lines))] if fence else found


def _source(cell: Any) -> str:
    return join_source(cell.get("source")) if isinstance(cell, dict) else ""


def _earlier_texts(cell: dict[str, Any], earlier: Sequence[Notebook]) -> list[str]:
    """The sources of the cell's earlier versions (by id; without ids, every earlier cell)."""
    cells = [c for nb in earlier for c in nb.get("cells", []) if isinstance(c, dict)]
    if cell.get("id") is not None:
        return [_source(c) for c in cells if c.get("id") == cell.get("id")]
    return [_source(c) for c in cells]


def _same_insert_conflict(c: Conflict, earlier: Sequence[Notebook], size: int) -> bool:
    """True if an earlier version holds the same insert/insert conflict (its marker cells and cells)."""
    key = (c.block.ours_label, c.block.theirs_label, c.ours, c.theirs)
    return any(old.kind is ConflictKind.INSERT_INSERT and (old.block.ours_label, old.block.theirs_label,
                                                            old.ours, old.theirs) == key
               for nb in earlier for old in find_conflicts(nb, size))


def conflicts_to_refuse(nb: Notebook, head: Notebook | None, size: int = 7,
                        merged: Sequence[Notebook] | None = None) -> list[Conflict]:
    """The conflict blocks of a staged notebook that its commit must not record (see the module doc).

    `merged`: the versions of the notebook git's record of a merge of it holds (base, ours,
    theirs, those there are), or None when git records none."""
    earlier = [v for v in (head, *(merged or ())) if v is not None]
    refused: list[Conflict] = []
    for c in find_conflicts(nb, size):
        if held_by(nb, c, earlier, size):
            continue  # committed before: not introduced by this commit
        if c.kind is not ConflictKind.INSERT_INSERT and c.cell_type == "markdown" and merged is None and _example(
                _source(nb["cells"][c.cell]), c, _earlier_texts(nb["cells"][c.cell], earlier), size):
            continue  # example text in a markdown cell's fenced block, in a notebook nothing merged
        refused.append(c)
    return refused


def held_by(nb: Notebook, c: Conflict, versions: Sequence[Notebook], size: int = 7) -> bool:
    """True if the conflict block already stands in its cell in one of `versions` (by cell id; without
    ids, in any cell), or the versions hold the same insert/insert conflict: text a version holds
    (a tutorial's example), not a conflict written between them."""
    if c.kind is ConflictKind.INSERT_INSERT:
        # Its block spans cells (start and end are cell indexes): compare whole conflicts.
        return _same_insert_conflict(c, versions, size)
    text = _source(nb["cells"][c.cell])
    block_text = "".join(text.splitlines(keepends=True)[c.block.start:c.block.end])
    return any(block_text in old for old in _earlier_texts(nb["cells"][c.cell], versions))


def _example(text: str, c: Conflict, earlier: list[str], size: int) -> bool:
    """True if the block lies inside a fenced block that was not, in an earlier version of the cell,
    that same fenced block with our side's lines and no markers: that is what a merge leaves."""
    lines = text.splitlines(keepends=True)
    fence = next(((a, b) for a, b in fences(text) if a < c.block.start and c.block.end <= b), None)
    if fence is None:
        return False
    a, b = fence
    ours, at = [], a  # the fenced block as ours had it: each block in it replaced by our side
    for block in find_blocks(text, size):
        if a < block.start and block.end <= b:
            ours += [*lines[at:block.start], block.ours]
            at = block.end
    as_ours = "".join([*ours, *lines[at:b + 1]])
    return not any(as_ours in old for old in earlier)
