"""Repository reads for the scratch tools: open, branches, trees, blobs, staging, config, history.

The only module outside the git drivers that touches pygit2. Scratchpads on other branches are
read from git objects (nothing is checked out); bases for three-way merges (a copied notebook,
a promoted module) are kept as blobs and read back by id.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from nbteam.errors import NbteamError
from nbteam.git.run import Location, git_text, locate, run_git

Reader = Callable[[str], "str | None"]

if TYPE_CHECKING:  # pygit2 costs some 60 ms to import: only the functions that use it load it
    import pygit2

    Commit = pygit2.Commit
    Tree = pygit2.Tree


class RepoError(NbteamError):
    """The repository cannot be opened or read; one line saying why."""


def require(cwd: str | os.PathLike[str] = ".") -> Location:
    """locate(cwd), or RepoError outside a repository."""
    found = locate(cwd)
    if found is None:
        raise RepoError(f"{os.fspath(cwd)} is not in a git repository")
    return found


def open_repository(path: str | os.PathLike[str]) -> pygit2.Repository:
    """The repository containing path (a work tree or a directory in it); RepoError if none."""
    import pygit2

    found = pygit2.discover_repository(os.path.abspath(os.fspath(path)))
    if found is None:
        raise RepoError(f"{os.fspath(path)} is not in a git repository")
    try:
        return pygit2.Repository(found)
    except pygit2.GitError as e:
        raise RepoError(f"cannot open the repository at {found}: {e}") from None


def git_dir(root: str | os.PathLike[str]) -> Path:
    """The work tree's own git directory (`.git`, or `.git/worktrees/NAME` for a linked worktree)."""
    return Path(require(root).git_dir)


def head_tree(root: str | os.PathLike[str]) -> pygit2.Tree | None:
    """The checked-out commit's tree, or None on an unborn branch."""
    import pygit2

    repo = open_repository(root)
    return None if repo.head_is_unborn else repo.head.peel(pygit2.Commit).tree


def list_branches(root: str | os.PathLike[str]) -> list[tuple[str, pygit2.Commit]]:
    """(name, commit) for every local and remote-tracking branch except the checked-out one."""
    import pygit2

    repo = open_repository(root)
    current = None if repo.head_is_unborn or repo.head_is_detached else repo.head.name
    out = []
    for name in sorted(repo.branches.local):
        branch = repo.branches.local[name]
        if branch.name != current:
            out.append((name, branch.peel(pygit2.Commit)))
    for name in sorted(repo.branches.remote):
        if name.endswith("/HEAD"):
            continue  # origin/HEAD is an alias of another remote branch
        out.append((name, repo.branches.remote[name].peel(pygit2.Commit)))
    return out


def tree_reader(tree: pygit2.Tree) -> Reader:
    """Read repo-relative text files from a tree (None if missing, a directory or not UTF-8)."""
    import pygit2


    def read(rel: str) -> str | None:
        try:
            obj = tree[rel]
        except KeyError:
            return None
        if not isinstance(obj, pygit2.Blob):
            return None
        try:
            return obj.data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    return read


def blob_id_at(tree: pygit2.Tree | None, path: str) -> str | None:
    """The id of the blob at path in tree, or None."""
    import pygit2

    if tree is None:
        return None
    try:
        obj = tree[path]
    except KeyError:
        return None
    return str(obj.id) if isinstance(obj, pygit2.Blob) else None


def _notebooks_under(tree: pygit2.Tree, prefix: str) -> Iterator[tuple[str, pygit2.Blob]]:
    import pygit2

    for entry in tree:
        name = entry.name or ""
        path = f"{prefix}/{name}"
        if isinstance(entry, pygit2.Tree):
            if not name.startswith("."):  # Jupyter's checkpoints are not notebooks of their own
                yield from _notebooks_under(entry, path)
        elif name.endswith(".ipynb") and isinstance(entry, pygit2.Blob):
            yield path, entry


@dataclass(frozen=True)
class TreeNotebook:
    """A scratchpad read from a tree: its owner, repo-relative path, blob id and bytes."""

    user: str
    path: str
    blob: str
    data: bytes


def tree_scratchpads(tree: pygit2.Tree, scratch_dir: str) -> list[TreeNotebook]:
    """Every `<scratch_dir>/<user>/**/*.ipynb` in tree, sorted by user then path."""
    import pygit2

    try:
        scratch = tree[scratch_dir]
    except KeyError:
        return []
    if not isinstance(scratch, pygit2.Tree):
        return []
    out = []
    for user_tree in sorted((e for e in scratch if isinstance(e, pygit2.Tree)), key=lambda e: e.name or ""):
        user = user_tree.name or ""
        for path, blob in sorted(_notebooks_under(user_tree, f"{scratch_dir}/{user}"), key=lambda pb: pb[0]):
            out.append(TreeNotebook(user, path, str(blob.id), blob.data))
    return out


def blob_reader(root: str | os.PathLike[str]) -> Callable[[str], bytes | None]:
    """A function reading blobs by id from root's repository, opened on first use (None if missing)."""
    opened: list[pygit2.Repository] = []

    def read(blob_id: str) -> bytes | None:
        import pygit2

        if not opened:
            opened.append(open_repository(root))
        try:
            obj = opened[0].get(blob_id)
        except (ValueError, pygit2.GitError):
            return None
        return obj.data if isinstance(obj, pygit2.Blob) else None

    return read


def store_blob(root: str | os.PathLike[str], data: bytes) -> str:
    """Write data into git's object store (like `git hash-object -w`) and return its id."""
    return str(open_repository(root).create_blob(data))


def stage_paths(root: str | os.PathLike[str], paths: list[str]) -> None:
    """`git add` the repo-relative paths that exist, so git's filters run (no notebook output is staged)."""
    existing = [rel for rel in dict.fromkeys(paths) if (Path(root) / rel).exists()]
    if not existing:
        return
    try:
        p = run_git(["add", "--", *existing], cwd=os.fspath(root), timeout=300)
    except OSError as e:
        raise RepoError(f"cannot run git add: {e}") from None
    if p.returncode != 0:
        lines = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RepoError(f"git add failed: {lines[-1] if lines else f'exit {p.returncode}'}")


def stage_blob(root: str | os.PathLike[str], path: str, data: bytes) -> None:
    """Stage data as the content of repo-relative path (no filter runs; the work tree is left as it is)."""
    mode = "100755" if os.access(Path(root) / path, os.X_OK) else "100644"
    blob = store_blob(root, data)
    try:
        p = run_git(["update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}"], cwd=os.fspath(root), timeout=300)
    except OSError as e:
        raise RepoError(f"cannot run git update-index: {e}") from None
    if p.returncode != 0:
        lines = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RepoError(f"git update-index failed: {lines[-1] if lines else f'exit {p.returncode}'}")


def clean_filter_runs(root: str | os.PathLike[str], path: str) -> bool:
    """True if `git add path` runs a clean filter: its `filter` attribute names one this clone configures."""
    from nbteam.git.settings import attributes, config_value

    name = attributes([path], ("filter",), os.fspath(root)).get(path, {}).get("filter", "unspecified")
    if name in ("unspecified", "unset", "set", ""):
        return False
    return any(config_value(f"filter.{name}.{kind}", os.fspath(root)) for kind in ("process", "clean"))


@dataclass(frozen=True)
class Change:
    """The last commit that changed a path: who, when and which commit."""

    commit: str  # abbreviated id
    author: str
    date: str  # YYYY-MM-DD
    summary: str

    def __str__(self) -> str:
        return f"{self.author} in commit {self.commit} ({self.date}, {self.summary!r})"


def last_change(root: str | os.PathLike[str], path: str) -> Change | None:
    """The last commit that changed path (following `git log -1 -- PATH`), or None."""
    out = git_text(["log", "-1", "--format=%h%x00%an%x00%ad%x00%s", "--date=short", "--", path], cwd=os.fspath(root))
    if not out or out.count("\0") != 3:
        return None
    commit, author, date, summary = out.split("\0")
    return Change(commit, author, date, summary)


def differs_from_head(root: str | os.PathLike[str], path: str) -> bool:
    """True if path in the work tree differs from the checked-out commit (uncommitted changes)."""
    try:
        p = run_git(["diff", "--quiet", "HEAD", "--", path], cwd=os.fspath(root), timeout=30)
    except OSError:
        return False
    return p.returncode == 1
