"""Driver start: what git pays per notebook before any merging, against a bare `python -c pass`.

git starts one merge-driver process per conflicted notebook, so the registered command's start is
most of a small merge. The goal (issue 9.13): the registered command, merging a small notebook,
costs at most 1.5x a bare `python -c pass` of the same interpreter. Also shown: the same merge
through `python -m nbteam` (site.py, .pth files and PYTHONPATH included), the form before the launcher.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import statistics
import time

from common import time_command

DESCRIPTION = "one merge-driver start on a 3-cell notebook vs a bare interpreter start (ratio: goal <= 1.5x)"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _notebook(source: str) -> str:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{k}", "metadata": {}, "outputs": [],
              "source": s} for k, s in enumerate(["import os\n", source, "print(x)\n"])]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def interleaved(commands: dict[str, list[str]], repeat: int, setup, cwd: Path, envs: dict[str, dict]) -> dict:
    """Median wall time of each command, runs interleaved so that load on the machine hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            setup()
            t = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, env=envs[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}


def run(quick: bool) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from nbteam.integration.registry import command

    repeat = 10 if quick else 40
    tmp = Path(tempfile.mkdtemp(prefix="nbteam-bench-start-"))
    try:
        (tmp / ".git").mkdir()  # a repository-like cwd without config: no git spawn for the style
        base, ours, theirs = (tmp / "base.ipynb", tmp / "ours.ipynb", tmp / "theirs.ipynb")
        base.write_text(_notebook("x = 1\n"))
        theirs.write_text(_notebook("x = 2\n"))
        reset = lambda: ours.write_text(_notebook("x = 1\n"))  # noqa: E731  each run merges afresh
        registered = command("merge.nbteam.driver", sys.executable).replace("%%", "%")
        for key, path in (("O", base), ("A", ours), ("B", theirs), ("L", "7"), ("P", "nb.ipynb")):
            registered = registered.replace(f"%{key}", str(path))
        env = {k: v for k, v in os.environ.items() if k != "NBTEAM_DISABLE"}
        env_m = {**env, "PYTHONPATH": str(ROOT)}
        case = "merge driver start, 3-cell notebook"
        old = [sys.executable, "-m", "nbteam", "merge-driver", str(base), str(ours), str(theirs), "7", "nb.ipynb"]
        t = interleaved({"bare": [sys.executable, "-c", "pass"], "nbteam": ["sh", "-c", registered], "m": old},
                        repeat, reset, tmp, {"bare": env, "nbteam": env, "m": env_m})
        rows = [{"case": case, "tool": "nbteam", "seconds": t["nbteam"],
                 "note": f"registered command (sh guard, -I -S entry): {t['nbteam'] / t['bare']:.2f}x a bare start"},
                {"case": case, "tool": "python -c pass", "seconds": t["bare"], "note": "the yardstick"},
                {"case": case, "tool": "python -m nbteam", "seconds": t["m"],
                 "note": f"the form before the launcher: {t['m'] / t['bare']:.2f}x a bare start"}]
        if shutil.which("git"):
            secs_g = time_command(["git", "merge-file", "-p", str(ours), str(base), str(theirs)], repeat=repeat,
                                  setup=reset, cwd=tmp, env=env)
            rows.append({"case": case, "tool": "git merge-file", "seconds": secs_g, "note": "text only"})
        reset()
        check = subprocess.run(["sh", "-c", registered], cwd=tmp, env=env, capture_output=True, text=True)
        rows[0]["note"] += "" if check.returncode == 0 and '"x = 2\\n"' in ours.read_text() else " (MERGE FAILED)"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
