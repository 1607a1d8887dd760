"""git's conflict styles (merge.conflictStyle): how a three-way merge writes a conflict block.

Kept apart from nbteam.seq.markers because an enum costs the `enum` import (with functools and
collections), which a clean merge, the merge driver's usual case, never needs.
"""
from __future__ import annotations

import enum


class ConflictStyle(enum.Enum):
    """How a conflict is written (git's merge.conflictStyle)."""

    MERGE = "merge"
    DIFF3 = "diff3"
    ZDIFF3 = "zdiff3"

    @property
    def shows_base(self) -> bool:
        """True if blocks carry the base's lines (`|||||||` section)."""
        return self is not ConflictStyle.MERGE


def conflict_style(name: str) -> ConflictStyle:
    """The style git's config or a flag names (any case); ValueError for an unknown name."""
    try:
        return ConflictStyle(name.lower())
    except ValueError:
        raise ValueError(f"unknown conflict style {name!r}") from None
