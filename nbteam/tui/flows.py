"""What the browser's write keys do, confirmation first: each flow proposes a diff, then applies it.

- PromoteFlow (p on a `%%writefile` cell): the cell into its module;
- UpdateFlow (u on a promoted cell): the module's edits merged back into the cell;
- CopyFlow (p on a copy's cell): the cell merged into the team notebook it was copied from.

A flow reads what it shows when it is made, and applying it hands what was shown to the
library, which re-checks it under the manifest lock: if the module, the cell or the origin
changed in between, ChangedSinceShownError and nothing is written (the browser then shows the
new proposal). Nothing here imports Textual.
"""
from __future__ import annotations

from rich.text import Text

from nbteam.errors import NbteamError
from nbteam.scratch.cells import CellInfo
from nbteam.scratch.copies import CopyCell
from nbteam.scratch.flowback import plan_copy
from nbteam.scratch.guards import PromoteError, ScratchContext
from nbteam.scratch.manifest import Mode
from nbteam.scratch.plan import IN_SYNC
from nbteam.scratch.promote import PromotionResult, plan_promotion_of, read_selected
from nbteam.scratch.scan import NotebookInfo
from nbteam.scratch.update import plan_updates
from nbteam.tui.confirm import Proposal
from nbteam.tui.model import MARKS, CellRef, CopyCellRef, Workspace


class FlowStop(NbteamError):
    """Nothing to confirm: the status line says why (in sync, not promotable, no user…)."""


def fresh_cell(ctx: ScratchContext, nb: NotebookInfo, key: str) -> CellInfo:
    """One cell re-read from disk, so a confirmation shows what is saved now."""
    try:
        cells = read_selected(ctx, nb.path)
    except PromoteError as e:
        raise FlowStop(str(e)) from None
    match = next((c for c in cells if c.key == key), None)
    if match is None:
        raise FlowStop(f"cell {key} is no longer in {nb.path}; press r to reload")
    return match


def acting(workspace: Workspace) -> ScratchContext:
    """Who writes where; FlowStop saying why there is nobody."""
    if workspace.user is None:
        raise FlowStop(f"cannot write: {workspace.user_error}")
    return ScratchContext(workspace.root, workspace.config, workspace.user)


def owner_note(ctx: ScratchContext, notebook: str) -> str | None:
    """The warning shown when the scratchpad is someone else's (confirming records both)."""
    owner = ctx.acts_for(notebook)
    if not owner:
        return None
    return f"This is {owner}'s scratchpad: you ({ctx.user}) act for them; the manifest records you both."


class PromoteFlow:
    """p on a `%%writefile` cell: write (or append) it to its module."""

    def __init__(self, workspace: Workspace, nb: NotebookInfo, key: str):
        """Re-read the cell and plan its promotion; FlowStop if there is nothing to promote."""
        self.ctx = ctx = acting(workspace)
        self.cell = cell = fresh_cell(ctx, nb, key)
        if cell.error is not None or cell.plan is None:
            raise FlowStop(cell.error or f"cell {cell.number} has no %%writefile line; nothing to promote")
        if cell.plan.state == IN_SYNC:
            raise FlowStop(f"cell {cell.number} is in sync with {cell.plan.target}; nothing to promote")
        self.promotion = plan_promotion_of(ctx, nb.path, [cell])
        plan = self.promotion.outcomes[0].plan or cell.plan
        verb = "Append" if plan.mode is Mode.APPEND else "Write"
        self.proposal = Proposal(
            Text.assemble((f"{verb} cell {cell.number} of {nb.path}\n", "bold"), ("to ", ""),
                          (plan.target, "bold cyan"), (f"  ({plan.state})", MARKS[plan.state][1])),
            plan.diff(), plan.refusal, owner_note(ctx, nb.path))

    def apply(self, force: bool) -> str:
        """Promote what was shown; the status line's message."""
        promotion = self.promotion.forced() if force else self.promotion
        [outcome] = promotion.apply(confirmed=True)
        return f"cell {self.cell.number}: {outcome.result}: {outcome.message}"


class UpdateFlow:
    """u on a promoted write cell: merge its module's edits into the cell (three-way)."""

    def __init__(self, workspace: Workspace, nb: NotebookInfo, key: str):
        """Re-read the cell and plan the merge (a dry run); FlowStop if there is nothing to merge."""
        self.ctx = ctx = acting(workspace)
        cell = fresh_cell(ctx, nb, key)
        if cell.magic is None or cell.target is None:
            raise FlowStop(cell.error or f"cell {cell.number} has no %%writefile line; nothing to update")
        self.plan = plan_updates(ctx, nb.path, [cell])
        [u] = self.plan.updates
        if u.result not in (PromotionResult.MERGED, PromotionResult.CONFLICT):
            raise FlowStop(f"cell {cell.number}: {u.message}")
        self.cell = cell
        style = "bold yellow" if u.result is PromotionResult.CONFLICT else "bold green"
        self.proposal = Proposal(
            Text.assemble((f"Merge the edits of {u.target} into cell {cell.number} of {nb.path}\n", "bold"),
                          (u.message, style)),
            u.diff(), None, owner_note(ctx, nb.path), verb="Update")

    def apply(self, force: bool) -> str:
        """Merge as shown; the status line's message."""
        [u] = self.plan.apply(confirmed=True)
        return f"cell {self.cell.number}: {u.result}: {u.message}"


class CopyFlow:
    """p on a cell of a copy (`scratch new --from`): merge it into the team notebook it came from."""

    def __init__(self, workspace: Workspace, nb: NotebookInfo, copy: CopyCell):
        """Plan the merge into the origin (a dry run); FlowStop if the cell is in sync."""
        self.copy = copy
        ctx = acting(workspace)
        if not copy.promotable:
            raise FlowStop(f"cell {copy.key} is in sync with {nb.origin}; nothing to promote")
        self.plan = plan_copy(ctx, nb.path, [copy.key])
        dry = self.plan.shown
        conflicts = (f"{dry.conflicts} conflict(s) will be marked in {dry.origin}", "bold yellow") if dry.conflicts \
            else ("merges cleanly", "bold green")
        self.proposal = Proposal(
            Text.assemble((f"Merge cell {copy.key} of {nb.path} ({copy.state})\n", "bold"), ("into ", ""),
                          (dry.origin, "bold cyan"), ": ", conflicts),
            dry.diff if dry.diff.strip() else "", None, owner_note(ctx, nb.path),
            empty=f"No changes: {dry.origin} already has this cell.")

    def apply(self, force: bool) -> str:
        """Merge as shown; the status line's message."""
        done = self.plan.apply(confirmed=True)
        where = f"; {done.conflicts} conflict(s) marked there: resolve them (nbteam resolve)" if done.conflicts else ""
        return f"cell {self.copy.key} merged into {done.origin}{where}"


Flow = PromoteFlow | UpdateFlow | CopyFlow


def make_flow(workspace: Workspace, ref: CellRef | CopyCellRef, what: str) -> Flow:
    """The flow for a key on a cell: "promote" (into its module, or a copy's cell into its origin) or "update"."""
    if isinstance(ref, CopyCellRef):
        return CopyFlow(workspace, ref.notebook, ref.copy)
    if what == "update":
        return UpdateFlow(workspace, ref.notebook, ref.cell.key)
    return PromoteFlow(workspace, ref.notebook, ref.cell.key)


def progress(ref: CellRef | CopyCellRef, flow: Flow | None = None) -> str:
    """What the status line says while a flow is read (flow None) or applied."""
    if isinstance(ref, CopyCellRef) and ref.copy.number is None:
        cell = f"deleted cell {ref.copy.key}"
    else:
        cell = f"cell {ref.copy.number if isinstance(ref, CopyCellRef) else ref.cell.number}"
    where = f"{cell} of {ref.notebook.path}"
    if isinstance(flow, PromoteFlow):
        return f"promoting {where} into {flow.cell.target}…"
    if isinstance(flow, UpdateFlow):
        return f"merging {flow.plan.updates[0].target} into {where}…"
    if isinstance(flow, CopyFlow):
        return f"merging {where} into {flow.plan.shown.origin}…"
    return f"reading {where}…"
