"""`nbteam diff-driver`: what git runs to show a notebook, once per file.

As `diff.nbteam.command` it gets GIT_EXTERNAL_DIFF's arguments (`git diff`); with --textconv FILE
it prints the text view git's own line diff uses (`git log -p`, `git show`). It always exits 0:
git stops the whole diff on a failure. git starts it for every notebook it shows, so git's usual
arguments skip argparse (fast_run), and the textconv view imports no git, typing or json module.
"""
from __future__ import annotations

import os
import sys

from nbteam.commands.diff import emit, palette, utf8

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The options git passes."""
    import argparse

    parser.add_argument("--textconv", metavar="FILE", help="print FILE as text for git's textconv")
    parser.add_argument("--view", help=argparse.SUPPRESS)  # the view's version: in the command for git's cache
    parser.add_argument("args", nargs="*", help="GIT_EXTERNAL_DIFF's arguments")


def _as_stored(path: str, data: bytes) -> bytes:
    """A work-tree file as git would store it (through nbteam's filter), else the data as it is.

    git hands textconv a blob as a temporary file (an absolute path) but the working copy as the
    file itself, by its path from the top of the work tree, without running the clean filter: the
    outputs kept in the working copy would show as changes beside every committed version.
    """
    if os.path.isabs(path):
        return data
    from nbteam.git.blobs import attribute

    if attribute(path, "filter") != "nbteam":
        return data
    from nbteam.notebook.strip import strip_notebook

    return strip_notebook(data, os.path.basename(path))[0]


def show_textconv(path: str) -> int:
    """Print the textconv view of one file. Always 0."""
    from nbteam.diff.textconv import raw_view, textconv

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        emit([raw_view(b"", f"cannot read {path}: {e.strerror}").rstrip("\n")])
        return 0
    sys.stdout.buffer.write(utf8(textconv(_as_stored(path, data), os.path.basename(path))))
    return 0


def show_diff(argv: list[str]) -> int:
    """Print the diff of one file from GIT_EXTERNAL_DIFF's arguments. Always 0."""
    from nbteam.diff.gitdiff import driver_lines

    lines, warning = driver_lines(argv, palette())
    if warning:
        print(f"nbteam diff-driver: {warning}", file=sys.stderr)
    emit(lines)
    return 0


def fast_run(argv: list[str]) -> int | None:
    """git's own calls without argparse: `--view=N --textconv FILE`, or GIT_EXTERNAL_DIFF's 1, 7 or 9 arguments."""
    if len(argv) == 3 and argv[0].startswith("--view=") and argv[1] == "--textconv":
        return show_textconv(argv[2])
    if len(argv) in (7, 9) and all(m == "." or m.isdigit() for m in (argv[3], argv[6])):
        return show_diff(argv)  # modes where git puts them (a path may even start with "-")
    if len(argv) == 1 and not argv[0].startswith("-"):
        return show_diff(argv)  # an unmerged path
    return None


def run(args: argparse.Namespace) -> int:
    """The argparse path (other forms of the same calls)."""
    return show_textconv(args.textconv) if args.textconv else show_diff(args.args)


