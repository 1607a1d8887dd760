"""Give a notebook git writes into the working copy the remembered outputs of its unchanged cells.

The filter process's smudge does it, at the moment git writes the file: git then records the
stat of the file as written, so `git status` finds it clean without reading it again. git also
smudges for `git archive`, `git cat-file --filters` and the temporary files of external diffs
(same metadata as a checkout), so outputs are added only when the git command that started the
filter process is one that writes this working copy (WRITERS); anything else gets the content
as committed. The added outputs never change the clean content: the result is checked to strip
back to exactly what git sent.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from nbteam.notebook.io import Notebook

# git commands that write the working copy from the index or a commit. Not here, on purpose:
# archive, cat-file, show, diff, log, difftool, checkout-index (mergetool's and difftool's temp files).
WRITERS = frozenset({"checkout", "switch", "restore", "reset", "merge", "pull", "rebase", "stash", "cherry-pick",
                     "revert", "am", "apply", "read-tree", "sparse-checkout", "bisect", "worktree", "clone"})


def with_outputs(data: bytes, sources: list[Notebook | None], name: str) -> bytes | None:
    """`data` (a notebook without outputs) with outputs carried from `sources`; None if none apply.

    The result is written in the same layout and line endings, and it is checked to strip back
    to exactly what `data` strips to: the clean content, the only thing git sees, is unchanged.
    """
    from nbteam.notebook.io import NotebookError, dumps_notebook, parse_notebook, uses_crlf
    from nbteam.notebook.outputs import carry_outputs, has_outputs
    from nbteam.notebook.strip import BOM, strip_notebook

    try:
        nb = parse_notebook(data, name)
    except NotebookError:
        return None
    if has_outputs(nb) or nb.get("nbformat") != 4:
        return None
    carried = 0
    for old in sources:
        if old is not None:
            nb, n = carry_outputs(old, nb)
            carried += n
    if not carried:
        return None
    text = dumps_notebook(nb)
    new = (text.replace("\n", "\r\n") if uses_crlf(data) else text).encode("utf-8")
    if data.startswith(BOM):
        new = BOM + new
    if strip_notebook(new, name)[0] != strip_notebook(data, name)[0]:
        return None  # never change what git would store
    return new


def carry_from_file(result: str, working: str) -> None:
    """Give the notebook file `result` the outputs of its unchanged cells from the file `working` (the merge tool's pre-merge)."""
    from nbteam.notebook.io import NotebookError, parse_notebook

    try:
        with open(working, "rb") as f:
            old = parse_notebook(f.read(), working)
        with open(result, "rb") as f:
            data = f.read()
    except (OSError, NotebookError):
        return
    new = with_outputs(data, [old], result)
    if new is not None:
        with open(result, "wb") as f:  # a temporary file of the caller's, renamed into place after
            f.write(new)


_WRITES: list[bool] = []  # whether this filter process serves a command that writes the working copy
_STORE: list[str | None] = []


def writes_working_copy() -> bool:
    """True if the git command that started this process writes the working copy (looked up once)."""
    if not _WRITES:
        from nbteam.git.caller import calling_git, resolve_alias

        command, _ = calling_git()
        _WRITES.append(command in WRITERS or resolve_alias(command) in WRITERS)
    return _WRITES[0]


def _store() -> str | None:
    if not _STORE:
        from nbteam.workcopy.store import store_dir

        _STORE.append(store_dir())
    return _STORE[0]


def smudge(data: bytes, path: str) -> bytes:
    """The filter process's smudge: `data` with the remembered outputs when git writes the working copy."""
    from nbteam.bypass import disabled
    from nbteam.workcopy.store import has_copy, note_written, remembered

    if disabled() or not path or not writes_working_copy():
        return data
    store = _store()
    if store is None or not has_copy(store, path):
        return data
    new = with_outputs(data, [remembered(store, path)], path)
    if new is None:
        return data
    note_written(store, path, new)
    return new


def remember_from_filter(path: str, data: bytes, cleaned: bytes) -> None:
    """The clean filter's call: remember the working copy's outputs; never fails the filter."""
    if not path or path == "stdin":
        return
    from nbteam.workcopy.store import remember

    try:
        store = _store()
        if store is not None:
            remember(store, path, data, cleaned)
    except Exception:  # remembering is a convenience: the filter's job must go on regardless
        pass
