"""`nbteam merge BASE OURS THEIRS [-o OUT]`: three-way merge of notebook files."""
from __future__ import annotations

import argparse
import os
import sys

from nbteam.errors import NbteamError
from nbteam.merge.file import merge_files, report
from nbteam.merge.options import add_options, git_conflict_style, keep_outputs_configured
from nbteam.seq.markers import Markers


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The command's arguments."""
    parser.add_argument("base", help="common ancestor notebook")
    parser.add_argument("ours", help="our version")
    parser.add_argument("theirs", help="their version")
    parser.add_argument("-o", "--output", help="write the result here (default: standard output)")
    parser.add_argument("--marker-size", type=int, default=7, help="conflict marker length (default 7)")
    parser.add_argument("-L", "--label", action="append", default=[], metavar="LABEL",
                        help="conflict labels, as git merge-file -L: ours, then base, then theirs (up to three)")
    add_options(parser)


def run(args: argparse.Namespace) -> int:
    """Merge, print the result (or write it to -o) and one line on stderr; exit 0 clean, 1 conflicts."""
    for path in (args.base, args.ours, args.theirs):
        if not os.path.isfile(path):
            raise NbteamError(f"{path}: no such file")
        if not os.access(path, os.R_OK):
            raise NbteamError(f"{path}: permission denied")
    if args.marker_size < 1:
        raise NbteamError("--marker-size must be positive")
    if len(args.label) > 3:
        raise NbteamError("at most three --label options (ours, base, theirs)")
    ours_label, base_label, theirs_label = args.label + ["ours", "base", "theirs"][len(args.label):]
    markers = Markers(size=args.marker_size, style=args.style or git_conflict_style(), ours=ours_label,
                      base=base_label, theirs=theirs_label)
    keep = args.keep_outputs if args.keep_outputs is not None else keep_outputs_configured()
    out = args.output
    if out is None:
        import tempfile

        fd, out = tempfile.mkstemp(suffix=".ipynb")
        os.close(fd)
    try:
        outcome = merge_files(args.base, args.ours, args.theirs, out, os.path.basename(args.ours), markers, keep)
        if args.output is None:
            with open(out, encoding="utf-8", errors="replace") as f:
                sys.stdout.write(f.read())
    finally:
        if args.output is None:
            os.unlink(out)
    report(outcome)
    return outcome.code
