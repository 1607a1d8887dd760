"""Walk the gaps between anchors: the one loop behind every "matched points, then fill in between"."""
from __future__ import annotations

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

Span = tuple[int, ...]


def gaps(anchors: Iterable[Span], ends: Span) -> Iterator[tuple[Span, Span, bool]]:
    """(starts, stops, anchored) for the stretch before each anchor, then before the ends.

    Anchors are index tuples (one index per sequence), increasing in every sequence; `ends`
    are the sequences' lengths. A gap runs from just after the previous anchor to just before
    this one (stops is the anchor itself); `anchored` is False for the last gap, up to `ends`.
    """
    starts: Span = (0,) * len(ends)
    one = (1).__add__  # map() with a C function: this loop runs once per cell of a big notebook
    for anchor in anchors:
        yield starts, anchor, True
        starts = tuple(map(one, anchor))
    yield starts, ends, False
