"""How the diff views write a notebook's JSON values on one line, and which keys they know.

Both views use it: the cell diff (diff/notebook.py) and the textconv view git starts once per
version it shows (diff/textconv.py), which must start without importing `json` (its modules
compile regular expressions on import): values go through json's C encoder directly.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NOTEBOOK_KEYS = ("cells", "metadata", "nbformat", "nbformat_minor")
CELL_KEYS = ("cell_type", "id", "metadata", "source", "outputs", "execution_count", "attachments")

try:
    from _json import encode_basestring as _as_is, encode_basestring_ascii as _as_ascii
    from _json import make_encoder as _make_encoder
except ImportError:  # pragma: no cover - an interpreter without json's C accelerator
    _make_encoder = None  # type: ignore[misc, assignment]


def one_line(value: "Any", ascii_only: bool = False, sort_keys: bool = True) -> str:
    """`json.dumps(value, sort_keys=sort_keys, default=str, ensure_ascii=ascii_only)`, without importing json."""
    if _make_encoder is None:  # pragma: no cover
        import json

        return json.dumps(value, sort_keys=sort_keys, ensure_ascii=ascii_only, default=str)
    # A new encoder per value, as json.dumps makes: it keeps the containers it is inside of.
    encode = _make_encoder({}, str, _as_ascii if ascii_only else _as_is, None, ": ", ", ", sort_keys, False, True)
    return "".join(encode(value, 0))


def compact(value: "Any") -> str:
    """A value as one line of JSON with sorted keys (how metadata values are shown)."""
    return one_line(value)


def dict_of(value: "Any") -> dict[str, "Any"]:
    """value if it is a dict, else an empty one (for fields a hand-edited file may have wrong)."""
    return value if isinstance(value, dict) else {}


def list_of(value: "Any") -> list["Any"]:
    """value if it is a list, else an empty one."""
    return value if isinstance(value, list) else []
