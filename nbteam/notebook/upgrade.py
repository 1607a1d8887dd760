"""Upgrade nbformat 2 and 3 notebooks (worksheets) to v4.4 with nbformat's own converter.

nbformat is imported only here, for such old files: its import is slow, and the merge driver
must start fast for the v4 files that are nearly all of them. Its upgrade invents random cell
ids, which would differ between the sides of a merge, so they are dropped (v4.4 has none).
"""
from __future__ import annotations

import json

from nbteam.notebook.io import Notebook, NotebookError

# Bookkeeping the converter adds; Jupyter strips it again when it saves.
_TRANSIENT = ("orig_nbformat", "orig_nbformat_minor")


def upgrade_worksheets(nb: Notebook, name: str = "notebook") -> Notebook:
    """A v4.4 notebook from an nbformat 2 or 3 one (all worksheets' cells, in order)."""
    if not isinstance(nb.get("worksheets"), list):
        raise NotebookError(f"{name} is nbformat {nb.get('nbformat')} without worksheets")
    from nbformat import converter, reader

    if not isinstance(nb.get("metadata"), dict):  # the converter needs one; old files nearly always have it
        nb = {**nb, "metadata": {}}
    try:
        # reader.reads applies the old version's own reading rules (v2 stores lines without
        # newlines, for one), then convert upgrades one major version at a time.
        node = converter.convert(reader.reads(json.dumps(nb)), 4)
        out = json.loads(json.dumps(node))
    except Exception as e:  # nbformat raises many kinds of errors on odd old files
        reason = " ".join(str(e).split())[:120]
        raise NotebookError(f"{name} is nbformat {nb.get('nbformat')} and cannot be upgraded ({reason})") from None
    for cell in out.get("cells", []):
        cell.pop("id", None)
    metadata = out.get("metadata", {})
    for key in _TRANSIENT:
        metadata.pop(key, None)
    return {"cells": out.get("cells", []), "metadata": metadata, "nbformat": 4, "nbformat_minor": 4}
