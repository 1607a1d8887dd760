"""Deterministic synthetic notebooks for the benchmarks (no corpus needed)."""
from __future__ import annotations

import json
import random
from pathlib import Path


def _code(src: str, n: int, ids: bool, outputs: bool) -> dict:
    cell = {"cell_type": "code", "execution_count": n if outputs else None, "metadata": {}, "source": src,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": [f"{n}\n"] * 20}] if outputs else []}
    if ids:
        cell["id"] = f"cell-{n}"
    return cell


def _md(src: str, n: int, ids: bool) -> dict:
    cell = {"cell_type": "markdown", "metadata": {}, "source": src}
    if ids:
        cell["id"] = f"cell-{n}"
    return cell


def notebook(cells: int, ids: bool = True, outputs: bool = True, seed: int = 0) -> dict:
    """A realistic-looking notebook: markdown every fifth cell, multi-line code cells, stream outputs."""
    rnd = random.Random(seed)
    out = []
    for n in range(cells):
        if n % 5 == 0:
            out.append(_md(f"## Step {n}\n\nWe look at feature {rnd.randint(0, 99)} of the data.\n", n, ids))
        else:
            lines = [f"x{n}_{k} = transform(df['col{rnd.randint(0, 30)}'], {rnd.random():.3f})\n" for k in range(6)]
            out.append(_code("".join(lines) + f"print(x{n}_0)\n", n, ids, outputs))
    return {"cells": out, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                      "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5 if ids else 4}


def three_way(cells: int, ids: bool = True, conflict: bool = False, seed: int = 0) -> tuple[dict, dict, dict]:
    """base, ours, theirs: each side edits ~5% of cells and inserts a few; optionally one shared conflict."""
    base = notebook(cells, ids, seed=seed)
    rnd = random.Random(seed + 1)
    ours, theirs = json.loads(json.dumps(base)), json.loads(json.dumps(base))
    for side, tag in ((ours, "ours"), (theirs, "theirs")):
        for i in rnd.sample(range(cells), max(1, cells // 20)):
            c = side["cells"][i]
            c["source"] = c["source"] + f"# edited by {tag}\n"
            if c["cell_type"] == "code":
                c["execution_count"] = (c["execution_count"] or 0) + 100
        for k in range(max(1, cells // 50)):
            pos = rnd.randrange(len(side["cells"]))
            side["cells"].insert(pos, _code(f"extra_{tag}_{k}()\n", 10**6 + k + (0 if tag == "ours" else 5000),
                                            ids, True))
    if conflict:
        ours["cells"][1]["source"] = "value = 'ours'\n"
        theirs["cells"][1]["source"] = "value = 'theirs'\n"
    return base, ours, theirs


def write_triple(directory: Path, triple: tuple[dict, dict, dict]) -> list[Path]:
    """Write base/ours/theirs.ipynb in Jupyter's layout; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for role, nb in zip(("base", "ours", "theirs"), triple):
        path = directory / f"{role}.ipynb"
        path.write_text(json.dumps(nb, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
