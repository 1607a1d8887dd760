"""Driver start: what git pays per notebook before any merging, against a bare `python -c pass`.

git starts one merge-driver process per notebook, so the registered command's start is most of a
small merge. The goal (issue 17 item 11): the registered command, merging a 71-cell notebook, costs
at most 1.3x `python -c pass` of the same Python in a regular virtualenv. The yardstick is a fresh
virtualenv of this interpreter with nothing installed: the venv this benchmark runs from may hold an
editable install, whose .pth file makes its own `python -c pass` several times slower (shown too).
Also shown: the `python -I -S` floor and `python -m nbteam`, the form before the launcher.
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

DESCRIPTION = "one merge-driver start on 3- and 71-cell notebooks vs `python -c pass` (goal: <= 1.3x on 71 cells)"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _notebook(source: str, cells: int = 3) -> str:
    sources = ["import os\n", source, "print(x)\n"] + [f"y{k} = x * {k}\nprint(y{k})\n" for k in range(3, cells)]
    cells_ = [{"cell_type": "code", "execution_count": None, "id": f"c{k}", "metadata": {}, "outputs": [],
               "source": s} for k, s in enumerate(sources)]
    meta = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    return json.dumps({"cells": cells_, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def _clean_python(tmp: Path) -> str:
    """The interpreter of a fresh virtualenv with nothing installed (what `python -c pass` costs there)."""
    import venv

    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(tmp / "clean-venv")
    return str(tmp / "clean-venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))


def interleaved(commands: dict[str, list[str]], repeat: int, setup, cwd: Path,
                envs: dict[str, dict]) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall and CPU (user + system) time of each command, runs interleaved so that load on the
    machine hits all alike; CPU time is the steadier figure on a busy machine."""
    import resource

    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            setup()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, env=envs[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return ({name: statistics.median(ts) for name, ts in times.items()},
            {name: statistics.median(ts) for name, ts in cpu.items()})


def _case(tmp: Path, cells: int, repeat: int, clean: str, env: dict) -> list[dict]:
    from nbteam.integration.registry import command

    base, ours, theirs = (tmp / "base.ipynb", tmp / "ours.ipynb", tmp / "theirs.ipynb")
    base.write_text(_notebook("x = 1\n", cells))
    theirs.write_text(_notebook("x = 2\n", cells))
    reset = lambda: ours.write_text(_notebook("x = 1\n", cells))  # noqa: E731  each run merges afresh
    registered = command("merge.nbteam.driver", sys.executable).replace("%%", "%")
    for key, path in (("O", base), ("A", ours), ("B", theirs), ("L", "7"), ("P", "nb.ipynb")):
        registered = registered.replace(f"%{key}", str(path))
    env_m = {**env, "PYTHONPATH": str(ROOT)}
    case = f"merge driver start, {cells}-cell notebook"
    old = [sys.executable, "-m", "nbteam", "merge-driver", str(base), str(ours), str(theirs), "7", "nb.ipynb"]
    commands = {"bare": [clean, "-c", "pass"], "nbteam": ["sh", "-c", registered], "m": old,
                "floor": [sys.executable, "-I", "-S", "-c", "pass"], "venv": [sys.executable, "-c", "pass"]}
    t, cpu = interleaved(commands, repeat, reset, tmp, {**dict.fromkeys(commands, env), "m": env_m})
    rows = [{"case": case, "tool": "nbteam", "seconds": t["nbteam"],
             "note": f"registered command (sh guard, -I -S entry): {t['nbteam'] / t['bare']:.2f}x python -c pass"
                     f" (CPU {cpu['nbteam'] * 1000:.1f} ms = {cpu['nbteam'] / cpu['bare']:.2f}x)"},
            {"case": case, "tool": "python -c pass", "seconds": t["bare"], "note": f"the yardstick: a regular venv (CPU {cpu['bare'] * 1000:.1f} ms)"},
            {"case": case, "tool": "python -I -S -c pass", "seconds": t["floor"], "note": f"the floor (CPU {cpu['floor'] * 1000:.1f} ms)"},
            {"case": case, "tool": "python -c pass, here", "seconds": t["venv"],
             "note": "this venv (an editable install's .pth slows it)"},
            {"case": case, "tool": "python -m nbteam", "seconds": t["m"],
             "note": f"the form before the launcher: {t['m'] / t['bare']:.2f}x python -c pass"}]
    if shutil.which("git"):
        secs_g = time_command(["git", "merge-file", "-p", str(ours), str(base), str(theirs)], repeat=repeat,
                              setup=reset, cwd=tmp, env=env)
        rows.append({"case": case, "tool": "git merge-file", "seconds": secs_g, "note": "text only"})
    reset()
    check = subprocess.run(["sh", "-c", registered], cwd=tmp, env=env, capture_output=True, text=True)
    rows[0]["note"] += "" if check.returncode == 0 and '"x = 2\\n"' in ours.read_text() else " (MERGE FAILED)"
    return rows


def run(quick: bool) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    repeat = 10 if quick else 40
    tmp = Path(tempfile.mkdtemp(prefix="nbteam-bench-start-"))
    try:
        (tmp / ".git").mkdir()  # a repository-like cwd without config: no git spawn for the style
        env = {k: v for k, v in os.environ.items() if k != "NBTEAM_DISABLE"}
        clean = _clean_python(tmp)
        return _case(tmp, 3, repeat, clean, env) + _case(tmp, 71, repeat, clean, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
