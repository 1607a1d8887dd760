"""Normalise notebooks for merging and committing: strip outputs and view state, tidy sources."""
from __future__ import annotations

from nbteam.notebook.io import Cell, Notebook, join_source

# View state and timing that editors write on every run; nobody wants to merge or commit it.
TRANSIENT_CELL_METADATA = frozenset(
    {"collapsed", "scrolled", "execution", "ExecuteTime", "heading_collapsed", "hidden",
     "executionInfo", "outputId"}  # Colab's run timing and the id of outputs that are stripped
)
# Notebook metadata that is output-like (widget state) or machine-specific (signatures).
TRANSIENT_NOTEBOOK_METADATA = frozenset({"signature", "widgets"})
CELL_TYPES = ("code", "markdown", "raw")


def normalise_source(source: object) -> str:
    """A cell source as one string with LF line endings."""
    text = join_source(source)
    return text.replace("\r\n", "\n") if "\r" in text else text


def normalise_cell(cell: Cell, keep_outputs: bool = False) -> Cell:
    """A clean copy of one cell: source as a string, outputs and transient metadata dropped."""
    get = cell.get  # this runs once per cell of all three versions: every lookup counts
    cell_type = get("cell_type")
    if cell_type not in CELL_TYPES:
        cell_type = "raw"
    metadata = get("metadata")
    if not metadata or not isinstance(metadata, dict):
        metadata = {}
    elif TRANSIENT_CELL_METADATA.isdisjoint(metadata):  # most cells: a plain copy, at C speed
        metadata = dict(metadata)
    else:
        metadata = {k: v for k, v in metadata.items() if k not in TRANSIENT_CELL_METADATA}
    source = get("source")
    if type(source) is not str or "\r" in source:
        source = normalise_source(source)
    out: Cell = {"cell_type": cell_type, "metadata": metadata, "source": source}
    cell_id = get("id")
    if cell_id and isinstance(cell_id, str):
        out["id"] = cell_id
    if cell_type == "code":
        if keep_outputs and isinstance(get("outputs"), list):
            out["outputs"] = cell["outputs"]
            count = get("execution_count")
            out["execution_count"] = count if count is None or isinstance(count, int) else None
        else:
            out["outputs"] = []
            out["execution_count"] = None
    elif isinstance(get("attachments"), dict) and cell["attachments"]:
        # An empty attachments dict and no attachments key mean the same; keep one form.
        out["attachments"] = cell["attachments"]
    return out


def normalise_notebook(nb: Notebook, keep_outputs: bool = False, done: dict[int, Cell] | None = None) -> Notebook:
    """A clean copy of a v4 notebook, ready to align and merge (the input is not modified).

    done (id of an input cell -> its clean copy) is kept across the versions of one merge: a cell
    dict they share (nbteam.notebook.io reads a cell found alike in several versions once) is
    normalised once, and its copies are one object too, so comparing them is instant."""
    metadata = nb.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    if not keep_outputs:
        for key in TRANSIENT_NOTEBOOK_METADATA:
            metadata.pop(key, None)
    minor = nb.get("nbformat_minor")
    return {
        "cells": _normalise_cells(nb.get("cells", []), keep_outputs, {} if done is None else done),
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": minor if isinstance(minor, int) and minor >= 0 else 4,
    }


def _normalise_cells(cells: list[Cell], keep_outputs: bool, done: dict[int, Cell]) -> list[Cell]:
    out: list[Cell | None] = list(map(done.get, map(id, cells)))  # the cells done before, at C speed
    if None in out:
        for k, cell in enumerate(cells):
            if out[k] is None and isinstance(cell, dict):
                out[k] = done[id(cell)] = normalise_cell(cell, keep_outputs)
    return [c for c in out if c is not None]  # what is not a cell at all is left out
