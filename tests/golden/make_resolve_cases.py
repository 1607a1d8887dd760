#!/usr/bin/env python3
"""Write the golden resolve cases under tests/golden/resolve/<case>/.

Each case is a merged notebook with conflicts (merged.ipynb, made by nbteam's merge from the
base/ours/theirs named in case.json) and what `nbteam resolve --ours/--theirs/--both` makes of it
(ours.ipynb, theirs.ipynb, both.ipynb). Run with --expected to rewrite the three results from the
current code; a reviewer reads them before committing.
"""
from __future__ import annotations

import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "resolve"
sys.path.insert(0, str(HERE))

from make_merge_cases import BASE, CLEAN, LOAD, code, edit, md, nb  # noqa: E402

# Conflicted golden merge cases reused as they are.
FROM_MERGE = ["same-lines-conflict", "same-lines-conflict-diff3", "delete-vs-edit", "tags-conflict",
              "notebook-metadata-conflict", "both-rewrite-same-cell"]


def built():
    """Cases for the kinds the merge cases do not cover, and a mix of clean and conflicted cells."""
    b = BASE
    yield "cell-type-conflict", b, edit(b, 0, cell_type="raw"), edit(b, 0, "print('# Sales report')", cell_type="code", outputs=[], execution_count=None)
    ours = edit(b, 1, LOAD.replace("sales", "sales_2026"))
    ours = edit(ours, 2, CLEAN + "df = df[df.qty > 0]\n")
    theirs = edit(b, 1, LOAD.replace("sales", "sales_q3"))
    theirs["cells"].insert(3, code("df.describe()\n", "t1"))
    yield "mixed-clean-and-conflicts", b, ours, theirs
    deleted = copy.deepcopy(b)
    del deleted["cells"][2]
    yield "ours-deletes-theirs-edits", b, deleted, edit(b, 2, CLEAN.replace("dropna()", "fillna(0)"))
    att = {"a.png": {"image/png": "iVBORw0KGgo="}}
    base = nb(md("![a](attachment:a.png)", "m", attachments=None))
    base["cells"][0]["attachments"] = att
    o, t = copy.deepcopy(base), copy.deepcopy(base)
    o["cells"][0]["attachments"] = {"a.png": {"image/png": "b3Vycw=="}}
    t["cells"][0]["attachments"] = {"a.png": {"image/png": "dGhlaXJz"}}
    for c in (base, o, t):
        c["cells"][0]["metadata"] = {}
    yield "attachments-conflict", base, o, t


def write_inputs() -> None:
    from nbteam.merge.file import merge_files
    from nbteam.notebook.markers import Markers

    for name in FROM_MERGE:
        case = OUT / name
        case.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "merge" / name / "expected.ipynb", case / "merged.ipynb")
        (case / "case.json").write_text(json.dumps({"merged_from": f"tests/golden/merge/{name}"}, indent=1) + "\n")
    for name, base, ours, theirs in built():
        case = OUT / name
        case.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for role, doc in (("base", base), ("ours", ours), ("theirs", theirs)):
                p = Path(tmp) / f"{role}.ipynb"
                p.write_text(json.dumps(doc, indent=1) + "\n")
                paths.append(str(p))
            outcome = merge_files(*paths, str(case / "merged.ipynb"), name, Markers())
            assert outcome.code == 1, outcome.message
        (case / "case.json").write_text(json.dumps({"base": base, "ours": ours, "theirs": theirs}, indent=1) + "\n")


def write_expected() -> None:
    from nbteam.merge.resolve import Side, resolve_all
    from nbteam.notebook.io import dumps_notebook, read_notebook

    for case in sorted(p for p in OUT.iterdir() if p.is_dir()):
        merged = read_notebook(case / "merged.ipynb")
        for side in Side:
            (case / f"{side.value}.ipynb").write_text(dumps_notebook(resolve_all(merged, side)))


if __name__ == "__main__":
    if "--expected" not in sys.argv:
        write_inputs()
    write_expected()
