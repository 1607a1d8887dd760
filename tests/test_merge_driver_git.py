"""The merge driver under real `git merge`, registered by hand (independent of `nbteam init`)."""
from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from helpers import git, make_nb, write_nb
from nbteam.notebook.conflicts import find_conflicts
from nbteam.notebook.io import join_source, read_notebook


def register(repo, *extra: str) -> None:
    cmd = f"{shlex.quote(sys.executable)} -m nbteam merge-driver %O %A %B %L %P"
    git(repo, "config", "merge.nbteam.name", "nbteam notebook merge")
    git(repo, "config", "merge.nbteam.driver", cmd)
    (repo / ".gitattributes").write_text("*.ipynb merge=nbteam\n" + "".join(extra))


def branches(repo, base, ours, theirs, name="nb.ipynb"):
    """Commit base on main, theirs on branch 'other', ours on main; return to main."""
    register(repo)
    write_nb(repo / name, base)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "other")
    write_nb(repo / name, theirs)
    git(repo, "commit", "-qam", "theirs")
    git(repo, "checkout", "-q", "main")
    write_nb(repo / name, ours)
    git(repo, "commit", "-qam", "ours")


def sources(path):
    return [join_source(c["source"]) for c in read_notebook(path)["cells"]]


def test_clean_merge_of_edits_in_different_cells(repo):
    base = make_nb("a = 1\n", "b = 2\n", "c = 3\n")
    branches(repo, base, make_nb("a = 10\n", "b = 2\n", "c = 3\n"), make_nb("a = 1\n", "b = 2\n", "c = 30\n"))
    p = git(repo, "merge", "-q", "--no-edit", "other", check=False)
    assert p.returncode == 0, p.stderr
    assert "nbteam: nb.ipynb: merged cleanly" in p.stderr
    assert sources(repo / "nb.ipynb") == ["a = 10\n", "b = 2\n", "c = 30\n"]
    assert git(repo, "status", "--porcelain").stdout == ""


def test_conflict_is_reported_and_visible(repo):
    base = make_nb("a = 1\n", "b = 2\n")
    branches(repo, base, make_nb("a = 1\n", "b = 20\n"), make_nb("a = 1\n", "b = 200\n"))
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert p.returncode == 1
    assert "nbteam: nb.ipynb: merged, 1 conflict in cell 2" in p.stderr
    assert "CONFLICT (content)" in p.stdout
    assert git(repo, "status", "--porcelain").stdout.startswith("UU nb.ipynb")
    nb = read_notebook(repo / "nb.ipynb")
    # Labelled as git labels text conflicts: HEAD and the merged branch.
    assert join_source(nb["cells"][1]["source"]) == "<<<<<<< HEAD\nb = 20\n=======\nb = 200\n>>>>>>> other\n"
    assert [c.number for c in find_conflicts(nb)] == [2]


def test_conflict_style_and_marker_size_come_from_git(repo):
    base = make_nb("b = 2\n")
    branches(repo, base, make_nb("b = 20\n"), make_nb("b = 200\n"))
    git(repo, "config", "merge.conflictStyle", "diff3")
    with open(repo / ".gitattributes", "a") as f:
        f.write("*.ipynb conflict-marker-size=9\n")
    git(repo, "merge", "--no-edit", "other", check=False)
    src = join_source(read_notebook(repo / "nb.ipynb")["cells"][0]["source"])
    base = git(repo, "rev-parse", "--short", "HEAD~1").stdout.strip()  # git labels the base by its commit
    assert src == f"<<<<<<<<< HEAD\nb = 20\n||||||||| {base}\nb = 2\n=========\nb = 200\n>>>>>>>>> other\n"


def test_unreadable_side_falls_back_to_text_merge(repo):
    base = make_nb("a = 1\n", "b = 2\n")
    register(repo)
    write_nb(repo / "nb.ipynb", base)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "other")
    text = (repo / "nb.ipynb").read_text()
    (repo / "nb.ipynb").write_text(text.replace('"b = 2\\n"', '"b = 3\\n",'))  # broken JSON: trailing comma
    git(repo, "commit", "-qam", "theirs breaks the file")
    git(repo, "checkout", "-q", "main")
    write_nb(repo / "nb.ipynb", make_nb("a = 10\n", "b = 2\n"))
    git(repo, "commit", "-qam", "ours")
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert p.returncode == 1, "a fallback never passes for a clean merge"
    line = [l for l in p.stderr.splitlines() if l.startswith("nbteam:")]
    assert len(line) == 1 and "theirs is not valid JSON" in line[0] and "plain text merge" in line[0]
    assert "Traceback" not in p.stderr
    assert "<<<<<<< HEAD" in (repo / "nb.ipynb").read_text()


def test_disable_env_gives_plain_text_merge(repo, monkeypatch):
    base = make_nb("a = 1\n", "b = 2\n", "c = 3\n")
    branches(repo, base, make_nb("a = 10\n", "b = 2\n", "c = 3\n"), make_nb("a = 1\n", "b = 2\n", "c = 30\n"))
    monkeypatch.setenv("NBTEAM_DISABLE", "1")
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert "NBTEAM_DISABLE is set: plain text merge" in p.stderr
    assert p.returncode == 0
    assert sources(repo / "nb.ipynb") == ["a = 10\n", "b = 2\n", "c = 30\n"]


@pytest.mark.parametrize("theirs_v3", [True, False])
def test_nbformat3_side_is_upgraded_not_refused(repo, theirs_v3):
    v3 = {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "a = 1\n", "language": "python", "metadata": {}, "outputs": []},
        {"cell_type": "code", "input": "b = 2\n", "language": "python", "metadata": {}, "outputs": []}],
        "metadata": {}}]}
    v3_edit = json.loads(json.dumps(v3))
    v3_edit["worksheets"][0]["cells"][1]["input"] = "b = 20\n"
    v4_edit = make_nb("a = 10\n", "b = 2\n", ids=False)
    ours, theirs = (v4_edit, v3_edit) if theirs_v3 else (v3_edit, v4_edit)
    branches(repo, v3, ours, theirs)
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert p.returncode == 0, p.stderr
    nb = read_notebook(repo / "nb.ipynb")
    assert nb["nbformat"] == 4
    assert sources(repo / "nb.ipynb") == ["a = 10\n", "b = 20\n"]


def test_internal_error_falls_back_instead_of_crashing(tmp_path, monkeypatch):
    """A bug inside the engine (here: the merge raises) must give a marked text merge and exit 1."""
    from nbteam.merge import file as mergefile
    from nbteam.merge import notebook as nbmerge

    def broken(*args, **kwargs):
        raise RuntimeError("simulated engine bug")

    monkeypatch.setattr(nbmerge, "merge_notebooks", broken)
    paths = [write_nb(tmp_path / f"{k}.ipynb", make_nb(src)) for k, src in
             (("base", "a = 1\n"), ("ours", "a = 2\n"), ("theirs", "a = 3\n"))]
    outcome = mergefile.merge_files(*map(str, paths), str(paths[1]), "nb.ipynb")
    assert outcome.code == 1
    assert "internal error RuntimeError: simulated engine bug" in outcome.message
    text = paths[1].read_text()
    assert "<<<<<<< ours" in text and '"a = 3\\n"' in text


@pytest.mark.parametrize("name, text", [
    ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.nbteam]\nkeep_outputs = true\n"),
    (".nbteam.toml", "keep_outputs = true\n"),
    (".nbteam.toml", "[tool.nbteam]\nkeep_outputs = true\n"),
])
def test_keep_outputs_from_repository_config(repo, name, text):
    (repo / name).write_text(text)
    base = make_nb("a = 1\n", "b = 2\n")
    ours = make_nb("a = 1\n", "b = 2\n")
    ours["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1\n"}]
    branches(repo, base, ours, make_nb("a = 1\n", "b = 20\n"))
    assert git(repo, "merge", "--no-edit", "other", check=False).returncode == 0
    assert read_notebook(repo / "nb.ipynb")["cells"][0]["outputs"] == ours["cells"][0]["outputs"]


@pytest.mark.parametrize("where", ["repo", "global", "command line"])
def test_conflict_style_found_wherever_git_reads_it(repo, monkeypatch, where):
    from nbteam.merge.options import git_conflict_style
    from nbteam.seq.style import ConflictStyle

    assert git_conflict_style(str(repo)) is ConflictStyle.MERGE
    if where == "repo":
        git(repo, "config", "merge.conflictStyle", "zdiff3")
    elif where == "global":
        git(repo, "config", "--global", "merge.conflictStyle", "zdiff3")
    else:  # git -c merge.conflictStyle=zdiff3 merge ...
        monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'merge.conflictstyle'='zdiff3'")
    assert git_conflict_style(str(repo)) is ConflictStyle.ZDIFF3


def test_a_merge_that_would_lose_added_lines_falls_back(tmp_path, monkeypatch):
    """The last safety check: if a bug dropped a cell one side added, the result is a marked text merge."""
    from nbteam.merge import file as mergefile
    from nbteam.merge import notebook as nbmerge

    real = nbmerge.merge_cells
    monkeypatch.setattr(nbmerge, "merge_cells", lambda *args: real(*args)[:-1])  # the bug: last cell lost
    paths = [write_nb(tmp_path / f"{k}.ipynb", nb) for k, nb in (
        ("base", make_nb("a = 1\n")), ("ours", make_nb("a = 1\n")), ("theirs", make_nb("a = 1\n", "b = 2\n")))]
    outcome = mergefile.merge_files(*map(str, paths), str(paths[1]), "nb.ipynb")
    assert outcome.code == 1
    assert "LostWorkError" in outcome.message and "'b = 2'" in outcome.message
    assert "<<<<<<<" in paths[1].read_text() and "b = 2" in paths[1].read_text()


def test_machine_metadata_from_repository_config_never_conflicts(repo):
    """A team's own extension state (`machine_metadata = ["my_ext"]`) is kept from ours, at notebook
    and cell level, like the built-in keys; without the setting the same merge conflicts."""
    base = make_nb("a = 1\n", "b = 2\n")
    ours, theirs = json.loads(json.dumps(base)), json.loads(json.dumps(base))
    for nb, value in ((ours, "mine"), (theirs, "yours")):
        nb["metadata"]["my_ext"] = {"panel": value}
        nb["cells"][0]["metadata"]["my_ext"] = value
    theirs["cells"][1]["source"] = "b = 20\n"
    branches(repo, base, ours, theirs)
    assert git(repo, "merge", "--no-edit", "other", check=False).returncode == 1  # not a machine key yet
    git(repo, "merge", "--abort")
    (repo / "pyproject.toml").write_text("[tool.nbteam]\nmachine_metadata = [\"my_ext\"]\n")
    assert git(repo, "merge", "--no-edit", "other", check=False).returncode == 0
    merged = read_notebook(repo / "nb.ipynb")
    assert merged["metadata"]["my_ext"] == {"panel": "mine"} and merged["cells"][0]["metadata"]["my_ext"] == "mine"
    assert sources(repo / "nb.ipynb") == ["a = 1\n", "b = 20\n"]


# What a clean merge may import beyond `python -I -S -c pass`: git starts one driver per notebook,
# so this set is its start-up cost. Conflict writing (markers, kinds, labels, the style from git's
# config) and the enums that come with it are imported only when a conflict is written.
CLEAN_MERGE_NBTEAM = {
    "nbteam", "nbteam.integration", "nbteam.integration.launch", "nbteam.cli", "nbteam.errors", "nbteam.commands",
    "nbteam.commands.merge_driver", "nbteam.bypass", "nbteam.config", "nbteam.merge", "nbteam.merge.file",
    "nbteam.merge.options", "nbteam.merge.notebook", "nbteam.merge.cell", "nbteam.merge.machine", "nbteam.notebook",
    "nbteam.notebook.io", "nbteam.notebook.ids", "nbteam.notebook.normalise", "nbteam.seq", "nbteam.seq.markers",
}
CLEAN_MERGE_STDLIB = {"__future__", "_json", "gc",
                      "os", "stat", "_stat", "posixpath", "genericpath", "_collections_abc"}  # os: entry.py

# The team settings as `nbteam init` leaves them: none yet, its own .nbteam.toml, or a [tool.nbteam]
# table added to a project's pyproject.toml (which names nbteam among its dependencies, as teams do).
SETTINGS = {
    "none": {},
    "dotfile": {".nbteam.toml": '# nbteam settings\nscratch_dir = "scratch"\nmanifest = ".nbteam/promotions.jsonl"\n'
                                'keep_outputs = false\n'},
    "pyproject": {"pyproject.toml": '[project]\nname = "analysis"\ndependencies = [\n  "nbteam>=0.2",\n  "pandas",\n]\n\n'
                                    '[tool.ruff]\nline-length = 100\n\n[tool.nbteam]\nscratch_dir = "scratch"\n'
                                    'manifest = ".nbteam/promotions.jsonl"\nkeep_outputs = false\n'
                                    'machine_metadata = ["my_extension"]\n'},
}


def imported(stderr: str) -> set[str]:
    """The modules a `-X importtime` run imported, from its stderr."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")} - {
        "imported package"}


@pytest.mark.parametrize("settings", sorted(SETTINGS))
def test_a_clean_merge_imports_only_what_it_needs(repo, settings):
    """The registered command (`-I -S` entry.py), run by a real `git merge` that merges cleanly, imports
    the merge and nothing for conflicts, nor for aligning cells that keep their ids and order: no enum,
    collections, functools, typing, re, json, git, nor (with the settings nbteam init writes) tomllib."""
    import subprocess

    from nbteam.integration.registry import ENTRY

    for name, text in SETTINGS[settings].items():
        (repo / name).write_text(text)
    cells = [f"y{k} = {k}\n" for k in range(40)]
    branches(repo, make_nb(*cells), make_nb(*cells[:5], "ours\n", *cells[6:]),
             make_nb(*cells[:30], "theirs\n", *cells[31:]))
    git(repo, "config", "merge.conflictStyle", "diff3")  # reading it would cost git's config and an enum
    git(repo, "config", "merge.nbteam.driver",
        f"{shlex.quote(sys.executable)} -X importtime -I -S {shlex.quote(ENTRY)} merge-driver %O %A %B %L %P")
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert sources(repo / "nb.ipynb")[5:31:25] == ["ours\n", "theirs\n"]
    floor = subprocess.run([sys.executable, "-X", "importtime", "-I", "-S", "-c", "pass"], capture_output=True,
                           text=True)
    extra = imported(p.stderr) - imported(floor.stderr)
    assert {m for m in extra if m.startswith("nbteam")} == CLEAN_MERGE_NBTEAM
    assert {m for m in extra if not m.startswith("nbteam")} <= CLEAN_MERGE_STDLIB


def test_a_clean_merge_that_moves_cells_aligns_them(repo):
    """Where a side inserts a cell, the cells are aligned (the alignment is imported): the set above is
    the shortcut for cells that keep their ids and order, not blindness to imports."""
    from nbteam.integration.registry import ENTRY

    cells = [f"y{k} = {k}\n" for k in range(10)]
    branches(repo, make_nb(*cells), make_nb(*cells[:5], "ours\n", *cells[6:]), make_nb(*cells, "new\n"))
    git(repo, "config", "merge.nbteam.driver",
        f"{shlex.quote(sys.executable)} -X importtime -I -S {shlex.quote(ENTRY)} merge-driver %O %A %B %L %P")
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert sources(repo / "nb.ipynb")[5:] == ["ours\n", *cells[6:], "new\n"]
    assert {"nbteam.notebook.align", "nbteam.seq.gaps"} <= imported(p.stderr)


def test_a_conflict_imports_what_writing_it_needs(repo):
    """The other side of the test above: the same command on a conflict does import the conflict
    machinery (so the clean set is not just blind to imports)."""
    from nbteam.integration.registry import ENTRY

    branches(repo, make_nb("a = 1\n"), make_nb("a = 2\n"), make_nb("a = 3\n"))
    git(repo, "config", "merge.nbteam.driver",
        f"{shlex.quote(sys.executable)} -X importtime -I -S {shlex.quote(ENTRY)} merge-driver %O %A %B %L %P")
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert p.returncode != 0
    assert {"enum", "nbteam.notebook.markers", "nbteam.seq.style", "nbteam.seq.merge3"} <= imported(p.stderr)


def test_the_standard_librarys_platform_probes_do_not_load_site_packages(repo):
    """subprocess tries msvcrt and copy tries Jython's org.python.core: under the isolated entry those
    are found nowhere, and must not make every start that runs git scan site-packages for them."""
    import subprocess

    from nbteam.integration.launch import SiteOnDemand
    from nbteam.integration.registry import ENTRY

    assert SiteOnDemand.find_spec("msvcrt") is None and SiteOnDemand.find_spec("org.python.core") is None
    git(repo, "commit", "-q", "--allow-empty", "-m", "start")
    p = subprocess.run([sys.executable, "-X", "importtime", "-I", "-S", ENTRY, "doctor"], cwd=repo,
                       capture_output=True, text=True)
    assert "subprocess" in imported(p.stderr) and "site" not in imported(p.stderr)
    # A module that only site-packages has (a dependency) still imports, by adding them then.
    p = subprocess.run([sys.executable, "-I", "-S", "-c", f"import runpy, sys; sys.argv = [{ENTRY!r}];"
                        f" sys.path[:0] = [{str(Path(ENTRY).parents[2])!r}];"
                        " from nbteam.integration.launch import SiteOnDemand; sys.meta_path.append(SiteOnDemand);"
                        " import diff_match_patch, site; print(diff_match_patch.__name__)"],
                       capture_output=True, text=True)
    assert p.stdout.strip() == "diff_match_patch", p.stderr
