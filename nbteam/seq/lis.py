"""Longest increasing subsequence of index pairs: the order-keeping part of a set of matches."""
from __future__ import annotations

from bisect import bisect_left


def longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of pairs (sorted by first index) whose second index increases."""
    seconds = [j for _, j in pairs]
    if all(map(int.__lt__, seconds, seconds[1:])):  # nothing moved (most merges): all of them, at C speed
        return list(pairs)
    tails: list[int] = []  # tails[k]: smallest second index ending a run of length k+1
    tail_at: list[int] = []
    parent: list[int] = []
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        parent.append(tail_at[k - 1] if k else -1)
    out: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        out.append(pairs[n])
        n = parent[n]
    return out[::-1]
