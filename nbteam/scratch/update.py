"""`promote --update`: a module's edits flow back into the `%%writefile` cell it was promoted from.

A three-way merge, line by line as `git merge-file` would: base = the body last promoted (read
from git's objects by the blob id the manifest records), ours = the cell, theirs = the module.
A clean merge updates the cell (and the module, when the cell had edits of its own too), so
both are in sync and nothing is overwritten. A conflict puts the markers in the cell and leaves
the module as it is; once they are resolved, promoting the cell writes the result.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from nbteam.git.blobs import read_blob
from nbteam.git.repo import store_blob
from nbteam.notebook.io import dumps_notebook, uses_crlf
from nbteam.scratch.cells import CellInfo, worktree_reader
from nbteam.scratch.guards import PromoteError, ScratchContext, check_owner, check_shown, check_targets, find_cell, reread_cells
from nbteam.scratch.manifest import Mode, PromotionRecord, RecordKey, manifest_lock, now_utc, read_manifest, sha256
from nbteam.scratch.plan import ManifestIndex, appended_blocks, unified_diff
from nbteam.scratch.promote import PromotionResult, read_selected, write_manifest_into
from nbteam.scratch.writefile import replace_body
from nbteam.scratch.writes import WorkTreeWrites, read_notebook_file
from nbteam.seq.merge3 import Markers, merge3_text


UpdateResult = PromotionResult  # MERGED, CONFLICT, UNCHANGED or REFUSED


@dataclass(frozen=True)
class CellUpdate:
    """The outcome for one cell: the cell body and module before and after."""

    cell: CellInfo
    result: UpdateResult
    message: str
    target: str = ""
    old_body: str = ""
    new_body: str = ""
    old_module: str | None = None
    new_module: str | None = None

    @property
    def ok(self) -> bool:
        """True unless the cell was refused or now holds conflict markers."""
        return self.result in (UpdateResult.MERGED, UpdateResult.UNCHANGED)

    def diff(self) -> str:
        """The cell's diff, then the module's if it changes."""
        label = f"cell {self.cell.key}"
        text = unified_diff(label, self.old_body, self.new_body) if self.new_body != self.old_body else ""
        if self.new_module is not None and self.new_module != self.old_module:
            text += unified_diff(self.target, self.old_module, self.new_module)
        return text


def split_tail(module: str, tail: str) -> tuple[str, str]:
    """(the write cell's part, the blocks `-a` cells appended after it) of a module's text."""
    if tail and module.endswith(tail):
        return module[: len(module) - len(tail)], tail
    return module, ""


def merge_module_edits(base: str, cell_body: str, module_body: str, target: str) -> tuple[str, int]:
    """Merge the module's edits into the cell body (pure); the text and the number of conflicts."""
    return merge3_text(base, cell_body, module_body, Markers(ours="cell", base="last promoted", theirs=target))


def plan_update(cell: CellInfo, record: PromotionRecord | None, base: str | None, module: str | None,
                index: ManifestIndex) -> CellUpdate:
    """What `--update` would do to one `%%writefile` cell (pure)."""
    magic, target = cell.magic, cell.target or ""
    if magic is None:
        return CellUpdate(cell, UpdateResult.REFUSED, "not a %%writefile cell", target)

    def left(result: UpdateResult, message: str) -> CellUpdate:
        return CellUpdate(cell, result, message, target, magic.body, magic.body, module, None)

    if magic.append:
        return left(UpdateResult.REFUSED, "append (-a) cells are not updated from the module; edit the cell")
    if record is None:
        return left(UpdateResult.REFUSED, f"never promoted to {target}: nothing to merge back")
    if module is None:
        return left(UpdateResult.REFUSED, f"{target} does not exist")
    if base is None:
        return left(UpdateResult.REFUSED, f"the text last promoted (blob {record.blob or 'not recorded'}) is not in"
                                          " git's objects; merge by hand, or promote with --force")
    text = module.replace("\r\n", "\n")
    body, tail = split_tail(text, appended_blocks(text, index, target))
    if body == magic.body:
        return left(UpdateResult.UNCHANGED, f"the cell already holds {target}")
    if body == base:
        return left(UpdateResult.UNCHANGED, f"{target} has no edits since the last promotion")
    merged, conflicts = merge_module_edits(base, magic.body, body, target)
    if conflicts:
        return CellUpdate(cell, UpdateResult.CONFLICT,
                          f"{conflicts} conflict(s) marked in the cell; {target} left as it is."
                          " Resolve them, then promote the cell", target, magic.body, merged, module, module)
    new_module = merged + tail if merged != body else module
    return CellUpdate(cell, UpdateResult.MERGED, f"merged the edits of {target} into the cell"
                      + ("" if new_module == module else f", and the cell's own edits into {target}"),
                      target, magic.body, merged, module, new_module)


def _plan_updates(ctx: ScratchContext, notebook: str, cells: list[CellInfo], shown: Mapping[str, str | None],
                  ) -> tuple[list[CellUpdate], dict[RecordKey, PromotionRecord], ManifestIndex]:
    """Each cell's update, against the manifest and modules as they are now."""
    records: dict[RecordKey, PromotionRecord] = dict(read_manifest(ctx.root, ctx.config.manifest))
    index = ManifestIndex(records)
    cells = reread_cells(ctx, notebook, cells, index)
    read = worktree_reader(ctx.root)
    updates = []
    for cell in cells:
        target = cell.target or ""
        record = index.get(target, notebook, cell.key)
        raw = read_blob(ctx.root, record.blob) if record is not None and record.blob else None
        module = read(target)
        check_shown(shown, target, module)
        base = None if raw is None else raw.decode("utf-8", "replace")
        if base is None and record is not None and cell.magic is not None and record.cell_sha == sha256(cell.magic.body):
            base = cell.magic.body  # the cell is unchanged since: it is the text last promoted (older manifests)
        updates.append(plan_update(cell, record, base, module, index))
    return updates, records, index


@dataclass(frozen=True)
class UpdatePlan:
    """What `promote --update` would do to cells of one notebook (the dry run); apply() does it."""

    ctx: ScratchContext
    notebook: str  # repo-relative
    cells: list[CellInfo]
    updates: list[CellUpdate]

    @property
    def acts_for(self) -> str:
        """The other user whose scratchpad this is: apply() needs confirmed=True ("" for your own)."""
        return self.ctx.acts_for(self.notebook)

    def apply(self, confirmed: bool = False) -> list[CellUpdate]:
        """Merge as planned, under the manifest lock; ChangedSinceShownError if a module changed since."""
        ctx, notebook = self.ctx, self.notebook
        root = ctx.root
        owner = check_owner(ctx, notebook, confirmed)
        shown = {u.target: u.old_module for u in self.updates if u.target}
        with manifest_lock(root):
            updates, records, index = _plan_updates(ctx, notebook, self.cells, shown)
            if not any(u.result in (UpdateResult.MERGED, UpdateResult.CONFLICT) for u in updates):
                return updates
            nb, crlf = read_notebook_file(root, notebook)
            writes = WorkTreeWrites(root)
            for u in updates:
                if u.result not in (UpdateResult.MERGED, UpdateResult.CONFLICT):
                    continue
                nb["cells"][u.cell.number - 1]["source"] = replace_body(u.cell.source, u.new_body)
                module = u.new_module or ""
                synced = u.result is UpdateResult.MERGED
                if module != u.old_module:
                    writes.add(u.target, module.replace("\r\n", "\n"), crlf=uses_crlf((u.old_module or "").encode("utf-8")))
                module_lf = module.replace("\r\n", "\n")
                base_body = u.new_body if synced else split_tail(module_lf, appended_blocks(module_lf, index, u.target))[0]
                records[(u.target, notebook, u.cell.key)] = PromotionRecord(
                    target=u.target, notebook=notebook, cell=u.cell.key, mode=Mode.WRITE, cell_sha=sha256(base_body),
                    module_sha=sha256(module_lf), lines=len(base_body.splitlines()), user=ctx.user, time=now_utc(),
                    owner=owner, blob=store_blob(root, base_body.encode("utf-8")))
            writes.add(notebook, dumps_notebook(nb), crlf=crlf)
            write_manifest_into(writes, root, ctx.config, records.values())
            writes.commit()
            return updates


def plan_updates(ctx: ScratchContext, notebook: str, cells: list[CellInfo]) -> UpdatePlan:
    """Plan merging each promoted module's edits into its cell (writes nothing)."""
    check_targets(ctx.root, cells)
    return UpdatePlan(ctx, notebook, cells, _plan_updates(ctx, notebook, cells, {})[0])


def plan_notebook_updates(ctx: ScratchContext, notebook: str, selectors: list[str] | None = None) -> UpdatePlan:
    """`promote NB --update [--cell ...]`: the selected (default: every promoted) write cells."""
    cells = read_selected(ctx, notebook)
    if selectors:
        chosen = [find_cell(cells, s) for s in selectors]
    else:
        index = ManifestIndex(read_manifest(ctx.root, ctx.config.manifest))
        chosen = [c for c in cells if c.magic is not None and not c.magic.append and c.target is not None
                  and index.get(c.target, notebook, c.key) is not None]
        if not chosen:
            raise PromoteError("no promoted %%writefile cells in this notebook to update")
    return plan_updates(ctx, notebook, chosen)
