"""The check every interactive screen makes first: is there a terminal to draw on and read from?

Free of Textual, so a command can refuse before importing it.
"""
from __future__ import annotations

import sys

from nbteam.errors import NbteamError


class NoTerminalError(NbteamError):
    """An interactive screen was asked for where there is no terminal (a pipe, a file, CI)."""


def require_terminal() -> None:
    """Raise NoTerminalError unless stdin and stderr are terminals (Textual reads one, draws on the other)."""
    stdin, stderr = sys.__stdin__, sys.__stderr__
    if stdin is None or stderr is None or not stdin.isatty() or not stderr.isatty():
        raise NoTerminalError("needs a terminal (stdin and stderr must be a tty); "
                              "run it in a terminal window, not through a pipe or a file")
