"""Carry out promotions: plan every selected cell, show the plan, then apply it: modules and manifest together.

Shared by `nbteam promote` and the TUI. `plan_promotion_of` reads the notebook, the modules and
the manifest and plans the cells one after another against an in-memory copy of the modules
and manifest (so a `%%writefile` cell followed by `-a` cells of the same target works in one
run). Showing that plan is the dry run. `PromotionPlan.apply` does it again under the manifest
lock: a module or cell that changed since the plan was made is refused (ChangedSinceShownError),
every target is checked on its real path, and the modules and manifest are written all or
nothing: if any cell is refused, no cell is promoted.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from nbteam.config import Config
from nbteam.git.repo import differs_from_head, head_tree, last_change, store_blob, tree_reader
from nbteam.notebook.io import uses_crlf
from nbteam.scratch.cells import CellInfo, produced_by, worktree_reader
from nbteam.scratch.guards import (
    ScratchContext,
    check_not_own_files,
    check_owner,
    check_shown,
    check_targets,
    read_cells,
    same_as_shown,
    select_cells,
)
from nbteam.scratch.manifest import (
    ManifestError,
    PromotionRecord,
    RecordKey,
    TextEnum,
    dumps_manifest,
    manifest_lock,
    now_utc,
    parse_manifest,
    read_manifest,
    sha256,
    union_attributes_path,
    union_attributes_text,
)
from nbteam.scratch.plan import CellState, ManifestIndex, Plan, make_record, plan_promotion
from nbteam.scratch.writes import WorkTreeWrites, stage_written


class PromotionResult(TextEnum):
    """What happened to one selected cell (MERGED and CONFLICT: `--update` merged the module into it)."""

    PROMOTED = "promoted"
    WOULD_PROMOTE = "would promote"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    MERGED = "merged"
    CONFLICT = "conflict"
    HELD_BACK = "not promoted"


PROMOTED, WOULD_PROMOTE, UNCHANGED, REFUSED, HELD_BACK = (PromotionResult.PROMOTED, PromotionResult.WOULD_PROMOTE,
                                                         PromotionResult.UNCHANGED, PromotionResult.REFUSED,
                                                         PromotionResult.HELD_BACK)


@dataclass(frozen=True)
class PromotionOutcome:
    """What happened to one selected cell, and the plan behind it."""

    cell: CellInfo
    result: PromotionResult
    message: str
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        """False when the cell was refused, or held back because another was."""
        return self.result not in (PromotionResult.REFUSED, PromotionResult.HELD_BACK)

    def diff(self) -> str:
        """The module's diff for this promotion (empty without a plan)."""
        return self.plan.diff() if self.plan else ""


def module_history(root: Path, target: str) -> str:
    """Who last changed a module and in which commit (git log), and whether it has uncommitted edits."""
    change = last_change(root, target)
    text = f"last changed by {change}" if change else "not committed yet"
    if change and differs_from_head(root, target):
        text += ", and edited in the work tree since"
    return text


def committed_outside_nbteam(ctx: ScratchContext, target: str, text: str | None,
                             records: Mapping[RecordKey, PromotionRecord]) -> bool:
    """True if HEAD's module holds an edit made outside nbteam that the work tree's module lacks.

    HEAD's text is none that a promotion recorded (in HEAD's manifest or the one in the work
    tree), and the work tree holds other text: a teammate's hand edit, pulled, then written
    over (running the cells again in Jupyter does that). Then a module that holds what the
    notebook's cells write is not taken as theirs: promoting it would drop that edit.
    """
    if text is None:
        return False
    tree = head_tree(ctx.root)
    if tree is None:
        return False
    read = tree_reader(tree)
    head = read(target)
    if head is None or head.replace("\r\n", "\n") == text.replace("\r\n", "\n"):
        return False
    try:
        committed = parse_manifest(read(ctx.config.manifest) or "")
    except ManifestError:
        committed = {}
    shas = {r.module_sha for r in [*committed.values(), *records.values()] if r.target == target}
    return bool(shas) and sha256(head.replace("\r\n", "\n")) not in shas


@dataclass
class _Planned:
    """The cells' outcomes and everything a real run writes (modules, records, bodies)."""

    outcomes: list[PromotionOutcome]
    texts: dict[str, str | None]  # target -> the module after the promotion
    seen: dict[str, str | None]  # target -> the module as read
    crlf: dict[str, bool]
    changed: list[str]
    records: dict[RecordKey, PromotionRecord]
    bodies: dict[RecordKey, str] = field(default_factory=dict)


def _plan_cells(ctx: ScratchContext, notebook: str, cells: list[CellInfo], force: bool,
                shown: Mapping[str, str | None]) -> _Planned:
    """Plan each cell in turn against the modules and manifest as the earlier cells leave them."""
    root = ctx.root
    read = worktree_reader(root)
    records: dict[RecordKey, PromotionRecord] = dict(read_manifest(root, ctx.config.manifest))
    fresh = read_cells(ctx, notebook, ManifestIndex(records))
    cells = same_as_shown(notebook, cells, fresh)
    produced = produced_by(fresh)
    seen: dict[str, str | None] = {}
    crlf: dict[str, bool] = {}
    dropped: set[str] = set()
    for target in dict.fromkeys(c.target for c in cells if c.target):
        seen[target] = read(target)
        crlf[target] = seen[target] is not None and uses_crlf((seen[target] or "").encode("utf-8"))
        check_shown(shown, target, seen[target])
        if committed_outside_nbteam(ctx, target, seen[target], records):
            dropped.add(target)
            produced.pop(target, None)  # the cells ran over a teammate's committed edit: not theirs to record
    planned = _Planned([], dict(seen), seen, crlf, [], records)
    texts = planned.texts
    owner = ctx.acts_for(notebook)
    for cell in cells:
        assert cell.magic is not None and cell.target is not None  # check_targets made sure
        target = cell.target
        plan = plan_promotion(notebook, cell.key, cell.magic, target, texts[target], ManifestIndex(records),
                              produced.get(target))
        if plan.refusal and not force:
            why = f"{plan.refusal}; {module_history(root, target)}" if texts[target] is not None else plan.refusal
            hint = "--update merges its edits into the cell, --force overwrites them" if (
                target, notebook, cell.key) in records and texts[target] is not None else "use --force to overwrite"
            planned.outcomes.append(PromotionOutcome(cell, REFUSED, f"{why}; {hint}", plan))
            continue
        if plan.state is CellState.IN_SYNC:
            note = (f"; but your working copy of {target} drops an edit committed outside nbteam"
                    f" ({module_history(root, target)}): running the cells again writes over it;"
                    f" `git checkout -- {target}`, then --update takes it into the cells") if target in dropped else ""
            planned.outcomes.append(PromotionOutcome(cell, UNCHANGED, f"{target} is in sync with this cell; nothing to do"
                                                     + note, plan))
            continue
        what = f"{plan.mode} {target} ({plan.state}"
        what += f", forced: {plan.refusal})" if plan.refusal else ")"
        if owner:
            what += f" for {owner}"
        if plan.changes_module:
            texts[target] = plan.new_text
            if target not in planned.changed:
                planned.changed.append(target)
        else:
            what += "; module already up to date, recording provenance"
        key = (target, notebook, cell.key)
        records[key] = make_record(plan, notebook, cell.key, ctx.user, now_utc(), owner=ctx.owner_of(notebook))
        planned.bodies[key] = cell.magic.body
        planned.outcomes.append(PromotionOutcome(cell, WOULD_PROMOTE, what, plan))
    refused = [o for o in planned.outcomes if o.result is REFUSED]
    if refused:  # all or nothing: a partial promotion would leave the modules half-way
        names = ", ".join(f"cell {o.cell.number}" for o in refused)
        planned.outcomes = [o if o.result is not WOULD_PROMOTE else replace(
            o, result=HELD_BACK, message=f"because {names} was refused (a promotion is all or nothing)")
            for o in planned.outcomes]
        planned.bodies.clear()
        planned.changed.clear()
    return planned


@dataclass(frozen=True)
class PromotionPlan:
    """What promoting cells of one notebook would do (the dry run); apply() carries it out."""

    ctx: ScratchContext
    notebook: str  # repo-relative
    cells: list[CellInfo]
    force: bool
    outcomes: list[PromotionOutcome]
    seen: dict[str, str | None]  # target -> the module text this plan was made against (what the user sees)

    @property
    def acts_for(self) -> str:
        """The other user whose scratchpad this is: apply() needs confirmed=True ("" for your own)."""
        return self.ctx.acts_for(self.notebook)

    @property
    def ok(self) -> bool:
        """False when a cell is refused (then nothing would be promoted)."""
        return all(o.ok for o in self.outcomes)

    def forced(self) -> PromotionPlan:
        """This plan with --force: refused cells are overwritten when applied (safety checks still hold)."""
        return replace(self, force=True)

    def apply(self, confirmed: bool = False, stage: bool = False) -> list[PromotionOutcome]:
        """Promote as planned, re-checked under the manifest lock; the outcomes.

        confirmed: the user agreed to act for `acts_for` (else OwnershipError). A module or cell
        that changed since the plan raises ChangedSinceShownError, and nothing is written.
        stage: add everything written to git's index (notebooks through the clean filter).
        """
        ctx = self.ctx
        check_owner(ctx, self.notebook, confirmed)
        with manifest_lock(ctx.root):
            planned = _plan_cells(ctx, self.notebook, self.cells, self.force, self.seen)
            outcomes = [replace(o, result=PROMOTED) if o.result is WOULD_PROMOTE else o for o in planned.outcomes]
            if not planned.bodies:
                return outcomes
            records = planned.records
            for key, body in planned.bodies.items():  # the base a later `promote --update` merges against
                records[key] = replace(records[key], blob=store_blob(ctx.root, body.encode("utf-8")))
            writes = WorkTreeWrites(ctx.root)
            for target in planned.changed:
                writes.add(target, planned.texts[target] or "", crlf=planned.crlf.get(target, False))
            write_manifest_into(writes, ctx.root, ctx.config, records.values())
            writes.commit()
            if stage:
                # Every promoted cell's module, written now or already holding it (run in Jupyter).
                targets = [o.cell.target for o in outcomes if o.result is PROMOTED and o.cell.target]
                stage_written(ctx.root, [*targets, *writes.paths, self.notebook])
            return outcomes


def plan_promotion_of(ctx: ScratchContext, notebook: str, cells: list[CellInfo], force: bool = False) -> PromotionPlan:
    """Plan promoting cells of a repo-relative work-tree notebook (writes nothing).

    Invalid or unsafe targets, and targets that are nbteam's own files, raise PromoteError
    whatever force says.
    """
    check_targets(ctx.root, cells)
    check_not_own_files(ctx.root, cells, {notebook: "the notebook holding the cell", ctx.config.manifest: "the manifest"})
    planned = _plan_cells(ctx, notebook, cells, force, {})
    return PromotionPlan(ctx, notebook, cells, force, planned.outcomes, planned.seen)


def write_manifest_into(writes: WorkTreeWrites, root: Path, config: Config, records: Iterable[PromotionRecord]) -> None:
    """Queue the manifest (and its union-merge attribute, if missing) on writes."""
    writes.add(config.manifest, dumps_manifest(records))
    attributes = union_attributes_path(config.manifest)
    existing = worktree_reader(root)(attributes)
    text = union_attributes_text(existing, config.manifest)
    if text is not None:
        writes.add(attributes, text)


def read_selected(ctx: ScratchContext, notebook: str) -> list[CellInfo]:
    """A repo-relative work-tree notebook's analysed cells."""
    return read_cells(ctx, notebook, ManifestIndex(read_manifest(ctx.root, ctx.config.manifest)))


def plan_notebook(ctx: ScratchContext, notebook: str, selectors: list[str] | None = None,
                  force: bool = False) -> PromotionPlan:
    """Read a repo-relative work-tree notebook, select cells and plan their promotion."""
    return plan_promotion_of(ctx, notebook, select_cells(read_selected(ctx, notebook), selectors), force)
