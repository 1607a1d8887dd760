"""What every write from a scratchpad shares: who acts where (ScratchContext), its errors, and its guards.

Promotions into modules, `--update` and copies flowing back all check the same things before
writing: the paths are inside the repository, a module or notebook is still what the user was
shown, and someone else's scratchpad is written to only with confirmation.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nbteam.config import Config
from nbteam.errors import NbteamError
from nbteam.git.paths import UnsafePathError, safe_write_path
from nbteam.notebook.io import NotebookError, read_notebook
from nbteam.scratch.cells import CellInfo, analyse_cells, worktree_reader
from nbteam.scratch.plan import ManifestIndex


class PromoteError(NbteamError, ValueError):
    """The promotion cannot start or was stopped before writing anything; one line saying why."""


class ChangedSinceShownError(PromoteError):
    """A module or cell is no longer what the user was shown; nothing was written."""


class OwnershipError(PromoteError):
    """The cell is in someone else's scratchpad and the promoter did not confirm acting for them."""

    def __init__(self, message: str, owner: str, user: str) -> None:
        super().__init__(message)
        self.owner, self.user = owner, user


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


@dataclass(frozen=True)
class ScratchContext:
    """Who writes where: the work tree's root, its settings and the acting user (a slug)."""

    root: Path
    config: Config
    user: str

    @classmethod
    def of(cls, root: str | os.PathLike[str], config: Config, user: str) -> ScratchContext:
        """A context with root as a Path."""
        return cls(Path(root), config, user)

    def rel(self, path: str | os.PathLike[str]) -> str:
        """A path (absolute or relative to the cwd) as repo-relative POSIX; PromoteError if outside."""
        return repo_relative(self.root, path)

    def owner_of(self, notebook: str) -> str:
        """Whose scratchpad a repo-relative notebook is ("" if it is not one)."""
        return scratchpad_owner(self.config, notebook) or ""

    def acts_for(self, notebook: str) -> str:
        """The other user whose scratchpad this is ("" if it is the user's own, or not a scratchpad)."""
        owner = self.owner_of(notebook)
        return owner if owner and owner != self.user else ""


def check_owner(ctx: ScratchContext, notebook: str, confirmed: bool) -> str:
    """The scratchpad's owner ("" if none); OwnershipError if it is someone else and not confirmed."""
    owner = ctx.owner_of(notebook)
    if ctx.acts_for(notebook) and not confirmed:
        raise OwnershipError(f"{notebook} is {owner}'s scratchpad; promoting from it as {ctx.user} needs confirmation"
                             " (--yes, or answer the prompt)", owner, ctx.user)
    return owner


def _same(a: str | None, b: str | None) -> bool:
    """Texts equal up to CRLF line ends (a plan shows the module with LF)."""
    norm = (lambda t: None if t is None else t.replace("\r\n", "\n"))
    return norm(a) == norm(b)


def check_shown(shown: Mapping[str, str | None], path: str, text: str | None) -> None:
    """ChangedSinceShownError if path was shown with other content than it has now."""
    if path in shown and not _same(shown[path], text):
        raise ChangedSinceShownError(f"{path} changed since it was shown; look at it again (nothing was written)")


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


def read_cells(ctx: ScratchContext, notebook: str, index: ManifestIndex) -> list[CellInfo]:
    """A work-tree notebook's cells, analysed; PromoteError if it cannot be read."""
    try:
        nb = read_notebook(ctx.root / notebook)
    except NotebookError as e:
        raise PromoteError(str(e)) from None
    return analyse_cells(notebook, nb, index, worktree_reader(ctx.root), ctx.root)


def reread_cells(ctx: ScratchContext, notebook: str, cells: list[CellInfo], index: ManifestIndex) -> list[CellInfo]:
    """The given cells as the notebook holds them now; ChangedSinceShownError if any changed."""
    return same_as_shown(notebook, cells, read_cells(ctx, notebook, index))


def same_as_shown(notebook: str, cells: list[CellInfo], fresh: list[CellInfo]) -> list[CellInfo]:
    """The fresh versions of the given cells; ChangedSinceShownError if any changed."""
    by_key = {c.key: c for c in fresh}
    out = []
    for cell in cells:
        now = by_key.get(cell.key)
        if now is None or now.source != cell.source:
            raise ChangedSinceShownError(f"{_label(cell)} of {notebook} changed since it was shown; look again"
                                         " (nothing was written)")
        out.append(now)
    return out
