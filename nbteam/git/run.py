"""The one way nbteam starts a process: git, a configured shell command, or the user's editor."""
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
