"""Line-based three-way text merge with git-style conflict markers, as `git merge-file` does it.

Both sides are diffed against base with nbteam.seq.xdiff (git's own alignment), and the two
change lists are combined by git's rules (xdiff/xmerge.c, level "zealous-alnum" as
`git merge-file` uses): changes that overlap or touch conflict unless identical; conflicts
are then narrowed to the lines that really differ, and conflicts only a few lines apart (or
apart by lines without a letter or digit) are joined. So a clean result here is the clean
result git gives, and a conflict here is one git reports too.
"""
from __future__ import annotations

from nbteam.seq.markers import Markers  # the one marker grammar

__all__ = ["Markers", "merge3_lines", "merge3_text", "split_lines"]

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from collections.abc import Sequence

    from nbteam.seq.xdiff import Change

EAGER, ZEALOUS, ZEALOUS_ALNUM = 1, 2, 3  # xdiff's merge levels
CONFLICT, OURS, THEIRS, SAME = 0, 1, 2, 4  # what a merged region takes


class _Region:
    """A region both sides touched or one side changed: base, ours and theirs spans and what to take."""

    __slots__ = ("mode", "i0", "chg0", "i1", "chg1", "i2", "chg2")

    def __init__(self, mode: int, i0: int, chg0: int, i1: int, chg1: int, i2: int, chg2: int) -> None:
        self.mode, self.i0, self.chg0, self.i1, self.chg1, self.i2, self.chg2 = mode, i0, chg0, i1, chg1, i2, chg2


def split_lines(text: str) -> list[str]:
    """Lines as git sees them: split after each "\\n" only (the last may lack one)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _append(regions: list[_Region], mode: int, i0: int, chg0: int, i1: int, chg1: int, i2: int, chg2: int) -> None:
    """Add a region, joining it to the previous one when they overlap or touch (then a conflict)."""
    m = regions[-1] if regions else None
    if m is not None and (i1 <= m.i1 + m.chg1 or i2 <= m.i2 + m.chg2):
        if mode != m.mode:
            m.mode = CONFLICT
        m.chg0, m.chg1, m.chg2 = i0 + chg0 - m.i0, i1 + chg1 - m.i1, i2 + chg2 - m.i2
    else:
        regions.append(_Region(mode, i0, chg0, i1, chg1, i2, chg2))


def _regions(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str], level: int,
             s1: list[Change], s2: list[Change]) -> list[_Region]:
    """Walk both sides' changes in base order (s1, s2: their diffs from base) and classify each
    stretch (xdl_do_merge)."""
    regions: list[_Region] = []
    x = y = 0
    while x < len(s1) and y < len(s2):
        a, b = s1[x], s2[y]  # (start in base, start in side, lines in base, lines in side)
        if a[0] + a[2] < b[0]:
            _append(regions, OURS, a[0], a[2], a[1], a[3], b[1] - b[0] + a[0], a[2])
            x += 1
            continue
        if b[0] + b[2] < a[0]:
            _append(regions, THEIRS, b[0], b[2], a[1] - a[0] + b[0], b[2], b[1], b[3])
            y += 1
            continue
        if a[0] != b[0] or a[2] != b[2] or a[3] != b[3] or ours[a[1]:a[1] + a[3]] != theirs[b[1]:b[1] + b[3]]:
            off = a[0] - b[0]
            ffo = off + a[2] - b[2]
            i0, i1, i2 = a[0], a[1], b[1]
            if off > 0:
                i0 -= off
                i1 -= off
            else:
                i2 += off
            chg0, chg1, chg2 = a[0] + a[2] - i0, a[1] + a[3] - i1, b[1] + b[3] - i2
            if ffo < 0:
                chg0 -= ffo
                chg1 -= ffo
            else:
                chg2 += ffo
            _append(regions, CONFLICT, i0, chg0, i1, chg1, i2, chg2)
        end1, end2 = a[0] + a[2], b[0] + b[2]
        if end1 >= end2:
            y += 1
        if end2 >= end1:
            x += 1
    for a in s1[x:]:
        _append(regions, OURS, a[0], a[2], a[1], a[3], a[0] + len(theirs) - len(base), a[2])
    for b in s2[y:]:
        _append(regions, THEIRS, b[0], b[2], b[0] + len(ours) - len(base), b[2], b[1], b[3])
    if level >= ZEALOUS:
        regions = _refine(regions, ours, theirs)
        _simplify(regions, ours, level > ZEALOUS)
    return regions


def _refine(regions: list[_Region], ours: Sequence[str], theirs: Sequence[str]) -> list[_Region]:
    """Narrow each conflict to the lines where the sides really differ (identical: no conflict)."""
    from nbteam.seq.xdiff import diff

    out: list[_Region] = []
    for m in regions:
        if m.mode != CONFLICT or not m.chg1 or not m.chg2:
            out.append(m)
            continue
        changes = diff(ours[m.i1:m.i1 + m.chg1], theirs[m.i2:m.i2 + m.chg2])
        if not changes:
            m.mode = SAME
            out.append(m)
            continue
        for n, (j1, j2, c1, c2) in enumerate(changes):
            if n == 0:
                m.i1, m.chg1, m.i2, m.chg2 = m.i1 + j1, c1, m.i2 + j2, c2
                out.append(m)
                base_i1, base_i2 = m.i1 - j1, m.i2 - j2
            else:
                out.append(_Region(CONFLICT, m.i0, m.chg0, base_i1 + j1, c1, base_i2 + j2, c2))
    return out


def _simplify(regions: list[_Region], ours: Sequence[str], only_alnum_separates: bool) -> None:
    """Join conflicts at most three lines apart (or apart by lines without a letter or digit)."""
    k = 0
    while k + 1 < len(regions):
        m, nxt = regions[k], regions[k + 1]
        begin, end = m.i1 + m.chg1, nxt.i1
        if m.mode != CONFLICT or nxt.mode != CONFLICT or (
                end - begin > 3 and (not only_alnum_separates or any(_has_alnum(line) for line in ours[begin:end]))):
            k += 1
        else:
            m.chg1 = nxt.i1 + nxt.chg1 - m.i1
            m.chg2 = nxt.i2 + nxt.chg2 - m.i2
            del regions[k + 1]


def _has_alnum(line: str) -> bool:
    return any(c.isascii() and c.isalnum() for c in line)


def merge3_lines(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str],
                 markers: Markers = Markers()) -> tuple[list[str], int]:
    """Merge two edits of a list of lines; return the merged lines and the number of conflicts."""
    # Imported on first need: most cells change on one side only and never get here.
    from nbteam.seq.xdiff import diff

    s1 = diff(base, ours)
    if not s1:
        return list(theirs), 0
    s2 = diff(base, theirs)  # each diff once: on a long text they are most of the time
    if not s2:
        return list(ours), 0
    from nbteam.seq.style import ConflictStyle  # the enum import only when both sides changed the text

    if markers.style is ConflictStyle.ZDIFF3:
        regions = _regions(base, ours, theirs, EAGER, s1, s2)
        for m in regions:  # only the lines both sides share at a conflict's ends leave it
            while m.mode == CONFLICT and m.chg1 and m.chg2 and ours[m.i1] == theirs[m.i2]:
                m.i1, m.i2, m.chg1, m.chg2 = m.i1 + 1, m.i2 + 1, m.chg1 - 1, m.chg2 - 1
            while m.mode == CONFLICT and m.chg1 and m.chg2 and ours[m.i1 + m.chg1 - 1] == theirs[m.i2 + m.chg2 - 1]:
                m.chg1, m.chg2 = m.chg1 - 1, m.chg2 - 1
    else:
        level = EAGER if markers.style is ConflictStyle.DIFF3 else ZEALOUS_ALNUM
        regions = _regions(base, ours, theirs, level, s1, s2)
    out: list[str] = []
    conflicts = 0
    i = 0
    for m in regions:
        if m.mode == SAME:
            continue
        out += ours[i:m.i1]
        if m.mode == CONFLICT:
            if not conflicts:  # one size for all blocks of this text, longer than any line in it
                markers = markers.fitted([*base, *ours, *theirs])
            conflicts += 1
            out += split_lines(markers.block("".join(ours[m.i1:m.i1 + m.chg1]), "".join(theirs[m.i2:m.i2 + m.chg2]),
                                             "".join(base[m.i0:m.i0 + m.chg0])))
        else:
            out += ours[m.i1:m.i1 + m.chg1] if m.mode == OURS else theirs[m.i2:m.i2 + m.chg2]
        i = m.i1 + m.chg1
    return out + list(ours[i:]), conflicts


def merge3_text(base: str, ours: str, theirs: str, markers: Markers = Markers()) -> tuple[str, int]:
    """Merge two edits of a text line by line; return the merged text and the number of conflicts."""
    if ours == theirs or theirs == base:
        return ours, 0
    if ours == base:
        return theirs, 0
    lines, conflicts = merge3_lines(split_lines(base), split_lines(ours), split_lines(theirs), markers)
    return "".join(lines), conflicts
