"""Copies of team notebooks that flow back: `scratch new --from NB`, then `promote COPY --cell ID`.

A copy remembers its origin in its metadata (`metadata.nbteam.origin`): the origin's path, the
git blob of the version copied, the blob of the current merge base, and which cells were
promoted back. Promoting cells back is the same three-way cell merge as `git merge`:
base = the origin as copied (read from git's objects), ours = the origin now, theirs = the base
with just the chosen cells taken from the copy. Afterwards the base becomes that "theirs", so
promoted cells count as in sync and promoting a cell again merges only its new edits.

`%%writefile` cells are not part of this flow: they go to their modules (nbteam.scratch.promote).
This module holds the pure part; nbteam.scratch.flowback carries a promotion back out.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from nbteam.notebook.io import Cell, Notebook
from nbteam.notebook.normalise import TRANSIENT_NOTEBOOK_METADATA, normalise_notebook
from nbteam.notebook.outputs import carry_outputs
from nbteam.scratch.manifest import TextEnum, sha256
from nbteam.scratch.writefile import is_writefile, reaim_source

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


def into_working_copy(ours: Notebook, merged: Notebook) -> Notebook:
    """The origin's working copy after a merge back: only the cells the merge changed are new (pure).

    A cell the merge left as it was gets back ours' outputs, execution count and view metadata
    (`collapsed`, `ExecuteTime`); a changed cell gets none, since they were computed from
    something else (nbteam.notebook.outputs.carry_outputs, the rule the working copy follows
    too). Ours' notebook metadata (widget state) stays unless the merge changed it, and then
    its transient keys are carried over.
    """
    cells = carry_outputs(ours, merged)[0]["cells"]  # the one rule: nbteam.notebook.outputs
    raw_meta = ours.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    if merged["metadata"] != normalise_notebook(ours)["metadata"]:
        meta = {**merged["metadata"], **{k: v for k, v in meta.items() if k in TRANSIENT_NOTEBOOK_METADATA}}
    return {**ours, "cells": cells, "metadata": meta, "nbformat": merged["nbformat"],
            "nbformat_minor": merged["nbformat_minor"]}


def base_bytes(origin: Origin, read_blob: BlobReader, root: str | os.PathLike[str] | None) -> bytes | None:
    """The copy's merge base: from git's objects, else the origin file if it is still that very blob.

    The fallback covers a copy whose origin was never committed as it is (a fresh clone of a
    sample project, or a repository whose filter commits a stripped version).
    """
    data = read_blob(origin.base)
    if data is not None or root is None:
        return data
    from nbteam.git.blobs import blob_id

    try:
        raw = (Path(root) / origin.path).read_bytes()
    except OSError:
        return None
    return raw if blob_id(raw, len(origin.base)) == origin.base else None
