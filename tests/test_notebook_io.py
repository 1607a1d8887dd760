"""Notebook I/O: Jupyter's exact layout, and a light import path for the merge driver."""
from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from helpers import corpus_dir
from nbteam.notebook.io import _jupyter_layout, dumps_notebook

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


def reference(nb):
    return json.dumps(_jupyter_layout(nb), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


@given(st.dictionaries(st.text(max_size=5), json_values, max_size=5), st.lists(st.text(), max_size=5))
def test_dumps_matches_jupyters_json_layout(meta, lines):
    nb = {"cells": [{"cell_type": "code", "source": "".join(lines), "metadata": meta, "outputs": [],
                     "execution_count": None}], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    assert dumps_notebook(nb) == reference(nb)


def test_dumps_matches_on_fixture_notebooks():
    files = sorted(corpus_dir("nbdime-fixtures").glob("*/*.ipynb"))[:60]
    assert files, "the nbdime fixtures hold no notebooks"
    for f in files:
        nb = json.loads(f.read_text(encoding="utf-8"))
        if nb.get("nbformat") == 4:
            assert dumps_notebook(nb) == reference(nb), f


def test_merge_driver_imports_stay_light(tmp_path):
    """git starts one driver per notebook: no Jupyter server, schema validator, pygit2 or textual."""
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['nbteam', 'merge-driver', {str(nb)!r}, {str(nb)!r}, {str(nb)!r}, '7', 'nb.ipynb']\n"
        "from nbteam.cli import main\n"
        "main()\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('jupyter_server', 'jsonschema', 'fastjsonschema', 'pygit2', 'textual', 'nbformat', 'nbdime', 'typing', 'argparse'))\n"
        "print(heavy)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def test_old_formats_upgrade_as_nbformat_does():
    """nbteam's own nbformat 2/3 upgrade (fast, deterministic) agrees with nbformat's converter
    on every old notebook of the corpus: cells, sources, metadata and outputs."""
    import nbformat

    from helpers import corpus_dir
    from nbteam.notebook.upgrade import upgrade_worksheets

    checked = 0
    for path in sorted(corpus_dir("real-merges").rglob("*.ipynb")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("nbformat") not in (2, 3):
            continue
        theirs = json.loads(json.dumps(nbformat.reads(json.dumps(raw), as_version=4)))
        for cell in theirs["cells"]:
            cell.pop("id", None)
            if "execution_count" in cell and not isinstance(cell["execution_count"], int):
                cell["execution_count"] = None  # nbformat keeps v3's "*" (running), invalid in v4
        for key in ("orig_nbformat", "orig_nbformat_minor"):
            theirs["metadata"].pop(key, None)
        ours = upgrade_worksheets(raw, raw["worksheets"])
        assert ours["cells"] == theirs["cells"], path
        assert ours["metadata"] == theirs["metadata"], path
        checked += 1
    assert checked >= 10
