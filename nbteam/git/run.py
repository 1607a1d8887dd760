"""The one way nbteam runs git: a thin wrapper over subprocess, imported only where git is needed."""
from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence


def run_git(args: Sequence[str], cwd: str | None = None, input: bytes | None = None,
            env: Mapping[str, str] | None = None, timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` and capture its output as bytes; a missing git raises OSError."""
    return subprocess.run(["git", *args], cwd=cwd, input=input, env=None if env is None else dict(env),
                          capture_output=True, timeout=timeout)


def git_text(args: Sequence[str], cwd: str | None = None) -> str | None:
    """stdout of `git ARGS` decoded and stripped, or None when git fails or is missing."""
    try:
        p = run_git(args, cwd=cwd, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.decode("utf-8", "replace").strip() if p.returncode == 0 else None
