"""The confirmation before anything is written: what will change (a diff), then yes, force or cancel."""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from nbteam.tui.render import diff_renderable

YES, FORCE = "yes", "force"


@dataclass(frozen=True)
class Proposal:
    """What a confirmation shows: a heading, the diff, why it is refused (if it is), a warning, the verb."""

    heading: Text
    diff: str
    refusal: str | None = None  # set: only FORCE can go ahead
    note: str | None = None  # e.g. whose scratchpad this is
    verb: str = "Promote"  # the yes button and key
    empty: str = "No changes: the module already holds this cell."  # what an empty diff means


class ConfirmDiff(ModalScreen[str | None]):
    """Show a proposal; dismiss with YES, FORCE or None (cancelled)."""

    BINDINGS = [
        Binding("y", f"choose('{YES}')", "Yes"),
        Binding("f", f"choose('{FORCE}')", "Overwrite anyway"),
        Binding("n,escape", "choose('')", "Cancel"),
    ]

    def __init__(self, proposal: Proposal):
        """A dialog for one proposal."""
        super().__init__()
        self.proposal = proposal

    def compose(self) -> ComposeResult:
        """Heading, warnings, the diff, the buttons."""
        p = self.proposal
        with Vertical(classes="dialog"):
            yield Static(p.heading, id="question")
            if p.note:
                yield Static(Text(p.note, style="bold yellow"), id="note")
            if p.refusal:
                yield Static(Text(f"Refused without force: {p.refusal}.", style="bold red"), id="refusal")
            with VerticalScroll(id="confirm-diff"):
                yield Static(diff_renderable(p.diff, p.empty))
            keys = "f overwrite anyway · n/Esc cancel" if p.refusal else f"y {p.verb.lower()} · n/Esc cancel"
            with Horizontal(id="buttons"):
                yield Static(Text(keys, style="dim"), id="keys")
                if p.refusal:
                    yield Button("Overwrite anyway", variant="error", id=FORCE)
                else:
                    yield Button(p.verb, variant="success", id=YES)
                yield Button("Cancel", id="cancel")
        yield Footer()  # this dialog's keys, not those of the screen underneath

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """"y" cannot override a refusal, and "f" is offered only when there is one."""
        if action == "choose" and parameters and parameters[0] in (YES, FORCE):
            return (parameters[0] == FORCE) == bool(self.proposal.refusal)
        return True

    def action_choose(self, choice: str) -> None:
        """Close with the choice ("" cancels)."""
        self.dismiss(choice or None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """A button does what its key does."""
        self.dismiss(None if event.button.id == "cancel" else event.button.id)
