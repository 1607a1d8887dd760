"""Carry out promotions: plan each selected cell in order, write modules and the manifest, stage.

Shared by `nbteam promote` and the TUI. Cells are planned one after another against an
in-memory copy of the modules and manifest, so a `%%writefile` cell followed by `-a` cells of
the same target works in one run, and `--dry-run` sees exactly what a real run would do.
"""
from __future__ import annotations

from nbteam.errors import NbteamError

import os
from dataclasses import dataclass
from pathlib import Path

from nbteam.config import Config
from nbteam.scratch.manifest import Entry, now_utc, read_manifest, union_attributes_path, write_manifest
from nbteam.notebook.io import read_notebook, uses_crlf, write_atomic
from nbteam.scratch.plan import IN_SYNC, ManifestIndex, Plan, make_entry, plan_promotion
from nbteam.scratch.scan import CellInfo, analyse_cells, worktree_reader

PROMOTED = "promoted"
WOULD_PROMOTE = "would promote"
UNCHANGED = "unchanged"
REFUSED = "refused"
INVALID = "invalid"


class PromoteError(NbteamError, ValueError):
    """The promotion cannot start (bad notebook, bad selection); one line saying why."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one selected cell."""

    cell: CellInfo
    result: str  # PROMOTED, WOULD_PROMOTE, UNCHANGED, REFUSED or INVALID
    message: str
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        return self.result in (PROMOTED, WOULD_PROMOTE, UNCHANGED)

    def diff(self) -> str:
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


def select_cells(cells: list[CellInfo], selectors: list[str] | None) -> list[CellInfo]:
    """The cells named by number (1-based) or id, in notebook order; all `%%writefile` cells if none."""
    if not selectors:
        chosen = [c for c in cells if c.promotable]
        if not chosen:
            raise PromoteError("no %%writefile cells in this notebook")
        return chosen
    picked: dict[int, CellInfo] = {}
    for sel in selectors:
        match = [c for c in cells if c.key == sel]
        if not match and sel.isdigit():
            match = [c for c in cells if c.number == int(sel)]
        if not match:
            raise PromoteError(f"no cell {sel!r} (give a 1-based cell number or a cell id)")
        cell = match[0]
        if not cell.promotable:
            raise PromoteError(f"cell {cell.number} ({cell.key}) does not start with %%writefile")
        picked[cell.number] = cell
    return [picked[n] for n in sorted(picked)]


def _check_inside(root: Path, target: str) -> None:
    """Refuse a target whose real path (after symlinks) leaves the repository."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(root / target)
    if real != real_root and not real.startswith(real_root + os.sep):
        raise PromoteError(f"{target} resolves through a symlink to {real}, outside the repository")


def promote_cells(root: str | os.PathLike[str], config: Config, notebook: str, cells: list[CellInfo], user: str,
                  force: bool = False, dry_run: bool = False, stage: bool = False) -> list[Outcome]:
    """Promote the given cells of a repo-relative notebook; write nothing when dry_run."""
    root = Path(root)
    read = worktree_reader(root)
    entries: dict[tuple[str, str, str], Entry] = dict(read_manifest(root, config.manifest))
    texts: dict[str, str | None] = {}
    crlf: dict[str, bool] = {}
    changed: list[str] = []
    outcomes: list[Outcome] = []
    manifest_changed = False
    for cell in cells:
        if cell.error is not None or cell.magic is None or cell.target is None:
            outcomes.append(Outcome(cell, INVALID, cell.error or "not a %%writefile cell"))
            continue
        target = cell.target
        try:
            _check_inside(root, target)
        except PromoteError as e:
            outcomes.append(Outcome(cell, INVALID, str(e)))
            continue
        if target not in texts:
            texts[target] = read(target)
            crlf[target] = texts[target] is not None and uses_crlf(texts[target].encode("utf-8"))
        plan = plan_promotion(notebook, cell.key, cell.magic, target, texts[target], ManifestIndex(entries))
        if plan.refusal and not force:
            outcomes.append(Outcome(cell, REFUSED, f"{plan.refusal}; use --force to overwrite", plan))
            continue
        if plan.state == IN_SYNC:
            outcomes.append(Outcome(cell, UNCHANGED, f"{target} is in sync with this cell; nothing to do", plan))
            continue
        what = f"{'append' if plan.mode == 'append' else 'write'} {target} ({plan.state}"
        what += f", forced: {plan.refusal})" if plan.refusal else ")"
        if plan.changes_module:
            texts[target] = plan.new_text
            if target not in changed:
                changed.append(target)
        else:
            what += "; module already up to date, recording provenance"
        entries[(target, notebook, cell.key)] = make_entry(plan, notebook, cell.key, user, now_utc())
        manifest_changed = True
        outcomes.append(Outcome(cell, WOULD_PROMOTE if dry_run else PROMOTED, what, plan))
    if dry_run or not manifest_changed:
        return outcomes
    for target in changed:
        path = root / target
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, texts[target] or "", crlf=crlf.get(target, False))
    write_manifest(root, config.manifest, entries.values())
    if stage:
        stage_paths(root, [*changed, config.manifest, union_attributes_path(config.manifest)])
    return outcomes


def promote_notebook(root: str | os.PathLike[str], config: Config, notebook_path: str | os.PathLike[str], user: str,
                     selectors: list[str] | None = None, force: bool = False, dry_run: bool = False,
                     stage: bool = False) -> list[Outcome]:
    """Read a notebook in the work tree, select cells and promote them."""
    root = Path(root)
    notebook = repo_relative(root, notebook_path)
    try:
        nb = read_notebook(root / notebook)
    except Exception as e:  # NotebookError, or an OSError naming the file
        raise PromoteError(str(e)) from None
    index = ManifestIndex(read_manifest(root, config.manifest))
    cells = analyse_cells(notebook, nb, index, worktree_reader(root), root)
    return promote_cells(root, config, notebook, select_cells(cells, selectors), user, force, dry_run, stage)


def stage_paths(root: str | os.PathLike[str], paths: list[str]) -> None:
    """Add repo-relative paths to git's index with pygit2 (like `git add`)."""
    import pygit2

    repo = pygit2.Repository(str(root))
    index = repo.index
    for rel in dict.fromkeys(paths):
        if (Path(root) / rel).exists():
            index.add(rel)
    index.write()
