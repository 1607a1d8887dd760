"""Edge cases from the adversarial review: add/add, short markers, BOM, conflict style, duplicate ids."""
from __future__ import annotations

import json
import shlex
import sys

import nbformat

from helpers import merge_branches, git, make_nb, nbteam, write_nb
from nbteam.merge.file import merge_files
from nbteam.notebook.io import join_source, read_notebook
from nbteam.seq.markers import Markers


def register(repo) -> None:
    git(repo, "config", "merge.nbteam.driver", f"{shlex.quote(sys.executable)} -m nbteam merge-driver %O %A %B %L %P")
    (repo / ".gitattributes").write_text("*.ipynb merge=nbteam\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-qm", "attributes")


def valid(path) -> None:
    nbformat.validate(nbformat.read(str(path), as_version=nbformat.NO_CONVERT))


def test_add_add_is_a_notebook_with_conflicts_in_cells(repo):
    """Both branches create new.ipynb: git passes an empty base, which is an empty notebook."""
    register(repo)
    git(repo, "checkout", "-qb", "other")
    write_nb(repo / "new.ipynb", make_nb("import pandas as pd\n", "df = load(1)\n", "print('theirs')\n"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "theirs")
    git(repo, "checkout", "-q", "main")
    write_nb(repo / "new.ipynb", make_nb("import pandas as pd\n", "df = load(2)\n"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "ours")
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert p.returncode == 1 and "not merged as a notebook" not in p.stderr, p.stderr
    valid(repo / "new.ipynb")
    sources = [join_source(c["source"]) for c in read_notebook(repo / "new.ipynb")["cells"]]
    assert sources[0] == "import pandas as pd\n"  # the same on both sides: once, no conflict
    assert "<<<<<<<" in sources[1] and "df = load(2)" in sources[1] and "df = load(1)" in sources[1]
    assert sources[2] == "print('theirs')\n"
    assert nbteam("conflicts", "new.ipynb", cwd=repo).returncode == 1


def test_conflicts_honours_the_conflict_marker_size_attribute(repo):
    register(repo)
    with open(repo / ".gitattributes", "a") as f:
        f.write("*.ipynb conflict-marker-size=5\n")
    merge_branches(repo, make_nb("b = 2\n"), make_nb("b = 20\n"), make_nb("b = 200\n"))
    assert join_source(read_notebook(repo / "nb.ipynb")["cells"][0]["source"]).startswith("<<<<< ")
    p = nbteam("conflicts", "nb.ipynb", cwd=repo)
    assert (p.returncode, p.stdout) == (1, "nb.ipynb: cell 1 (code): source conflict: b = 20\n")


def _three(tmp_path, base, ours, theirs, raw=None):
    paths = [write_nb(tmp_path / f"{k}.ipynb", v) for k, v in (("base", base), ("ours", ours), ("theirs", theirs))]
    for path, data in (raw or {}).items():
        (tmp_path / path).write_bytes(data)
    return [str(p) for p in paths]


def test_merge_keeps_a_utf8_bom(tmp_path):
    paths = _three(tmp_path, make_nb("a = 1\n", "b = 2\n"), make_nb("a = 10\n", "b = 2\n"), make_nb("a = 1\n", "b = 20\n"))
    ours = tmp_path / "ours.ipynb"
    ours.write_bytes(b"\xef\xbb\xbf" + ours.read_bytes())
    outcome = merge_files(*paths, paths[1], "nb.ipynb")
    assert outcome.code == 0
    data = ours.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2)
    assert [join_source(c["source"]) for c in read_notebook(ours)["cells"]] == ["a = 10\n", "b = 20\n"]


def test_nbteam_merge_follows_merge_conflictstyle(repo):
    git(repo, "config", "merge.conflictStyle", "diff3")
    paths = _three(repo, make_nb("b = 2\n"), make_nb("b = 20\n"), make_nb("b = 200\n"))
    p = nbteam("merge", *paths, cwd=repo)
    assert p.returncode == 1
    src = join_source(json.loads(p.stdout)["cells"][0]["source"])
    assert "||||||| base\nb = 2\n" in src


def test_duplicate_ids_give_no_spurious_delete_conflict_or_stray_cell(tmp_path):
    """Two base cells share an id (a copy-paste in some editors); ours deletes the first, theirs
    edits the second: a clean merge, as if those cells had no ids."""
    base = make_nb("a = 1\n", "b = 2\n", "c = 3\n")
    base["cells"][1]["id"] = base["cells"][2]["id"] = "dup"
    ours = json.loads(json.dumps(base))
    del ours["cells"][1]
    theirs = json.loads(json.dumps(base))
    theirs["cells"][2]["source"] = "c = 30\n"
    paths = _three(tmp_path, base, ours, theirs)
    outcome = merge_files(*paths, paths[1], "nb.ipynb")
    assert outcome.code == 0, outcome.message
    merged = read_notebook(tmp_path / "ours.ipynb")
    assert [join_source(c["source"]) for c in merged["cells"]] == ["a = 1\n", "c = 30\n"]


def test_markdown_cell_with_null_source_and_odd_attachments_merges_valid(tmp_path):
    """A hypothesis find: theirs is a markdown cell with source None and attachments {"": None}."""
    base = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    theirs = {**base, "cells": [{"cell_type": "markdown", "source": None, "attachments": {"": None}}]}
    paths = _three(tmp_path, base, base, theirs)
    outcome = merge_files(*paths, paths[1], "nb.ipynb", Markers())
    assert outcome.code in (0, 1) and "internal error" not in outcome.message
    valid(tmp_path / "ours.ipynb")


def test_text_markers_of_any_size_are_recognised_as_such(tmp_path):
    """A text-merge fallback at conflict-marker-size=5 is reported as text markers, not bad JSON."""
    text = tmp_path / "nb.ipynb"
    text.write_text("<<<<< HEAD\n{}\n=====\n{}\n>>>>> other\n")
    p = nbteam("conflicts", str(text))
    assert p.returncode == 1 and "text conflict markers in the file itself" in p.stdout


def test_git_mergetool_runs_the_mergetool_form(repo):
    """`git mergetool` with nbteam's command line (here taking theirs): merged, then resolved."""
    assert nbteam("init", cwd=repo).returncode == 0
    merge_branches(repo, make_nb("a = 1\n", "b = 2\n"), make_nb("a = 10\n", "b = 20\n"), make_nb("a = 1\n", "b = 200\n"))
    cmd = (f'"{sys.executable}" -m nbteam resolve --base "$BASE" --local "$LOCAL" --remote "$REMOTE" '
           '--theirs "$MERGED"')
    git(repo, "config", "mergetool.nbt.cmd", cmd)
    git(repo, "config", "mergetool.nbt.trustExitCode", "true")
    git(repo, "config", "mergetool.keepBackup", "false")
    p = git(repo, "mergetool", "--tool", "nbt", "--no-prompt", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert [join_source(c["source"]) for c in read_notebook(repo / "nb.ipynb")["cells"]] == ["a = 10\n", "b = 200\n"]
    assert git(repo, "status", "--porcelain").stdout.startswith("M  nb.ipynb")


def test_cells_both_inserted_at_one_place_are_never_interleaved():
    """One block holding the other gives the longer; drafts conflict; unrelated blocks stay whole, ours first."""
    from nbteam.merge.inserts import merge_inserts
    from nbteam.notebook.markers import ConflictKind

    def block(*sources):
        return [({"cell_type": "code", "metadata": {}, "source": s}, []) for s in sources]

    def merged(ours, theirs):
        return [(c["source"], kinds) for c, kinds in merge_inserts(ours, theirs, Markers())]

    assert merged(block("a", "c"), block("a", "b", "c")) == [("a", []), ("b", []), ("c", [])]
    # Unrelated blocks around a shared empty cell: before, the shared cell anchored an interleave.
    assert merged(block("x = load()", "", "plot(x)"), block("import os", "", "os.listdir()")) == [
        ("x = load()", []), ("", []), ("plot(x)", []), ("import os", []), ("os.listdir()", [])]
    drafts = merged(block("df = load('a.csv')", "df.plot()"), block("df = load('b.csv')", "df.plot(kind='bar')"))
    assert drafts == [("<<<<<<< ours (inserted cells)", [ConflictKind.INSERT_INSERT]), ("df = load('a.csv')", []),
                      ("df.plot()", []), ("=======", []), ("df = load('b.csv')", []), ("df.plot(kind='bar')", []),
                      (">>>>>>> theirs (inserted cells)", [])]
