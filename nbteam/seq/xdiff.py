"""Line diffs aligned exactly as git's xdiff aligns them (Myers' algorithm, git's clean-ups).

Where lines repeat, many alignments are equally short, and a three-way merge is only right
when both sides are aligned to base the same way: otherwise a change both sides made is
applied twice, or a line is lost. git aligns with xdiff: lines without a partner are set
aside first, Myers' divide-and-conquer search runs on the rest, and then every group of
changes is slid as far down as it goes (or back up to line up with a change in the other
file). Doing the same steps here makes nbteam's line merge agree with `git merge-file`.

Lines are compared as whole strings (newline included), as xdiff compares records; any
hashable items (cells' (type, source) keys, say) can be diffed the same way.
"""
from __future__ import annotations

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence

    Item = Hashable  # a line, or any item compared by equality

# xdiff's tuning constants (xdiff/xdiffi.c, xdiff/xprepare.c).
MAX_COST_MIN = 256
HEUR_MIN_COST = 256
SNAKE_CNT = 20
K_HEUR = 4
KPDIS_RUN = 4
MAX_EQLIMIT = 1024
SIMSCAN_WINDOW = 100
LINE_MAX = 1 << 62

Change = tuple[int, int, int, int]  # (start in a, start in b, lines in a, lines in b)


def _bogosqrt(n: int) -> int:
    """xdiff's cheap square root: a power of two near sqrt(n)."""
    i = 1
    while n > 0:
        i <<= 1
        n >>= 2
    return i


def _clean_mmatch(dis: list[int], i: int, s: int, e: int) -> bool:
    """True if multi-match line i sits in a run of unmatched lines (so it is set aside too)."""
    s = max(s, i - SIMSCAN_WINDOW)
    e = min(e, i + SIMSCAN_WINDOW)
    r, rdis0, rpdis0 = 1, 0, 1
    while i - r >= s:
        if dis[i - r] == 0:
            rdis0 += 1
        elif dis[i - r] == 2:
            rpdis0 += 1
        else:
            break
        r += 1
    if rdis0 == 0:
        return False
    r, rdis1, rpdis1 = 1, 0, 1
    while i + r <= e:
        if dis[i + r] == 0:
            rdis1 += 1
        elif dis[i + r] == 2:
            rpdis1 += 1
        else:
            break
        r += 1
    if rdis1 == 0:
        return False
    rdis1 += rdis0
    rpdis1 += rpdis0
    return rpdis1 * KPDIS_RUN < rpdis1 + rdis1


class _Side:
    """One file of a diff: its lines, which are changed, and the lines given to Myers' search."""

    __slots__ = ("lines", "changed", "index")

    def __init__(self, lines: Sequence[Item]) -> None:
        self.lines = lines
        self.changed = [False] * (len(lines) + 2)  # offset by one: changed[k + 1] is line k
        self.index: list[int] = []


def _prepare(a: _Side, b: _Side) -> None:
    """Trim equal ends, then set aside lines that cannot (or should not) be matched."""
    la, lb = len(a.lines), len(b.lines)
    start = 0
    while start < min(la, lb) and a.lines[start] == b.lines[start]:
        start += 1
    tail = 0
    while tail < min(la, lb) - start and a.lines[la - 1 - tail] == b.lines[lb - 1 - tail]:
        tail += 1
    count_a: dict[Item, int] = {}
    count_b: dict[Item, int] = {}
    for line in a.lines:
        count_a[line] = count_a.get(line, 0) + 1
    for line in b.lines:
        count_b[line] = count_b.get(line, 0) + 1
    for side, other, n in ((a, count_b, la), (b, count_a, lb)):
        end = n - tail - 1
        limit = min(_bogosqrt(n), MAX_EQLIMIT)
        dis = [0] * n
        for i in range(start, end + 1):
            nm = other.get(side.lines[i], 0)
            dis[i] = 0 if nm == 0 else 2 if nm >= limit else 1
        for i in range(start, end + 1):
            if dis[i] == 1 or (dis[i] == 2 and not _clean_mmatch(dis, i, start, end)):
                side.index.append(i)
            else:
                side.changed[i + 1] = True


def _split(ha: list[Item], off1: int, lim1: int, hb: list[Item], off2: int, lim2: int,
           kf: dict[int, int], kb: dict[int, int], need_min: bool, mxcost: int) -> tuple[int, int, bool, bool]:
    """Myers' middle snake of the box: the split point and whether each half needs a minimal diff."""
    dmin, dmax = off1 - lim2, lim1 - off2
    fmid, bmid = off1 - off2, lim1 - lim2
    odd = (fmid - bmid) & 1
    fmin = fmax = fmid
    bmin = bmax = bmid
    kf[fmid] = off1
    kb[bmid] = lim1
    ec = 0
    while True:
        ec += 1
        got_snake = False
        if fmin > dmin:
            fmin -= 1
            kf[fmin - 1] = -1
        else:
            fmin += 1
        if fmax < dmax:
            fmax += 1
            kf[fmax + 1] = -1
        else:
            fmax -= 1
        for d in range(fmax, fmin - 1, -2):
            i1 = kf[d - 1] + 1 if kf[d - 1] >= kf[d + 1] else kf[d + 1]
            prev1 = i1
            i2 = i1 - d
            while i1 < lim1 and i2 < lim2 and ha[i1] == hb[i2]:
                i1 += 1
                i2 += 1
            if i1 - prev1 > SNAKE_CNT:
                got_snake = True
            kf[d] = i1
            if odd and bmin <= d <= bmax and kb[d] <= i1:
                return i1, i2, True, True
        if bmin > dmin:
            bmin -= 1
            kb[bmin - 1] = LINE_MAX
        else:
            bmin += 1
        if bmax < dmax:
            bmax += 1
            kb[bmax + 1] = LINE_MAX
        else:
            bmax -= 1
        for d in range(bmax, bmin - 1, -2):
            i1 = kb[d - 1] if kb[d - 1] < kb[d + 1] else kb[d + 1] - 1
            prev1 = i1
            i2 = i1 - d
            while i1 > off1 and i2 > off2 and ha[i1 - 1] == hb[i2 - 1]:
                i1 -= 1
                i2 -= 1
            if prev1 - i1 > SNAKE_CNT:
                got_snake = True
            kb[d] = i1
            if not odd and fmin <= d <= fmax and i1 <= kf[d]:
                return i1, i2, True, True
        if need_min:
            continue
        if got_snake and ec > HEUR_MIN_COST:
            found = _snake_heuristic(ha, off1, lim1, hb, off2, lim2, kf, kb, ec, (fmin, fmax, fmid, bmin, bmax, bmid))
            if found is not None:
                return found
        if ec >= mxcost:
            return _furthest(off1, lim1, off2, lim2, kf, kb, (fmin, fmax, bmin, bmax))


def _snake_heuristic(ha: list[Item], off1: int, lim1: int, hb: list[Item], off2: int, lim2: int, kf: dict[int, int],
                     kb: dict[int, int], ec: int, box: tuple[int, ...]) -> tuple[int, int, bool, bool] | None:
    """xdiff's cut for costly diffs: a diagonal far along with a long snake behind it."""
    fmin, fmax, fmid, bmin, bmax, bmid = box
    best, split = 0, (0, 0)
    for d in range(fmax, fmin - 1, -2):
        i1 = kf[d]
        i2 = i1 - d
        v = (i1 - off1) + (i2 - off2) - abs(d - fmid)
        if v > K_HEUR * ec and v > best and off1 + SNAKE_CNT <= i1 < lim1 and off2 + SNAKE_CNT <= i2 < lim2:
            if all(ha[i1 - k] == hb[i2 - k] for k in range(1, SNAKE_CNT + 1)):
                best, split = v, (i1, i2)
    if best > 0:
        return split[0], split[1], True, False
    for d in range(bmax, bmin - 1, -2):
        i1 = kb[d]
        i2 = i1 - d
        v = (lim1 - i1) + (lim2 - i2) - abs(d - bmid)
        if v > K_HEUR * ec and v > best and off1 < i1 <= lim1 - SNAKE_CNT and off2 < i2 <= lim2 - SNAKE_CNT:
            if all(ha[i1 + k] == hb[i2 + k] for k in range(SNAKE_CNT)):
                best, split = v, (i1, i2)
    if best > 0:
        return split[0], split[1], False, True
    return None


def _furthest(off1: int, lim1: int, off2: int, lim2: int, kf: dict[int, int], kb: dict[int, int],
              box: tuple[int, ...]) -> tuple[int, int, bool, bool]:
    """xdiff's "enough is enough": the furthest-reaching path so far, forward or backward."""
    fmin, fmax, bmin, bmax = box
    fbest = fbest1 = -1
    for d in range(fmax, fmin - 1, -2):
        i1 = min(kf[d], lim1)
        i2 = i1 - d
        if lim2 < i2:
            i1, i2 = lim2 + d, lim2
        if fbest < i1 + i2:
            fbest, fbest1 = i1 + i2, i1
    bbest = bbest1 = LINE_MAX
    for d in range(bmax, bmin - 1, -2):
        i1 = max(off1, kb[d])
        i2 = i1 - d
        if i2 < off2:
            i1, i2 = off2 + d, off2
        if i1 + i2 < bbest:
            bbest, bbest1 = i1 + i2, i1
    if (lim1 + lim2) - bbest < fbest - (off1 + off2):
        return fbest1, fbest - fbest1, True, False
    return bbest1, bbest - bbest1, False, True


def _compare(a: _Side, b: _Side, ha: list[Item], hb: list[Item], mxcost: int) -> None:
    """Mark changed lines by divide and conquer over the lines given to the search."""
    kf: dict[int, int] = {}
    kb: dict[int, int] = {}
    stack = [(0, len(ha), 0, len(hb), False)]
    while stack:
        off1, lim1, off2, lim2, need_min = stack.pop()
        while off1 < lim1 and off2 < lim2 and ha[off1] == hb[off2]:
            off1 += 1
            off2 += 1
        while off1 < lim1 and off2 < lim2 and ha[lim1 - 1] == hb[lim2 - 1]:
            lim1 -= 1
            lim2 -= 1
        if off1 == lim1:
            for k in range(off2, lim2):
                b.changed[b.index[k] + 1] = True
        elif off2 == lim2:
            for k in range(off1, lim1):
                a.changed[a.index[k] + 1] = True
        else:
            i1, i2, min_lo, min_hi = _split(ha, off1, lim1, hb, off2, lim2, kf, kb, need_min, mxcost)
            # Low half first, as xdiff's recursion does (only the marks matter, not the order).
            stack.append((i1, lim1, i2, lim2, min_hi))
            stack.append((off1, i1, off2, i2, min_lo))


# --- groups of changed lines, slid into place (xdl_change_compact) ------------------------


def _group_at(changed: list[bool], start: int) -> tuple[int, int]:
    end = start
    while changed[end + 1]:
        end += 1
    return start, end


def _compact(x: _Side, o: _Side) -> None:
    """Slide every group of changes in x down as far as it goes, or to line up with o's."""
    lines, changed, n = x.lines, x.changed, len(x.lines)

    def slide_up(g: list[int]) -> bool:
        if g[0] > 0 and lines[g[0] - 1] == lines[g[1] - 1]:
            g[0] -= 1
            g[1] -= 1
            changed[g[0] + 1] = True
            changed[g[1] + 1] = False
            while changed[g[0]]:
                g[0] -= 1
            return True
        return False

    def slide_down(g: list[int]) -> bool:
        if g[1] < n and lines[g[0]] == lines[g[1]]:
            changed[g[0] + 1] = False
            changed[g[1] + 1] = True
            g[0] += 1
            g[1] += 1
            while changed[g[1] + 1]:
                g[1] += 1
            return True
        return False

    def nxt(ch: list[bool], size: int, g: list[int]) -> bool:
        if g[1] == size:
            return False
        g[0] = g[1] + 1
        g[1] = _group_at(ch, g[0])[1]
        return True

    def prev(ch: list[bool], g: list[int]) -> None:
        g[1] = g[0] - 1
        g[0] = g[1]
        while ch[g[0]]:
            g[0] -= 1

    g = list(_group_at(changed, 0))
    go = list(_group_at(o.changed, 0))
    while True:
        if g[1] != g[0]:
            while True:
                size = g[1] - g[0]
                end_matching_other = -1
                while slide_up(g):
                    prev(o.changed, go)
                earliest_end = g[1]
                if go[1] > go[0]:
                    end_matching_other = g[1]
                while slide_down(g):
                    nxt(o.changed, len(o.lines), go)
                    if go[1] > go[0]:
                        end_matching_other = g[1]
                if size == g[1] - g[0]:
                    break
            if g[1] != earliest_end and end_matching_other != -1:
                while go[1] == go[0]:
                    slide_up(g)
                    prev(o.changed, go)
        if not nxt(changed, n, g):
            break
        nxt(o.changed, len(o.lines), go)


def diff(a: Sequence[Item], b: Sequence[Item]) -> list[Change]:
    """The changes turning lines a into lines b, aligned as git's xdiff (Myers) aligns them."""
    sa, sb = _Side(a), _Side(b)
    _prepare(sa, sb)
    ha = [a[i] for i in sa.index]
    hb = [b[i] for i in sb.index]
    _compare(sa, sb, ha, hb, max(_bogosqrt(len(ha) + len(hb) + 3), MAX_COST_MIN))
    _compact(sa, sb)
    _compact(sb, sa)
    changes: list[Change] = []
    ca, cb = sa.changed, sb.changed
    i1, i2 = len(a), len(b)
    while i1 >= 0 or i2 >= 0:
        if ca[i1] or cb[i2]:  # changed[k] is line k - 1
            l1, l2 = i1, i2
            while ca[i1]:
                i1 -= 1
            while cb[i2]:
                i2 -= 1
            changes.append((i1, i2, l1 - i1, l2 - i2))
        i1 -= 1
        i2 -= 1
    return changes[::-1]


def matched(a: Sequence[Item], b: Sequence[Item]) -> list[tuple[int, int]]:
    """Index pairs of the items xdiff leaves unchanged (equal, in order), for any hashable items."""
    pairs: list[tuple[int, int]] = []
    i = j = 0
    for c1, c2, n1, n2 in diff(a, b) + [(len(a), len(b), 0, 0)]:
        pairs += zip(range(i, c1), range(j, c2))
        i, j = c1 + n1, c2 + n2
    return pairs
