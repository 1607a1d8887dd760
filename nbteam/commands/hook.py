"""`nbteam hook NAME [ARGS...]`: what nbteam's git hooks run (installed by `nbteam init`).

pre-commit refuses staged notebooks with conflict markers (exit 1); the others keep outputs in
the working copy and the index ready for a content check, and always exit 0.
"""
from __future__ import annotations

import argparse
import sys

from nbteam.git.hooks import GUARD_HOOKS, OUTPUT_HOOKS


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("hook", choices=GUARD_HOOKS + OUTPUT_HOOKS, help="the git hook being run")
    parser.add_argument("args", nargs="*", help="the arguments git passed to the hook")


def run(args: argparse.Namespace) -> int:
    from nbteam.git.run import git_text

    root = git_text(["rev-parse", "--show-toplevel"])
    if not root:
        return 0  # not in a work tree (a bare repository's hook): nothing to look at
    if args.hook == "pre-commit":
        from nbteam.bypass import disabled
        from nbteam.git.hook_actions import guard_message, staged_conflicts

        problems = [] if disabled() else staged_conflicts(root)
        if problems:
            print(guard_message(problems), file=sys.stderr)
            return 1
        return 0
    from nbteam.git.hook_actions import after_git

    try:
        return after_git(root, args.hook, args.args)
    except Exception as e:  # a post-hook must never make a git command look failed
        print(f"nbteam hook {args.hook}: {type(e).__name__}: {e}", file=sys.stderr)
        return 0
