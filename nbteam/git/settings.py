"""git's configuration and attributes: where the files are, values read as git resolves them, one file changed
through `git config --file` (git writes it through a lock file and a rename), attributes as git applies them."""
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


# --- where git keeps user- and system-level config and attributes -------------------------------

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


# --- attributes ---------------------------------------------------------------------------------

def attributes(paths: list[str], names: tuple[str, ...], cwd: str | None = None) -> dict[str, dict[str, str]]:
    """The value git gives each attribute on each path ("unspecified" included); {} when git cannot tell."""
    from nbteam.git.run import ProcessFailed, run_git

    if not paths:
        return {}
    try:
        p = run_git(["check-attr", "--stdin", "-z", *names], cwd=cwd, timeout=30,
                    input="".join(f"{path}\0" for path in paths).encode("utf-8", "surrogateescape"))
    except ProcessFailed:
        return {}
    if p.returncode != 0:
        return {}
    fields = p.stdout.decode("utf-8", "surrogateescape").split("\0")
    out: dict[str, dict[str, str]] = {}
    for k in range(0, len(fields) - 2, 3):  # triples: path, attribute, value
        out.setdefault(fields[k], {})[fields[k + 1]] = fields[k + 2]
    return out


HEADER = r'^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(?:[#;].*)?$'  # [section "sub"]


def section_of(line: str) -> tuple[str, str] | None:
    """(section, subsection) of a config header line, or None."""
    import re  # only init and uninstall read headers: the drivers' start stays free of re

    m = re.match(HEADER, line.rstrip("\r\n"))
    if not m:
        return None
    return m.group(1).lower(), (m.group(2) or "")


def drop_empty_sections(text: str, sections: tuple[tuple[str, str], ...]) -> tuple[str, list[str]]:
    """Config text without headers of the given sections that have no entries left."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    dropped: list[str] = []
    i = 0
    while i < len(lines):
        sec = section_of(lines[i])
        if sec is not None and sec in sections:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j == len(lines) or section_of(lines[j]) is not None:
                dropped.append(f'[{sec[0]} "{sec[1]}"]')
                i += 1  # drop the header; blank lines after it stay (they were the user's)
                continue
        out.append(lines[i])
        i += 1
    return "".join(out), dropped
