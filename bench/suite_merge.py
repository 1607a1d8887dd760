"""Merge driver: the whole `nbteam merge-driver` process vs nbdime's git-nbmergedriver and `git merge-file`."""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import json
import subprocess

from common import git_env, measure_command, time_command, tool_path, without_rfc3987
from notebooks import busy_three_way, heavy_outputs_three_way, three_way, write_triple

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
        big = 5000 if quick else 20000
        rows += _big_merge(tmp / "big", three_way(cells=big), f"{big:,} cells with ids (goal <= 3x time, 1.5x memory)")
        # Other big shapes a user may hit: none may be far slower than git or grow faster than the notebook.
        rows += _big_merge(tmp / "busy", busy_three_way(big), f"{big:,} cells, both sides edit 30%")
        rows += _big_merge(tmp / "busy-noids", busy_three_way(big, ids=False), f"{big:,} cells, both edit 30%, no ids")
        rows += _big_merge(tmp / "heavy", heavy_outputs_three_way(12 if quick else 50),
                           f"60 cells, {12 if quick else 50} MB of outputs, a 2 MB line")
        rows += _driver_start(tmp / "start")
        rows += _many_notebooks(tmp / "many", 60 if quick else 300)
        rows.append({"case": "interpreter start-up (floor)", "tool": "nbteam", "seconds": time_command(
            [sys.executable, "-m", "nbteam", "--version"], repeat=9)})
        rows.append({"case": "interpreter start-up (floor)", "tool": "python -c pass", "seconds": time_command(
            [sys.executable, "-c", "pass"], repeat=9)})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _big_merge(tmp: Path, triple: tuple[dict, dict, dict], case: str) -> list[dict]:
    """A big notebook (the 20,000-cell one with ids and outputs: ~14 MB a side): time and peak memory
    of one driver process beside `git merge-file` on the same files (goal: at most 3x and 1.5x)."""
    base, ours, theirs = write_triple(tmp, triple)
    work = ours.with_name("work.ipynb")
    setup = lambda: shutil.copy(ours, work)  # noqa: E731
    runs = {
        "nbteam": measure_command([sys.executable, "-m", "nbteam", "merge-driver", str(base), str(work), str(theirs),
                                   "7", "nb.ipynb"], setup=setup),
        "git merge-file": measure_command(["git", "merge-file", str(work), str(base), str(theirs)], setup=setup,
                                          ok=range(128)),
    }
    (t_nb, m_nb, c_nb), (t_git, m_git, c_git) = runs["nbteam"], runs["git merge-file"]
    return [{"case": case, "tool": "nbteam", "seconds": t_nb,
             "note": f"peak {m_nb / 2**20:.0f} MB, CPU {c_nb:.2f} s: {t_nb / t_git:.2f}x the time "
                     f"({c_nb / c_git:.2f}x the CPU), {m_nb / m_git:.2f}x the memory of git"},
            {"case": case, "tool": "git merge-file", "seconds": t_git,
             "note": f"peak {m_git / 2**20:.0f} MB, CPU {c_git:.2f} s"}]


def _tiny_nb(source: str) -> str:
    cell = {"cell_type": "code", "execution_count": None, "id": "c0", "metadata": {}, "outputs": [], "source": source}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def _driver_start(tmp: Path) -> list[dict]:
    """What one driver process costs beyond the interpreter: a one-cell merge vs `python -c pass`."""
    tmp.mkdir(parents=True)
    base, ours, theirs, work = (tmp / f"{k}.ipynb" for k in ("base", "ours", "theirs", "work"))
    base.write_text(_tiny_nb("a = 1\n"))
    ours.write_text(_tiny_nb("a = 1\n"))
    theirs.write_text(_tiny_nb("a = 2\n"))
    cmd = [sys.executable, "-m", "nbteam", "merge-driver", str(base), str(work), str(theirs), "7", "nb.ipynb"]
    case = "driver start: one-cell merge (goal <= 1.5x pass)"
    return [{"case": case, "tool": "nbteam", "seconds": time_command(cmd, repeat=15, setup=lambda: shutil.copy(ours, work))},
            {"case": case, "tool": "python -c pass", "seconds": time_command([sys.executable, "-c", "pass"], repeat=15)}]


def _many_notebooks(tmp: Path, n: int) -> list[dict]:
    """`git merge` of n notebooks both branches changed (different cells): with nbteam's driver
    (one process per notebook, as git runs it) vs plain git's text merge of the same files."""
    env = git_env(str(tmp))
    repo = tmp / "repo"
    repo.mkdir(parents=True)

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout

    def write(which: str) -> None:
        for k in range(n):
            sources = [f"x{k} = {k}\n", "print('middle')\n", f"y{k} = {k}\n"]
            if which == "ours":
                sources[0] = f"x{k} = {k} + 1\n"
            if which == "theirs":
                sources[2] = f"y{k} = {k} * 2\n"
            cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                      "source": s} for i, s in enumerate(sources)]
            nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            (repo / f"nb{k:03}.ipynb").write_text(json.dumps(nb, indent=1) + "\n")

    git("init", "-q", "-b", "main")
    write("base")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "other")
    write("theirs")
    git("commit", "-qam", "theirs")
    git("checkout", "-q", "main")
    write("ours")
    git("commit", "-qam", "ours")
    driver = f"{sys.executable} -m nbteam merge-driver %O %A %B %L %P"
    git("config", "merge.nbteam.driver", driver)
    tip = git("rev-parse", "HEAD").strip()
    reset = lambda: git("reset", "-q", "--hard", tip)  # noqa: E731
    merge = ["git", "-c", "core.attributesFile=" + str(tmp / "attributes"), "merge", "-q", "--no-edit", "--no-ff",
             "other"]
    case = f"git merge of {n} notebooks changed on both branches"
    rows = []
    for tool, attributes in (("nbteam", "*.ipynb merge=nbteam\n"), ("git (text merge)", "")):
        (tmp / "attributes").write_text(attributes)
        secs = time_command(merge, repeat=3, setup=reset, cwd=repo, env=env)
        if git("rev-list", "--count", "HEAD") != "4\n":  # base, theirs, ours and the merge
            raise RuntimeError(f"{tool}: git merge made no merge commit")
        rows.append({"case": case, "tool": tool, "seconds": secs})
    return rows
