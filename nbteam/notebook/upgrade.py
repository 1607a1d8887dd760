"""Upgrade nbformat 2 and 3 notebooks (worksheets) to v4.4, deterministically and without nbformat.

nbformat's own upgrade needs a slow import and invents random cell ids, which would differ
between the sides of a merge; this follows its rules for cells and outputs.
"""
from __future__ import annotations

from nbteam.notebook.io import Cell, Notebook, NotebookError, join_source

# v3 output keys -> v4 MIME types, as nbformat.v4.convert maps them.
_MIME = {"text": "text/plain", "html": "text/html", "svg": "image/svg+xml", "png": "image/png",
         "jpeg": "image/jpeg", "latex": "text/latex", "json": "application/json",
         "javascript": "application/javascript"}


def _output(out: dict) -> dict:
    kind = out.get("output_type")
    if kind == "stream":
        return {"output_type": "stream", "name": out.get("stream", "stdout"), "text": join_source(out.get("text"))}
    if kind == "pyerr" or kind == "error":
        return {"output_type": "error", "ename": str(out.get("ename", "")), "evalue": str(out.get("evalue", "")),
                "traceback": [str(t) for t in out.get("traceback", [])]}
    data = {_MIME.get(k, k): (join_source(v) if isinstance(v, list) else v)
            for k, v in out.items() if k in _MIME or "/" in k}
    meta = out.get("metadata") if isinstance(out.get("metadata"), dict) else {}
    if kind in ("pyout", "execute_result"):
        count = out.get("prompt_number")
        return {"output_type": "execute_result", "data": data, "metadata": meta,
                "execution_count": count if isinstance(count, int) else None}
    return {"output_type": "display_data", "data": data, "metadata": meta}


def _cell(cell: dict) -> Cell:
    kind = cell.get("cell_type")
    meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    if kind == "code":
        count = cell.get("prompt_number")
        outputs = cell.get("outputs") if isinstance(cell.get("outputs"), list) else []
        return {"cell_type": "code", "metadata": meta, "source": join_source(cell.get("input", "")),
                "outputs": [_output(o) for o in outputs if isinstance(o, dict)],
                "execution_count": count if isinstance(count, int) else None}
    if kind == "heading":
        text = " ".join(join_source(cell.get("source", "")).splitlines())
        level = cell.get("level") if isinstance(cell.get("level"), int) else 1
        return {"cell_type": "markdown", "metadata": meta, "source": "#" * level + " " + text}
    source = join_source(cell.get("source", ""))
    return {"cell_type": "markdown" if kind in ("markdown", "html") else "raw", "metadata": meta, "source": source}


def upgrade_worksheets(nb: Notebook, name: str = "notebook") -> Notebook:
    """A v4.4 notebook from an nbformat 2 or 3 one (all worksheets' cells, in order)."""
    sheets = nb.get("worksheets")
    if not isinstance(sheets, list):
        raise NotebookError(f"{name} is nbformat {nb.get('nbformat')} without worksheets")
    meta = dict(nb.get("metadata")) if isinstance(nb.get("metadata"), dict) else {}
    for key in ("name", "signature"):
        meta.pop(key, None)
    cells = [_cell(c) for s in sheets if isinstance(s, dict) for c in s.get("cells", []) if isinstance(c, dict)]
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 4}
