"""Health checks of the git setup nbteam depends on, asked of git itself (what git will actually use).

Each check is a Check: ok True (✓), False (✗, with the command that fixes it) or None (a note).
"""
from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass

from nbteam.errors import NbteamError
from nbteam.integration import ALL_HOOKS
from nbteam.integration.registry import REGISTRY, Probe, parse
from nbteam.git.blobs import read_blobs
from nbteam.git.run import locate
from nbteam.git.settings import attributes
from nbteam.git.run import Completed, ProcessFailed, run_git, run_process, run_shell

# The oldest git nbteam runs on: `git rev-parse --path-format=absolute` (2.31) finds the hooks
# directory, the outputs store and the repository; post-index-change (2.23), reference-transaction
# (2.28) and the long-running filter process (2.11) are all older.
MIN_GIT = (2, 31)
# What newer gits add on top of the floor: (version, what is degraded before it).
DEGRADED_BEFORE = (
    ((2, 44), "git passes merge drivers their labels (%S %X %Y); older git leaves nbteam to find them, "
              "which for a single cherry-pick, revert or stash works only on Linux (else: ours/theirs)"),
)
DRIVER_ATTRIBUTES = ("merge", "diff", "filter")


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    ok: bool | None
    text: str
    fix: str = ""


def _git(*args: str, cwd: str | None = None, input: str | None = None) -> str:
    """stdout of one git command as text ("" when git fails)."""
    p = run_git(args, cwd=cwd, input=None if input is None else input.encode("utf-8", "surrogateescape"))
    return p.stdout.decode("utf-8", "surrogateescape") if p.returncode == 0 else ""


def _top(cwd: str) -> str | None:
    where = locate(cwd)
    return where.top if where else None


def git_version(out: str) -> tuple[int, int]:
    """(major, minor) of `git --version` output ((0, 0) when unreadable)."""
    m = re.search(r"(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def check_git() -> list[Check]:
    """git is installed and at least nbteam's floor; a note for each feature this git lacks."""
    floor = ".".join(map(str, MIN_GIT))
    try:
        out = _git("--version")
    except OSError:
        out = ""
    if not out:
        return [Check(False, "git is not installed or not on PATH", f"install git {floor} or newer")]
    version = git_version(out)
    text = out.strip().replace("git version ", "git ")
    if version < MIN_GIT:
        return [Check(False, f"{text}: too old: nbteam needs {floor} or newer (its hooks and the outputs kept in the"
                             " working copy use `git rev-parse --path-format=absolute`)", f"upgrade git to {floor} or newer")]
    return [Check(True, f"{text} (nbteam needs {floor} or newer)"),
            *(Check(None, f"git before {'.'.join(map(str, v))}: {what}") for v, what in DEGRADED_BEFORE if version < v)]


def check_set_up(root: str | None, cwd: str) -> Check | None:
    """In a repository whose clone never ran `nbteam init`: say so first, since every other fix follows from it."""
    if root is None or config_entries("merge.nbteam.driver", cwd):
        return None
    return Check(False, "nbteam is not set up in this clone (`nbteam init` never ran here): git merges notebooks as"
                        " text and commits their outputs", "nbteam init   (then run `nbteam doctor` again)")


def check_hooks(root: str, outputs: bool, cwd: str) -> Check:
    """nbteam's hooks are where git runs them (core.hooksPath set after init moves that place)."""
    from nbteam.integration.hooks import SHARED_HOOK_LINE, calls_nbteam, hooks_dir, installed_hooks, is_shared, no_hooks

    where = hooks_dir(root)
    if os.path.exists(where) and not os.path.isdir(where):
        return Check(False, f"hooks: {no_hooks(where).split(';')[0]}", "point core.hooksPath at a directory or unset"
                     " it (`git config --show-origin core.hooksPath` says where it is set), then nbteam init")
    names = installed_hooks(outputs)
    # git runs (and so counts) only a hook it can execute: one that lost its x bit is ignored
    missing = [name for name in names if not (calls_nbteam(os.path.join(where, name), name)
                                              and os.access(os.path.join(where, name), os.X_OK))]
    if not missing:
        return Check(True, f"hooks: {', '.join(names)} in {where}")
    if len(missing) == len(names) and all(scope not in ("local", "worktree")
                                          for scope, _ in config_entries("merge.nbteam.driver", cwd)):
        return Check(None, "hooks: none here (`nbteam init --global` registers the drivers, not a repository's"
                           " hooks): `nbteam init` in this repository adds the commit guard")
    configured = _git("config", "core.hooksPath", cwd=root).strip()
    why = f" (core.hooksPath = {configured})" if configured else ""
    guard = " the commit guard is off;" if any(name in missing for name in ("pre-commit", "prepare-commit-msg")) else ""
    shared = [name for name in missing if is_shared(root, os.path.join(where, name))]  # init leaves them alone
    if shared:
        rest = "`nbteam init` for the others; " if len(shared) < len(missing) else ""
        return Check(False, f"hooks: git runs hooks from {where}{why}, where {', '.join(missing)}"
                            f" {'does' if len(missing) == 1 else 'do'} not call nbteam ({', '.join(shared)}: your"
                            f" team's, tracked by git):{guard} conflict markers can be committed unnoticed",
                     f"{rest}add `{SHARED_HOOK_LINE}` to {', '.join(shared)} (NAME: each one's own name)")
    return Check(False, f"hooks: git runs hooks from {where}{why}, where nbteam's {', '.join(missing)}"
                        f" {'is' if len(missing) == 1 else 'are'} missing (or not executable, which git ignores):{guard}"
                        " conflict markers can be committed"
                        " unnoticed", f"nbteam init   (installs them in {where}; hooks of your own there run first)")


def check_disabled(env: dict[str, str] | None = None) -> Check | None:
    """NBTEAM_DISABLE in this environment turns nbteam off."""
    from nbteam.bypass import disabled

    if disabled(env):
        value = (os.environ if env is None else env)["NBTEAM_DISABLE"].strip()
        return Check(False, f"NBTEAM_DISABLE={value} is set: merges are plain text merges, the filter keeps outputs",
                     "unset NBTEAM_DISABLE")
    return None


def config_entries(key: str, cwd: str | None) -> list[tuple[str, str]]:
    """(scope, value) of every setting of key, lowest precedence first (the last one wins)."""
    out = []
    for line in _git("config", "--show-scope", "--get-all", key, cwd=cwd).splitlines():
        scope, _, value = line.partition("\t")
        out.append((scope, value))
    return out


def interpreter_of(command: str) -> str | None:
    """The Python a registered nbteam command runs, or None if it is not nbteam's form."""
    parsed = parse(command)
    return parsed[0] if parsed else None


_probe_cache: dict[str, tuple[bool, str]] = {}


def probe_interpreter(python: str, entry: str | None = None) -> tuple[bool, str]:
    """(works, detail): the interpreter exists and imports nbteam (detail: its version, or why not)."""
    key = f"{python}\0{entry}"
    if key in _probe_cache:
        return _probe_cache[key]
    if not os.path.isabs(python):
        result = (False, f"{python} is not an absolute path: git may not find it from a GUI or another shell")
    elif not os.path.exists(python):
        result = (False, f"{python} does not exist (a deleted or moved virtualenv?)")
    elif entry is not None and not os.path.isfile(entry):
        result = (False, f"{entry} does not exist (nbteam was moved or uninstalled from that environment)")
    else:
        args = [python, "-I", "-S", entry, "--version"] if entry else [python, "-m", "nbteam", "--version"]
        try:
            p = run_process(args, timeout=30)
            last = (p.stderr.decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
            result = ((True, p.stdout.decode("utf-8", "replace").strip()) if p.returncode == 0
                      else (False, f"{python} cannot run nbteam ({last})"))
        except ProcessFailed as e:
            result = (False, f"{python} cannot run ({e})")
    _probe_cache[key] = result
    return result


def expand(command: str, values: dict[str, str]) -> str:
    """A command with git's %-placeholders expanded as git does (%% is %, unknown ones stay)."""
    return re.sub(r"%(.)", lambda m: "%" if m.group(1) == "%" else values.get(m.group(1), m.group(0)), command)


def _sh(command: str, args: list[str], cwd: str | None, stdin: bytes = b"") -> Completed:
    """Run a configured command the way git does, with nbteam enabled (the probe is of nbteam itself)."""
    env = {k: v for k, v in os.environ.items() if k != "NBTEAM_DISABLE"}
    return run_shell(command, args, cwd=cwd, input=stdin, env=env, timeout=60)


PROBE_NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
_HANDSHAKE = b"0016git-filter-client\n000eversion=2\n0000" + b"0015capability=clean\n0000"


def start_check(key: str, command: str, cwd: str | None) -> str | None:
    """Start a registered command as git would, on a tiny notebook; None if it works, else why not."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nbteam-doctor-") as tmp:
        paths = {}
        for name in "OAB":
            paths[name] = os.path.join(tmp, f"probe-{name}.ipynb")
            with open(paths[name], "wb") as f:
                f.write(PROBE_NOTEBOOK)
        probe = REGISTRY[key].probe
        if probe is Probe.MERGE:
            values = {**paths, "L": "7", "P": "'doctor-probe.ipynb'", "S": "base", "X": "ours", "Y": "theirs"}
            p = _sh(expand(command, values), [], cwd)
            good = p.returncode == 0 and b'"cells"' in open(paths["A"], "rb").read()
        elif probe is Probe.CLEAN:
            p = _sh(expand(command, {"f": "'doctor-probe.ipynb'"}), [], cwd, PROBE_NOTEBOOK)
            good = p.returncode == 0 and b'"cells"' in p.stdout
        elif probe is Probe.PROCESS:
            p = _sh(command, [], cwd, _HANDSHAKE)
            good = p.returncode == 0 and b"git-filter-server" in p.stdout and b"capability=clean" in p.stdout
        elif probe is Probe.TEXTCONV:
            p = _sh(command, [paths["A"]], cwd)
            good = p.returncode == 0
        else:
            p = _sh(command, ["doctor-probe.ipynb", paths["O"], "0" * 40, "100644", paths["B"], "0" * 40, "100644"],
                    cwd)
            good = p.returncode == 0
    if good:
        return None
    lines = [line for line in p.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return (lines[0] if lines else f"exit {p.returncode}")[:200]


def check_key(key: str, label: str, cwd: str | None, needs: tuple[str, ...] = (), in_repo: bool = True) -> list[Check]:
    """The effective value of one driver key: set, in nbteam's form, and really starting as git runs it."""
    entries = config_entries(key, cwd)
    fix = f"nbteam init{'' if in_repo else ' --global'}   (registers {sys.executable})"
    if not entries:
        return [Check(False, f"{label}: {key} is not set", fix)]
    scope, value = entries[-1]
    checks = []
    missing = [n for n in needs if n not in value]
    parsed = parse(value, key)
    where = "" if scope in ("local", "worktree") else " --global"
    fix = f"nbteam init{where}   (registers {sys.executable})"
    if parsed is None:
        checks.append(Check(False, f"{label} ({scope} config): {key} = {value} is not nbteam's command", fix))
    elif missing:
        checks.append(Check(False, f"{label} ({scope} config): {key} lacks {' '.join(missing)}", fix))
    else:
        python, entry, _ = parsed
        works, detail = probe_interpreter(python, entry)
        failure = start_check(key, value, cwd) if works else detail
        if failure is None:
            checks.append(Check(True, f"{label} ({scope} config): {python} runs {detail}"))
        else:
            checks.append(Check(False, f"{label} ({scope} config): does not start as git runs it: {failure}", fix)
                          if works else Check(False, f"{label} ({scope} config): {detail}", fix))
    for other_scope, other in entries[:-1]:
        if other != value:
            checks.append(Check(None, f"{key} is also set in {other_scope} config; the {scope} value wins"))
    return checks


def check_attributes(cwd: str, set_up: bool = True) -> tuple[list[Check], bool]:
    """Attributes for *.ipynb, and for every tracked notebook; also whether the filter is on."""
    probe = "nbteam-doctor-probe.ipynb"
    attrs = attributes([probe], DRIVER_ATTRIBUTES, cwd).get(probe, {})
    checks = []
    merge, diff, filt = attrs.get("merge"), attrs.get("diff"), attrs.get("filter")
    want = "nbteam init   (adds `*.ipynb merge=nbteam diff=nbteam filter=nbteam` to .gitattributes)"
    if merge == "nbteam" and diff == "nbteam":
        checks.append(Check(True, f"*.ipynb attributes: merge=nbteam diff=nbteam filter={filt}"))
    else:
        checks.append(Check(False, f"*.ipynb attributes: merge={merge} diff={diff} (git will not use nbteam)", want))
    if filt != "nbteam":
        checks.append(Check(None, "filter off for *.ipynb: notebooks are committed with their outputs"
                                  " (`nbteam init` turns stripping on)"))
    top = _top(cwd) or cwd
    tracked = [t for t in _git("ls-files", "-z", "--", "*.ipynb", cwd=top).split("\0") if t]
    if tracked:
        per_file = attributes(tracked, DRIVER_ATTRIBUTES, top)
        off = [t for t in tracked if per_file.get(t, {}).get("merge") != "nbteam"]
        if off:
            shown = ", ".join(off[:5]) + (", ..." if len(off) > 5 else "")
            checks.append(Check(False, f"{len(off)} of {len(tracked)} tracked notebooks do not merge with nbteam: "
                                       f"{shown}", "check the .gitattributes files nearer to them "
                                                   "(`git check-attr -a -- PATH` shows what applies)"))
        else:
            checks.append(Check(True, f"all {len(tracked)} tracked notebook{'s' * (len(tracked) != 1)} use nbteam"))
        filtered = [t for t in tracked if per_file.get(t, {}).get("filter") == "nbteam"]
        if filtered:
            checks.append(check_committed_outputs(top, filtered, set_up))
    return checks, filt == "nbteam"


def head_blobs(top: str, paths: list[str]) -> dict[str, bytes]:
    """Content of each path in HEAD (paths missing there are left out), read by one `git cat-file --batch`."""
    found = read_blobs([f"HEAD:{path}" for path in paths], cwd=top)
    return {path: found[f"HEAD:{path}"] for path in paths if f"HEAD:{path}" in found}


def committed_with_outputs(top: str, paths: list[str]) -> list[str]:
    """Notebooks whose HEAD version still holds what the filter strips (committed by a clone without it)."""
    from nbteam.notebook.strip import strip_notebook

    blobs = head_blobs(top, paths)
    return [path for path, data in blobs.items() if strip_notebook(data, path)[0] != data]


RENORMALIZE_MESSAGE = "Strip outputs committed without nbteam's filter"


def renormalize_commands(paths: list[str]) -> list[list[str]]:
    """The git commands that re-commit notebooks through the filter (what `doctor --fix` runs)."""
    return [["add", "--renormalize", "--", *paths], ["commit", "-q", "-m", RENORMALIZE_MESSAGE, "--", *paths]]


def check_committed_outputs(top: str, tracked: list[str], set_up: bool = True) -> Check:
    """Tracked notebooks committed with outputs show as modified forever; say why and how to fix it."""
    dirty = committed_with_outputs(top, tracked)
    if not dirty:
        return Check(True, "no committed notebook holds outputs")
    shown = ", ".join(dirty[:5]) + (", ..." if len(dirty) > 5 else "")
    fix = " && ".join(shlex.join(["git", *cmd]) for cmd in renormalize_commands(dirty)) + "   (or `nbteam doctor --fix`)"
    if not set_up:  # the re-commit goes through nbteam's filter, which only `nbteam init` registers
        fix = f"after `nbteam init`: {fix}"
    return Check(False, f"{len(dirty)} committed notebook{'s' * (len(dirty) != 1)} still hold outputs or execution"
                        f" counts: {shown}. They were committed without nbteam's filter (a clone that never ran"
                        " `nbteam init`), so git shows them as modified although nobody changed them", fix)


class FixRefused(NbteamError):
    """`doctor --fix` would commit more than the stripping; the message says what to do first."""


def plan_fix(top: str) -> list[list[str]]:
    """The git commands that re-commit notebooks committed with outputs (none when there are none).

    Refuses (FixRefused) when one of them has changes of its own, which the commit would take along.
    """
    from nbteam.notebook.strip import strip_notebook

    tracked = [t for t in _git("ls-files", "-z", "--", "*.ipynb", cwd=top).split("\0") if t]
    per_file = attributes(tracked, ("filter",), top) if tracked else {}
    dirty = committed_with_outputs(top, [t for t in tracked if per_file.get(t, {}).get("filter") == "nbteam"])
    if not dirty:
        return []
    if not (config_entries("filter.nbteam.process", top) or config_entries("filter.nbteam.clean", top)):
        raise FixRefused("nbteam is not set up in this clone: run `nbteam init` first (the fix re-commits the"
                         " notebooks through nbteam's filter, which init registers), then `nbteam doctor --fix`")
    committed = head_blobs(top, dirty)
    for path in dirty:
        with open(os.path.join(top, path), "rb") as f:
            work = f.read()
        if strip_notebook(work, path)[0] != strip_notebook(committed[path], path)[0]:
            raise FixRefused(f"{path} has changes of its own; commit or stash them first, then run `nbteam doctor"
                             " --fix` again")
    return renormalize_commands(dirty)


def run_fix(top: str, commands: list[list[str]]) -> None:
    """Run the planned git commands, stopping at the first failure."""
    for cmd in commands:
        p = run_git(cmd, cwd=top)
        if p.returncode != 0:
            said = (p.stderr or p.stdout).decode("utf-8", "replace").strip().splitlines()  # git commit explains on stdout
            raise FixRefused(f"git {cmd[0]} failed: {said[0] if said else f'exit status {p.returncode}'}")


def run_checks(cwd: str = ".") -> tuple[str | None, list[Check]]:
    """(repository top level or None, every check in report order)."""
    import shutil

    checks = check_git()
    if shutil.which("git") is None:
        return None, checks
    disabled = check_disabled()
    if disabled:
        checks.append(disabled)
    root = _top(cwd)
    set_up = check_set_up(root, cwd)
    if set_up:
        checks.append(set_up)
    filter_on = True
    if root:
        attr_checks, filter_on = check_attributes(cwd, set_up is None)
        checks += attr_checks
    else:
        checks.append(Check(None, "not in a git repository: checking your user (global) configuration only"))
    repo = root is not None
    checks += check_key("merge.nbteam.driver", "merge driver", cwd, ("%O", "%A", "%B"), repo)
    checks += check_key("diff.nbteam.command", "diff driver", cwd, (), repo)
    checks += check_key("diff.nbteam.textconv", "diff textconv (git log -p, git show)", cwd, (), repo)
    if filter_on:
        checks += check_key("filter.nbteam.process", "output filter", cwd, (), repo)
    if root and set_up is None:
        checks.append(check_hooks(root, filter_on, cwd))
    checks += check_isolated(root, cwd)
    return root, checks


OLD_FORM = " -m nbteam "  # how hooks and the merge tool started nbteam before: the work tree first on sys.path


def check_isolated(root: str | None, cwd: str) -> list[Check]:
    """Hooks and the merge tool registered by an older nbteam run `python -m nbteam`, which imports from the work tree."""
    from nbteam.integration.hooks import hooks_dir, is_ours

    old = []
    tool = (config_entries("mergetool.nbteam.cmd", cwd) or [("", "")])[-1][1]
    if OLD_FORM in f"{tool} ":
        old.append("mergetool.nbteam.cmd")
    if root is not None:
        where = hooks_dir(root)
        for name in ALL_HOOKS:
            path = os.path.join(where, name)
            if is_ours(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    if OLD_FORM in f.read():
                        old.append(f"hook {name}")
    if not old:
        return []
    return [Check(False, f"{', '.join(old)}: an older nbteam's form (`python -m nbteam`), which runs code committed in"
                         " the repository (an `nbteam/` folder or a `json.py` on a branch)",
                  "nbteam init   (rewrites them in place)")]
