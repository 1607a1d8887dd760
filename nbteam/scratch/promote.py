"""Carry out promotions: check and plan every selected cell, then write modules and manifest together.

Shared by `nbteam promote` and the TUI. Everything happens under the manifest lock: the
notebook is re-read (a cell that changed since it was shown is refused), every target is
checked on its real path, cells are planned one after another against an in-memory copy of the
modules and manifest (so a `%%writefile` cell followed by `-a` cells of the same target works
in one run, and `--dry-run` sees exactly what a real run would do), and only then are the
modules and the manifest written, all or nothing.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from nbteam.config import Config
from nbteam.errors import NbteamError
from nbteam.git.paths import UnsafePathError, safe_write_path
from nbteam.notebook.io import NotebookError, read_notebook, uses_crlf
from nbteam.scratch.manifest import (
    PromotionRecord,
    RecordKey,
    TextEnum,
    dumps_manifest,
    manifest_lock,
    now_utc,
    read_manifest,
    union_attributes_path,
    union_attributes_text,
)
from nbteam.scratch.plan import CellState, ManifestIndex, Plan, make_record, plan_promotion
from nbteam.scratch.scan import CellInfo, analyse_cells, worktree_reader
from nbteam.scratch.writes import WorkTreeWrites


class PromotionResult(TextEnum):
    """What happened to one selected cell (MERGED and CONFLICT: `--update` merged the module into it)."""

    PROMOTED = "promoted"
    WOULD_PROMOTE = "would promote"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    MERGED = "merged"
    CONFLICT = "conflict"


PROMOTED, WOULD_PROMOTE, UNCHANGED, REFUSED = (PromotionResult.PROMOTED, PromotionResult.WOULD_PROMOTE,
                                              PromotionResult.UNCHANGED, PromotionResult.REFUSED)


class PromoteError(NbteamError, ValueError):
    """The promotion cannot start or was stopped before writing anything; one line saying why."""


class ChangedSinceShownError(PromoteError):
    """A module or cell is no longer what the user was shown; nothing was written."""


class OwnershipError(PromoteError):
    """The cell is in someone else's scratchpad and the promoter did not confirm acting for them."""

    def __init__(self, message: str, owner: str, user: str) -> None:
        super().__init__(message)
        self.owner, self.user = owner, user


@dataclass(frozen=True)
class PromotionOutcome:
    """What happened to one selected cell, and the plan behind it."""

    cell: CellInfo
    result: PromotionResult
    message: str
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        """False when the cell was refused."""
        return self.result is not PromotionResult.REFUSED

    def diff(self) -> str:
        """The module's diff for this promotion (empty without a plan)."""
        return self.plan.diff() if self.plan else ""


def repo_relative(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> str:
    """path (absolute or relative to the cwd) as a POSIX path relative to root; PromoteError if outside."""
    full = Path(os.path.abspath(path))
    try:
        return full.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        try:
            return full.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            raise PromoteError(f"{path} is not inside the repository {root}") from None


def scratchpad_owner(config: Config, notebook: str) -> str | None:
    """The user whose scratchpad a repo-relative notebook is (`<scratch_dir>/<user>/...`), or None."""
    prefix = config.scratch_dir.rstrip("/") + "/"
    if not notebook.startswith(prefix):
        return None
    rest = notebook[len(prefix):]
    return rest.split("/", 1)[0] if "/" in rest else None


def check_owner(config: Config, notebook: str, user: str, confirmed: bool) -> str:
    """The scratchpad's owner ("" if none); OwnershipError if it is someone else and not confirmed."""
    owner = scratchpad_owner(config, notebook) or ""
    if owner and owner != user and not confirmed:
        raise OwnershipError(f"{notebook} is {owner}'s scratchpad; promoting from it as {user} needs confirmation"
                             " (--yes, or answer the prompt)", owner, user)
    return owner


def select_cells(cells: list[CellInfo], selectors: list[str] | None) -> list[CellInfo]:
    """The cells named by number (1-based) or id, in notebook order; all `%%writefile` cells if none."""
    if not selectors:
        chosen = [c for c in cells if c.promotable]
        if not chosen:
            raise PromoteError("no %%writefile cells in this notebook")
        return chosen
    picked: dict[int, CellInfo] = {}
    for sel in selectors:
        cell = find_cell(cells, sel)
        if not cell.promotable:
            raise PromoteError(f"cell {cell.number} ({cell.key}) does not start with %%writefile")
        picked[cell.number] = cell
    return [picked[n] for n in sorted(picked)]


def find_cell(cells: list[CellInfo], selector: str) -> CellInfo:
    """The cell with this id, else with this 1-based number; PromoteError if none."""
    match = [c for c in cells if c.key == selector]
    if not match and selector.isdigit():
        match = [c for c in cells if c.number == int(selector)]
    if not match:
        raise PromoteError(f"no cell {selector!r} (give a 1-based cell number or a cell id)")
    return match[0]


def _label(cell: CellInfo) -> str:
    return f"cell {cell.number} ({cell.key})"


def check_targets(root: Path, cells: list[CellInfo]) -> None:
    """PromoteError naming the first cell that cannot be promoted at all (bad magic, unsafe target)."""
    for cell in cells:
        if cell.error is not None or cell.magic is None or cell.target is None:
            raise PromoteError(f"{_label(cell)}: {cell.error or 'not a %%writefile cell'}; nothing was promoted")
        try:
            safe_write_path(root, cell.target)
        except UnsafePathError as e:
            raise PromoteError(f"{_label(cell)}: {e}; nothing was promoted") from None


def check_not_own_files(root: Path, cells: list[CellInfo], own: Mapping[str, str]) -> None:
    """PromoteError if a target is one of nbteam's own files (the notebook itself, the manifest):
    even --force must not replace those by a module body."""
    real = {os.path.realpath(root / path): what for path, what in own.items()}
    for cell in cells:
        what = real.get(os.path.realpath(root / (cell.target or "")))
        if what is not None:
            raise PromoteError(f"{_label(cell)}: target {cell.target} is {what}; nothing was promoted")


def reread_cells(root: Path, notebook: str, cells: list[CellInfo], index: ManifestIndex) -> list[CellInfo]:
    """The given cells as the notebook holds them now; ChangedSinceShownError if any changed."""
    try:
        nb = read_notebook(root / notebook)
    except NotebookError as e:
        raise PromoteError(str(e)) from None
    fresh = {c.key: c for c in analyse_cells(notebook, nb, index, worktree_reader(root), root)}
    out = []
    for cell in cells:
        now = fresh.get(cell.key)
        if now is None or now.source != cell.source:
            raise ChangedSinceShownError(f"{_label(cell)} of {notebook} changed since it was shown; look again"
                                         " (nothing was written)")
        out.append(now)
    return out


def module_history(root: Path, target: str) -> str:
    """Who last changed a module and in which commit (git log), and whether it has uncommitted edits."""
    from nbteam.git.repo import differs_from_head, last_change

    change = last_change(root, target)
    text = f"last changed by {change}" if change else "not committed yet"
    if change and differs_from_head(root, target):
        text += ", and edited in the work tree since"
    return text


def _same(a: str | None, b: str | None) -> bool:
    """Texts equal up to CRLF line ends (a plan shows the module with LF)."""
    norm = (lambda t: None if t is None else t.replace("\r\n", "\n"))
    return norm(a) == norm(b)


def check_shown(shown: Mapping[str, str | None] | None, path: str, text: str | None) -> None:
    """ChangedSinceShownError if the caller showed path with other content than it has now."""
    if shown is not None and path in shown and not _same(shown[path], text):
        raise ChangedSinceShownError(f"{path} changed since it was shown; look at it again (nothing was written)")


def promote_cells(root: str | os.PathLike[str], config: Config, notebook: str, cells: list[CellInfo], user: str,
                  force: bool = False, dry_run: bool = False, stage: bool = False,
                  shown: Mapping[str, str | None] | None = None, owner_confirmed: bool = False) -> list[PromotionOutcome]:
    """Promote the given cells of a repo-relative notebook; write nothing when dry_run.

    shown maps a target to the module text the user was shown (a plan's old_text): if the
    module is different now, ChangedSinceShownError and nothing is written. A cell whose
    source changed since `cells` were read raises the same. Cells in someone else's
    scratchpad need owner_confirmed (else OwnershipError); invalid or unsafe targets raise
    PromoteError before anything is written, whatever force says.
    """
    root = Path(root)
    check_targets(root, cells)
    check_not_own_files(root, cells, {notebook: "the notebook holding the cell", config.manifest: "the manifest"})
    owner = check_owner(config, notebook, user, owner_confirmed or dry_run)
    if dry_run:
        return _promote_locked(root, config, notebook, cells, user, owner, force, True, False, shown)
    with manifest_lock(root):
        return _promote_locked(root, config, notebook, cells, user, owner, force, False, stage, shown)


def _promote_locked(root: Path, config: Config, notebook: str, cells: list[CellInfo], user: str, owner: str,
                    force: bool, dry_run: bool, stage: bool,
                    shown: Mapping[str, str | None] | None) -> list[PromotionOutcome]:
    """The body of promote_cells, run while holding the manifest lock."""
    read = worktree_reader(root)
    records: dict[RecordKey, PromotionRecord] = dict(read_manifest(root, config.manifest))
    cells = reread_cells(root, notebook, cells, ManifestIndex(records))
    texts: dict[str, str | None] = {}
    crlf: dict[str, bool] = {}
    for target in dict.fromkeys(c.target for c in cells if c.target):
        texts[target] = read(target)
        crlf[target] = texts[target] is not None and uses_crlf((texts[target] or "").encode("utf-8"))
        check_shown(shown, target, texts[target])
    changed: list[str] = []
    outcomes: list[PromotionOutcome] = []
    bodies: dict[RecordKey, str] = {}
    for cell in cells:
        assert cell.magic is not None and cell.target is not None  # check_targets made sure
        target = cell.target
        plan = plan_promotion(notebook, cell.key, cell.magic, target, texts[target], ManifestIndex(records))
        if plan.refusal and not force:
            why = f"{plan.refusal}; {module_history(root, target)}" if texts[target] is not None else plan.refusal
            hint = "--update merges its edits into the cell, --force overwrites them" if (
                target, notebook, cell.key) in records and texts[target] is not None else "use --force to overwrite"
            outcomes.append(PromotionOutcome(cell, REFUSED, f"{why}; {hint}", plan))
            continue
        if plan.state is CellState.IN_SYNC:
            outcomes.append(PromotionOutcome(cell, UNCHANGED, f"{target} is in sync with this cell; nothing to do", plan))
            continue
        what = f"{plan.mode} {target} ({plan.state}"
        what += f", forced: {plan.refusal})" if plan.refusal else ")"
        if owner and owner != user:
            what += f" for {owner}"
        if plan.changes_module:
            texts[target] = plan.new_text
            if target not in changed:
                changed.append(target)
        else:
            what += "; module already up to date, recording provenance"
        key = (target, notebook, cell.key)
        records[key] = make_record(plan, notebook, cell.key, user, now_utc(), owner=owner)
        bodies[key] = cell.magic.body
        outcomes.append(PromotionOutcome(cell, WOULD_PROMOTE if dry_run else PROMOTED, what, plan))
    if dry_run or not bodies:
        return outcomes
    from nbteam.git.repo import store_blob

    for key, body in bodies.items():  # the base a later `promote --update` merges against
        records[key] = replace(records[key], blob=store_blob(root, body.encode("utf-8")))
    writes = WorkTreeWrites(root)
    for target in changed:
        writes.add(target, texts[target] or "", crlf=crlf.get(target, False))
    write_manifest_into(writes, root, config, records.values())
    writes.commit()
    if stage:
        from nbteam.git.repo import stage_paths

        stage_paths(root, [*changed, *writes.paths, notebook])
    return outcomes


def write_manifest_into(writes: WorkTreeWrites, root: Path, config: Config, records: Iterable[PromotionRecord]) -> None:
    """Queue the manifest (and its union-merge attribute, if missing) on writes."""
    writes.add(config.manifest, dumps_manifest(records))
    attributes = union_attributes_path(config.manifest)
    existing = worktree_reader(root)(attributes)
    text = union_attributes_text(existing, config.manifest)
    if text is not None:
        writes.add(attributes, text)


def read_selected(root: str | os.PathLike[str], config: Config,
                  notebook_path: str | os.PathLike[str]) -> tuple[str, list[CellInfo]]:
    """A work-tree notebook's repo-relative path and its analysed cells."""
    notebook = repo_relative(root, notebook_path)
    try:
        nb = read_notebook(Path(root) / notebook)
    except NotebookError as e:
        raise PromoteError(str(e)) from None
    index = ManifestIndex(read_manifest(root, config.manifest))
    return notebook, analyse_cells(notebook, nb, index, worktree_reader(root), root)


def promote_notebook(root: str | os.PathLike[str], config: Config, notebook_path: str | os.PathLike[str], user: str,
                     selectors: list[str] | None = None, force: bool = False, dry_run: bool = False,
                     stage: bool = False, owner_confirmed: bool = False) -> list[PromotionOutcome]:
    """Read a notebook in the work tree, select cells and promote them."""
    notebook, cells = read_selected(root, config, notebook_path)
    return promote_cells(root, config, notebook, select_cells(cells, selectors), user, force, dry_run, stage,
                         owner_confirmed=owner_confirmed)

