"""`promote --update`: a module's edits flow back into the `%%writefile` cells it was promoted from.

The module is first split into the parts its write and append cells last promoted
(nbteam.scratch.regions); an edit that belongs to no one cell is refused, saying why. Then,
per cell, a three-way merge, line by line as `git merge-file` would: base = the body last
promoted (read from git's objects by the blob id the manifest records), ours = the cell,
theirs = its part of the module.
A clean merge updates the cell (and the module, when the cell had edits of its own too), so
both are in sync and nothing is overwritten. A conflict puts the markers in the cell and leaves
the module as it is; once they are resolved, promoting the cell writes the result.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from nbteam.git.repo import blob_reader, store_blob
from nbteam.notebook.io import dumps_notebook, uses_crlf
from nbteam.scratch.cells import CellInfo, worktree_reader
from nbteam.scratch.guards import PromoteError, ScratchContext, check_owner, check_shown, check_targets, find_cell, reread_cells
from nbteam.scratch.manifest import PromotionRecord, RecordKey, manifest_lock, now_utc, read_manifest, sha256
from nbteam.scratch.plan import ManifestIndex, find_block, unified_diff
from nbteam.scratch.promote import PromotionResult, read_selected, write_manifest_into
from nbteam.scratch.regions import RegionError, module_regions, split_module
from nbteam.scratch.writefile import replace_body
from nbteam.scratch.writes import WorkTreeWrites, read_notebook_file, stage_written
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


def merge_module_edits(base: str, cell_body: str, module_body: str, target: str) -> tuple[str, int]:
    """Merge the module's edits into the cell body (pure); the text and the number of conflicts."""
    return merge3_text(base, cell_body, module_body, Markers(ours="cell", base="last promoted", theirs=target))


def record_bases(records: list[PromotionRecord], module: str, notebook: str, cells: dict[str, CellInfo],
                 read: Callable[[str], bytes | None]) -> dict[RecordKey, str | None]:
    """The body each record last promoted: its blob, else its block still intact in the module,
    else the cell itself if unchanged since (manifests older than blobs)."""
    lines = module.splitlines(keepends=True)
    out: dict[RecordKey, str | None] = {}
    for r in records:
        raw = read(r.blob) if r.blob else None
        if raw is not None:
            out[r.key] = raw.decode("utf-8", "replace")
            continue
        at = find_block(lines, r.lines, r.cell_sha)
        cell = cells.get(r.cell) if r.notebook == notebook else None
        if at is not None:
            out[r.key] = "".join(lines[at:at + r.lines])
        elif cell is not None and cell.magic is not None and sha256(cell.magic.body) == r.cell_sha:
            out[r.key] = cell.magic.body
        else:
            out[r.key] = None
    return out


@dataclass(frozen=True)
class TargetUpdate:
    """`--update` for the cells of one notebook writing to one module: each cell's outcome, and the module after."""

    updates: list[CellUpdate]
    module: str | None  # the module after (None: unchanged)
    bases: dict[RecordKey, str]  # the body each updated cell's record holds afterwards


def plan_target(notebook: str, target: str, cells: list[CellInfo], module: str | None, records: list[PromotionRecord],
                bases: dict[RecordKey, str | None]) -> TargetUpdate:
    """What `--update` does to this notebook's cells writing to target (pure).

    The module is split into the blocks the cells last promoted (nbteam.scratch.regions);
    each cell's block is merged into it three-way, base = what it last promoted.
    """
    own = {r.cell: r for r in records if r.notebook == notebook}

    def left(cell: CellInfo, result: UpdateResult, message: str) -> CellUpdate:
        body = cell.magic.body if cell.magic else ""
        return CellUpdate(cell, result, message, target, body, body, module, None)

    todo = [c for c in cells if c.magic is not None and c.key in own and module is not None]
    done = [left(c, UpdateResult.REFUSED, "not a %%writefile cell" if c.magic is None else
                 f"never promoted to {target}: nothing to merge back" if c.key not in own else f"{target} does not exist")
            for c in cells if c not in todo]
    if not todo or module is None:
        return TargetUpdate(done, None, {})
    text = module.replace("\r\n", "\n")
    try:
        regions = module_regions(records, bases)
        parts = dict(zip((r.record.key for r in regions), split_module(regions, text)))
    except RegionError as e:
        why = f"cannot map {target} back to its cells: {e}; merge by hand, or promote with --force"
        return TargetUpdate(done + [left(c, UpdateResult.REFUSED, why) for c in todo], None, {})
    new_parts = dict(parts)
    after: dict[RecordKey, str] = {}
    for cell in todo:
        assert cell.magic is not None
        key = own[cell.key].key
        base, part, body = bases[key] or "", parts[key], cell.magic.body
        if part == base:
            whose = target if len(regions) == 1 else f"its part of {target}"
            done.append(left(cell, UpdateResult.UNCHANGED, f"the cell already holds {whose}" if body == base
                             else f"{target} has no edits to this cell's part since the last promotion"))
            continue
        merged, conflicts = merge_module_edits(base, body, part, target)
        if conflicts:
            after[key] = part
            done.append(CellUpdate(cell, UpdateResult.CONFLICT, f"{conflicts} conflict(s) marked in the cell; {target}"
                                   " left as it is. Resolve them, then promote the cell", target, body, merged, module, module))
            continue
        after[key] = new_parts[key] = merged
        message = f"merged the edits of {target} into the cell"
        if merged != part:
            message += f", and the cell's own edits into {target}"
        done.append(CellUpdate(cell, UpdateResult.MERGED, message, target, body, merged, module, None))
    new_module = "".join(new_parts[r.record.key] for r in regions)
    changed = new_module != text
    finished = [replace(u, new_module=new_module if changed else module) if u.result is UpdateResult.MERGED else u
                for u in done]
    order = {c.key: n for n, c in enumerate(cells)}
    finished.sort(key=lambda u: order[u.cell.key])
    return TargetUpdate(finished, new_module if changed else None, after)


def _plan_updates(ctx: ScratchContext, notebook: str, cells: list[CellInfo], shown: Mapping[str, str | None],
                  ) -> tuple[list[TargetUpdate], dict[RecordKey, PromotionRecord]]:
    """Each module's update, against the manifest and modules as they are now."""
    records: dict[RecordKey, PromotionRecord] = dict(read_manifest(ctx.root, ctx.config.manifest))
    index = ManifestIndex(records)
    cells = reread_cells(ctx, notebook, cells, index)
    read = worktree_reader(ctx.root)
    blobs = blob_reader(ctx.root)
    out = []
    by_target: dict[str, list[CellInfo]] = {}
    for cell in cells:
        by_target.setdefault(cell.target or "", []).append(cell)
    for target, group in by_target.items():
        module = read(target)
        check_shown(shown, target, module)
        mine = list(index.by_target.get(target, ()))
        bases = record_bases(mine, (module or "").replace("\r\n", "\n"), notebook, {c.key: c for c in group},
                             blobs)
        out.append(plan_target(notebook, target, group, module, mine, bases))
    return out, records


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

    def apply(self, confirmed: bool = False, stage: bool = False) -> list[CellUpdate]:
        """Merge as planned, under the manifest lock; ChangedSinceShownError if a module changed since.

        stage: add everything written to git's index (the notebook through the clean filter).
        """
        ctx, notebook = self.ctx, self.notebook
        root = ctx.root
        owner = check_owner(ctx, notebook, confirmed)
        shown = {u.target: u.old_module for u in self.updates if u.target}
        with manifest_lock(root):
            targets, records = _plan_updates(ctx, notebook, self.cells, shown)
            updates = _in_order(self.cells, targets)
            if not any(t.bases for t in targets):
                return updates
            nb, crlf, bom = read_notebook_file(root, notebook)
            writes = WorkTreeWrites(root)
            for t in targets:
                if not t.bases:
                    continue
                target = t.updates[0].target
                old = t.updates[0].old_module or ""
                module = t.module if t.module is not None else old
                if t.module is not None:
                    writes.add(target, t.module, crlf=uses_crlf(old.encode("utf-8")))
                for u in t.updates:
                    if u.result not in (UpdateResult.MERGED, UpdateResult.CONFLICT):
                        continue
                    nb["cells"][u.cell.number - 1]["source"] = replace_body(u.cell.source, u.new_body)
                    key = (target, notebook, u.cell.key)
                    base = t.bases[key]
                    records[key] = replace(records[key], cell_sha=sha256(base), module_sha=sha256(module.replace("\r\n", "\n")),
                                           lines=len(base.splitlines()), user=ctx.user, time=now_utc(), owner=owner,
                                           blob=store_blob(root, base.encode("utf-8")))
            writes.add(notebook, dumps_notebook(nb), crlf=crlf, bom=bom)
            write_manifest_into(writes, root, ctx.config, records.values())
            writes.commit()
            if stage:
                stage_written(root, writes.paths)
            return updates


def _in_order(cells: list[CellInfo], targets: list[TargetUpdate]) -> list[CellUpdate]:
    """Every cell's update, in the order the cells were given."""
    by_key = {u.cell.key: u for t in targets for u in t.updates}
    return [by_key[c.key] for c in cells if c.key in by_key]


def plan_updates(ctx: ScratchContext, notebook: str, cells: list[CellInfo]) -> UpdatePlan:
    """Plan merging each promoted module's edits into its cells (writes nothing)."""
    check_targets(ctx.root, cells)
    return UpdatePlan(ctx, notebook, cells, _in_order(cells, _plan_updates(ctx, notebook, cells, {})[0]))


def plan_notebook_updates(ctx: ScratchContext, notebook: str, selectors: list[str] | None = None) -> UpdatePlan:
    """`promote NB --update [--cell ...]`: the selected (default: every promoted) `%%writefile` cells."""
    cells = read_selected(ctx, notebook)
    if selectors:
        chosen = [find_cell(cells, s) for s in selectors]
    else:
        index = ManifestIndex(read_manifest(ctx.root, ctx.config.manifest))
        chosen = [c for c in cells if c.magic is not None and c.target is not None
                  and index.get(c.target, notebook, c.key) is not None]
        if not chosen:
            raise PromoteError("no promoted %%writefile cells in this notebook to update: nbteam merges a module's"
                               " edits against what a cell last promoted, and these never were; take the edits into"
                               " the cells by hand, then promote (or promote --force to overwrite the module)")
    return plan_updates(ctx, notebook, chosen)
