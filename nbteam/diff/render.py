"""Text views of notebook diffs: the cell-aware report, the textconv view, and a plain fallback."""
from __future__ import annotations

from typing import NamedTuple

from nbteam.seq.diff import Hunk, unified_hunks
from nbteam.diff.notebook import EMPTY, CellChange, NotebookDiff, diff_notebooks
from nbteam.notebook.normalise import normalise_cell
from nbteam.notebook.io import Notebook, NotebookError, decode_text, parse_notebook


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


def _paint(p: Palette, colour: str, text: str) -> str:
    return f"{colour}{text}{p.reset}" if colour else text


def _hunk_lines(hunks: tuple[Hunk, ...] | list[Hunk], p: Palette, show_header: bool = True) -> list[str]:
    out = []
    for h in hunks:
        if show_header:
            out.append(_paint(p, p.frag, h.header()))
        for tag, text in h.lines:
            colour = p.old if tag == "-" else p.new if tag == "+" else ""
            out.append(_paint(p, colour, tag + text))
    return out


def _cell_title(c: CellChange) -> str:
    if c.kind == "added":
        return f"added cell {c.new + 1} ({c.new_type})"  # type: ignore[operator]
    if c.kind == "deleted":
        return f"deleted cell {c.old + 1} ({c.old_type})"  # type: ignore[operator]
    where = f"cell {c.old + 1}" if c.old == c.new else f"cell {c.old + 1} -> {c.new + 1}"  # type: ignore[operator]
    kind = c.new_type if c.old_type == c.new_type else f"{c.old_type} -> {c.new_type}"
    verb = c.kind
    if c.kind == "moved" and (c.source_changed or c.metadata_keys or c.old_type != c.new_type):
        verb = "moved and modified"
    extra = []
    if c.metadata_keys:
        extra.append(f"metadata changed: {', '.join(c.metadata_keys)}")
    if c.outputs_changed:
        extra.append(f"{c.outputs_changed} output{'s' * (c.outputs_changed != 1)} changed")
    if c.kind != "moved" and not c.source_changed and c.old_type == c.new_type and not c.metadata_keys:
        extra.append("only trailing whitespace changed")
    return f"{verb} {where} ({kind})" + "".join(f"; {e}" for e in extra)


def render_diff(d: NotebookDiff, old_label: str, new_label: str, p: Palette = PLAIN,
                title: str | None = None) -> list[str]:
    """The cell-aware report as lines (no newlines)."""
    out = []
    if title:
        out.append(_paint(p, p.meta, title))
    out.append(_paint(p, p.meta, f"--- {old_label}"))
    out.append(_paint(p, p.meta, f"+++ {new_label}"))
    if d.format_change:
        out.append(_paint(p, p.cell, f"## {d.format_change}"))
    if d.metadata_keys:
        out.append(_paint(p, p.cell, f"## notebook metadata changed: {', '.join(d.metadata_keys)}"))
        out += _hunk_lines(d.metadata_hunks, p, show_header=False)
    for c in d.cells:
        out.append(_paint(p, p.cell, f"## {_cell_title(c)}"))
        out += _hunk_lines(c.hunks, p, show_header=c.kind not in ("added", "deleted"))
    if d.outputs_only:
        cells = ", ".join(str(j + 1) for j, _ in d.outputs_only)
        n = sum(k for _, k in d.outputs_only)
        out.append(_paint(p, p.note, f"## outputs only: {n} output{'s' * (n != 1)} changed in "
                                     f"cell{'s' * (len(d.outputs_only) != 1)} {cells} (not shown)"))
    if d.empty:
        out.append(_paint(p, p.note, "## no cell changes (only execution counts or JSON layout differ)"))
    return out


def plain_diff(old: bytes, new: bytes, old_label: str, new_label: str, p: Palette = PLAIN,
               title: str | None = None, reason: str | None = None) -> list[str]:
    """A plain unified diff of two texts, for files that are not notebooks."""
    a = old.decode("utf-8", errors="replace").splitlines()
    b = new.decode("utf-8", errors="replace").splitlines()
    out = [_paint(p, p.meta, title)] if title else []
    out += [_paint(p, p.meta, f"--- {old_label}"), _paint(p, p.meta, f"+++ {new_label}")]
    if reason:
        out.append(_paint(p, p.note, f"## {reason}: plain text diff"))
    return out + _hunk_lines(unified_hunks(a, b), p)


def load(data: bytes | None, name: str) -> Notebook:
    """A notebook from bytes (None or empty: the empty notebook); raise NotebookError."""
    if data is None or not data.strip():
        return EMPTY
    return parse_notebook(data, name)


def file_diff(old: bytes | None, new: bytes | None, old_label: str, new_label: str, p: Palette = PLAIN,
              title: str | None = None) -> tuple[list[str], bool]:
    """(report lines, differs) for one file's two versions; falls back to a text diff if not notebooks."""
    try:
        a = load(old, old_label)
        b = load(new, new_label)
    except NotebookError as e:
        if (old or b"") == (new or b""):
            return [], False
        return plain_diff(old or b"", new or b"", old_label, new_label, p, title, str(e)), True
    d = diff_notebooks(a, b)
    lines = render_diff(d, old_label, new_label, p, title)
    if d.empty and old == new:
        lines = lines[:-1]  # same bytes (a pure rename or mode change): no "no cell changes" note
    return lines, not d.empty


def textconv(data: bytes) -> str:
    """The notebook as readable text for git's line diff (`git log -p`, `git show`): sources only."""
    try:
        nb = parse_notebook(data, "notebook")
    except NotebookError:
        return decode_text(data) if data else ""
    out = []
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    kernel = meta.get("kernelspec", {}).get("name") if isinstance(meta.get("kernelspec"), dict) else None
    out.append(f"# notebook: nbformat {nb.get('nbformat')}.{nb.get('nbformat_minor')}"
               + (f", kernel {kernel}" if kernel else ""))
    for raw in nb.get("cells", []):
        cell = normalise_cell(raw)
        head = f"# %% [{cell['cell_type']}]"
        if cell.get("id"):
            head += f" id={cell['id']}"
        outputs = raw.get("outputs")
        if isinstance(outputs, list) and outputs:
            head += f" ({len(outputs)} output{'s' * (len(outputs) != 1)})"
        out.append("")
        out.append(head)
        out.extend(cell["source"].splitlines())
    return "\n".join(out) + "\n"
