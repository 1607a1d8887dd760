"""Properties of the notebook merge, on generated notebooks (hypothesis)."""
from __future__ import annotations

import json

import nbformat
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nbteam.notebook.conflicts import find_conflicts
from nbteam.merge.notebook import LostWorkError, merge_notebooks
from nbteam.notebook.normalise import normalise_notebook
from nbteam.notebook.io import dumps_notebook, parse_notebook

LINES = ["import numpy as np", "x = 1", "x = 2", "print(x)", "", "# title", "y = f(x)", "plot(y)", "return z"]
source = st.lists(st.sampled_from(LINES), max_size=5).map("\n".join)
cell = st.fixed_dictionaries({
    "cell_type": st.sampled_from(["code", "markdown"]),
    "source": source,
    "metadata": st.sampled_from([{}, {"tags": ["a"]}, {"tags": ["b"]}]),
})


@st.composite
def notebooks(draw, base=None):
    """A notebook: fresh, or an edit of `base` (cells kept, edited, deleted, inserted, ids kept)."""
    if base is None:
        cells = draw(st.lists(cell, max_size=8))
        with_ids = draw(st.booleans())
        out = []
        for n, c in enumerate(cells):
            c = dict(c)
            if c["cell_type"] == "code":
                c.update(outputs=[], execution_count=None)
            if with_ids:
                c["id"] = f"id{n}"
            out.append(c)
        return {"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5 if with_ids else 4}
    out = []
    for c in base["cells"]:
        action = draw(st.sampled_from(["keep", "keep", "edit", "delete", "insert"]))
        if action == "delete":
            continue
        if action == "insert":
            new = dict(draw(cell))
            if new["cell_type"] == "code":
                new.update(outputs=[], execution_count=None)
            if "id" in c:
                new["id"] = "n" + str(draw(st.integers(0, 10**6)))
            out.append(new)
        out.append({**c, "source": draw(source)} if action == "edit" else dict(c))
    if out and draw(st.booleans()):  # move one cell somewhere else
        moving = out.pop(draw(st.integers(0, len(out) - 1)))
        out.insert(draw(st.integers(0, len(out))), moving)
    return {**base, "cells": out}


def _dedupe_ids(nb):
    seen = set()
    for c in nb["cells"]:
        if "id" in c and c["id"] in seen:
            c["id"] = c["id"] + "x" + str(len(seen))
        seen.add(c.get("id"))
    return nb


@st.composite
def triples(draw):
    base = draw(notebooks())
    return base, _dedupe_ids(draw(notebooks(base))), _dedupe_ids(draw(notebooks(base)))


def content(nb):
    """What a merge must preserve: each cell's type, source and metadata, in order."""
    return [(c["cell_type"], c["source"], c["metadata"]) for c in normalise_notebook(nb)["cells"]]


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(triples())
def test_one_sided_changes_are_taken(t):
    base, x, y = t
    assert content(merge_notebooks(base, x, base).notebook) == content(x)
    assert content(merge_notebooks(base, base, y).notebook) == content(y)
    assert merge_notebooks(base, x, base).clean and merge_notebooks(base, base, y).clean


@SETTINGS
@given(triples())
def test_same_change_on_both_sides_is_taken_once(t):
    base, x, _ = t
    result = merge_notebooks(base, x, x)
    assert result.clean
    assert content(result.notebook) == content(x)


@SETTINGS
@given(triples())
def test_result_is_valid_and_conflicts_are_visible(t):
    base, x, y = t
    try:
        result = merge_notebooks(base, x, y)
    except LostWorkError:  # the safety net caught a doubtful merge: merge_files falls back visibly
        return
    text = dumps_notebook(result.notebook)
    node = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    nbformat.validate(node)
    found = find_conflicts(parse_notebook(text.encode()))
    assert result.conflicts == found
    assert json.loads(text) == json.loads(dumps_notebook(parse_notebook(text.encode())))


@st.composite
def in_place_edits(draw):
    """A notebook with many repeated cells, and each side editing its own cells in place."""
    base = draw(st.lists(st.sampled_from(["", "", "import x", "x = 1", "plot()"]), min_size=1, max_size=30))
    order = draw(st.permutations(range(len(base))))
    k = draw(st.integers(0, len(base)))
    mine, yours = set(order[:k // 2]), set(order[k // 2:k])
    ours = [f"ours_{i} = {i}" if i in mine else s for i, s in enumerate(base)]
    theirs = [f"theirs_{i} = {i}" if i in yours else s for i, s in enumerate(base)]
    expected = [ours[i] if i in mine else theirs[i] for i in range(len(base))]
    ids = draw(st.booleans())
    return [_plain(x, ids) for x in (base, ours, theirs)], expected


def _plain(sources, ids):
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5 if ids else 4}
    for n, src in enumerate(sources):
        cell = {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
        if ids:
            cell["id"] = f"c{n}"
        nb["cells"].append(cell)
    return nb


@SETTINGS
@given(in_place_edits())
def test_edits_of_different_cells_merge_cleanly_even_among_repeated_cells(case):
    (base, ours, theirs), expected = case
    result = merge_notebooks(base, ours, theirs)
    assert result.clean
    assert [c["source"] for c in result.notebook["cells"]] == expected


@st.composite
def moves_and_edits(draw):
    """Cells with ids; ours moves some cells, theirs edits some in place."""
    n = draw(st.integers(1, 15))
    base = _plain([f"step_{k} = compute({k})\nprint(step_{k})" for k in range(n)], ids=True)
    ours = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(0, 3))):
        cell = ours["cells"].pop(draw(st.integers(0, n - 1)))
        ours["cells"].insert(draw(st.integers(0, n - 1)), cell)
    theirs = json.loads(json.dumps(base))
    for k in draw(st.sets(st.integers(0, n - 1), max_size=4)):
        theirs["cells"][k]["source"] = "# checked\n" + theirs["cells"][k]["source"]
    return base, ours, theirs


@SETTINGS
@given(moves_and_edits())
def test_edits_follow_cells_the_other_side_moved(case):
    base, ours, theirs = case
    result = merge_notebooks(base, ours, theirs)
    edited = {c["id"]: c["source"] for c in theirs["cells"]}
    assert result.clean
    assert [c["source"] for c in result.notebook["cells"]] == [edited[c["id"]] for c in ours["cells"]]


@st.composite
def same_id_order(draw):
    """Three versions with one id order: only sources, types and metadata change (the usual merge)."""
    base = draw(st.lists(cell, min_size=1, max_size=8))
    versions = []
    for _ in range(3):
        cells = [dict(draw(cell)) if draw(st.booleans()) else dict(c) for c in base]
        for n, c in enumerate(cells):
            c["id"] = f"id{n}"
            if c["cell_type"] == "code":
                c.update(outputs=[], execution_count=None)
        versions.append(cells)
    versions[0] = [dict(c, source=b["source"]) if draw(st.booleans()) else c for c, b in zip(versions[0], base)]
    return versions


@given(same_id_order())
@SETTINGS
def test_cells_in_one_id_order_merge_as_the_alignment_would(versions):
    """merge_cells skips aligning cells that keep their ids and order; the alignment pairs them alike."""
    from nbteam.merge.machine import CELL, machine_keys
    from nbteam.merge.notebook import _merge_aligned, merge_cells
    from nbteam.notebook.ids import one_order
    from nbteam.seq.markers import Markers

    b, o, t = ([normalise_notebook({"cells": v})["cells"][k] for k in range(len(v))] for v in versions)
    from nbteam.notebook.ids import id_stories

    assert one_order(b, o, t, stories=id_stories(b, o, t)) == one_order(b, o, t)  # what merge_notebooks asks
    assume(one_order(b, o, t))  # not where ids look regenerated (unique cells changed places)
    machine = machine_keys(CELL)
    assert merge_cells(b, o, t, Markers()) == _merge_aligned(b, o, t, Markers(), machine, True)


@given(triples(), st.booleans())
@SETTINGS
def test_the_as_lines_merge_from_a_recorded_alignment_is_the_merge_as_lines(t, in_place):
    """A merge with conflicts takes its as-lines variant from the alignment it made (the parts
    recorded by merge_cells) instead of aligning again: the same cells as merge_cells(as_lines=True),
    and the id stories worked out once are those of each side alone."""
    from nbteam.merge.lines import merge_conflicting_stretches
    from nbteam.merge.notebook import merge_cells
    from nbteam.notebook.ids import id_stories, id_story
    from nbteam.seq.markers import Markers

    b, o, th = (normalise_notebook(nb)["cells"] for nb in t)
    stories = id_stories(b, o, th)
    assert stories == [id_story(b, o), id_story(b, th)]
    record: list = []
    entries = merge_cells(b, o, th, Markers(), frozenset(), in_place, False, stories, record)
    assume(record)  # the cells were aligned (not the one-id-order shortcut, not an empty base)
    units, fixed = record[-1]
    again = merge_conflicting_stretches(units, entries, b, o, th, fixed, Markers())
    assert again == merge_cells(b, o, th, Markers(), frozenset(), in_place, True)
