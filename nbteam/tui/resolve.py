"""`nbteam resolve FILE` without a side flag: the terminal merge tool (also git's mergetool).

run_merge_tool(path) opens a Textual screen on the notebook's conflicts and returns the exit
status: 0 when the notebook was written with no conflict left, 1 when the user quit or wrote
with conflicts left. Without a terminal it raises NoTerminalError (the CLI prints it, exit 2).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import App
from textual.screen import Screen

from nbteam.errors import NbteamError
from nbteam.git.labels import marker_sizes, readable_labels
from nbteam.git.paths import safe_named_write_path
from nbteam.notebook.io import BOM, dumps_notebook, parse_notebook, uses_crlf, write_atomic
from nbteam.tui.merge_screen import ResolveScreen
from nbteam.tui.resolution import Session
from nbteam.tui.terminal import require_terminal


class MergeApp(App[int]):
    """The merge tool: one ResolveScreen; exits with the status run_merge_tool returns."""

    TITLE = "nbteam merge tool"
    CSS_PATH = "nbteam.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, path: str | Path, session: Session, target: Target | None = None):
        """The tool on a notebook path and its conflicts; the result goes to target (default: path)."""
        super().__init__()
        self.path = Path(path)
        self.target = target or Target(self.path)
        self.resolver = ResolveScreen(session, str(path))

    def get_default_screen(self) -> Screen[int]:
        """The conflicts screen is the app's only screen."""
        return self.resolver

    @on(ResolveScreen.Write)
    def _write(self, message: ResolveScreen.Write) -> None:
        """Write the notebook, then exit 0 (nothing left) or 1; stay and say why if writing fails."""
        try:
            self.target.write(message.notebook)
        except (OSError, NbteamError) as e:
            self.resolver.set_status(f"could not write {self.path}: {e}")
            return
        self.exit(0 if message.clean else 1)

    @on(ResolveScreen.Quit)
    def _quit(self) -> None:
        """Leave without writing: exit 1."""
        self.exit(1)


@dataclass(frozen=True)
class Target:
    """Where the result goes and how the file was written (kept when it is written back)."""

    path: Path  # checked: inside the work tree and outside every git directory
    crlf: bool = False
    bom: bool = False

    def write(self, nb: dict) -> None:
        """Write a notebook in Jupyter's layout, atomically, with the file's line ends and BOM."""
        write_atomic(self.path, dumps_notebook(nb), crlf=self.crlf, bom=self.bom)


def write_target(path: str, raw: bytes) -> Target:
    """The checked place to write `path` (UnsafePathError if it is not safe), and its encoding details."""
    return Target(safe_named_write_path(path), uses_crlf(raw), raw.startswith(BOM.encode("utf-8")))


def run_merge_tool(path: str) -> int:
    """Resolve a merged notebook's conflicts interactively; 0 = written with none left, 1 = not."""
    require_terminal()
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise NbteamError(f"cannot read {path}: {e.strerror}") from None
    session = Session(parse_notebook(raw, path), marker_sizes([path])[path])
    session.names = readable_labels([label for c in session.conflicts for label in (c.ours_label, c.theirs_label)],
                                    os.path.dirname(os.path.abspath(path)))
    if not session.conflicts:
        print(f"nbteam resolve: {path}: no conflicts", file=sys.stderr)
        return 0
    code = MergeApp(path, session, write_target(path, raw)).run()
    return 1 if code is None else code
