"""The clean filter's pure core: notebook bytes in, output-free notebook bytes out.

Outputs, execution counts and transient metadata go (nbteam.notebook.normalise), the result is
written in Jupyter's own layout, so a notebook saved without outputs passes unchanged
and strip(strip(x)) == strip(x). Anything that is not a v4 notebook passes through.
"""
from __future__ import annotations

import json

from nbteam.notebook.normalise import normalise_notebook
from nbteam.notebook.io import dumps_notebook, uses_crlf

BOM = b"\xef\xbb\xbf"


def strip_notebook(data: bytes, name: str = "notebook") -> tuple[bytes, str | None]:
    """(cleaned bytes, warning or None); on any input that is not a v4 notebook, the input itself."""
    if not data.strip():
        return data, None
    try:
        text = data.decode("utf-8-sig")
        nb = json.loads(text)
    except UnicodeDecodeError:
        return data, f"{name} is not UTF-8; passed through unchanged"
    except json.JSONDecodeError as e:
        return data, f"{name} is not valid JSON (line {e.lineno}: {e.msg}); passed through unchanged"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        old = isinstance(nb, dict) and "worksheets" in nb  # nbformat 3: no warning, left as written
        return data, None if old else f"{name} is JSON but not a notebook; passed through unchanged"
    if nb.get("nbformat") != 4:
        return data, None  # nbformat 3 and older: left exactly as written
    out = dumps_notebook(normalise_notebook(nb))
    if uses_crlf(data):
        out = out.replace("\n", "\r\n")
    cleaned = out.encode("utf-8")
    if data.startswith(BOM):
        cleaned = BOM + cleaned
    return cleaned, None
