"""The conflict-marker grammar: one definition used to write markers and to find them again.

A conflict block inside a cell's source reads, at marker size N (git's %L, 7 by default):

    <<<<<<< OURS-LABEL[ (deleted this cell)]
    ours' lines
    ||||||| BASE-LABEL          (diff3 and zdiff3 styles only)
    base lines
    =======
    theirs' lines
    >>>>>>> THEIRS-LABEL[ (deleted this cell)]

The kind of a block (ConflictKind) is written into it: a delete/modify block carries the
" (deleted this cell)" note on the deleting side's marker, and a field block (metadata, cell
type, attachments) holds one `FIELD.path: JSON` line per conflicting value. Anything else
is a source conflict. Regular expressions are avoided: the merge driver imports this module,
and its start-up time is user-visible.
"""
from __future__ import annotations

import enum

from nbteam.notebook.io import Notebook, join_source

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

STYLES = ("merge", "diff3", "zdiff3")
DELETED_NOTE = " (deleted this cell)"


class ConflictKind(enum.Enum):
    """What a conflict block is about."""

    SOURCE = "source"
    DELETE_MODIFY = "delete/modify"
    METADATA = "metadata"
    CELL_TYPE = "cell type"
    ATTACHMENTS = "attachments"


# The field a field block describes, as its lines name it (`metadata.tags: [...]`).
FIELD_LABELS = {ConflictKind.METADATA: "metadata", ConflictKind.CELL_TYPE: "cell_type",
                ConflictKind.ATTACHMENTS: "attachments"}


class Markers:
    """How conflicts are written: marker length (git's %L), style and side labels.

    Labels may come from `find_labels()`, called once when a marker is first written: finding
    what git would call the sides can cost a git process, which a clean merge never pays."""

    __slots__ = ("size", "style", "_labels", "_find")

    def __init__(self, size: int = 7, style: str = "merge", ours: str = "ours", base: str = "base",
                 theirs: str = "theirs", find_labels: Callable[[], tuple[str, str, str]] | None = None) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown conflict style {style!r}")
        self.size, self.style, self._labels, self._find = size, style, (ours, base, theirs), find_labels

    def labels(self) -> tuple[str, str, str]:
        """(ours, base, theirs) labels."""
        if self._find is not None:
            self._labels, self._find = self._find(), None
        return self._labels

    @property
    def ours(self) -> str:
        """Our side's label (git's HEAD, say)."""
        return self.labels()[0]

    @property
    def base(self) -> str:
        """The base's label (diff3 styles)."""
        return self.labels()[1]

    @property
    def theirs(self) -> str:
        """Their side's label (the merged branch, say)."""
        return self.labels()[2]

    def open(self, note: str = "") -> str:
        """The `<<<<<<< ours` line."""
        return "<" * self.size + " " + self.ours + note + "\n"

    def middle_base(self) -> str:
        """The `||||||| base` line (diff3 styles)."""
        return "|" * self.size + " " + self.base + "\n"

    def separator(self) -> str:
        """The `=======` line."""
        return "=" * self.size + "\n"

    def close(self, note: str = "") -> str:
        """The `>>>>>>> theirs` line."""
        return ">" * self.size + " " + self.theirs + note + "\n"

    def block(self, ours: str, theirs: str, base: str | None = None, ours_note: str = "",
              theirs_note: str = "") -> str:
        """A whole conflict block around three texts (base shown only in the diff3 styles)."""
        out = self.open(ours_note) + _terminated(ours)
        if self.style != "merge" and base is not None:
            out += self.middle_base() + _terminated(base)
        return out + self.separator() + _terminated(theirs) + self.close(theirs_note)


def _terminated(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def field_line(kind: ConflictKind, path: str, shown: str) -> str:
    """One line of a field block: `metadata.tags: ["a"]` (path "" names the field itself)."""
    return f"{FIELD_LABELS[kind]}{path and '.' + path}: {shown}\n"


def parse_field_line(line: str) -> tuple[ConflictKind, str, str] | None:
    """(kind, path, shown value) of a field-block line, or None for any other line."""
    head, sep, shown = line.rstrip("\r\n").partition(": ")
    label, _, path = head.partition(".")
    kind = next((k for k, name in FIELD_LABELS.items() if name == label), None)
    if not sep or kind is None or " " in head or parse_shown(shown) is INVALID:
        return None
    return kind, path, shown


ABSENT = "(absent)"  # how a field block shows a key one side does not have
MISSING: Any = object()  # a key absent on one side
INVALID: Any = object()


def show_value(value: Any) -> str:
    """A JSON value on one line, as a field block shows it (MISSING as "(absent)")."""
    import json

    return ABSENT if value is MISSING else json.dumps(value, ensure_ascii=False, sort_keys=True)


def parse_shown(shown: str) -> Any:
    """The value a field-block line shows (MISSING for "(absent)", INVALID if unreadable)."""
    if shown == ABSENT:
        return MISSING
    import json

    try:
        return json.loads(shown)
    except ValueError:
        return INVALID


# --- finding ------------------------------------------------------------------------------


def _run(line: str, char: str, size: int) -> bool:
    """True if line is a marker of `char` at exactly `size` (then a space or the end)."""
    body = line.rstrip("\r\n")
    return body.startswith(char * size) and (len(body) == size or body[size] == " ")


def _label(line: str, size: int) -> str:
    return line.rstrip("\r\n")[size + 1 :]


class Block:
    """One complete conflict block in a text: its line span, labels and the three sides' texts."""

    __slots__ = ("start", "end", "kind", "ours_label", "theirs_label", "ours", "base", "theirs")

    def __init__(self, start: int, end: int, kind: ConflictKind, ours_label: str, theirs_label: str,
                 ours: str, base: str | None, theirs: str) -> None:
        self.start, self.end, self.kind = start, end, kind
        self.ours_label, self.theirs_label = ours_label, theirs_label
        self.ours, self.base, self.theirs = ours, base, theirs


def _kind(ours_label: str, theirs_label: str, body: list[str]) -> ConflictKind:
    if ours_label.endswith(DELETED_NOTE) or theirs_label.endswith(DELETED_NOTE):
        return ConflictKind.DELETE_MODIFY
    fields = [parse_field_line(line) for line in body if line.strip()]
    if fields and all(fields):
        return fields[0][0]  # type: ignore[index]
    return ConflictKind.SOURCE


def find_blocks(text: str, size: int = 7) -> list[Block]:
    """Every complete block (open, optional base, separator, close) in text, in order."""
    lines = text.splitlines(keepends=True)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if not _run(lines[i], "<", size):
            i += 1
            continue
        parts: list[list[str]] = [[]]
        marks = ""  # the inner markers seen so far: "", "|", "=", "|="
        j = i + 1
        while j < len(lines) and not _run(lines[j], "<", size):  # a new opener abandons this one
            line = lines[j]
            if "=" in marks and _run(line, ">", size):
                break
            if not marks and _run(line, "|", size) or "=" not in marks and line.rstrip("\r\n") == "=" * size:
                marks += line[0]
                parts.append([])
            else:
                parts[-1].append(line)
            j += 1
        if j == len(lines) or _run(lines[j], "<", size):
            i = j
            continue
        ours_label, theirs_label = _label(lines[i], size), _label(lines[j], size)
        base = "".join(parts[1]) if marks == "|=" else None
        kind = _kind(ours_label, theirs_label, parts[0] + parts[-1])
        blocks.append(Block(i, j + 1, kind, ours_label, theirs_label, "".join(parts[0]), base, "".join(parts[-1])))
        i = j + 1
    return blocks


class FoundConflict:
    """A conflict block in a cell: its 1-based cell number, kind and first conflicting line."""

    __slots__ = ("cell", "cell_type", "kind", "first_line")

    def __init__(self, cell: int, cell_type: str, kind: ConflictKind, first_line: str) -> None:
        self.cell, self.cell_type, self.kind, self.first_line = cell, cell_type, kind, first_line

    def __repr__(self) -> str:
        return f"FoundConflict({self.cell}, {self.cell_type!r}, {self.kind}, {self.first_line!r})"


def find_conflicts(nb: Notebook, size: int = 7) -> list[FoundConflict]:
    """Every complete conflict-marker block in the notebook's cells, at the given marker size."""
    found: list[FoundConflict] = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if not isinstance(cell, dict):
            continue
        for b in find_blocks(join_source(cell.get("source")), size):
            first = next((line.strip() for line in (b.ours + b.theirs).splitlines() if line.strip()), "")
            found.append(FoundConflict(number, str(cell.get("cell_type")), b.kind, first))
    return found
