"""Variants of the guard's reports (issue 17 items 8 and 10), through real git and the installed hooks.

- an insert/insert conflict in a notebook without cell ids is refused like any other;
- example markers in a markdown cell's fenced block commit however they got there (a new cell,
  a fence added to an existing cell, the example changed later, cells with or without ids);
- a conflict a merge left in such a fence is still refused, also where the merge leaves no state
  behind but git's resolve-undo record (`git stash pop`).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import git, make_nb, write_nb
from outputs_helpers import init_repo


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    init_repo(repo)
    return repo


def _nb(*cells: tuple[str, str], ids: bool) -> dict:
    """A notebook of (cell type, source) cells, with ids c0, c1, ... or none (nbformat 4.4)."""
    nb = make_nb(*(s for _, s in cells), ids=ids)
    for cell, (kind, _) in zip(nb["cells"], cells):
        if kind == "markdown":
            cell["cell_type"] = "markdown"
            del cell["outputs"], cell["execution_count"]
    return nb


def _commit(repo: Path, nb: dict, message: str, *options: str):
    write_nb(repo / "nb.ipynb", nb)
    git(repo, "add", "nb.ipynb")
    return git(repo, "commit", "-qm", message, *options, check=False)


def test_an_insert_insert_conflict_without_cell_ids_is_refused(tmp_path, git_env):
    repo = _repo(tmp_path)
    title, load = ("markdown", "# Report"), ("code", "df = load()")
    ours = [("markdown", "## Quick start\nInstall, then run."), ("code", "!python r.py --month 3")]
    theirs = [("markdown", "## Quick start\nSet up and run:"), ("code", "!python r.py")]
    assert _commit(repo, _nb(title, load, ids=False), "base").returncode == 0
    git(repo, "checkout", "-qb", "feature")
    assert _commit(repo, _nb(title, *theirs, load, ids=False), "theirs").returncode == 0
    git(repo, "checkout", "-q", "main")
    assert _commit(repo, _nb(title, *ours, load, ids=False), "ours").returncode == 0
    assert git(repo, "merge", "feature", check=False).returncode == 1
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "--no-edit", check=False)
    assert p.returncode == 1 and "nb.ipynb: cell 2 (raw) has an insert/insert conflict" in p.stderr, p.stderr


EXAMPLE = "Before:\n\n```\n<<<<<<< HEAD\n{}\n=======\nx = 2\n>>>>>>> feature\n```\n"


@pytest.mark.parametrize("ids", [True, False], ids=["ids", "no-ids"])
def test_example_markers_in_a_fence_commit_however_they_are_added(tmp_path, git_env, ids):
    repo = _repo(tmp_path)
    code = ("code", "import pandas as pd")
    assert _commit(repo, _nb(("markdown", "# Tutorial"), code, ids=ids), "start").returncode == 0
    steps = [  # each commit adds or changes example markers in a fenced block
        ("a new markdown cell", [("markdown", "# Tutorial"), ("markdown", EXAMPLE.format("x = 1")), code]),
        ("the example changed", [("markdown", "# Tutorial"), ("markdown", EXAMPLE.format("x = 10")), code]),
        ("a fence added to an existing cell", [("markdown", "# Tutorial\n\n" + EXAMPLE.format("y = 1")),
                                               ("markdown", EXAMPLE.format("x = 10")), code]),
    ]
    for what, cells in steps:
        p = _commit(repo, _nb(*cells, ids=ids), what)
        assert p.returncode == 0, f"{what}: {p.stderr}"
    # the same markers in a code cell are not example text: refused, with the way out
    p = _commit(repo, _nb(*steps[-1][1], ("code", 's = """\n' + EXAMPLE.format("z")[9:-4] + '"""'), ids=ids), "code")
    assert p.returncode == 1 and "nb.ipynb: cell 4 (code) has a source conflict" in p.stderr, p.stderr


def _stash_pop_conflict(repo, fenced, ids: bool) -> None:
    """A fenced block edited in a stash and on the branch: `git stash pop` conflicts there, then `git add`."""
    assert _commit(repo, _nb(fenced(0), ("code", "a"), ids=ids), "base").returncode == 0
    write_nb(repo / "nb.ipynb", _nb(fenced(1), ("code", "a"), ids=ids))
    git(repo, "stash", "-q")
    assert _commit(repo, _nb(fenced(2), ("code", "a"), ids=ids), "main").returncode == 0
    assert git(repo, "stash", "pop", check=False).returncode != 0
    git(repo, "add", "nb.ipynb")


def test_a_stash_pop_conflict_inside_a_fence_is_refused(tmp_path, git_env):
    """git stash pop leaves no MERGE_HEAD: only git's resolve-undo record says the notebook was merged."""
    repo = _repo(tmp_path)
    fenced = lambda x: ("markdown", f"Run this:\n\n```\nx = {x}\n```\n")  # noqa: E731
    _stash_pop_conflict(repo, fenced, ids=False)
    p = git(repo, "commit", "-qm", "popped", check=False)
    assert p.returncode == 1 and "nb.ipynb: cell 1 (markdown) has a source conflict" in p.stderr, p.stderr
    git(repo, "commit", "-qm", "resolved later", "--no-verify")
    # once that merge is committed, its record no longer counts: an example added now is example text
    p = _commit(repo, _nb(fenced(1), ("markdown", EXAMPLE.format("x = 1")), ("code", "a"), ids=False), "example")
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("staged", [True, False], ids=["added", "unmerged"])
def test_a_partial_commit_of_a_fenced_conflict_in_a_rebase_is_refused(tmp_path, git_env, staged):
    """`git commit PATH` commits a temporary index (no record of the merge in it); the repository's
    own index still says the notebook is being merged."""
    repo = _repo(tmp_path)
    fenced = lambda x: ("markdown", f"Run this:\n\n```\nx = {x}\n```\n")  # noqa: E731
    assert _commit(repo, _nb(fenced(0), ("code", "a"), ids=False), "base").returncode == 0
    git(repo, "checkout", "-qb", "feature")
    assert _commit(repo, _nb(fenced(1), ("code", "a"), ids=False), "feature").returncode == 0
    git(repo, "checkout", "-q", "main")
    assert _commit(repo, _nb(fenced(2), ("code", "a"), ids=False), "main").returncode == 0
    git(repo, "checkout", "-q", "feature")
    assert git(repo, "rebase", "main", check=False).returncode != 0
    if staged:
        git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "-qm", "partial", "nb.ipynb", check=False)
    assert p.returncode == 1 and "nb.ipynb: cell 1 (markdown) has a source conflict" in p.stderr, p.stderr


def test_a_fenced_conflict_in_a_notebook_their_side_renamed_is_refused(tmp_path, git_env):
    """HEAD has no notebook at the merged path: git's record of the merge still marks it as merged."""
    repo = _repo(tmp_path)
    fenced = lambda x: ("markdown", f"Run this:\n\n```\nx = {x}\n```\n")  # noqa: E731
    cells = [("code", "a"), ("code", "b\nc\nd\ne\nf\n")]  # enough in common for git to see the rename
    assert _commit(repo, _nb(fenced(0), *cells, ids=False), "base").returncode == 0
    git(repo, "checkout", "-qb", "feature")
    git(repo, "mv", "nb.ipynb", "renamed.ipynb")
    write_nb(repo / "renamed.ipynb", _nb(fenced(1), *cells, ids=False))
    git(repo, "commit", "-qam", "rename and edit")
    git(repo, "checkout", "-q", "main")
    assert _commit(repo, _nb(fenced(2), *cells, ids=False), "main").returncode == 0
    assert git(repo, "merge", "feature", check=False).returncode == 1
    git(repo, "add", "-A")
    p = git(repo, "commit", "--no-edit", check=False)
    assert p.returncode == 1 and "renamed.ipynb: cell 1 (markdown) has a source conflict" in p.stderr, p.stderr


def test_a_first_commit_with_no_verify_gets_the_loud_line(tmp_path, git_env):
    """The repository's first commit has no parent: everything in it is new, markers included."""
    repo = _repo(tmp_path)
    marked = _nb(("code", "<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> feature\n"), ids=True)
    p = _commit(repo, marked, "first", "--no-verify")
    assert p.returncode == 0
    short = git(repo, "rev-parse", "--short", "HEAD").stdout.strip()
    assert f"nbteam: commit {short} records conflict markers: nb.ipynb: cell 1 (code)" in p.stderr, p.stderr


def test_a_fenced_conflict_without_gits_record_is_still_refused(tmp_path, git_env):
    """Switching branches drops git's record of a stash pop: the fenced block that HEAD's cell holds
    with our side's lines in place of the markers is what a merge leaves, not an example."""
    repo = _repo(tmp_path)
    _stash_pop_conflict(repo, lambda x: ("markdown", f"Run this:\n\n```\nimport os\nx = {x}\nprint(x)\n```\n\n"
                                                   "Then go on.\n"), ids=True)
    git(repo, "checkout", "-qb", "elsewhere")
    assert git(repo, "ls-files", "--resolve-undo").stdout == ""  # the record is gone
    p = git(repo, "commit", "-qm", "popped", check=False)
    assert p.returncode == 1 and "nb.ipynb: cell 1 (markdown) has a source conflict" in p.stderr, p.stderr


@pytest.mark.parametrize("flag", ["--resolved", "-r"])
def test_git_am_resolved_is_guarded_like_am_continue(tmp_path, git_env, flag):
    """`git am --resolved` and `git am -r` are git's other names for `git am --continue`."""
    repo = _repo(tmp_path)
    assert _commit(repo, _nb(("code", "a"), ("code", "x = 0"), ids=True), "base").returncode == 0
    git(repo, "checkout", "-qb", "feature")
    assert _commit(repo, _nb(("code", "a"), ("code", "x = 1"), ids=True), "feature edit").returncode == 0
    patch = git(repo, "format-patch", "-1", "--stdout").stdout
    git(repo, "checkout", "-q", "main")
    assert _commit(repo, _nb(("code", "a"), ("code", "x = 2"), ids=True), "main edit").returncode == 0
    assert subprocess.run(["git", "am", "-3"], cwd=repo, input=patch, text=True, capture_output=True).returncode != 0
    git(repo, "add", "nb.ipynb")
    p = git(repo, "am", flag, check=False)
    assert p.returncode == 1 and "nb.ipynb: cell 2 (code) has a source conflict" in p.stderr, p.stderr
    assert "<<<<<<<" not in git(repo, "show", "HEAD:nb.ipynb").stdout
