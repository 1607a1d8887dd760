"""The commands `nbteam init` registers in git config, and how to read them back.

Each command is a short shell line (git runs driver and filter commands with sh):

    [ -x PYTHON ] && [ -f ENTRY ] || { echo >&2 'nbteam: PYTHON is missing ...'; FALLBACK; }; exec PYTHON -I -S ENTRY CMD ARGS

- `-I -S` and ENTRY (nbteam/integration/entry.py) keep the start of the one process per notebook
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

import os
import re
import shlex

ENTRY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "entry.py")
MERGE_ARGS = "%O %A %B %L %P %S %X %Y"  # %S %X %Y: labels (git >= 2.44; older git passes them literally)
# git's first two packets and an empty capability list: git then filters nothing.
_NO_CAPABILITIES = r"printf '0016git-filter-server\n000eversion=2\n00000000'; exec cat >/dev/null"
_DISABLED = "case \"${NBTEAM_DISABLE:-0}\" in ''|0) exit 1;; esac"
# Without NBTEAM_DISABLE the filter must stop git, not fail gently (git then keeps outputs): read all of
# git's welcome (two lines and a flush) so its writes succeed, then exit: git dies on the missing answer.
_FILTER_STOP = "case \"${NBTEAM_DISABLE:-0}\" in ''|0) read -r _; read -r _; dd bs=4 count=1 >/dev/null 2>&1; exit 1;; esac"

# What each registered key runs: (nbteam command and arguments, fallback when the interpreter is
# missing, whether git expands % placeholders in it).
KINDS: dict[str, tuple[str, str, bool]] = {
    "merge.nbteam.driver": (f"merge-driver {MERGE_ARGS}",
                            "git merge-file --marker-size=%L %A %O %B || exit 1; " + _DISABLED + "; exit 0", True),
    "diff.nbteam.command": ("diff-driver", _DISABLED + '; git diff --no-index --no-ext-diff -- "$2" "$5"; exit 0',
                            False),
    "diff.nbteam.textconv": ("diff-driver --textconv", _DISABLED + '; exec cat "$1"', False),
    "filter.nbteam.clean": ("clean %f", _DISABLED + "; exec cat", True),
    "filter.nbteam.process": ("filter-process", _FILTER_STOP + "; " + _NO_CAPABILITIES, False),
}


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
    args, fallback, expanded = KINDS[key]
    q_python, q_entry = quote_program(python), quote_program(entry)
    literal = escape_percent if expanded else (lambda s: s)
    check = literal(f"[ -x {q_python} ] && [ -f {q_entry} ] || {{ echo >&2 {shlex.quote(missing_message(python))}; ")
    run = literal(f"exec {q_python} -I -S {q_entry} ")
    return f"{check}{fallback}; }}; {run}{args}"


def parse(value: str, key: str | None = None) -> tuple[str, str | None, list[str]] | None:
    """(interpreter, entry script or None for the older `-m nbteam` form, nbteam arguments) of a command.

    None when the value is not a command nbteam registers (a stale or hand-written one).
    """
    expanded = key is not None and KINDS.get(key, ("", "", False))[2]
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
