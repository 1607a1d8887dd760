"""The browser screen: the tree, the detail panes, a status line and a footer; scanning in a worker."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static, Tree
from textual.worker import get_current_worker

from nbteam.errors import NbteamError
from nbteam.scratch.scan import NotebookInfo, head_tree, list_branches, scan_branch, scan_worktree
from nbteam.tui.detail import Detail
from nbteam.tui.footer import compact_footer
from nbteam.tui.help import HelpScreen, help_text
from nbteam.tui.model import COPY_MARKS, LEGEND, MARKS, CellRef, CopyCellRef, Ref, RefKey, Workspace, empty_message
from nbteam.tui.tree import ScratchTree

KEYS = [
    ("↑/↓", "move; Enter/Space opens a user or notebook"),
    ("tab", "move focus: tree → source pane → diff pane (↑/↓/PgUp/PgDn scroll a pane)"),
    ("p", "promote the selected cell (asks first, shows the diff); on a copy's cell: merge it into the origin"),
    ("u", "update a promoted cell from its module: merge the module's edits into it (asks first)"),
    ("a", "show every cell / only %%writefile cells"),
    ("/", "filter by user, notebook, target or source; Enter keeps it"),
    ("esc", "clear the filter"),
    ("r", "reload from disk"),
    ("?", "this help"),
    ("q", "quit"),
]


def marks_legend() -> Text:
    """What each status mark means, for the help."""
    text = Text("Marks\n", style="bold")
    for state, meaning in LEGEND.items():
        mark, style = MARKS[state]
        text.append(f"  {mark} ", style=style)
        text.append(f"{state}: {meaning}\n")
    for copy_state, (mark, style) in COPY_MARKS.items():
        text.append(f"  {mark} ", style=style)
        text.append(f"{copy_state}: a cell of a copy (scratch new --from); p merges it into the origin\n")
    text.append("\nBranch scratchpads (--branches) are read from git objects and are read-only.", style="dim")
    return text


def scan_all(workspace: Workspace) -> tuple[list[NotebookInfo], str | None]:
    """Every scratchpad (and with `branches`, every branch's), and a warning to show if any."""
    notebooks, warning = scan_worktree(workspace.root, workspace.config)
    warning = warning or workspace.config.warning
    if workspace.branches:
        try:
            head = head_tree(workspace.root)
            for name, commit in list_branches(workspace.root):
                notebooks += scan_branch(workspace.root, name, commit, workspace.config, skip_same_as=head)
        except Exception as e:  # pygit2 errors: an odd repository must not stop the browser
            warning = f"could not read branches: {e}"
    return notebooks, warning


class BrowserScreen(Screen[None]):
    """Users → scratchpads → cells, with source, diff and promotion."""

    BINDINGS = [
        Binding("p", "promote", "Promote"),
        Binding("u", "update", "Update"),
        Binding("a", "toggle_all", "All cells"),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear"),
        Binding("r", "refresh", "Refresh"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    AUTO_FOCUS = "#tree"

    class Scanned(Message):
        """The scan worker's result, handled on the event loop."""

        def __init__(self, notebooks: list[NotebookInfo], warning: str | None, keep: RefKey | None, status: str):
            """The result of one scan, and where the cursor should go."""
            super().__init__()
            self.notebooks, self.warning, self.keep, self.status = notebooks, warning, keep, status

    def __init__(self, workspace: Workspace):
        """The browser on a workspace; nothing is read until it is shown."""
        super().__init__()
        self.workspace = workspace
        self.show_all = False
        self.filter_text = ""
        self.notebooks: list[NotebookInfo] = []
        self.status_message = ""
        self.loaded = False  # set once the first scan has filled the tree (the benchmark waits for it)

    # --- layout and loading ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Filter box (hidden), tree | detail, empty-repository note, status line, footer."""
        yield Input(placeholder="filter: user, notebook, target or source (Enter: keep, Esc: clear)", id="filter")
        with Horizontal(id="main"):
            yield ScratchTree("scratch", id="tree")
            yield Static(empty_message(self.workspace.config.scratch_dir), id="empty")
            yield Detail(id="detail")
        yield Static(id="status")
        yield compact_footer()

    def on_mount(self) -> None:
        """Draw at once with a placeholder; the scan starts after the first paint."""
        self.query_one(ScratchTree).show_note("reading scratchpads…")
        self.call_after_refresh(self.scan)

    @work(thread=True, exclusive=True, group="scan")
    def scan(self, keep: RefKey | None = None, status: str = "") -> None:
        """Read every scratchpad in a thread; the result arrives as a Scanned message."""
        try:
            notebooks, warning = scan_all(self.workspace)
        except (NbteamError, OSError) as e:  # e.g. an unreadable scratch folder: say so, keep browsing
            notebooks, warning = [], f"could not read the scratchpads: {e}"
        if not get_current_worker().is_cancelled:  # a newer scan replaced this one
            self.post_message(self.Scanned(notebooks, warning, keep, status))

    @on(Scanned)
    def _scanned(self, message: Scanned) -> None:
        """The scan's result: fill the tree, keep the cursor, show any warning."""
        self.notebooks = message.notebooks
        self.rebuild(keep=message.keep)
        self.loaded = True
        if message.warning:
            self.set_status(f"warning: {message.warning}")
        elif message.status:
            self.set_status(message.status)

    def rebuild(self, keep: RefKey | None = None) -> None:
        """Refill the tree from self.notebooks with the current filter and cell mode."""
        tree = self.query_one(ScratchTree)
        empty = not self.notebooks
        self.query_one("#empty").display = empty
        tree.display = self.query_one(Detail).display = not empty
        if keep is None and tree.cursor_node is not None and tree.cursor_node.data is not None:
            keep = tree.cursor_node.data.key
        target = tree.fill(self.notebooks, self.filter_text, self.show_all, self.workspace.user, keep)
        if target is not None:
            tree.go_to(target)
        self.show(target.data if target is not None else None)

    # --- the detail panes -----------------------------------------------------------------------

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Ref]) -> None:
        """The cursor moved: show that node's details."""
        if event.node.data is not None:  # the hidden root is highlighted while the tree is set up
            self.show(event.node.data)

    def show(self, ref: Ref | None) -> None:
        """Show a node's details."""
        self.query_one(Detail).show(ref, self.notebooks)

    def selected(self) -> Ref | None:
        """What the tree's cursor is on."""
        node = self.query_one(ScratchTree).cursor_node
        return node.data if node is not None else None

    def set_status(self, message: str) -> None:
        """One line under the panes."""
        self.status_message = message
        self.query_one("#status", Static).update(Text(message))

    # --- filter -----------------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter box and type into it."""
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        box.focus()
        self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Typing in the filter box filters at once."""
        if event.value != self.filter_text:
            self.filter_text = event.value
            self.rebuild()
            self.refresh_bindings()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        """Enter keeps the filter and goes back to the tree."""
        self.query_one(ScratchTree).focus()
        if not self.filter_text:
            self.query_one("#filter").remove_class("shown")
            self.refresh_bindings()

    def action_clear_filter(self) -> None:
        """Esc: drop the filter (typed or applied), hide the box and go back to the tree."""
        box = self.query_one("#filter", Input)
        box.remove_class("shown")
        self.query_one(ScratchTree).focus()
        self.refresh_bindings()
        if self.filter_text:
            self.filter_text = ""
            box.value = ""
            self.rebuild()
            self.set_status("filter cleared")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc is a key (and in the footer) only while there is a filter to clear."""
        if action == "clear_filter":
            return bool(self.filter_text) or self.query_one("#filter").has_class("shown")
        return True

    # --- actions ----------------------------------------------------------------------------------

    def action_toggle_all(self) -> None:
        """Every cell, or only `%%writefile` cells."""
        self.show_all = not self.show_all
        self.rebuild()
        self.set_status("showing every cell" if self.show_all else "showing %%writefile cells only")

    def action_refresh(self) -> None:
        """Scan again (in the worker); the cursor stays where it is."""
        node = self.query_one(ScratchTree).cursor_node
        keep = node.data.key if node is not None and node.data is not None else None
        self.set_status("reloading…")
        self.scan(keep, "reloaded")

    def action_help(self) -> None:
        """Keys and marks."""
        self.app.push_screen(HelpScreen(help_text("nbteam tui", KEYS, marks_legend())))

    def action_promote(self) -> None:
        """p: confirm, then promote the selected cell (into its module, or a copy's cell into its origin)."""
        ref = self.selected()
        if not isinstance(ref, (CellRef, CopyCellRef)):
            self.set_status("select a %%writefile cell, or a copy's cell, to promote")
        elif ref.branch is not None:
            self.set_status(f"read-only: this cell is on branch {ref.branch}; merge or check it out to promote it")
        else:
            self.confirm(ref, "promote")

    def action_update(self) -> None:
        """u: confirm, then merge the selected cell's module edits back into it."""
        ref = self.selected()
        if not isinstance(ref, CellRef):
            self.set_status("select a promoted %%writefile cell to update from its module")
        elif ref.branch is not None:
            self.set_status(f"read-only: this cell is on branch {ref.branch}")
        else:
            self.confirm(ref, "update")

    def confirm(self, ref: CellRef | CopyCellRef, what: str, note: str = "") -> None:
        """Propose what `what` would write, as things are on disk now; on yes, write what was shown."""
        # Imported on first use: the first screen does not need them.
        from nbteam.scratch.guards import ChangedSinceShownError
        from nbteam.tui.confirm import FORCE, ConfirmDiff
        from nbteam.tui.flows import CopyFlow, Flow, PromoteFlow, UpdateFlow

        try:
            flow: Flow
            if isinstance(ref, CopyCellRef):
                flow = CopyFlow(self.workspace, ref.notebook, ref.copy)
            elif what == "update":
                flow = UpdateFlow(self.workspace, ref.notebook, ref.cell.key)
            else:
                flow = PromoteFlow(self.workspace, ref.notebook, ref.cell.key)
        except NbteamError as e:  # nothing to confirm, or unreadable: say why
            self.set_status(str(e))
            return
        if note:
            self.set_status(note)

        def done(choice: str | None) -> None:
            """The dialog's answer: write what was shown, or say why not."""
            if not choice:
                self.set_status("promotion cancelled" if what == "promote" else "update cancelled")
                return
            try:
                message = flow.apply(force=choice == FORCE)
            except ChangedSinceShownError:
                self.confirm(ref, what, "it changed on disk since the diff was shown; here is the new one")
                return
            except NbteamError as e:
                self.set_status(str(e))
                return
            self.set_status(message)
            self.scan(ref.key, message)

        self.app.push_screen(ConfirmDiff(flow.proposal), done)
