"""Odd but parseable notebooks: the merge never raises, and a clean result is always schema-valid."""
from __future__ import annotations

import json

import nbformat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbteam.seq.markers import Markers
from nbteam.merge.file import merge_files

scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=8)
values = st.recursive(scalars, lambda v: st.lists(v, max_size=3) | st.dictionaries(st.text(max_size=4), v, max_size=3),
                      max_leaves=8)
odd_cell = st.fixed_dictionaries(
    {"cell_type": st.sampled_from(["code", "markdown", "raw", "heading", "weird"])},
    optional={
        "source": st.one_of(st.text(max_size=20), st.lists(st.one_of(st.text(max_size=8), st.none()), max_size=3),
                            st.none(), st.integers()),
        "metadata": st.one_of(st.dictionaries(st.text(max_size=5), values, max_size=3), st.none(), st.text()),
        "id": st.one_of(st.text(max_size=70), st.none(), st.integers()),
        "outputs": st.one_of(st.lists(values, max_size=2), st.none()),
        "execution_count": st.one_of(st.integers(-1, 9), st.none(), st.text(max_size=2)),
        "attachments": st.one_of(st.dictionaries(st.text(max_size=5), values, max_size=2), st.none()),
    },
)
odd_nb = st.fixed_dictionaries(
    {"cells": st.lists(st.one_of(odd_cell, scalars), max_size=5), "nbformat": st.just(4)},
    optional={"metadata": st.one_of(st.dictionaries(st.text(max_size=5), values, max_size=3), st.none()),
              "nbformat_minor": st.one_of(st.integers(-1, 6), st.none(), st.text(max_size=2))},
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(odd_nb, odd_nb, odd_nb)
def test_odd_notebooks_never_crash_the_merge(tmp_path, base, ours, theirs):
    paths = []
    for role, nb in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = tmp_path / f"{role}.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        paths.append(str(path))
    outcome = merge_files(*paths, paths[1], "nb.ipynb", Markers())
    assert outcome.code in (0, 1), outcome.message
    assert "internal error" not in outcome.message
    if "not merged as a notebook" in outcome.message:  # refused with a reason (e.g. a null in the cell list)
        assert outcome.code == 1 and "<<<<<<<" in (tmp_path / "ours.ipynb").read_text(encoding="utf-8")
        return
    result = nbformat.reads((tmp_path / "ours.ipynb").read_text(encoding="utf-8"), as_version=nbformat.NO_CONVERT)
    nbformat.validate(result)
