"""`nbteam resolve` and nbteam.merge.resolve: golden cases (tests/golden/resolve/<case>/: conflicted.ipynb
and what --ours, --theirs and --both make of it), the command line, and the mergetool form."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from helpers import merge_branches, git, make_nb, nbteam, write_nb
from nbteam.errors import NbteamError
from nbteam.merge.resolve import Side, replace_conflict, resolve_all, resolve_conflict
from nbteam.notebook.io import dumps_notebook, join_source, read_notebook
from nbteam.notebook.conflicts import find_conflicts
from nbteam.notebook.markers import ConflictKind

GOLDEN = Path(__file__).parent / "golden" / "resolve"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def no_markers(text: str) -> bool:
    return not any(line.lstrip('"').startswith(("<<<<<<<", ">>>>>>>", "=======")) for line in text.splitlines())


@pytest.mark.parametrize("side", list(Side))
@pytest.mark.parametrize("case", CASES)
def test_golden_resolve(case, side):
    conflicted = read_notebook(GOLDEN / case / "conflicted.ipynb")
    assert find_conflicts(conflicted)
    text = dumps_notebook(resolve_all(conflicted, side))
    assert text == (GOLDEN / case / f"{side.value}.ipynb").read_text(encoding="utf-8")
    nbformat.validate(nbformat.reads(text, as_version=nbformat.NO_CONVERT))
    assert not find_conflicts(json.loads(text)) and no_markers(text)


def test_every_kind_has_a_golden_case():
    kinds = {r.kind for case in CASES for r in find_conflicts(read_notebook(GOLDEN / case / "conflicted.ipynb"))}
    assert kinds == set(ConflictKind)


def test_regions_carry_cell_kind_labels_and_texts():
    nb = read_notebook(GOLDEN / "mix-of-clean-and-conflicted" / "conflicted.ipynb")
    regions = find_conflicts(nb)
    assert [(r.cell, r.kind) for r in regions] == [
        (2, ConflictKind.SOURCE), (3, ConflictKind.METADATA), (4, ConflictKind.DELETE_MODIFY)]
    assert (regions[0].ours_label, regions[0].theirs_label) == ("HEAD", "feature")
    assert (regions[0].ours, regions[0].theirs) == ("df = load().dropna()\n", "df = load(cache=True)\n")


def test_one_region_at_a_time_and_by_hand():
    nb = read_notebook(GOLDEN / "mix-of-clean-and-conflicted" / "conflicted.ipynb")
    one = resolve_conflict(nb, 0, Side.THEIRS)
    assert join_source(one["cells"][2]["source"]) == "df = load(cache=True)\n"
    assert len(find_conflicts(one)) == 2 and len(find_conflicts(nb)) == 3  # the input is not changed
    edited = replace_conflict(nb, 0, "df = load(cache=True).dropna()\n")
    assert join_source(edited["cells"][2]["source"]) == "df = load(cache=True).dropna()\n"
    tags = replace_conflict(nb, 1, 'metadata.tags: ["mine"]\n')
    assert tags["cells"][3]["metadata"] == {"tags": ["mine"]}
    with pytest.raises(IndexError):
        resolve_conflict(nb, 3, Side.OURS)


def copy_case(case: str, dest: Path) -> Path:
    target = dest / "nb.ipynb"
    shutil.copy(GOLDEN / case / "conflicted.ipynb", target)
    return target


def test_cli_takes_a_side_in_every_file(tmp_path):
    a = copy_case("mix-of-clean-and-conflicted", tmp_path)
    b = tmp_path / "other.ipynb"
    shutil.copy(GOLDEN / "source" / "conflicted.ipynb", b)
    p = nbteam("resolve", "--theirs", str(a), str(b))
    assert p.returncode == 0, p.stderr
    assert p.stdout == f"{a}: resolved 3 conflicts taking theirs\n{b}: resolved 1 conflict taking theirs\n"
    assert a.read_text() == (GOLDEN / "mix-of-clean-and-conflicted" / "theirs.ipynb").read_text()
    assert nbteam("conflicts", str(a), str(b)).returncode == 0
    p = nbteam("resolve", "--ours", str(a))
    assert (p.returncode, p.stdout) == (0, f"{a}: no conflicts\n")


def test_cli_add_stages_the_result(repo):
    assert nbteam("init", cwd=repo).returncode == 0
    merge_branches(repo, make_nb("a = 1\n"), make_nb("a = 3\n"), make_nb("a = 2\n"))
    assert git(repo, "status", "--porcelain").stdout.startswith("UU nb.ipynb")
    p = nbteam("resolve", "--both", "--add", "nb.ipynb", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert git(repo, "status", "--porcelain").stdout.startswith("M  nb.ipynb")
    assert join_source(read_notebook(repo / "nb.ipynb")["cells"][0]["source"]) == "a = 3\na = 2\n"


def test_mergetool_form_merges_first_then_resolves(tmp_path):
    paths = [str(write_nb(tmp_path / f"{k}.ipynb", make_nb(*s))) for k, s in
             (("base", ("a = 1\n", "b = 2\n")), ("local", ("a = 10\n", "b = 20\n")), ("remote", ("a = 1\n", "b = 200\n")))]
    merged = tmp_path / "merged.ipynb"
    p = nbteam("resolve", "--base", paths[0], "--local", paths[1], "--remote", paths[2], "--theirs", str(merged))
    assert p.returncode == 0, p.stderr
    assert [join_source(c["source"]) for c in read_notebook(merged)["cells"]] == ["a = 10\n", "b = 200\n"]


def test_without_a_side_the_merge_tool_needs_a_terminal(tmp_path):
    a = copy_case("source", tmp_path)
    p = nbteam("resolve", str(a), input="")
    assert p.returncode == 2
    assert p.stderr.startswith("nbteam resolve: the merge tool needs a terminal") and p.stderr.count("\n") == 1


def test_a_missing_merge_tool_is_a_one_line_error(tmp_path, monkeypatch):
    from nbteam.commands import resolve as command

    monkeypatch.setitem(sys.modules, "nbteam.tui.resolve", None)  # importing it raises ImportError
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    args = argparse.Namespace(side=None, add=False, base=None, local=None, remote=None,
                              files=[str(copy_case("source", tmp_path))])
    with pytest.raises(NbteamError, match="interactive merge tool is not available"):
        command.run(args)


def test_unreadable_file_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    p = nbteam("resolve", "--ours", str(bad))
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "not valid JSON" in p.stderr


def test_the_merge_tool_reads_longer_markers_and_never_drops_our_lines():
    """A side with a `=======` line: the merge and the tool's session agree on one conflict, whose
    sides are whole; taking ours keeps the heading's underline, and a hand edit starts from a block
    the tool reads back."""
    from nbteam.merge.notebook import merge_notebooks
    from nbteam.tui.resolution import Session, conflict_block

    result = merge_notebooks(*(make_nb(s, cell_type="markdown") for s in
                               ("Results", "Results\n=======\nmine", "Results\nyours")))
    session = Session(result.notebook)
    assert session.conflicts == result.conflicts and len(result.conflicts) == 1
    assert (session.conflict.ours, session.conflict.theirs) == ("=======\nmine\n", "yours\n")
    assert conflict_block(session.conflict).startswith("<<<<<<<< ours\n=======\nmine\n")
    session.choose(Side.OURS)
    assert join_source(session.resolved().notebook["cells"][0]["source"]) == "Results\n=======\nmine\n"


def test_the_merge_tool_takes_a_block_of_inserted_cells():
    """An insert/insert conflict in the tool: taking a side gives the golden result, the preview
    follows the first cell kept, and a hand edit is refused (cells are edited in Jupyter)."""
    from nbteam.tui.merge_view import sides
    from nbteam.tui.resolution import EditError, Session

    case = GOLDEN / "insert-insert"
    for side in Side:
        session = Session(read_notebook(case / "conflicted.ipynb"))
        (conflict,) = session.conflicts
        assert (conflict.kind, conflict.cell, conflict.separator, conflict.block.end) == (
            ConflictKind.INSERT_INSERT, 1, 4, 8)
        assert "both sides inserted" in str(sides(conflict)["base"])
        with pytest.raises(EditError):
            session.choose("## Setup\n")
        session.choose(side)
        assert session.resolved().notebook == read_notebook(case / f"{side.value}.ipynb")
        assert join_source(session.cell()["source"]) == ("## Setup\nInstall it first:" if side is Side.THEIRS
                                                         else "## Setup\nInstall first.")


TUTORIAL = "## What a conflict looks like\n\n```\n<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> feature\n```\n"


def _tutorial(code: str, ids: bool) -> dict:
    nb = make_nb(TUTORIAL, code, ids=ids)
    nb["cells"][0] = {k: v for k, v in nb["cells"][0].items() if k not in ("outputs", "execution_count")}
    nb["cells"][0]["cell_type"] = "markdown"
    return nb


@pytest.mark.parametrize("ids", [True, False])
@pytest.mark.parametrize("side", ["ours", "theirs", "both"])
def test_resolve_leaves_the_example_markers_a_side_holds(repo, side, ids):
    """A tutorial's example markers, held by both sides, are text: resolving the merge's real conflict
    (through git's stages) must not take a side of them too, and says it left them."""
    assert nbteam("init", cwd=repo).returncode == 0
    p = merge_branches(repo, _tutorial("a = 1\n", ids), _tutorial("a = 3\n", ids), _tutorial("a = 2\n", ids))
    assert p.returncode != 0
    assert len(find_conflicts(read_notebook(repo / "nb.ipynb"))) == 2  # the example reads as a block too
    p = nbteam("resolve", f"--{side}", "nb.ipynb", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "resolved 1 conflict" in p.stdout and "1 marker block a side itself holds" in p.stdout, p.stdout
    cells = read_notebook(repo / "nb.ipynb")["cells"]
    assert join_source(cells[0]["source"]) == TUTORIAL
    assert join_source(cells[1]["source"]) == {"ours": "a = 3\n", "theirs": "a = 2\n", "both": "a = 3\na = 2\n"}[side]


def test_the_mergetool_form_leaves_the_example_markers_its_sides_hold(tmp_path):
    paths = [str(write_nb(tmp_path / f"{k}.ipynb", _tutorial(code, True)))
             for k, code in (("base", "a = 1\n"), ("local", "a = 10\n"), ("remote", "a = 100\n"))]
    merged = tmp_path / "merged.ipynb"
    p = nbteam("resolve", "--base", paths[0], "--local", paths[1], "--remote", paths[2], "--theirs", str(merged))
    assert p.returncode == 0, p.stderr
    cells = read_notebook(merged)["cells"]
    assert [join_source(c["source"]) for c in cells] == [TUTORIAL, "a = 100\n"]
