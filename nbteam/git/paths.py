"""Where nbteam may write: a real path inside the work tree and outside every git directory.

Checking the path text is not enough: a committed symlink (`teamlib/gitlink -> ../.git`,
`.nbteam -> ../outside`) makes an innocent-looking path land in `.git` (where a config line
runs commands) or outside the repository. So the check resolves every symlink, and for a
file that does not exist yet it resolves the nearest existing parent.
"""
from __future__ import annotations

import os
from pathlib import Path

from nbteam.errors import NbteamError

# Longest file name most file systems take; longer ones fail only at write time, after other writes.
NAME_MAX = 255
PATH_MAX = 4096


class UnsafePathError(NbteamError):
    """nbteam refuses to write this path (outside the work tree, in a git directory, a symlink...)."""


def _gitdir_of(dotgit: Path) -> Path | None:
    """The git directory a `.git` entry stands for: itself, or where a `gitdir:` file points."""
    if dotgit.is_dir():
        return Path(os.path.realpath(dotgit))
    try:
        text = dotgit.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    target = Path(text[len("gitdir:"):].strip())
    if not target.is_absolute():
        target = dotgit.parent / target
    return Path(os.path.realpath(target))


def git_dirs(worktree_root: str | os.PathLike[str]) -> list[Path]:
    """The real git directories of a work tree: its gitdir and, for a linked worktree, the common dir."""
    found: list[Path] = []
    gitdir = _gitdir_of(Path(worktree_root) / ".git")
    if gitdir is not None:
        found.append(gitdir)
        common = gitdir / "commondir"
        if common.is_file():
            rel = common.read_text(encoding="utf-8", errors="replace").strip()
            found.append(Path(os.path.realpath(gitdir / rel)))
    # Submodules' gitdirs live under the common dir's modules/, so they are covered by it.
    return found


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def safe_write_path(worktree_root: str | os.PathLike[str], path: str | os.PathLike[str],
                    gitdirs: list[Path] | None = None) -> Path:
    """The real path nbteam may write for path (relative to the root, or absolute); UnsafePathError if not.

    The real path (symlinks resolved; for a new file, its nearest existing parent's) must be
    inside the work tree and outside every git directory; a path that is itself a symlink, a
    directory, or below a file is refused, and so are empty, NUL-holding or over-long names.
    gitdirs (git_dirs(worktree_root), computed once) saves the look-up when checking many paths.
    """
    raw = os.fspath(path)
    shown = raw if len(raw) <= 80 else raw[:77] + "..."
    if not raw or raw in (".", "./"):
        raise UnsafePathError(f"{shown!r} is not a file name")
    if "\0" in raw:
        raise UnsafePathError(f"{shown!r} contains a NUL character")
    if len(raw) > PATH_MAX or any(len(os.fsencode(part)) > NAME_MAX for part in Path(raw).parts):
        raise UnsafePathError(f"{shown!r} is too long for a file name")
    root = Path(os.path.realpath(worktree_root))
    full = Path(os.path.normpath(os.path.join(root, raw)))
    if full.is_symlink():
        raise UnsafePathError(f"{shown} is a symlink (to {os.readlink(full)}); nbteam does not write through symlinks")
    if full.is_dir():
        raise UnsafePathError(f"{shown} is a directory, not a file")
    existing, missing = full, []
    while not os.path.lexists(existing) and existing != existing.parent:
        missing.append(existing.name)
        existing = existing.parent
    if missing and not existing.is_dir():
        raise UnsafePathError(f"{shown}: {existing.name} is a file, not a directory")
    real = Path(os.path.realpath(existing)).joinpath(*reversed(missing))
    for gitdir in git_dirs(root) if gitdirs is None else gitdirs:
        if _inside(real, gitdir):
            raise UnsafePathError(f"{shown} resolves to {real}, inside the git directory {gitdir}")
    if not _inside(real, root):
        raise UnsafePathError(f"{shown} resolves to {real}, outside the work tree {root}")
    if real == root:
        raise UnsafePathError(f"{shown!r} is not a file name")
    if any(part.lower() == ".git" for part in real.relative_to(root).parts):  # also `.GIT` (case-insensitive)
        raise UnsafePathError(f"{shown} resolves to {real}, inside the git directory of a nested repository")
    return real


def safe_named_write_path(path: str | os.PathLike[str]) -> Path:
    """A file a user named (resolve, the merge tool), checked by safe_write_path against its work tree.

    The work tree is the one the path names as written, found before symlinks are followed: a
    committed symlinked folder must not make a path inside one work tree count as "in no
    repository". A file in no work tree at all is the user's to write.
    """
    from nbteam.git.run import locate

    full = os.path.normpath(os.path.abspath(path))
    folder = os.path.dirname(full)
    while not os.path.exists(os.path.join(folder, ".git")) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    where = locate(folder) or locate(os.path.dirname(full))
    return Path(path) if where is None or where.top is None else safe_write_path(where.top, full)
