"""The commit guard's rule for marker text that is not a conflict to resolve (pure functions, no git).

A complete conflict block in a staged notebook stops the commit, unless:
- the same block already stands in that cell in HEAD: it was committed before, so this commit
  does not introduce it (a tutorial that shows markers can be edited elsewhere);
- it is in a markdown cell HEAD does not have, and inside a fenced code block (``` or ~~~):
  example text, the way a tutorial shows what a conflict looks like.
A merge writes its conflicts into cells HEAD has (ours), so a conflict a merge left inside a
fenced block of a markdown cell is still refused.
"""
from __future__ import annotations

from nbteam.notebook.conflicts import Conflict, find_conflicts
from nbteam.notebook.io import Notebook, join_source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FENCES = ("```", "~~~")


def fenced_lines(text: str) -> set[int]:
    """0-based numbers of the lines inside fenced code blocks of a markdown text (fence lines excluded)."""
    inside: set[int] = set()
    fence = ""
    for n, line in enumerate(text.splitlines()):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        run = body[: len(body) - len(body.lstrip(body[:1]))] if body[:3] in FENCES else ""
        if fence:
            if indent < 4 and run.startswith(fence) and not body[len(run):].strip():
                fence = ""
            else:
                inside.add(n)
        elif indent < 4 and run:
            fence = run
    return inside


def _source(cell: Any) -> str:
    return join_source(cell.get("source")) if isinstance(cell, dict) else ""


def _head_texts(cell: dict[str, Any], head: Notebook | None) -> list[str] | None:
    """The sources of the cell's HEAD version (by id; without ids, every HEAD cell); None if HEAD has none."""
    if head is None:
        return None
    cells = [c for c in head.get("cells", []) if isinstance(c, dict)]
    if cell.get("id") is not None:
        found = [_source(c) for c in cells if c.get("id") == cell.get("id")]
        return found or None
    return [_source(c) for c in cells] or None


def conflicts_to_refuse(nb: Notebook, head: Notebook | None, size: int = 7) -> list[Conflict]:
    """The conflict blocks of a staged notebook that its commit must not record (see the module doc)."""
    refused: list[Conflict] = []
    for c in find_conflicts(nb, size):
        cell = nb["cells"][c.cell]
        text = _source(cell)
        block_text = "".join(text.splitlines(keepends=True)[c.block.start:c.block.end])
        before = _head_texts(cell, head)
        if before is not None and any(block_text in old for old in before):
            continue  # committed before: not introduced by this commit
        if (c.cell_type == "markdown" and before is None
                and fenced_lines(text).issuperset(range(c.block.start, c.block.end))):
            continue  # example text in a new markdown cell's fenced block
        refused.append(c)
    return refused
