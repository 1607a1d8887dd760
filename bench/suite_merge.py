"""Merge driver: the whole `nbteam merge-driver` process vs nbdime's git-nbmergedriver and `git merge-file`."""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from common import time_command, tool_path, without_rfc3987
from notebooks import three_way, write_triple

DESCRIPTION = "one merge-driver process per notebook, as git runs it (median wall time)"


FAST = "nbdime (no rfc3987_syntax)"  # nbformat's slow optional import hidden: see common.without_rfc3987


def _drivers(base: Path, ours: Path, theirs: Path, work: Path) -> dict[str, list[str] | None]:
    nbdime = tool_path("git-nbmergedriver")
    nbdime_cmd = [nbdime, "merge", str(base), str(work), str(theirs), "7", "nb.ipynb"] if nbdime else None
    return {
        "nbteam": [sys.executable, "-m", "nbteam", "merge-driver", str(base), str(work), str(theirs), "7", "nb.ipynb"],
        FAST: nbdime_cmd,
        "nbdime": nbdime_cmd,
        "git merge-file": ["git", "merge-file", str(work), str(base), str(theirs)],
    }


def run(quick: bool) -> list[dict]:
    cases = [
        ("80 cells with ids, clean", dict(cells=80), True),
        ("80 cells with ids, 1 conflict", dict(cells=80, conflict=True), True),
        ("500 cells without ids", dict(cells=500, ids=False), True),
        ("5,000 cells without ids", dict(cells=5000, ids=False), False),
    ]
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="nbteam-bench-"))
    try:
        for name, spec, with_nbdime in cases:
            base, ours, theirs = write_triple(tmp / name.replace(" ", "_"), three_way(**spec))
            work = ours.with_name("work.ipynb")
            for tool, cmd in _drivers(base, ours, theirs, work).items():
                if cmd is None:
                    rows.append({"case": name, "tool": tool, "seconds": None, "note": "not installed ([bench] extra)"})
                    continue
                if tool in ("nbdime", FAST) and not with_nbdime:
                    rows.append({"case": name, "tool": tool, "seconds": None, "note": "skipped: minutes per run"})
                    continue
                # nbdime takes seconds to minutes a run: fewer repetitions, one on the id-less notebook
                nbdime = tool in ("nbdime", FAST)
                slow = nbdime and (quick or not spec.get("ids", True))
                repeat = 1 if slow else (3 if nbdime or quick else 9)
                env = without_rfc3987(tmp) if tool == FAST else None
                secs = time_command(cmd, repeat=repeat, setup=lambda: shutil.copy(ours, work), ok=range(128), env=env)
                rows.append({"case": name, "tool": tool, "seconds": secs})
        rows.append({"case": "interpreter start-up (floor)", "tool": "nbteam", "seconds": time_command(
            [sys.executable, "-m", "nbteam", "--version"], repeat=9)})
        rows.append({"case": "interpreter start-up (floor)", "tool": "python -c pass", "seconds": time_command(
            [sys.executable, "-c", "pass"], repeat=9)})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
