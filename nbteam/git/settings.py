"""Values read from git's configuration, asked of git itself (scopes, includes and environment as git applies them)."""
from __future__ import annotations

import os

from nbteam.errors import NbteamError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping


def config_value(key: str, cwd: str | None = None) -> str | None:
    """`git config --get KEY` as git resolves it at cwd, or None when unset or git fails."""
    from nbteam.git.run import git_text  # subprocess is imported only when git must really be asked

    value = git_text(["config", "--get", key], cwd=cwd)
    return value if value else None


def conflict_style(cwd: str | None = None) -> str:
    """git's merge.conflictStyle at cwd, lowercased ("merge" when unset).

    Spawning git costs more than the rest of a typical merge, and most people never set the
    style, so git is asked only when some config source could mention it (`may_set_style`).
    """
    if not may_set_style(cwd or os.getcwd()):
        return "merge"
    return (config_value("merge.conflictStyle", cwd) or "merge").lower()


def may_set_style(cwd: str, env: Mapping[str, str] | None = None) -> bool:
    """False only when no config file git reads here can mention conflictStyle.

    The rule is deliberately coarse: a repository git dir that is not a plain `.git`
    directory (worktrees, submodules, GIT_DIR), config from the environment, or any
    `[include` makes it True, and git itself is asked.
    """
    env = os.environ if env is None else env
    if "GIT_CONFIG_COUNT" in env or "conflictstyle" in env.get("GIT_CONFIG_PARAMETERS", "").lower():
        return True
    if env.get("GIT_DIR") or not os.path.isdir(os.path.join(cwd, ".git")):
        return True
    from nbteam.git.files import user_config_files, system_config_files

    files = [os.path.join(cwd, ".git", "config"), os.path.join(cwd, ".git", "config.worktree"),
             *user_config_files(env), *system_config_files(env)]
    for path in files:
        try:
            with open(path, "rb") as f:
                data = f.read().lower()
        except OSError:
            continue
        if b"conflictstyle" in data or b"[include" in data:
            return True
    return False


class ConfigWriteError(NbteamError):
    """git refused to change a config file; the message is git's first line."""


def _file_git(path: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    from nbteam.git.run import run_git

    return run_git(["config", "--file", path, *args], timeout=30)


def file_value(path: str, key: str) -> str | None:
    """The last value of key in one config file, or None when unset (or the file is missing)."""
    p = _file_git(path, "--get", key)
    return p.stdout.decode("utf-8", "surrogateescape").rstrip("\n") if p.returncode == 0 else None


def file_has(path: str, pattern: str) -> bool:
    """True when some key of one config file matches the regular expression."""
    return _file_git(path, "--get-regexp", pattern).returncode == 0


def change_file(path: str, *args: str) -> None:
    """`git config --file PATH ARGS` (set, --unset-all, --remove-section): git writes through a lock and a rename."""
    p = _file_git(path, *args)
    if p.returncode not in (0, 5):  # 5: nothing to unset
        line = (p.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit {p.returncode}"])[0]
        raise ConfigWriteError(f"cannot change {path}: {line.removeprefix('error: ').removeprefix('fatal: ')}")


def check_file(path: str) -> str | None:
    """None when git can parse the config file (or it is missing), else git's reason in one line."""
    if os.path.isdir(path):
        return "it is a directory, not a git config file"
    if not os.path.isfile(path):
        return None
    p = _file_git(path, "--list")
    if p.returncode == 0:
        return None
    reason = (p.stderr.decode("utf-8", "replace").strip().splitlines() or ["unreadable"])[0]
    return " ".join(reason.removeprefix("fatal: ").split())
