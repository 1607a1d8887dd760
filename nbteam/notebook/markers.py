"""Find the conflicts a merge left in a notebook: marker blocks inside cell sources."""
from __future__ import annotations

import re
from dataclasses import dataclass

from nbteam.notebook.io import Notebook, join_source

_OPEN = re.compile(r"^<{7,} ")
_CLOSE = re.compile(r"^>{7,}( |$)")
_SEP = re.compile(r"^={7,}$")


@dataclass(frozen=True)
class FoundConflict:
    """A conflict block in a cell: its 1-based cell number, kind and first conflicting line."""

    cell: int
    cell_type: str
    kind: str
    first_line: str


def _kind(opener: str, lines: list[str]) -> str:
    if "(deleted this cell)" in opener or any("(deleted this cell)" in l for l in lines if _CLOSE.match(l)):
        return "delete/modify"
    body = [l for l in lines if l.strip() and not _SEP.match(l) and not _CLOSE.match(l) and not l.startswith("|||||||")]
    if body and all(l.startswith(("metadata.", "metadata:", "cell_type:", "attachment ")) for l in body):
        return "metadata" if body[0].startswith("metadata") else body[0].split(":")[0].split(" ")[0].replace("_", " ")
    return "source"


def find_conflicts(nb: Notebook) -> list[FoundConflict]:
    """Every complete conflict-marker block (open, separator, close) in the notebook's cells."""
    found: list[FoundConflict] = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        lines = join_source(cell.get("source")).splitlines()
        i = 0
        while i < len(lines):
            if _OPEN.match(lines[i]):
                j = i + 1
                while j < len(lines) and not _CLOSE.match(lines[j]) and not _OPEN.match(lines[j]):
                    j += 1
                block = lines[i + 1 : j + 1]
                if j < len(lines) and _CLOSE.match(lines[j]) and any(_SEP.match(l) for l in block):
                    first = next((l.strip() for l in block if l.strip() and not _SEP.match(l)), "")
                    found.append(FoundConflict(number, str(cell.get("cell_type")), _kind(lines[i], block), first))
                    i = j
            i += 1
    return found
