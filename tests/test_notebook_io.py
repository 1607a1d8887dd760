"""Notebook I/O: Jupyter's exact layout, and a light import path for the merge driver."""
from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from helpers import corpus_dir, make_nb
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


def _emptied(nb):
    """nb with every code cell's outputs emptied: what parse_notebook(outputs=False) may give."""
    out = json.loads(json.dumps(nb))
    for cell in out["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
    return out


def test_outputs_are_cut_unparsed_from_jupyters_layout():
    """A merge strips outputs, so it reads them not at all: cut out by layout, same cells."""
    from nbteam.notebook.io import _without_outputs, dumps_notebook, parse_notebook

    nb = make_nb("x = 1\n", "print('[{]')\n", "y\n")
    nb["cells"][0]["outputs"] = [{"output_type": "display_data", "metadata": {"a": [1, {"b": "]\n   ]"}]},
                                  "data": {"text/plain": ["   ],\n", "  {\n"], "application/json": {"k": [[]]}}}]
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["[{]\n"]}]
    nb["cells"][2]["metadata"] = {"outputs": [1]}  # not outputs: never cut
    data = dumps_notebook(nb).encode()
    assert _without_outputs(data.decode()) is not None  # the fast path is taken
    assert parse_notebook(data, outputs=False) == _emptied(parse_notebook(data))
    assert parse_notebook(data) == json.loads(data)


def test_outputs_cut_never_loses_a_key_in_an_odd_layout():
    """Outputs closed on a deeper line, then the cell's keys, then a `   ]` line: the cut would
    swallow the id and metadata; the check notices and the whole file is parsed instead."""
    from nbteam.notebook.io import parse_notebook

    text = ('{\n "cells": [\n  {\n   "cell_type": "code",\n   "outputs": [\n    {"output_type": "stream",'
            ' "name": "stdout", "text": "1"}], "id": "a1", "metadata": {}, "execution_count": null, "x": [\n   ],\n'
            '   "source": "x"\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n')
    from nbteam.notebook.io import _without_outputs

    assert '"id"' not in _without_outputs(text)  # the layout-only cut would lose the id
    full = parse_notebook(text.encode())
    assert full["cells"][0]["id"] == "a1"
    fast = parse_notebook(text.encode(), outputs=False)
    assert {k: v for k, v in fast["cells"][0].items() if k != "outputs"} == \
        {k: v for k, v in full["cells"][0].items() if k != "outputs"}


cell_sources = st.lists(st.text(alphabet="ab\n ]}{,\"", max_size=6), max_size=4)


@st.composite
def cells(draw):
    """Cells in the shapes a merge writes (and some it never does): with or without an id, empty or
    other metadata and outputs, source as one text or as lines."""
    kind = draw(st.sampled_from(["code", "markdown", "raw", 7]))
    cell = {"cell_type": kind, "metadata": draw(st.sampled_from([{}, {"tags": ["a"]}, []])),
            "source": draw(st.one_of(cell_sources.map("".join), cell_sources, st.just(["a", 1])))}
    if kind == "code" or draw(st.booleans()):
        cell["outputs"] = draw(st.sampled_from([[], [{"output_type": "stream", "text": "x"}], {}]))
        cell["execution_count"] = draw(st.sampled_from([None, 3, True, 1.5, "2"]))
    if draw(st.booleans()):
        cell["id"] = draw(st.sampled_from(["a-1", "", 5]))
    if draw(st.booleans()):
        cell[draw(st.sampled_from(["attachments", "x"]))] = {}
    return cell


@given(st.lists(cells(), max_size=5))
def test_dumps_writes_every_cell_shape_as_json_does(cell_list):
    """The encoder's one-go path for the commonest cell shapes, and the general one for the rest."""
    nb = {"cells": cell_list, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    assert dumps_notebook(nb) == reference(nb)


@given(st.lists(cells(), min_size=1, max_size=6), st.lists(st.integers(0, 5), max_size=4), st.booleans())
def test_versions_read_through_one_cache_read_as_alone(cell_list, changed, outputs):
    """Three versions read through one CellCache (cells shared by text, later versions compared in
    place) are what each reads alone, outputs cut or not; a cell alike in two versions is one object."""
    from nbteam.notebook.io import CellCache, parse_notebook

    base = {"cells": cell_list, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    ours = json.loads(json.dumps(base))
    for k in changed:
        if k < len(ours["cells"]):
            ours["cells"][k]["source"] = "changed\n"
    new = {"cell_type": "markdown", "metadata": {}, "source": "new\n"}
    theirs = {**base, "cells": base["cells"][1:] + [new]}
    texts = [dumps_notebook(nb).encode() for nb in (base, ours, theirs)]
    cache = CellCache()
    read = [parse_notebook(t, outputs=outputs, cache=cache) for t in texts]
    alone = [parse_notebook(t, outputs=outputs) for t in texts]
    assert read == alone
    if outputs:
        assert alone == [json.loads(t) for t in texts]
    # (Without outputs, a version where some code cells lack the id others have is read in full.)
    if outputs and len(base["cells"]) > 1 and read[0]["cells"][1] == read[2]["cells"][0]:
        assert read[0]["cells"][1] is read[2]["cells"][0]


def test_cache_reads_odd_layouts_in_full():
    """Where the text only looks like Jupyter's layout (a cell's nested lines at a cell's indent, a
    cell list closed early, keys after the cells), the cached reading gives up and the whole file is
    read: the same notebook as json reads, nothing shared with a wrong cell."""
    from nbteam.notebook.io import CellCache, parse_notebook

    odd = [
        # a nested object laid out like two cells: its pieces are no whole JSON values
        '{\n "cells": [\n  {\n   "cell_type": "raw", "metadata": {"a": [\n  {\n"b": 1\n  },\n  {\n"c": 2\n  }]},\n'
        '   "source": "x"\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 4\n}\n',
        # "\n  }\n ]" inside the notebook's metadata, after the cells
        '{\n "cells": [\n  {\n   "cell_type": "raw",\n   "metadata": {},\n   "source": "x"\n  }\n ],\n'
        ' "metadata": {"k": [{\n  }\n ]},\n "nbformat": 4,\n "nbformat_minor": 4\n}\n',
        # a cell's outputs that do not close as Jupyter closes them
        '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": null,\n   "metadata": {},\n'
        '   "outputs": [\n    1\n   ], "source": "y"\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n'
        ' "nbformat_minor": 4\n}\n',
    ]
    for text in odd:
        cache = CellCache()
        for _ in range(2):  # first as the first version, then compared with it
            got = parse_notebook(text.encode(), cache=cache)
            assert got == json.loads(text)
            cut = parse_notebook(text.encode(), outputs=False, cache=cache)
            assert [{k: v for k, v in c.items() if k != "outputs"} for c in cut["cells"]] == \
                [{k: v for k, v in c.items() if k != "outputs"} for c in got["cells"]]
