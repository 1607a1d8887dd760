"""`nbteam doctor`: a ✓/✗ report of the git setup nbteam needs, with a fix for each ✗; exit 0 only if healthy.

`--fix` re-commits notebooks that were committed with outputs, after showing the commands.
"""
from __future__ import annotations

import argparse
import shlex
import sys

from nbteam.integration.doctor import plan_fix, run_checks, run_fix


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """-C DIR and --fix."""
    parser.add_argument("-C", dest="cwd", default=".", metavar="DIR", help="check the repository at DIR")
    parser.add_argument("--fix", action="store_true",
                        help="re-commit notebooks committed with outputs through the filter (shows the commands)")


def _marks() -> tuple[str, str, str]:
    try:
        "✓✗".encode(sys.stdout.encoding or "ascii")
        return "✓", "✗", "·"
    except (UnicodeEncodeError, LookupError):
        return "ok", "XX", "--"


def run(args: argparse.Namespace) -> int:
    """Print the report; with --fix, first repair what can be repaired safely."""
    if args.fix:
        root, _ = run_checks(args.cwd)
        if root:
            commands = plan_fix(root)
            if commands:
                print("nbteam doctor --fix: re-committing the notebooks committed with outputs, through the filter:")
            for cmd in commands:
                print(f"$ {shlex.join(['git', *cmd])}", flush=True)
            run_fix(root, commands)
            if commands:
                print("done: git no longer shows them as modified\n")
    root, checks = run_checks(args.cwd)
    good, bad, note = _marks()
    print(f"nbteam doctor: {'repository ' + root if root else 'no repository (user configuration)'}")
    for c in checks:
        mark = good if c.ok else bad if c.ok is False else note
        print(f"{mark} {c.text}")
        if c.ok is False and c.fix:
            print(f"    fix: {c.fix}")
    problems = sum(1 for c in checks if c.ok is False)
    print("healthy" if not problems else f"{problems} problem{'s' * (problems != 1)}")
    return 0 if not problems else 1
