#!/usr/bin/env python3
"""Regenerate the TUI screenshots in docs/ (SVG, 80x24) from sample_repo, headless.

usage: python docs/screenshots.py   (from a checkout, with nbteam importable)
"""
from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

SIZE = (80, 24)


def sample_copy(tmp: Path) -> Path:
    """sample_repo copied into a fresh git repository (the TUI needs one)."""
    repo = tmp / "sample"
    shutil.copytree(ROOT / "sample_repo", repo)
    env_args = ["-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", *env_args, "commit", "-qm", "sample"], cwd=repo, check=True)
    return repo


async def browser_shots(repo: Path) -> None:
    """docs/tui.svg (the browser) and docs/tui-confirm.svg (p on a changed append cell)."""
    from nbteam.config import load_config
    from nbteam.tui.app import ScratchApp

    app = ScratchApp(repo, load_config(repo), user="ada")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        (DOCS / "tui.svg").write_text(app.export_screenshot(title="nbteam tui"))
        # The cursor starts on ada's first cell (her copy's); the shot is of a changed append cell.
        tree = app.browser.query_one("#tree")
        tree.go_to(next(n for n in tree.nodes() if getattr(n.data, "cell", None) is not None
                        and n.data.cell.magic is not None and n.data.cell.magic.append
                        and n.data.cell.state == "cell changed"))
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the confirmation is read in a worker
        await pilot.pause()
        (DOCS / "tui-confirm.svg").write_text(app.export_screenshot(title="nbteam tui: promote?"))


def code(source: str, cell_id: str) -> dict:
    """A code cell."""
    return {"cell_type": "code", "id": cell_id, "metadata": {}, "outputs": [], "execution_count": None,
            "source": source}


def conflicted_notebook(path: Path) -> None:
    """A notebook as `git merge feature` leaves it with nbteam: two source conflicts, one delete/modify."""
    from nbteam.merge.notebook import merge_notebooks
    from nbteam.notebook.io import dumps_notebook
    from nbteam.seq.markers import Markers
    from nbteam.seq.style import ConflictStyle

    def nb(*cells: dict) -> dict:
        return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

    load = "import pandas as pd\nsales = pd.read_csv('data/sales.csv')\n"
    base = nb(code(load, "a"), code("sales = sales.dropna()\nsales['month'] = sales.date.dt.month\n", "b"),
              code("sales.groupby('month').revenue.sum().plot()\n", "c"), code("sales.describe()\n", "d"))
    ours = nb(code(load, "a"), code("sales = sales.fillna(0)\nsales['month'] = sales.date.dt.month\n", "b"),
              code("sales.groupby('month').revenue.sum().plot(kind='bar')\n", "c"),
              code("sales.describe(include='all')\n", "d"))
    theirs = nb(code(load, "a"), code("sales = sales.dropna(how='all')\nsales['month'] = sales.date.dt.month\n", "b"),
                code("sales.groupby('month').revenue.sum().plot(title='Revenue')\n", "c"))
    result = merge_notebooks(base, ours, theirs, Markers(style=ConflictStyle.DIFF3, ours="HEAD", theirs="feature"))
    path.write_text(dumps_notebook(result.notebook))


async def merge_tool_shots(path: Path) -> None:
    """docs/resolve.svg (opened), resolve-decided.svg (after t, b), resolve-ask.svg (w with one left)."""
    from nbteam.notebook.io import read_notebook
    from nbteam.tui.resolution import Session
    from nbteam.tui.resolve import MergeApp

    app = MergeApp(path.name, Session(read_notebook(path)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (DOCS / "resolve.svg").write_text(app.export_screenshot(title="nbteam resolve analysis.ipynb"))
        for key in ("t", "b", "p"):
            await pilot.press(key)
            await pilot.pause()
        (DOCS / "resolve-decided.svg").write_text(app.export_screenshot(title="after t, b, p"))
        await pilot.press("w")
        await pilot.pause()
        (DOCS / "resolve-ask.svg").write_text(app.export_screenshot(title="w with a conflict left"))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="nbteam-shots-") as tmp:
        repo = sample_copy(Path(tmp))
        asyncio.run(browser_shots(repo))
        merged = Path(tmp) / "analysis.ipynb"
        conflicted_notebook(merged)
        asyncio.run(merge_tool_shots(merged))
    return 0


if __name__ == "__main__":
    sys.exit(main())
