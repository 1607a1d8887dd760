"""Everything nbteam registers with git (drivers, filter, hooks, the merge tool), the commands, and how to read them back.

REGISTRY is the one table: each entry's command, fallback, placeholders and the probe doctor
uses. Each command is a short shell line (git runs all of them with sh):

    [ -x PYTHON ] && [ -f ENTRY ] || { echo >&2 'nbteam: PYTHON is missing ...'; FALLBACK; }; exec PYTHON -I -S ENTRY CMD ARGS

- `-I -S` and ENTRY (nbteam/integration/entry.py) keep the work tree off sys.path (never
  `python -m nbteam`, which puts the current directory first: a branch could commit an
  `nbteam/` package or a `json.py` that git would then run) and keep the start of the one process per notebook
  close to a bare interpreter's (see entry.py).
- The test is shell built-ins only. When the interpreter is gone (a deleted or recreated
  virtualenv), git shows one nbteam line naming it and the fix before git's own error; the
  merge driver then leaves git's text merge with markers, and NBTEAM_DISABLE=1 lets the
  filter and diffs pass content through (the filter answers git's handshake with no
  capabilities, so git keeps the content as it is).
- git expands `%` placeholders in merge-driver and clean-filter commands (`%%` is a literal
  `%`), so every `%` of a path or message there is doubled; process, diff and textconv
  commands are not expanded and are written as they are.
"""
from __future__ import annotations

import enum
import os
import re
import shlex
from dataclasses import dataclass

from nbteam.integration import ALL_HOOKS, GUARD_HOOKS


ENTRY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "entry.py")
# The version of the textconv view (nbteam.diff.textconv): bump it when the view changes. git keeps
# textconv output in its cache (diff.nbteam.cachetextconv) keyed by the blob and the command, so a
# new version in the command makes git rebuild the cache after `nbteam init`.
TEXTCONV_VIEW = 1
MERGE_ARGS = "%O %A %B %L %P %S %X %Y"  # %S %X %Y: labels (git >= 2.44; older git passes them literally)
# git's first two packets and an empty capability list: git then filters nothing.
_NO_CAPABILITIES = r"printf '0016git-filter-server\n000eversion=2\n00000000'; exec cat >/dev/null"
_DISABLED = "case \"${NBTEAM_DISABLE:-0}\" in ''|0) exit 1;; esac"
# Without NBTEAM_DISABLE the filter must stop git, not fail gently (git then keeps outputs): read all of
# git's welcome (two lines and a flush) so its writes succeed, then exit: git dies on the missing answer.
_FILTER_STOP = "case \"${NBTEAM_DISABLE:-0}\" in ''|0) read -r _; read -r _; dd bs=4 count=1 >/dev/null 2>&1; exit 1;; esac"



class Kind(enum.Enum):
    """What git starts the command as."""

    DRIVER = "driver"  # merge and diff drivers, textconv: one process per file
    FILTER = "filter"  # the clean filter and the long-running filter process
    HOOK = "hook"  # a script in git's hooks directory
    TOOL = "tool"  # `git mergetool --tool nbteam`


class Probe(enum.Enum):
    """How doctor starts a registered command on a tiny notebook to see that it works."""

    MERGE = "merge"
    DIFF = "diff"
    TEXTCONV = "textconv"
    CLEAN = "clean"
    PROCESS = "process"
    NONE = "none"  # not probed by starting it (hooks, the merge tool: doctor reads them)


@dataclass(frozen=True)
class Registration:
    """One thing nbteam registers with git: where (a config key or `hook.NAME`), what it runs, what happens without Python."""

    key: str
    kind: Kind
    args: str  # the nbteam command and its arguments, after `PYTHON -I -S ENTRY`
    fallback: str  # shell run when the interpreter or entry is gone
    placeholders: bool  # git expands %-placeholders in it (every literal % is doubled)
    probe: Probe = Probe.NONE


REGISTRY: dict[str, Registration] = {r.key: r for r in (
    Registration("merge.nbteam.driver", Kind.DRIVER, f"merge-driver {MERGE_ARGS}",
                 "git merge-file --marker-size=%L %A %O %B || exit 1; " + _DISABLED + "; exit 0", True, Probe.MERGE),
    Registration("diff.nbteam.command", Kind.DRIVER, "diff-driver",
                 _DISABLED + '; git diff --no-index --no-ext-diff -- "$2" "$5"; exit 0', False, Probe.DIFF),
    Registration("diff.nbteam.textconv", Kind.DRIVER, f"diff-driver --view={TEXTCONV_VIEW} --textconv",
                 _DISABLED + '; exec cat "$1"', False, Probe.TEXTCONV),
    Registration("filter.nbteam.clean", Kind.FILTER, "clean %f", _DISABLED + "; exec cat", True, Probe.CLEAN),
    Registration("filter.nbteam.process", Kind.FILTER, "filter-process", _FILTER_STOP + "; " + _NO_CAPABILITIES,
                 False, Probe.PROCESS),
    # git runs mergetool.<tool>.cmd with sh; without nbteam the conflict stays unresolved (trustExitCode).
    Registration("mergetool.nbteam.cmd", Kind.TOOL,
                 'resolve --base "$BASE" --local "$LOCAL" --remote "$REMOTE" "$MERGED"', "exit 1", False),
    # Without nbteam the commit guard refuses (as a missing filter does) unless NBTEAM_DISABLE says go ahead;
    # a post-hook cannot fail its git command, so it only says why.
    *(Registration(f"hook.{name}", Kind.HOOK, f'hook {name} "$@"', _DISABLED + "; exit 0", False)
      for name in GUARD_HOOKS),
    *(Registration(f"hook.{name}", Kind.HOOK, f'hook {name} "$@"', "exit 0", False)
      for name in ALL_HOOKS if name not in GUARD_HOOKS),
)}


_SAFE_PATH = re.compile(r"^[A-Za-z0-9_@%+=:,./ ~()\[\]{}-]+$")


def quote_program(path: str) -> str:
    """A path quoted for the POSIX shell git runs commands with (spaces are fine)."""
    if os.name == "nt":
        path = path.replace("\\", "/")  # git for Windows runs sh: forward slashes survive quoting
    if _SAFE_PATH.match(path):
        return f'"{path}"'
    return shlex.quote(path)


def escape_percent(text: str) -> str:
    """Text for a command git expands %-placeholders in: every literal % doubled."""
    return text.replace("%", "%%")


def missing_message(python: str) -> str:
    """The one line git shows when the registered interpreter is gone."""
    return (f"nbteam: {python} is missing (a deleted or moved virtualenv?): run `nbteam init` from the"
            f" new environment, or set NBTEAM_DISABLE=1 for one command")


def command(key: str, python: str, entry: str = ENTRY) -> str:
    """The value nbteam registers for one config key."""
    entry_ = REGISTRY[key]
    args, fallback, expanded = entry_.args, entry_.fallback, entry_.placeholders
    q_python, q_entry = quote_program(python), quote_program(entry)
    literal = escape_percent if expanded else (lambda s: s)
    check = literal(f"[ -x {q_python} ] && [ -f {q_entry} ] || {{ echo >&2 {shlex.quote(missing_message(python))}; ")
    run = literal(f"exec {q_python} -I -S {q_entry} ")
    return f"{check}{fallback}; }}; {run}{args}"


def parse(value: str, key: str | None = None) -> tuple[str, str | None, list[str]] | None:
    """(interpreter, entry script or None for the older `-m nbteam` form, nbteam arguments) of a command.

    None when the value is not a command nbteam registers (a stale or hand-written one).
    """
    expanded = key is not None and key in REGISTRY and REGISTRY[key].placeholders
    tail = value.rpartition("}; exec ")[2]
    try:
        words = shlex.split(tail)
    except ValueError:
        return None
    if len(words) >= 4 and words[1:3] == ["-I", "-S"] and words[3].endswith("entry.py"):
        python, entry, rest = words[0], words[3], words[4:]
        if expanded:  # git turns %% into % before the shell sees the paths
            python, entry = python.replace("%%", "%"), entry.replace("%%", "%")
        return python, entry, rest
    if len(words) >= 3 and words[1:3] == ["-m", "nbteam"]:
        return words[0], None, words[3:]
    return None
