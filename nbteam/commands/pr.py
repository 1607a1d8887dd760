"""`nbteam pr check BASE [HEAD]` and `nbteam pr merge BASE`: a pull request's merge, cell-aware.

Hosting sites never run merge drivers: their merge button calls a notebook conflicted where
nbteam merges it. `check` predicts the merge (a markdown report, nothing touched); `merge`
makes it on the current branch, for a workflow or a person to push.
"""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The command's arguments."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="predict merging BASE into HEAD: markdown report; exit 1 if a person"
                                         " is needed (touches no work tree, index or ref)")
    check.add_argument("base", metavar="BASE", help="the branch or commit merged in (the pull request's base)")
    check.add_argument("head", metavar="HEAD", nargs="?", default=None, help="the branch merged into"
                                                                              " (default: the current branch)")
    merge = sub.add_parser("merge", help="make the merge commit of BASE on the current branch with nbteam's"
                                         " driver; exit 1 and change nothing if a person is needed")
    merge.add_argument("base", metavar="BASE", help="the branch or commit to merge in")
    merge.add_argument("--if-needed", action="store_true",
                       help="merge only when plain git would conflict (what a hosting site's merge button does)")
    for p in (check, merge):
        p.add_argument("-q", "--quiet", action="store_true", help="print no report, only set the exit code")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when nbteam merges everything (and, for merge, committed it), 1 when a person is needed."""
    from nbteam.team.pr import markdown
    from nbteam.team.pull import merge, predict

    if args.action == "check":
        prediction, _ = predict(args.base, args.head)
        commit = None
    else:
        prediction, commit = merge(args.base, args.if_needed)
    if not args.quiet:
        print(markdown(prediction), end="")
        if commit:
            print(f"\nMerge commit {commit[:12]} made on `{prediction.head}`: push it.")
        elif args.action == "merge" and not prediction.clean:
            print("\nNothing was merged or committed.", file=sys.stderr)
        elif args.action == "merge" and not prediction.up_to_date:
            print("\nPlain git merges it too: no merge commit made (--if-needed).")
    return 0 if prediction.clean else 1
