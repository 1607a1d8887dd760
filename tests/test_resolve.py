"""`nbteam resolve --ours/--theirs/--both`: golden cases for every side and conflict kind, and real git."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers import git, make_nb, nbteam, write_nb
from nbteam.merge.resolve import Side, conflict_regions, replace_region, resolve_all, resolve_region
from nbteam.notebook.io import dumps_notebook, read_notebook
from nbteam.notebook.markers import NOTEBOOK_METADATA_NOTE, ConflictKind, find_conflicts

GOLDEN = Path(__file__).parent / "golden" / "resolve"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


@pytest.mark.parametrize("side", list(Side), ids=lambda s: s.value)
@pytest.mark.parametrize("case", CASES)
def test_golden_resolve(case, side):
    merged = read_notebook(GOLDEN / case / "merged.ipynb")
    assert conflict_regions(merged), "a resolve case starts with conflicts"
    result = resolve_all(merged, side)
    assert dumps_notebook(result) == (GOLDEN / case / f"{side.value}.ipynb").read_text()
    assert not find_conflicts(result)
    nbformat.validate(nbformat.reads(dumps_notebook(result), as_version=nbformat.NO_CONVERT))


def test_the_cases_cover_every_conflict_kind():
    kinds = {r.kind for case in CASES for r in conflict_regions(read_notebook(GOLDEN / case / "merged.ipynb"))}
    assert kinds == set(ConflictKind)


def _cells(case: str, side: str) -> list[dict]:
    return json.loads((GOLDEN / case / f"{side}.ipynb").read_text())["cells"]


def test_sides_mean_what_they_say():
    # source: ours' line, theirs' line, both in that order; the cleanly merged cells stay merged
    ours, theirs, both = (_cells("mixed-clean-and-conflicts", s) for s in ("ours", "theirs", "both"))
    assert "sales_2026" in "".join(ours[1]["source"]) and "sales_q3" not in "".join(ours[1]["source"])
    assert "sales_q3" in "".join(theirs[1]["source"]) and "sales_2026" not in "".join(theirs[1]["source"])
    assert "".join(both[1]["source"]).index("sales_2026") < "".join(both[1]["source"]).index("sales_q3")
    for cells in (ours, theirs, both):
        assert "df = df[df.qty > 0]\n" in "".join(cells[2]["source"]) and "".join(cells[3]["source"]) == "df.describe()\n"
    # delete/modify: taking the deleting side deletes the cell; the other side or both keep the edit
    assert len(_cells("ours-deletes-theirs-edits", "ours")) == 3
    assert "fillna" in "".join(_cells("ours-deletes-theirs-edits", "theirs")[2]["source"])
    assert "fillna" in "".join(_cells("ours-deletes-theirs-edits", "both")[2]["source"])
    assert len(_cells("delete-vs-edit", "theirs")) == len(_cells("delete-vs-edit", "ours")) - 1
    # fields: the real metadata and type change, the marker lines go
    assert [_cells("tags-conflict", s)[2]["metadata"]["tags"] for s in ("ours", "theirs", "both")] == [
        ["slow"], ["skip"], ["slow", "skip"]]
    assert [_cells("cell-type-conflict", s)[0]["cell_type"] for s in ("ours", "theirs")] == ["raw", "code"]
    assert _cells("attachments-conflict", "theirs")[0]["attachments"] == {"a.png": {"image/png": "dGhlaXJz"}}
    nb = json.loads((GOLDEN / "notebook-metadata-conflict" / "theirs.ipynb").read_text())
    assert nb["metadata"]["title"] == "Sales, third quarter"
    assert not any("".join(c["source"]).startswith(NOTEBOOK_METADATA_NOTE) for c in nb["cells"])


def test_one_region_at_a_time_and_hand_edits():
    merged = read_notebook(GOLDEN / "same-lines-conflict-diff3" / "merged.ipynb")
    [region] = conflict_regions(merged)
    assert region.base is not None and region.ours_label == "ours" and region.theirs_label == "theirs"
    assert resolve_region(merged, 0, Side.THEIRS) == resolve_all(merged, Side.THEIRS)
    edited = replace_region(merged, 0, "df = df.dropna(how='any')")
    cell = edited["cells"][region.cell]
    assert "df = df.dropna(how='any')\n" in "".join(cell["source"]) and not conflict_regions(edited)
    assert merged == read_notebook(GOLDEN / "same-lines-conflict-diff3" / "merged.ipynb"), "inputs are not changed"


def _conflicted_repo(repo: Path) -> Path:
    """A real `git merge` through nbteam's driver that stops on a conflict in analysis.ipynb."""
    nb = repo / "analysis.ipynb"
    write_nb(nb, make_nb("import pandas as pd\n", "x = 1\n", "print(x)\n"))
    assert nbteam("init", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    write_nb(nb, make_nb("import pandas as pd\n", "x = 2\n", "print(x)\n", "x * 2\n"))
    git(repo, "commit", "-qam", "theirs")
    git(repo, "checkout", "-q", "main")
    write_nb(nb, make_nb("import pandas as pd  # ours\n", "x = 3\n", "print(x)\n"))
    git(repo, "commit", "-qam", "ours")
    assert git(repo, "merge", "feature", check=False).returncode == 1
    return nb


def test_resolve_theirs_after_a_real_conflicted_merge(repo):
    nb = _conflicted_repo(repo)
    assert nbteam("conflicts", "analysis.ipynb", cwd=repo).returncode == 1
    p = nbteam("resolve", "--theirs", "--add", "analysis.ipynb", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "analysis.ipynb: took theirs in 1 conflict\n"
    sources = ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"]]
    # the clean change of ours (the comment) and of theirs (the new cell) stay; the conflict takes theirs
    assert sources == ["import pandas as pd  # ours\n", "x = 2\n", "print(x)\n", "x * 2\n"]
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout == ""
    assert nbteam("conflicts", "analysis.ipynb", cwd=repo).returncode == 0
    git(repo, "commit", "-qm", "merged")


def test_resolve_without_conflicts_changes_nothing(tmp_path):
    path = write_nb(tmp_path / "nb.ipynb", make_nb("x = 1\n"))
    before = path.read_bytes()
    p = nbteam("resolve", "--ours", str(path))
    assert (p.returncode, p.stdout, path.read_bytes()) == (0, f"{path}: no conflicts\n", before)


def test_short_markers_from_gitattributes(repo):
    (repo / ".gitattributes").write_text("*.ipynb conflict-marker-size=5\n")
    shutil.copy(GOLDEN / "same-lines-conflict" / "merged.ipynb", repo / "nb.ipynb")
    text = (repo / "nb.ipynb").read_text().replace("<<<<<<< ", "<<<<< ").replace('"=======', '"=====')
    (repo / "nb.ipynb").write_text(text.replace(">>>>>>> ", ">>>>> "))
    p = nbteam("resolve", "--ours", "nb.ipynb", cwd=repo)
    assert p.stdout == "nb.ipynb: took ours in 1 conflict\n", p.stderr
    assert "<<<<<" not in (repo / "nb.ipynb").read_text()


def test_mergetool_form_merges_first_then_takes_a_side(tmp_path):
    base = write_nb(tmp_path / "b.ipynb", make_nb("x = 1\n", "y = 1\n"))
    local = write_nb(tmp_path / "l.ipynb", make_nb("x = 2\n", "y = 2\n"))
    remote = write_nb(tmp_path / "r.ipynb", make_nb("x = 3\n", "y = 1\n"))
    merged = tmp_path / "m.ipynb"
    merged.write_text("{ not a notebook: git's own text merge would be here")
    p = nbteam("resolve", "--base", str(base), "--local", str(local), "--remote", str(remote), "--theirs", str(merged))
    assert p.returncode == 0, p.stderr
    assert ["".join(c["source"]) for c in json.loads(merged.read_text())["cells"]] == ["x = 3\n", "y = 2\n"]


def test_bad_input_is_one_line(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{")
    p = nbteam("resolve", "--ours", str(bad))
    assert p.returncode == 2 and p.stderr.startswith("nbteam resolve: ") and len(p.stderr.splitlines()) == 1
    p = nbteam("resolve", "--base", str(bad), "--ours", str(bad))
    assert p.returncode == 2 and "go together" in p.stderr
