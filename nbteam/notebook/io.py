"""Read and write .ipynb files: bytes <-> plain JSON dicts, in the layout Jupyter writes.

The hot path uses the C parts of `json` directly (`_json`): json's own modules compile regular
expressions when imported, a cost every merge-driver start would pay. Old nbformat 2/3 files are
upgraded by nbteam.notebook.upgrade.
"""
from __future__ import annotations

from nbteam.errors import NbteamError

import os

try:
    from _json import encode_basestring as _str, make_scanner as _make_scanner  # keeps non-ASCII as is
except ImportError:  # pragma: no cover - an interpreter without json's C accelerator
    from json.encoder import encode_basestring as _str
    from json.scanner import make_scanner as _make_scanner

TYPE_CHECKING = False  # typing is not imported at run time: the merge driver's start-up is user-visible
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

Notebook = dict[str, "Any"]
Cell = dict[str, "Any"]
MISSING: Any = object()  # a key absent from one side's JSON object (a field block shows it "(absent)")


class NotebookError(NbteamError, ValueError):
    """The input is not a notebook nbteam can merge; the message says why, in one line."""


class TextMarkersError(NotebookError):
    """The file holds git's line-level conflict markers: an unresolved text merge, not JSON."""


def decode_text(data: bytes, name: str = "notebook") -> str:
    """Decode notebook bytes as UTF-8 (a BOM is allowed)."""
    try:
        # Not the utf-8-sig codec: its import is one more on every driver start.
        return data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotebookError(f"{name} is not UTF-8 (byte {e.start})") from None


def has_text_conflict_markers(text: str) -> bool:
    """True if the text holds git's line-level conflict markers (of any size) outside any JSON string."""
    # Markers inside a cell's source are JSON strings, so they never start a physical line, and
    # no line of JSON starts with "<" or ">": a run of three is a marker whatever its length.
    return any(line[:3] in ("<<<", ">>>") for line in text.splitlines())


def empty_notebook() -> Notebook:
    """A notebook without cells: what a file that does not exist yet holds (git's empty base)."""
    return {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}


_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
_SPACE = " \t\n\r"


class _Decoding:
    """What json's scanner reads from a JSONDecoder: the settings of plain `json.loads`."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = _CONSTANTS.__getitem__
    memo: dict[str, str] = {}  # the pure-Python scanner's key cache (the C one keeps its own)


_scan = _make_scanner(_Decoding)  # type: ignore[arg-type]  # it reads only these attributes


class _BadJson(ValueError):
    """Where and why text is not JSON (json.JSONDecodeError's lineno and msg)."""

    def __init__(self, msg: str, text: str, pos: int) -> None:
        super().__init__(msg)
        self.msg, self.lineno = msg, text.count("\n", 0, pos) + 1


def loads(text: str) -> "Any":
    """`json.loads(text)`, without importing json (its error carries .lineno and .msg)."""
    start = len(text) - len(text.lstrip(_SPACE))
    try:
        value, end = _scan(text, start)
    except StopIteration as e:
        raise _BadJson("Expecting value", text, e.value) from None
    except SystemError:  # the C scanner reports errors through json.decoder, which only json imports
        import json

        return json.loads(text)  # raises json.JSONDecodeError, with its line and message
    if text[end:].strip(_SPACE):
        raise _BadJson("Extra data", text, end + len(text[end:]) - len(text[end:].lstrip(_SPACE)))
    return value




# Jupyter's own layout (indent 1, sorted keys): a code cell's outputs open on a line of their
# own and close on the first line at the same indent, followed by the cell's source or its end.
_OUTPUTS = '\n   "outputs": [\n'
_AFTER_OUTPUTS = ('],\n   "source": ', ']\n  }')
_CODE_KEYS = frozenset({"cell_type", "execution_count", "metadata", "outputs", "source"})


def _without_outputs(text: str) -> str | None:
    """The text with every code cell's outputs emptied, cut out by layout instead of parsed
    (they are most of a big notebook's parse time and memory); None if nothing to cut."""
    parts: list[str] = []
    pos = 0
    while (i := text.find(_OUTPUTS, pos)) >= 0:
        start = i + len(_OUTPUTS) - 2  # at the "["
        end = text.find("\n   ]", start)
        if end < 0 or not text.startswith(_AFTER_OUTPUTS, end + 4):
            return None
        parts += [text[pos:start], "[]"]
        pos = end + 5
    return "".join(parts) + text[pos:] if parts else None


def _cut_well(nb: "Any", text: str) -> bool:
    """True if a notebook parsed from _without_outputs(text) lost nothing but outputs: every cell
    is there (one `  {` line each) and every code cell has all its required keys (and its id)."""
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if nb.get("nbformat") != 4 or not isinstance(cells, list) or len(cells) != text.count("\n  {\n"):
        return False
    ids = any(isinstance(c, dict) and "id" in c for c in cells)
    return all(isinstance(c, dict) and (c.get("cell_type") != "code" or (_CODE_KEYS <= c.keys() and (
        "id" in c or not ids))) for c in cells)


# Jupyter's layout of the cell list: each cell opens on "  {" and closes on "  }", its keys indented by 3.
_CELLS_HEAD = '{\n "cells": [\n  '
_CELL_END = "\n  },\n  {\n"  # a cell's last line, and the next cell's first
_NEXT = ",\n  {"
_CELLS_END = "\n  }\n ]"


class CellCache:
    """Cells read from the versions of one merge, by their text: a cell found alike in several versions
    (most cells of a big notebook) is read once, and the versions share that dict (never modify it).

    The versions are read in one `outputs` mode. `first` is the first version's cells in order, so
    the next versions are read by comparing text, mostly without a copy or a hash of it."""

    __slots__ = ("cells", "first")

    def __init__(self) -> None:
        self.cells: dict[str, tuple["Any", int]] = {}  # a cell's text -> the cell, its place in first (or -1)
        self.first: list[str] = []


def _parse_cell(piece: str, outputs: bool) -> "Any":
    """One cell's text (from its "{" to its "}", in Jupyter's layout) parsed on its own; None if it
    is not one whole JSON object, or its outputs do not cut cleanly."""
    cut = False
    if not outputs and (i := piece.find(_OUTPUTS)) >= 0:
        start = i + len(_OUTPUTS) - 2  # at the "["
        end = piece.find("\n   ]", start)
        # The outputs' "]" is followed by the source or closes the cell.
        if end < 0 or not (end + 9 == len(piece) or piece.startswith(_AFTER_OUTPUTS[0], end + 4)):
            return None
        piece, cut = piece[:start] + "[]" + piece[end + 5:], True
    try:
        cell, end = _scan(piece, 0)
    except (StopIteration, SystemError, ValueError, RecursionError):
        return None
    if end != len(piece) or type(cell) is not dict:
        return None
    if cut and (cell.get("outputs") != [] or (cell.get("cell_type") == "code" and not _CODE_KEYS <= cell.keys())):
        return None
    return cell


def _cell_texts(text: str, stop: int, cache: CellCache) -> "Iterator[str]":
    """The texts of the cells from len(_CELLS_HEAD) to stop. Where a cell is the first version's
    next one (or the one after it: a cell changed or deleted) its text is compared in place."""
    first, known = cache.first, cache.cells
    pos, k, n = len(_CELLS_HEAD), 0, len(first)
    last = stop + 4  # after the last cell's "}"
    while True:
        for guess in (k, k + 1):
            if guess < n:
                piece = first[guess]
                end = pos + len(piece)
                if end <= last and text.startswith(piece, pos) and (end == last or text.startswith(_NEXT, end)):
                    k = guess + 1
                    break
        else:
            end = text.find(_CELL_END, pos, stop)
            end = last if end < 0 else end + 4
            piece = text[pos:end]
            if (found := known.get(piece)) is not None and found[1] >= 0:
                k = found[1] + 1  # a cell of the first version, elsewhere: carry on from there
        yield piece
        if end == last:
            return
        pos = end + len(_NEXT) - 1


def _parse_shared(text: str, outputs: bool, cache: CellCache) -> Notebook | None:
    """The notebook parsed cell by cell, each cell read once across the versions of a merge (cache);
    None unless the text is in Jupyter's layout and every cell and the rest read back as the whole."""
    if not text.startswith(_CELLS_HEAD + "{") or (stop := text.rfind(_CELLS_END, len(_CELLS_HEAD))) < 0:
        return None
    known, first = cache.cells, cache.first
    reading_first = not first
    cells = []
    for piece in _cell_texts(text, stop, cache):
        found = known.get(piece)
        if found is None:
            cell = _parse_cell(piece, outputs)
            if cell is None:
                if reading_first:
                    known.clear()
                    first.clear()
                return None
            found = known[piece] = (cell, len(first) if reading_first else -1)
        if reading_first:  # every cell, repeated ones too: the next versions are compared by place
            first.append(piece)
        cells.append(found[0])
    # The rest of the file, each cell replaced by its number: it must hold them, in order, as its
    # cell list. Each piece is a whole JSON value (read above), so put back they are that list.
    skeleton = text[:len(_CELLS_HEAD)] + ",\n  ".join(map(str, range(len(cells)))) + text[stop + 4:]
    try:
        nb = loads(skeleton)
    except (ValueError, RecursionError):
        return None
    if type(nb) is not dict or nb.get("cells") != list(range(len(cells))) or nb.get("nbformat") != 4:
        return None
    if not outputs and any("id" in c for c in cells) and not all(
            "id" in c for c in cells if c.get("cell_type") == "code"):
        return None  # as _cut_well: a code cell without the id the others have is read in full
    nb["cells"] = cells
    return nb


def parse_notebook(data: bytes, name: str = "notebook", empty_ok: bool = False, outputs: bool = True,
                   cache: CellCache | None = None) -> Notebook:
    """Parse .ipynb bytes into a v4 notebook dict, upgrading nbformat 3; raise NotebookError.

    With empty_ok, empty bytes are an empty notebook (git's base when both sides added the file).
    Without outputs, code cells may come back with empty outputs (read faster: the merge strips them).
    With a cache kept across the versions of one merge, a cell whose text was read before is that
    same dict object (see CellCache)."""
    if empty_ok and not data:
        return empty_notebook()
    text = decode_text(data, name)
    if not text.strip():
        raise NotebookError(f"{name} is empty")
    if cache is not None and (shared := _parse_shared(text, outputs, cache)) is not None:
        return shared
    cut = None if outputs else _without_outputs(text)
    if cut is not None:
        try:
            nb = loads(cut)
        except (ValueError, RecursionError):
            cut = None
        else:
            if _cut_well(nb, text):
                return nb
    try:
        nb = loads(text)
    except ValueError as e:  # json.JSONDecodeError from inside the scanner, _BadJson around it
        if has_text_conflict_markers(text):
            raise TextMarkersError(f"{name} already holds text conflict markers (an unresolved merge?)") from None
        raise NotebookError(f"{name} is not valid JSON (line {getattr(e, 'lineno', '?')}: {getattr(e, 'msg', e)})") from None
    except RecursionError:
        raise NotebookError(f"{name} is nested too deeply to read as a notebook") from None
    if not isinstance(nb, dict) or not ("cells" in nb or "worksheets" in nb):
        raise NotebookError(f"{name} is JSON but not a notebook (no cells)")
    major = nb.get("nbformat")
    if major in (2, 3) or (major is None and "worksheets" in nb):
        from nbteam.notebook.upgrade import upgrade_worksheets

        sheets = nb.get("worksheets")
        if not isinstance(sheets, list):
            raise NotebookError(f"{name} is nbformat {major} without worksheets")
        return upgrade_worksheets(nb, sheets)
    if major != 4:
        raise NotebookError(f"{name} is nbformat {major!r}; nbteam reads nbformat 2 to 4")
    if not isinstance(nb.get("cells"), list) or not all(isinstance(c, dict) for c in nb["cells"]):
        raise NotebookError(f"{name} has a malformed cell list")
    return nb


def read_notebook(path: str | os.PathLike[str]) -> Notebook:
    """Read and parse a notebook file; raise NotebookError with a one-line reason."""
    name = os.path.basename(os.fspath(path))
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise NotebookError(f"cannot read {name}: {e.strerror}") from None
    return parse_notebook(data, name)


def split_lines(text: str) -> list[str]:
    """Split a multi-line string the way Jupyter stores it: a list of lines with their newlines."""
    return text.splitlines(keepends=True) if "\n" in text or "\r" in text else ([text] if text else [])


def join_source(source: "Any") -> str:
    """A cell source (string or list of lines) as one string."""
    if isinstance(source, list):
        try:
            return "".join(source)  # at C speed: big notebooks have hundreds of thousands of lines
        except TypeError:  # a stray non-string line: skipped
            return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _jupyter_layout(nb: Notebook) -> Notebook:
    """Sources and multi-line output text as lists of lines, as Jupyter saves them."""
    cells = [{**cell, "source": split_lines(cell["source"])} if isinstance(cell.get("source"), str) else cell
             for cell in nb.get("cells", [])]
    return {**nb, "cells": cells}


_SCALARS = {None: "null", True: "true", False: "false"}


def _encode(value: "Any", indent: str, out: list[str]) -> None:
    """Append the JSON of value to out, byte-identical to json.dumps(indent=1, sort_keys=True,
    ensure_ascii=False) but several times faster, since json's indenting encoder is pure Python."""
    kind = type(value)
    if kind is str:
        out.append(_str(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = indent + " "
        sep = "{\n" + inner
        for key in sorted(value):
            item = value[key]
            kind = type(item)
            if kind is str:  # inline the commonest values: a call per value is most of the cost
                out.append(f"{sep}{_str(key)}: {_str(item)}")
            elif item is None or item is True or item is False:
                out.append(f"{sep}{_str(key)}: {_SCALARS[item]}")
            elif kind is int:
                out.append(f"{sep}{_str(key)}: {int.__repr__(item)}")
            elif not item and (kind is dict or kind is list):  # a cell's metadata, its outputs
                out.append(f"{sep}{_str(key)}: {'{}' if kind is dict else '[]'}")
            else:
                out.append(f"{sep}{_str(key)}: ")
                _encode(item, inner, out)
            sep = ",\n" + inner
        out.append("\n" + indent + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = indent + " "
        try:  # source and text lines, the bulk of a notebook, at C speed (_str takes only text)
            out.append("[\n" + inner + (",\n" + inner).join(map(_str, value)) + "\n" + indent + "]")
            return
        except TypeError:
            pass
        out.append("[\n")
        for n, item in enumerate(value):
            out.append(",\n" + inner if n else inner)
            _encode(item, inner, out)
        out.append("\n" + indent + "]")
    else:
        out.append(value if kind is _Encoded else _scalar(value))


def _scalar(value: "Any") -> str:
    """A number, boolean or null as json.dumps writes it."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is float:
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    import json  # anything else (an int or float subclass): json's own rules

    return json.dumps(value)


def canonical_json(value: "Any") -> str:
    """One text per JSON value, keys sorted at every level: equal values give equal texts (a hashable key)."""
    out: list[str] = []
    _encode(value, "", out)
    return "".join(out)


class _Encoded(str):
    """JSON text already encoded (at its place's indent): _encode writes it as it is."""


# A cell's commonest shapes, keys sorted: code with empty outputs (as a merge writes it), markdown or raw.
_CELL_SHAPES = {frozenset(keys): keys for keys in (
    ("cell_type", "execution_count", "id", "metadata", "outputs", "source"),
    ("cell_type", "execution_count", "metadata", "outputs", "source"),
    ("cell_type", "id", "metadata", "source"), ("cell_type", "metadata", "source"))}


def _cell_json(cell: Cell, source: "Any") -> str | None:
    """A cell in one of _CELL_SHAPES with empty metadata (and outputs), its source lines, encoded in
    one go as _encode encodes it at a cell's indent; None for any other cell. (Most cells of a big
    notebook: a call per value was most of the time it took to write.) source: the cell's, as lines."""
    keys = _CELL_SHAPES.get(frozenset(cell))
    cell_type = cell.get("cell_type")
    if keys is None or type(source) is not list or type(cell_type) is not str or cell["metadata"] != {} or type(
            cell["metadata"]) is not dict:
        return None
    try:
        lines = "[\n    " + ",\n    ".join(map(_str, source)) + "\n   ]" if source else "[]"
    except TypeError:  # a line that is not text
        return None
    head = '{\n   "cell_type": ' + _str(cell_type)
    if len(keys) > 4:
        count, outputs = cell["execution_count"], cell["outputs"]
        if outputs != [] or type(outputs) is not list or not (count is None or type(count) is int):
            return None
        head += ',\n   "execution_count": ' + ("null" if count is None else int.__repr__(count))
    if "id" in keys:
        if type(cell["id"]) is not str:
            return None
        head += ',\n   "id": ' + _str(cell["id"])
    return head + (',\n   "metadata": {},\n   "outputs": [],\n   "source": ' if len(keys) > 4
                   else ',\n   "metadata": {},\n   "source": ') + lines + "\n  }"


def _cells_json(cells: list[Cell]) -> _Encoded:
    """The cell list as _encode writes it at the notebook's indent, laid out as Jupyter saves it."""
    if not cells:
        return _Encoded("[]")
    texts = []
    for cell in cells:
        source = cell.get("source")
        if isinstance(source, str):
            source = split_lines(source)
        text = _cell_json(cell, source)
        if text is None:
            out: list[str] = []
            _encode({**cell, "source": source} if "source" in cell else cell, "  ", out)
            text = "".join(out)
        texts.append(text)
    return _Encoded("[\n  " + ",\n  ".join(texts) + "\n ]")


def dumps_notebook(nb: Notebook) -> str:
    """Serialise like Jupyter: indent 1, sorted keys, non-ASCII kept, trailing newline."""
    out: list[str] = []
    _encode({**nb, "cells": _cells_json(nb.get("cells", []))}, "", out)
    return "".join(out) + "\n"


def escape_surrogates(text: str) -> str:
    """Notebook JSON text with each lone surrogate (legal in a JSON string as `\\udXXX`, not in
    UTF-8) written as that escape again, so the text can be written as UTF-8."""
    return "".join(f"\\u{ord(ch):04x}" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def uses_crlf(data: bytes) -> bool:
    """True if the file's lines end in CRLF (a Windows checkout), so we write it back that way."""
    head = data[:65536]
    return head.count(b"\r\n") * 2 > head.count(b"\n")


BOM = "\ufeff"


def write_atomic(path: str | os.PathLike[str], text: str, crlf: bool = False, bom: bool = False) -> None:
    """Write text to path via a temporary file and rename, so a crash never leaves half a file
    (in UTF-8; with CRLF line ends and a leading byte-order mark when asked, to keep a file's own)."""
    path = os.fspath(path)
    data = (BOM if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), f".nbteam-{os.getpid()}-{os.path.basename(path)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(data)
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
