"""Which cell wrote which part of a module: its regions mapped back to the write and append cells (pure).

After promotions a module is the write cell's body followed by the blocks `-a` cells appended,
each as last promoted (the manifest records them, with a blob of each body). Someone then
edits the module. A line diff from the module as last promoted to the module now tells, for
each edit, inside which cell's block it falls; an edit across the boundary of two blocks, or
lines added exactly between two blocks, belong to no one cell, and the mapping refuses.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from nbteam.scratch.manifest import Mode, PromotionRecord, RecordKey, sha256
from nbteam.seq.diff import opcodes


MAX_REORDERED = 6  # append cells whose every order is tried (6! = 720 hashes)


class RegionError(ValueError):
    """The module cannot be split among the cells that wrote it; the message says why."""


@dataclass(frozen=True)
class Region:
    """One cell's block of a module: the record of its last promotion and the body promoted then."""

    record: PromotionRecord
    base: str


def promotion_order(records: list[PromotionRecord]) -> list[PromotionRecord]:
    """A module's records in file order as promotion leaves it: the last write cell, then the appends.

    Appends promoted before that write stay after it (a rewrite keeps appended blocks), so the
    order among appends is their order of promotion.
    """
    writes = [r for r in records if r.mode is Mode.WRITE]
    last_write = max(writes, key=lambda r: r.time) if writes else None
    appends = sorted((r for r in records if r.mode is Mode.APPEND), key=lambda r: r.time)
    return ([last_write] if last_write else []) + appends


def module_regions(records: list[PromotionRecord], bases: dict[RecordKey, str | None]) -> list[Region]:
    """The regions of a module as last promoted, checked against the latest record's hash; RegionError if unsure."""
    if not records:
        raise RegionError("nothing was promoted to it")
    ordered = promotion_order(records)
    missing = [r for r in ordered if bases.get(r.key) is None]
    if missing:
        r = missing[0]
        raise RegionError(f"the text {r.notebook} cell {r.cell} last promoted to it is not in git's objects")
    latest = max(records, key=lambda r: r.time)
    head = [r for r in ordered if r.mode is Mode.WRITE]
    appends = [r for r in ordered if r.mode is Mode.APPEND]
    # Usually the order of promotion; `--update` re-records a merged append cell later, so
    # for a few append cells every order is tried: the one whose text has the recorded hash.
    orders = itertools.permutations(appends) if len(appends) <= MAX_REORDERED else iter([tuple(appends)])
    for order in itertools.chain([tuple(appends)], orders):
        regions = [Region(r, bases[r.key] or "") for r in [*head, *order]]
        if sha256("".join(region.base for region in regions)) == latest.module_sha:
            return regions
    raise RegionError("its text as last promoted cannot be rebuilt from the cells the manifest names"
                      " (edited between two promotions?)")


def _who(region: Region) -> str:
    return f"{region.record.notebook} cell {region.record.cell}"


def split_module(regions: list[Region], module: str) -> list[str]:
    """The module now split into one text per region (pure); RegionError naming the boundary it cannot place."""
    old: list[str] = []
    bounds = []
    for region in regions:
        old += region.base.splitlines(keepends=True)
        bounds.append(len(old))
    new = module.splitlines(keepends=True)
    codes = opcodes(old, new)
    cuts = [0]
    for k, at in enumerate(bounds[:-1]):
        between = f"{_who(regions[k])}'s block and {_who(regions[k + 1])}'s"
        for tag, i1, i2, j1, j2 in codes:
            if tag != "equal" and (i1 < at < i2 or i1 == i2 == at):
                what = "lines were added between" if i1 == i2 else "an edit spans"
                raise RegionError(f"{what} {between} (module lines {j1 + 1}-{max(j2, j1 + 1)}):"
                                  " nbteam cannot tell which cell they belong to")
        # An edit starting at the boundary belongs to the block after it, one ending there to the one before.
        cuts.append(next((j1 + at - i1 for tag, i1, i2, j1, j2 in codes if i1 == at or (tag == "equal" and i1 <= at <= i2)),
                         next((j2 for tag, i1, i2, j1, j2 in codes if i2 == at), len(new))))
    cuts.append(len(new))
    return ["".join(new[a:b]) for a, b in zip(cuts, cuts[1:])]
