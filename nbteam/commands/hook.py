"""`nbteam hook NAME [ARGS...]`: what nbteam's git hooks run (installed by `nbteam init`).

pre-commit refuses staged notebooks with conflict markers (exit 1); the others keep outputs in
the working copy and the index ready for a content check, and always exit 0. Hooks run on every
index write, so the usual call skips argparse (fast_run).
"""
from __future__ import annotations

import sys

from nbteam.git.hooks import GUARD_HOOKS, OUTPUT_HOOKS, RETIRED_HOOKS

HOOKS = GUARD_HOOKS + OUTPUT_HOOKS + RETIRED_HOOKS  # retired: an older nbteam's scripts still call them

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("hook", choices=HOOKS, help="the git hook being run")
    parser.add_argument("args", nargs="*", help="the arguments git passed to the hook")


def run_hook(hook: str, args: list[str]) -> int:
    """Run one hook's work from the top of the work tree git runs hooks in; return its exit code."""
    from nbteam.git.run import git_text

    root = git_text(["rev-parse", "--show-toplevel"])
    if not root:
        return 0  # not in a work tree (a bare repository's hook): nothing to look at
    if hook == "pre-commit":
        from nbteam.bypass import disabled
        from nbteam.git.hook_actions import guard_message, staged_conflicts

        problems = [] if disabled() else staged_conflicts(root)
        if problems:
            print(guard_message(problems), file=sys.stderr)
            return 1
        return 0
    from nbteam.workcopy.marks import after_hook

    try:
        return after_hook(root, hook, args)
    except Exception as e:  # a post-hook must never make a git command look failed
        print(f"nbteam hook {hook}: {type(e).__name__}: {e}", file=sys.stderr)
        return 0


def fast_run(argv: list[str]) -> int | None:
    """The hook scripts' call, `nbteam hook NAME ARGS...`, without argparse."""
    if argv and argv[0] in HOOKS and not any(a.startswith("-") for a in argv):
        return run_hook(argv[0], argv[1:])
    return None


def run(args: argparse.Namespace) -> int:
    return run_hook(args.hook, args.args)
