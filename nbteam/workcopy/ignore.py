"""`nbteam init` makes git ignore Jupyter's `.ipynb_checkpoints/` through the repository's info/exclude.

info/exclude (in the common git dir, so every worktree of the clone) needs no commit and leaves the
team's .gitignore alone; uninstall removes exactly the lines init added (marked by a comment).
"""
from __future__ import annotations

import os
from collections.abc import Callable

from nbteam.git.run import git_text

MARK = "# added by `nbteam init` (Jupyter's autosave copies); `nbteam uninstall` removes it"
LINES = (MARK, ".ipynb_checkpoints/")


def exclude_file(cwd: str) -> str | None:
    """The repository's info/exclude path, or None outside a repository."""
    return git_text(["rev-parse", "--path-format=absolute", "--git-path", "info/exclude"], cwd=cwd) or None


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def _write(path: str, text: str) -> None:
    from nbteam.notebook.io import write_atomic

    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_atomic(path, text)


def with_checkpoints_ignored(text: str) -> str:
    """info/exclude text with nbteam's lines at the end (unchanged when they are there)."""
    if MARK in text.splitlines():
        return text
    return text + ("" if not text or text.endswith("\n") else "\n") + "\n".join(LINES) + "\n"


def without_our_lines(text: str) -> str:
    """info/exclude text without the lines init added."""
    lines = text.splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        if lines[i].rstrip("\r\n") == MARK and i + 1 < len(lines) and lines[i + 1].rstrip("\r\n") == LINES[1]:
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return "".join(out)


def _edit(cwd: str, change: Callable[[str], str], what: str) -> list[str]:
    path = exclude_file(cwd)
    if path is None:
        return []
    text = _read(path)
    new = change(text)
    if new == text:
        return []
    _write(path, new)
    return [f"{path}: {what}"]


def ignore_checkpoints(cwd: str) -> list[str]:
    """Add `.ipynb_checkpoints/` to info/exclude; one line per change."""
    return _edit(cwd, with_checkpoints_ignored, "ignore .ipynb_checkpoints/ (Jupyter's autosave copies)")


def unignore_checkpoints(cwd: str) -> list[str]:
    """Remove what ignore_checkpoints added; one line per change."""
    return _edit(cwd, without_our_lines, "removed the .ipynb_checkpoints/ line nbteam added")
