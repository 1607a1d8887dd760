"""Which index entries get git's "compare content" mark (recorded size 0), and when.

git calls a tracked file modified, without running the clean filter, when its size differs from
the size recorded in the index; running a notebook changes only outputs, which the filter strips,
yet the size changes, so `git status` lists it and `git pull` refuses ("local changes would be
overwritten"). A recorded size of 0 makes git compare content instead (nbteam.git.index_stat
writes it). Only notebooks whose file changed since git recorded it are marked: once git has
compared one (any `git status` does), it records the new size itself and the mark is gone, so
an unchanged notebook is never read again.

Marks are written after a save in Jupyter (nbteam.workcopy.jupyter), during the fetch of a
`git pull` (the reference-transaction hook, before the merge looks), and never while a git
command may still use the index it read.
"""
from __future__ import annotations

import os

from nbteam.git.run import git_text, paths_z, run_git

NOTEBOOKS = ":(attr:filter=nbteam)"  # the files nbteam's filter strips: only these have outputs to keep


def changed_notebooks(root: str, paths: list[str] | None = None) -> list[str]:
    """Notebooks whose file differs in stat from what the index records (git's own check, no filter run
    for a changed size), minus those with a staged change (a merge refuses those anyway, and
    `git merge --abort` calls a size-0 entry not up to date without comparing content)."""
    spec = [f":(top,literal,attr:filter=nbteam){p}" for p in paths] if paths else [NOTEBOOKS]
    p = run_git(["ls-files", "-m", "-z", "--", *spec], cwd=root)
    if p.returncode != 0:
        return []
    changed = paths_z(p.stdout)
    if not changed:
        return []
    staged = run_git(["diff", "--cached", "--name-only", "-z", "--no-renames", "--", *changed], cwd=root)
    skip = set(paths_z(staged.stdout)) if staged.returncode == 0 else set(changed)
    return [c for c in changed if c not in skip]


def mark_changed(root: str, paths: list[str] | None = None, wait: bool = True) -> bool | None:
    """Mark the changed notebooks (all, or those of `paths`) for a content check; see mark_for_content_check."""
    from nbteam.git.index_stat import LOCK_TRIES, mark_for_content_check

    changed = changed_notebooks(root, paths)
    if not changed:
        return False
    found = git_text(["rev-parse", "--show-object-format", "--absolute-git-dir"], cwd=root)
    if not found or len(found.splitlines()) != 2:
        return None
    fmt, git_dir = found.splitlines()
    index = os.path.join(git_dir, "index")
    named = os.environ.get("GIT_INDEX_FILE")
    if named and os.path.realpath(os.path.join(root, named)) != os.path.realpath(index):
        return None  # a temporary index (commit -a, stash): not the one to edit
    return mark_for_content_check(index, {p.encode("utf-8", "surrogateescape") for p in changed},
                                  32 if fmt == "sha256" else 20, tries=LOCK_TRIES if wait else 1)


def after_hook(root: str, hook: str, args: list[str]) -> int:
    """The output part of a hook; never fails the git command (post-hooks cannot).

    Only reference-transaction does anything: during `git fetch` (which never touches the index,
    and runs right before `git pull` merges) it marks the notebooks changed since git looked.
    Hooks an older nbteam installed (post-checkout, post-merge, ...) arrive here and do nothing.
    """
    from nbteam.bypass import disabled
    from nbteam.git.caller import calling_git

    if disabled() or hook != "reference-transaction" or args[:1] != ["committed"]:
        return 0
    if calling_git()[0] == "fetch":
        mark_changed(root, wait=False)  # the lock may be a concurrent command's own
    return 0
