"""Copies of team notebooks that flow back: `scratch new --from NB`, then `promote COPY --cell ID`.

A copy remembers its origin in its metadata (`metadata.nbteam.origin`): the origin's path, the
git blob of the version copied, the blob of the current merge base, and which cells were
promoted back. Promoting cells back is the same three-way cell merge as `git merge`:
base = the origin as copied (read from git's objects), ours = the origin now, theirs = the base
with just the chosen cells taken from the copy. Afterwards the base becomes that "theirs", so
promoted cells count as in sync and promoting a cell again merges only its new edits.

`%%writefile` cells are not part of this flow: they go to their modules (nbteam.scratch.promote).
"""
from __future__ import annotations

import copy as copying
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from nbteam.config import Config
from nbteam.notebook.io import Cell, Notebook, NotebookError, dumps_notebook, parse_notebook
from nbteam.notebook.normalise import normalise_notebook
from nbteam.notebook.outputs import carry_outputs
from nbteam.scratch.manifest import TextEnum, manifest_lock, sha256
from nbteam.scratch.writefile import is_writefile, reaim_source

if TYPE_CHECKING:
    from nbteam.scratch.scan import NotebookInfo

METADATA_KEY = "nbteam"
BlobReader = Callable[[str], "bytes | None"]


@dataclass(frozen=True)
class Origin:
    """Where a copy came from and how far it has flowed back."""

    path: str  # the origin notebook, repo-relative
    blob: str  # git blob of the origin as copied
    base: str  # git blob of the base for the next merge back (the origin as copied, plus what was promoted)
    synced: dict[str, str] = field(default_factory=dict)  # cell id -> fingerprint of the cell as promoted

    def as_json(self) -> dict[str, Any]:
        """The record as stored in the copy's metadata."""
        return {"path": self.path, "blob": self.blob, "base": self.base, "synced": dict(sorted(self.synced.items()))}


def read_origin(nb: Notebook) -> Origin | None:
    """The origin record of a copy, or None for a notebook that is not one (or a damaged record)."""
    meta = nb.get("metadata")
    record = meta.get(METADATA_KEY, {}).get("origin") if isinstance(meta, dict) and isinstance(
        meta.get(METADATA_KEY), dict) else None
    if not isinstance(record, dict):
        return None
    path, blob, base, synced = (record.get(k) for k in ("path", "blob", "base", "synced"))
    if not (isinstance(path, str) and isinstance(blob, str) and isinstance(base or blob, str)):
        return None
    synced = {k: v for k, v in synced.items() if isinstance(v, str)} if isinstance(synced, dict) else {}
    return Origin(path, blob, base or blob, synced)


def with_origin(nb: Notebook, origin: Origin) -> Notebook:
    """nb with its origin record set (a new dict; nb is not modified)."""
    meta = dict(nb.get("metadata") or {})
    ours = meta.get(METADATA_KEY)
    meta[METADATA_KEY] = {**(ours if isinstance(ours, dict) else {}), "origin": origin.as_json()}
    return {**nb, "metadata": meta}


class CopyState(TextEnum):
    """Where a cell of a copy stands against its origin."""

    CHANGED = "changed in copy"
    ADDED = "added in copy"
    DELETED = "deleted in copy"
    IN_SYNC = "in sync with origin"


@dataclass(frozen=True)
class CopyCell:
    """A cell of a copy that differs from the base, or was promoted back (in sync)."""

    key: str  # the cell id
    number: int | None  # 1-based position in the copy; None for a cell the copy deleted
    state: CopyState
    cell_type: str
    first_line: str

    @property
    def promotable(self) -> bool:
        """True unless already in sync."""
        return self.state is not CopyState.IN_SYNC


def fingerprint(cell: Cell) -> str:
    """What makes two versions of a cell the same for flowing back: type and source."""
    return sha256(f"{cell.get('cell_type')}\0{cell.get('source')}")


def _first_line(source: str) -> str:
    return next((line.strip() for line in source.splitlines() if line.strip()), "")


def as_origin_cells(copy_nb: Notebook, copy_rel: str, origin_rel: str, root: str | os.PathLike[str] | None) -> list[Cell]:
    """The copy's cells normalised, `%%writefile` targets re-aimed as seen from the origin."""
    cells = normalise_notebook(copy_nb)["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            cell["source"] = reaim_source(cell["source"], copy_rel, origin_rel, root)[0]
    return cells


def _flows_back(cell: Cell) -> bool:
    return not (cell["cell_type"] == "code" and is_writefile(cell["source"]))


def copy_cells(copy_nb: Notebook, base_nb: Notebook, origin: Origin, copy_rel: str,
               root: str | os.PathLike[str] | None = None) -> list[CopyCell]:
    """The copy's cells that differ from the base or were promoted back, in copy order, deleted ones last (pure)."""
    base = {c.get("id"): c for c in normalise_notebook(base_nb)["cells"]}
    cells = as_origin_cells(copy_nb, copy_rel, origin.path, root)
    out = []
    for number, cell in enumerate(cells, 1):
        key = cell.get("id")
        if not isinstance(key, str) or not _flows_back(cell):
            continue
        old = base.get(key)
        if old is None:
            state: CopyState | None = CopyState.ADDED
        elif fingerprint(old) != fingerprint(cell):
            state = CopyState.CHANGED
        else:
            state = CopyState.IN_SYNC if key in origin.synced else None
        if state is not None:
            out.append(CopyCell(key, number, state, cell["cell_type"], _first_line(cell["source"])))
    kept = {c.get("id") for c in cells}
    for key, old in base.items():
        if isinstance(key, str) and key not in kept and _flows_back(old):
            out.append(CopyCell(key, None, CopyState.DELETED, old["cell_type"], _first_line(old["source"])))
    return out


def theirs_notebook(base_nb: Notebook, copy_nb: Notebook, chosen: set[str], copy_rel: str, origin_rel: str,
                    root: str | os.PathLike[str] | None = None) -> Notebook:
    """The base with just the chosen cells taken from the copy (pure).

    A changed cell replaces its base version, a deleted one is removed, and an added one is
    placed after the nearest cell before it in the copy that the result has (or first).
    """
    theirs = normalise_notebook(base_nb)
    cells: list[Cell] = theirs["cells"]
    copy_list = as_origin_cells(copy_nb, copy_rel, origin_rel, root)
    in_copy = {c.get("id") for c in copy_list}
    cells[:] = [c for c in cells if not (c.get("id") in chosen and c.get("id") not in in_copy)]
    for n, cell in enumerate(copy_list):
        key = cell.get("id")
        if key not in chosen:
            continue
        at = next((i for i, c in enumerate(cells) if c.get("id") == key), None)
        if at is not None:
            cells[at] = cell
            continue
        before = {c.get("id") for c in copy_list[:n]}
        prev = max((i for i, c in enumerate(cells) if c.get("id") in before), default=-1)
        cells.insert(prev + 1, cell)
    return theirs


# --- adapters: creating a copy, promoting its cells back ---------------------------------------


def make_copy(origin_nb: Notebook, origin_rel: str, dest_rel: str, root: str | os.PathLike[str],
              head_blob: tuple[str, bytes] | None, store: Callable[[bytes], str]) -> tuple[Notebook, list[str]]:
    """A copy of origin_nb for dest_rel with its origin recorded, and notes on re-aimed targets.

    head_blob is the origin's (blob id, bytes) in the checked-out commit: when the work-tree
    origin is that version, its id is recorded (pushed with the branch, so teammates have the
    base too); otherwise the origin as copied is stored as a new blob with store.
    """
    from nbteam.scratch.create import copy_for_scratch, with_ids

    base = with_ids(normalise_notebook(origin_nb))
    copy_nb, notes = copy_for_scratch(copying.deepcopy(base), origin_rel, dest_rel, root)
    blob = None
    if head_blob is not None:
        try:
            committed = normalise_notebook(parse_notebook(head_blob[1], origin_rel))
        except NotebookError:
            committed = None
        if committed is not None and committed == base:
            blob = head_blob[0]
    if blob is None:
        blob = store(dumps_notebook(base).encode("utf-8"))
    return with_origin(copy_nb, Origin(origin_rel, blob, blob)), notes


@dataclass(frozen=True)
class CopyPromotion:
    """The result of promoting a copy's cells back into its origin."""

    copy: str
    origin: str
    cells: list[CopyCell]
    conflicts: int
    diff: str  # the origin now against the origin after the promotion
    written: bool
    origin_text: str  # the origin as it was read (pass it back as `shown_origin` to re-check)


def base_bytes(origin: Origin, read_blob: BlobReader, root: str | os.PathLike[str] | None) -> bytes | None:
    """The copy's merge base: from git's objects, else the origin file if it is still that very blob.

    The fallback covers a copy whose origin was never committed as it is (a fresh clone of a
    sample project, or a repository whose filter commits a stripped version).
    """
    data = read_blob(origin.base)
    if data is not None or root is None:
        return data
    from nbteam.git.repo import blob_id_of

    try:
        raw = (Path(root) / origin.path).read_bytes()
    except OSError:
        return None
    return raw if blob_id_of(raw) == origin.base else None


def load_base(root: str | os.PathLike[str], origin: Origin, copy_rel: str, read_blob: BlobReader) -> Notebook:
    """The merge base of a copy; NbteamError naming the missing blob."""
    from nbteam.scratch.promote import PromoteError

    data = base_bytes(origin, read_blob, root)
    if data is None:
        raise PromoteError(f"{copy_rel}: its base (git blob {origin.base[:12]}, {origin.path} as copied) is not in"
                           " this repository's git objects; copy it again or merge by hand")
    return parse_notebook(data, f"{origin.path} as copied")


def select_copy_cells(cells: list[CopyCell], selectors: list[str] | None, copy_rel: str, origin_rel: str) -> list[CopyCell]:
    """The copy cells named by id or 1-based number; every one not in sync if selectors is None."""
    from nbteam.scratch.promote import PromoteError

    if selectors is None:
        chosen = [c for c in cells if c.promotable]
        if not chosen:
            raise PromoteError(f"no cell of {copy_rel} differs from {origin_rel}; nothing to promote")
        return chosen
    out = []
    for sel in selectors:
        match = [c for c in cells if c.key == sel] or [c for c in cells if sel.isdigit() and c.number == int(sel)]
        if not match or not match[0].promotable:
            raise PromoteError(f"cell {sel!r} of {copy_rel} is the same as in {origin_rel} (or not a cell); nothing to promote")
        out.append(match[0])
    return out


def promote_copy(root: str | os.PathLike[str], config: Config, copy_path: str | os.PathLike[str], user: str,
                 selectors: list[str] | None = None, dry_run: bool = False, owner_confirmed: bool = False,
                 shown_origin: str | None = None, stage: bool = False) -> CopyPromotion:
    """Merge chosen cells of a copy into its origin notebook (all differing cells when selectors is None).

    Conflicts are left as markers in the origin (CopyPromotion.conflicts). shown_origin, the
    origin's text the user was shown (CopyPromotion.origin_text of a dry run), is re-checked:
    ChangedSinceShownError if the origin changed since.
    """
    from nbteam.diff.notebook import diff_notebooks
    from nbteam.diff.render import render_diff
    from nbteam.git.repo import read_blob, stage_paths, store_blob
    from nbteam.merge.notebook import merge_notebooks
    from nbteam.scratch.promote import PromoteError, check_owner, check_shown, repo_relative
    from nbteam.scratch.writes import WorkTreeWrites, read_notebook_file
    from nbteam.seq.merge3 import Markers

    root = Path(root)
    copy_rel = repo_relative(root, copy_path)
    check_owner(config, copy_rel, user, owner_confirmed or dry_run)
    with manifest_lock(root):  # one promotion into a notebook at a time
        copy_nb, copy_crlf = read_notebook_file(root, copy_rel)
        origin = read_origin(copy_nb)
        if origin is None:
            raise PromoteError(f"{copy_rel} is not a copy of a team notebook (make one with `nbteam scratch new --from`)")
        # Without outputs: the copy has none, and the origin's own outputs must not read as deleted.
        base = normalise_notebook(load_base(root, origin, copy_rel, lambda blob: read_blob(root, blob)))
        try:
            origin_text = (root / origin.path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise PromoteError(f"cannot read {origin.path}, the origin of {copy_rel}: {e}") from None
        check_shown(None if shown_origin is None else {origin.path: shown_origin}, origin.path, origin_text)
        ours, origin_crlf = read_notebook_file(root, origin.path)
        chosen = select_copy_cells(copy_cells(copy_nb, base, origin, copy_rel, root), selectors, copy_rel, origin.path)
        theirs = theirs_notebook(base, copy_nb, {c.key for c in chosen}, copy_rel, origin.path, root)
        markers = Markers(ours=origin.path, base=f"{origin.path} as copied", theirs=copy_rel)
        # Outputs stay out of the merge (the copy has none, so they would read as edits), then
        # the origin's own outputs are put back on its cells.
        result = merge_notebooks(base, ours, theirs, markers)
        result.notebook.update(carry_outputs(ours, result.notebook)[0])
        diff = "\n".join(render_diff(diff_notebooks(ours, result.notebook), f"a/{origin.path}", f"b/{origin.path}")) + "\n"
        outcome = CopyPromotion(copy_rel, origin.path, chosen, len(result.conflicts), diff, not dry_run, origin_text)
        if dry_run:
            return outcome
        synced = dict(origin.synced)
        theirs_cells = {c.get("id"): c for c in theirs["cells"]}
        for cell in chosen:
            synced.pop(cell.key, None)
            if cell.key in theirs_cells:
                synced[cell.key] = fingerprint(theirs_cells[cell.key])
        new_base = store_blob(root, dumps_notebook(theirs).encode("utf-8"))
        record = Origin(origin.path, origin.blob, new_base, synced)
        writes = WorkTreeWrites(root)
        writes.add(origin.path, dumps_notebook(result.notebook), crlf=origin_crlf)
        writes.add(copy_rel, dumps_notebook(with_origin(copy_nb, record)), crlf=copy_crlf)
        writes.commit()
        if stage:
            stage_paths(root, writes.paths)
        return outcome


def split_selection(info: NotebookInfo, selectors: list[str] | None, everything: bool) -> tuple[list[str], list[str]]:
    """(cells for their modules, cells for the origin) of a copy, as cell ids (pure).

    Named cells go where their kind goes: `%%writefile` cells to modules, the others back into
    the origin. `everything` (--all) takes both kinds; no selection takes the `%%writefile`
    cells, as for any scratchpad.
    """
    from nbteam.scratch.promote import PromoteError

    flows = [c for c in info.copy_cells if c.promotable]
    if info.copy_error and (everything or selectors):
        raise PromoteError(f"{info.path} cannot be compared with {info.origin}: {info.copy_error}")
    if selectors:
        modules, back = [], []
        for sel in selectors:
            cell = next((c for c in info.cells if c.key == sel), None) or next(
                (c for c in info.cells if sel.isdigit() and c.number == int(sel)), None)
            if cell is not None and cell.promotable:
                modules.append(cell.key)
            elif cell is not None or any(c.key == sel for c in info.copy_cells):
                back.append(cell.key if cell is not None else sel)
            else:
                raise PromoteError(f"no cell {sel!r} in {info.path} (give a 1-based cell number or a cell id)")
        return modules, back
    modules = [c.key for c in info.promotable()]
    if everything:
        if not modules and not flows:
            raise PromoteError(f"nothing to promote: no %%writefile cells, and no cell differs from {info.origin}")
        return modules, [c.key for c in flows]
    if not modules:
        raise PromoteError(f"no %%writefile cells in this notebook; it is a copy of {info.origin}: promote its"
                           f" {len(flows)} changed cell(s) back with --cell ID or --all")
    return modules, []
