"""Golden merge cases: tests/golden/merge/<case>/{base,ours,theirs,expected}.ipynb, read them to see the behaviour."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from nbteam.notebook.conflicts import find_conflicts
from nbteam.seq.markers import Markers
from nbteam.seq.style import conflict_style
from nbteam.merge.file import merge_files
from nbteam.notebook.io import read_notebook

GOLDEN = Path(__file__).parent / "golden" / "merge"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_golden_merge(case, tmp_path):
    src = GOLDEN / case
    meta = json.loads((src / "case.json").read_text())
    for role in ("base", "ours", "theirs"):
        shutil.copy(src / f"{role}.ipynb", tmp_path / f"{role}.ipynb")
    ours = tmp_path / "ours.ipynb"
    outcome = merge_files(str(tmp_path / "base.ipynb"), str(ours), str(tmp_path / "theirs.ipynb"), str(ours), case,
                          Markers(style=conflict_style(meta.get("style", "merge"))))
    assert outcome.code == meta["exit"], outcome.message
    assert ours.read_bytes() == (src / "expected.ipynb").read_bytes()
    nbformat.validate(nbformat.read(str(ours), as_version=nbformat.NO_CONVERT))
    assert bool(find_conflicts(read_notebook(ours))) == bool(meta["exit"])


def test_every_case_is_complete():
    for case in CASES:
        assert {p.name for p in (GOLDEN / case).iterdir()} >= {"base.ipynb", "ours.ipynb", "theirs.ipynb",
                                                               "expected.ipynb", "case.json"}, case


@pytest.mark.parametrize("case", CASES)
def test_saving_in_jupyter_changes_nothing(case):
    """nbformat.write (what Jupyter saves with) reproduces the merged file byte for byte."""
    raw = (GOLDEN / case / "expected.ipynb").read_bytes().decode("utf-8").replace("\r\n", "\n")
    node = nbformat.reads(raw, as_version=nbformat.NO_CONVERT)
    assert nbformat.writes(node) + "\n" == raw
