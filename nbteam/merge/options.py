"""Merge options from the places a user sets them: flags, environment, git config, pyproject."""
from __future__ import annotations

import os

from nbteam.seq.merge3 import STYLES

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `merge` and `merge-driver`."""
    parser.add_argument("--style", choices=STYLES, help="conflict style (default: git's merge.conflictStyle)")
    parser.add_argument("--keep-outputs", action="store_true", default=None,
                        help="keep outputs (from the side that changed them; cleared if both did)")


def _config_may_set_style(cwd: str) -> bool:
    """False only when no config git could read mentions conflictStyle (so asking git is pointless).

    Spawning `git config` costs more than the rest of a typical merge; most users never set the
    style, and a plain look through the usual config files proves that. Anything unusual
    (includes, worktrees, config from the environment) is left to git itself.
    """
    env = os.environ
    if "GIT_CONFIG_COUNT" in env or "conflictstyle" in env.get("GIT_CONFIG_PARAMETERS", "").lower():
        return True
    git_dir = env.get("GIT_DIR") or os.path.join(cwd, ".git")
    if os.path.exists(git_dir) and not os.path.isdir(git_dir):  # a worktree or submodule: git knows best
        return True
    home = os.path.expanduser("~")
    xdg = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    files = [os.path.join(git_dir, "config"), os.path.join(git_dir, "config.worktree"),
             env.get("GIT_CONFIG_GLOBAL") or os.path.join(home, ".gitconfig"), os.path.join(xdg, "git", "config")]
    if not env.get("GIT_CONFIG_NOSYSTEM"):
        files += [env.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig", "/usr/local/etc/gitconfig"]
    for path in files:
        try:
            with open(path, "rb") as f:
                data = f.read().lower()
        except OSError:
            continue
        if b"conflictstyle" in data or b"[include" in data:
            return True
    return False


def git_conflict_style(cwd: str | None = None) -> str:
    """git's merge.conflictStyle for the repository at cwd ("merge" when unset or unknown)."""
    if not _config_may_set_style(cwd or os.getcwd()):
        return "merge"
    import subprocess

    try:
        p = subprocess.run(["git", "config", "--get", "merge.conflictStyle"], cwd=cwd, capture_output=True,
                           text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "merge"
    style = p.stdout.strip().lower()
    return style if style in STYLES else "merge"


def keep_outputs_configured(cwd: str = ".") -> bool:
    """True if NBTEAM_KEEP_OUTPUTS or `[tool.nbteam] keep_outputs` in the repo's config asks for it."""
    env = os.environ.get("NBTEAM_KEEP_OUTPUTS")
    if env is not None:
        return env.strip().lower() not in ("", "0", "false", "no")
    for name in ("pyproject.toml", ".nbteam.toml"):
        path = os.path.join(cwd, name)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        if b"keep_outputs" not in data:  # most repos: no TOML parse on the merge hot path
            return False
        try:
            import tomllib
        except ImportError:  # Python < 3.11
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            doc = tomllib.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return False
        tool = doc.get("tool", {}).get("nbteam") if isinstance(doc.get("tool"), dict) else None
        # pyproject: [tool.nbteam]; .nbteam.toml: top-level keys, or a [tool.nbteam] table (as nbteam.config reads it)
        table = tool if isinstance(tool, dict) or name == "pyproject.toml" else doc
        return isinstance(table, dict) and table.get("keep_outputs") is True
    return False
