"""Outputs kept in the working copy through git's merges, checkouts and rebases.

Committed notebooks have no outputs, so whatever git writes into the working tree has none.
The outputs a user had are remembered when git reads the working copy through the clean filter
(it does so right before a merge, pull, rebase or checkout overwrites it): a copy goes to
`<git dir>/nbteam/outputs/`. After git wrote the new version (hooks post-merge, post-rewrite,
post-checkout, post-commit), cells whose type, source and metadata are unchanged get their
outputs back (nbteam.merge.outputs). The clean content never changes, so `git status` stays clean
and nothing new can be committed; the index is then told to compare content (index_stat).
"""
from __future__ import annotations

import hashlib
import os

from nbteam.git.run import git_text, run_git

TYPE_CHECKING = False
if TYPE_CHECKING:
    from nbteam.notebook.io import Notebook

STORE = "nbteam/outputs"  # under the (per-worktree) git dir
NOTEBOOKS = ":(attr:filter=nbteam)"  # the files nbteam's filter strips: only these have outputs to keep


def _key(path: str) -> str:
    return hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()


def store_dir(cwd: str | None = None) -> str | None:
    """Absolute path of this working tree's output store, or None outside a work tree."""
    found = git_text(["rev-parse", "--path-format=absolute", "--git-path", STORE], cwd=cwd)
    return found or None


def _write(path: str, data: bytes) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def remember(store: str, path: str, data: bytes, cleaned: bytes) -> None:
    """Record the working copy `data` of `path` as its last outputs (the clean filter saw it).

    Content the filter changed had outputs (or run state): keep a copy. Content without any, for
    the same clean content as the copy kept, means the user cleared the outputs: forget them.
    Clean content that differs (git just wrote a new version) leaves the copy for the restore.
    """
    key = os.path.join(store, _key(path))
    digest, clean_digest = hashlib.sha1(data).hexdigest(), hashlib.sha1(cleaned).hexdigest()
    try:
        with open(key + ".txt", encoding="utf-8") as f:
            recorded = f.read().split("\n")
    except (OSError, UnicodeDecodeError):
        recorded = []
    if data == cleaned:
        if len(recorded) >= 2 and recorded[1] == clean_digest:
            for suffix in (".txt", ".ipynb"):
                try:
                    os.unlink(key + suffix)
                except OSError:
                    pass
        return
    if recorded[:1] == [digest]:
        return
    os.makedirs(store, exist_ok=True)
    _write(key + ".ipynb", data)
    _write(key + ".txt", f"{digest}\n{clean_digest}\n{path}\n".encode("utf-8", "surrogateescape"))


def remembered(store: str, path: str) -> Notebook | None:
    """The last working copy of `path` with outputs, or None."""
    from nbteam.notebook.io import NotebookError, parse_notebook

    try:
        with open(os.path.join(store, _key(path)) + ".ipynb", "rb") as f:
            return parse_notebook(f.read(), path)
    except (OSError, NotebookError):
        return None


def _regular_file_inside(root: str, path: str) -> str | None:
    """The absolute path of a tracked file if it is a regular file really inside the work tree."""
    full = os.path.join(root, path)
    if os.path.islink(full) or not os.path.isfile(full):
        return None
    real, top = os.path.realpath(full), os.path.realpath(root)
    return full if real.startswith(top + os.sep) and f"{os.sep}.git{os.sep}" not in real[len(top):] else None


def with_outputs(data: bytes, sources: list[Notebook | None], name: str) -> bytes | None:
    """`data` (a notebook without outputs) with outputs carried from `sources`; None if none apply.

    The result is written in the same layout and line endings, and it is checked to strip back
    to exactly what `data` strips to: the clean content, the only thing git sees, is unchanged.
    """
    from nbteam.merge.outputs import carry_outputs, has_outputs
    from nbteam.notebook.io import NotebookError, dumps_notebook, parse_notebook, uses_crlf
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


def notebook_paths(root: str) -> list[str]:
    """Tracked, merged (stage 0) paths that nbteam's clean filter applies to."""
    p = run_git(["ls-files", "-s", "-z", "--", NOTEBOOKS], cwd=root)
    if p.returncode != 0:
        return []
    paths = []
    for record in p.stdout.split(b"\0"):
        meta, _, name = record.partition(b"\t")
        fields = meta.split()
        if len(fields) == 3 and fields[0] in (b"100644", b"100755") and fields[2] == b"0":
            paths.append(name.decode("utf-8", "surrogateescape"))
    return paths


def restore_outputs(root: str, paths: list[str] | None = None) -> list[str]:
    """Give notebooks git just wrote (no outputs) the outputs remembered for their unchanged cells."""
    from nbteam.notebook.io import write_atomic

    store = store_dir(root)
    if store is None or not os.path.isdir(store):
        return []
    restored = []
    for path in notebook_paths(root) if paths is None else paths:
        old = remembered(store, path)
        full = _regular_file_inside(root, path) if old is not None else None
        if full is None:
            continue
        try:
            with open(full, "rb") as f:
                data = f.read()
        except OSError:
            continue
        new = with_outputs(data, [old], path)
        if new is None:
            continue
        write_atomic(full, new.decode("utf-8"))  # bytes already carry the file's line endings
        restored.append(path)
    if paths is None:
        forget_untracked(store, set(notebook_paths(root)))
    return restored


def forget_untracked(store: str, tracked: set[str]) -> None:
    """Drop the copies kept for notebooks that are no longer tracked here (deleted, renamed)."""
    for name in os.listdir(store):
        if not name.endswith(".txt"):
            continue
        key = os.path.join(store, name[:-4])
        try:
            with open(key + ".txt", encoding="utf-8", errors="surrogateescape") as f:
                path = f.read().split("\n")[2]
        except (OSError, IndexError):
            continue
        if path not in tracked:
            for suffix in (".txt", ".ipynb"):
                try:
                    os.unlink(key + suffix)
                except OSError:
                    pass


def forget_all(root: str) -> str | None:
    """Delete this working tree's store of outputs (uninstall); the directory removed, or None."""
    import shutil

    store = store_dir(root)
    if store is None or not os.path.isdir(store):
        return None
    shutil.rmtree(store)
    parent = os.path.dirname(store)
    if os.path.isdir(parent) and not os.listdir(parent):
        os.rmdir(parent)
    return store


def keep_outputs_in_conflict(result: str, path: str, top: str | None = None) -> bool:
    """Give a conflicted merge result (%A) the working copy's outputs for its unchanged cells.

    git writes a conflicted result only to the working tree (the index holds the three stages),
    and `git add` strips it again, so outputs there never reach a commit. Runs in the merge
    driver, whose working directory is the top of the work tree and `path` is %P, and in the
    mergetool's premerge (`top` given).
    """
    from nbteam.notebook.io import NotebookError, parse_notebook, write_atomic

    full = _regular_file_inside(top or os.getcwd(), path)
    sources: list[Notebook | None] = []
    if full is not None:
        try:
            with open(full, "rb") as f:
                sources.append(parse_notebook(f.read(), path))
        except (OSError, NotebookError):
            pass
    store = store_dir(top)
    if store is not None:
        sources.append(remembered(store, path))
    if all(old is None for old in sources):  # no outputs to carry: the result is not read back
        return False
    try:
        with open(result, "rb") as f:
            data = f.read()
    except OSError:
        return False
    new = with_outputs(data, sources, path)
    if new is None:
        return False
    write_atomic(result, new.decode("utf-8"))
    return True


_STORE: list[str | None] = []  # this process's store directory, looked up once


def remember_from_filter(path: str, data: bytes, cleaned: bytes) -> None:
    """The clean filter's call: remember the working copy's outputs; never fails the filter."""
    if not path or path == "stdin":
        return
    try:
        if not _STORE:
            _STORE.append(store_dir())
        if _STORE[0] is not None:
            remember(_STORE[0], path, data, cleaned)
    except Exception:  # remembering is a convenience: the filter's job must go on regardless
        pass
