"""What git says about the conflict markers it would write: marker sizes (and, later, labels)."""
from __future__ import annotations

import os

from nbteam.git.run import run_git

DEFAULT_MARKER_SIZE = 7


def marker_sizes(paths: list[str]) -> dict[str, int]:
    """Each path's `conflict-marker-size` from .gitattributes (7 where unset or outside a repository)."""
    by_dir: dict[str, list[str]] = {}
    for path in paths:
        by_dir.setdefault(os.path.dirname(os.path.abspath(path)), []).append(path)
    sizes = dict.fromkeys(paths, DEFAULT_MARKER_SIZE)
    for folder, group in by_dir.items():
        try:
            p = run_git(["check-attr", "-z", "conflict-marker-size", "--", *(os.path.basename(g) for g in group)],
                        cwd=folder, timeout=30)
        except OSError:
            continue
        if p.returncode != 0:
            continue
        fields = p.stdout.decode("utf-8", "surrogateescape").split("\0")
        for path, value in zip(group, fields[2::3]):  # triples: path, attribute, value
            if value.isdigit() and int(value) > 0:
                sizes[path] = int(value)
    return sizes
