"""Where git keeps user- and system-level config and attributes (one place for init, uninstall and the driver)."""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _xdg_git(env: Mapping[str, str], name: str) -> str:
    xdg = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(xdg, "git", name)


def user_config_files(env: Mapping[str, str] | None = None) -> list[str]:
    """The user-level config files git reads: $GIT_CONFIG_GLOBAL, or the XDG file and ~/.gitconfig."""
    env = _env(env)
    if env.get("GIT_CONFIG_GLOBAL"):
        return [env["GIT_CONFIG_GLOBAL"]]
    return [_xdg_git(env, "config"), os.path.join(os.path.expanduser("~"), ".gitconfig")]


def system_config_files(env: Mapping[str, str] | None = None) -> list[str]:
    """System config files git may read (none with GIT_CONFIG_NOSYSTEM)."""
    env = _env(env)
    if env.get("GIT_CONFIG_NOSYSTEM", "").strip() not in ("", "0", "false"):
        return []
    return [env.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig", "/usr/local/etc/gitconfig"]


def global_config_path(env: Mapping[str, str] | None = None) -> str:
    """The file `git config --global` writes: ~/.gitconfig, or the XDG file if only that exists."""
    env = _env(env)
    if env.get("GIT_CONFIG_GLOBAL"):
        return env["GIT_CONFIG_GLOBAL"]
    xdg, dot = user_config_files(env)
    if not os.path.exists(dot) and os.path.exists(xdg):
        return xdg
    return dot


def global_attributes_path(configured: str | None, env: Mapping[str, str] | None = None) -> str:
    """Where git reads user-level attributes: core.attributesFile, else $XDG_CONFIG_HOME/git/attributes."""
    if configured:
        return os.path.expanduser(configured)
    return _xdg_git(_env(env), "attributes")
