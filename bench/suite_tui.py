"""Time to open `nbteam tui` on a large team repository (target: under 1 s).

The repository has USERS x NOTEBOOKS scratchpads of CELLS cells each; every fifth cell is a
`%%writefile` cell, half of those already promoted (so the manifest and modules are consulted).
"Open" means: the app is composed, every scratchpad is read and analysed, the tree is filled
and the first screen has been drawn (the pilot's first pause returns).
"""
from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import git_env, time_command

DESCRIPTION = "open the TUI (compose + read + analyse + first draw) on 20 users x 5 scratchpads x 50 cells"
USERS, NOTEBOOKS, CELLS = 20, 5, 50

_OPEN = """
import asyncio, sys, time
from nbteam.config import load_config
from nbteam.tui.app import ScratchApp
async def main():
    app = ScratchApp(sys.argv[1], load_config(sys.argv[1]), user="user00")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(time.time(), flush=True)  # the first screen is drawn
        assert app.loaded and len(app.notebooks) == int(sys.argv[2]), len(app.notebooks)
asyncio.run(main())
"""


def make_repo(root: Path, users: int = USERS, notebooks: int = NOTEBOOKS, cells: int = CELLS) -> Path:
    """A git repository with the given number of scratchpads; half the promotable cells promoted."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from nbteam.config import Config
    from nbteam.notebook.io import dumps_notebook
    from nbteam.scratch.promote import promote_notebook

    env = git_env(str(root))
    subprocess.run(["git", "init", "-q", str(root / "repo")], check=True, env=env)
    repo = root / "repo"
    (repo / "teamlib").mkdir()
    (repo / "teamlib/__init__.py").write_text("")
    for u in range(users):
        user = f"user{u:02d}"
        for n in range(notebooks):
            nb_cells = []
            for c in range(cells):
                if c % 5 == 1:
                    mode = "-a " if c % 10 == 6 else ""
                    src = f"%%writefile {mode}../../teamlib/{user}_nb{n}.py\ndef f_{c}(x):\n    return x * {c}\n"
                else:
                    src = f"# exploring step {c}\nimport math\nvalue_{c} = math.sqrt({c}) * {u + n}\nprint(value_{c})\n"
                nb_cells.append({"cell_type": "code", "id": f"{user}-{n}-{c}", "metadata": {}, "outputs": [],
                                 "execution_count": None, "source": src})
            path = repo / "scratch" / user / f"nb{n}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dumps_notebook({"cells": nb_cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
            if n % 2 == 0:  # promote the cells of every other notebook
                promote_notebook(repo, Config(), path, user)
    return repo


def _open_once(make_app, check=None) -> tuple[float, float]:
    """(wall, cpu) seconds from creating the app to its first drawn screen, headless at 80x24."""

    async def once() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            result = time.perf_counter() - wall, time.process_time() - cpu
            if check:
                check(app)
        return result

    return asyncio.run(once())


def _fresh_open(repo: Path, expected: int, repeat: int, env: dict) -> tuple[float, float, float | None]:
    """Median (wall to exit, wall to first screen, cpu) seconds of `_OPEN` in a new Python process.

    Wall to exit is what the table reports (start, imports, open, first draw, then quitting);
    the first screen is stamped by the child; cpu is the child's user + system time.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        resource = None
    walls, firsts, cpus = [], [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
        epoch, t = time.time(), time.perf_counter()
        p = subprocess.run([sys.executable, "-c", _OPEN, str(repo), str(expected)], env=env,
                           capture_output=True, text=True)
        walls.append(time.perf_counter() - t)
        if p.returncode != 0:
            raise RuntimeError(f"tui open exited {p.returncode}: {p.stderr[-300:]}")
        firsts.append(float(p.stdout.split()[-1]) - epoch)
        if resource:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(firsts), statistics.median(cpus) if cpus else None


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _bare_app():
    """Textual alone: a Tree, a Static and a Footer, no data (the floor nbteam cannot go below)."""
    from textual.app import App
    from textual.widgets import Footer, Static, Tree

    class Bare(App):
        def compose(self):
            yield Tree("x")
            yield Static("nothing")
            yield Footer()

    return Bare()


def run(quick: bool) -> list[dict]:
    """Rows for bench/run.py."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    repeat = 3 if quick else 7
    rows = []
    with tempfile.TemporaryDirectory(prefix="nbteam-bench-tui-") as tmp:
        t = time.perf_counter()
        repo = make_repo(Path(tmp))
        setup = time.perf_counter() - t
        expected = USERS * NOTEBOOKS
        note = f"{expected} notebooks, {expected * CELLS} cells (repo built in {setup:.1f} s)"
        from nbteam.config import load_config
        from nbteam.tui.app import ScratchApp

        def check(app) -> None:
            assert app.loaded and len(app.notebooks) == expected, len(app.notebooks)

        wall, cpu = _median([_open_once(lambda: ScratchApp(repo, load_config(repo), user="user00"), check)
                             for _ in range(repeat)])
        rows.append({"case": "tui open, in process", "tool": "nbteam", "seconds": wall,
                     "note": f"{note}; imports excluded; cpu {cpu:.3f} s; target < 1 s"})
        wall, cpu = _median([_open_once(_bare_app) for _ in range(repeat)])
        rows.append({"case": "tui open, in process", "tool": "textual (bare app)", "seconds": wall,
                     "note": f"Tree + Static + Footer, no data; cpu {cpu:.3f} s"})
        env = dict(os.environ)
        secs, first, cpu = _fresh_open(repo, expected, repeat, env)
        cpu_note = f"; cpu {cpu:.3f} s" if cpu is not None else ""
        rows.append({"case": "tui open, fresh process", "tool": "nbteam", "seconds": secs,
                     "note": "python start + imports + open + exit, as `nbteam tui` feels"
                             f" (first screen at {first:.3f} s{cpu_note}); target < 1 s"})
        secs = time_command([sys.executable, "-c", "import textual.app, textual.widgets"], repeat=repeat, env=env, ok=(0,))
        rows.append({"case": "tui open, fresh process", "tool": "textual (import only)", "seconds": secs,
                     "note": "python start + importing textual: the floor for any Textual app"})
    return rows
