"""`nbteam conflicts FILE...`: list conflicts left in merged notebooks; exit 1 if any (a pre-commit check)."""
from __future__ import annotations

import argparse
import os
import sys

from nbteam.git.labels import marker_sizes, readable_labels
from nbteam.notebook.io import NotebookError, TextMarkersError, read_notebook
from nbteam.notebook.conflicts import find_conflicts


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The command's arguments."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="notebooks to check")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing, only set the exit code")


def run(args: argparse.Namespace) -> int:
    """Check every file (an unreadable one does not stop the others); 2 beats 1 beats 0."""
    status = 0
    sizes = marker_sizes(args.files)  # git's conflict-marker-size attribute, as the merge used it
    for path in args.files:
        try:
            nb = read_notebook(path)
        except TextMarkersError:
            if not args.quiet:
                print(f"{path}: text conflict markers in the file itself (not a notebook until resolved)")
            status = max(status, 1)
            continue
        except NotebookError as e:
            print(f"nbteam {args.command}: {path}: {e}", file=sys.stderr)
            status = 2
            continue
        found = find_conflicts(nb, sizes[path])
        if found:
            status = max(status, 1)
        if not args.quiet:
            names = readable_labels([label for c in found for label in (c.ours_label, c.theirs_label)],
                                    os.path.dirname(os.path.abspath(path)))
            for c in found:
                sides = [f"{side}: {names[label]}" for side, label in (("ours", c.ours_label), ("theirs", c.theirs_label))
                         if label in names]  # a pull's bare commit id, with its short id and subject
                shown = f" ({'; '.join(sides)})" if sides else ""
                print(f"{path}: cell {c.number} ({c.cell_type}): {c.kind.value} conflict: {c.first_line}{shown}")
    return status
