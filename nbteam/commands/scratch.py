"""`nbteam scratch new|list`: create your scratchpad, list everyone's with their promotable cells."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbteam.config import Config
    from nbteam.scratch.scan import NotebookInfo


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Sub-commands and options of `nbteam scratch`."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="{new,list}")
    new = sub.add_parser("new", help="create a scratchpad under scratch/<user>/")
    new.add_argument("name", nargs="?", help="notebook name (default: the --from notebook's name, else 'scratch')")
    new.add_argument("--from", dest="from_", metavar="NOTEBOOK",
                     help="start from a copy of this notebook (outputs stripped, fresh cell ids)")
    new.add_argument("--user", help="owner (default: slug of git user.name)")
    ls = sub.add_parser("list", help="everyone's scratchpads with their %%%%writefile cells and states")
    ls.add_argument("--user", help="only this user's scratchpads")
    ls.add_argument("--branches", action="store_true", help="also scratchpads that other local and remote-tracking branches add or change")
    ls.add_argument("--from", dest="from_", metavar="NOTEBOOK",
                    help="only copies of this team notebook, with every cell that differs from it (the team get-together)")
    ls.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    """Run `scratch new` or `scratch list`."""
    from nbteam.config import open_repo

    root, config = open_repo(os.getcwd())
    if config.warning:
        print(f"warning: {config.warning}", file=sys.stderr)
    if args.action == "new":
        return _new(root, config, args)
    return _list(root, config, args)


def _new(root: Path, config: Config, args: argparse.Namespace) -> int:
    from nbteam.config import resolve_user
    from nbteam.scratch.create import create_scratchpad

    user = resolve_user(root, args.user)
    path, notes = create_scratchpad(root, config, user, args.name, args.from_)
    rel = path.relative_to(root).as_posix()
    print(f"created {rel}")
    for note in notes:
        print(f"  {note}")
    return 0


def _list(root: Path, config: Config, args: argparse.Namespace) -> int:
    from nbteam.config import slugify
    from nbteam.scratch.create import ScratchError
    from nbteam.scratch.guards import repo_relative
    from nbteam.scratch.scan import copies_of, dumps_json, head_tree, list_branches, scan_branch, scan_worktree

    origin = None
    if args.from_ is not None:
        origin = repo_relative(root, args.from_)
        if not (root / origin).is_file():
            raise ScratchError(f"{args.from_}: no such notebook")

    notebooks, manifest_error = scan_worktree(root, config)
    if args.branches:
        head = head_tree(root)
        for name, commit in list_branches(root):
            notebooks += scan_branch(root, name, commit, config, skip_same_as=head)
    if args.user:
        notebooks = [n for n in notebooks if n.user in (args.user, slugify(args.user))]
    if origin is not None:
        notebooks = copies_of(notebooks, origin)
    if manifest_error and origin is None:
        print(f"warning: {manifest_error}; states are shown as if nothing was promoted", file=sys.stderr)
    if args.json:
        print(dumps_json(notebooks))
        return 0
    if origin is not None:
        return _list_copies(notebooks, origin)
    if not notebooks and args.user:
        print(f"No scratchpads for {args.user} under {config.scratch_dir}/.")
        return 0
    if not notebooks:
        print(f"No scratchpads under {config.scratch_dir}/ yet. Create yours with `nbteam scratch new NAME`"
              f" (or `nbteam scratch new --from NOTEBOOK`).")
        return 0
    last_group = None
    for nb in notebooks:
        group = (nb.branch, nb.user)
        if group != last_group:
            print(f"{nb.user}" + (f"  [branch {nb.branch}]" if nb.branch else ""))
            last_group = group
        cells = nb.promotable()
        copy = f"copy of {nb.origin}; " if nb.origin else ""
        differ = sum(k.promotable for k in nb.copy_cells)
        more = f", {differ} differ from {nb.origin}" if nb.origin else ""
        print(f"  {nb.path}" + (f"  ({nb.error})" if nb.error else f"  ({copy}{len(cells)} promotable of {len(nb.cells)} cells{more})"))
        for c in cells:
            arrow = "-a" if c.magic and c.magic.append else "->"
            target = c.target or (c.magic.target if c.magic else "?")
            reason = c.error or (c.plan.reason if c.plan else "")
            print(f"    cell {c.number:<3} {c.key[:12]:<12} {arrow} {target:<28} {c.state}: {reason}")
        if nb.copy_error:
            print(f"    (cannot compare with {nb.origin}: {nb.copy_error})")
        for k in nb.copy_cells:
            number = str(k.number) if k.number is not None else "-"
            print(f"    cell {number:<3} {k.key[:12]:<12} => {nb.origin or '':<28} {k.state}: {k.first_line[:60]}")
    return 0


def _list_copies(copies: list[NotebookInfo], origin: str) -> int:
    """`scratch list --from NB`: every copy's cells that differ from NB, user by user."""
    if not copies:
        print(f"No copy of {origin} has cells that differ from it.")
        return 0
    cells = sum(len(c.copy_cells) for c in copies)
    print(f"{cells} cell(s) differ from {origin} in {len(copies)} cop{'y' if len(copies) == 1 else 'ies'}:")
    for nb in copies:
        print(f"{nb.user}  {nb.path}" + (f"  [branch {nb.branch}]" if nb.branch else ""))
        if nb.copy_error:
            print(f"    (cannot compare with {origin}: {nb.copy_error})")
        for k in nb.copy_cells:
            number = str(k.number) if k.number is not None else "-"
            print(f"    cell {number:<3} {k.key[:12]:<12} {k.state}: {k.first_line[:60]}")
    print("Bring a cell back with `nbteam promote COPY --cell ID` (or --all).")
    return 0
