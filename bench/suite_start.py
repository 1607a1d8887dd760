"""Driver start: what git pays per notebook, against a bare `python -c pass`.

git starts one merge-driver process per notebook, so the registered command's start is most of a
small merge. The goal (issue 17 item 11): the registered command, merging a 71-cell notebook, costs
at most 1.3x `python -c pass` of the same Python in a regular virtualenv.

Measured as git runs it: in a repository `nbteam init` set up (its settings file, its hooks and the
command it registered, through `sh -c` as git runs every driver), on a merge git really hands to a
driver (both sides changed the notebook). Two merges: each side edited its own cell (the usual case:
cells keep their ids and order), and one side also inserted a cell (the cells are aligned).

Yardsticks, started in the same interleaved runs: `python -c pass` of a fresh virtualenv with nothing
installed (the goal's), the same through `sh -c` (what git pays to start any Python driver), the
`python -I -S` floor, this venv's own `python -c pass` (an editable install's .pth file slows it) and
`python -m nbteam`, the form before the isolated entry. Wall and CPU time are medians; where valgrind
is installed, the instructions each start executes are counted too: a figure that load cannot move.
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import git_env

DESCRIPTION = "one merge-driver start, as git runs it in an `nbteam init` repository, vs `python -c pass` (goal: <= 1.3x)"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CELLS = 71


def _notebook(edits: dict[int, str], insert_at: int | None = None) -> str:
    """A 71-cell notebook with ids, as Jupyter writes it; `edits` replace sources, and a cell is inserted at insert_at."""
    sources = [f"y{k} = x * {k}\nprint(y{k})\n" for k in range(CELLS)]
    for k, text in edits.items():
        sources[k] = text
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{k}", "metadata": {}, "outputs": [],
              "source": s} for k, s in enumerate(sources)]
    if insert_at is not None:
        cells.insert(insert_at, {"cell_type": "markdown", "id": "new", "metadata": {}, "source": "## A new section\n"})
    meta = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def _clean_python(tmp: Path) -> str:
    """The interpreter of a fresh virtualenv with nothing installed (what `python -c pass` costs there)."""
    import venv

    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(tmp / "clean-venv")
    return str(tmp / "clean-venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))


def _repository(tmp: Path, env: dict) -> tuple[Path, str]:
    """A repository set up by `nbteam init` (this interpreter), and the merge-driver command it registered."""
    repo = tmp / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, env=env, check=True)
    subprocess.run([sys.executable, "-m", "nbteam", "init"], cwd=repo, env={**env, "PYTHONPATH": str(ROOT)},
                   check=True, capture_output=True)
    registered = subprocess.run(["git", "config", "merge.nbteam.driver"], cwd=repo, env=env, check=True,
                                capture_output=True, text=True).stdout.strip()
    return repo, registered


def interleaved(commands: dict[str, list[str]], repeat: int, setup, cwd: Path,
                env: dict) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall and CPU (user + system) time of each command, runs interleaved so that load on the
    machine hits all alike; CPU time is the steadier figure on a busy machine."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            setup()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return ({name: statistics.median(ts) for name, ts in times.items()},
            {name: statistics.median(ts) for name, ts in cpu.items()})


def instructions(cmd: list[str], setup, cwd: Path, env: dict) -> int | None:
    """Instructions the command executes (valgrind, following exec), or None without valgrind."""
    if not shutil.which("valgrind"):
        return None
    setup()
    p = subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes", "--callgrind-out-file=/dev/null",
                        *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    counts = [int(n) for n in re.findall(r"Collected : (\d+)", p.stderr)]
    return sum(counts) or None


def _case(repo: Path, registered: str, name: str, ours_text: str, theirs_text: str, check: str, repeat: int,
          clean: str, env: dict) -> list[dict]:
    base, ours, theirs = (repo / ".merge_file_base", repo / ".merge_file_ours", repo / ".merge_file_theirs")
    base.write_text(_notebook({}))
    theirs.write_text(theirs_text)
    reset = lambda: ours.write_text(ours_text)  # noqa: E731  each run merges afresh
    command = registered.replace("%%", "%")
    for key, value in (("O", base.name), ("A", ours.name), ("B", theirs.name), ("L", "7"), ("P", "nb.ipynb"),
                       ("S", "base"), ("X", "HEAD"), ("Y", "other")):
        command = command.replace(f"%{key}", value)
    old = [sys.executable, "-m", "nbteam", "merge-driver", base.name, ours.name, theirs.name, "7", "nb.ipynb"]
    commands = {"bare": [clean, "-c", "pass"], "nbteam": ["sh", "-c", command], "sh": ["sh", "-c", f"exec {clean} -c pass"],
                "floor": [sys.executable, "-I", "-S", "-c", "pass"], "venv": [sys.executable, "-c", "pass"], "m": old}
    t, cpu = interleaved(commands, repeat, reset, repo, {**env, "PYTHONPATH": str(ROOT)})
    ir = {k: instructions(commands[k], reset, repo, env) for k in ("nbteam", "bare")}
    counted = (f"; instructions {ir['nbteam'] / 1e6:.1f}M = {ir['nbteam'] / ir['bare']:.2f}x"
               if ir["nbteam"] and ir["bare"] else "")
    rows = [{"case": name, "tool": "nbteam", "seconds": t["nbteam"],
             "note": f"registered command: {t['nbteam'] / t['bare']:.2f}x python -c pass"
                     f" (CPU {cpu['nbteam'] * 1000:.1f} ms = {cpu['nbteam'] / cpu['bare']:.2f}x{counted})"},
            {"case": name, "tool": "python -c pass", "seconds": t["bare"],
             "note": f"the yardstick: a fresh venv (CPU {cpu['bare'] * 1000:.1f} ms"
                     + (f"; {ir['bare'] / 1e6:.1f}M instructions)" if ir["bare"] else ")")},
            {"case": name, "tool": "sh -c python -c pass", "seconds": t["sh"],
             "note": f"what git pays for any Python driver: nbteam is {t['nbteam'] / t['sh']:.2f}x this"},
            {"case": name, "tool": "python -I -S -c pass", "seconds": t["floor"], "note": f"the floor (CPU {cpu['floor'] * 1000:.1f} ms)"},
            {"case": name, "tool": "python -c pass, here", "seconds": t["venv"],
             "note": "this venv (an editable install's .pth slows it)"},
            {"case": name, "tool": "python -m nbteam", "seconds": t["m"],
             "note": f"the form before the isolated entry: {t['m'] / t['bare']:.2f}x python -c pass"}]
    reset()
    p = subprocess.run(["sh", "-c", command], cwd=repo, env=env, capture_output=True, text=True)
    if p.returncode != 0 or check not in ours.read_text():
        rows[0]["note"] += f" (MERGE FAILED: {p.stderr.strip()[-200:]})"
    return rows


def run(quick: bool) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    repeat = 10 if quick else 40
    tmp = Path(tempfile.mkdtemp(prefix="nbteam-bench-start-"))
    try:
        home = tmp / "home"
        home.mkdir()
        env = {k: v for k, v in git_env(str(home)).items() if k != "NBTEAM_DISABLE"}
        clean = _clean_python(tmp)
        repo, registered = _repository(tmp, env)
        ours = {5: "y5 = x * 5  # ours\nprint(y5)\n"}
        theirs = {40: "y40 = x * 40  # theirs\nprint(y40)\n"}
        return (_case(repo, registered, f"{CELLS} cells, each side edits a cell", _notebook(ours), _notebook(theirs),
                      "# theirs", repeat, clean, env)
                + _case(repo, registered, f"{CELLS} cells, theirs also inserts one", _notebook(ours),
                        _notebook(theirs, insert_at=20), "A new section", repeat, clean, env))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
