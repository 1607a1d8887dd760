"""Conflict labels as git writes them: in each operation, a notebook's markers carry the labels git
writes for a conflicting text file in the same operation (git here is older than 2.44, so
nbteam finds them itself: %S %X %Y arrive unexpanded)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from nbteam.notebook.io import join_source, read_notebook


def setup_repo(repo: Path) -> None:
    assert nbteam("init", cwd=repo).returncode == 0
    git(repo, "config", "merge.nbteam.driver", f'"{sys.executable}" -m nbteam merge-driver %O %A %B %L %P %S %X %Y')
    git(repo, "config", "merge.conflictStyle", "diff3")


def write_both(repo: Path, text: str) -> None:
    write_nb(repo / "nb.ipynb", make_nb(text))
    (repo / "t.txt").write_text(text)


def commit_both(repo: Path, text: str, message: str) -> None:
    write_both(repo, text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def labels_of_text(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:8] in ("<<<<<<< ", "||||||| ", ">>>>>>> ")]


def labels(repo: Path) -> tuple[list[str], list[str]]:
    """(the text file's marker lines, the notebook cell's marker lines)."""
    cell = join_source(read_notebook(repo / "nb.ipynb")["cells"][0]["source"])
    return labels_of_text((repo / "t.txt").read_text()), labels_of_text(cell)


@pytest.fixture
def branched(repo):
    """base, then `feature` (x = 1) and main (x = 2): every operation below conflicts."""
    setup_repo(repo)
    commit_both(repo, "x = 0\n", "base")
    git(repo, "checkout", "-qb", "feature")
    commit_both(repo, "x = 1\n", "feature edit")
    git(repo, "checkout", "-q", "main")
    commit_both(repo, "x = 2\n", "main edit")
    return repo


def test_merge(branched):
    git(branched, "merge", "--no-edit", "feature", check=False)
    text, nb = labels(branched)
    assert text[0] == "<<<<<<< HEAD" and text[2] == ">>>>>>> feature"
    assert nb == text


def test_rebase(branched):
    git(branched, "checkout", "-q", "feature")
    git(branched, "rebase", "main", check=False)
    text, nb = labels(branched)
    assert text[2].endswith("(feature edit)")
    assert nb == text


def test_cherry_pick(branched):
    git(branched, "cherry-pick", "feature", check=False)
    text, nb = labels(branched)
    assert text[2].endswith("(feature edit)")
    assert nb == text


def test_stash_pop(branched):
    write_both(branched, "x = 3\n")
    git(branched, "stash", "-q")
    commit_both(branched, "x = 4\n", "main again")
    git(branched, "stash", "pop", check=False)
    text, nb = labels(branched)
    assert text[0] == "<<<<<<< Updated upstream" and text[2] == ">>>>>>> Stashed changes"
    assert nb == text


def test_pull(repo, tmp_path):
    upstream = repo
    setup_repo(upstream)
    commit_both(upstream, "x = 0\n", "base")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    setup_repo(clone)
    commit_both(clone, "x = 1\n", "clone edit")
    commit_both(upstream, "x = 2\n", "upstream edit")
    git(clone, "-c", "pull.rebase=false", "pull", check=False)
    text, nb = labels(clone)
    sha = git(upstream, "rev-parse", "HEAD").stdout.strip()
    assert text[0] == "<<<<<<< HEAD" and text[-1] == f">>>>>>> {sha}"  # the fetched commit's id, as git writes it
    assert nb == text
    # `nbteam conflicts` (and the merge tool) also show that commit as a rebase labels it (issue 17 item 7).
    p = nbteam("conflicts", "nb.ipynb", cwd=clone)
    assert p.returncode == 1 and f"(theirs: {sha[:7]} (upstream edit))" in p.stdout, p.stdout
    commit_both(clone, "x = 1\n", "resolved")  # now the same again as a rebasing pull
    git(upstream, "commit", "-q", "--allow-empty", "-m", "more")
    write_both(upstream, "x = 5\n")
    git(upstream, "commit", "-qam", "upstream again")
    git(clone, "-c", "pull.rebase=true", "pull", check=False)
    text, nb = labels(clone)
    assert text[2].endswith(")")  # the replayed commit, `abc1234 (subject)`
    assert nb == text


def test_nbteam_merge_takes_labels_like_git_merge_file(tmp_path):
    paths = [str(write_nb(tmp_path / f"{k}.ipynb", make_nb(s))) for k, s in
             (("base", "b = 2\n"), ("ours", "b = 20\n"), ("theirs", "b = 200\n"))]
    p = nbteam("merge", *paths, "--style", "diff3", "-L", "mine", "-L", "old", "-L", "yours")
    assert p.returncode == 1
    import json
    src = join_source(json.loads(p.stdout)["cells"][0]["source"])
    assert labels_of_text(src) == ["<<<<<<< mine", "||||||| old", ">>>>>>> yours"]


def test_expanded_labels_are_taken_as_git_passes_them(monkeypatch, tmp_path):
    """git 2.44+ expands %X %S %Y: those are used; any placeholder left literal is looked up."""
    from nbteam.git.labels import merge_labels

    assert merge_labels(("HEAD", "merged common ancestors", "topic")) == ("HEAD", "merged common ancestors", "topic")
    monkeypatch.setenv("GITHEAD_0123", "topic")
    monkeypatch.chdir(tmp_path)
    assert merge_labels(("mine", "%S", "%Y"))[::2] == ("mine", "topic")


def test_driver_uses_labels_git_expanded(tmp_path):
    """As git 2.44+ runs it: %S %X %Y arrive as labels."""
    paths = [str(write_nb(tmp_path / f"{k}.ipynb", make_nb(s))) for k, s in
             (("base", "b = 2\n"), ("ours", "b = 20\n"), ("theirs", "b = 200\n"))]
    p = nbteam("merge-driver", *paths, "7", "nb.ipynb", "merged common ancestors", "HEAD", "topic", cwd=tmp_path)
    assert p.returncode == 1
    src = join_source(read_notebook(paths[1])["cells"][0]["source"])
    assert labels_of_text(src) == ["<<<<<<< HEAD", ">>>>>>> topic"]


# --- issue 17 item 7: `git am -3` and bare commit ids -----------------------------------------------


def test_am_three_way(branched, tmp_path):
    patch = git(branched, "format-patch", "-1", "--stdout", "feature").stdout
    (tmp_path / "p.patch").write_text(patch)
    assert git(branched, "am", "-3", str(tmp_path / "p.patch"), check=False).returncode != 0
    text, nb = labels(branched)
    assert text == ["<<<<<<< HEAD", "||||||| constructed merge base", ">>>>>>> feature edit"]
    assert nb == text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="git leaves no state: found from /proc (Linux)")
@pytest.mark.parametrize("command", [["checkout", "-m", "feature"], ["switch", "--merge", "feature"],
                                     ["checkout", "-m", "-b", "topic", "feature"], ["checkout", "-m", "-"]])
def test_switching_branches_with_local_changes(branched, command):
    """git labels the branch switched to, the branch left and `local`."""
    if command[-1] == "-":  # the previous branch: git names it
        git(branched, "checkout", "-q", "feature")
        git(branched, "checkout", "-q", "main")
    write_both(branched, "x = 3\n")
    git(branched, *command, check=False)
    text, nb = labels(branched)
    assert text == ["<<<<<<< feature", "||||||| main", ">>>>>>> local"]
    assert nb == text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="git leaves no state: found from /proc (Linux)")
@pytest.mark.parametrize("command", [["checkout", "-m", "--"], ["restore", "--merge"]])
def test_recreating_a_conflict_during_a_merge(branched, command):
    """`git checkout -m -- PATH` writes ours/base/theirs, not the stopped merge's labels."""
    git(branched, "merge", "feature", check=False)
    write_both(branched, "x = 9\n")
    git(branched, *command, "nb.ipynb", "t.txt")
    text, nb = labels(branched)
    assert text == ["<<<<<<< ours", "||||||| base", ">>>>>>> theirs"]
    assert nb == text


def test_pull_label_with_a_note_is_shown_with_its_subject(repo, tmp_path):
    """A delete/modify conflict of a `git pull` notes the deleting side on its bare commit id label."""
    upstream = repo
    setup_repo(upstream)
    write_nb(upstream / "nb.ipynb", make_nb("a\n", "x = 0\n"))
    git(upstream, "add", "-A")
    git(upstream, "commit", "-qm", "base")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    setup_repo(clone)
    write_nb(clone / "nb.ipynb", make_nb("a\n", "x = 1\n"))
    git(clone, "commit", "-qam", "clone edit")
    nb = make_nb("a\n", "x = 0\n")
    del nb["cells"][1]
    write_nb(upstream / "nb.ipynb", nb)
    git(upstream, "commit", "-qam", "upstream drops it")
    git(clone, "-c", "pull.rebase=false", "pull", check=False)
    sha = git(upstream, "rev-parse", "HEAD").stdout.strip()
    p = nbteam("conflicts", "nb.ipynb", cwd=clone)
    assert p.returncode == 1 and f"(theirs: {sha[:7]} (upstream drops it) (deleted this cell))" in p.stdout, p.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="git leaves no state: found from /proc (Linux)")
def test_cherry_pick_of_a_merge_with_mainline(branched):
    """`-m 1` takes a value: the one commit picked is still found."""
    git(branched, "checkout", "-qb", "topic", "main~1")
    (branched / "other.txt").write_text("o\n")
    git(branched, "add", "other.txt")
    git(branched, "commit", "-qm", "other")
    git(branched, "merge", "-q", "--no-edit", "feature")
    git(branched, "checkout", "-q", "main")
    git(branched, "cherry-pick", "-m", "1", "topic", check=False)
    text, nb = labels(branched)
    assert text[2].endswith("(Merge branch 'feature' into topic)")
    assert nb == text
