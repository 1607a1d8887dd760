"""A yes/no question in a small dialog (y or Enter: yes; n or Esc: no)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class AskScreen(ModalScreen[bool]):
    """Dismissed with True (yes) or False (no)."""

    BINDINGS = [Binding("y,enter", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str, yes: str, no: str):
        """A question, and what yes and no do (shown beside the keys)."""
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        """The question and the keys."""
        with Vertical(classes="ask"):
            yield Static(Text(self.question, style="bold"))
            yield Static(Text.assemble(("y", "bold"), f" {self.yes}  ·  ", ("n", "bold"), f"/Esc {self.no}"),
                         classes="ask-keys")
        yield Footer()  # this dialog's keys, not those of the screen underneath

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
