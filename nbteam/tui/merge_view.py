"""What the merge tool draws: the conflict list, the three sides with changed lines marked, the cell."""
from __future__ import annotations

from rich.text import Text

from nbteam.notebook.conflicts import Conflict
from nbteam.notebook.markers import ConflictKind
from nbteam.tui.resolution import Session, changed_lines, choice_name, deletes_cell, shown_label

MARK_CHANGED, MARK_SAME = "▌", " "
STYLES = {"base": "red", "ours": "green", "theirs": "cyan"}
CHOICE_STYLES = {"open": "bold yellow", "edited": "bold magenta"}


def list_line(session: Session, index: int) -> Text:
    """One line of the conflict list: state, number, cell, kind and labels."""
    conflict, state = session.conflicts[index], choice_name(session.choice(index))
    mark = "·" if state == "open" else "✓"
    current = index == session.current
    line = Text("▶ " if current else "  ", style="bold")
    line.append(f"{mark} {state:<7}", style=CHOICE_STYLES.get(state, "green"))
    line.append(f"{index + 1:>2}. cell {conflict.number:<3} {conflict.kind.value:<13} ", style="bold" if current else "")
    names = session.names
    line.append(f"{shown_label(conflict.ours_label, names)} ↔ {shown_label(conflict.theirs_label, names)}", style="dim")
    return line


def conflict_list(session: Session) -> Text:
    """Every conflict, one per line, the current one marked."""
    return Text("\n").join(list_line(session, i) for i in range(len(session.conflicts)))


def side_text(text: str | None, changed: set[int], style: str, empty: str) -> Text:
    """A side's lines, those in `changed` marked in the gutter and coloured."""
    if text is None:
        return Text(empty, style="dim italic")
    if not text:
        return Text(empty, style="dim italic")
    out = Text()
    for i, line in enumerate(text.splitlines()):
        if i in changed:
            out.append(MARK_CHANGED, style=f"bold {style}")
            out.append(line + "\n", style=style)
        else:
            out.append(MARK_SAME + line + "\n")
    out.rstrip()
    return out


def base_changed(conflict: Conflict) -> set[int]:
    """Base lines that ours or theirs did not keep."""
    if conflict.base is None:
        return set()
    lines = range(len(conflict.base.splitlines()))
    kept_by = [set(lines) - changed_lines(side, conflict.base) for side in (conflict.ours, conflict.theirs)]
    return set(lines) - (kept_by[0] & kept_by[1])


def sides(conflict: Conflict) -> dict[str, Text]:
    """The base, ours and theirs panes' contents for a conflict."""
    deleted = {"ours": deletes_cell(conflict.ours_label), "theirs": deletes_cell(conflict.theirs_label)}
    no_base = ("(none: both sides inserted cells here)" if conflict.kind is ConflictKind.INSERT_INSERT
               else "(no base: the conflict style has none)")
    out = {"base": side_text(conflict.base, base_changed(conflict), STYLES["base"],
                             no_base if conflict.base is None else "(empty)")}
    for name, text in (("ours", conflict.ours), ("theirs", conflict.theirs)):
        empty = "(deletes this cell)" if deleted[name] else "(empty)"
        out[name] = side_text(None if deleted[name] and not text else text, changed_lines(conflict.base, text),
                              STYLES[name], empty)
    return out


def side_titles(conflict: Conflict, names: dict[str, str] | None = None) -> dict[str, str]:
    """The panes' titles: the side and its label (names: how to show some labels)."""
    return {"base": "base", "ours": f"ours: {shown_label(conflict.ours_label, names or {})}",
            "theirs": f"theirs: {shown_label(conflict.theirs_label, names or {})}"}


def cell_preview(session: Session) -> Text:
    """The current conflict's cell as it will be written; conflict marker lines stand out."""
    cell = session.cell()
    if cell is None:
        return Text("(this cell is removed: the chosen side deleted it)", style="dim italic")
    source = session.cell_source() or ""
    out = Text()
    kind = session.conflict.kind
    if kind is not ConflictKind.SOURCE and kind is not ConflictKind.DELETE_MODIFY:
        out.append(f"{cell.get('cell_type', '?')} cell", style="dim")
        if kind is ConflictKind.METADATA:
            out.append(f" · metadata {cell.get('metadata', {})}", style="dim")
        out.append("\n")
    markers = tuple(char * session.conflict.block.size for char in "<|=>")
    for line in source.splitlines():
        style = "bold reverse yellow" if line.startswith(markers) else ""
        out.append(line + "\n", style=style)
    out.rstrip()
    return out or Text("(empty cell)", style="dim italic")
