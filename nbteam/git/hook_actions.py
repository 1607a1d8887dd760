"""What nbteam's pre-commit hook checks: staged notebooks that still hold conflict markers.

(The output half of the hooks lives in nbteam.workcopy.)
"""
from __future__ import annotations

import os

from nbteam.git.run import run_git


# --- the commit guard -------------------------------------------------------------------------------

def staged_notebooks(root: str) -> list[str]:
    """Notebooks added or changed in the index (what `git commit` is about to record)."""
    p = run_git(["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR", "--", "*.ipynb"], cwd=root)
    return [n.decode("utf-8", "surrogateescape") for n in p.stdout.split(b"\0") if n] if p.returncode == 0 else []


def staged_conflicts(root: str) -> list[str]:
    """One line per conflict left in a staged notebook's staged content (not the working copy)."""
    from nbteam.git.labels import marker_sizes
    from nbteam.notebook.io import NotebookError, has_text_conflict_markers, parse_notebook
    from nbteam.notebook.markers import find_conflicts

    problems = []
    paths = staged_notebooks(root)
    sizes = marker_sizes([os.path.join(root, path) for path in paths])  # conflict-marker-size as merged
    for path in paths:
        p = run_git(["cat-file", "blob", f":{path}"], cwd=root)
        if p.returncode != 0:
            continue
        try:
            nb = parse_notebook(p.stdout, path)
        except NotebookError:
            text = p.stdout.decode("utf-8", "replace")
            if has_text_conflict_markers(text) or "<<<<<<< " in text:
                problems.append(f"{path}: conflict markers in the file itself (a text merge); it is not a notebook yet")
            continue
        for c in find_conflicts(nb, sizes[os.path.join(root, path)]):
            detail = f": {c.first_line}" if c.first_line else ""
            problems.append(f"{path}: cell {c.cell} ({c.cell_type}) has a {c.kind.value} conflict{detail}")
    return problems


def guard_message(problems: list[str]) -> str:
    """What the pre-commit hook prints when it refuses a commit."""
    files = sorted({line.split(": ", 1)[0] for line in problems})
    return "\n".join([
        "nbteam: commit refused: staged notebooks still have merge conflict markers",
        *[f"  {line}" for line in problems],
        f"Resolve them with `nbteam resolve {' '.join(files)} --ours|--theirs|--both` (or `git mergetool`),"
        " then `git add` them;",
        "or commit them as they are with `git commit --no-verify`.",
    ])
