"""The one way nbteam starts a process (git, a configured shell command, the user's editor), and where the repository is.

Both stay light to import (no dataclasses, pathlib or typing): hooks and drivers start here.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence

from nbteam.errors import NbteamError

EDITORS = ("GIT_EDITOR", "VISUAL", "EDITOR")
Completed = subprocess.CompletedProcess
ProcessFailed = (OSError, subprocess.SubprocessError)  # what starting or waiting for a process may raise


def run_process(argv: Sequence[str], cwd: str | None = None, input: bytes | None = None,
                env: Mapping[str, str] | None = None, timeout: float | None = None,
                capture: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run argv, capturing its output as bytes (or letting it use the terminal); a missing program raises OSError."""
    return subprocess.run(list(argv), cwd=cwd, input=input, env=None if env is None else dict(env),
                          capture_output=capture, timeout=timeout)


def run_git(args: Sequence[str], cwd: str | None = None, input: bytes | None = None,
            env: Mapping[str, str] | None = None, timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` and capture its output as bytes; a missing git raises OSError."""
    return run_process(["git", *args], cwd=cwd, input=input, env=env, timeout=timeout)


def git_text(args: Sequence[str], cwd: str | None = None) -> str | None:
    """stdout of `git ARGS` decoded and stripped, or None when git fails or is missing."""
    try:
        p = run_git(args, cwd=cwd, timeout=30)
    except ProcessFailed:
        return None
    return p.stdout.decode("utf-8", "replace").strip() if p.returncode == 0 else None


def path_of(field: bytes) -> str:
    """A path as git printed it: bytes, kept even where they are not UTF-8 (surrogate escapes)."""
    return field.decode("utf-8", "surrogateescape")


def paths_z(out: bytes) -> list[str]:
    """The paths of git's `-z` output (NUL-separated), in order."""
    return [path_of(p) for p in out.split(b"\0") if p]


class GitFailed(NbteamError):
    """git could not answer (not a repository, a bad revision, git missing); the message is git's first line."""


def git_output(args: Sequence[str], cwd: str | None = None, input: bytes | None = None) -> bytes:
    """stdout of a git command that must succeed; else GitFailed with git's first error line."""
    try:
        p = run_git(args, cwd=cwd, input=input)
    except OSError as e:
        raise GitFailed(f"cannot run git: {e.strerror}") from None
    if p.returncode != 0:
        lines = [x for x in p.stderr.decode("utf-8", "replace").splitlines() if x.strip()]
        raise GitFailed(lines[0].removeprefix("fatal: ") if lines else f"git {args[0]} failed ({p.returncode})")
    return p.stdout


def run_shell(command: str, args: Sequence[str] = (), cwd: str | None = None, input: bytes | None = None,
              env: Mapping[str, str] | None = None, timeout: float | None = None,
              capture: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run a configured command line the way git does: through sh, extra arguments as "$@"."""
    shell = "/bin/sh" if os.path.exists("/bin/sh") else "sh"
    script = f'{command} "$@"' if args else command
    return run_process([shell, "-c", script, command, *args], cwd=cwd, input=input, env=env, timeout=timeout,
                       capture=capture)


def editor_command() -> str:
    """$GIT_EDITOR, $VISUAL or $EDITOR, else git's own choice (core.editor, then vi)."""
    chosen = next((os.environ[name] for name in EDITORS if os.environ.get(name)), None)
    return chosen or git_text(["var", "GIT_EDITOR"]) or "vi"


def run_editor(editor: str, path: os.PathLike[str] | str) -> int:
    """Run an editor command line on a file as git does (through the shell, the file as "$@"), on the terminal."""
    return run_shell(editor, [os.fspath(path)], capture=False).returncode


# --- repository discovery: once, as one value ----------------------------------------------------

class Location:
    """Where a repository lives, found once: the work tree's top (None when bare), its git dir, the common git dir.

    The git dir is a linked worktree's own (`.git/worktrees/NAME`); the common dir holds what all
    worktrees share (config, objects, hooks). All three are absolute real paths.
    """

    __slots__ = ("top", "git_dir", "common_dir")
    top: str | None
    git_dir: str
    common_dir: str

    def __init__(self, top: str | None, git_dir: str, common_dir: str) -> None:
        for name, value in zip(self.__slots__, (top, git_dir, common_dir)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Location is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Location) and (self.top, self.git_dir, self.common_dir) == (
            other.top, other.git_dir, other.common_dir)

    def __hash__(self) -> int:
        return hash((self.top, self.git_dir, self.common_dir))

    def __repr__(self) -> str:
        return f"Location(top={self.top!r}, git_dir={self.git_dir!r}, common_dir={self.common_dir!r})"

    @property
    def config(self) -> str:
        """The repository's config file (`git config --local` writes it)."""
        return os.path.join(self.common_dir, "config")

    def git_path(self, name: str) -> str:
        """A file of this work tree's own git dir (MERGE_HEAD, rebase-merge/done, index)."""
        return os.path.join(self.git_dir, name)


_GIT_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR")


def _at_top(folder: str) -> Location | None:
    """The location when folder holds a `.git` entry, read from files: git drivers run at the top, and a spawn costs."""
    dotgit = os.path.join(folder, ".git")
    if os.path.isdir(dotgit):
        git_dir = dotgit
    else:
        try:
            with open(dotgit, encoding="utf-8", errors="replace") as f:
                line = f.readline().strip()
        except OSError:
            return None
        if not line.startswith("gitdir:"):
            return None
        git_dir = os.path.join(folder, line[len("gitdir:"):].strip())
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as f:
            common = os.path.join(git_dir, f.read().strip())
    except OSError:
        common = git_dir
    real = os.path.realpath
    return Location(real(folder), real(git_dir), real(common))


def locate(cwd: str | os.PathLike[str] = ".") -> Location | None:
    """The repository containing cwd as git sees it, or None outside one (or when git is missing)."""
    here = os.path.abspath(os.fspath(cwd))
    if not any(os.environ.get(name) for name in _GIT_ENV):
        found = _at_top(here)
        if found is not None:
            return found
    try:  # --show-toplevel last: in a bare repository git prints the others, then fails on it
        p = run_git(["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir",
                     "--is-bare-repository", "--show-toplevel"], cwd=here, timeout=30)
    except OSError:
        return None
    lines = p.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 3:
        return None
    top = lines[3] if len(lines) > 3 and lines[2] == "false" else None
    return Location(top, lines[0], lines[1])
