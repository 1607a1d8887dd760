"""Create a user's scratchpad notebook, empty or as a clean copy of a team notebook."""
from __future__ import annotations

import copy as copying
import os
import re
import uuid
from pathlib import Path
from typing import Callable

from nbteam.config import Config
from nbteam.errors import NbteamError
from nbteam.notebook.io import Notebook, NotebookError, dumps_notebook, parse_notebook, read_notebook
from nbteam.notebook.normalise import normalise_notebook
from nbteam.scratch.copies import Origin, with_origin
from nbteam.scratch.writefile import reaim_source, relative_target
from nbteam.scratch.writes import WorkTreeWrites

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


class ScratchError(NbteamError, ValueError):
    """The scratchpad cannot be created; one line saying why."""


def new_cell_id() -> str:
    """A fresh random cell id in nbformat 4.5's allowed alphabet."""
    return uuid.uuid4().hex[:8]


def blank_scratchpad(user: str, notebook: str) -> Notebook:
    """A new scratchpad: a note on the convention and one empty code cell."""
    up = relative_target(notebook, "teamlib/your_module.py")
    intro = (
        f"# {user}'s scratchpad\n\n"
        "Only you edit this notebook, so it never conflicts. When a cell is ready for the team,\n"
        f"make its first line `%%writefile {up}` and run `nbteam promote` (or `nbteam tui`)."
    )
    return {
        "cells": [
            {"cell_type": "markdown", "id": new_cell_id(), "metadata": {}, "source": intro},
            {"cell_type": "code", "execution_count": None, "id": new_cell_id(), "metadata": {}, "outputs": [], "source": ""},
        ],
        "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def copy_for_scratch(nb: Notebook, source_rel: str, dest_rel: str, repo_root: str | os.PathLike[str]) -> tuple[Notebook, list[str]]:
    """A clean copy of nb for dest: outputs stripped, the origin's cell ids kept, `%%writefile` targets re-aimed.

    Targets are relative to the notebook's directory, so a copy in scratch/<user>/ would write
    somewhere else; each one that resolves inside the repo is rewritten to reach the same file.
    Cells without an id (nbformat < 4.5) get a fresh one; ids are what lets cells flow back.
    """
    clean = with_ids(normalise_notebook(nb, keep_outputs=False))
    notes = []
    for cell in clean["cells"]:
        if cell["cell_type"] == "code":
            cell["source"], note = reaim_source(cell["source"], source_rel, dest_rel, repo_root)
            if note:
                notes.append(note)
    return clean, notes


def with_ids(nb: Notebook) -> Notebook:
    """nb with a unique id on every cell (fresh ones where missing or repeated) and nbformat 4.5."""
    seen: set[str] = set()
    for cell in nb["cells"]:
        if not isinstance(cell.get("id"), str) or not cell["id"] or cell["id"] in seen:
            cell["id"] = new_cell_id()
        seen.add(cell["id"])
    nb["nbformat_minor"] = max(nb.get("nbformat_minor", 4), 5)  # cell ids need nbformat 4.5
    return nb


def make_copy(origin_nb: Notebook, origin_rel: str, dest_rel: str, root: str | os.PathLike[str],
              head_blob: tuple[str, bytes] | None, store: Callable[[bytes], str]) -> tuple[Notebook, list[str]]:
    """A copy of origin_nb for dest_rel with its origin recorded, and notes on re-aimed targets.

    head_blob is the origin's (blob id, bytes) in the checked-out commit: when the work-tree
    origin is that version, its id is recorded (pushed with the branch, so teammates have the
    base too); otherwise the origin as copied is stored as a new blob with store.
    """
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



def _check_name(name: str) -> str:
    stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else name
    if not stem or stem.startswith(".") or re.search(r"[/\\\x00-\x1f]", stem):
        raise ScratchError(f"{name!r} is not a usable notebook name (no slashes, not starting with a dot)")
    return stem


def create_scratchpad(repo_root: str | os.PathLike[str], config: Config, user: str, name: str | None = None,
                      from_notebook: str | os.PathLike[str] | None = None) -> tuple[Path, list[str]]:
    """Create scratch/<user>/<name>.ipynb; return its path and notes on what was adjusted."""
    root = Path(repo_root).resolve()
    folder = root / config.scratch_dir / user
    source_nb = None
    if from_notebook is not None:
        src = Path(os.path.abspath(from_notebook))
        try:
            source_rel = src.resolve().relative_to(root).as_posix()
        except ValueError:
            source_rel = None  # a notebook from outside the repo: targets cannot be re-aimed
        try:
            source_nb = read_notebook(src)
        except NotebookError as e:
            raise ScratchError(str(e)) from None
    stem = _check_name(name) if name else (src.stem if from_notebook is not None else "scratch")
    path = folder / f"{stem}.ipynb"
    if path.exists():
        if name:
            raise ScratchError(f"{path.relative_to(root).as_posix()} already exists; choose another name")
        n = 2
        while (folder / f"{stem}-{n}.ipynb").exists():
            n += 1
        path = folder / f"{stem}-{n}.ipynb"
    dest_rel = path.relative_to(root).as_posix()
    notes: list[str] = []
    if source_nb is not None and source_rel is not None:
        from nbteam.git.blobs import read_blob
        from nbteam.git.repo import blob_id_at, head_tree, store_blob

        blob = blob_id_at(head_tree(root), source_rel)
        data = read_blob(root, blob) if blob else None
        nb, notes = make_copy(source_nb, source_rel, dest_rel, root, (blob, data) if blob and data is not None else None,
                              lambda raw: store_blob(root, raw))
        notes.append(f"copy of {source_rel}: `nbteam promote {dest_rel} --cell ID` merges a cell back into it")
    elif source_nb is not None:  # a notebook from outside the repository: nothing to flow back to
        nb, notes = copy_for_scratch(source_nb, dest_rel, dest_rel, root)
    else:
        nb = blank_scratchpad(user, dest_rel)
    writes = WorkTreeWrites(root)
    writes.add(dest_rel, dumps_notebook(nb))  # refuses a scratch/<user> that is a symlink out of the tree
    writes.commit()
    return path, notes
