"""Text views of notebook diffs: the cell-aware report and a plain line diff for what is not a notebook."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from nbteam.diff.notebook import EMPTY, CellChange, ChangeKind, NotebookDiff, ValueChange, diff_notebooks
from nbteam.notebook.io import Notebook, NotebookError, parse_notebook
from nbteam.seq.diff import Hunk, unified_hunks

NO_CELL_CHANGES = "no cell changes (only outputs, execution counts or JSON layout differ)"


class Palette(NamedTuple):
    """ANSI colours for each kind of line (all empty: no colour)."""

    meta: str = ""
    cell: str = ""
    frag: str = ""
    old: str = ""
    new: str = ""
    note: str = ""
    reset: str = ""


PLAIN = Palette()
COLOUR = Palette(meta="\x1b[1m", cell="\x1b[1;35m", frag="\x1b[36m", old="\x1b[31m", new="\x1b[32m",
                 note="\x1b[2m", reset="\x1b[m")


def paint(p: Palette, colour: str, text: str) -> str:
    """text in a colour of the palette (unchanged when the palette has none)."""
    return f"{colour}{text}{p.reset}" if colour else text


def _hunk_lines(hunks: Sequence[Hunk], p: Palette, show_header: bool = True) -> list[str]:
    out = []
    for h in hunks:
        if show_header:
            out.append(paint(p, p.frag, h.header()))
        for tag, text in h.lines:
            colour = p.old if tag == "-" else p.new if tag == "+" else ""
            out.append(paint(p, colour, tag + text))
    return out


def _value_lines(changes: Sequence[ValueChange], p: Palette) -> list[str]:
    """Each changed key as `  key: old -> new`, or `  key:` and a line diff of its JSON when long."""
    out = []
    for v in changes:
        if v.hunks:
            out.append(paint(p, p.frag, f"  {v.key}:"))
            out += _hunk_lines(v.hunks, p, show_header=False)
        else:
            out.append(paint(p, p.frag, f"  {v.key}: {v.old or '(unset)'} -> {v.new or '(unset)'}"))
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _cell_title(c: CellChange) -> str:
    if c.kind is ChangeKind.ADDED:
        return f"added cell {(c.new or 0) + 1} ({c.new_type})"
    if c.kind is ChangeKind.DELETED:
        return f"deleted cell {(c.old or 0) + 1} ({c.old_type})"
    old, new = (c.old or 0) + 1, (c.new or 0) + 1
    where = f"cell {old}" if old == new else f"cell {old} -> {new}"
    kind = c.new_type if c.old_type == c.new_type else f"{c.old_type} -> {c.new_type}"
    if c.kind is ChangeKind.OUTPUTS:
        return f"outputs changed in {where} ({kind})"
    verb = c.kind.value
    if c.kind is ChangeKind.MOVED and (c.source_changed or c.metadata or c.old_type != c.new_type):
        verb = "moved and modified"
    extra = []
    if c.metadata:
        extra.append(f"metadata changed: {', '.join(c.metadata_keys)}")
    if c.outputs_changed:
        extra.append(f"{_plural(c.outputs_changed, 'output')} changed")
    if c.kind is not ChangeKind.MOVED and not c.source_changed and c.old_type == c.new_type and not c.metadata:
        extra.append("only trailing whitespace changed")
    return f"{verb} {where} ({kind})" + "".join(f"; {e}" for e in extra)


def _cell_lines(c: CellChange, p: Palette) -> list[str]:
    out = [paint(p, p.cell, f"## {_cell_title(c)}")]
    out += _value_lines(c.metadata, p)
    out += _hunk_lines(c.hunks, p, show_header=c.kind not in (ChangeKind.ADDED, ChangeKind.DELETED))
    if c.output_hunks:
        out.append(paint(p, p.frag, "  outputs:"))
        out += _hunk_lines(c.output_hunks, p, show_header=c.kind not in (ChangeKind.ADDED, ChangeKind.DELETED))
    return out


def header_lines(old_label: str, new_label: str, p: Palette = PLAIN, title: str | None = None) -> list[str]:
    """The `diff ...`, `---` and `+++` lines that start every file's report."""
    out = [paint(p, p.meta, title)] if title else []
    return out + [paint(p, p.meta, f"--- {old_label}"), paint(p, p.meta, f"+++ {new_label}")]


def note_line(text: str, p: Palette = PLAIN) -> str:
    """A `## ...` line that explains rather than shows a change."""
    return paint(p, p.note, f"## {text}")


def render_diff(d: NotebookDiff, old_label: str, new_label: str, p: Palette = PLAIN,
                title: str | None = None) -> list[str]:
    """The cell-aware report as lines (no newlines); nothing after the header when d is empty."""
    out = header_lines(old_label, new_label, p, title)
    if d.format_change:
        out.append(paint(p, p.cell, f"## {d.format_change}"))
    if d.metadata:
        out.append(paint(p, p.cell, f"## notebook metadata changed: {', '.join(d.metadata_keys)}"))
        out += _value_lines(d.metadata, p)
    for c in d.cells:
        if c.kind is not ChangeKind.OUTPUTS or d.with_outputs:
            out += _cell_lines(c, p)
    if d.outputs_only and not d.with_outputs:
        cells = ", ".join(str(j + 1) for j, _ in d.outputs_only)
        n = sum(k for _, k in d.outputs_only)
        out.append(note_line(f"outputs only: {_plural(n, 'output')} changed in "
                             f"cell{'s' * (len(d.outputs_only) != 1)} {cells} (not shown; --outputs shows them)", p))
    return out


def plain_diff(old: bytes, new: bytes, old_label: str, new_label: str, p: Palette = PLAIN,
               title: str | None = None, reason: str | None = None) -> list[str]:
    """A plain unified diff of two texts, for files that are not notebooks."""
    a = old.decode("utf-8", errors="replace").splitlines()
    b = new.decode("utf-8", errors="replace").splitlines()
    out = header_lines(old_label, new_label, p, title)
    if reason:
        out.append(note_line(f"{reason}: plain text diff", p))
    return out + _hunk_lines(unified_hunks(a, b), p)


def load(data: bytes | None, name: str) -> Notebook:
    """A notebook from bytes (None or empty: the empty notebook); raise NotebookError."""
    if data is None or not data.strip():
        return EMPTY
    try:
        return parse_notebook(data, name)
    except RecursionError:  # json's nesting limit: deep metadata is legal JSON, but not readable here
        raise NotebookError(f"{name} is nested too deeply to read as a notebook") from None


class FileDiff(NamedTuple):
    """One file's report: its lines, and whether anything differs."""

    lines: list[str]
    differs: bool


def file_diff(old: bytes | None, new: bytes | None, old_label: str, new_label: str, p: Palette = PLAIN,
              title: str | None = None, with_outputs: bool = False,
              explain_equal: Callable[[], str] | None = None) -> FileDiff:
    """The report for one file's two versions; a plain text diff if they are not both notebooks.

    When the notebooks hold the same cells, one note says so (explain_equal() words it, when
    given and the bytes differ or git called them different), so a header never stands alone.
    """
    try:
        a = load(old, old_label)
        b = load(new, new_label)
        d = diff_notebooks(a, b, with_outputs)
        lines = render_diff(d, old_label, new_label, p, title)
    except (NotebookError, RecursionError) as e:
        if (old or b"") == (new or b""):
            return FileDiff([], False)
        reason = str(e) if isinstance(e, NotebookError) else "nested too deeply to read as a notebook"
        return FileDiff(plain_diff(old or b"", new or b"", old_label, new_label, p, title, reason), True)
    if d.empty:
        if explain_equal is not None:
            lines.append(note_line(explain_equal(), p))
        elif old != new:
            lines.append(note_line(NO_CELL_CHANGES, p))
    return FileDiff(lines, not d.empty)
