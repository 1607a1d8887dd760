"""Values read from git's configuration, asked of git itself (scopes, includes and environment as git applies them)."""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
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
