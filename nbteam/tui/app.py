"""`nbteam tui`: a Textual browser of everyone's scratchpads, with promotion behind a confirmation.

Imported only by `nbteam tui` (and tests), so Textual never loads for the git drivers. The app
is thin: it holds the Workspace and shows the BrowserScreen; screens and widgets live in their
own modules and the layout in nbteam.tcss.
"""
from __future__ import annotations

import os
from pathlib import Path

from textual.app import App
from textual.screen import Screen

from nbteam.config import Config
from nbteam.tui.browser import BrowserScreen
from nbteam.tui.model import Workspace


class ScratchApp(App[None]):
    """Users → scratchpads → cells, with source, diff and promotion."""

    TITLE = "nbteam scratchpads"
    CSS_PATH = "nbteam.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, root: str | os.PathLike[str], config: Config, user: str | None = None,
                 user_error: str | None = None, branches: bool = False):
        """The browser on the repository at root, promoting as user (or saying user_error)."""
        super().__init__()
        self.browser = BrowserScreen(Workspace(Path(root), config, user, user_error, branches))

    def get_default_screen(self) -> Screen[None]:
        """The browser is the app's first and main screen."""
        return self.browser
