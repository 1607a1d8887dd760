"""The clean filter's pure core: notebook bytes in, output-free notebook bytes out.

It removes what it exists to remove and nothing else: outputs, execution counts, and the
noise metadata listed in nbteam.notebook.normalise (view state, run timing, widget state,
signatures), in nbformat 4 and in nbformat 3 worksheets alike (the format is kept). Unknown
keys, odd cells and odd sources stay as they were. The result is always written in Jupyter's
layout (a notebook Jupyter saved without outputs passes byte for byte), so strip(strip(x)) ==
strip(x), and a notebook cleans to the same bytes with or without its outputs.
Anything it cannot strip passes through unchanged with a one-line warning naming the reason.
"""
from __future__ import annotations

import json

from nbteam.notebook.io import dumps_notebook, uses_crlf
from nbteam.notebook.normalise import TRANSIENT_CELL_METADATA, TRANSIENT_NOTEBOOK_METADATA

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BOM = b"\xef\xbb\xbf"
# The key holding a code cell's execution count, per format.
_COUNT_KEY = {3: "prompt_number", 4: "execution_count"}


def _strip_cell(cell: Any, major: int) -> bool:
    """Remove outputs, the execution count and noise metadata from one cell in place; True if it changed."""
    if not isinstance(cell, dict):
        return False
    changed = False
    if cell.get("cell_type") == "code":
        if isinstance(cell.get("outputs"), list) and cell["outputs"]:
            cell["outputs"] = []
            changed = True
        count = _COUNT_KEY[major]
        if major == 3 and count in cell:
            del cell[count]  # nbformat 3 leaves the prompt number out when there is none
            changed = True
        elif major == 4 and cell.get(count) is not None:
            cell[count] = None
            changed = True
    return _drop_keys(cell.get("metadata"), TRANSIENT_CELL_METADATA) or changed


def _drop_keys(metadata: object, keys: frozenset[str]) -> bool:
    """Remove the given keys from a metadata dict in place; True if any was there."""
    if not isinstance(metadata, dict) or not keys & metadata.keys():
        return False
    for key in keys & metadata.keys():
        del metadata[key]
    return True


def cells_of(nb: dict[str, Any], major: int) -> list[Any]:
    """The cells of a v4 notebook, or of every worksheet of a v3 one."""
    if major == 4:
        return nb["cells"]
    return [cell for ws in nb.get("worksheets") or [] if isinstance(ws, dict) and isinstance(ws.get("cells"), list)
            for cell in ws["cells"]]


def strip_parsed(nb: dict[str, Any], major: int) -> bool:
    """Strip a parsed notebook in place; True if anything was removed."""
    changed = False
    for cell in cells_of(nb, major):
        changed = _strip_cell(cell, major) or changed
    return _drop_keys(nb.get("metadata"), TRANSIENT_NOTEBOOK_METADATA) or changed


def _major(nb: object) -> int | None:
    """4 or 3 for notebooks the filter strips, None for anything else."""
    if not isinstance(nb, dict):
        return None
    if nb.get("nbformat") == 4 and isinstance(nb.get("cells"), list):
        return 4
    if nb.get("nbformat") == 3 and isinstance(nb.get("worksheets"), list):
        return 3
    return None


def _dumps(nb: dict[str, Any], major: int) -> str:
    """Jupyter's layout; plain json where the fast v4 writer does not fit (v3, cells that are not objects)."""
    if major == 4 and all(isinstance(c, dict) for c in nb["cells"]):
        return dumps_notebook(nb)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def strip_notebook(data: bytes, name: str = "notebook") -> tuple[bytes, str | None]:
    """(cleaned bytes, warning or None); on any input it cannot strip, the input itself and why."""
    if not data.strip():
        return data, None
    try:
        nb = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return data, f"{name} is not UTF-8; passed through unchanged"
    except json.JSONDecodeError as e:
        return data, f"{name} is not valid JSON (line {e.lineno}: {e.msg}); passed through unchanged"
    except RecursionError:
        return data, f"{name} is nested too deeply to read; passed through unchanged, outputs and all"
    major = _major(nb)
    if major is None:
        old = isinstance(nb, dict) and ("worksheets" in nb or nb.get("nbformat") in (1, 2, 3))
        return data, f"{name} is nbformat {nb.get('nbformat')}; passed through unchanged" if old else \
            f"{name} is JSON but not a notebook; passed through unchanged"
    try:
        if not strip_parsed(nb, major) and major == 3:
            return data, None  # nbformat 3 has no canonical layout to write: left exactly as written
        # Always Jupyter's layout, stripped or not: the clean form of a notebook must not depend on
        # whether it had outputs, or running it would show as a change (clean(run(x)) == clean(x)).
        out = _dumps(nb, major)
        if uses_crlf(data):
            out = out.replace("\n", "\r\n")
        cleaned = out.encode("utf-8")
    except RecursionError:
        return data, f"{name} is nested too deeply to write; passed through unchanged, outputs and all"
    except UnicodeEncodeError as e:
        bad = e.object[e.start:e.end] if isinstance(e.object, str) else ""
        return data, (f"{name} holds text that is not valid Unicode ({bad.encode('unicode_escape').decode()});"
                      " passed through unchanged, outputs and all")
    return (BOM + cleaned if data.startswith(BOM) else cleaned), None
