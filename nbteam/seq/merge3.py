"""Line-based three-way text merge with git-style conflict markers (like `git merge-file`)."""
from __future__ import annotations

from nbteam.notebook.markers import STYLES, Markers  # the one marker grammar (STYLES re-exported)
from nbteam.seq.match import matching_blocks

__all__ = ["STYLES", "Markers", "merge3_lines", "merge3_text"]


def _sync_regions(base: list[str], ours: list[str], theirs: list[str]) -> list[tuple[int, int, int, int, int, int]]:
    """Regions (b0, b1, o0, o1, t0, t1) where base, ours and theirs all agree, plus an end sentinel."""
    regions = []
    mo, mt = matching_blocks(base, ours), matching_blocks(base, theirs)
    x = y = 0
    while x < len(mo) and y < len(mt):
        ob, oo, on = mo[x]
        tb, tt, tn = mt[y]
        lo, hi = max(ob, tb), min(ob + on, tb + tn)
        if lo < hi:
            regions.append((lo, hi, oo + lo - ob, oo + hi - ob, tt + lo - tb, tt + hi - tb))
        if ob + on < tb + tn:
            x += 1
        else:
            y += 1
    regions.append((len(base), len(base), len(ours), len(ours), len(theirs), len(theirs)))
    return regions


def _terminated(lines: list[str]) -> list[str]:
    """Lines with a final newline, so a marker never joins the last line of a side."""
    if lines and not lines[-1].endswith("\n"):
        return lines[:-1] + [lines[-1] + "\n"]
    return lines


def _conflict(base: list[str], ours: list[str], theirs: list[str], m: Markers) -> tuple[list[str], bool]:
    """The lines for one conflicting region, and whether a real conflict remained in it."""
    prefix: list[str] = []
    suffix: list[str] = []
    if m.style != "diff3":
        # git's zealous merge: lines both sides added identically are not part of the conflict.
        n = 0
        while n < min(len(ours), len(theirs)) and ours[n] == theirs[n]:
            n += 1
        prefix, ours, theirs = ours[:n], ours[n:], theirs[n:]
        k = 0
        while k < min(len(ours), len(theirs)) and ours[-1 - k] == theirs[-1 - k]:
            k += 1
        if k:
            suffix, ours, theirs = ours[len(ours) - k :], ours[: len(ours) - k], theirs[: len(theirs) - k]
        if not ours and not theirs:
            return prefix + suffix, False
    block = m.block("".join(ours), "".join(theirs), "".join(base))
    return _terminated(prefix) + block.splitlines(keepends=True) + suffix, True


def merge3_lines(base: list[str], ours: list[str], theirs: list[str], markers: Markers = Markers()) -> tuple[list[str], int]:
    """Merge two edits of a list of lines; return the merged lines and the number of conflicts."""
    out: list[str] = []
    conflicts = 0
    b = o = t = 0
    for b0, b1, o0, o1, t0, t1 in _sync_regions(base, ours, theirs):
        cb, co, ct = base[b:b0], ours[o:o0], theirs[t:t0]
        if co == cb:
            out += ct
        elif ct == cb or co == ct:
            out += co
        else:
            block, conflicted = _conflict(cb, co, ct, markers)
            conflicts += conflicted
            out += block
        out += base[b0:b1]
        b, o, t = b1, o1, t1
    return out, conflicts


def merge3_text(base: str, ours: str, theirs: str, markers: Markers = Markers()) -> tuple[str, int]:
    """Merge two edits of a text line by line; return the merged text and the number of conflicts."""
    if ours == theirs or theirs == base:
        return ours, 0
    if ours == base:
        return theirs, 0
    lines, conflicts = merge3_lines(
        base.splitlines(keepends=True), ours.splitlines(keepends=True), theirs.splitlines(keepends=True), markers
    )
    return "".join(lines), conflicts
