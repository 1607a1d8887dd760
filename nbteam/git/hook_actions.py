"""What nbteam's git hooks do when git runs them.

- pre-commit: the commit guard lives in nbteam.integration.guard.
- after git wrote notebooks (post-checkout of a branch, post-merge, post-rewrite, post-commit):
  give them back the outputs of their unchanged cells (nbteam.git.worktree_outputs).
- whenever it is safe: set the index's recorded size of notebooks to 0 (nbteam.git.index_stat),
  so that a notebook whose only change is its outputs never blocks a pull, merge or rebase.

"Safe" matters: a git command may re-read the index it just wrote (`git stash create`, run by
`git merge`, does, and fails if an entry changed under it). So the index is edited only at the end
of a top-level command: in the post-* hooks, in post-index-change when the command that wrote
the index is one that ends there (status, diff, add, ...), and in reference-transaction during a
`git fetch` (which never touches the index, and runs right before `git pull` merges).
"""
from __future__ import annotations

import os
import sys

from nbteam.git.run import git_text, run_git

# Top-level commands whose index write is their last use of the index.
ENDS_WITH_INDEX_WRITE = frozenset({"status", "diff", "add", "rm", "mv", "update-index", "diff-files",
                                   "diff-index", "restore", "reset", "commit"})
GIT_NAMES = ("git", "git.exe")
_GLOBAL_WITH_VALUE = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path",
                                "--config-env", "--super-prefix", "--list-cmds", "--attr-source"})


# --- which git command ran this hook --------------------------------------------------------------

def _cmdline(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read()
        return [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a] or None
    except OSError:
        pass
    import subprocess

    try:  # macOS and the BSDs: ps is POSIX
        out = subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.split() or None


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        pass
    import subprocess

    try:
        out = subprocess.run(["ps", "-o", "ppid=", "-p", str(pid)], capture_output=True, text=True, timeout=5)
        return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def _is_git(argv: list[str] | None) -> bool:
    return bool(argv) and os.path.basename(argv[0]) in GIT_NAMES  # type: ignore[index]


def subcommand(argv: list[str]) -> str | None:
    """The git subcommand in a git command line (global options skipped): `git -C x status` -> status."""
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in _GLOBAL_WITH_VALUE:
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return arg
    return None


def calling_git(pid: int | None = None) -> tuple[str | None, bool]:
    """(subcommand of the git process that ran this hook, whether that git was itself run by git)."""
    parent = os.getppid() if pid is None else pid
    argv = _cmdline(parent)
    if not argv or not _is_git(argv):
        return None, False
    grand = _parent_of(parent)
    nested = grand is not None and _is_git(_cmdline(grand))
    return subcommand(argv), nested


def git_ancestors(levels: int = 3) -> list[list[str]]:
    """The command lines of the git processes above this one, nearest first (a git run by git, say)."""
    found: list[list[str]] = []
    pid: int | None = os.getppid()
    for _ in range(levels):
        argv = _cmdline(pid) if pid else None
        if not argv or not _is_git(argv):
            break
        found.append(argv)
        pid = _parent_of(pid)  # type: ignore[arg-type]
    return found


# --- index sizes -------------------------------------------------------------------------------------

def forget_notebook_sizes(root: str, paths: list[str] | None = None, wait: bool = True) -> bool | None:
    """Mark the index entries of the notebooks nbteam filters for a content check (size 0)."""
    from nbteam.git.index_stat import LOCK_TRIES, mark_for_content_check
    from nbteam.git.worktree_outputs import notebook_paths

    paths = notebook_paths(root) if paths is None else paths
    # A staged change keeps its real size: a merge would refuse that path anyway, and git's
    # `reset --merge` (`git merge --abort`) calls a size-0 entry not up to date without a content check.
    staged = run_git(["diff", "--cached", "--name-only", "-z", "--no-renames"], cwd=root)
    if staged.returncode == 0:
        changed = set(staged.stdout.decode("utf-8", "surrogateescape").split("\0"))
        paths = [p for p in paths if p not in changed]
    if not paths:
        return False
    found = git_text(["rev-parse", "--show-object-format", "--absolute-git-dir"], cwd=root)
    if not found or len(found.splitlines()) != 2:
        return None
    fmt, git_dir = found.splitlines()
    index = os.path.join(git_dir, "index")
    named = os.environ.get("GIT_INDEX_FILE")
    if named and os.path.realpath(os.path.join(root, named)) != os.path.realpath(index):
        return None  # a temporary index (commit -a, stash): not the one to edit
    return mark_for_content_check(index, {p.encode("utf-8", "surrogateescape") for p in paths},
                                  32 if fmt == "sha256" else 20, tries=LOCK_TRIES if wait else 1)


def in_sequence(root: str) -> bool:
    """True while a rebase, cherry-pick or revert sequence is under way (its own steps run hooks)."""
    names = ("rebase-merge", "rebase-apply", "sequencer")
    found = git_text(["rev-parse", "--path-format=absolute", *(a for n in names for a in ("--git-path", n))],
                     cwd=root)
    return any(os.path.isdir(path) for path in (found or "").splitlines())


def after_git(root: str, hook: str, args: list[str]) -> int:
    """Run the output/index part of a hook; never fails the git command (post-hooks cannot)."""
    from nbteam.bypass import disabled
    from nbteam.git.worktree_outputs import restore_outputs

    if disabled():
        return 0
    if hook == "post-index-change" or hook == "reference-transaction":
        command, nested = calling_git()
        if hook == "reference-transaction":
            safe = command == "fetch"  # never touches the index, even inside `git pull`
        else:
            safe = not nested and command in ENDS_WITH_INDEX_WRITE
        if not safe:
            return 0
        forget_notebook_sizes(root, wait=False)  # the lock may be the calling command's own
        return 0
    if hook != "post-rewrite" and in_sequence(root):
        return 0  # mid-rebase or mid-sequence: post-rewrite or the last post-commit comes at the end
    if hook == "post-checkout" and args[2:3] == ["0"]:
        forget_notebook_sizes(root)  # a file checkout (`git checkout -- nb.ipynb`) discards; no outputs back
        return 0
    restored = restore_outputs(root)
    forget_notebook_sizes(root)
    if restored:
        shown = ", ".join(restored[:5]) + (", ..." if len(restored) > 5 else "")
        print(f"nbteam: kept the outputs of unchanged cells in {shown}", file=sys.stderr)
    return 0
