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
        await pilot.press("down")
        await pilot.press("p")
        await pilot.pause()
        (DOCS / "tui-confirm.svg").write_text(app.export_screenshot(title="nbteam tui: promote?"))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="nbteam-shots-") as tmp:
        repo = sample_copy(Path(tmp))
        asyncio.run(browser_shots(repo))
    return 0


if __name__ == "__main__":
    sys.exit(main())
