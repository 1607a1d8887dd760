#!/usr/bin/env python3
"""Write golden diff cases' inputs (old.ipynb, new.ipynb, and `args` when the case needs options)
under tests/golden/diff/. Then `python tests/golden/make_diff_cases.py --expected` writes
expected.txt (`nbteam diff [args] old.ipynb new.ipynb`) and textconv.txt (the `git log -p` view
of new.ipynb) from the current code, which a reviewer reads before committing them.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "diff"
ROOT = HERE.parent.parent.parent
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def code(cid, src, outputs=(), **meta):
    return {"cell_type": "code", "execution_count": None, "id": cid, "metadata": meta, "outputs": list(outputs),
            "source": src}


def md(cid, src, attachments=None, **meta):
    cell = {"cell_type": "markdown", "id": cid, "metadata": meta, "source": src}
    if attachments:
        cell["attachments"] = attachments
    return cell


def nb(*cells, **meta):
    return {"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def stream(text, name="stdout"):
    return {"name": name, "output_type": "stream", "text": text}


def display(data, kind="display_data"):
    out = {"data": data, "metadata": {}, "output_type": kind}
    if kind == "execute_result":
        out["execution_count"] = 1
    return out


KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}

CASES = {
    # A cell tagged `slow` and nothing else: the change people missed in `git show`.
    "metadata_values": (
        nb(md("intro", "# Report", attachments={"chart.png": {"image/png": PNG}}),
           code("load", "rows = load()"),
           code("fit", "model = fit(rows)", tags=["train"]),
           code("plot", "plot(model)", jupyter={"source_hidden": False}),
           kernelspec=KERNEL),
        nb(md("intro", "# Report", attachments={"chart.png": {"image/png": PNG[:-8] + "AAAAAA=="}}),
           code("load", "rows = load()", tags=["slow"]),
           code("fit", "model = fit(rows)", tags=["train", "slow"]),
           code("plot", "plot(model)", jupyter={"source_hidden": True, "outputs_hidden": True},
                editable=False, deletable=False),
           kernelspec={**KERNEL, "display_name": "Python 3.12"}),
        [],
    ),
    # --outputs: text as text, rich data as one summary line each.
    "outputs_option": (
        nb(code("hello", "print('hello')", [stream("hello\nworld\n")]),
           code("answer", "6 * 7", [display({"text/plain": "42"}, "execute_result")]),
           code("chart", "plot()", [display({"image/png": PNG, "text/plain": "<Figure size 640x480 with 1 Axes>"})]),
           code("gone", "old()", [stream("bye\n")])),
        nb(code("hello", "print('hello')", [stream("hello\nthere\n")]),
           code("answer", "6 * 7", [display({"text/plain": "42"}, "execute_result")]),
           code("chart", "plot()", [display({"image/png": PNG[:-8] + "AAAAAA==",
                                             "text/plain": "<Figure size 640x480 with 1 Axes>"})]),
           code("table", "df.head()", [display({"text/html": "<table><tr><td>1</td></tr></table>",
                                                "text/plain": "   a\n0  1"}, "execute_result")]),
           code("boom", "1 / 0", [{"output_type": "error", "ename": "ZeroDivisionError",
                                    "evalue": "division by zero",
                                    "traceback": ["\u001b[0;31mZeroDivisionError\u001b[0m: division by zero"]}])),
        ["--outputs"],
    ),
}


def write_inputs() -> None:
    for name, (old, new, args) in CASES.items():
        folder = HERE / name
        folder.mkdir(parents=True, exist_ok=True)
        for stem, book in (("old", old), ("new", new)):
            (folder / f"{stem}.ipynb").write_text(json.dumps(book, indent=1, sort_keys=True) + "\n")
        if args:
            (folder / "args").write_text(" ".join(args) + "\n")


def write_expected() -> None:
    sys.path.insert(0, str(ROOT))
    from nbteam.diff.textconv import textconv

    for folder in sorted(p for p in HERE.iterdir() if (p / "old.ipynb").exists()):
        args = (folder / "args").read_text().split() if (folder / "args").exists() else []
        p = subprocess.run([sys.executable, "-m", "nbteam", "diff", *args, "old.ipynb", "new.ipynb"],
                           cwd=folder, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)})
        (folder / "expected.txt").write_text(p.stdout)
        if folder.name in CASES:
            (folder / "textconv.txt").write_text(textconv((folder / "new.ipynb").read_bytes(), "new.ipynb"))


if __name__ == "__main__":
    write_expected() if "--expected" in sys.argv else write_inputs()
