"""Longest-common-subsequence matching of token sequences (lines, cells) via diff-match-patch.

Equal ends are matched directly; only what lies between them goes to the diff algorithm.

diff-match-patch diffs strings; we map every distinct token to one character, diff those
strings (Myers' O(ND) algorithm, with a time bound), and read matching blocks back. Its
"half-match" speed-up is switched off: it takes any long shared run as given and so can miss
the longest common subsequence. The result is an LCS unless the inputs are long (PATIENCE_FROM
tokens or more: cut at unique anchors first, as patience diff does) or Myers' algorithm runs
past DIFF_TIMEOUT; then it is a common subsequence, not always a longest one.
"""
from __future__ import annotations

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence
    from typing import Any

from nbteam.seq.gaps import gaps
from nbteam.seq.lis import longest_increasing

Block = tuple[int, int, int]  # (start in a, start in b, length)

DIFF_TIMEOUT = 2.0  # seconds; past this, diff-match-patch returns a correct but less minimal diff
PATIENCE_FROM = 200  # total tokens from which unique-token anchors cut the work first
_dmp = None


def _differ() -> "Any":
    """diff-match-patch, imported on first need: most merges are settled by prefix and suffix alone."""
    global _dmp
    if _dmp is None:
        from diff_match_patch import diff_match_patch  # type: ignore[import-untyped]

        class _Minimal(diff_match_patch):  # type: ignore[misc]
            def diff_halfMatch(self, text1: str, text2: str) -> None:
                return None  # its documented non-minimal speed-up: Myers alone finds an LCS

        _dmp = _Minimal()
        _dmp.Diff_Timeout = DIFF_TIMEOUT
    return _dmp


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
    for op, text in _differ().diff_main(sa, sb, False):
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
    la, lb = len(a), len(b)
    head = 0
    while head < la and head < lb and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < la - head and tail < lb - head and a[la - 1 - tail] == b[lb - 1 - tail]:
        tail += 1
    if head or tail:
        # Equal ends are matched as they stand (diff-match-patch would trim them first, too).
        inner = matching_blocks(a[head : la - tail], b[head : lb - tail])
        ends = [(0, 0, head)] if head else []
        ends += [(i + head, j + head, n) for i, j, n in inner]
        return _coalesce(ends + ([(la - tail, lb - tail, tail)] if tail else []))
    # Tokens found on one side only can never match: drop them before diffing (as git's xdiff
    # does), so inputs that share little cost little. The common subsequence is the same.
    common = set(a).intersection(b)
    if not common:
        return []
    keep_a = [i for i, t in enumerate(a) if t in common]
    keep_b = [j for j, t in enumerate(b) if t in common]
    if len(keep_a) < la or len(keep_b) < lb:
        inner = matching_blocks([a[i] for i in keep_a], [b[j] for j in keep_b])
        return _coalesce([(keep_a[i + k], keep_b[j + k], 1) for i, j, n in inner for k in range(n)])
    if la == 1 or lb == 1:  # ends differ: a single token cannot match at an end, only inside
        single, other = (a[0], b) if la == 1 else (b[0], a)
        k = next((k for k, t in enumerate(other) if t == single), -1)
        return [] if k < 0 else [(0, k, 1)] if la == 1 else [(k, 0, 1)]
    if la + lb < PATIENCE_FROM:
        return _myers_blocks(a, b)
    blocks: list[Block] = []
    for (pi, pj), (i, j), anchored in gaps(_unique_anchors(a, b), (la, lb)):
        if i > pi and j > pj:
            blocks += [(x + pi, y + pj, n) for x, y, n in _myers_blocks(a[pi:i], b[pj:j])]
        if anchored:
            blocks.append((i, j, 1))
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
    """Index pairs (i, j) with a[i] == b[j] along a longest common subsequence (see the module's bounds)."""
    return [(i + k, j + k) for i, j, n in matching_blocks(a, b) for k in range(n)]
