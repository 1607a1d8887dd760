"""Outputs in the working copy at repository scale: everyday git commands in a repository of N run notebooks.

Three repositories per size, built the same way, measured in one run:
- git: plain git, no filter (the floor; its commits hold outputs);
- nbstripout: `nbstripout --install` (a clean process per file, smudge `cat`);
- nbteam: `nbteam init` (filter process, hooks, outputs kept in the working copy).

Cases: three no-op `git status` in a row (the 2nd and 3rd timed), a no-op `git add -A`, a
`git commit` of 20 staged notebooks, and a `git checkout` / `git pull` touching 200 notebooks.
The note says how many notebooks each command sent through the filter (GIT_TRACE_PACKET for the
filter process, GIT_TRACE for one-process-per-file filters). The bulk `git add` that builds the
nbstripout repository uses nbteam's filter process (same stripped result, minutes faster); every
measured command runs nbstripout itself.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import git_env, time_command, tool_path, without_rfc3987
from notebooks import notebook

DESCRIPTION = "no-op status/add, commit of 20, checkout/pull of 200, in repositories of N run notebooks"
TOOLS = ("nbteam", "git", "nbstripout")
SET_TIME = 1_600_000_000  # explicit mtimes: git's racy check never decides what is measured


def _git(repo: Path, env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {p.stderr[-400:]}")
    return p


def _write(repo: Path, k: int, edit: int = 0) -> None:
    nb = notebook(20, outputs=True, seed=k)
    if edit:
        nb["cells"][1]["source"] += f"# edit {edit}\n"
    path = repo / "nbs" / f"nb{k:04d}.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    os.utime(path, (SET_TIME + k + edit * 10_000, SET_TIME + k + edit * 10_000))


def _build(repo: Path, env: dict, tool: str, n: int) -> None:
    """n run notebooks committed (stripped where the tool strips); branch b200 changes 200 of them."""
    (repo / "nbs").mkdir(parents=True)
    _git(repo, env, "init", "-q", "-b", "main")
    for k in range(n):
        _write(repo, k)
    bulk: list[str] = []
    if tool == "nbteam":
        subprocess.run([sys.executable, "-m", "nbteam", "init"], cwd=repo, env=env, check=True, capture_output=True)
    elif tool == "nbstripout":
        subprocess.run([tool_path("nbstripout"), "--install"], cwd=repo, env=env, check=True, capture_output=True)
        entry = Path(__import__("nbteam").__file__).parent / "git" / "entry.py"
        bulk = ["-c", f"filter.nbstripout.process={sys.executable} -I -S {entry} filter-process"]
    _git(repo, env, *bulk, "add", "-A")
    _git(repo, env, *bulk, "commit", "-qm", "base")
    _git(repo, env, "checkout", "-qb", "b200")
    for k in range(min(200, n)):
        _write(repo, k, edit=1)
    _git(repo, env, *bulk, "commit", "-qam", "200 changed")
    _git(repo, env, "checkout", "-q", "main")
    for k in range(n):  # the working copy: every notebook run (outputs), as in the working day
        _write(repo, k)
    _git(repo, env, *bulk, "add", "-A")  # and recorded by git (stages nothing): the no-op state for every tool
    _unracy(repo)
    _git(repo, env, "status")


def _unracy(repo: Path) -> None:
    """Date the index after every file git just wrote: no entry is racily clean, so no measured command
    re-reads files only because they were written in the same second as the index (timing, not tool)."""
    later = time.time() + 2
    os.utime(repo / ".git" / "index", (later, later))


def _filtered(repo: Path, env: dict, *args: str) -> int:
    """How many notebooks one run of `git ARGS` sent through a filter (clean or smudge)."""
    p = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                       env={**env, "GIT_TRACE_PACKET": "1", "GIT_TRACE": "1"})
    err = p.stderr
    return (err.count("> command=clean") + err.count("> command=smudge")
            + sum(1 for line in err.splitlines() if "run_command:" in line and "nbstripout" in line))


def _cases(repo: Path, env: dict, tool: str, n: int, quick: bool) -> list[dict]:
    rows = []
    repeat = 1 if quick or tool == "nbstripout" else 3  # nbstripout: one process per file, minutes

    def row(case: str, secs: float, note: str) -> None:
        rows.append({"case": f"{case}, {n} nbs", "tool": tool, "seconds": secs, "note": note})

    _git(repo, env, "status")
    counts = [_filtered(repo, env, "status") for _ in range(2)]
    secs = time_command(["git", "status"], repeat=repeat, cwd=repo, env=env)
    row("no-op git status (after the 1st)", secs, f"filtered {counts[0]}, {counts[1]} (2nd, 3rd run)")
    counts = [_filtered(repo, env, "add", "-A")]
    secs = time_command(["git", "add", "-A"], repeat=repeat, cwd=repo, env=env)
    row("no-op git add -A", secs, f"filtered {counts[0]}")

    edits = iter(range(2, 1000))

    def stage20() -> None:
        e = next(edits)
        for k in range(20):
            _write(repo, n - 1 - k, edit=e)
        _git(repo, env, "add", "-A")
        _unracy(repo)

    stage20()
    counts = [_filtered(repo, env, "commit", "-qm", "20")]
    secs = time_command(["git", "commit", "-qm", "20"], repeat=repeat, setup=stage20, cwd=repo, env=env, ok=(0,))
    row("git commit, 20 staged", secs, f"filtered {counts[0]}")

    base = _git(repo, env, "rev-parse", "HEAD").stdout.strip()
    # b200x: the commits above plus branch b200's 200 edits, merged without touching the working copy
    tree = _git(repo, env, "merge-tree", "--write-tree", base, "b200").stdout.split()[0]
    merged = _git(repo, env, "commit-tree", tree, "-p", base, "-p", "b200", "-m", "b200x").stdout.strip()
    _git(repo, env, "branch", "-q", "-f", "b200x", merged)
    _unracy(repo)
    switch = iter(["b200x", "main"] * 20)
    counts = [_filtered(repo, env, "checkout", "-q", next(switch))]
    _unracy(repo)
    times = []
    for _ in range(repeat):
        target = next(switch)
        t = time.perf_counter()
        _git(repo, env, "checkout", "-q", target)
        times.append(time.perf_counter() - t)
        _unracy(repo)
    times.sort()
    row("git checkout, 200 notebooks change", times[len(times) // 2], f"filtered {counts[0]}")
    if _git(repo, env, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip() != "main":
        _git(repo, env, "checkout", "-q", "main")

    def back() -> None:
        _git(repo, env, "reset", "-q", "--hard", base)
        _unracy(repo)

    back()
    counts = [_filtered(repo, env, "pull", "-q", "--ff-only", ".", "b200x")]
    back()
    secs = time_command(["git", "pull", "-q", "--ff-only", ".", "b200x"], repeat=repeat, setup=back, cwd=repo,
                        env=env, ok=(0,))
    row("git pull, 200 notebooks change", secs, f"filtered {counts[0]}")
    return rows


def run(quick: bool) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="nbteam-bench-workcopy-"))
    rows: list[dict] = []
    try:
        home = tmp / "home"
        home.mkdir()
        env = without_rfc3987(tmp, git_env(str(home)))  # nbstripout's fairer figure (see suite_filter)
        env["GIT_CONFIG_GLOBAL"] = os.devnull
        for n in ([300] if quick else [300, 2000]):
            for tool in TOOLS:
                if tool == "nbstripout" and not tool_path("nbstripout"):
                    rows.append({"case": f"{n} nbs", "tool": tool, "seconds": None,
                                 "note": "not installed ([bench] extra)"})
                    continue
                repo = tmp / f"{tool}-{n}"
                _build(repo, env, tool, n)
                rows += _cases(repo, env, tool, n, quick)
                shutil.rmtree(repo, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
