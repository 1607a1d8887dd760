"""`nbteam clean` (stdin -> stdout) and `nbteam filter-process` (git's long-running filter: clean and smudge).

Both strip outputs with nbteam.notebook.strip, unless NBTEAM_DISABLE=1 or the repository keeps
outputs (nbteam.config.keep_outputs, the rule init and the merge driver use too): then content
passes through. A file that cannot be stripped passes through unchanged with a one-line warning
naming it and the reason: the filter never stops a `git add`, never prints a traceback.
"""
from __future__ import annotations

import argparse
import sys

from nbteam.bypass import disabled
from nbteam.config import keep_outputs
from nbteam.notebook.strip import strip_notebook

_keeps: list[bool] = []  # keep_outputs of the repository, read once per process


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """`clean` takes the file name git passes as %f."""
    if name == "clean":
        parser.add_argument("path", nargs="?", default=None,
                            help="the file's name, for warnings only (git passes %%f); content is read from stdin")


_warned: set[str] = set()  # git may clean one file twice in a command (`git diff`): warn once


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"nbteam: warning: {message}", file=sys.stderr, flush=True)


def clean_one(data: bytes, path: str) -> bytes:
    """Strip one file's content, warning on stderr when it is passed through."""
    if disabled():
        return data
    if not _keeps:
        _keeps.append(keep_outputs("."))  # git runs filters at the top of the work tree
    if _keeps[0]:
        return data
    name = path or "stdin"
    try:
        cleaned, warning = strip_notebook(data, name)
    except Exception as e:  # a bug must not cost the user their `git add`, nor hide that outputs went in
        cleaned, warning = data, f"{name}: outputs not stripped ({type(e).__name__}: {e}); passed through unchanged"
    if warning:
        _warn(warning)
    from nbteam.workcopy.restore import remember_from_filter  # outputs git may overwrite next

    remember_from_filter(path, data, cleaned)
    return cleaned


def smudge_one(data: bytes, path: str) -> bytes:
    """What git writes into the working copy: the remembered outputs of unchanged cells (nbteam.workcopy)."""
    if not _keeps:
        _keeps.append(keep_outputs("."))
    if _keeps[0]:
        return data
    from nbteam.workcopy.restore import smudge

    return smudge(data, path)


def run(args: argparse.Namespace) -> int:
    """Filter stdin to stdout, or serve git's filter protocol until git closes the pipe."""
    if args.command == "clean":
        data = sys.stdin.buffer.read()
        sys.stdout.buffer.write(clean_one(data, args.path or "stdin"))
        sys.stdout.buffer.flush()
        return 0
    from nbteam.git.filter_protocol import serve

    try:
        serve(sys.stdin.buffer, sys.stdout.buffer, {"clean": clean_one, "smudge": smudge_one})
    except EOFError:
        pass
    return 0
