"""Helpers for the Textual pilot tests: the screen as plain text, waiting for workers."""
from __future__ import annotations

import html
import re

from textual.app import App
from textual.pilot import Pilot

_TEXT = re.compile(r'<text class="[^"]*-r\d+" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
                   r'clip-path="url\(#[^)]*-line-(\d+)\)">([^<]*)</text>')


def screen_lines(app: App, width: int = 80, height: int = 24) -> list[str]:
    """What the terminal shows now, one string per row, from Textual's own SVG screenshot."""
    rows = [[" "] * width for _ in range(height)]
    for x, length, line, raw in _TEXT.findall(app.export_screenshot()):
        text = html.unescape(raw).replace("\xa0", " ")
        if not text or int(line) >= height:
            continue
        cell = float(length) / len(text)
        start = round(float(x) / cell)
        for i, ch in enumerate(text[: max(0, width - start)]):
            rows[int(line)][start + i] = ch
    return ["".join(r).rstrip() for r in rows]


def screen_text(app: App) -> str:
    """The screen as one string."""
    return "\n".join(screen_lines(app))


async def settle(pilot: Pilot) -> None:
    """Let pending messages, workers (the scan) and their results run.

    Three rounds: a dialog's result callback may start a worker only after the first pause.
    """
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
