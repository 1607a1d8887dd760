"""What `nbteam check` finds in one notebook's bytes: pure functions, no files and no git.

A finding is one line, `path: cell N: what — fix`. The checks, in order: the bytes git would
store (the filter's work, where it is set up), text-merge markers and JSON, nbformat's own
validator (imported here only, lazily: it costs a second), nbteam's reader (what the merge
driver needs), outputs and execution counts where the team strips them, and nbteam's in-cell
conflict markers at any marker size.
"""
from __future__ import annotations

import copy
import enum
import json
import shlex
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from nbteam.integration.registry import parse
from nbteam.notebook.io import NotebookError, join_source, parse_notebook
from nbteam.notebook.conflicts import find_conflicts
from nbteam.notebook.strip import strip_notebook


class Kind(enum.Enum):
    """What a finding is about."""

    OUTPUTS = "outputs"
    CELL_CONFLICT = "cell conflict"
    TEXT_MARKERS = "text-merge markers"
    NOT_JSON = "not JSON"
    INVALID = "invalid notebook"
    FILTER = "filter fails"
    DRIVER = "driver fails"
    SETUP = "setup"


class Finding(NamedTuple):
    """One problem: where (file, 1-based cell or None for the whole file), what, and the fix."""

    path: str
    cell: int | None
    kind: Kind
    what: str
    fix: str

    def line(self) -> str:
        """`path: cell N: what — fix`."""
        where = f"cell {self.cell}: " if self.cell is not None else ""
        return f"{self.path}: {where}{self.what} — {self.fix}"


def text_marker_line(text: str) -> int | None:
    """The 1-based line of the first text-merge marker (`<<<<<<< x` or `>>>>>>> x`, any size), or None.

    No line of JSON starts with `<` or `>`, so in a notebook such a line is a marker whatever its length."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1] in ("<", ">"):
            rest = line.lstrip(line[0])
            if not rest or rest[0] == " ":
                return number
    return None


def _marker_sizes(nb: dict[str, Any], size: int) -> list[int]:
    """The configured marker size and every size a cell's lines open a block with (`<<<<<<<<< x`)."""
    sizes = {size}
    for cell in nb.get("cells", []):
        if isinstance(cell, dict):
            for line in join_source(cell.get("source")).splitlines():
                if line.startswith("<<<"):
                    run = len(line) - len(line.lstrip("<"))
                    if len(line) == run or line[run] == " ":
                        sizes.add(run)
    return sorted(sizes)


def validation_errors(nb: Any) -> list[tuple[int | None, str]]:
    """nbformat's validator on a parsed notebook: (1-based cell or None, one-line message) per error.

    None when nbformat is not installed is the caller's business: this raises ModuleNotFoundError."""
    import warnings

    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # nbformat 5.7+ repairs duplicate cell ids in place and calls the notebook valid (duplicate_ids
            # reports them); validating a copy keeps that repair away from the caller's notebook
            nbformat.validate(copy.deepcopy(nb))
    except nbformat.ValidationError as e:
        where = list(getattr(e, "absolute_path", []) or e.path)
        cell = where[1] + 1 if len(where) > 1 and where[0] == "cells" and isinstance(where[1], int) else None
        field = ".".join(str(p) for p in where[2:] if not isinstance(p, int)) if cell else ".".join(map(str, where))
        message = str(e.message).splitlines()[0][:160]
        return [(cell, f"{field}: {message}" if field else message)]
    except Exception as e:  # the validator's own failures (an unknown nbformat version) are findings too
        return [(None, str(e).splitlines()[0][:160] if str(e) else type(e).__name__)]
    return []


def duplicate_ids(nb: Any) -> list[tuple[int, str]]:
    """(1-based cell, id) for each cell whose id an earlier cell already has (nbformat would renumber it)."""
    seen: set[str] = set()
    found = []
    cells = nb.get("cells") if isinstance(nb, dict) else None
    for number, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        cell_id = cell.get("id") if isinstance(cell, dict) else None
        if isinstance(cell_id, str):
            if cell_id in seen:
                found.append((number, cell_id))
            seen.add(cell_id)
    return found


def check_notebook(path: str, data: bytes, keep_outputs: bool = False, marker_size: int = 7,
                   filtered: bool = False, validate: bool = True) -> list[Finding]:
    """Every finding in one notebook's bytes.

    filtered: git's clean filter is set up for this file, so what git stores is the cleaned
    content; validate: run nbformat's validator (it must be installed).
    """
    found: list[Finding] = []
    stored = data
    if not keep_outputs:
        cleaned, warning = strip_notebook(data, path)
        if warning and _parses(data):  # unreadable JSON is reported below, once
            found.append(Finding(path, None, Kind.FILTER, f"nbteam's filter cannot strip it ({warning})",
                                     "re-save it in Jupyter (nbformat 4), or set keep_outputs = true"))
        elif filtered:
            stored = cleaned
    try:
        text = stored.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return found + [Finding(path, None, Kind.NOT_JSON, f"not UTF-8 (byte {e.start})",
                                "restore a good version from git history (`git log -- FILE`)")]
    marker = text_marker_line(text)
    try:
        nb = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        if marker is not None:
            return found + [Finding(path, None, Kind.TEXT_MARKERS,
                                    f"text-merge conflict markers at line {marker}: the file is no longer JSON",
                                    "a clone without `nbteam init` merged it as text: redo that merge after"
                                    " `nbteam init`, or merge its versions with `nbteam merge BASE OURS THEIRS`")]
        why = f"line {e.lineno}: {e.msg}" if isinstance(e, json.JSONDecodeError) else "nested too deeply"
        return found + [Finding(path, None, Kind.NOT_JSON, f"not valid JSON ({why})",
                                "restore a good version from git history (`git log -- FILE`)")]
    for number, cell_id in duplicate_ids(nb):
        found.append(Finding(path, number, Kind.INVALID, f"not a valid notebook: cell id {cell_id!r} is also an"
                             " earlier cell's", "give the cell a new id (or delete its `id` and re-save it in Jupyter)"))
    if validate:
        for cell, message in validation_errors(nb):
            found.append(Finding(path, cell, Kind.INVALID, f"not a valid notebook (nbformat: {message})",
                                 "fix that field, or re-save the notebook in Jupyter"))
    try:
        parsed = parse_notebook(stored, path)
    except NotebookError as e:
        return found + [Finding(path, None, Kind.DRIVER, f"nbteam's merge driver cannot read it ({e})",
                                "git falls back to a text merge for it: re-save it in Jupyter (nbformat 4)")]
    if not keep_outputs:
        found += _outputs(path, parsed)
    for size in _marker_sizes(parsed, marker_size):
        for c in find_conflicts(parsed, size):
            shown = f" ({c.first_line[:60]})" if c.first_line else ""
            found.append(Finding(path, c.number, Kind.CELL_CONFLICT, f"{c.kind.value} conflict markers{shown}",
                                 f"resolve them (`nbteam resolve {shlex.quote(path)} --ours|--theirs|--both`) and commit"))
    return sorted(set(found), key=lambda f: (f.cell or 0, f.kind.value, f.what))


def _parses(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return False
    return True


def _outputs(path: str, nb: dict[str, Any]) -> list[Finding]:
    """One finding per code cell that holds outputs or an execution count."""
    found = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        what = [name for name, there in (("outputs", bool(cell.get("outputs"))),
                                         ("an execution count", cell.get("execution_count") is not None)) if there]
        if what:
            found.append(Finding(path, number, Kind.OUTPUTS,
                                 f"holds {' and '.join(what)}, which this repository does not commit (keep_outputs = false)",
                                 f"run `nbteam init`, then `git add --renormalize {shlex.quote(path)}` and commit"))
    return found


# --- the clone's set-up --------------------------------------------------------------------------

SETUP_KEYS = ("merge.nbteam.driver", "diff.nbteam.textconv", "filter.nbteam.process")


def setup_findings(values: Mapping[str, str | None], exists: Callable[[str], bool], keep_outputs: bool,
                   require: bool = True, where: str = "git config") -> list[Finding]:
    """What is missing (with require) or broken in the git config nbteam's drivers and filter need."""
    needed = [k for k in SETUP_KEYS if keep_outputs is False or not k.startswith("filter.")]
    unset = [k for k in needed if not values.get(k)]
    found = []
    if require and unset:
        found.append(Finding(where, None, Kind.SETUP, f"{', '.join(unset)} not set: this clone never ran"
                             " `nbteam init`", "run `nbteam init`"))
    for key in needed:
        value = values.get(key)
        if not value:
            continue
        command = parse(value, key)
        if command is None:
            continue  # a hand-written command: nbteam cannot tell whether it runs
        python, entry, _ = command
        missing = [p for p in (python, entry) if p is not None and not exists(p)]
        if missing:
            found.append(Finding(where, None, Kind.SETUP, f"{key} runs {missing[0]}, which is missing: git's"
                                 f" {'filter' if key.startswith('filter') else 'driver'} would fail",
                                 "run `nbteam init` from the environment nbteam is installed in"))
    return found
