#!/usr/bin/env python3
"""Write the golden merge cases' inputs (base/ours/theirs.ipynb + case.json) under tests/golden/merge/.

Run once when adding a case; then `python tests/golden/make_merge_cases.py --expected` writes
expected.ipynb from the current merge, which a reviewer reads before committing it.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "merge"


def code(src, cid=None, outputs=None, count=None, **meta):
    c = {"cell_type": "code", "execution_count": count, "metadata": meta, "outputs": outputs or [], "source": src}
    if cid:
        c["id"] = cid
    return c


def md(src, cid=None, **meta):
    c = {"cell_type": "markdown", "metadata": meta, "source": src}
    if cid:
        c["id"] = cid
    return c


def nb(*cells, minor=5, **meta):
    meta.setdefault("kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"})
    return {"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": minor}


OUT = [{"name": "stdout", "output_type": "stream", "text": ["42\n"]}]
LOAD = "import pandas as pd\ndf = pd.read_csv('sales.csv')\n"
CLEAN = "df = df.dropna()\ndf['total'] = df.price * df.qty\n"
PLOT = "ax = df.plot.bar(x='region', y='total')\nax.set_title('Sales')\n"
BASE = nb(md("# Sales report", "t"), code(LOAD, "load"), code(CLEAN, "clean"), code(PLOT, "plot"))


def edit(base, i, src=None, **changes):
    out = copy.deepcopy(base)
    if src is not None:
        out["cells"][i]["source"] = src
    out["cells"][i].update(changes)
    return out


def cases():
    b = BASE
    noids = nb(md("# Sales report"), code(LOAD), code(CLEAN), code(PLOT), minor=5)
    yield "one-side-edit", "only ours edits a cell", b, edit(b, 2, CLEAN.replace("dropna()", "dropna(how='all')")), b, 0
    yield ("both-edit-different-cells", "ours edits the load cell, theirs the plot cell", b,
           edit(b, 1, LOAD + "df.head()\n"), edit(b, 3, PLOT.replace("bar", "barh")), 0)
    same = edit(b, 2, CLEAN + "df = df[df.total > 0]\n")
    yield "same-change-both-sides", "both sides make the same edit: taken once", b, same, copy.deepcopy(same), 0
    ours = copy.deepcopy(b)
    ours["cells"].insert(3, code("df.describe()\n", "o1"))
    theirs = copy.deepcopy(b)
    theirs["cells"].insert(3, code("df.info()\n", "t1"))
    yield "both-insert-same-place", "different cells inserted at one place: both kept, ours first", b, ours, theirs, 0
    theirs = copy.deepcopy(b)
    del theirs["cells"][2]
    yield ("delete-vs-edit", "theirs deletes the cell ours edits: a conflict in that cell", b,
           edit(b, 2, CLEAN + "df = df.reset_index()\n"), theirs, 1)
    o = edit(b, 3, PLOT.replace("'Sales'", "'Sales by region'"))
    t = edit(b, 3, PLOT.replace("'Sales'", "'Revenue'"))
    yield "same-lines-conflict", "both sides change the same line: markers in the cell", b, o, t, 1
    yield "same-lines-conflict-diff3", "as above, with merge.conflictStyle=diff3", b, o, t, 1
    regen = copy.deepcopy(b)
    for n, c in enumerate(regen["cells"]):
        c["id"] = f"fresh{n}"
    regen["cells"][3]["source"] = PLOT.replace("bar", "line")
    yield ("ids-regenerated", "theirs regenerated every cell id and edited the plot; ours edited load", b,
           edit(b, 1, LOAD + "df.head()\n"), regen, 0)
    o = copy.deepcopy(b)
    o["metadata"]["kernelspec"] = {"display_name": "Python (sales)", "language": "python", "name": "sales"}
    t = copy.deepcopy(b)
    t["metadata"]["kernelspec"] = {"display_name": "Python 3.12", "language": "python", "name": "py312"}
    yield "kernelspec-conflict", "environment metadata conflict resolves to ours, silently", b, o, t, 0
    o = copy.deepcopy(b)
    o["metadata"]["colab"] = {"name": "sales.ipynb", "provenance": [{"file_id": "1a"}]}
    o["cells"][1]["metadata"] = {"id": "Xo1", "colab": {"height": 120}, "outputId": "9f2"}
    o["cells"][2]["source"] = CLEAN + "df = df[df.qty > 0]\n"
    t = copy.deepcopy(b)
    t["metadata"]["colab"] = {"name": "Sales.ipynb", "provenance": []}
    t["cells"][1]["metadata"] = {"id": "Tq7", "colab": {"height": 340}, "executionInfo": {"elapsed": 12}}
    t["cells"][3]["source"] = PLOT.replace("bar", "barh")
    yield ("colab-metadata", "both sides ran the notebook in Colab: its bookkeeping metadata never conflicts "
           "(ours kept; run timing and output ids dropped), the source edits merge", b, o, t, 0)
    o = copy.deepcopy(b)
    o["metadata"].update(environment={"name": "tf2-gpu.2-11.m104", "uri": "gcr.io/deeplearning-platform-release/tf2-gpu.2-11:m104"},
                         interpreter={"hash": "a1b2c3"}, varInspector={"window_display": True},
                         toc={"toc_window_display": True})
    o["cells"][1]["metadata"] = {"vscode": {"languageId": "python"}}
    o["cells"][2]["source"] = CLEAN + "df = df[df.qty > 0]\n"
    t = copy.deepcopy(b)
    t["metadata"].update(environment={"name": "common-cpu.m110", "uri": "gcr.io/deeplearning-platform-release/base-cpu:m110"},
                         interpreter={"hash": "f9e8d7"}, varInspector={"window_display": False},
                         toc={"toc_window_display": False}, title="Sales")
    t["cells"][1]["metadata"] = {"vscode": {"languageId": "sql"}}
    t["cells"][3]["source"] = PLOT.replace("bar", "barh")
    yield ("machine-metadata", "both sides ran the notebook elsewhere (Vertex AI Workbench's environment, the "
           "interpreter hash, extension state, VS Code's cell language): ours kept, no conflict; theirs' own "
           "title and both source edits merge", b, o, t, 0)
    d = "df = df.dropna()\n"
    yield ("repeated-cells-shared-delete", "without ids, both sides delete one of three equal cells; ours also "
           "changes the first cell, theirs the last: the shared delete is applied once (two remain; a line "
           "merge of the cells keeps one)", nb(code("import pandas as pd\n"), code(d), code(d), code(d),
                                              code("df.plot()\n"), minor=4),
           nb(code("import polars as pl\n"), code(d), code(d), code("df.plot()\n"), minor=4),
           nb(code("import pandas as pd\n"), code(d), code(d), code("df.plot()\nplt.show()\n"), minor=4), 0)
    yield ("tags-conflict", "both sides tag a cell differently: a visible conflict", b,
           edit(b, 2, metadata={"tags": ["slow"]}), edit(b, 2, metadata={"tags": ["skip"]}), 1)
    o = copy.deepcopy(b)
    o["metadata"]["title"] = "Q3 sales"
    t = copy.deepcopy(b)
    t["metadata"]["title"] = "Sales, third quarter"
    yield "notebook-metadata-conflict", "a notebook-level metadata conflict shows in a raw cell on top", b, o, t, 1
    o = edit(b, 1, outputs=OUT, execution_count=3)
    t = edit(b, 1, outputs=[{"name": "stdout", "output_type": "stream", "text": ["41\n"]}], execution_count=7)
    yield "outputs-only", "only outputs and execution counts differ: clean, outputs stripped", b, o, t, 0
    yield ("v45-without-ids", "declared 4.5 but no ids: merged cleanly, deterministic ids added", noids,
           edit(noids, 1, LOAD + "df.head()\n"), edit(noids, 3, PLOT.replace("bar", "line")), 0)
    moved = copy.deepcopy(b)
    moved["cells"].insert(1, moved["cells"].pop(3))
    yield "move-and-edit-other", "ours moves the plot cell up, theirs edits the clean cell", b, moved, \
        edit(b, 2, CLEAN + "df = df.sort_values('total')\n"), 0
    yield ("move-vs-edit-same-cell", "ours moves the plot cell up, theirs edits it: the edit follows the move",
           b, moved, edit(b, 3, PLOT.replace("'Sales'", "'Revenue'")), 0)
    moved_noids = copy.deepcopy(noids)
    moved_noids["cells"].insert(1, moved_noids["cells"].pop(3))
    yield ("move-vs-edit-without-ids", "without ids: ours edits the plot cell, theirs moves it up unchanged; "
           "the move is recognised by content and the edit follows it",
           noids, edit(noids, 3, PLOT.replace("'Sales'", "'Revenue'")), moved_noids, 0)
    gone = copy.deepcopy(b)
    del gone["cells"][3]
    yield "move-vs-delete", "ours moves the plot cell, theirs deletes it: deleted", b, moved, gone, 0
    ours = copy.deepcopy(b)
    ours["cells"][2].update(id="o3", source="df = df.fillna(0)\ndf['total'] = df.price * df.qty * 1.2\n")
    ours["cells"].insert(2, code("print(len(df))\n", "o2"))
    theirs = copy.deepcopy(b)
    theirs["cells"][2].update(id="t3", source="df = df[df.qty > 0]\ndf['total'] = (df.price - df.discount) * df.qty\n")
    theirs["cells"].insert(3, md("Totals are net of discounts.\n", "t2"))
    yield ("both-rewrite-same-cell", "both sides rewrite the clean cell as a new cell (new id, little "
           "text in common) and add a cell next to it: the rewrites meet in one conflicted cell, not two silent copies", b, ours, theirs, 1)
    moved_edited = copy.deepcopy(moved)
    moved_edited["cells"][1]["source"] = PLOT.replace("bar", "barh")
    yield ("move-and-edit-vs-delete", "ours moves and edits the plot cell, theirs deletes it: a conflict",
           b, moved_edited, gone, 1)
    ours, theirs = copy.deepcopy(b), copy.deepcopy(b)
    ours["cells"][1:1] = [md("## Quick start\nInstall the requirements, then run the report.\n", "oq1"),
                          code("!pip install -r requirements.txt\n", "oq2"), code("!python report.py --month 3\n", "oq3")]
    theirs["cells"][1:1] = [md("## Quick start\nSet up the environment and run the report:\n", "tq1"),
                            code("!pip install -r requirements.txt\n!pip install -e .\n", "tq2"),
                            code("!python report.py\n", "tq3")]
    yield ("both-draft-same-section", "both insert their own draft of a Quick start section at one place: "
           "an insert/insert conflict, each draft whole between marker cells, never interleaved", b, ours, theirs, 1)
    ours, theirs = copy.deepcopy(b), copy.deepcopy(b)
    ours["cells"][4:] = [md("## Seasonality\n", "os1"), code("import seaborn as sns\n", "os2"),
                         code("sns.lineplot(data=df, x='month', y='total')\n", "os3")]
    theirs["cells"][4:] = [md("## Outliers\n", "to1"), code("import seaborn as sns\n", "to2"),
                           code("sns.boxplot(data=df, y='total')\n", "to3")]
    yield ("both-insert-unrelated-sections", "both add a different section at the end, sharing an import cell: "
           "both sections whole, ours first, the shared cell once (it used to interleave them)", b, ours, theirs, 0)
    joined = copy.deepcopy(b)
    joined["cells"][2]["source"] = CLEAN + PLOT
    del joined["cells"][3]
    yield ("cells-joined-vs-edit", "ours joins the clean and plot cells into one, theirs edits the plot's last "
           "line: git's line merge of the cells is clean, so is nbteam's (the edit lands in the joined cell)",
           b, joined, edit(b, 3, PLOT.replace("'Sales'", "'Revenue'")), 0)
    hidden = edit(b, 1, LOAD + "df.head()\n")
    hidden["cells"][3]["metadata"] = {"jupyter": {"source_hidden": True}, "vscode": {"languageId": "python"}}
    yield ("delete-vs-machine-metadata", "ours only hid the plot cell's code in JupyterLab (and edited the load "
           "cell), theirs deletes the plot cell: view state is no part of the work, so the delete wins",
           b, hidden, gone, 0)
    o = edit(b, 1, LOAD + "df.head()\n")
    o["metadata"]["jupytext"] = {"text_representation": {"jupytext_version": "1.14.5"}}
    o["cells"][0]["metadata"] = {"jp-MarkdownHeadingCollapsed": True}
    o["cells"][2]["metadata"] = {"jupyter": {"outputs_hidden": True}}
    t = edit(b, 3, PLOT.replace("bar", "barh"))
    t["metadata"]["jupytext"] = {"text_representation": {"jupytext_version": "1.16.1"}}
    t["cells"][0]["metadata"] = {"jp-MarkdownHeadingCollapsed": False}
    t["cells"][2]["metadata"] = {"jupyter": {"outputs_hidden": False}, "tags": ["slow"]}
    yield ("view-state-metadata", "both sides folded a heading and hid outputs differently in JupyterLab, with "
           "different Jupytext versions: ours kept, no conflict; theirs' tag and both source edits merge", b, o, t, 0)

    yield ("trailing-newline-vs-edit", "ours ran a formatter that strips the newline at the end of each cell, "
           "theirs edits the plot cell's last line: git conflicts on that line; the text merges cleanly apart "
           "from the cell's final whitespace, so the result is theirs' edit without the final newline",
           b, edit(b, 3, PLOT.rstrip("\n")), edit(b, 3, PLOT.replace("'Sales'", "'Revenue'")), 0)
    tagged = edit(b, 2, metadata={"tags": ["hide-input", "parameters", "slow"]})
    yield ("tags-merge-as-lines", "ours drops the first tag of a cell, theirs adds one at the end: merged as "
           "git merges the lines of the list (one tag a line, as Jupyter writes it), no conflict",
           tagged, edit(tagged, 2, metadata={"tags": ["parameters", "slow"]}),
           edit(tagged, 2, metadata={"tags": ["hide-input", "parameters", "slow", "skip-ci"]}), 0)
    formatted = copy.deepcopy(b)
    for c in formatted["cells"]:
        c["source"] = c["source"].rstrip("\n")
    yield ("delete-vs-final-newline", "ours ran a formatter that strips the newline at the end of each cell, "
           "theirs deletes the plot cell: the newline is no part of the work, so the delete wins",
           b, formatted, gone, 0)

def v3_case():
    """nbformat 3 base and ours, theirs upgraded to v4 by Jupyter: merged by upgrading, not refused."""
    def v3(*sources):
        cells = [{"cell_type": "heading", "level": 1, "metadata": {}, "source": "Sales report"}]
        cells += [{"cell_type": "code", "collapsed": False, "input": s, "language": "python", "metadata": {},
                   "outputs": [], "prompt_number": None} for s in sources]
        return {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0,
                "worksheets": [{"cells": cells, "metadata": {}}]}
    base = v3(LOAD, CLEAN, PLOT)
    ours = v3(LOAD + "df.head()\n", CLEAN, PLOT)
    theirs = nb(md("# Sales report"), code(LOAD), code(CLEAN), code(PLOT.replace("bar", "line")), minor=4)
    return base, ours, theirs


def main() -> None:
    sys.path.insert(0, str(HERE.parent.parent.parent))
    if "--expected" in sys.argv:
        from nbteam.seq.markers import Markers
        from nbteam.seq.style import conflict_style
        from nbteam.merge.file import merge_files

        for d in sorted(p for p in HERE.iterdir() if p.is_dir()):
            meta = json.loads((d / "case.json").read_text())
            out = merge_files(*(str(d / f"{r}.ipynb") for r in ("base", "ours", "theirs")), str(d / "expected.ipynb"),
                              d.name, Markers(style=conflict_style(meta.get("style", "merge"))))
            print(d.name, out.code, out.message)
        return
    all_cases = list(cases()) + [("nbformat3-and-4", "v3 base and ours, v4 theirs: upgraded and merged",
                                  *v3_case(), 0)]
    for name, note, base, ours, theirs, code_ in all_cases:
        d = HERE / name
        d.mkdir(parents=True, exist_ok=True)
        for role, data in (("base", base), ("ours", ours), ("theirs", theirs)):
            (d / f"{role}.ipynb").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        meta = {"note": note, "exit": code_}
        if name.endswith("diff3"):
            meta["style"] = "diff3"
        (d / "case.json").write_text(json.dumps(meta, indent=1) + "\n")
    crlf = HERE / "crlf-ours"
    crlf.mkdir(exist_ok=True)
    for role, data in (("base", BASE), ("ours", edit(BASE, 1, LOAD + "df.head()\n")),
                       ("theirs", edit(BASE, 3, PLOT.replace("bar", "line")))):
        text = json.dumps(data, indent=1, sort_keys=True) + "\n"
        (crlf / f"{role}.ipynb").write_bytes((text.replace("\n", "\r\n") if role == "ours" else text).encode())
    (crlf / "case.json").write_text(json.dumps({"note": "ours was checked out with CRLF line endings: "
                                                "merged, and written back with CRLF", "exit": 0}, indent=1) + "\n")


if __name__ == "__main__":
    main()
