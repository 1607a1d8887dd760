"""The promotion confirmation: the diff a promotion would apply, then yes, force or cancel."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from nbteam.scratch.plan import Plan
from nbteam.scratch.scan import CellInfo, NotebookInfo
from nbteam.tui.model import MARKS
from nbteam.tui.render import diff_renderable

PROMOTE, FORCE = "promote", "force"


class ConfirmPromote(ModalScreen[str | None]):
    """Show the diff a promotion would apply; dismiss with PROMOTE, FORCE or None (cancelled)."""

    BINDINGS = [
        Binding("y", f"choose('{PROMOTE}')", "Promote"),
        Binding("f", f"choose('{FORCE}')", "Overwrite anyway"),
        Binding("n,escape", "choose('')", "Cancel"),
    ]

    def __init__(self, notebook: NotebookInfo, cell: CellInfo, plan: Plan, owner: str | None = None,
                 user: str | None = None):
        super().__init__()
        self.notebook, self.cell, self.plan = notebook, cell, plan
        self.owner, self.user = owner, user  # owner: set when the scratchpad is someone else's

    def compose(self) -> ComposeResult:
        verb = "Append" if self.plan.mode == "append" else "Write"
        with Vertical(classes="dialog"):
            yield Static(Text.assemble(
                (f"{verb} cell {self.cell.number} of {self.notebook.path}\n", "bold"),
                ("to ", ""), (self.plan.target, "bold cyan"), (f"  ({self.plan.state})", MARKS[self.plan.state][1]),
            ), id="question")
            if self.owner:
                yield Static(Text(f"This is {self.owner}'s scratchpad: you ({self.user}) promote it for them; "
                                  "the manifest records you both.", style="bold yellow"), id="owner")
            if self.plan.refusal:
                yield Static(Text(f"Refused without force: {self.plan.refusal}.", style="bold red"), id="refusal")
            with VerticalScroll(id="confirm-diff"):
                yield Static(diff_renderable(self.plan.diff()))
            keys = "f overwrite anyway · n/Esc cancel" if self.plan.refusal else "y promote · n/Esc cancel"
            with Horizontal(id="buttons"):
                yield Static(Text(keys, style="dim"), id="keys")
                if self.plan.refusal:
                    yield Button("Overwrite anyway", variant="error", id=FORCE)
                else:
                    yield Button("Promote", variant="success", id=PROMOTE)
                yield Button("Cancel", id="cancel")
        yield Footer()  # this dialog's keys, not those of the screen underneath

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """"y" cannot override a refusal, and "f" is offered only when there is one."""
        if action == "choose" and parameters and parameters[0] in (PROMOTE, FORCE):
            return (parameters[0] == FORCE) == bool(self.plan.refusal)
        return True

    def action_choose(self, choice: str) -> None:
        """Close with the choice ("" cancels)."""
        self.dismiss(choice or None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)
