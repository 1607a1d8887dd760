"""Longest-common-subsequence matching of token sequences (lines, cells) via diff-match-patch.

diff-match-patch diffs strings; we map every distinct token to one character, diff those
strings (Myers' O(ND) algorithm, with a time bound), and read matching blocks back.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence

from diff_match_patch import diff_match_patch

Block = tuple[int, int, int]  # (start in a, start in b, length)

_DMP = diff_match_patch()
_DMP.Diff_Timeout = 2.0  # past this, a correct but less minimal diff is returned


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


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Block]:
    """Blocks of equal tokens shared by a and b, in order (a longest common subsequence)."""
    if not a or not b:
        return []
    if len(a) == len(b) and list(a) == list(b):
        return [(0, 0, len(a))]
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


def matched_pairs(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Index pairs (i, j) with a[i] == b[j] along a longest common subsequence."""
    return [(i + k, j + k) for i, j, n in matching_blocks(a, b) for k in range(n)]
