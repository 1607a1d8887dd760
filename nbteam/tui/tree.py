"""The scratchpad tree: branches → users → notebooks → cells, with children filled in lazily."""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from nbteam.scratch.scan import CellInfo, NotebookInfo
from nbteam.tui.model import (
    COPY_MARKS,
    MARKS,
    BranchRef,
    CellRef,
    CopyCellRef,
    Listed,
    NotebookRef,
    Ref,
    RefKey,
    UserRef,
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
    cells: list[CellInfo]
    empty_note: str  # what to list when there are no cells


def notebook_label(nb: NotebookInfo, cells: list[CellInfo]) -> Text:
    """A notebook's name with its per-state counts (red when it could not be read)."""
    label = Text(nb.name, style="red" if nb.error else "")
    for piece, style in summary(cells) + copy_summary(nb.copy_cells):
        label.append(f" {piece}", style=style)
    return label


def user_label(user: str, you: bool, cells: list[CellInfo]) -> Text:
    """A user's name, "(you)" for the person running the TUI, and per-state counts."""
    label = Text.assemble((user, "bold"), ("  (you)" if you else "", "dim"), " ")
    for piece, style in summary(cells):
        label.append(f" {piece}", style=style)
    return label


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
        """Refill from `notebooks`; returns the node to put the cursor on (`keep`'s, else the first cell)."""
        self.clear()
        self._pending = {}
        items = filter_notebooks(notebooks, filter_text, show_all)
        if not items:
            self.root.add_leaf(Text(f"no match for {filter_text!r} (Esc clears)", style="dim"), Ref())
        small = sum(len(cells) for _, cells in items) <= EXPAND_ALL_UP_TO
        empty_note = "empty" if show_all else "no %%writefile cells (a: show all)"
        for branch, users in group(items, me).items():
            parent = self.root
            if branch is not None:
                parent = self.root.add(Text.assemble(("⎇ ", "bold magenta"), (branch, "magenta"), ("  read-only", "dim")),
                                       BranchRef(branch=branch), expand=small)
            for user, listed in users.items():
                mine = branch is None and user == me
                cells = [c for _, nb_cells in listed for c in nb_cells]
                unode = parent.add(user_label(user, mine, cells), UserRef(branch=branch, user=user))
                self._pending[unode.id] = UserChildren(branch, user, listed, small or mine, keep, empty_note)
                if small or mine or (keep is not None and keep[1:3] == (branch, user)):
                    self.populate(unode)
                    if small or mine or branch is None:
                        unode.expand()
        found = self.find(keep) if keep is not None else None
        return found or self.first_cell()

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
        for nb, cells in spec.notebooks:
            nnode = unode.add(notebook_label(nb, cells), NotebookRef(branch=spec.branch, user=spec.user, notebook=nb))
            self._pending[nnode.id] = NotebookChildren(spec.branch, spec.user, nb, cells, spec.empty_note)
            if spec.open_all or (spec.keep is not None and spec.keep[1:4] == (spec.branch, spec.user, nb.path)):
                self.populate(nnode)
                nnode.expand()

    def _add_cells(self, nnode: TreeNode[Ref], spec: NotebookChildren) -> None:
        """A notebook's cells, then its copy cells, under its node."""
        note = NotebookRef(branch=spec.branch, user=spec.user, notebook=spec.notebook)
        if spec.notebook.error:
            nnode.add_leaf(Text(spec.notebook.error, style="red"), note)
        elif not spec.cells and not spec.notebook.copy_cells:
            nnode.add_leaf(Text(spec.empty_note, style="dim"), note)
        for cell in spec.cells:
            mark, style = MARKS[cell.state]
            nnode.add_leaf(Text.assemble((mark + " ", style), cell_text(cell)),
                           CellRef(branch=spec.branch, user=spec.user, notebook=spec.notebook, cell=cell))
        for copy in spec.notebook.copy_cells:  # cells that flow back into the notebook this one copies
            mark, style = COPY_MARKS[copy.state]
            nnode.add_leaf(Text.assemble((mark + " ", style), copy_cell_text(copy, 39)),
                           CopyCellRef(branch=spec.branch, user=spec.user, notebook=spec.notebook, copy=copy))

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

    def first_cell(self) -> TreeNode[Ref] | None:
        """The first cell node in display order, else the first node."""
        nodes = self.nodes()
        return next((n for n in nodes if isinstance(n.data, CellRef)), nodes[0] if nodes else None)

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
