"""`nbteam clean` (stdin -> stdout) and `nbteam filter-process` (git's long-running filter).

Both strip outputs with nbteam.notebook.strip; NBTEAM_DISABLE=1 makes both pass content through.
A file that is not a notebook passes through unchanged with a one-line warning: never an error.
"""
from __future__ import annotations

import argparse
import sys

from nbteam.bypass import disabled
from nbteam.notebook.strip import strip_notebook


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    if name == "clean":
        parser.add_argument("path", nargs="?", default=None,
                            help="the file's name, for warnings only (git passes %%f); content is read from stdin")


def _warn(message: str) -> None:
    print(f"nbteam: warning: {message}", file=sys.stderr, flush=True)


def clean_one(data: bytes, path: str) -> bytes:
    """Strip one file's content, warning on stderr when it is passed through."""
    if disabled():
        return data
    cleaned, warning = strip_notebook(data, path or "stdin")
    if warning:
        _warn(warning)
    from nbteam.git.worktree_outputs import remember_from_filter  # outputs git may overwrite next

    remember_from_filter(path, data, cleaned)
    return cleaned


def run(args: argparse.Namespace) -> int:
    if args.command == "clean":
        data = sys.stdin.buffer.read()
        sys.stdout.buffer.write(clean_one(data, args.path or "stdin"))
        sys.stdout.buffer.flush()
        return 0
    from nbteam.git.filter_protocol import ProtocolError, serve

    try:
        serve(sys.stdin.buffer, sys.stdout.buffer, {"clean": clean_one})
    except ProtocolError as e:
        print(f"nbteam filter-process: {e}", file=sys.stderr)
        return 1
    except EOFError:
        pass
    return 0
