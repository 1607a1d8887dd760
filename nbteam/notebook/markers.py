"""What conflict markers mean in a notebook: the kinds of conflict and how a block shows its kind.

The grammar itself (nbteam.seq.markers) is the three-way line merge's. On top of it, a
notebook's conflict block carries its kind (ConflictKind): a delete/modify block has the
" (deleted this cell)" note on the deleting side's marker, and a field block (metadata, cell
type, attachments) holds one `FIELD.path: JSON` line per conflicting value. Anything else is
a source conflict. The merge driver imports this module: it stays light (no typing, no regex).
"""
from __future__ import annotations

import enum

from nbteam.notebook.io import MISSING

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from typing import Any

    from nbteam.seq.markers import Block

DELETED_NOTE = " (deleted this cell)"
# Both sides inserted different cells at one place: raw cells holding only the marker lines
# (`<<<<<<< HEAD (inserted cells)`, `=======`, `>>>>>>> feature (inserted cells)`) enclose the
# two blocks of cells, ours first.
INSERTED_NOTE = " (inserted cells)"
# The note that opens the raw cell a merge inserts for conflicting notebook-level metadata.
NOTEBOOK_METADATA_NOTE = ("nbteam: both branches changed the notebook's metadata; ours is kept.\n"
                          "Edit the notebook metadata if theirs is right, then delete this cell.\n")


class ConflictKind(enum.Enum):
    """What a conflict block is about."""

    SOURCE = "source"
    DELETE_MODIFY = "delete/modify"
    METADATA = "metadata"
    CELL_TYPE = "cell type"
    ATTACHMENTS = "attachments"
    INSERT_INSERT = "insert/insert"


# The field a field block describes, as its lines name it (`metadata.tags: [...]`).
FIELD_LABELS = {ConflictKind.METADATA: "metadata", ConflictKind.CELL_TYPE: "cell_type",
                ConflictKind.ATTACHMENTS: "attachments"}


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




def block_kind(block: Block) -> ConflictKind:
    """The kind a conflict block shows: a delete note, field lines, or else source."""
    if block.ours_label.endswith(DELETED_NOTE) or block.theirs_label.endswith(DELETED_NOTE):
        return ConflictKind.DELETE_MODIFY
    fields = [parse_field_line(line) for line in (block.ours + block.theirs).splitlines() if line.strip()]
    if fields and all(fields):
        return fields[0][0]  # type: ignore[index]
    return ConflictKind.SOURCE
