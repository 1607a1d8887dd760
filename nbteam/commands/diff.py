"""`nbteam diff` (two files, or git revisions like `git diff`) and `nbteam diff-driver` (what git runs).

diff-driver serves both of git's hooks: as `diff.nbteam.command` it gets GIT_EXTERNAL_DIFF's
arguments; with --textconv FILE it prints the text view git's own line diff uses in
`git log -p` and `git show`. It always exits 0: git stops the whole diff on a failure.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbteam.diff.render import Palette


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The options of `nbteam diff` or `nbteam diff-driver`."""
    if name == "diff-driver":
        parser.add_argument("--textconv", metavar="FILE", help="print FILE as text for git's textconv")
        parser.add_argument("--view", help=argparse.SUPPRESS)  # the view's version: in the command for git's cache
        parser.add_argument("args", nargs="*", help="GIT_EXTERNAL_DIFF's arguments")
        return
    parser.usage = ("nbteam diff [--outputs] [--color=WHEN] [--web] OLD.ipynb NEW.ipynb\n"
                    "       nbteam diff [--cached] [--exit-code] [--outputs] [--web] [REV [REV]] [-- PATH...]")
    parser.add_argument("--cached", "--staged", action="store_true", help="staged changes (as git diff --cached)")
    parser.add_argument("--color", "--colour", default="auto", choices=("auto", "always", "never"),
                        help="colour the output (default: only on a terminal)")
    parser.add_argument("--exit-code", action="store_true", help="exit 1 if there are differences (git mode)")
    parser.add_argument("--outputs", action="store_true",
                        help="diff outputs too: text as text, images and other rich data as one summary line")
    parser.add_argument("--web", action="store_true", help="open nbdime's rendered diff in a browser (needs nbdime)")
    detect = parser.add_argument_group("renames and copies (git mode, passed to git diff)")
    for flags, helptext in ((("-M", "--find-renames"), "detect renames"), (("-C", "--find-copies"), "detect copies"),
                            (("--find-copies-harder",), "look for copies among unmodified files too"),
                            (("--no-renames",), "show renames as a deletion and an addition")):
        detect.add_argument(*flags, dest="git_options", action="append_const", const=flags[0], help=helptext)
    parser.add_argument("args", nargs=argparse.REMAINDER, help="two notebook files, or git revisions and paths")


def palette(setting: str = "auto") -> Palette:
    """Colours for a --color setting; auto means stdout is a terminal (or git's pager) and NO_COLOR unset."""
    from nbteam.diff.render import COLOUR, PLAIN

    setting = os.environ.get("NBTEAM_COLOR", setting) if setting == "auto" else setting
    if setting == "always":
        return COLOUR
    if setting == "never" or os.environ.get("NO_COLOR"):
        return PLAIN
    tty = sys.stdout.isatty() or os.environ.get("GIT_PAGER_IN_USE") == "true"
    return COLOUR if tty else PLAIN


def _utf8(text: str) -> bytes:
    """File names git gave as undecodable bytes go out as those bytes; a lone surrogate from a
    notebook's JSON (e.g. "\\ud800"), which no UTF-8 can hold, goes out escaped."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace")


def _emit(lines: list[str]) -> None:
    """Print report lines (bytes as _utf8 writes them)."""
    if lines:
        sys.stdout.flush()
        sys.stdout.buffer.write(_utf8("\n".join(lines) + "\n"))
        sys.stdout.buffer.flush()


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


def run_driver(args: argparse.Namespace) -> int:
    """git's side: GIT_EXTERNAL_DIFF arguments, or --textconv FILE. Always 0."""
    if args.textconv:
        from nbteam.diff.textconv import raw_view, textconv

        try:
            with open(args.textconv, "rb") as f:
                data = f.read()
        except OSError as e:
            _emit([raw_view(b"", f"cannot read {args.textconv}: {e.strerror}").rstrip("\n")])
            return 0
        sys.stdout.buffer.write(_utf8(textconv(_as_stored(args.textconv, data), os.path.basename(args.textconv))))
        return 0
    from nbteam.diff.gitdiff import driver_lines

    lines, warning = driver_lines(args.args, palette())
    if warning:
        print(f"nbteam diff-driver: {warning}", file=sys.stderr)
    _emit(lines)
    return 0


def _web(args: argparse.Namespace, rest: list[str], files: bool) -> int:
    """Hand each changed notebook's two versions to nbdime's web diff."""
    from nbteam.diff import web

    web.require_nbdime()  # say how to get it before reading anything
    if files:
        return web.serve(rest[0], rest[1])
    from nbteam.diff.gitdiff import changed_notebooks
    from nbteam.git.blobs import toplevel

    code = 0
    for f in changed_notebooks((args.git_options or []) + rest, toplevel(), args.cached):
        code = web.show_versions(f.new.path, f.old.data, f.new.data) or code
    return code


def run(args: argparse.Namespace) -> int:
    """`nbteam diff` or `nbteam diff-driver`."""
    if args.command == "diff-driver":
        return run_driver(args)
    rest = list(args.args)
    files = "--" not in rest and len(rest) == 2 and all(os.path.isfile(x) for x in rest)
    if args.web:
        return _web(args, rest, files)
    from nbteam.diff.gitdiff import read_input, revision_reports
    from nbteam.diff.render import file_diff

    pal = palette(args.color)
    if files:
        result = file_diff(read_input(rest[0]), read_input(rest[1]), rest[0], rest[1], pal, with_outputs=args.outputs)
        if result.differs:
            _emit(result.lines)
        return 1 if result.differs else 0
    from nbteam.git.blobs import toplevel

    differs = False
    for report in revision_reports((args.git_options or []) + rest, toplevel(), args.cached, pal, args.outputs):
        differs = differs or report.differs
        _emit(report.lines)
    return 1 if args.exit_code and differs else 0
