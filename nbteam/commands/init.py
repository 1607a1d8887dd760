"""`nbteam init` / `nbteam uninstall`: register or remove nbteam's git drivers, filter and attributes.

Config values go through pygit2 (imported here only, never on the merge-driver path);
the `.gitattributes` edits and empty-section clean-up are pure functions in nbteam.git.setup.
"""
from __future__ import annotations

from nbteam.errors import NbteamError

import argparse
import os
import sys

from nbteam.git import setup as install


class InitError(NbteamError):
    """Setup cannot proceed; the message says why in one line."""


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--global", dest="scope", action="store_const", const="global",
                       help="your user config (~/.gitconfig) and user attributes file, for every repository")
    scope.add_argument("--repo", dest="scope", action="store_const", const="repo",
                       help="this repository's .git/config and top-level .gitattributes (the default)")
    parser.set_defaults(scope="repo")
    if name == "init":
        parser.add_argument("--no-filter", action="store_true",
                            help="do not strip outputs on `git add` (commit notebooks with their outputs)")
        parser.add_argument("--python", default=None, metavar="PATH",
                            help="interpreter git should run nbteam with (default: this one)")


def interpreter(path: str | None = None) -> str:
    """Absolute path of the Python to register: the given one or this one (symlinks kept: venvs)."""
    return os.path.abspath(path or sys.executable)


def _gitdir_common(gitdir: str) -> str:
    """The directory holding `config` (a linked worktree's gitdir points to it via `commondir`)."""
    try:
        with open(os.path.join(gitdir, "commondir"), encoding="utf-8") as f:
            return os.path.normpath(os.path.join(gitdir, f.read().strip()))
    except OSError:
        return gitdir


def targets(scope: str, cwd: str = ".") -> tuple[str, str]:
    """(config file, attributes file) that the scope edits; raise InitError when there is none."""
    import pygit2

    if scope == "global":
        config_path = install.global_config_path()
        configured = None
        if os.path.exists(config_path):
            try:
                config = pygit2.Config(config_path)
                configured = config["core.attributesFile"] if "core.attributesFile" in config else None
            except pygit2.GitError as e:
                raise InitError(f"cannot read {config_path}: {e}") from None
        return config_path, install.global_attributes_path(configured)
    found = pygit2.discover_repository(os.path.abspath(cwd))
    if not found:
        raise InitError("not inside a git repository (run `git init` first, or use --global)")
    repo = pygit2.Repository(found)
    if repo.is_bare or not repo.workdir:
        raise InitError("bare repository: there is no working tree to add .gitattributes to; use --global")
    config_path = os.path.join(_gitdir_common(repo.path), "config")
    return config_path, os.path.join(repo.workdir, ".gitattributes")


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8")
    except FileNotFoundError:
        return None


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))


def _open_config(path: str):
    import pygit2

    if not os.path.exists(path):
        _write(path, "")
    try:
        return pygit2.Config(path)
    except pygit2.GitError as e:
        raise InitError(f"cannot read {path}: {e}") from None


def _unset(config, keys: list[str]) -> list[str]:
    removed = []
    for key in keys:
        if key in config:
            # A multivar (set twice by hand) is removed whole, as `git config --unset-all` would.
            config.delete_multivar(key, ".*")
            removed.append(key)
    return removed


def _tidy_sections(path: str) -> list[str]:
    text = _read(path)
    if text is None:
        return []
    tidy, dropped = install.drop_empty_sections(text)
    if dropped:
        _write(path, tidy)
    return dropped


def do_init(scope: str, with_filter: bool, python: str, cwd: str = ".") -> list[str]:
    """Register drivers, filter and attributes; return one line per change (empty: nothing to do)."""
    config_path, attrs_path = targets(scope, cwd)
    changes: list[str] = []
    config = _open_config(config_path)
    for key, value in install.config_values(python, with_filter).items():
        old = config[key] if key in config else None
        if old != value:
            config[key] = value
            changes.append(f"{config_path}: {'set' if old is None else 'changed'} {key} = {value}")
    if not with_filter:
        for key in _unset(config, [k for k in install.all_keys() if k.startswith("filter.")]):
            changes.append(f"{config_path}: removed {key} (--no-filter)")
        del config
        changes += [f"{config_path}: removed empty section {s}" for s in _tidy_sections(config_path)]
    text = _read(attrs_path)
    new, what = install.add_attribute_line(text or "", with_filter)
    if what:
        _write(attrs_path, new)
        changes.append(f"{attrs_path}: {'created, ' if text is None else ''}{what}")
    for line in install.other_ipynb_attributes(new):
        changes.append(f"note: {attrs_path} also has `{line}`; nbteam's line comes later, so it wins")
    if scope == "repo":
        changes += _write_team_defaults(os.path.dirname(attrs_path))
    # --- HOOKS: mergetool, commit guard and output hooks (nbteam.git.hooks) ---
    from nbteam.git import hooks
    changes += hooks.register_mergetool(config_path, python, cwd)
    if scope == "repo":
        changes += hooks.install_hooks(os.path.dirname(attrs_path), python, outputs=with_filter)
    else:
        changes.append("note: git hooks (commit guard, outputs kept through merges) are per repository:"
                       " run `nbteam init` in each one")
    # --- end HOOKS ---
    return changes


def _write_team_defaults(top: str) -> list[str]:
    """The team settings nbteam uses (scratch dir, manifest, keep_outputs), written where the team sees them."""
    from nbteam.config import ConfigError, write_default_config

    try:
        what = write_default_config(top)
    except (ConfigError, ValueError) as e:  # a pyproject we cannot parse: leave it alone, say why
        return [f"note: team settings not written ({e})"]
    return [f"{top}: {what}"] if what else []


def do_uninstall(scope: str, cwd: str = ".") -> list[str]:
    """Remove exactly what init adds; return one line per change."""
    config_path, attrs_path = targets(scope, cwd)
    changes: list[str] = []
    # --- HOOKS: mergetool, commit guard and output hooks (nbteam.git.hooks) ---
    from nbteam.git import hooks
    changes += hooks.unregister_mergetool(config_path)
    if scope == "repo":
        changes += hooks.uninstall_hooks(os.path.dirname(attrs_path))
    # --- end HOOKS ---
    if os.path.exists(config_path):
        config = _open_config(config_path)
        changes += [f"{config_path}: removed {k}" for k in _unset(config, install.all_keys())]
        del config
        changes += [f"{config_path}: removed empty section {s}" for s in _tidy_sections(config_path)]
        if scope == "global" and _read(config_path) == "" and changes:
            os.remove(config_path)
            changes.append(f"{config_path}: deleted (it held only nbteam's settings)")
    text = _read(attrs_path)
    if text is not None:
        new, removed = install.remove_attribute_lines(text)
        if removed:
            if new == "":
                os.remove(attrs_path)
                changes.append(f"{attrs_path}: deleted (it held only nbteam's line)")
            else:
                _write(attrs_path, new)
                changes += [f"{attrs_path}: removed `{line}`" for line in removed]
    return changes


def run(args: argparse.Namespace) -> int:
    scope_name = "user (global)" if args.scope == "global" else "repository"
    try:
        if args.command == "init":
            changes = do_init(args.scope, not args.no_filter, interpreter(args.python))
        else:
            changes = do_uninstall(args.scope)
    except InitError as e:
        print(f"nbteam {args.command}: {e}", file=sys.stderr)
        return 2
    verb = "init" if args.command == "init" else "uninstall"
    if not [c for c in changes if not c.startswith("note:")]:
        print(f"nbteam {verb} ({scope_name} scope): nothing to change"
              + (", already set up" if verb == "init" else ", nbteam was not installed here"))
    else:
        print(f"nbteam {verb} ({scope_name} scope) changed:")
    for line in changes:
        print(f"  {line}")
    if verb == "init" and changes:
        if args.scope == "repo":
            print("Commit .gitattributes (and the team settings) so teammates get them;"
                  " each of them runs `nbteam init` once.")
        print("Check the setup any time with `nbteam doctor`.")
    return 0
