"""`nbteam doctor`: a ✓/✗ report of the git setup nbteam needs, with a fix for each ✗; exit 0 only if healthy."""
from __future__ import annotations

import argparse
import sys

from nbteam.git.doctor import run_checks


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("-C", dest="cwd", default=".", metavar="DIR", help="check the repository at DIR")


def _marks() -> tuple[str, str, str]:
    try:
        "✓✗".encode(sys.stdout.encoding or "ascii")
        return "✓", "✗", "·"
    except (UnicodeEncodeError, LookupError):
        return "ok", "XX", "--"


def run(args: argparse.Namespace) -> int:
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
