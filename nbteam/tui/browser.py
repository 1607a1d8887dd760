"""The browser screen: the tree, the detail panes, a status line and a footer.

Everything that reads or writes files runs in thread workers (the scan, preparing a
confirmation, promoting/merging) and reports back with a typed message; meanwhile the status
line says what is being done, beside a loading indicator, and the keys keep working.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static, Tree
from textual.worker import get_current_worker

from nbteam.errors import NbteamError
from nbteam.scratch.scan import NotebookInfo, head_tree, list_branches, scan_branch, scan_worktree
from nbteam.tui.detail import Detail
from nbteam.tui.footer import compact_footer
from nbteam.tui.help import HelpScreen, help_text
from nbteam.tui.model import (
    COPY_MARKS,
    LEGEND,
    MARKS,
    CellRef,
    CopyCellRef,
    Ref,
    RefKey,
    Workspace,
    empty_message,
    one_line,
)
from nbteam.tui.tree import ScratchTree

if TYPE_CHECKING:
    from nbteam.tui.flows import Flow

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"  # shown before the status while a read or write runs

KEYS = [
    ("↑/↓", "move; Enter/Space opens a user or notebook"),
    ("tab", "move focus: tree → source pane → diff pane (↑/↓/PgUp/PgDn scroll a pane)"),
    ("p", "promote the selected cell (asks first, shows the diff); on a copy's cell: merge it into the origin"),
    ("u", "update a promoted cell from its module: merge the module's edits into it (asks first)"),
    ("a", "show every cell / only %%writefile cells"),
    ("/", "filter by user, notebook, target or any cell's source; Enter keeps it"),
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

    class FlowReady(Message):
        """A confirmation is ready to show: what p or u would write, read in a worker."""

        def __init__(self, flow: Flow, ref: CellRef | CopyCellRef, what: str, note: str):
            """The flow read for `what` ("promote" or "update") on ref, and a note for the status line."""
            super().__init__()
            self.flow, self.ref, self.what, self.note = flow, ref, what, note

    class FlowApplied(Message):
        """A confirmed write is done; message says what it did."""

        def __init__(self, ref: CellRef | CopyCellRef, message: str):
            """The result of applying a flow to ref."""
            super().__init__()
            self.ref, self.message = ref, message

    class FlowChanged(Message):
        """What was shown changed on disk before the write: nothing was written, show the new diff."""

        def __init__(self, ref: CellRef | CopyCellRef, what: str):
            """The flow to read again."""
            super().__init__()
            self.ref, self.what = ref, what

    class FlowFailed(Message):
        """Reading or writing stopped with an error (one line), or there is nothing to do."""

        def __init__(self, error: str):
            """The error as one line."""
            super().__init__()
            self.error = error

    def __init__(self, workspace: Workspace):
        """The browser on a workspace; nothing is read until it is shown."""
        super().__init__()
        self.workspace = workspace
        self.show_all = False
        self.filter_text = ""
        self.notebooks: list[NotebookInfo] = []
        self.status_message = ""
        self.loaded = False  # set once the first scan has filled the tree (the benchmark waits for it)
        self.busy: str | None = None  # the read or write running in a worker, as the status line says it
        self._spinner: Timer | None = None  # turns the status line's spinner while busy (no widget, no timer at start)
        self._frame = 0

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
        """One line under the panes (after the spinner while something runs)."""
        self.status_message = message
        self._draw_status()

    def _draw_status(self) -> None:
        """The status line: a spinner frame while busy, then the message."""
        text = Text()
        if self.busy is not None:
            text.append(SPINNER[self._frame % len(SPINNER)] + " ", style="bold cyan")
        text.append(self.status_message)
        self.query_one("#status", Static).update(text)

    def _spin(self) -> None:
        """The spinner's next frame."""
        self._frame += 1
        self._draw_status()

    def set_busy(self, work: str | None) -> None:
        """Say what runs in a worker (a spinner and the status line), or that nothing does any more."""
        self.busy = work
        if work is not None:
            if self._spinner is None:
                self._spinner = self.set_interval(0.1, self._spin)
            self.set_status(work)
        else:
            if self._spinner is not None:
                self._spinner.stop()
                self._spinner = None
            self._draw_status()

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
        if self.busy is not None:
            self.say_busy()
        elif not isinstance(ref, (CellRef, CopyCellRef)):
            self.set_status("select a %%writefile cell, or a copy's cell, to promote")
        elif ref.branch is not None:
            self.set_status(f"read-only: this cell is on branch {ref.branch}; merge or check it out to promote it")
        else:
            self.confirm(ref, "promote")

    def action_update(self) -> None:
        """u: confirm, then merge the selected cell's module edits back into it."""
        ref = self.selected()
        if self.busy is not None:
            self.say_busy()
        elif not isinstance(ref, CellRef):
            self.set_status("select a promoted %%writefile cell to update from its module")
        elif ref.branch is not None:
            self.set_status(f"read-only: this cell is on branch {ref.branch}")
        else:
            self.confirm(ref, "update")

    # --- confirm, then write: both in thread workers ----------------------------------------------

    def confirm(self, ref: CellRef | CopyCellRef, what: str, note: str = "") -> None:
        """Read what `what` would write, as things are on disk now (in a worker), then ask (saying note)."""
        from nbteam.tui.flows import progress

        if self.busy is not None:
            self.say_busy()
            return
        self.set_busy(progress(ref))
        self.prepare(ref, what, note)

    def say_busy(self) -> None:
        """One read or write at a time (the second would see the first half done): say what runs."""
        self.set_status(f"busy: {self.busy} (wait for it to finish)")

    @work(thread=True, group="write")
    def prepare(self, ref: CellRef | CopyCellRef, what: str, note: str) -> None:
        """Re-read the cell and plan the write; a FlowReady (or FlowFailed) message comes back."""
        from nbteam.tui.flows import make_flow

        try:
            flow = make_flow(self.workspace, ref, what)
        except (NbteamError, OSError) as e:  # nothing to confirm, or unreadable: say why
            self.post_message(self.FlowFailed(one_line(str(e))))
            return
        self.post_message(self.FlowReady(flow, ref, what, note))

    @on(FlowReady)
    def _flow_ready(self, message: FlowReady) -> None:
        """Show the proposal; on yes, write what was shown (in a worker)."""
        from nbteam.tui.confirm import FORCE, ConfirmDiff
        from nbteam.tui.flows import progress

        self.set_busy(None)
        self.set_status(message.note)
        flow, ref, what = message.flow, message.ref, message.what

        def done(choice: str | None) -> None:
            """The dialog's answer."""
            if not choice:
                self.set_status("promotion cancelled" if what == "promote" else "update cancelled")
                return
            self.set_busy(progress(ref, flow))
            self.write(flow, ref, what, choice == FORCE)

        self.app.push_screen(ConfirmDiff(flow.proposal), done)

    @work(thread=True, group="write")
    def write(self, flow: Flow, ref: CellRef | CopyCellRef, what: str, force: bool) -> None:
        """Apply a confirmed flow; FlowApplied, FlowChanged or FlowFailed comes back."""
        from nbteam.scratch.guards import ChangedSinceShownError

        try:
            result = flow.apply(force=force)
        except ChangedSinceShownError:
            self.post_message(self.FlowChanged(ref, what))
        except (NbteamError, OSError) as e:
            self.post_message(self.FlowFailed(one_line(str(e))))
        else:
            self.post_message(self.FlowApplied(ref, result))

    @on(FlowApplied)
    def _flow_applied(self, message: FlowApplied) -> None:
        """Done: say what was written and reload; the cursor stays where it is now (it may have moved on)."""
        self.set_busy(None)
        self.set_status(message.message)
        self.scan(None, message.message)

    @on(FlowChanged)
    def _flow_changed(self, message: FlowChanged) -> None:
        """Nothing was written: read the new state and ask again."""
        self.set_busy(None)
        self.confirm(message.ref, message.what, "it changed on disk since the diff was shown; here is the new one")

    @on(FlowFailed)
    def _flow_failed(self, message: FlowFailed) -> None:
        """One line in the status, and the browser carries on."""
        self.set_busy(None)
        self.set_status(message.error)
