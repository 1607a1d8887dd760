"""Upgrade nbformat 2 and 3 notebooks (worksheets) to v4.4, deterministically and without nbformat.

nbformat's own converter was considered: it is less code, but importing nbformat pulls in
jsonschema and its format checkers (measured 2.7 s on a loaded machine, against well under a
millisecond for this module), and it invents random cell ids, which would differ between the
sides of a merge. This module follows its rules for cells and outputs instead; a test checks
that it agrees with nbformat's converter on real old notebooks. Pure dicts in, dicts out: the
reader (nbteam.notebook.io) checks the input's shape and imports this module, never the reverse.
"""
from __future__ import annotations

# Output fields stored as lists of lines (nbformat's _multiline_outputs).
_MULTILINE = ("text", "html", "svg", "latex", "javascript", "json")



def _join(lines: object) -> str:
    """An old multi-line field as one string: v2 and v3 lines may lack their newlines.

    nbformat's rule: if the first line ends in a newline they all do, else join with one."""
    if isinstance(lines, list):
        parts = [s for s in lines if isinstance(s, str)]
        return "".join(parts) if parts and parts[0].endswith(("\n", "\r")) else "\n".join(parts)
    return lines if isinstance(lines, str) else ""


# v3 output keys -> v4 MIME types, as nbformat.v4.convert maps them.
_MIME = {"text": "text/plain", "html": "text/html", "svg": "image/svg+xml", "png": "image/png",
         "jpeg": "image/jpeg", "latex": "text/latex", "json": "application/json",
         "javascript": "application/javascript"}


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _output(out: dict) -> dict:
    """One v3 output in v4 form."""
    kind = out.get("output_type")
    if kind == "stream":
        return {"output_type": "stream", "name": out.get("stream", "stdout"), "text": _join(out.get("text"))}
    if kind == "pyerr" or kind == "error":
        return {"output_type": "error", "ename": str(out.get("ename", "")), "evalue": str(out.get("evalue", "")),
                "traceback": [str(t) for t in _list(out.get("traceback"))]}
    data = {_MIME.get(k, k): (_join(v) if isinstance(v, list) else v)
            for k, v in out.items() if k in _MIME or "/" in k}
    meta = _dict(out.get("metadata"))
    if kind in ("pyout", "execute_result"):
        count = out.get("prompt_number")
        return {"output_type": "execute_result", "data": data, "metadata": meta,
                "execution_count": count if isinstance(count, int) else None}
    return {"output_type": "display_data", "data": data, "metadata": meta}


def _cell(cell: dict) -> dict:
    """One v3 cell in v4 form (headings become markdown, as nbformat does)."""
    kind = cell.get("cell_type")
    meta = _dict(cell.get("metadata"))
    if kind == "code":
        if "collapsed" in cell:
            meta = {**meta, "collapsed": cell["collapsed"]}
        count = cell.get("prompt_number")
        return {"cell_type": "code", "metadata": meta, "source": _join(cell.get("input", "")),
                "outputs": [_output(o) for o in _list(cell.get("outputs")) if isinstance(o, dict)],
                "execution_count": count if isinstance(count, int) else None}
    if kind == "heading":
        text = " ".join(_join(cell.get("source", "")).splitlines())
        level = cell.get("level")
        return {"cell_type": "markdown", "metadata": meta, "source": "#" * (level if isinstance(level, int) else 1) + " " + text}
    source = _join(cell.get("source", ""))
    return {"cell_type": "markdown" if kind in ("markdown", "html") else "raw", "metadata": meta, "source": source}


def upgrade_worksheets(nb: dict, sheets: list) -> dict:
    """A v4.4 notebook from an nbformat 2 or 3 one and its worksheets (all their cells, in order)."""
    meta = dict(_dict(nb.get("metadata")))
    for key in ("name", "signature"):
        meta.pop(key, None)
    cells = [_cell(c) for s in sheets if isinstance(s, dict) for c in _list(s.get("cells")) if isinstance(c, dict)]
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 4}
