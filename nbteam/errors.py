"""The one error base: every failure nbteam reports to a user is an NbteamError.

The CLI prints it once, as `nbteam COMMAND: message`, and exits 2. Code that must
react to a particular failure catches a subclass; no control flow reads message text.
"""
from __future__ import annotations


class NbteamError(Exception):
    """A failure with a one-line message for the user."""
