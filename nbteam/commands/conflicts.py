"""`nbteam conflicts FILE...`: list conflicts left in merged notebooks; exit 1 if any (a pre-commit check)."""
from __future__ import annotations

import argparse
import sys

from nbteam.notebook.markers import find_conflicts
from nbteam.notebook.io import NotebookError, read_notebook


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="notebooks to check")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing, only set the exit code")


def run(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        try:
            nb = read_notebook(path)
        except NotebookError as e:
            if "conflict markers" in str(e):
                if not args.quiet:
                    print(f"{path}: text conflict markers in the file itself (not a notebook until resolved)")
                status = max(status, 1)
            else:
                print(f"nbteam: {path}: {e}", file=sys.stderr)
                status = 2
            continue
        found = find_conflicts(nb)
        if found:
            status = max(status, 1)
        if not args.quiet:
            for c in found:
                print(f"{path}: cell {c.cell} ({c.cell_type}): {c.kind} conflict: {c.first_line}")
    return status
