"""`nbteam tui`: a Textual browser of everyone's scratchpads, with promotion behind a confirmation.

Imported only by `nbteam tui` (and tests), so Textual never loads for the git drivers.
"""
from __future__ import annotations

import gc
from pathlib import Path

from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static, Tree
from textual.widgets.tree import TreeNode

from nbteam.config import Config
from nbteam.scratch.manifest import ManifestError, read_manifest
from nbteam.notebook.io import NotebookError, read_notebook
from nbteam.scratch.plan import IN_SYNC, ManifestIndex, Plan
from nbteam.scratch.scan import (
    CellInfo,
    NotebookInfo,
    analyse_cells,
    head_tree,
    list_branches,
    scan_branch,
    scan_worktree,
    worktree_reader,
)
from nbteam.tui.model import (
    LEGEND,
    MARKS,
    Ref,
    cell_text,
    describe_state,
    empty_message,
    filter_notebooks,
    group,
    summary,
    visible_cells,
)

# Textual, Rich and Pygments leave some 50,000 objects that live as long as the process: keep
# the cyclic collector from scanning them in every full pass, the last one at exit included
# (that pass alone took about 0.08 s of `nbteam tui`'s start-and-quit).
gc.freeze()

# Open every node when the tree lists at most this many cells; beyond it only your own, to open fast.
EXPAND_ALL_UP_TO = 80


_LEXERS: dict = {}
DIM = Style(dim=True)


def lexer(kind: str):
    """A shared Pygments lexer for "python", "markdown" or "diff", made on first use.

    Rich's Syntax looks a lexer up by name (and builds a new one) on every render; a lexer
    instance skips that. Pygments compiles a lexer's regular expressions once per process, and
    for Python that was most of the cost of the first highlighted cell: six rules match names
    with the Unicode XID classes, and `re` expands each of those 130,000-character classes
    code point by code point. FastPythonLexer matches names with `\\w` (a built-in category)
    plus the few XID characters it lacks (combining marks, connectors): every name PythonLexer
    matches, the same tokens for real code, at a fraction of the compile time.
    """
    found = _LEXERS.get(kind)
    if found is None:
        options = dict(stripnl=False, ensurenl=True, tabsize=4)  # what Syntax(code, name) passes
        if kind == "python":
            from pygments import unistring
            from pygments.lexers.python import PythonLexer

            slow = getattr(PythonLexer, "uni_name", None)  # a Pygments internal: without it, no speed-up
            fast = (r"[^\W\d\u1885\u1886\u2118\u212e]"
                    r"[\w\u00b7\u0387\u203f\u2040\u2054\u2118\u212e\ufe33\ufe34\ufe4d-\ufe4f\uff3f"
                    + unistring.Mn + unistring.Mc + "]*")

            def faster(rule):
                if slow and isinstance(rule, tuple) and type(rule[0]) is str and slow in rule[0]:
                    return (rule[0].replace(slow, fast),) + rule[1:]
                return rule

            class FastPythonLexer(PythonLexer):
                tokens = {state: [faster(rule) for rule in rules] for state, rules in PythonLexer.tokens.items()}

            found = FastPythonLexer(**options)
        elif kind == "markdown":
            from pygments.lexers.markup import MarkdownLexer

            found = MarkdownLexer(**options)
        else:
            from pygments.lexers.diff import DiffLexer

            found = DiffLexer(**options)
        _LEXERS[kind] = found
    return found


def diff_renderable(diff: str) -> Syntax | Text:
    """A unified diff with diff colouring, or a note when there is nothing to change."""
    if not diff:
        return Text("No changes: the module already holds this cell.", style="dim")
    return Syntax(diff, lexer("diff"), theme="ansi_dark", word_wrap=False)


class KeyBar(Widget):
    """The active key bindings on one line, like Textual's Footer, as a single widget.

    Footer mounts a widget per key and rebuilds them all whenever focus moves, which was a
    good part of the TUI's start-up; this draws the same keys as text. A click runs the key.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--hover"}
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; color: $footer-foreground; background: $footer-background; }
    KeyBar > .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyBar > .keybar--description { color: $footer-description-foreground; background: $footer-description-background; }
    KeyBar > .keybar--hover { color: $footer-key-foreground; background: $block-hover-background; }
    """

    def __init__(self, id: str | None = None):
        super().__init__(id=id)
        self.keys: list[tuple[int, int, str, bool]] = []  # (first column, end column, key, enabled)
        self.hover: int | None = None  # the column under the mouse

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        hover_style = self.get_component_rich_style("keybar--hover")
        text, keys, seen = Text(no_wrap=True, overflow="crop"), [], set()
        for _namespace, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue  # one entry per action, like Footer
            seen.add(binding.action)
            start = text.cell_len
            key = f" {self.app.get_key_display(binding)} "
            end = start + len(key) + len(binding.description) + 1
            hovered = self.hover is not None and start <= self.hover < end
            dim = DIM if not enabled else None
            text.append(key, (hover_style if hovered else key_style) + dim)
            text.append(f"{binding.description} ", (hover_style if hovered else description_style) + dim)
            keys.append((start, text.cell_len, binding.key, enabled))
        self.keys = keys
        return text

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.hover != event.x:
            self.hover = event.x
            self.refresh()

    def on_leave(self) -> None:
        self.hover = None
        self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        for start, end, key, enabled in self.keys:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return


class ConfirmPromote(ModalScreen[str | None]):
    """Show the diff a promotion would apply; dismiss with "promote", "force" or None."""

    BINDINGS = [
        Binding("y", "choose('promote')", "Promote", show=False),
        Binding("f", "choose('force')", "Force", show=False),
        Binding("n,escape", "choose('')", "Cancel"),
    ]

    def __init__(self, notebook: NotebookInfo, cell: CellInfo, plan: Plan):
        super().__init__()
        self.notebook, self.cell, self.plan = notebook, cell, plan

    def compose(self) -> ComposeResult:
        verb = "Append" if self.plan.mode == "append" else "Write"
        with Vertical(id="dialog"):
            yield Static(Text.assemble(
                (f"{verb} cell {self.cell.number} of {self.notebook.path}\n", "bold"),
                ("to ", ""), (self.plan.target, "bold cyan"), (f"  ({self.plan.state})", MARKS[self.plan.state][1]),
            ), id="question")
            if self.plan.refusal:
                yield Static(Text(f"Refused without force: {self.plan.refusal}.", style="bold red"), id="refusal")
            with VerticalScroll(id="confirm-diff"):
                yield Static(diff_renderable(self.plan.diff()))
            keys = "f overwrite anyway · n/Esc cancel" if self.plan.refusal else "y promote · n/Esc cancel"
            with Horizontal(id="buttons"):
                yield Static(Text(keys, style="dim"), id="keys")
                if self.plan.refusal:
                    yield Button("Overwrite anyway", variant="error", id="force")
                else:
                    yield Button("Promote", variant="success", id="promote")
                yield Button("Cancel", id="cancel")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "y" cannot override a refusal, and "f" is offered only when there is one.
        if action == "choose" and parameters and parameters[0] in ("promote", "force"):
            return (parameters[0] == "force") == bool(self.plan.refusal)
        return True

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)


class HelpScreen(ModalScreen[None]):
    """Keys and the meaning of each status mark."""

    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("nbteam tui\n\n", style="bold")
        for key, what in [("↑/↓", "move; Enter/Space opens a user or notebook"),
                          ("p", "promote the selected cell (asks first, shows the diff)"),
                          ("a", "show every cell / only %%writefile cells"),
                          ("/", "filter by user, notebook, target or source; Esc clears"),
                          ("r", "reload from disk"), ("tab", "focus the source and diff panes to scroll"),
                          ("?", "this help"), ("q", "quit")]:
            text.append(f"  {key:<5}", style="bold")
            text.append(f"{what}\n")
        text.append("\nMarks\n", style="bold")
        for state, meaning in LEGEND.items():
            mark, style = MARKS[state]
            text.append(f"  {mark} ", style=style)
            text.append(f"{state}: {meaning}\n")
        text.append("\nBranch scratchpads (--branches) are read from git objects and are read-only.", style="dim")
        with VerticalScroll(id="dialog"):
            yield Static(text)


class FilterInput(Input):
    """The filter box: Escape clears and hides it, Enter hands the keys back to the tree."""

    BINDINGS = [Binding("escape", "clear_filter", "Clear filter")]

    def action_clear_filter(self) -> None:
        self.app.clear_filter()


class ScratchApp(App[None]):
    """Users → scratchpads → cells, with source, diff and promotion."""

    TITLE = "nbteam scratchpads"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #filter { display: none; height: 3; }
    #filter.shown { display: block; }
    #main { height: 1fr; }
    #tree { width: 38%; min-width: 28; border-right: solid $primary-darken-2; }
    #empty { padding: 1 2; width: 1fr; display: none; }
    #detail { width: 1fr; }
    #info { height: auto; max-height: 4; padding: 0 1; background: $boost; }
    #source-pane, #diff-pane { height: 1fr; border-top: solid $primary-darken-2; }
    #source-pane:focus, #diff-pane:focus { border-top: solid $accent; }
    #status { height: 1; padding: 0 1; color: $text-muted; }
    ConfirmPromote, HelpScreen { align: center middle; }
    #dialog { width: 96%; max-width: 110; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    #confirm-diff { height: 1fr; border: solid $primary-darken-2; }
    #buttons { height: 3; align-horizontal: right; }
    #buttons Button { margin-left: 2; width: auto; }
    #keys { width: 1fr; content-align: left middle; height: 3; }
    """
    BINDINGS = [
        Binding("p", "promote", "Promote"),
        Binding("a", "toggle_all", "All cells"),
        Binding("slash", "filter", "Filter"),
        Binding("r", "refresh", "Refresh"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, root: str | Path, config: Config, user: str | None = None, user_error: str | None = None,
                 branches: bool = False):
        super().__init__()
        self.root, self.config, self.user, self.user_error = Path(root), config, user, user_error
        self.branches = branches
        self.show_all = False
        self.filter_text = ""
        self.notebooks: list[NotebookInfo] = []
        self.manifest_error: str | None = None
        self.status_message = ""
        self.shown: Ref | None = None  # what the detail panes show
        self.loaded = False  # set once the first scan has filled the tree (the benchmark waits for it)

    # --- layout and loading ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Tree("scratch", id="tree")
            yield Static(empty_message(self.config.scratch_dir), id="empty")
            with Vertical(id="detail"):
                yield Static(id="info")
                with VerticalScroll(id="source-pane") as pane:
                    pane.border_title = "source"
                    yield Static(id="source")
                with VerticalScroll(id="diff-pane") as pane:
                    pane.border_title = "diff"
                    yield Static(id="diff")
        yield Static(id="status")
        yield KeyBar(id="keys-bar")

    def on_mount(self) -> None:
        tree = self.query_one("#tree", Tree)
        tree.show_root = False
        tree.guide_depth = 2
        self.scan()
        self.rebuild()
        tree.focus()
        self.loaded = True

    def scan(self) -> None:
        """Read every scratchpad (and, with --branches, every branch's) into self.notebooks."""
        self.notebooks, self.manifest_error = scan_worktree(self.root, self.config)
        if self.branches:
            try:
                head = head_tree(self.root)
                for name, commit in list_branches(self.root):
                    self.notebooks += scan_branch(self.root, name, commit, self.config, skip_same_as=head)
            except Exception as e:  # pygit2 errors: an odd repository must not stop the browser
                self.set_status(f"could not read branches: {e}")
        if self.manifest_error or self.config.warning:
            self.set_status(f"warning: {self.manifest_error or self.config.warning}")

    def rebuild(self, keep: tuple | None = None) -> None:
        """Refill the tree from self.notebooks with the current filter and cell mode.

        Children are added lazily: a large repository opens with only your own scratchpads
        filled in, and other users' notebooks and cells are added when their node is expanded.
        """
        tree = self.query_one("#tree", Tree)
        empty = not self.notebooks
        self.query_one("#empty").display = empty
        tree.display = self.query_one("#detail").display = not empty
        if keep is None and tree.cursor_node is not None and tree.cursor_node.data is not None:
            keep = tree.cursor_node.data.key
        tree.clear()
        self._pending: dict = {}
        if empty:
            return
        items = filter_notebooks(self.notebooks, self.filter_text, self.show_all)
        if not items:
            tree.root.add_leaf(Text(f"no match for {self.filter_text!r} (Esc clears)", style="dim"), Ref("note"))
        small = sum(len(cells) for _, cells in items) <= EXPAND_ALL_UP_TO
        for branch, users in group(items, self.user).items():
            parent = tree.root
            if branch is not None:
                parent = tree.root.add(Text.assemble(("⎇ ", "bold magenta"), (branch, "magenta"), ("  read-only", "dim")),
                                       Ref("branch", branch=branch), expand=small)
            for user, notebooks in users.items():
                all_cells = [c for _, cells in notebooks for c in cells]
                label = Text.assemble((user, "bold"), ("  (you)" if user == self.user and branch is None else "", "dim"), " ")
                for piece, style in summary(all_cells):
                    label.append(f" {piece}", style=style)
                unode = parent.add(label, Ref("user", branch=branch, user=user))
                mine = branch is None and user == self.user
                self._pending[unode.id] = (self.add_notebooks, unode, branch, user, notebooks, small or mine, keep)
                if small or mine or (keep is not None and keep[1:3] == (branch, user)):
                    self.populate(unode)
                    if small or mine or branch is None:
                        unode.expand()
        found = self.find_node(tree.root, keep) if keep is not None else None
        target = found or self.first_cell_node(tree.root)
        if target is not None:
            # Expand the path to the node before moving to it, so it has a line in the tree.
            node = target.parent
            while node is not None and node is not tree.root:
                node.expand()
                node = node.parent
            # Reading last_line lays out the tree's lines, so target.line is known and the cursor
            # moves now, before the first paint; scrolling to it needs the size, so it waits.
            tree.last_line
            tree.move_cursor(target)
            self.call_after_refresh(tree.scroll_to_node, target, False)
        self.show_ref(target.data if target is not None else None)

    def populate(self, node: TreeNode) -> None:
        """Add a node's children if they are still pending."""
        pending = self._pending.pop(node.id, None)
        if pending is not None:
            pending[0](*pending[1:])

    @on(Tree.NodeExpanded)
    def expanded(self, event: Tree.NodeExpanded) -> None:
        self.populate(event.node)

    def add_notebooks(self, unode: TreeNode, branch: str | None, user: str, notebooks: list, open_all: bool,
                      keep: tuple | None) -> None:
        for nb, cells in notebooks:
            nnode = unode.add(self.notebook_label(nb, cells), Ref("notebook", branch, user, nb))
            self._pending[nnode.id] = (self.add_cells, nnode, branch, user, nb, cells)
            if open_all or (keep is not None and keep[1:4] == (branch, user, nb.path)):
                self.populate(nnode)
                nnode.expand()

    def add_cells(self, nnode: TreeNode, branch: str | None, user: str, nb: NotebookInfo, cells: list[CellInfo]) -> None:
        if nb.error:
            nnode.add_leaf(Text(nb.error, style="red"), Ref("note", branch, user, nb))
        elif not cells:
            nnode.add_leaf(Text("no %%writefile cells (a: show all)" if not self.show_all else "empty",
                                style="dim"), Ref("note", branch, user, nb))
        for cell in cells:
            mark, style = MARKS[cell.state]
            nnode.add_leaf(Text.assemble((mark + " ", style), cell_text(cell)), Ref("cell", branch, user, nb, cell))

    @staticmethod
    def find_node(root: TreeNode, key: tuple) -> TreeNode | None:
        stack = list(root.children)
        while stack:
            node = stack.pop()
            if node.data is not None and node.data.key == key:
                return node
            stack.extend(node.children)
        return None

    def notebook_label(self, nb: NotebookInfo, cells: list[CellInfo]) -> Text:
        label = Text(nb.name, style="red" if nb.error else "")
        for piece, style in summary(cells):
            label.append(f" {piece}", style=style)
        return label

    @staticmethod
    def first_cell_node(root: TreeNode) -> TreeNode | None:
        stack = list(reversed(root.children))
        while stack:
            node = stack.pop()
            if node.data is not None and node.data.kind == "cell":
                return node
            stack.extend(reversed(node.children))
        return root.children[0] if root.children else None

    # --- the detail panes -----------------------------------------------------------------------

    @on(Tree.NodeHighlighted)
    def highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data is not None:  # the hidden root is highlighted while the tree is set up
            self.show_ref(event.node.data)

    def selected(self) -> Ref | None:
        node = self.query_one("#tree", Tree).cursor_node
        return node.data if node is not None else None

    def show_ref(self, ref: Ref | None) -> None:
        if ref is not None and ref is self.shown:
            return  # already on screen (a rebuild makes new Refs, so fresh data is always shown)
        self.shown = ref
        info, source, diff = (self.query_one(f"#{name}", Static) for name in ("info", "source", "diff"))
        diff_pane = self.query_one("#diff-pane")
        if ref is None or ref.kind != "cell":
            diff_pane.border_title = "diff"  # not the last cell's target
        if ref is None or ref.kind in ("note", "branch"):
            info.update(Text("Select a cell." if ref is None or ref.kind == "note"
                             else f"Scratchpads as they are on branch {ref.branch} (read-only)."))
            source.update("")
            diff.update("")
            return
        if ref.kind == "user":
            nbs = [n for n in self.notebooks if n.user == ref.user and n.branch == ref.branch]
            cells = [c for n in nbs for c in n.promotable()]
            text = Text.assemble((ref.user, "bold"), f": {len(nbs)} scratchpad(s), {len(cells)} %%writefile cell(s) ")
            for piece, style in summary(cells):
                text.append(f" {piece}", style=style)
            info.update(text)
            source.update(Text("\n".join(n.path for n in nbs), style="dim"))
            diff.update("")
            return
        nb = ref.notebook
        if ref.kind == "notebook":
            info.update(Text.assemble((nb.path, "bold"), f"  {len(nb.promotable())} of {len(nb.cells)} cells promotable"
                                      + (f"\n{nb.error}" if nb.error else "")))
            source.update(Text("\n".join(f"{c.number:>3} {c.first_line}" for c in visible_cells(nb, True)), style="dim"))
            diff.update("")
            return
        cell = ref.cell
        mark, style = MARKS[cell.state]
        head = f"{nb.path} · cell {cell.number} ({cell.key})"
        if ref.branch:
            head += f" · branch {ref.branch}"
        info.update(Text.assemble((head + "\n", "bold"), (mark + " ", style), (describe_state(cell), style)))
        source.update(Syntax(cell.source or " ", lexer("python" if cell.cell_type == "code" else "markdown"),
                             theme="ansi_dark", line_numbers=True, word_wrap=True))
        if cell.plan is not None:
            diff_pane.border_title = f"diff: {cell.plan.target}"
            diff.update(diff_renderable(cell.plan.diff()))
        else:
            diff_pane.border_title = "diff"
            diff.update(Text(cell.error or "Not a %%writefile cell: nothing to promote.", style="dim"))

    def set_status(self, message: str) -> None:
        self.status_message = message
        self.query_one("#status", Static).update(Text(message))

    # --- actions ----------------------------------------------------------------------------------

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.rebuild()
        self.set_status("showing every cell" if self.show_all else "showing %%writefile cells only")

    async def action_filter(self) -> None:
        try:
            box = self.query_one("#filter", FilterInput)
        except NoMatches:  # made on first use: one widget less to set up before the first screen
            box = FilterInput(placeholder="filter: user, notebook, target or source (Enter: keep, Esc: clear)",
                              id="filter")
            await self.mount(box, before="#main")
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.query_one("#tree", Tree).focus()
        if not self.filter_text:
            self.query_one("#filter").remove_class("shown")

    def clear_filter(self) -> None:
        box = self.query_one("#filter", FilterInput)
        box.value = ""  # fires Input.Changed, which rebuilds the tree
        self.filter_text = ""
        box.remove_class("shown")
        self.query_one("#tree", Tree).focus()

    def action_refresh(self) -> None:
        self.scan()
        self.rebuild()
        if not (self.manifest_error or self.config.warning):
            self.set_status(f"reloaded {len(self.notebooks)} scratchpad(s)")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def fresh_cell(self, nb: NotebookInfo, key: str) -> tuple[NotebookInfo, CellInfo] | None:
        """Re-read one notebook from disk so the confirmation shows what will really be written."""
        try:
            parsed = read_notebook(self.root / nb.path)
            index = ManifestIndex(read_manifest(self.root, self.config.manifest))
        except (NotebookError, ManifestError) as e:
            self.set_status(str(e))
            return None
        cells = analyse_cells(nb.path, parsed, index, worktree_reader(self.root), self.root)
        fresh = NotebookInfo(path=nb.path, user=nb.user, cells=cells)
        match = next((c for c in cells if c.key == key), None)
        if match is None:
            self.set_status(f"cell {key} is no longer in {nb.path}; press r to reload")
            return None
        return fresh, match

    def action_promote(self) -> None:
        ref = self.selected()
        if ref is None or ref.kind != "cell":
            self.set_status("select a %%writefile cell to promote")
            return
        if ref.branch is not None:
            self.set_status(f"read-only: this cell is on branch {ref.branch}; merge or check it out to promote it")
            return
        found = self.fresh_cell(ref.notebook, ref.cell.key)
        if found is None:
            return
        nb, cell = found
        if cell.error is not None or cell.plan is None:
            self.set_status(cell.error or f"cell {cell.number} has no %%writefile line; nothing to promote")
            return
        if cell.plan.state == IN_SYNC:
            self.set_status(f"cell {cell.number} is in sync with {cell.plan.target}; nothing to promote")
            return
        if self.user is None:
            self.set_status(f"cannot promote: {self.user_error}")
            return

        def done(choice: str | None) -> None:
            if not choice:
                self.set_status("promotion cancelled")
                return
            from nbteam.scratch.promote import promote_cells  # only now: the first screen does not need it

            [outcome] = promote_cells(self.root, self.config, nb.path, [cell], self.user, force=choice == "force")
            self.set_status(f"cell {cell.number}: {outcome.result}: {outcome.message}")
            self.scan()
            self.rebuild(keep=ref.key)

        self.push_screen(ConfirmPromote(nb, cell, cell.plan), done)
