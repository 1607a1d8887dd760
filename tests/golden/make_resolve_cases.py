#!/usr/bin/env python3
"""Write the golden resolve cases under tests/golden/resolve/<case>/: conflicted.ipynb (a merge's
result) and ours/theirs/both.ipynb (what `nbteam resolve --ours/--theirs/--both` makes of it).

`python tests/golden/make_resolve_cases.py` writes the inputs; with `--expected` it writes the
three results from the current code, which a reviewer reads before committing them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nbteam.merge.notebook import merge_notebooks  # noqa: E402
from nbteam.merge.resolve import Side, resolve_all  # noqa: E402
from nbteam.notebook.io import dumps_notebook, read_notebook  # noqa: E402
from nbteam.seq.markers import Markers  # noqa: E402

HERE = Path(__file__).resolve().parent / "resolve"


def code(src, cid, **meta):
    return {"cell_type": "code", "execution_count": None, "id": cid, "metadata": meta, "outputs": [], "source": src}


def md(src, cid, attachments=None, **meta):
    cell = {"cell_type": "markdown", "id": cid, "metadata": meta, "source": src}
    if attachments:
        cell["attachments"] = attachments
    return cell


def nb(*cells, **meta):
    return {"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


PNG = lambda data: {"image/png": data}  # noqa: E731
KS = {"display_name": "Python 3", "language": "python", "name": "python3"}

CASES = {
    "source": (nb(code("a = 1\nb = 2\n", "c0")), nb(code("a = 10\nb = 2\n", "c0")), nb(code("a = 100\nb = 2\n", "c0"))),
    "delete-modify-ours-deleted": (nb(md("# T", "m"), code("x = 1\n", "c0")), nb(md("# T", "m")),
                                   nb(md("# T", "m"), code("x = 2\n", "c0"))),
    "delete-modify-theirs-deleted": (nb(md("# T", "m"), code("x = 1\n", "c0")), nb(md("# T", "m"), code("x = 2\n", "c0")),
                                     nb(md("# T", "m"))),
    "cell-metadata": (nb(code("x\n", "c0", tags=["a"])), nb(code("x\n", "c0", tags=["b"])),
                      nb(code("x\n", "c0", tags=["c"]))),
    "notebook-metadata": (nb(code("x\n", "c0"), title="Sales"), nb(code("x\n", "c0"), title="Sales Q3"),
                          nb(code("x\n", "c0"), title="Sales 2026")),
    "cell-type": (nb(code("x\n", "c0")), nb(md("x\n", "c0")), nb({"cell_type": "raw", "id": "c0", "metadata": {},
                                                                  "source": "x\n"})),
    "attachments": (nb(md("![p](attachment:p.png)", "m", {"p.png": PNG("AAAA")})),
                    nb(md("![p](attachment:p.png)", "m", {"p.png": PNG("BBBB")})),
                    nb(md("![p](attachment:p.png)", "m", {"p.png": PNG("CCCC")}))),
    "insert-insert": (nb(md("# Report", "m"), code("run()\n", "c0")),
                      nb(md("# Report", "m"), md("## Setup\nInstall first.", "o1"), code("!pip install .\n", "o2"),
                         code("run()\n", "c0")),
                      nb(md("# Report", "m"), md("## Setup\nInstall it first:", "t1"),
                         code("!pip install -e .\n", "t2"), code("run()\n", "c0"))),
    "mix-of-clean-and-conflicted": (
        nb(md("# Report", "m"), code("import pandas as pd\n", "c0"), code("df = load()\n", "c1"),
           code("plot(df)\n", "c2", tags=["x"]), code("print('done')\n", "c3"), kernelspec=KS),
        nb(md("# Report (ours)", "m"), code("import pandas as pd\n", "c0"), code("df = load().dropna()\n", "c1"),
           code("plot(df)\n", "c2", tags=["ours"]), kernelspec=KS),
        nb(md("# Report", "m"), code("import pandas as pd\nimport numpy as np\n", "c0"),
           code("df = load(cache=True)\n", "c1"), code("plot(df, title='t')\n", "c2", tags=["theirs"]),
           code("print('finished')\n", "c3"), kernelspec=KS)),
}


def main() -> None:
    for name, (base, ours, theirs) in CASES.items():
        folder = HERE / name
        folder.mkdir(parents=True, exist_ok=True)
        if "--expected" in sys.argv:
            conflicted = read_notebook(folder / "conflicted.ipynb")
            for side in Side:
                (folder / f"{side.value}.ipynb").write_text(dumps_notebook(resolve_all(conflicted, side)))
            continue
        result = merge_notebooks(base, ours, theirs, Markers(ours="HEAD", base="base", theirs="feature"))
        assert result.conflicts, name
        (folder / "conflicted.ipynb").write_text(dumps_notebook(result.notebook))


if __name__ == "__main__":
    main()
