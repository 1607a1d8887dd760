"""Find everyone's scratchpads and analyse their cells: which are promotable, and in what state.

Scratchpads live at `<scratch_dir>/<user>/**/*.ipynb`. The same analysis runs on the work tree
and on a branch's tree read from git objects (`scan_branch`), through a `read` function that
returns a repo-relative file's text or None.
"""
from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from nbteam.config import Config
from nbteam.git.repo import Reader, blob_id_at, blob_reader, head_tree, list_branches, tree_reader, tree_scratchpads
from nbteam.notebook.io import NotebookError, parse_notebook
from nbteam.scratch.cells import CellInfo, TargetCache, analyse_cells, writable_check, worktree_reader
from nbteam.scratch.copies import BlobReader, CopyCell, base_bytes, copy_cells, read_origin
from nbteam.scratch.manifest import ManifestError, parse_manifest
from nbteam.scratch.plan import ManifestIndex

if TYPE_CHECKING:
    from nbteam.git.repo import Commit, Tree

# Re-exported for the TUI, which lists branches through this module.
__all__ = ["CellInfo", "NotebookInfo", "analyse_cells", "by_origin", "copies_of", "head_tree", "list_branches", "scan_branch", "scan_worktree",
           "worktree_reader"]


@dataclass
class NotebookInfo:
    """One scratchpad: its repo-relative path, owner and cells (or why it could not be read)."""

    path: str
    user: str
    cells: list[CellInfo] = field(default_factory=list)
    error: str | None = None
    branch: str | None = None  # None for the work tree
    origin: str | None = None  # for a copy of a team notebook (`scratch new --from`): that notebook
    copy_cells: list[CopyCell] = field(default_factory=list)  # its cells that differ from the origin, or were promoted back
    copy_error: str | None = None  # why the copy's cells cannot be compared (its base is missing)

    @property
    def name(self) -> str:
        """The path inside the user's scratch directory (what the tree shows)."""
        marker = f"/{self.user}/"
        at = self.path.find(marker)
        return self.path[at + len(marker):] if at >= 0 else posixpath.basename(self.path)

    def promotable(self) -> list[CellInfo]:
        """The `%%writefile` cells."""
        return [c for c in self.cells if c.promotable]


def analyse_notebook(notebook: str, user: str, data: bytes, index: ManifestIndex, module: Reader,
                     repo_root: str | os.PathLike[str] | None = None, branch: str | None = None,
                     bases: BlobReader | None = None, check: Callable[[str], None] | None = None) -> NotebookInfo:
    """Parse one notebook's bytes and analyse its cells; a broken file becomes an error entry.

    With bases (a blob reader), a copy of a team notebook also gets its cells' states against
    the origin (NotebookInfo.copy_cells).
    """
    info = NotebookInfo(path=notebook, user=user, branch=branch)
    try:
        nb = parse_notebook(data, notebook)
    except NotebookError as e:
        info.error = str(e)
        return info
    info.cells = analyse_cells(notebook, nb, index, module, repo_root, worktree=branch is None, check=check)
    origin = read_origin(nb)
    if origin is not None:
        info.origin = origin.path
        base = base_bytes(origin, bases, None if branch else repo_root) if bases is not None else None
        try:
            if base is None:
                raise NotebookError(f"its base (git blob {origin.base[:12]}) is not in this repository's git objects;"
                                    " copy it again or merge by hand")
            info.copy_cells = copy_cells(nb, parse_notebook(base, origin.path), origin, notebook, repo_root)
        except NotebookError as e:
            info.copy_error = str(e)
    return info


def read_scratchpad(root: str | os.PathLike[str], config: Config, notebook: str) -> NotebookInfo:
    """One work-tree notebook (repo-relative) analysed as `scratch list` would, copy states included."""
    root = Path(root)
    index, _ = load_index(worktree_reader(root), config)
    prefix = config.scratch_dir.rstrip("/") + "/"
    user = notebook[len(prefix):].split("/", 1)[0] if notebook.startswith(prefix) else ""
    try:
        data = (root / notebook).read_bytes()
    except OSError as e:
        raise NotebookError(f"cannot read {notebook}: {e.strerror}") from None
    info = analyse_notebook(notebook, user, data, index, TargetCache(worktree_reader(root)), root,
                            bases=blob_reader(root))
    if info.error:
        raise NotebookError(info.error)
    return info


def load_index(read: Reader, config: Config) -> tuple[ManifestIndex, str | None]:
    """The manifest index and, if the manifest is unreadable, why (then the index is empty)."""
    text = read(config.manifest)
    try:
        return ManifestIndex(parse_manifest(text or "", config.manifest)), None
    except ManifestError as e:
        return ManifestIndex({}), str(e)


def _worktree_notebooks(root: Path, config: Config) -> Iterator[tuple[str, str]]:
    scratch = root / config.scratch_dir
    if not scratch.is_dir():
        return
    for user_dir in sorted(p for p in scratch.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for dirpath, dirnames, filenames in os.walk(user_dir):
            # Jupyter's autosave copies are not scratchpads.
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".ipynb"):
                    path = Path(dirpath, name).relative_to(root).as_posix()
                    yield path, user_dir.name


def scan_worktree(root: str | os.PathLike[str], config: Config) -> tuple[list[NotebookInfo], str | None]:
    """Every scratchpad in the work tree, analysed; plus a manifest error message if any."""
    root = Path(root)
    read = worktree_reader(root)
    index, error = load_index(read, config)
    module = TargetCache(read)
    bases = blob_reader(root)
    check = writable_check(root)  # one cache of checked targets for the whole scan
    notebooks = []
    for path, user in _worktree_notebooks(root, config):
        try:
            data = (root / path).read_bytes()
        except OSError as e:
            notebooks.append(NotebookInfo(path=path, user=user, error=f"cannot read {path}: {e.strerror}"))
            continue
        notebooks.append(analyse_notebook(path, user, data, index, module, root, bases=bases, check=check))
    return notebooks, error


def scan_branch(repo_root: str | os.PathLike[str], name: str, commit: Commit, config: Config,
                skip_same_as: Tree | None = None) -> list[NotebookInfo]:
    """Scratchpads as they are on a branch, from git objects (nothing is checked out).

    States are computed against that branch's own manifest and modules: what the teammate sees.
    With skip_same_as (a tree, usually HEAD's), notebooks identical there are left out, so
    only what the branch adds or changes is listed.
    """
    read = tree_reader(commit.tree)
    index, _ = load_index(read, config)
    module = TargetCache(read)
    bases = blob_reader(repo_root)
    notebooks = []
    for found in tree_scratchpads(commit.tree, config.scratch_dir):
        if skip_same_as is not None and blob_id_at(skip_same_as, found.path) == found.blob:
            continue
        notebooks.append(analyse_notebook(found.path, found.user, found.data, index, module, repo_root, branch=name,
                                          bases=bases))
    return notebooks


def copies_of(infos: list[NotebookInfo], origin: str) -> list[NotebookInfo]:
    """The copies of one team notebook (repo-relative) with just their cells that differ from it (pure).

    For the team get-together: every teammate's copy that has something to bring back, or
    cannot be compared (copy_error), in scan order (user by user).
    """
    out = []
    for info in infos:
        if info.origin != origin:
            continue
        differ = [c for c in info.copy_cells if c.promotable]
        if differ or info.copy_error:
            out.append(replace(info, copy_cells=differ))
    return out


def by_origin(infos: list[NotebookInfo]) -> dict[str, list[NotebookInfo]]:
    """copies_of for every team notebook that has copies with differing cells, by origin path (sorted)."""
    origins = sorted({i.origin for i in infos if i.origin is not None})
    return {o: found for o in origins if (found := copies_of(infos, o))}


def notebook_json(info: NotebookInfo) -> dict[str, Any]:
    """A JSON-ready summary of a scratchpad and its promotable cells (for `scratch list --json`)."""
    return {
        "path": info.path,
        "user": info.user,
        "branch": info.branch,
        "error": info.error,
        "cells": [
            {"number": c.number, "id": c.key, "target": c.target, "append": bool(c.magic and c.magic.append),
             "state": c.state.value if c.state else None, "reason": c.error or (c.plan.reason if c.plan else None),
             "refusal": c.plan.refusal if c.plan else None}
            for c in info.promotable()
        ],
        "origin": info.origin,
        "copy_error": info.copy_error,
        "copy_cells": [{"number": c.number, "id": c.key, "state": c.state.value, "target": info.origin}
                       for c in info.copy_cells],
    }


def dumps_json(infos: list[NotebookInfo]) -> str:
    """JSON for a list of scratchpads."""
    return json.dumps([notebook_json(i) for i in infos], indent=1)
