"""`nbteam hook NAME [ARGS...]`: what nbteam's git hooks run (installed by `nbteam init`).

pre-commit, prepare-commit-msg (a rebase's commit) and pre-applypatch (`git am`) refuse staged
notebooks with conflict markers (exit 1; nbteam.integration.guard); post-commit and
post-applypatch say loudly when a commit recorded some anyway; the others keep outputs in the
working copy and the index ready for a content check, and always exit 0. Hooks run on every
index write, so the usual call skips argparse (fast_run).
"""
from __future__ import annotations

import sys

from nbteam.integration import ALL_HOOKS, CONTINUE_FLAGS, CONTINUE_ONLY, NOTICE_HOOKS

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("hook", choices=ALL_HOOKS, help="the git hook being run")
    parser.add_argument("args", nargs="*", help="the arguments git passed to the hook")


def run_hook(hook: str, args: list[str]) -> int:
    """Run one hook's work from the top of the work tree git runs hooks in; return its exit code."""
    from nbteam.git.run import locate

    where = locate()
    root = where.top if where else None
    if not root:
        return 0  # not in a work tree (a bare repository's hook): nothing to look at
    if hook in CONTINUE_ONLY and not _continuing(CONTINUE_FLAGS[CONTINUE_ONLY[hook]]):
        return 0
    if hook in GUARDS:
        return _guard(root, hook)
    from nbteam.bypass import disabled
    from nbteam.git.caller import in_sequence
    from nbteam.workcopy.marks import after_hook

    try:
        # The commits a rebase makes say nothing here: `rebase --continue`'s are guarded before they are made.
        if hook in NOTICE_HOOKS and not disabled() and (hook == "post-applypatch" or not in_sequence(root)):
            from nbteam.integration.guard import committed_notice

            notice = committed_notice(root)
            if notice:
                print(notice, file=sys.stderr)
        if hook == "post-applypatch":
            return 0
        return after_hook(root, hook, args)
    except Exception as e:  # a post-hook must never make a git command look failed
        print(f"nbteam hook {hook}: {type(e).__name__}: {e}", file=sys.stderr)
        return 0


# The guard hooks, and the operation each refuses a commit of (its way out differs).
GUARDS = {"pre-commit": "commit", "prepare-commit-msg": "rebase", "pre-applypatch": "am"}


def _continuing(flags: tuple[str, ...]) -> bool:
    """True when `git rebase --continue` or `git am --continue` (or another of `flags`, `git am -r`
    say) runs this hook, directly or through a git it ran.

    A `git commit` the user typed is pre-commit's (and its --no-verify means what it says); the
    other commits of a rebase or am replay commits already made."""
    from nbteam.git.caller import git_ancestors, subcommand

    return any(subcommand(argv) in ("rebase", "am") and any(flag in argv for flag in flags)
               for argv in git_ancestors())


def _guard(root: str, hook: str) -> int:
    """Refuse (exit 1) a commit whose staged notebooks hold conflict markers this commit introduces."""
    from nbteam.bypass import disabled

    if disabled():
        return 0
    from nbteam.integration.guard import guard_message, staged_conflicts

    problems = staged_conflicts(root)
    if problems:
        print(guard_message(problems, GUARDS[hook]), file=sys.stderr)
        return 1
    return 0


def fast_run(argv: list[str]) -> int | None:
    """The hook scripts' call, `nbteam hook NAME ARGS...`, without argparse."""
    if argv and argv[0] in ALL_HOOKS and not any(a.startswith("-") for a in argv):
        return run_hook(argv[0], argv[1:])
    return None


def run(args: argparse.Namespace) -> int:
    return run_hook(args.hook, args.args)
