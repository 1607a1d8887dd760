"""Which git command is running us: the parent process's command line (hooks, the filter process).

Linux reads /proc; macOS and the BSDs ask `ps` (POSIX). An alias (`git co`) is looked up in git
config, once, so it names the command it stands for.
"""
from __future__ import annotations

import os

from nbteam.git.run import git_text

GIT_NAMES = ("git", "git.exe")
_GLOBAL_WITH_VALUE = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path",
                                "--config-env", "--super-prefix", "--list-cmds", "--attr-source"})


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


def command_words(argv: list[str]) -> list[str]:
    """A git command line from its subcommand on (global options skipped): `git -C x status -s` -> status -s."""
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _GLOBAL_WITH_VALUE else 1
    return argv[i:]


def subcommand(argv: list[str]) -> str | None:
    """The git subcommand in a git command line (global options skipped): `git -C x status` -> status."""
    return next(iter(command_words(argv)), None)


def git_above(levels: int = 3) -> list[str]:
    """command_words of the nearest git process above this one, through a shell (git -> sh -c CMD -> us)."""
    pid: int | None = os.getppid()
    for _ in range(levels):
        argv = _cmdline(pid) if pid else None
        if _is_git(argv):
            return command_words(argv)  # type: ignore[arg-type]
        pid = _parent_of(pid) if pid else None
    return []


def calling_git(pid: int | None = None) -> tuple[str | None, bool]:
    """(subcommand of the git process that ran this hook, whether that git was itself run by git)."""
    parent = os.getppid() if pid is None else pid
    argv = _cmdline(parent)
    if not argv or not _is_git(argv):
        return None, False
    grand = _parent_of(parent)
    nested = grand is not None and _is_git(_cmdline(grand))
    return subcommand(argv), nested



def resolve_alias(command: str | None, cwd: str | None = None) -> str | None:
    """The git command an alias stands for (`co` -> checkout); the command itself when it is none."""
    if command is None:
        return None
    value = git_text(["config", "--get", f"alias.{command}"], cwd=cwd)
    if not value or value.startswith("!"):
        return command if not value else None  # a shell alias runs git again: that git is the parent
    return value.split()[0]


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


def in_sequence(root: str) -> bool:
    """True while a rebase, cherry-pick or revert sequence is under way (its own steps run hooks)."""
    names = ("rebase-merge", "rebase-apply", "sequencer")
    found = git_text(["rev-parse", "--path-format=absolute", *(a for n in names for a in ("--git-path", n))],
                     cwd=root)
    return any(os.path.isdir(path) for path in (found or "").splitlines())
