"""`nbteam promote NOTEBOOK`: write `%%writefile` cells into the team's modules, with provenance."""
from __future__ import annotations

import argparse
import os
import sys

EPILOG = """\
Each selected cell's body (without the %%writefile line) is written to its TARGET, resolved
from the notebook's directory as Jupyter does; `-a` cells are appended once. A unified diff is
printed before anything is written, and every promotion is recorded in the manifest
(.nbteam/promotions.jsonl by default). A module that changed since the last promotion (edited by
hand, merged, or promoted from another cell) is not overwritten unless --force is given.
Exit status: 0 all done, 1 some cell refused or invalid, 2 usage or setup error."""


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of `nbteam promote`."""
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("notebook", help="the notebook holding the %%%%writefile cells")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--cell", action="extend", nargs="+", metavar="N|ID", default=None,
                       help="cells to promote: 1-based cell numbers or cell ids (default: all %%%%writefile cells)")
    which.add_argument("--all", action="store_true", help="promote every %%%%writefile cell (the default)")
    parser.add_argument("--dry-run", "-n", action="store_true", help="show the diffs, write nothing")
    parser.add_argument("--force", action="store_true", help="overwrite modules that changed since their last promotion")
    parser.add_argument("--stage", action="store_true", help="add the written modules and the manifest to git's index")
    parser.add_argument("--user", help="who is promoting, for the manifest (default: slug of git user.name)")


def run(args: argparse.Namespace) -> int:
    """Promote and report each cell; return the exit status."""
    from nbteam.config import ConfigError, open_repo, resolve_user
    from nbteam.scratch.manifest import ManifestError
    from nbteam.scratch.promote import PROMOTED, PromoteError, promote_notebook

    prog = "nbteam promote"
    if not os.path.isfile(args.notebook):
        print(f"{prog}: {args.notebook}: no such notebook", file=sys.stderr)
        return 2
    try:
        root, config = open_repo(os.path.dirname(os.path.abspath(args.notebook)))
        if config.warning:
            print(f"warning: {config.warning}", file=sys.stderr)
        user = resolve_user(root, args.user)
        outcomes = promote_notebook(root, config, args.notebook, user, args.cell, args.force, args.dry_run, args.stage)
    except (ConfigError, ManifestError, PromoteError) as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    for o in outcomes:
        label = f"cell {o.cell.number} ({o.cell.key})"
        if o.cell.target:
            label += f" -> {o.cell.target}"
        diff = o.diff() if o.plan is not None and o.result != "unchanged" else ""
        if diff:
            sys.stdout.write(diff)
        print(f"{label}: {o.result}: {o.message}")
    if args.dry_run:
        print("(dry run: nothing was written)")
    elif args.stage and any(o.result == PROMOTED for o in outcomes):
        print("staged the modules and the manifest")
    return 0 if all(o.ok for o in outcomes) else 1
