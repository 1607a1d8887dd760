"""nbdime's fixture notebooks as three-way cases: every non-null case.json expectation must hold."""
from __future__ import annotations

import difflib
import json
import shutil

import nbformat
import pytest

from helpers import CORPUS
from nbteam.notebook.conflicts import find_conflicts
from nbteam.seq.markers import Markers
from nbteam.merge.file import merge_files
from nbteam.notebook.io import join_source, read_notebook

FIXTURES = CORPUS / "nbdime-fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "case.json").exists()) if FIXTURES.is_dir() else []
pytestmark = pytest.mark.skipif(not CASES, reason="../shared/corpus/nbdime-fixtures is not present")


def _marker_free(source: str) -> str:
    return "\n".join(l for l in source.splitlines() if not l.startswith(("<<<<<<<", "=======", ">>>>>>>", "|||||||")))


def _holds(merged_source: str, base_source: str) -> bool:
    """The conflicted merged cell is recognisably that base cell (a shared line, or alike)."""
    ours, base = _marker_free(merged_source), _marker_free(base_source)
    shared = {l.strip() for l in ours.splitlines() if l.strip()} & {l.strip() for l in base.splitlines() if l.strip()}
    return bool(shared) or difflib.SequenceMatcher(None, ours, base).ratio() >= 0.3


@pytest.mark.parametrize("case", CASES)
def test_expectation(case, tmp_path):
    src = FIXTURES / case
    expect = json.loads((src / "case.json").read_text())["expect"]
    for role in ("base", "ours", "theirs"):
        shutil.copy(src / f"{role}.ipynb", tmp_path / f"{role}.ipynb")
    out = tmp_path / "merged.ipynb"
    outcome = merge_files(*(str(tmp_path / f"{r}.ipynb") for r in ("base", "ours", "theirs")), str(out), case, Markers())
    merged = read_notebook(out)
    nbformat.validate(nbformat.read(str(out), as_version=nbformat.NO_CONVERT))
    found = find_conflicts(merged)
    assert outcome.code in (0, 1), outcome.message
    assert (outcome.code == 0) == (not found), "exit code and visible markers must agree"
    if expect["clean"] is True:
        assert outcome.code == 0, outcome.message
        assert [join_source(c["source"]) for c in merged["cells"]] == expect["merged_sources"]
    elif expect["clean"] is False:
        assert outcome.code == 1, outcome.message
        base = read_notebook(src / "base.ipynb")["cells"]
        conflicted = {c.cell for c in found}
        for i in expect["conflict_cells"]:
            want = join_source(base[i]["source"])
            assert any(_holds(join_source(merged["cells"][k]["source"]), want) for k in conflicted), (
                f"base cell {i} holds no conflict"
            )
