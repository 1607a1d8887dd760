"""Variants of the review's merge findings (issue 17 items 1-3): machine metadata, drafts inserted at
one place (resolved through a real `git merge` and `nbteam resolve`), repeated cells; and odd input."""
from __future__ import annotations

import copy
import json

import nbformat
import pytest

from helpers import make_nb, merge_branches, nbteam
from nbteam.merge.file import merge_files
from nbteam.merge.notebook import merge_notebooks

# --- item 1: machine metadata ----------------------------------------------------------


def _with_meta(nb: dict, notebook: dict | None = None, cell: dict | None = None) -> dict:
    nb = copy.deepcopy(nb)
    nb["metadata"].update(notebook or {})
    nb["cells"][0]["metadata"].update(cell or {})
    return nb


BASE = make_nb("import pandas as pd\n", "df = load()\n")


@pytest.mark.parametrize("key, base, ours, theirs", [
    # both bumped the kernel: ours' version must not come with theirs' lexer (a kernel neither ran)
    ("language_info", {"name": "python", "version": "3.10", "pygments_lexer": "ipython3"},
     {"name": "python", "version": "3.11", "pygments_lexer": "ipython3"},
     {"name": "python", "version": "3.12", "pygments_lexer": "ipython4"}),
    # nested: both changed the interpreter, theirs also added a key of its own
    ("interpreter", {"hash": "a1"}, {"hash": "b2"}, {"hash": "c3", "path": "/opt/conda"}),
    # Vertex AI Workbench: theirs changed the image's name and uri, ours its uri only
    ("environment", {"name": "tf2.m104", "uri": "gcr.io/x/tf2:m104"}, {"name": "tf2.m104", "uri": "gcr.io/x/tf2:m110"},
     {"name": "common-cpu.m110", "uri": "gcr.io/x/base-cpu:m110"}),
])
def test_machine_metadata_both_sides_changed_keeps_ours_whole(key, base, ours, theirs):
    result = merge_notebooks(_with_meta(BASE, {key: base}), _with_meta(BASE, {key: ours}), _with_meta(BASE, {key: theirs}))
    assert result.clean and result.notebook["metadata"][key] == ours


@pytest.mark.parametrize("ours_deletes", [True, False])
def test_machine_metadata_changed_on_one_side_deleted_on_the_other_keeps_ours(ours_deletes):
    env = {"name": "tf2.m104", "uri": "gcr.io/x/tf2:m104"}
    changed = _with_meta(BASE, {"environment": {**env, "uri": "gcr.io/x/tf2:m110"}})
    deleted = copy.deepcopy(BASE)
    ours, theirs = (deleted, changed) if ours_deletes else (changed, deleted)
    result = merge_notebooks(_with_meta(BASE, {"environment": env}), ours, theirs)
    assert result.clean
    assert result.notebook["metadata"].get("environment") == ours["metadata"].get("environment")


def test_cell_machine_metadata_and_team_keys_keep_ours_whole():
    """At cell level too (VS Code's cell state), and for a key the team added (`machine_metadata`)."""
    base = _with_meta(BASE, {"my_ext": {"panel": "a", "width": 1}}, {"vscode": {"languageId": "python"}})
    ours = _with_meta(BASE, {"my_ext": {"panel": "b", "width": 1}}, {"vscode": {"languageId": "sql"}})
    theirs = _with_meta(BASE, {"my_ext": {"panel": "c", "width": 2}},
                        {"vscode": {"languageId": "r", "interpreter": "x"}})
    ours["cells"][0]["source"] = "import pandas as pd  # ours\n"
    result = merge_notebooks(base, ours, theirs, machine=frozenset({"my_ext"}))
    assert result.clean
    assert result.notebook["metadata"]["my_ext"] == {"panel": "b", "width": 1}
    assert result.notebook["cells"][0]["metadata"] == {"vscode": {"languageId": "sql"}}
    assert result.notebook["cells"][0]["source"] == "import pandas as pd  # ours\n"
    # without the team's key it is the work's metadata: a visible conflict
    assert not merge_notebooks(base, ours, theirs).clean


@pytest.mark.parametrize("moved", [False, True])
def test_a_delete_wins_over_a_change_of_machine_metadata_alone(moved):
    """Theirs deletes a cell whose only change on our side is editor state (VS Code's cell language),
    even where ours also moved it: deleted, no delete/modify conflict (the fuzz found one)."""
    base = make_nb("import pandas as pd\n", "df = load()\n", "df.plot()\n")
    ours = copy.deepcopy(base)
    ours["cells"][1]["metadata"]["vscode"] = {"languageId": "python"}
    if moved:
        ours["cells"].append(ours["cells"].pop(1))
    theirs = copy.deepcopy(base)
    del theirs["cells"][1]
    result = merge_notebooks(base, ours, theirs)
    assert result.clean and [c["source"] for c in result.notebook["cells"]] == ["import pandas as pd\n", "df.plot()\n"]
    ours["cells"][-1 if moved else 1]["metadata"]["tags"] = ["keep"]  # work metadata: still a conflict
    assert [c.kind.value for c in merge_notebooks(base, ours, theirs).conflicts] == ["delete/modify"]


# --- item 2: drafts inserted at one place, resolved for real --------------------------------


def _nb(*cells: tuple[str, str]) -> dict:
    return {"cells": [{"cell_type": t, "metadata": {}, "source": s, **({"outputs": [], "execution_count": None}
                       if t == "code" else {})} for t, s in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}


TITLE, LOAD, PLOT = ("markdown", "# Sales report"), ("code", "df = load()"), ("code", "df.plot()")
OURS = [("markdown", "## Quick start\nInstall the requirements, then run the report.\n=========="),
        ("code", "!pip install -r requirements.txt"), ("code", "!python report.py --month 3")]
THEIRS = [("markdown", "## Quick start\nSet up the environment and run the report:"),
          ("code", "!pip install -r requirements.txt\n!pip install -e ."), ("code", "!python report.py")]
EDITED_LOAD = ("code", "df = load()\ndf = df.dropna()")

# name: base, ours, theirs, the cells kept whatever side is taken
DRAFTS = {
    "at the start": ([LOAD, PLOT], [*OURS, LOAD, PLOT], [*THEIRS, LOAD, PLOT], ([], [LOAD, PLOT])),
    "at the end": ([TITLE, LOAD], [TITLE, LOAD, *OURS], [TITLE, LOAD, *THEIRS], ([TITLE, LOAD], [])),
    # theirs also edits the cell right after its draft: the edit is kept, outside the conflict
    "neighbour edited": ([TITLE, LOAD, PLOT], [TITLE, *OURS, LOAD, PLOT], [TITLE, *THEIRS, EDITED_LOAD, PLOT],
                         ([TITLE], [EDITED_LOAD, PLOT])),
    # ours' draft replaces the load cell: the drafts still meet at one place
    "one side deletes the next cell": ([TITLE, LOAD, PLOT], [TITLE, *OURS, PLOT], [TITLE, *THEIRS, LOAD, PLOT],
                                       ([TITLE], [PLOT])),
    # theirs' draft is shorter, a different second cell: still drafts of one thing
    "one draft shorter": ([TITLE, LOAD], [TITLE, *OURS, LOAD], [TITLE, *THEIRS[:2], LOAD], ([TITLE], [LOAD])),
}


@pytest.mark.parametrize("name", list(DRAFTS))
def test_drafts_at_one_place_conflict_and_resolve_through_git(repo, name):
    base, ours, theirs, (before, after) = DRAFTS[name]
    assert nbteam("init", cwd=repo).returncode == 0
    p = merge_branches(repo, _nb(*base), _nb(*ours), _nb(*theirs), "report.ipynb")
    assert p.returncode == 1 and "merged, 1 conflict" in p.stderr, p.stderr
    path = repo / "report.ipynb"
    nbformat.validate(nbformat.read(str(path), as_version=nbformat.NO_CONVERT))
    cells = lambda: [(c["cell_type"], "".join(c["source"])) for c in json.loads(path.read_text())["cells"]]  # noqa: E731
    listed = nbteam("conflicts", "report.ipynb", cwd=repo)
    assert listed.returncode == 1 and "insert/insert conflict" in listed.stdout, listed.stdout
    drafts = {"ours": [c for c in ours if c in OURS], "theirs": [c for c in theirs if c in THEIRS]}
    saved = path.read_bytes()
    for side, block in (("ours", drafts["ours"]), ("theirs", drafts["theirs"]),
                        ("both", drafts["ours"] + drafts["theirs"])):
        path.write_bytes(saved)
        assert nbteam("resolve", f"--{side}", "report.ipynb", cwd=repo).returncode == 0
        assert cells() == [*before, *block, *after], side
        nbformat.validate(nbformat.read(str(path), as_version=nbformat.NO_CONVERT))


@pytest.mark.parametrize("theirs_block", [OURS, OURS[:2], OURS[1:]], ids=["identical", "prefix", "suffix"])
@pytest.mark.parametrize("ids", [True, False])
def test_a_block_held_by_the_other_merges_clean_as_one_copy(theirs_block, ids):
    """Both insert the same section (or theirs a part of ours, in order): clean, each cell once."""
    def nb(tag, *cells):
        out = _nb(*cells)
        if ids:  # base cells keep their ids; each side's new cells get ids of their own
            out["nbformat_minor"] = 5
            for n, (c, spec) in enumerate(zip(out["cells"], cells)):
                c["id"] = {TITLE: "title", LOAD: "load"}.get(spec, f"{tag}{n}")
        return out

    ours = (TITLE, *OURS, LOAD)
    result = merge_notebooks(nb("b", TITLE, LOAD), nb("o", *ours), nb("t", TITLE, *theirs_block, LOAD))
    assert result.clean
    assert [(c["cell_type"], c["source"]) for c in result.notebook["cells"]] == list(ours)


@pytest.mark.parametrize("theirs, ours", [(["theirs_0 = 0", "theirs_1 = 1"], ["ours_2 = 2", "ours_3 = 3"]),
                                          (["theirs_10 = 10", "theirs_11 = 11"], ["ours_12 = 12", "ours_13 = 13"])])
def test_each_side_rewriting_its_own_cells_beside_the_other_keeps_base_order(theirs, ours):
    """Theirs rewrites the first two of four empty cells, ours the last two (hypothesis found both
    when cells inserted around deleted cells first met at one place; the second pair alike enough
    to pass for drafts): edits in place of different cells, theirs then ours, no conflict."""
    nb = lambda *cells: make_nb(*cells, ids=False, minor=4)  # noqa: E731
    result = merge_notebooks(nb("", "", "", ""), nb("", "", *ours), nb(*theirs, "", ""))
    assert result.clean
    assert [c["source"] for c in result.notebook["cells"]] == theirs + ours


def test_a_cell_both_insert_on_either_side_of_a_deleted_cell_is_kept_once():
    """Ours adds a cell before the load cell, theirs the same cell after it and deletes the load
    cell: side by side in the result, so one copy (it used to be two, caught by the safety net)."""
    base = make_nb("import pandas as pd\n", "df = load()\n", "df.plot()\n")
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["cells"].insert(1, {**copy.deepcopy(base["cells"][0]), "id": "o1", "source": "import numpy as np\n"})
    theirs["cells"][1] = {**copy.deepcopy(base["cells"][0]), "id": "t1", "source": "import numpy as np\n"}
    result = merge_notebooks(base, ours, theirs)
    assert result.clean
    assert [c["source"] for c in result.notebook["cells"]] == ["import pandas as pd\n", "import numpy as np\n", "df.plot()\n"]


# --- item 3: repeated cells without ids -------------------------------------------------

D = "df = df.dropna()"


@pytest.mark.parametrize("base, ours, theirs, want", [
    # the review's layout with the run at the end of the notebook
    (["import pandas as pd", D, D, D], ["import polars as pl", D, D], ["import pandas as pd", D, D, "df.plot()"],
     ["import polars as pl", D, D, "df.plot()"]),
    # both delete two of four; ours edits the cell before, theirs adds one after
    (["x = 1", D, D, D, D, "print(x)"], ["x = 2", D, D, "print(x)"], ["x = 1", D, D, "print(x)", "y = 3"],
     ["x = 2", D, D, "print(x)", "y = 3"]),
    # two runs of the same cell: each side deletes one from the first run, theirs edits between the runs
    ([D, D, "mid", D, D], [D, "mid", D, D], [D, "mid 2", D, D], [D, "mid 2", D, D]),
])
def test_shared_delete_in_a_run_of_equal_cells_is_applied_once(base, ours, theirs, want):
    nb = lambda cells: make_nb(*cells, ids=False, minor=4)  # noqa: E731
    result = merge_notebooks(nb(base), nb(ours), nb(theirs))
    got = [c["source"] for c in result.notebook["cells"]]
    assert result.conflicts or got == want, got


# --- odd input ----------------------------------------------------------------------------


def test_a_lone_surrogate_escape_merges_and_is_written_back_escaped(tmp_path):
    """`"\\ud800"` is legal JSON but no UTF-8: the merge used to fall back as an internal error."""
    paths = []
    for role, src in (("base", "x = 1\n"), ("ours", "x = 1\ny = 2\n"), ("theirs", "x = 1\n")):
        nb = make_nb(src, "s = '\ud800'\n")
        path = tmp_path / f"{role}.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")  # ensure_ascii: written as \ud800
        paths.append(str(path))
    outcome = merge_files(*paths, paths[1], "nb.ipynb")
    assert outcome.code == 0, outcome.message
    text = (tmp_path / "ours.ipynb").read_text(encoding="utf-8")
    assert "\\ud800" in text and json.loads(text)["cells"][1]["source"] == ["s = '\ud800'\n"]
    nbformat.validate(nbformat.reads(text, as_version=nbformat.NO_CONVERT))
