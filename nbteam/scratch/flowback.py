"""Copies flowing back: merge chosen cells of a copy (`scratch new --from NB`) into NB, plan first.

`plan_copy` merges without writing (the dry run, and what the user is shown); `CopyPlan.apply`
merges again under the manifest lock, refuses if the origin changed since it was shown, and
writes the origin and the copy's updated origin record together. In the origin's working copy
only the merged cells change (nbteam.scratch.copies.into_working_copy).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from nbteam.diff.notebook import diff_notebooks
from nbteam.diff.render import render_diff
from nbteam.git.blobs import read_blob
from nbteam.git.repo import store_blob
from nbteam.merge.notebook import merge_notebooks
from nbteam.notebook.io import Notebook, dumps_notebook, parse_notebook
from nbteam.notebook.normalise import normalise_notebook
from nbteam.scratch.copies import (
    BlobReader,
    CopyCell,
    Origin,
    base_bytes,
    copy_cells,
    fingerprint,
    into_working_copy,
    read_origin,
    theirs_notebook,
    with_origin,
)
from nbteam.scratch.guards import PromoteError, ScratchContext, check_owner, check_shown
from nbteam.scratch.manifest import manifest_lock
from nbteam.scratch.scan import NotebookInfo
from nbteam.scratch.writes import WorkTreeWrites, read_notebook_file, stage_written
from nbteam.seq.merge3 import Markers


@dataclass(frozen=True)
class CopyPromotion:
    """The result of promoting a copy's cells back into its origin."""

    copy: str
    origin: str
    cells: list[CopyCell]
    conflicts: int
    diff: str  # the origin now against the origin after the promotion
    written: bool
    origin_text: str  # the origin as it was read: what the user was shown


def load_base(root: str | os.PathLike[str], origin: Origin, copy_rel: str, read_blob: BlobReader) -> Notebook:
    """The merge base of a copy; NbteamError naming the missing blob."""
    data = base_bytes(origin, read_blob, root)
    if data is None:
        raise PromoteError(f"{copy_rel}: its base (git blob {origin.base[:12]}, {origin.path} as copied) is not in"
                           " this repository's git objects; copy it again or merge by hand")
    return parse_notebook(data, f"{origin.path} as copied")


def select_copy_cells(cells: list[CopyCell], selectors: list[str] | None, copy_rel: str, origin_rel: str) -> list[CopyCell]:
    """The copy cells named by id or 1-based number; every one not in sync if selectors is None."""
    if selectors is None:
        chosen = [c for c in cells if c.promotable]
        if not chosen:
            raise PromoteError(f"no cell of {copy_rel} differs from {origin_rel}; nothing to promote")
        return chosen
    out = []
    for sel in selectors:
        match = [c for c in cells if c.key == sel] or [c for c in cells if sel.isdigit() and c.number == int(sel)]
        if not match or not match[0].promotable:
            raise PromoteError(f"cell {sel!r} of {copy_rel} is the same as in {origin_rel} (or not a cell); nothing to promote")
        out.append(match[0])
    return out


@dataclass(frozen=True)
class _Merged:
    """A merge back, computed: what it shows, and what applying it writes."""

    shown: CopyPromotion
    origin_nb: Notebook  # the origin's working copy afterwards
    origin_style: tuple[bool, bool]  # CRLF, BOM: kept
    copy_nb: Notebook  # the copy with its origin record moved on
    copy_style: tuple[bool, bool]
    base: Notebook  # the next merge base (theirs)


def _merge_back(ctx: ScratchContext, copy_rel: str, selectors: list[str] | None, shown_origin: str | None) -> _Merged:
    """Merge the chosen cells of a copy into its origin, in memory."""
    root = ctx.root
    copy_nb, copy_crlf, copy_bom = read_notebook_file(root, copy_rel)
    origin = read_origin(copy_nb)
    if origin is None:
        raise PromoteError(f"{copy_rel} is not a copy of a team notebook (make one with `nbteam scratch new --from`)")
    # Without outputs: the copy has none, and the origin's own outputs must not read as deleted.
    base = normalise_notebook(load_base(root, origin, copy_rel, lambda blob: read_blob(root, blob)))
    try:
        origin_text = (root / origin.path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PromoteError(f"cannot read {origin.path}, the origin of {copy_rel}: {e}") from None
    if shown_origin is not None:
        check_shown({origin.path: shown_origin}, origin.path, origin_text)
    ours, origin_crlf, origin_bom = read_notebook_file(root, origin.path)
    chosen = select_copy_cells(copy_cells(copy_nb, base, origin, copy_rel, root), selectors, copy_rel, origin.path)
    theirs = theirs_notebook(base, copy_nb, {c.key for c in chosen}, copy_rel, origin.path, root)
    markers = Markers(ours=origin.path, base=f"{origin.path} as copied", theirs=copy_rel)
    # Outputs stay out of the merge (the copy has none, so they would read as edits); then only
    # the cells the merge changed replace the origin's own.
    result = merge_notebooks(base, ours, theirs, markers)
    after = into_working_copy(ours, result.notebook)
    diff = "\n".join(render_diff(diff_notebooks(ours, after), f"a/{origin.path}", f"b/{origin.path}")) + "\n"
    synced = dict(origin.synced)
    theirs_cells = {c.get("id"): c for c in theirs["cells"]}
    for cell in chosen:
        synced.pop(cell.key, None)
        if cell.key in theirs_cells:
            synced[cell.key] = fingerprint(theirs_cells[cell.key])
    shown = CopyPromotion(copy_rel, origin.path, chosen, len(result.conflicts), diff, False, origin_text)
    record = Origin(origin.path, origin.blob, origin.base, synced)  # base: set when applied
    return _Merged(shown, after, (origin_crlf, origin_bom), with_origin(copy_nb, record), (copy_crlf, copy_bom), theirs)


@dataclass(frozen=True)
class CopyPlan:
    """Merging chosen cells of a copy into its origin, computed but not written; apply() writes it."""

    ctx: ScratchContext
    copy: str  # repo-relative
    selectors: list[str] | None
    shown: CopyPromotion  # what the merge does (written False): its diff, conflicts, cells

    @property
    def acts_for(self) -> str:
        """The other user whose scratchpad the copy is: apply() needs confirmed=True ("" for your own)."""
        return self.ctx.acts_for(self.copy)

    def apply(self, confirmed: bool = False, stage: bool = False) -> CopyPromotion:
        """Merge as shown, under the manifest lock; ChangedSinceShownError if the origin changed since.

        confirmed: the user agreed to act for `acts_for` (else OwnershipError). stage: add the
        origin and the copy to git's index (through the clean filter).
        """
        ctx = self.ctx
        check_owner(ctx, self.copy, confirmed)
        with manifest_lock(ctx.root):  # one promotion into a notebook at a time
            merged = _merge_back(ctx, self.copy, self.selectors, self.shown.origin_text)
            origin = read_origin(merged.copy_nb)
            assert origin is not None  # _merge_back read it
            new_base = store_blob(ctx.root, dumps_notebook(merged.base).encode("utf-8"))
            copy_nb = with_origin(merged.copy_nb, Origin(origin.path, origin.blob, new_base, origin.synced))
            writes = WorkTreeWrites(ctx.root)
            writes.add(origin.path, dumps_notebook(merged.origin_nb), *merged.origin_style)
            writes.add(self.copy, dumps_notebook(copy_nb), *merged.copy_style)
            writes.commit()
            if stage:
                stage_written(ctx.root, writes.paths)
            done = merged.shown
            return CopyPromotion(done.copy, done.origin, done.cells, done.conflicts, done.diff, True, done.origin_text)


def plan_copy(ctx: ScratchContext, copy: str, selectors: list[str] | None = None) -> CopyPlan:
    """Plan merging chosen cells of a repo-relative copy into its origin (all differing cells when selectors is None)."""
    return CopyPlan(ctx, copy, selectors, _merge_back(ctx, copy, selectors, None).shown)


def split_selection(info: NotebookInfo, selectors: list[str] | None, everything: bool) -> tuple[list[str], list[str]]:
    """(cells for their modules, cells for the origin) of a copy, as cell ids (pure).

    Named cells go where their kind goes: `%%writefile` cells to modules, the others back into
    the origin. `everything` (--all) takes both kinds; no selection takes the `%%writefile`
    cells, as for any scratchpad.
    """
    flows = [c for c in info.copy_cells if c.promotable]
    if info.copy_error and (everything or selectors):
        raise PromoteError(f"{info.path} cannot be compared with {info.origin}: {info.copy_error}")
    if selectors:
        modules, back = [], []
        for sel in selectors:
            cell = next((c for c in info.cells if c.key == sel), None) or next(
                (c for c in info.cells if sel.isdigit() and c.number == int(sel)), None)
            if cell is not None and cell.promotable:
                modules.append(cell.key)
            elif cell is not None or any(c.key == sel for c in info.copy_cells):
                back.append(cell.key if cell is not None else sel)
            else:
                raise PromoteError(f"no cell {sel!r} in {info.path} (give a 1-based cell number or a cell id)")
        return modules, back
    modules = [c.key for c in info.promotable()]
    if everything:
        if not modules and not flows:
            raise PromoteError(f"nothing to promote: no %%writefile cells, and no cell differs from {info.origin}")
        return modules, [c.key for c in flows]
    if not modules:
        raise PromoteError(f"no %%writefile cells in this notebook; it is a copy of {info.origin}: promote its"
                           f" {len(flows)} changed cell(s) back with --cell ID or --all")
    return modules, []
