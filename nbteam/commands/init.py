"""`nbteam init` / `nbteam uninstall`: register or remove nbteam's git drivers, filter and attributes.

Argument parsing and printing only; what is written and removed lives in nbteam.integration.install.
"""
from __future__ import annotations

import argparse
import os
import sys

from nbteam.integration import install as setup


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """--global/--repo for both commands; the filter choice and interpreter for init."""
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--global", dest="scope", action="store_const", const=setup.Scope.GLOBAL,
                       help="your user config (~/.gitconfig) and user attributes file, for every repository")
    scope.add_argument("--repo", dest="scope", action="store_const", const=setup.Scope.REPO,
                       help="this repository's .git/config and top-level .gitattributes (the default)")
    parser.set_defaults(scope=setup.Scope.REPO)
    if name == "init":
        outputs = parser.add_mutually_exclusive_group()
        outputs.add_argument("--no-filter", dest="with_filter", action="store_false", default=None,
                             help="keep outputs: commit notebooks with them and keep them through merges"
                                  " (writes keep_outputs = true to the team settings)")
        outputs.add_argument("--filter", dest="with_filter", action="store_true",
                             help="strip outputs on `git add` (writes keep_outputs = false); without either"
                                  " flag init follows the team settings, stripping by default")
        parser.add_argument("--python", default=None, metavar="PATH",
                            help="interpreter git should run nbteam with (default: this one)")


def interpreter(path: str | None = None) -> str:
    """Absolute path of the Python to register: the given one or this one (symlinks kept: venvs)."""
    return os.path.abspath(path or sys.executable)


def run(args: argparse.Namespace) -> int:
    """Run init or uninstall and print what changed."""
    scope_name = "user (global)" if args.scope is setup.Scope.GLOBAL else "repository"
    if args.command == "init":
        report = setup.init(args.scope, args.with_filter, interpreter(args.python))
    else:
        report = setup.uninstall(args.scope)
    if not report.changes:
        print(f"nbteam {args.command} ({scope_name} scope): nothing to change"
              + (", already set up" if args.command == "init" else ", nbteam was not installed here"))
    else:
        print(f"nbteam {args.command} ({scope_name} scope) changed:")
    for line in report.changes:
        print(f"  {line}")
    for line in report.notes:
        print(f"  note: {line}")
    if args.command == "init" and report.changes and report.to_commit:
        print(f"Commit {' and '.join(report.to_commit)} so teammates get the same setup;"
              " each of them runs `nbteam init` once.")
    if args.command == "init" and report.changes:
        print("Check the setup any time with `nbteam doctor`.")
    return 0
