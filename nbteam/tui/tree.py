"""The scratchpad tree: branches → users → notebooks → cells, with children filled in lazily."""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from nbteam.scratch.copies import CopyCell
from nbteam.scratch.scan import CellInfo, NotebookInfo
from nbteam.tui.model import (
    COPY_MARKS,
    MARKS,
    BranchRef,
    CellRef,
    CopyCellRef,
    Listed,
    NotebookRef,
    OriginCellRef,
    OriginCopyRef,
    OriginRef,
    Ref,
    RefKey,
    Row,
    UserRef,
    by_origin,
    cell_text,
    copy_cell_text,
    copy_summary,
    filter_notebooks,
    group,
    summary,
)

# Open every node when the tree lists at most this many cells; beyond it only your own, to open fast.
EXPAND_ALL_UP_TO = 80


@dataclass(frozen=True)
class UserChildren:
    """A user node's notebooks, added when the node is first opened."""

    branch: str | None
    user: str
    notebooks: list[Listed]
    open_all: bool  # also fill and open every notebook
    keep: RefKey | None  # the node the cursor should return to (its notebook is opened)
    empty_note: str  # what an empty notebook lists


@dataclass(frozen=True)
class NotebookChildren:
    """A notebook node's cells, added when the node is first opened."""

    branch: str | None
    user: str
    notebook: NotebookInfo
    rows: list[Row]
    empty_note: str  # what to list when there are no cells


def notebook_label(nb: NotebookInfo, rows: list[Row]) -> Text:
    """A notebook's name with its per-state counts (red when it could not be read)."""
    label = Text(nb.name, style="red" if nb.error else "")
    for piece, style in summary(rows) + copy_summary(rows):
        label.append(f" {piece}", style=style)
    return label


def user_label(user: str, you: bool, rows: list[Row]) -> Text:
    """A user's name, "(you)" for the person running the TUI, and per-state counts."""
    label = Text.assemble((user, "bold"), ("  (you)" if you else "", "dim"), " ")
    for piece, style in summary(rows):
        label.append(f" {piece}", style=style)
    return label


def origin_label(origin: str, rows: list[Row]) -> Text:
    """A team notebook with how many of its copies' cells wait to flow back."""
    label = Text.assemble(("⇡ ", "bold cyan"), (origin, "bold"))
    for piece, style in copy_summary(rows):
        label.append(f" {piece}", style=style)
    return label


def copy_label(nb: NotebookInfo, you: bool, rows: list[Row]) -> Text:
    """A teammate's copy under its origin: whose, its name if it is not the origin's, what waits."""
    label = Text.assemble((nb.user, "bold"), ("  (you)" if you else "", "dim"))
    if nb.origin is not None and nb.name != nb.origin.rsplit("/", 1)[-1]:
        label.append(f"  {nb.name}", style="dim")
    for piece, style in copy_summary(rows):
        label.append(f" {piece}", style=style)
    return label


def row_label(row: Row) -> Text:
    """A cell's tree line: its mark, then its number and what it is."""
    if isinstance(row, CopyCell):
        mark, style = COPY_MARKS[row.state]
        return Text.assemble((mark + " ", style), copy_cell_text(row, 39))
    mark, style = MARKS[row.state]
    return Text.assemble((mark + " ", style), cell_text(row))


class ScratchTree(Tree[Ref]):
    """Everyone's scratchpads; a large repository opens with only your own filled in."""

    def __init__(self, label: str, id: str | None = None):
        """An empty tree; fill() adds the nodes."""
        super().__init__(label, id=id)
        self._pending: dict[int, UserChildren | NotebookChildren] = {}

    def on_mount(self) -> None:
        """No root line; guides two columns wide so the tree fits its narrow column."""
        self.show_root = False
        self.guide_depth = 2

    def show_note(self, message: str) -> None:
        """Replace the tree's content by one dim line (e.g. while the scan runs)."""
        self.clear()
        self._pending = {}
        self.root.add_leaf(Text(message, style="dim"), Ref())

    def fill(self, notebooks: list[NotebookInfo], filter_text: str, show_all: bool, me: str | None,
             keep: RefKey | None) -> TreeNode[Ref] | None:
        """Refill from `notebooks`; returns the node to put the cursor on (`keep`'s, else your first cell).

        Work-tree users first (`me` first among them), then the team notebooks with their
        copies' cells grouped under each, then other branches.
        """
        self.clear()
        self._pending = {}
        items = filter_notebooks(notebooks, filter_text, show_all)
        if not items:
            self.root.add_leaf(Text(f"no match for {filter_text!r} (Esc clears)", style="dim"), Ref())
        small = sum(len(rows) for _, rows in items) <= EXPAND_ALL_UP_TO
        empty_note = "empty" if show_all else "no %%writefile cells (a: show all)"
        groups = group(items, me)
        self._add_users(self.root, None, groups.pop(None, {}), me, small, keep, empty_note)
        self._add_origins(by_origin(items), me, small)
        for branch, users in groups.items():
            parent = self.root.add(Text.assemble(("⎇ ", "bold magenta"), (branch or "", "magenta"),
                                                 ("  read-only", "dim")), BranchRef(branch=branch or ""), expand=small)
            self._add_users(parent, branch, users, me, small, keep, empty_note)
        found = self.find(keep) if keep is not None else None
        return found or self.first_cell(me)

    def _add_users(self, parent: TreeNode[Ref], branch: str | None, users: dict[str, list[Listed]], me: str | None,
                   small: bool, keep: RefKey | None, empty_note: str) -> None:
        """One node per user (filled now if small, yours or holding `keep`; else when opened)."""
        for user, listed in users.items():
            mine = branch is None and user == me
            rows = [r for _, nb_rows in listed for r in nb_rows]
            unode = parent.add(user_label(user, mine, rows), UserRef(branch=branch, user=user))
            self._pending[unode.id] = UserChildren(branch, user, listed, small or mine, keep, empty_note)
            if small or mine or (keep is not None and keep[1:3] == (branch, user)):
                self.populate(unode)
                if small or mine or branch is None:
                    unode.expand()

    def _add_origins(self, origins: dict[str, list[Listed]], me: str | None, small: bool) -> None:
        """Each team notebook, and under it every copy's cells that flow back into it (filled now: they are few)."""
        for origin, copies in origins.items():
            onode = self.root.add(origin_label(origin, [r for _, rows in copies for r in rows]),
                                  OriginRef(origin=origin), expand=small)
            for nb, rows in copies:
                cnode = onode.add(copy_label(nb, nb.user == me, rows), OriginCopyRef(user=nb.user, notebook=nb),
                                  expand=True)
                for row in rows:
                    if isinstance(row, CopyCell):
                        cnode.add_leaf(row_label(row), OriginCellRef(user=nb.user, notebook=nb, copy=row))

    def populate(self, node: TreeNode[Ref]) -> None:
        """Add a node's children if they are still pending."""
        pending = self._pending.pop(node.id, None)
        if isinstance(pending, UserChildren):
            self._add_notebooks(node, pending)
        elif isinstance(pending, NotebookChildren):
            self._add_cells(node, pending)

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[Ref]) -> None:
        """Opening a node adds its children the first time."""
        self.populate(event.node)

    def _add_notebooks(self, unode: TreeNode[Ref], spec: UserChildren) -> None:
        """A user's notebooks under their node (and, with open_all, their cells)."""
        for nb, rows in spec.notebooks:
            nnode = unode.add(notebook_label(nb, rows), NotebookRef(branch=spec.branch, user=spec.user, notebook=nb))
            self._pending[nnode.id] = NotebookChildren(spec.branch, spec.user, nb, rows, spec.empty_note)
            if spec.open_all or (spec.keep is not None and spec.keep[1:4] == (spec.branch, spec.user, nb.path)):
                self.populate(nnode)
                nnode.expand()

    def _add_cells(self, nnode: TreeNode[Ref], spec: NotebookChildren) -> None:
        """A notebook's rows under its node: its cells, a copy's cell once (as the copy cell)."""
        note = NotebookRef(branch=spec.branch, user=spec.user, notebook=spec.notebook)
        if spec.notebook.error:
            nnode.add_leaf(Text(spec.notebook.error, style="red"), note)
        elif not spec.rows:
            nnode.add_leaf(Text(spec.empty_note, style="dim"), note)
        for row in spec.rows:
            ref: Ref
            if isinstance(row, CopyCell):  # a cell that flows back into the notebook this one copies
                ref = CopyCellRef(branch=spec.branch, user=spec.user, notebook=spec.notebook, copy=row)
            else:
                ref = CellRef(branch=spec.branch, user=spec.user, notebook=spec.notebook, cell=row)
            nnode.add_leaf(row_label(row), ref)

    def nodes(self) -> list[TreeNode[Ref]]:
        """Every node added so far, in display order (collapsed ones included)."""
        out: list[TreeNode[Ref]] = []
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out

    def find(self, key: RefKey) -> TreeNode[Ref] | None:
        """The node whose Ref has this key, if it has been added."""
        return next((n for n in self.nodes() if n.data is not None and n.data.key == key), None)

    def first_cell(self, me: str | None = None) -> TreeNode[Ref] | None:
        """Where the cursor starts: your first cell in the work tree, else your first node, else anyone's first cell."""
        nodes = self.nodes()

        def is_cell(n: TreeNode[Ref]) -> bool:
            return isinstance(n.data, (CellRef, CopyCellRef))

        def mine(n: TreeNode[Ref]) -> bool:
            return n.data is not None and n.data.user == me and n.data.branch is None and n.data.KIND != OriginCellRef.KIND

        return next((n for n in nodes if is_cell(n) and mine(n)), None) or next(
            (n for n in nodes if mine(n)), None) or next((n for n in nodes if is_cell(n)), nodes[0] if nodes else None)

    def visible_line(self, target: TreeNode[Ref]) -> int:
        """The line `target` has once its ancestors are expanded (the root line is hidden)."""
        line = 0
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            if node is target:
                return line
            line += 1
            if node.is_expanded:
                stack.extend(reversed(node.children))
        return 0

    def go_to(self, target: TreeNode[Ref]) -> None:
        """Open the path to `target` and put the cursor on it once the tree has laid out its lines."""
        node = target.parent
        while node is not None and node is not self.root:
            node.expand()
            node = node.parent
        # After the refresh: older Textual (< 0.86) lays out the opened lines only then, and
        # scrolling needs the tree's size.
        self.call_after_refresh(self._move_to, target)

    def _move_to(self, target: TreeNode[Ref]) -> None:
        """Put the cursor on a node whose ancestors are open, and scroll to it."""
        line = self.visible_line(target)
        # Textual < 0.86 keeps cursor_line through clear(), and setting the same line again would
        # leave cursor_node on a removed node. Start from another real line so the watcher runs
        # and sees a change (-1 will not do: older versions read it as the last line).
        self.set_reactive(Tree.cursor_line, line + 1 if line < self.last_line else max(line - 1, 0))
        self.cursor_line = line
        self.scroll_to_line(line, False)
