"""Diff driver: `git diff` of changed notebooks through nbteam's diff driver vs nbdime's git-nbdiffdriver."""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import git_env, tool_path, without_rfc3987
from notebooks import notebook

FAST = "nbdime (no rfc3987_syntax)"  # see suite_filter.py: nbformat's slow optional import, hidden
DESCRIPTION = ("`git diff` (work tree vs index) with each tool's diff driver configured, same repository contents; "
               "and nbteam's `git log -p` of the same edits (textconv)")


def _edit(nb: dict, seed: int) -> dict:
    out = json.loads(json.dumps(nb))
    cells = out["cells"]
    for k in range(3, len(cells), 17):
        src = cells[k]["source"]
        cells[k]["source"] = (src if isinstance(src, str) else "".join(src)) + f"# edited {seed}\n"
    cells.insert(len(cells) // 2, {"cell_type": "markdown", "id": f"new-{seed}", "metadata": {}, "source": "## New"})
    del cells[1]
    return out


def _write(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


def _repo(path: Path, env: dict, files: int, cells: int, configure: list[list[str]], attributes: str) -> None:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True, env=env)
    for cmd in configure:
        subprocess.run(cmd, cwd=path, env=env, check=True, capture_output=True)
    if attributes:
        (path / ".gitattributes").write_text(attributes)
    for k in range(files):
        _write(path / f"nb{k}.ipynb", notebook(cells, outputs=False, seed=k))
    subprocess.run(["git", "add", "-A"], cwd=path, env=env, check=True)
    subprocess.run(["git", "commit", "-qm", "base"], cwd=path, env=env, check=True)
    for k in range(files):
        _write(path / f"nb{k}.ipynb", _edit(notebook(cells, outputs=False, seed=k), k))


def _time(cmd: list[str], repeat: int, cwd: Path, env: dict) -> float:
    """Median wall time with stdout read through a pipe, as a pager would (git skips work for /dev/null)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _log_p(name: str, repo: Path, env: dict, repeat: int) -> dict:
    """`git log -p -1` of the edits once committed: nbteam's textconv view (nbdime has none), no anchor."""
    subprocess.run(["git", "commit", "-qam", "edits"], cwd=repo, env=env, check=True)
    out = subprocess.run(["git", "log", "-p", "-1"], cwd=repo, env=env, capture_output=True, text=True)
    case = f"{name}, git log -p"
    if out.returncode != 0 or "# %% [" not in out.stdout:
        return {"case": case, "tool": "nbteam", "seconds": None, "note": f"failed: {out.stderr[-200:]}"}
    # git caches nothing between runs (no diff.nbteam.cachetextconv): each run converts both versions.
    secs = _time(["git", "log", "-p", "-1"], repeat, repo, env)
    return {"case": case, "tool": "nbteam", "seconds": secs, "note": f"{len(out.stdout.splitlines())} lines"}


def run(quick: bool) -> list[dict]:
    cases = [("1 notebook, 100 cells", 1, 100), ("10 notebooks, 60 cells each", 10, 60)]
    if not quick:
        cases.append(("1 notebook, 1,000 cells", 1, 1000))
    tmp = Path(tempfile.mkdtemp(prefix="nbteam-bench-diff-"))
    rows = []
    nbdime = tool_path("git-nbdiffdriver")
    try:
        home = tmp / "home"
        home.mkdir()
        env = git_env(str(home))
        env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_PAGER="cat")
        for name, files, cells in cases:
            nbdime_setup = ([["git", "config", "diff.jupyternotebook.command", f'"{nbdime}" diff']],
                            "*.ipynb diff=jupyternotebook\n") if nbdime else None
            setups = {
                "nbteam": ([[sys.executable, "-m", "nbteam", "init", "--no-filter"]], ""),
                FAST: nbdime_setup,
                "nbdime": nbdime_setup if not quick or files == 1 else None,
            }
            for tool, setup in setups.items():
                if tool == "nbdime" and setup is None and nbdime:
                    continue  # as installed it takes seconds per file: only the 1-notebook case in --quick
                if setup is None:
                    rows.append({"case": name, "tool": tool, "seconds": None, "note": "not installed ([bench] extra)"})
                    continue
                repo = tmp / f"{tool.split()[0]}-{len(rows)}-{files}-{cells}"
                tool_env = without_rfc3987(tmp, env) if tool == FAST else env
                _repo(repo, tool_env, files, cells, *setup)
                out = subprocess.run(["git", "diff"], cwd=repo, env=tool_env, capture_output=True, text=True)
                if out.returncode != 0 or "edited" not in out.stdout or "## " not in out.stdout:
                    rows.append({"case": name, "tool": tool, "seconds": None, "note": f"failed: {out.stderr[-200:]}"})
                    continue
                repeat = 3 if quick or tool != "nbteam" else 9
                secs = _time(["git", "diff"], repeat, repo, tool_env)
                rows.append({"case": name, "tool": tool, "seconds": secs, "note": f"{len(out.stdout.splitlines())} lines"})
                if tool == "nbteam":
                    rows.append(_log_p(name, repo, tool_env, repeat))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
