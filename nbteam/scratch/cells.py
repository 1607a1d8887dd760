"""One notebook's cells analysed: which are `%%writefile` cells, where they write, and their promotion plans.

Pure but for one check on the real path of each target (nbteam.git.paths), so a cell whose
target leads out of the work tree shows as invalid before anyone tries to promote it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from nbteam.git.paths import UnsafePathError, git_dirs, safe_write_path
from nbteam.git.repo import Reader
from nbteam.notebook.io import join_source
from nbteam.scratch.plan import CellState, ManifestIndex, Plan, notebook_writes, plan_promotion
from nbteam.scratch.writefile import MagicError, Writefile, is_writefile, parse_writefile, resolve_target


@dataclass
class CellInfo:
    """One cell of a scratchpad, with its promotion plan if it is a `%%writefile` cell."""

    number: int  # 1-based position in the notebook, as `--cell N` takes it
    key: str  # cell id, or "#N" (0-based) when the notebook has no ids; the manifest key
    cell_type: str
    source: str
    magic: Writefile | None = None
    target: str | None = None  # repo-relative TARGET
    error: str | None = None  # why a `%%writefile` cell cannot be promoted
    plan: Plan | None = None

    @property
    def promotable(self) -> bool:
        """True for `%%writefile` cells, valid or not."""
        return self.magic is not None or self.error is not None

    @property
    def state(self) -> CellState | None:
        """The promotion state, or None for a cell without `%%writefile`."""
        if self.error is not None:
            return CellState.INVALID
        return self.plan.state if self.plan else None

    @property
    def first_line(self) -> str:
        """The first non-blank line of the source, stripped."""
        for line in self.source.splitlines():
            if line.strip():
                return line.strip()
        return ""


def cell_key(cell: dict[str, Any], index: int) -> str:
    """The manifest's name for a cell: its id, or `#index` for notebooks without ids."""
    cell_id = cell.get("id")
    return cell_id if isinstance(cell_id, str) and cell_id else f"#{index}"


class TargetCache:
    """Module texts read once per scan (many cells write to the same few modules)."""

    def __init__(self, read: Reader):
        self.read = read
        self.texts: dict[str, str | None] = {}

    def __call__(self, path: str) -> str | None:
        """The text of path, read on first use."""
        if path not in self.texts:
            self.texts[path] = self.read(path)
        return self.texts[path]


def analyse_cells(notebook: str, nb: dict[str, Any], index: ManifestIndex, module: Reader,
                  repo_root: str | os.PathLike[str] | None = None, worktree: bool = True,
                  check: Callable[[str], None] | None = None) -> list[CellInfo]:
    """CellInfo for every cell of a parsed notebook; plans for the `%%writefile` ones.

    With a repo_root and worktree (the default), targets are also checked on their real path
    in that work tree, so a cell whose target leads through a symlink out of the tree or into
    a git directory shows as invalid, as `promote` would refuse it (check: a shared writable_check).
    """
    if check is None and repo_root is not None and worktree:
        check = writable_check(repo_root)
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        raw = cell.get("source")
        try:  # fast path for the usual list of strings; join_source handles everything else
            source = raw if isinstance(raw, str) else "".join(raw)
        except TypeError:
            source = join_source(raw)
        info = CellInfo(number=i + 1, key=cell_key(cell, i), cell_type=str(cell.get("cell_type", "")), source=source)
        if info.cell_type == "code" and is_writefile(source):
            try:
                info.magic = parse_writefile(source)
                if info.magic is not None:
                    info.target = resolve_target(notebook, info.magic.target, repo_root)
                    if check is not None:
                        check(info.target)
                    check_body(info.magic)
            except MagicError as e:
                info.error = str(e)
        out.append(info)
    produced = produced_by(out)
    for info in out:
        if info.error is None and info.magic is not None and info.target is not None:
            info.plan = plan_promotion(notebook, info.key, info.magic, info.target, module(info.target), index,
                                       produced.get(info.target))
    return out


def produced_by(cells: list[CellInfo]) -> dict[str, str]:
    """What running these cells' valid `%%writefile` cells in order leaves in each target."""
    return notebook_writes((c.target, c.magic) for c in cells if c.error is None and c.magic is not None and c.target)


_OPEN = re.compile(r"^<{7,}(?: |$)", re.M)
_CLOSE = re.compile(r"^>{7,}(?: |$)", re.M)


def has_conflict_markers(text: str) -> bool:
    """True if text holds a git-style conflict block (an opening and a closing marker line)."""
    start = _OPEN.search(text)
    return start is not None and _CLOSE.search(text, start.end()) is not None


def writable_check(root: str | os.PathLike[str]) -> Callable[[str], None]:
    """A function raising MagicError for a target nbteam may not write in root's work tree (cached)."""
    seen: dict[str, str | None] = {}
    gitdirs = git_dirs(root)

    def check(target: str) -> None:
        if target not in seen:
            try:
                safe_write_path(root, target, gitdirs)
                seen[target] = None
            except UnsafePathError as e:
                seen[target] = str(e)
        if seen[target] is not None:
            raise MagicError(f"target {seen[target]}")

    return check


def check_body(magic: Writefile) -> None:
    """MagicError if the body still holds conflict markers (from `promote --update`, or a merge)."""
    if has_conflict_markers(magic.body):
        raise MagicError("the cell holds unresolved conflict markers; resolve them before promoting")


def worktree_reader(root: str | os.PathLike[str]) -> Reader:
    """Read repo-relative text files from the work tree (None if missing or not a file)."""
    base = Path(root)

    def read(rel: str) -> str | None:
        try:
            # Bytes, not read_text: universal newlines would hide a CRLF checkout from us.
            return (base / rel).read_bytes().decode("utf-8")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, UnicodeDecodeError):
            return None

    return read

