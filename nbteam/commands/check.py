"""`nbteam check [PATH...] [--staged | --rev A..B] [--setup]`: find what would hurt the team, change nothing."""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The command's arguments."""
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="notebooks or folders (default: every notebook git tracks or would add)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--staged", "--cached", action="store_true", help="check what the index stores")
    which.add_argument("--rev", metavar="A..B", help="check the notebooks the range changed, as they are at B")
    which.add_argument("--setup", action="store_true",
                       help="check only that this clone ran `nbteam init` (the pre-commit hook nbteam-setup)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing, only set the exit code")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when all is well, 1 with one line per finding."""
    from nbteam.team.gather import Source, check, setup_problems

    if args.setup:
        if args.paths:
            print(f"nbteam {args.command}: --setup takes no paths", file=sys.stderr)
            return 2
        found = setup_problems()
    else:
        source = Source.RANGE if args.rev else Source.INDEX if args.staged else Source.WORK_TREE
        from importlib.util import find_spec

        validate = find_spec("nbformat") is not None  # its validator is imported only when a notebook is checked
        if not validate:
            print(f"nbteam {args.command}: nbformat is not installed, so notebooks are not run through its"
                  " validator (pip install 'nbteam[check]')", file=sys.stderr)
        found = check(args.paths, source, args.rev, validate=validate)
    if not args.quiet:
        for finding in found:
            print(finding.line())
    return 1 if found else 0
