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
from nbteam.notebook.io import read_notebook
from nbteam.scratch.copies import CopyCell
from nbteam.scratch.manifest import read_manifest
from nbteam.scratch.plan import IN_SYNC, ManifestIndex
from nbteam.scratch.promote import PromotionResult, promote_cells, scratchpad_owner
from nbteam.scratch.scan import CellInfo, NotebookInfo, analyse_cells, worktree_reader
from nbteam.scratch.update import update_cells
from nbteam.scratch.copies import promote_copy
from nbteam.tui.confirm import Proposal
from nbteam.tui.model import MARKS, CellRef, CopyCellRef, Workspace


class FlowStop(NbteamError):
    """Nothing to confirm: the status line says why (in sync, not promotable, no user…)."""


def fresh_cell(workspace: Workspace, nb: NotebookInfo, key: str) -> CellInfo:
    """One cell re-read from disk, so a confirmation shows what is saved now."""
    root = workspace.root
    parsed = read_notebook(root / nb.path)
    index = ManifestIndex(read_manifest(root, workspace.config.manifest))
    cells = analyse_cells(nb.path, parsed, index, worktree_reader(root), root)
    match = next((c for c in cells if c.key == key), None)
    if match is None:
        raise FlowStop(f"cell {key} is no longer in {nb.path}; press r to reload")
    return match


def acting_user(workspace: Workspace) -> str:
    """Who writes; FlowStop saying why there is nobody."""
    if workspace.user is None:
        raise FlowStop(f"cannot write: {workspace.user_error}")
    return workspace.user


def owner_note(workspace: Workspace, notebook: str, user: str) -> str | None:
    """The warning shown when the scratchpad is someone else's (confirming records both)."""
    owner = scratchpad_owner(workspace.config, notebook)
    if owner is None or owner == user:
        return None
    return f"This is {owner}'s scratchpad: you ({user}) act for them; the manifest records you both."


class PromoteFlow:
    """p on a `%%writefile` cell: write (or append) it to its module."""

    def __init__(self, workspace: Workspace, nb: NotebookInfo, key: str):
        """Re-read the cell and plan its promotion; FlowStop if there is nothing to promote."""
        self.workspace, self.notebook = workspace, nb.path
        self.user = acting_user(workspace)
        self.cell = cell = fresh_cell(workspace, nb, key)
        if cell.error is not None or cell.plan is None:
            raise FlowStop(cell.error or f"cell {cell.number} has no %%writefile line; nothing to promote")
        if cell.plan.state == IN_SYNC:
            raise FlowStop(f"cell {cell.number} is in sync with {cell.plan.target}; nothing to promote")
        self.plan = plan = cell.plan
        verb = "Append" if plan.mode == "append" else "Write"
        self.proposal = Proposal(
            Text.assemble((f"{verb} cell {cell.number} of {nb.path}\n", "bold"), ("to ", ""),
                          (plan.target, "bold cyan"), (f"  ({plan.state})", MARKS[plan.state][1])),
            plan.diff(), plan.refusal, owner_note(workspace, nb.path, self.user))

    def apply(self, force: bool) -> str:
        """Promote what was shown; the status line's message."""
        [outcome] = promote_cells(self.workspace.root, self.workspace.config, self.notebook, [self.cell], self.user,
                                  force=force, shown={self.plan.target: self.plan.old_text}, owner_confirmed=True)
        return f"cell {self.cell.number}: {outcome.result}: {outcome.message}"


class UpdateFlow:
    """u on a promoted write cell: merge its module's edits into the cell (three-way)."""

    def __init__(self, workspace: Workspace, nb: NotebookInfo, key: str):
        """Re-read the cell and plan the merge (a dry run); FlowStop if there is nothing to merge."""
        self.workspace, self.notebook = workspace, nb.path
        self.user = acting_user(workspace)
        cell = fresh_cell(workspace, nb, key)
        if cell.magic is None or cell.target is None:
            raise FlowStop(cell.error or f"cell {cell.number} has no %%writefile line; nothing to update")
        [self.update] = update_cells(workspace.root, workspace.config, nb.path, [cell], self.user, dry_run=True)
        u = self.update
        if u.result not in (PromotionResult.MERGED, PromotionResult.CONFLICT):
            raise FlowStop(f"cell {cell.number}: {u.message}")
        self.cell = cell
        style = "bold yellow" if u.result is PromotionResult.CONFLICT else "bold green"
        self.proposal = Proposal(
            Text.assemble((f"Merge the edits of {u.target} into cell {cell.number} of {nb.path}\n", "bold"),
                          (u.message, style)),
            u.diff(), None, owner_note(workspace, nb.path, self.user), verb="Update")

    def apply(self, force: bool) -> str:
        """Merge as shown; the status line's message."""
        [u] = update_cells(self.workspace.root, self.workspace.config, self.notebook, [self.cell], self.user,
                           owner_confirmed=True, shown={self.update.target: self.update.old_module})
        return f"cell {self.cell.number}: {u.result}: {u.message}"


class CopyFlow:
    """p on a cell of a copy (`scratch new --from`): merge it into the team notebook it came from."""

    def __init__(self, workspace: Workspace, nb: NotebookInfo, copy: CopyCell):
        """Plan the merge into the origin (a dry run); FlowStop if the cell is in sync."""
        self.workspace, self.notebook, self.copy = workspace, nb.path, copy
        self.user = acting_user(workspace)
        if not copy.promotable:
            raise FlowStop(f"cell {copy.key} is in sync with {nb.origin}; nothing to promote")
        self.path = workspace.root / nb.path  # promote_copy takes a path, not a repo-relative name
        self.dry = dry = promote_copy(workspace.root, workspace.config, self.path, self.user, selectors=[copy.key],
                                      dry_run=True)
        conflicts = (f"{dry.conflicts} conflict(s) will be marked in {dry.origin}", "bold yellow") if dry.conflicts \
            else ("merges cleanly", "bold green")
        self.proposal = Proposal(
            Text.assemble((f"Merge cell {copy.key} of {nb.path} ({copy.state})\n", "bold"), ("into ", ""),
                          (dry.origin, "bold cyan"), ": ", conflicts),
            dry.diff if dry.diff.strip() else "", None, owner_note(workspace, nb.path, self.user),
            empty=f"No changes: {dry.origin} already has this cell.")

    def apply(self, force: bool) -> str:
        """Merge as shown; the status line's message."""
        done = promote_copy(self.workspace.root, self.workspace.config, self.path, self.user,
                            selectors=[self.copy.key], owner_confirmed=True, shown_origin=self.dry.origin_text)
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
        return f"promoting {where} into {flow.plan.target}…"
    if isinstance(flow, UpdateFlow):
        return f"merging {flow.update.target} into {where}…"
    if isinstance(flow, CopyFlow):
        return f"merging {where} into {flow.dry.origin}…"
    return f"reading {where}…"
