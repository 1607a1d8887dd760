"""The right-hand side of the browser: what is selected, its source, and the diff promoting it would apply."""
from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from nbteam.scratch.scan import NotebookInfo
from nbteam.tui.model import (
    COPY_MARKS,
    MARKS,
    BranchRef,
    CellRef,
    CopyCellRef,
    NotebookRef,
    OriginRef,
    Ref,
    UserRef,
    describe_state,
    summary,
    visible_cells,
)


class Detail(Vertical):
    """An info line, then the source pane and the diff pane (each focusable, to scroll)."""

    def __init__(self, id: str | None = None):
        """Empty panes until something is shown."""
        super().__init__(id=id)
        self.shown: Ref | None = None  # what the panes show

    def compose(self) -> ComposeResult:
        """The info line and the two scrollable panes."""
        yield Static(id="info")
        with VerticalScroll(id="source-pane") as pane:
            pane.border_title = "source"
            yield Static(id="source")
        with VerticalScroll(id="diff-pane") as pane:
            pane.border_title = "diff"
            yield Static(id="diff")

    def _set(self, info: RenderableType, source: RenderableType = "", diff: RenderableType = "",
             diff_title: str = "diff") -> None:
        """Fill the info line, the panes and the diff pane's title."""
        self.query_one("#info", Static).update(info)
        self.query_one("#source", Static).update(source)
        self.query_one("#diff", Static).update(diff)
        self.query_one("#diff-pane").border_title = diff_title

    def show(self, ref: Ref | None, notebooks: list[NotebookInfo]) -> None:
        """Show a tree node's details; `notebooks` is everything scanned (for a user's summary)."""
        if ref is not None and ref is self.shown:
            return  # already on screen (a rebuild makes new Refs, so fresh data is always shown)
        self.shown = ref
        if isinstance(ref, CellRef):
            self._show_cell(ref)
        elif isinstance(ref, CopyCellRef):
            self._show_copy(ref)
        elif isinstance(ref, NotebookRef):
            nb = ref.notebook
            self._set(Text.assemble((nb.path, "bold"), f"  {len(nb.promotable())} of {len(nb.cells)} cells promotable"
                                    + (f"\n{nb.error}" if nb.error else "")),
                      Text("\n".join(f"{c.number:>3} {c.first_line}" for c in visible_cells(nb, True)), style="dim"))
        elif isinstance(ref, UserRef):
            nbs = [n for n in notebooks if n.user == ref.user and n.branch == ref.branch]
            cells = [c for n in nbs for c in n.promotable()]
            text = Text.assemble((ref.user, "bold"), f": {len(nbs)} scratchpad(s), {len(cells)} %%writefile cell(s) ")
            for piece, style in summary(cells):
                text.append(f" {piece}", style=style)
            self._set(text, Text("\n".join(n.path for n in nbs), style="dim"))
        elif isinstance(ref, OriginRef):
            copies = [n for n in notebooks if n.origin == ref.origin and n.branch is None]
            waiting = sum(1 for n in copies for c in n.copy_cells if c.promotable)
            self._set(Text.assemble((ref.origin, "bold"), f": {waiting} cell(s) of {len(copies)} {'copy' if len(copies) == 1 else 'copies'}"
                                    " differ from it;"
                                    " p on one shows the merge into it and asks first"),
                      Text("\n".join(f"{n.user}: {n.path}" for n in copies), style="dim"))
        elif isinstance(ref, BranchRef):
            self._set(Text(f"Scratchpads as they are on branch {ref.branch} (read-only)."))
        else:
            self._set(Text("Select a cell."))

    def _show_copy(self, ref: CopyCellRef) -> None:
        """A copy's cell: its state against the origin and its source."""
        from nbteam.tui.render import source_renderable

        nb, copy = ref.notebook, ref.copy
        mark, style = COPY_MARKS[copy.state]
        where = f"cell {copy.number}" if copy.number is not None else "a cell the copy deleted"
        info = Text.assemble((f"{nb.path} · {where} ({copy.key})\n", "bold"), (mark + " ", style),
                             (f"{copy.state}: ", style), f"flows back into {nb.origin}")
        cell = next((c for c in nb.cells if c.key == copy.key), None)
        source = source_renderable(cell.source, cell.cell_type) if cell is not None else Text(
            f"(deleted in the copy; was: {copy.first_line})", style="dim")
        hint = ("p shows the merge into it and asks first" if copy.promotable else "nothing to promote")
        self._set(info, source, Text(f"{nb.origin}: {hint}.", style="dim"), f"into: {nb.origin}")

    def _show_cell(self, ref: CellRef) -> None:
        # Imported here: Rich's Syntax brings in Pygments, which the first screen does not need.
        """A cell: its state and why, its source, the diff promoting it would apply."""
        from nbteam.tui.render import diff_renderable, source_renderable

        nb, cell = ref.notebook, ref.cell
        mark, style = MARKS[cell.state]
        head = f"{nb.path} · cell {cell.number} ({cell.key})"
        if ref.branch:
            head += f" · branch {ref.branch}"
        info = Text.assemble((head + "\n", "bold"), (mark + " ", style), (describe_state(cell), style))
        source = source_renderable(cell.source, cell.cell_type)
        if cell.plan is not None:
            if cell.plan.refusal and cell.plan.state == "module changed":
                info.append("\nu merges the module's edits into this cell", style="dim")
            self._set(info, source, diff_renderable(cell.plan.diff()), f"diff: {cell.plan.target}")
        else:
            self._set(info, source, Text(cell.error or "Not a %%writefile cell: nothing to promote.", style="dim"))
