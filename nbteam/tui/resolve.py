"""`nbteam resolve FILE` without a side flag: the terminal merge tool (also git's mergetool).

run_merge_tool(path) opens a Textual screen on the notebook's conflicts and returns the exit
status: 0 when the notebook was written with no conflict left, 1 when the user quit or wrote
with conflicts left. Without a terminal it raises NoTerminalError (the CLI prints it, exit 2).
"""
from __future__ import annotations

import sys
from pathlib import Path

from textual import on
from textual.app import App
from textual.screen import Screen

from nbteam.errors import NbteamError
from nbteam.notebook.io import dumps_notebook, read_notebook, uses_crlf, write_atomic
from nbteam.tui.merge_screen import ResolveScreen
from nbteam.tui.resolution import Session
from nbteam.tui.terminal import require_terminal


class MergeApp(App[int]):
    """The merge tool: one ResolveScreen; exits with the status run_merge_tool returns."""

    TITLE = "nbteam merge tool"
    CSS_PATH = "nbteam.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, path: str | Path, session: Session):
        """The tool on a notebook path and its conflicts."""
        super().__init__()
        self.path = Path(path)
        self.resolver = ResolveScreen(session, str(path))

    def get_default_screen(self) -> Screen[int]:
        """The conflicts screen is the app's only screen."""
        return self.resolver

    @on(ResolveScreen.Write)
    def _write(self, message: ResolveScreen.Write) -> None:
        """Write the notebook, then exit 0 (nothing left) or 1; stay and say why if writing fails."""
        try:
            write_notebook(self.path, message.notebook)
        except (OSError, NbteamError) as e:
            self.resolver.set_status(f"could not write {self.path}: {e}")
            return
        self.exit(0 if message.clean else 1)

    @on(ResolveScreen.Quit)
    def _quit(self) -> None:
        """Leave without writing: exit 1."""
        self.exit(1)


def write_notebook(path: Path, nb: dict) -> None:
    """Write a notebook in Jupyter's layout, atomically, keeping the file's line endings."""
    try:
        crlf = uses_crlf(path.read_bytes())
    except FileNotFoundError:
        crlf = False
    write_atomic(path, dumps_notebook(nb), crlf=crlf)


def run_merge_tool(path: str) -> int:
    """Resolve a merged notebook's conflicts interactively; 0 = written with none left, 1 = not."""
    require_terminal()
    session = Session(read_notebook(path))
    if not session.regions:
        print(f"nbteam resolve: no conflicts in {path}", file=sys.stderr)
        return 0
    code = MergeApp(path, session).run()
    return 1 if code is None else code
