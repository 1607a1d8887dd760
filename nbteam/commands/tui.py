"""`nbteam tui`: browse everyone's scratchpads and promote cells (Textual, imported only here)."""
from __future__ import annotations

import argparse
import os

from nbteam.errors import NbteamError


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of `nbteam tui`."""
    parser.add_argument("--branches", action="store_true",
                        help="also show scratchpads that other local and remote-tracking branches add or change (read-only, from git objects)")
    parser.add_argument("--user", help="who is promoting, for the manifest (default: slug of git user.name)")
    parser.add_argument("-C", dest="directory", metavar="DIR", help="run as if started in DIR")


def run(args: argparse.Namespace) -> int:
    """Start the TUI on the repository containing the current directory."""
    from nbteam.config import ConfigError, open_repo, resolve_user
    from nbteam.tui.terminal import require_terminal

    root, config = open_repo(args.directory or os.getcwd())
    require_terminal()
    user, user_error = None, None
    try:
        user = resolve_user(root, args.user)
    except ConfigError as e:
        user_error = str(e)  # browsing still works; promoting says why it cannot
    try:
        from nbteam.tui.app import ScratchApp
    except ImportError as e:  # pragma: no cover - textual is a dependency
        raise NbteamError(f"needs textual ({e}); pip install textual") from e
    ScratchApp(root, config, user=user, user_error=user_error, branches=args.branches).run()
    return 0
