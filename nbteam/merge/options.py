"""Merge options from the places a user sets them: flags, environment, git config, team settings."""
from __future__ import annotations

import os

from nbteam.config import keep_outputs as keep_outputs_configured  # the one outputs rule (init, filter, driver)
from nbteam.config import machine_metadata as machine_metadata_configured

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from nbteam.seq.style import ConflictStyle

__all__ = ["add_options", "git_conflict_style", "keep_outputs_configured", "machine_metadata_configured"]


def add_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `merge` and `merge-driver`."""
    from nbteam.seq.style import ConflictStyle, conflict_style  # enum: not on the driver's fast path

    parser.add_argument("--style", type=conflict_style, choices=list(ConflictStyle), metavar="{merge,diff3,zdiff3}",
                        help="conflict style (default: git's merge.conflictStyle)")
    parser.add_argument("--keep-outputs", action="store_true", default=None,
                        help="keep outputs (from the side that changed them; cleared if both did)")


def git_conflict_style(cwd: str | None = None) -> ConflictStyle:
    """git's merge.conflictStyle for the repository at cwd (merge when unset or unknown)."""
    from nbteam.git.settings import conflict_style as configured
    from nbteam.seq.style import ConflictStyle, conflict_style

    try:
        return conflict_style(configured(cwd or os.getcwd()))
    except ValueError:
        return ConflictStyle.MERGE
