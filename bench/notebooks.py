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


def busy_three_way(cells: int, ids: bool = True, seed: int = 0) -> tuple[dict, dict, dict]:
    """base, ours, theirs where both sides edit 30% of the cells (many cells on both), insert 2%
    and delete 1%; without ids, an nbformat 4.4 notebook aligned by content alone."""
    base = notebook(cells, ids, seed=seed)
    rnd = random.Random(seed + 7)
    ours, theirs = json.loads(json.dumps(base)), json.loads(json.dumps(base))
    for side, tag in ((ours, "ours"), (theirs, "theirs")):
        for i in rnd.sample(range(cells), cells * 3 // 10):
            side["cells"][i]["source"] += f"# edited by {tag}\n"
        for k in range(cells // 50):
            side["cells"].insert(rnd.randrange(len(side["cells"])),
                                 _code(f"extra_{tag}_{k}()\n", 10**6 + k + (0 if tag == "ours" else 50000), ids, False))
        for _ in range(cells // 100):
            del side["cells"][rnd.randrange(len(side["cells"]))]
    return base, ours, theirs


def heavy_outputs_three_way(megabytes: int, seed: int = 0) -> tuple[dict, dict, dict]:
    """base, ours, theirs of 60 cells with a few huge outputs (`megabytes` of base64 PNG in all) and
    one 2 MB line of source, which both sides edit; each side also edits a small cell."""
    import base64

    rnd = random.Random(seed)
    base = notebook(60, seed=seed)
    blob = base64.b64encode(rnd.randbytes(megabytes * 2**20 * 3 // 16)).decode()  # a quarter each
    for k in (3, 13, 23, 33):
        base["cells"][k]["outputs"] = [{"output_type": "display_data", "metadata": {},
                                        "data": {"image/png": blob, "text/plain": ["<Figure>"]}}]
    base["cells"][41]["source"] = "x = [" + ", ".join(str(rnd.random()) for _ in range(100000)) + "]\n"
    ours, theirs = json.loads(json.dumps(base)), json.loads(json.dumps(base))
    ours["cells"][1]["source"] += "# ours\n"
    theirs["cells"][2]["source"] += "# theirs\n"
    ours["cells"][41]["source"] = ours["cells"][41]["source"].replace("0.", "1.", 5)
    theirs["cells"][41]["source"] = "# long\n" + theirs["cells"][41]["source"]
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
