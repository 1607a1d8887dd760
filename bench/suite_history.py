"""`git log -p` over a notebook's history: nbteam's textconv, warm (git's textconv cache) and cold,
beside plain git showing the same commits as JSON text (no textconv).

Goal (issue 17 item 12): with `diff.nbteam.cachetextconv` on, a warm `git log -p` costs at most
about 3x plain git. Cold, git starts one textconv process per blob version.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import git_env
from notebooks import notebook

DESCRIPTION = "`git log -p` over 35 commits of a 60-cell notebook: textconv warm and cold vs plain git (goal: warm <= 3x)"


def _time(cmd: list[str], repeat: int, cwd: Path, env: dict) -> float:
    import statistics
    import time

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=True)  # read through a pipe, as a pager
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _history(repo: Path, env: dict, commits: int, cells: int) -> None:
    subprocess.run([sys.executable, "-m", "nbteam", "init", "--no-filter"], cwd=repo, env=env, check=True,
                   capture_output=True)
    nb = notebook(cells, outputs=False, seed=1)
    for k in range(commits):
        cell = nb["cells"][(7 * k + 3) % cells]
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        cell["source"] = src + f"# change {k}\n"
        (repo / "analysis.ipynb").write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
        subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
        subprocess.run(["git", "commit", "-qm", f"change {k}"], cwd=repo, env=env, check=True)


def run(quick: bool) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="nbteam-bench-history-"))
    commits, cells, repeat = 35, 60, (3 if quick else 7)
    case = f"git log -p, {commits} commits"
    try:
        env = {**git_env(str(tmp)), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_PAGER": "cat"}
        repo = tmp / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q", str(repo)], env=env, check=True)
        _history(repo, env, commits, cells)
        cached = subprocess.run(["git", "config", "diff.nbteam.cachetextconv"], cwd=repo, env=env,
                                capture_output=True, text=True).stdout.strip() == "true"
        warm_up = subprocess.run(["git", "log", "-p"], cwd=repo, env=env, capture_output=True, text=True)
        if warm_up.returncode != 0 or "# %% [" not in warm_up.stdout:
            return [{"case": case, "tool": "nbteam", "seconds": None, "note": f"failed: {warm_up.stderr[-200:]}"}]
        warm = _time(["git", "log", "-p"], repeat, repo, env)
        cold = _time(["git", "-c", "diff.nbteam.cachetextconv=false", "log", "-p"], max(1, repeat // 2), repo, env)
        plain = _time(["git", "log", "-p", "--no-textconv"], repeat, repo, env)
        return [
            {"case": case, "tool": "nbteam", "seconds": warm,
             "note": f"warm, textconv cache {'on' if cached else 'OFF (not registered)'}: {warm / plain:.1f}x plain git"},
            {"case": case, "tool": "nbteam, cold", "seconds": cold, "note": "cache off: one textconv per blob version"},
            {"case": case, "tool": "git --no-textconv", "seconds": plain, "note": "the JSON text itself"},
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
