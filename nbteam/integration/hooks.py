"""git hooks and the mergetool entry that `nbteam init` installs, and what the hooks check.

Hooks go where git runs them (core.hooksPath, else the common git dir's hooks/). A hook that is
already there is chained, not replaced: it is renamed `<hook>.pre-nbteam` and nbteam's script
runs it first (its exit code still stops a commit). A chained `#!/bin/sh` script is sourced in a
subshell, so it sees the `$0` git gave: hook managers (husky) find what to run from that name.
A hook file git tracks (a team's shared hooks directory) is left alone: nbteam says which line
to add to it. `uninstall_hooks` removes exactly nbteam's scripts and puts chained hooks back.
"""
from __future__ import annotations

import os

from nbteam.git.run import git_text, locate, run_git
from nbteam.git.settings import change_file, drop_empty_sections, file_has, file_value
from nbteam.integration import (ALL_HOOKS, CONTINUE_FLAGS, CONTINUE_ONLY, GUARD_HOOKS, NOTICE_HOOKS, OUTPUT_HOOKS, RETIRED_HOOKS,
                                STDIN_HOOKS)
from nbteam.integration.registry import ENTRY, command

MARK = "# nbteam hook:"  # the line that identifies a script nbteam wrote
CHAINED = ".pre-nbteam"  # suffix of a user's hook that nbteam's script runs first
TOOL = "nbteam"
TOOL_DEFAULTS = "mergetool.nbteam.nbteamSet"  # which unset keys init filled in, so uninstall undoes exactly that


def hooks_dir(repo_root: str) -> str:
    """The directory git runs this repository's hooks from (core.hooksPath honoured)."""
    found = git_text(["rev-parse", "--path-format=absolute", "--git-path", "hooks"], cwd=repo_root)
    if not found:
        from nbteam.errors import NbteamError

        raise NbteamError(f"{repo_root}: cannot find the git hooks directory")
    return found


# How nbteam's script runs the hook it chained. A plain `#!/bin/sh` script is sourced in a subshell:
# it then sees the `$0` git gave (`.../pre-commit`, not `.../pre-commit.pre-nbteam`), as hook
# managers need (husky's scripts run the hook their own file name names). Anything else (another
# interpreter, shell options on the #! line, a symbolic link, whose script may find its own
# files through `readlink -f "$0"`) is run as git would run it.
CHAIN_FUNCTION = [
    "run_chained() {",
    '  first=; test -L "$chained" || IFS= read -r first < "$chained" || :',
    '  case "$first" in',
    "    '#!/bin/sh'|'#!/bin/sh '|'#!/usr/bin/env sh'|'#!/usr/bin/env sh ') (. \"$chained\") ;;",
    '    *) "$chained" "$@" ;;',
    "  esac",
    "}",
]


def hook_script(name: str, python: str, entry: str = ENTRY) -> str:
    """The POSIX shell script nbteam installs as hook `name`: chained hook first, then the registered command."""
    run = command(f"hook.{name}", python, entry)
    lines = [
        "#!/bin/sh",
        f"{MARK} {name} (installed by `nbteam init`; `nbteam uninstall` removes it)",
        f'chained="$(dirname "$0")/{name}{CHAINED}"',
        *CHAIN_FUNCTION,
    ]
    if name in STDIN_HOOKS:
        lines += [
            'input="$(cat)"',
            f'if test -x "$chained"; then printf \'%s\\n\' "$input" | run_chained "$@"; fi',
        ]
        if name == "reference-transaction":  # only a fetch's finished update matters; skip Python otherwise
            lines += ['test "$1" = committed || exit 0',
                      'if test -r "/proc/$PPID/cmdline"; then',
                      '  case " $(tr \'\\000\' \' \' < "/proc/$PPID/cmdline") " in *" fetch "*) ;; *) exit 0 ;; esac',
                      'fi',
                      # no notebook changed since git looked: nothing to mark (git's own stat check, no Python)
                      "test -n \"$(git ls-files -m -- ':(attr:filter=nbteam)' 2>/dev/null)\" || exit 0"]
        lines.append(f"{run} </dev/null")
    elif name in GUARD_HOOKS:
        lines.append('if test -x "$chained"; then run_chained "$@" || exit $?; fi')
        lines += _continue_gate(name)
        # no notebook staged: nothing to check, no Python started
        lines += ["git diff --cached --quiet --diff-filter=ACMR -- '*.ipynb' && exit 0", run]
    else:
        lines += ['if test -x "$chained"; then run_chained "$@"; fi', *_continue_gate(name)]
        if name == "post-commit":  # a commit that changed no notebook has nothing to say: no Python started
            lines.append("test -n \"$(git diff-tree -r -c --root --no-commit-id --name-only HEAD -- '*.ipynb' 2>/dev/null)\""
                         " || exit 0")
        lines.append(run)
    return "\n".join(lines) + "\n"


def _continue_gate(name: str) -> list[str]:
    """Shell lines that end a CONTINUE_ONLY hook before Python starts unless a `--continue` (or
    `git am --resolved`, `-r`) runs it."""
    if name not in CONTINUE_ONLY:
        return []
    continuing = "|".join(f'*" {flag} "*' for flag in CONTINUE_FLAGS[CONTINUE_ONLY[name]])
    return [f'test -d "$(git rev-parse --git-path {CONTINUE_ONLY[name]})" || exit 0',
            'if test -r "/proc/$PPID/cmdline"; then  # Linux: the git above us, and the one above it',
            '  up="$(tr \'\\000\' \' \' < "/proc/$PPID/cmdline")"',
            '  gp="$(sed \'s/.*) [A-Za-z] \\([0-9]*\\).*/\\1/\' "/proc/$PPID/stat")"',
            '  up="$up $(tr \'\\000\' \' \' < "/proc/$gp/cmdline" 2>/dev/null)"',
            f'  case " $up " in {continuing}) ;; *) exit 0 ;; esac',
            'fi']


def installed_hooks(outputs: bool = True) -> tuple[str, ...]:
    """The hooks `nbteam init` installs: the guard always, the output hooks with the output filter."""
    return tuple(dict.fromkeys(GUARD_HOOKS + NOTICE_HOOKS + (OUTPUT_HOOKS if outputs else ())))


def is_ours(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return MARK in f.read(4096)
    except OSError:
        return False


def calls_nbteam(path: str, name: str) -> bool:
    """True if a hook file runs nbteam's hook NAME: nbteam's own script, or a shared hook a team added the line to."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read(65536)
    except OSError:
        return False
    return MARK in text[:4096] or f"nbteam hook {name}" in text


def is_shared(repo_root: str, path: str) -> bool:
    """True for a hook file git tracks: the team's shared hook (husky's `.husky/pre-commit`, say),
    which nbteam must not rename or replace."""
    if not os.path.lexists(path):
        return False
    return run_git(["ls-files", "--error-unmatch", "--", os.path.abspath(path)], cwd=repo_root).returncode == 0


# The line a team's shared hook runs nbteam's with (NAME: the hook's own name).
SHARED_HOOK_LINE = 'nbteam hook NAME "$@" || exit $?'


def _write_script(path: str, text: str) -> None:
    tmp = f"{path}.nbteam-tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)


RECORD = "nbteam/hooks-dirs"  # under the common git dir: every directory init installed hooks in


def _common_dir(repo_root: str) -> str | None:
    found = locate(repo_root)
    return found.common_dir if found else None


def _record_path(repo_root: str) -> str | None:
    common = _common_dir(repo_root)
    return os.path.join(common, RECORD) if common else None


def _recorded_dirs(repo_root: str) -> list[str]:
    record = _record_path(repo_root)
    try:
        with open(record or "", encoding="utf-8", errors="surrogateescape") as f:
            return [line for line in f.read().split("\n") if line]
    except OSError:
        return []


def _record_dir(repo_root: str, where: str) -> None:
    """Remember where hooks went, so uninstall finds them after a later change of core.hooksPath."""
    record = _record_path(repo_root)
    if record is None or where in _recorded_dirs(repo_root):
        return
    os.makedirs(os.path.dirname(record), exist_ok=True)
    with open(record, "a", encoding="utf-8", errors="surrogateescape") as f:
        f.write(where + "\n")


def no_hooks(where: str) -> str:
    """Why no hook can run where core.hooksPath names a file (`/dev/null` turns git's hooks off)."""
    return (f"core.hooksPath is {where}, not a directory: git runs no hooks, so nbteam's commit guard cannot"
            " run; point it at a directory (or unset it) and run `nbteam init` again")


def install_hooks(repo_root: str, python: str | None = None, outputs: bool = True) -> list[str]:
    """Install the commit guard (and, with the output filter, the output hooks); one line per change."""
    import sys

    python = os.path.abspath(python or sys.executable)
    where = hooks_dir(repo_root)
    if os.path.exists(where) and not os.path.isdir(where):
        return [f"note: {no_hooks(where)}"]
    try:
        os.makedirs(where, exist_ok=True)
    except OSError as e:
        from nbteam.errors import NbteamError

        raise NbteamError(f"cannot install git hooks in {where}: {e.strerror}") from None
    _record_dir(repo_root, where)
    changes, shared = [], []
    for name in installed_hooks(outputs):
        path = os.path.join(where, name)
        text = hook_script(name, python)
        if not is_ours(path) and is_shared(repo_root, path):
            if not calls_nbteam(path, name):
                shared.append(name)
            continue
        if is_ours(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                if f.read() == text and os.access(path, os.X_OK):  # git ignores a hook it cannot run
                    continue
            _write_script(path, text)
            changes.append(f"{path}: updated nbteam's hook")
            continue
        note = ""
        if os.path.lexists(path):
            saved = path + CHAINED
            if os.path.lexists(saved):
                changes.append(f"note: {path} not installed: both it and {saved} exist and are not nbteam's")
                continue
            os.rename(path, saved)
            note = f" (your hook, now {os.path.basename(saved)}, runs first)"
        _write_script(path, text)
        changes.append(f"{path}: installed nbteam's {name} hook{note}")
    if shared:
        changes.append(f"note: {', '.join(shared)} in {where}: git tracks them (your team's hooks), so nbteam leaves"
                       f" them alone; add the line `{SHARED_HOOK_LINE}` to each (NAME: its own name;"
                       " see docs/resolving.md)")
    return changes + _remove_hooks(where, RETIRED_HOOKS)


def _remove_hooks(where: str, names: tuple[str, ...]) -> list[str]:
    """Remove nbteam's scripts among `names` in `where`, putting back the hooks they chained."""
    changes = []
    for name in names:
        path = os.path.join(where, name)
        saved = path + CHAINED
        if not is_ours(path):
            if os.path.lexists(saved):
                changes.append(f"note: {path} is not nbteam's any more; left it and {saved} as they are")
            continue
        os.remove(path)
        if os.path.lexists(saved):
            os.rename(saved, path)
            changes.append(f"{path}: removed nbteam's hook, put back the hook it chained")
        else:
            changes.append(f"{path}: removed nbteam's hook")
    return changes


def uninstall_hooks(repo_root: str) -> list[str]:
    """Remove nbteam's hook scripts and put back the hooks they chained; one line per change."""
    dirs, seen = [], set()
    common = _common_dir(repo_root)
    for where in [hooks_dir(repo_root), *_recorded_dirs(repo_root), *([os.path.join(common, "hooks")] if common else [])]:
        if os.path.realpath(where) not in seen:
            seen.add(os.path.realpath(where))
            dirs.append(where)
    changes = [line for where in dirs for line in _remove_hooks(where, ALL_HOOKS)]
    record = _record_path(repo_root)
    from nbteam.workcopy.store import forget_all

    changes += [f"{store}: removed (copies of outputs kept for the working copy)" for store in forget_all(repo_root)]
    if record and os.path.exists(record):
        os.remove(record)
        if not os.listdir(os.path.dirname(record)):
            os.rmdir(os.path.dirname(record))
    return changes


# --- the mergetool -------------------------------------------------------------------------------

def mergetool_values(python: str, entry: str = ENTRY) -> dict[str, str]:
    """The mergetool.nbteam.* keys init sets (always)."""
    return {"mergetool.nbteam.cmd": command("mergetool.nbteam.cmd", python, entry),
            "mergetool.nbteam.trustExitCode": "true"}


# Keys init sets only when the user has no value of their own (in any config file git reads).
# mergetool.keepBackup is git's only switch for the `.orig` backups: there is no per-tool one.
TOOL_DEFAULT_VALUES = {"merge.tool": TOOL, "mergetool.keepBackup": "false"}


def register_mergetool(config_file: str, python: str, cwd: str | None = None) -> list[str]:
    """Register `nbteam resolve` as git mergetool `nbteam`; merge.tool and keepBackup only where unset."""
    changes = []
    for key, value in mergetool_values(python).items():
        if file_value(config_file, key) != value:
            change_file(config_file, key, value)
            changes.append(f"{config_file}: set {key} = {value}")
    filled = (file_value(config_file, TOOL_DEFAULTS) or "").split()
    for key, value in TOOL_DEFAULT_VALUES.items():
        if key in filled or git_text(["config", "--get", key], cwd=cwd) is not None:
            continue  # the user chose (in some scope) or we did already
        change_file(config_file, key, value)
        filled.append(key)
        changes.append(f"{config_file}: set {key} = {value} (it was unset)")
    if filled:
        change_file(config_file, TOOL_DEFAULTS, " ".join(filled))
    return changes


def unregister_mergetool(config_file: str) -> list[str]:
    """Remove the mergetool.nbteam section and the unset keys init filled in (if still as set)."""
    if not os.path.exists(config_file):
        return []
    changes = []
    for key in (file_value(config_file, TOOL_DEFAULTS) or "").split():
        value = file_value(config_file, key)
        if value == TOOL_DEFAULT_VALUES.get(key):
            change_file(config_file, "--unset-all", key)
            changes.append(f"{config_file}: removed {key}")
        elif value is not None:
            changes.append(f"note: {config_file}: {key} = {value} was changed after init; left as it is")
    if file_has(config_file, r"^mergetool\.nbteam\."):
        change_file(config_file, "--remove-section", "mergetool.nbteam")
        changes.append(f"{config_file}: removed [mergetool \"nbteam\"]")
    for section in ("merge", "mergetool"):  # git leaves an empty header behind; drop it if we emptied it
        _drop_empty_section(config_file, section)
    return changes


def _drop_empty_section(config_file: str, section: str) -> None:
    from nbteam.notebook.io import write_atomic

    with open(config_file, encoding="utf-8") as f:
        text = f.read()
    tidy, dropped = drop_empty_sections(text, ((section, ""),))
    if dropped:
        write_atomic(config_file, tidy)
