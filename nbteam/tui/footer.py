"""Textual's Footer in its compact style: the TUI's screens have too many keys for the roomy one at 80 columns."""
from __future__ import annotations

from textual.widgets import Footer


def compact_footer() -> Footer:
    """A Footer with compact set as an attribute (older Textual's Footer takes no `compact` argument)."""
    footer = Footer()
    footer.compact = True
    return footer
