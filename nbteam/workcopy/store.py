"""The per-worktree store of working copies with outputs: `<git dir>/nbteam/outputs/<sha1 of path>.{ipynb,txt}`.

The .txt note holds: the copy's sha1, its clean content's sha1, the path, and the sha1 of the
file the smudge last wrote for it (a file git reads back unchanged is not a new working copy).
"""
from __future__ import annotations

import hashlib
import os

from nbteam.git.run import git_text, locate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from nbteam.notebook.io import Notebook

STORE = "nbteam/outputs"  # under the (per-worktree) git dir
_SUFFIXES = (".txt", ".ipynb")


def _key(store: str, path: str) -> str:
    return os.path.join(store, hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest())


def store_dir(cwd: str | None = None) -> str | None:
    """Absolute path of this working tree's output store, or None outside a work tree."""
    found = git_text(["rev-parse", "--path-format=absolute", "--git-path", STORE], cwd=cwd)
    return found or None


def _write(path: str, data: bytes) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _note(key: str) -> list[str]:
    try:
        with open(key + ".txt", encoding="utf-8", errors="surrogateescape") as f:
            return f.read().split("\n")
    except OSError:
        return []


def _forget(key: str) -> None:
    for suffix in _SUFFIXES:
        try:
            os.unlink(key + suffix)
        except OSError:
            pass


def _carries_state(data: bytes, cleaned: bytes, path: str) -> bool:
    """True if a working copy holds outputs, counts or view state (what the filter strips and we keep)."""
    if data == cleaned:
        return False
    from nbteam.notebook.io import NotebookError, parse_notebook
    from nbteam.notebook.outputs import has_outputs, has_view_state

    try:
        nb = parse_notebook(data, path)
    except NotebookError:
        return False
    return has_outputs(nb) or has_view_state(nb)


def remember(store: str, path: str, data: bytes, cleaned: bytes) -> None:
    """Record the working copy `data` of `path`, which the clean filter just read.

    A copy with outputs is kept (it replaces the one before); a copy without any means the user
    cleared them, and the copy kept is forgotten: nothing cleared ever comes back. The file
    the smudge wrote, read back unchanged, is no new working copy and changes nothing.
    """
    key = _key(store, path)
    digest = hashlib.sha1(data).hexdigest()
    note = _note(key)
    if note and digest in (note[0], note[3] if len(note) > 3 else None):
        return
    if not _carries_state(data, cleaned, path):
        if note:
            _forget(key)
        return
    os.makedirs(store, exist_ok=True)
    _write(key + ".ipynb", data)
    clean_digest = hashlib.sha1(cleaned).hexdigest()
    _write(key + ".txt", f"{digest}\n{clean_digest}\n{path}\n\n".encode("utf-8", "surrogateescape"))


def note_written(store: str, path: str, written: bytes) -> None:
    """Record that the smudge wrote `written` for `path` (from the copy kept)."""
    key = _key(store, path)
    note = _note(key)
    if len(note) < 3:
        return
    note = (note + ["", ""])[:4]
    note[3] = hashlib.sha1(written).hexdigest()
    _write(key + ".txt", ("\n".join(note) + "\n").encode("utf-8", "surrogateescape"))


def remembered(store: str, path: str) -> Notebook | None:
    """The last working copy of `path` with outputs, or None."""
    from nbteam.notebook.io import NotebookError, parse_notebook

    try:
        with open(_key(store, path) + ".ipynb", "rb") as f:
            return parse_notebook(f.read(), path)
    except (OSError, NotebookError):
        return None


def has_copy(store: str, path: str) -> bool:
    """True if a copy is kept for `path` (a cheap check before any parsing)."""
    return os.path.exists(_key(store, path) + ".ipynb")


def all_stores(cwd: str) -> list[str]:
    """The store of every worktree of the repository (main and linked), existing or not."""
    found = locate(cwd)
    if found is None:
        return []
    common = found.common_dir
    dirs = [common]
    try:
        dirs += [os.path.join(common, "worktrees", name) for name in sorted(os.listdir(os.path.join(common, "worktrees")))]
    except OSError:
        pass
    here = store_dir(cwd)
    stores = [os.path.join(d, STORE) for d in dirs]
    return stores + ([here] if here and here not in stores else [])


def forget_all(cwd: str) -> list[str]:
    """Delete the output store of every worktree (uninstall); the directories removed."""
    import shutil

    removed = []
    for store in all_stores(cwd):
        if os.path.isdir(store):
            shutil.rmtree(store)
            removed.append(store)
            parent = os.path.dirname(store)
            if os.path.isdir(parent) and not os.listdir(parent):
                os.rmdir(parent)
    return removed
