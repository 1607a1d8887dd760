"""`nbteam diff`: two files, or git revisions like `git diff` (commands/diff_driver.py is what git runs)."""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # git runs diff_driver, which prints through this module, once per file: no typing import
if TYPE_CHECKING:
    import argparse

    from nbteam.diff.render import Palette


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The options of `nbteam diff`."""
    import argparse

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


def utf8(text: str) -> bytes:
    """File names git gave as undecodable bytes go out as those bytes; a lone surrogate from a
    notebook's JSON (e.g. "\\ud800"), which no UTF-8 can hold, goes out escaped."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace")


def emit(lines: list[str]) -> None:
    """Print report lines (bytes as _utf8 writes them)."""
    if lines:
        sys.stdout.flush()
        sys.stdout.buffer.write(utf8("\n".join(lines) + "\n"))
        sys.stdout.buffer.flush()


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
    """`nbteam diff`."""
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
            emit(result.lines)
        return 1 if result.differs else 0
    from nbteam.git.blobs import toplevel

    differs = False
    for report in revision_reports((args.git_options or []) + rest, toplevel(), args.cached, pal, args.outputs):
        differs = differs or report.differs
        emit(report.lines)
    return 1 if args.exit_code and differs else 0
