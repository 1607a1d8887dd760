"""A help dialog: keys, then any extra text; it says how to close it."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

CLOSE_HINT = "Esc, q or ? closes this help."


def help_text(title: str, keys: list[tuple[str, str]], extra: Text | None = None) -> Text:
    """The help's content: a title with how to close it, one line per key, then `extra`."""
    text = Text()
    text.append(f"{title}\n", style="bold")
    text.append(f"{CLOSE_HINT}\n\n", style="dim")
    width = max((len(key) for key, _ in keys), default=0) + 2
    for key, what in keys:
        text.append(f"  {key:<{width}}", style="bold")
        text.append(f"{what}\n")
    if extra is not None:
        text.append("\n")
        text.append_text(extra)
    return text


class HelpScreen(ModalScreen[None]):
    """Keys and whatever else a screen explains (e.g. the meaning of each mark)."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close help")]

    def __init__(self, text: Text):
        """A dialog showing text (see help_text)."""
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        """The text, scrollable, and the dialog's footer."""
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(self.text)
        yield Footer()  # this dialog's keys, not those of the screen underneath

    def action_close(self) -> None:
        """Back to the screen underneath."""
        self.dismiss(None)
