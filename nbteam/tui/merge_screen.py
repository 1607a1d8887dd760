"""The merge tool's screen: the conflict list, base/ours/theirs, the cell as it will be written."""
from __future__ import annotations

import tempfile
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from nbteam.merge.resolve import Side
from nbteam.notebook.markers import ConflictKind
from nbteam.git.run import editor_command, run_editor
from nbteam.tui.ask import AskScreen
from nbteam.tui.footer import compact_footer
from nbteam.tui.help import HelpScreen, help_text
from nbteam.tui.merge_view import cell_preview, conflict_list, side_titles, sides
from nbteam.tui.resolution import EditError, Session, choice_name, conflict_block

# key, action, footer label, help line: one table for the bindings and the help.
KEYS = [
    ("o", "take('ours')", "ours", "take ours for this conflict"),
    ("t", "take('theirs')", "theirs", "take theirs"),
    ("b", "take('both')", "both", "take both (ours, then theirs)"),
    ("e", "edit", "edit", "edit this conflict in $EDITOR (starts from the conflict block)"),
    ("u", "undo", "undo", "undo the last choice"),
    ("n", "move(1)", "next", "next conflict"),
    ("p", "move(-1)", "prev", "previous conflict"),
    ("w", "write", "write", "write the notebook and exit (asks first if conflicts are left)"),
    ("q", "quit_tool", "quit", "quit without writing (exit status 1)"),
    ("question_mark", "help", "help", "this help"),
]
HELP_KEYS = [("?" if key == "question_mark" else key, line) for key, _, _, line in KEYS]
HELP_KEYS.insert(-3, ("tab", "focus the panes to scroll them (↑/↓/PgUp/PgDn)"))
LEGEND = Text.assemble(
    ("▌", "bold green"), " marks the lines a side changed from base (in base: the lines a side changed).\n",
    "Exit status: 0 when the notebook was written with no conflict left, 1 otherwise\n",
    "(git mergetool then keeps the file unresolved).",
)

class ResolveScreen(Screen[int]):
    """Go through a notebook's conflicts, take a side or edit each, then write."""

    BINDINGS = [Binding(key, action, label) for key, action, label, _ in KEYS]

    class Write(Message):
        """The user asked to write the notebook; `clean` is True when no conflict is left."""

        def __init__(self, notebook: dict, clean: bool):
            """The notebook to write, and whether no conflict is left in it."""
            super().__init__()
            self.notebook, self.clean = notebook, clean

    class Quit(Message):
        """The user asked to leave without writing."""

    def __init__(self, session: Session, path: str):
        """The screen on a session, showing path in its title."""
        super().__init__()
        self.session, self.path = session, path
        self.status_message = ""

    def compose(self) -> ComposeResult:
        """Title, conflict list, base | ours | theirs, the cell preview, status, footer."""
        yield Static(id="r-title")
        with VerticalScroll(id="r-list"):
            yield Static(id="r-conflicts")
        with Horizontal(id="r-sides"):
            for name in ("base", "ours", "theirs"):
                with VerticalScroll(id=f"r-{name}-pane", classes="r-side"):
                    yield Static(id=f"r-{name}")
        with VerticalScroll(id="r-preview-pane"):
            yield Static(id="r-preview")
        yield Static(id="r-status")
        yield compact_footer()

    def on_mount(self) -> None:
        """Show the first conflict."""
        self.query_one("#r-list").border_title = "conflicts"
        self.show()

    # --- drawing ----------------------------------------------------------------------------------

    def show(self) -> None:
        """Redraw everything from the session."""
        session = self.session
        conflict = session.conflict
        total, left = len(session.conflicts), session.left
        self.query_one("#r-title", Static).update(Text.assemble(
            f"conflict {session.current + 1} of {total} · ",
            (f"{left} left" if left else "all decided: w writes", "bold yellow" if left else "bold green"),
            " · ", (self.path, "bold"), no_wrap=True, overflow="ellipsis"))
        self.query_one("#r-conflicts", Static).update(conflict_list(session))
        self.call_after_refresh(self._scroll_list)
        titles, texts = side_titles(conflict, session.names), sides(conflict)
        for name in ("base", "ours", "theirs"):
            self.query_one(f"#r-{name}-pane").border_title = titles[name]
            self.query_one(f"#r-{name}", Static).update(texts[name])
        state = choice_name(session.choice())
        self.query_one("#r-preview-pane").border_title = (
            f"cell {conflict.number} as it will be written ({'open: markers stay' if state == 'open' else state})")
        self.query_one("#r-preview", Static).update(cell_preview(session))

    def _scroll_list(self) -> None:
        """Keep the current conflict visible in the list."""
        self.query_one("#r-list", VerticalScroll).scroll_to(y=max(0, self.session.current - 1), animate=False)

    def set_status(self, message: str) -> None:
        """One line above the footer."""
        self.status_message = message
        self.query_one("#r-status", Static).update(Text(message))

    # --- actions ----------------------------------------------------------------------------------

    def action_take(self, side: str) -> None:
        """Decide the current conflict for a side, then go to the next open one."""
        chosen = Side[side.upper()]
        number = self.session.current + 1
        self.session.choose(chosen)
        moved = self.session.next_open()
        self.set_status(f"conflict {number}: took {side}" + ("" if moved else "; no conflict left: w writes"))
        self.show()

    def action_undo(self) -> None:
        """Take back the last choice."""
        index = self.session.undo()
        self.set_status("nothing to undo" if index is None else f"conflict {index + 1}: choice undone")
        self.show()

    def action_move(self, step: int) -> None:
        """Next or previous conflict."""
        if not self.session.move(step):
            self.set_status("no next conflict" if step > 0 else "no previous conflict")
            return
        self.set_status("")
        self.show()

    def action_edit(self) -> None:
        """Edit the current conflict in $EDITOR (the app is suspended meanwhile)."""
        conflict = self.session.conflict
        if conflict.kind is ConflictKind.INSERT_INSERT:
            self.set_status(f"conflict {self.session.current + 1}: inserted cells are taken with o, t or b, "
                            "then edited in Jupyter")
            return
        suffix = ".py" if conflict.kind is ConflictKind.SOURCE else ".txt"
        with tempfile.TemporaryDirectory(prefix="nbteam-resolve-") as tmp:
            path = Path(tmp) / f"conflict-{self.session.current + 1}{suffix}"
            path.write_text(conflict_block(conflict), encoding="utf-8")
            editor = editor_command()
            try:
                with self.app.suspend():
                    code = run_editor(editor, path)
            except SuspendNotSupported:  # no terminal to hand over (headless tests): run it as it is
                code = run_editor(editor, path)
            self.app.refresh()
            if code != 0:
                self.set_status(f"editor {editor!r} exited {code}; nothing changed")
                return
            text = path.read_text(encoding="utf-8")
        number = self.session.current + 1
        try:
            self.session.choose(text)
        except EditError as e:
            self.set_status(f"conflict {number}: {e}")
            return
        self.session.next_open()
        self.set_status(f"conflict {number}: edited")
        self.show()

    def action_write(self) -> None:
        """Write and exit; with conflicts left, ask first (and exit 1 after writing)."""
        left = self.session.left
        if not left:
            self.post_message(self.Write(self.session.resolved().notebook, True))
            return

        def answered(yes: bool | None) -> None:
            """Yes writes (keeping the open conflicts' markers); no goes back."""
            if yes:
                self.post_message(self.Write(self.session.resolved().notebook, False))
            else:
                self.set_status("not written")

        self.app.push_screen(AskScreen(f"{left} conflict(s) have no choice yet. Write anyway, with their markers,"
                                       " and leave the file unresolved (exit 1)?", "write", "back"), answered)

    def action_quit_tool(self) -> None:
        """Leave without writing; ask first if choices would be lost."""
        if not self.session.changed:
            self.post_message(self.Quit())
            return

        def answered(yes: bool | None) -> None:
            """Yes quits without writing."""
            if yes:
                self.post_message(self.Quit())

        self.app.push_screen(AskScreen("Quit without writing? The choices made here are lost and the file stays"
                                       " as it is (exit 1).", "quit", "back"), answered)

    def action_help(self) -> None:
        """Keys and what the marks mean."""
        self.app.push_screen(HelpScreen(help_text("nbteam merge tool", HELP_KEYS, LEGEND)))
