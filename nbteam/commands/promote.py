"""`nbteam promote NOTEBOOK`: write `%%writefile` cells into the team's modules, with provenance."""
from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbteam.scratch.guards import ScratchContext
    from nbteam.scratch.update import CellUpdate

EPILOG = """\
Each selected cell's body (without the %%writefile line) is written to its TARGET, resolved
from the notebook's directory as Jupyter does; `-a` cells are appended once. A unified diff is
printed before anything is written, and every promotion is recorded in the manifest
(.nbteam/promotions.jsonl by default). A module that changed since the last promotion (edited by
hand, merged, or promoted from another cell) is not overwritten unless --force is given; the
refusal names who last changed it and in which commit. A module that holds exactly what the
notebook's write and append cells write (they were run in Jupyter) is recorded as it is. A
promotion is all or nothing: if a cell is refused, no cell is promoted. An invalid or unsafe
target stops the whole promotion before anything is written (--force never overrides that). Promoting from
someone else's scratchpad asks first (--yes to confirm in scripts); the manifest records both.

--update goes the other way: each promoted module's edits since its last promotion are mapped
to the write or append cell whose part they change and merged three-way into it (conflicts are
marked in the cell; the module is left as it is); an edit no one cell owns is refused.

For a copy made with `nbteam scratch new --from NB`, a cell that is not a %%writefile cell
(changed, added or deleted in the copy) is merged back into NB with --cell ID or --all, by the
same three-way cell merge as `git merge`; conflicts are marked in NB; the diff is shown first.
Exit status: 0 all done, 1 some cell refused or conflicted, 2 usage, safety or setup error."""


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of `nbteam promote`."""
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("notebook", help="the notebook holding the %%%%writefile cells")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--cell", action="extend", nargs="+", metavar="N|ID", default=None,
                       help="cells to promote: 1-based cell numbers or cell ids (default: all %%%%writefile cells)")
    which.add_argument("--all", action="store_true",
                       help="every %%%%writefile cell (the default) and, for a copy of a team notebook, every cell that differs from it")
    parser.add_argument("--update", action="store_true",
                        help="the other way: merge each promoted module's edits into its %%%%writefile cell")
    parser.add_argument("--dry-run", "-n", action="store_true", help="show the diffs, write nothing")
    parser.add_argument("--force", action="store_true", help="overwrite modules that changed since their last promotion")
    parser.add_argument("--stage", action="store_true", help="git add what was written: modules, manifest, notebooks (through the clean filter)")
    parser.add_argument("--user", help="who is promoting, for the manifest (default: see docs/scratchpads.md)")
    parser.add_argument("--yes", "-y", action="store_true",
                        help="confirm promoting from someone else's scratchpad (asked interactively otherwise)")


def run(args: argparse.Namespace) -> int:
    """Promote and report each cell; return the exit status."""
    from nbteam.config import open_repo, resolve_user
    from nbteam.scratch.flowback import split_selection
    from nbteam.scratch.guards import PromoteError, ScratchContext
    from nbteam.scratch.scan import read_scratchpad

    if not os.path.isfile(args.notebook):
        raise PromoteError(f"{args.notebook}: no such notebook")
    root, config = open_repo(os.path.dirname(os.path.abspath(args.notebook)))
    if config.warning:
        print(f"warning: {config.warning}", file=sys.stderr)
    ctx = ScratchContext.of(root, config, resolve_user(root, args.user))
    notebook = ctx.rel(args.notebook)
    if args.update:
        from nbteam.scratch.update import plan_notebook_updates

        plan = plan_notebook_updates(ctx, notebook, args.cell)
        updates = plan.updates if args.dry_run else plan.apply(confirmed=_owner_agrees(plan.acts_for, ctx.user, args.yes),
                                                               stage=args.stage)
        return _report_updates(updates, args.dry_run)
    info = read_scratchpad(root, config, notebook)
    if info.origin is None:
        return _promote_modules(ctx, notebook, args, args.cell)
    modules, back = split_selection(info, args.cell, args.all)
    code = _promote_modules(ctx, notebook, args, modules) if modules else 0
    if back:
        code = max(code, _promote_back(ctx, notebook, args, back))
    return code


def _owner_agrees(acts_for: str, user: str, yes: bool) -> bool:
    """True if the user may act in acts_for's scratchpad: --yes, nobody else's, or yes at the prompt."""
    return yes or not acts_for or confirm(f"{acts_for}'s scratchpad: promote from it as {user}?")


def _promote_modules(ctx: ScratchContext, notebook: str, args: argparse.Namespace, cells: list[str] | None) -> int:
    """Promote `%%writefile` cells into their modules and print each outcome; the exit status."""
    from nbteam.scratch.promote import PromotionResult, plan_notebook

    plan = plan_notebook(ctx, notebook, cells, args.force)
    outcomes = plan.outcomes if args.dry_run else plan.apply(
        confirmed=_owner_agrees(plan.acts_for, ctx.user, args.yes), stage=args.stage)
    for o in outcomes:
        label = f"cell {o.cell.number} ({o.cell.key})"
        if o.cell.target:
            label += f" -> {o.cell.target}"
        diff = o.diff() if o.plan is not None and o.result is not PromotionResult.UNCHANGED else ""
        if diff:
            sys.stdout.write(diff)
        print(f"{label}: {o.result}: {o.message}")
    if args.dry_run:
        print("(dry run: nothing was written)")
    elif args.stage and any(o.result is PromotionResult.PROMOTED for o in outcomes):
        print("staged the modules, the manifest and the notebook")
    return 0 if all(o.ok for o in outcomes) else 1


def _promote_back(ctx: ScratchContext, copy: str, args: argparse.Namespace, cells: list[str]) -> int:
    """Merge a copy's cells back into its origin notebook and print the diff; 1 if conflicts were left."""
    from nbteam.scratch.flowback import plan_copy

    plan = plan_copy(ctx, copy, cells)
    done = plan.shown if args.dry_run else plan.apply(confirmed=_owner_agrees(plan.acts_for, ctx.user, args.yes),
                                                      stage=args.stage)
    sys.stdout.write(done.diff)
    what = f"{len(done.cells)} cell(s) of {done.copy} ({', '.join(c.key for c in done.cells)})"
    verb = "would merge" if args.dry_run else "merged"
    if done.conflicts:
        print(f"{what}: {verb} into {done.origin} with {done.conflicts} conflict(s) marked there;"
              f" resolve them (`nbteam conflicts {done.origin}`)")
    else:
        print(f"{what}: {verb} into {done.origin}; in sync now" if not args.dry_run else f"{what}: {verb} into {done.origin}")
    if args.dry_run:
        print("(dry run: nothing was written)")
    return 1 if done.conflicts else 0


def _report_updates(updates: list[CellUpdate], dry_run: bool) -> int:
    """Print each `--update` outcome with its diff; 1 if any cell conflicted or was refused."""
    for u in updates:
        sys.stdout.write(u.diff())
        print(f"cell {u.cell.number} ({u.cell.key}) <- {u.target}: {u.result}: {u.message}")
    if dry_run:
        print("(dry run: nothing was written)")
    return 0 if all(u.ok for u in updates) else 1


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; False without one (scripts must pass --yes)."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")
