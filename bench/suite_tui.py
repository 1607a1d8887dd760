"""Time to open `nbteam tui` on a large team repository (target: first paint under 0.5 s).

The repository has USERS x NOTEBOOKS scratchpads of CELLS cells each; every fifth cell is a
`%%writefile` cell, half of those already promoted (so the manifest and modules are consulted).
"First paint" means the screen is drawn (title, panes, footer); the scan of every scratchpad
runs in a worker after it, and "loaded" is when the tree is filled. The fresh-process rows run
the real `python -m nbteam tui` on a pseudo-terminal of 80x24 and time the bytes it writes:
the first frame (the footer's "Quit") and the filled tree (the user's name).
"""
from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from common import git_env, time_command

DESCRIPTION = "open the TUI (first paint, then the scan) on 20 users x 5 scratchpads x 50 cells"
USERS, NOTEBOOKS, CELLS = 20, 5, 50
ROOT = Path(__file__).resolve().parent.parent


def make_repo(root: Path, users: int = USERS, notebooks: int = NOTEBOOKS, cells: int = CELLS) -> Path:
    """A git repository with the given number of scratchpads; half the promotable cells promoted."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from nbteam.config import Config
    from nbteam.notebook.io import dumps_notebook
    from nbteam.scratch.guards import ScratchContext
    from nbteam.scratch.promote import plan_notebook

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
                plan_notebook(ScratchContext(repo, Config(), user), path.relative_to(repo).as_posix()).apply()
    return repo


def _open_once(make_app, check=None) -> tuple[float, float, float]:
    """(first paint, loaded, cpu) seconds from creating the app, headless at 80x24."""

    async def once() -> tuple[float, float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            first = time.perf_counter() - wall
            await app.workers.wait_for_complete()
            await pilot.pause()
            loaded = time.perf_counter() - wall
            if check:
                check(app)
        return first, loaded, time.process_time() - cpu

    return asyncio.run(once())


def open_in_pty(cmd: list[str], cwd: Path, needles: list[bytes], env: dict) -> list[float]:
    """Seconds until each needle appeared in what a TUI wrote on an 80x24 pseudo-terminal; then q quits it.

    A frame is recognised by a byte string it contains: Textual writes each frame in one piece.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    seen, marks = b"", {}
    try:
        while len(marks) < len(needles) and time.perf_counter() - start < 30:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    seen += os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                for needle in needles:
                    if needle not in marks and needle in seen:
                        marks[needle] = time.perf_counter() - start
        os.write(master, b"q")
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
        os.close(master)
    if len(marks) < len(needles):
        raise RuntimeError(f"tui never showed {needles!r}: {seen[-300:]!r}")
    return [marks[n] for n in needles]


# The first frame (the tree's placeholder), the footer's keys (a later frame), the filled tree.
NEEDLES = [b"reading scratchpads", b"Quit", b"user00"]


def _fresh_open(repo: Path, repeat: int) -> list[float]:
    """Medians of the NEEDLES times for `python -m nbteam tui` in a new process on a pty."""
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
    runs = [open_in_pty([sys.executable, "-m", "nbteam", "tui", "--user", "user00"], repo, NEEDLES, env)
            for _ in range(repeat)]
    return [statistics.median(r[i] for r in runs) for i in range(len(NEEDLES))]


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
    sys.path.insert(0, str(ROOT))
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
            assert app.browser.loaded and len(app.browser.notebooks) == expected, len(app.browser.notebooks)

        runs = [_open_once(lambda: ScratchApp(repo, load_config(repo), user="user00"), check) for _ in range(repeat)]
        first, loaded, cpu = (statistics.median(r[i] for r in runs) for i in range(3))
        rows.append({"case": "tui first paint, in process", "tool": "nbteam", "seconds": first,
                     "note": f"{note}; imports excluded; target < 0.5 s"})
        rows.append({"case": "tui loaded, in process", "tool": "nbteam", "seconds": loaded,
                     "note": f"the scan done and the tree filled; cpu {cpu:.3f} s"})
        bare = [_open_once(_bare_app) for _ in range(repeat)]
        rows.append({"case": "tui first paint, in process", "tool": "textual (bare app)",
                     "seconds": statistics.median(r[0] for r in bare), "note": "Tree + Static + Footer, no data"})
        first, keys, loaded = _fresh_open(repo, repeat)
        rows.append({"case": "nbteam tui first frame, fresh process", "tool": "nbteam", "seconds": first,
                     "note": "`python -m nbteam tui` on an 80x24 pty: start, imports, first frame; target < 0.5 s"})
        rows.append({"case": "nbteam tui keys shown, fresh process", "tool": "nbteam", "seconds": keys,
                     "note": "the frame with the footer's keys (Textual composes them after the first frame)"})
        rows.append({"case": "nbteam tui loaded, fresh process", "tool": "nbteam", "seconds": loaded,
                     "note": "the frame with the filled tree"})
        secs = time_command([sys.executable, "-c", "import textual.app, textual.widgets"], repeat=repeat,
                            env=dict(os.environ), ok=(0,))
        rows.append({"case": "nbteam tui first frame, fresh process", "tool": "textual (import only)", "seconds": secs,
                     "note": "python start + importing textual: the floor for any Textual app"})
    return rows
