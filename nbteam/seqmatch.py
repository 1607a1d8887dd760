"""Longest-common-subsequence matching of token sequences (lines, cells) via diff-match-patch.

diff-match-patch diffs strings; we map every distinct token to one character, diff those
strings (Myers' O(ND) algorithm, with a time bound), and read matching blocks back.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence

from diff_match_patch import diff_match_patch

from nbteam.lis import longest_increasing

Block = tuple[int, int, int]  # (start in a, start in b, length)

_DMP = diff_match_patch()
_DMP.Diff_Timeout = 2.0  # past this, a correct but less minimal diff is returned
PATIENCE_FROM = 200  # total tokens from which unique-token anchors cut the work first


def _encode(a: Sequence[Hashable], b: Sequence[Hashable]) -> tuple[str, str]:
    codes: dict[Hashable, str] = {}

    def char(token: Hashable) -> str:
        c = codes.get(token)
        if c is None:
            n = len(codes) + 1
            c = chr(n + 2048 if n + 2048 < 0xD800 else n + 2048 + 2048)  # skip surrogates
            codes[token] = c
        return c

    return "".join(map(char, a)), "".join(map(char, b))


def _myers_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Block]:
    sa, sb = _encode(a, b)
    blocks: list[Block] = []
    i = j = 0
    for op, text in _DMP.diff_main(sa, sb, False):
        n = len(text)
        if op == 0:
            blocks.append((i, j, n))
            i += n
            j += n
        elif op < 0:
            i += n
        else:
            j += n
    return blocks


def _unique_anchors(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Tokens that occur once in each sequence, matched, longest increasing run (patience diff)."""
    count: dict[Hashable, int] = {}
    for t in a:
        count[t] = count.get(t, 0) + 1
    where_b: dict[Hashable, int] = {}
    for j, t in enumerate(b):
        if count.get(t) == 1:
            where_b[t] = -1 if t in where_b else j
    pairs = [(i, where_b[t]) for i, t in enumerate(a) if where_b.get(t, -1) >= 0]
    return longest_increasing(pairs)


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Block]:
    """Blocks of equal tokens shared by a and b, in order (a common subsequence).

    Long inputs are first cut at tokens unique to both (as patience diff does), so Myers'
    algorithm, which is slow in pure Python on long distant inputs, only runs on the gaps.
    """
    if not a or not b:
        return []
    if len(a) == len(b) and list(a) == list(b):
        return [(0, 0, len(a))]
    if len(a) + len(b) < PATIENCE_FROM:
        return _myers_blocks(a, b)
    blocks: list[Block] = []
    pi = pj = 0
    for i, j in _unique_anchors(a, b) + [(len(a), len(b))]:
        if i > pi and j > pj:
            blocks += [(x + pi, y + pj, n) for x, y, n in _myers_blocks(a[pi:i], b[pj:j])]
        if i < len(a):
            blocks.append((i, j, 1))
        pi, pj = i + 1, j + 1
    return _coalesce(blocks)


def _coalesce(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for i, j, n in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + n)
        else:
            out.append((i, j, n))
    return out


def matched_pairs(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Index pairs (i, j) with a[i] == b[j] along a longest common subsequence."""
    return [(i + k, j + k) for i, j, n in matching_blocks(a, b) for k in range(n)]
