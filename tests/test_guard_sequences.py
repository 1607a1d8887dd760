"""The commit guard where git commits without `pre-commit`, and example markers that are not conflicts.

Real git, through the hooks `nbteam init` installs:
- `git rebase --continue` (prepare-commit-msg runs, pre-commit does not) and `git am --continue`
  / `git rebase --apply --continue` (pre-applypatch runs) are refused while markers are staged;
- a commit git does not let a hook refuse (`--no-verify`) gets a loud line naming the commit, the
  file, the cell and the fix;
- a tutorial whose markdown shows example markers commits without --no-verify (docs/resolving.md).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import git, make_nb, write_nb
from outputs_helpers import branch_with, commit_sources, new_repo



def _markers_in_history(repo: Path, rev: str = "HEAD") -> bool:
    return "<<<<<<<" in git(repo, "show", f"{rev}:nb.ipynb").stdout


def _stopped_rebase(tmp_path: Path, *options: str) -> Path:
    """feature (cell 3 `c theirs`) rebased onto main (`c ours`): stopped on the cell conflict, markers staged."""
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "feature", "a", "b", "c theirs")
    commit_sources(repo, "a", "b", "c ours")
    git(repo, "checkout", "-q", "feature")
    assert git(repo, "rebase", *options, "main", check=False).returncode != 0
    assert "<<<<<<<" in (repo / "nb.ipynb").read_text()
    git(repo, "add", "nb.ipynb")
    return repo


def test_rebase_continue_with_markers_staged_is_refused(tmp_path, git_env):
    repo = _stopped_rebase(tmp_path)
    p = git(repo, "-c", "core.editor=true", "rebase", "--continue", check=False)
    assert p.returncode != 0
    assert "nbteam: commit refused" in p.stderr and "nb.ipynb: cell 3 (code) has a source conflict" in p.stderr
    assert "nbteam resolve nb.ipynb" in p.stderr
    assert git(repo, "rev-parse", "-q", "--verify", "REBASE_HEAD", check=False).returncode == 0  # still rebasing
    assert not _markers_in_history(repo)
    # Resolved, the same command goes on.
    from helpers import nbteam

    assert nbteam("resolve", "nb.ipynb", "--theirs", "--add", cwd=repo).returncode == 0
    git(repo, "-c", "core.editor=true", "rebase", "--continue")
    assert not _markers_in_history(repo) and "c theirs" in git(repo, "show", "HEAD:nb.ipynb").stdout


@pytest.mark.parametrize("how", ["am", "rebase --apply"])
def test_am_continue_with_markers_staged_is_refused(tmp_path, git_env, how):
    if how == "am":
        repo = new_repo(tmp_path / "repo")
        branch_with(repo, "feature", "a", "b", "c theirs")
        commit_sources(repo, "a", "b", "c ours")
        patch = git(repo, "format-patch", "-1", "--stdout", "feature").stdout
        (tmp_path / "p.patch").write_text(patch)
        assert git(repo, "am", "-3", str(tmp_path / "p.patch"), check=False).returncode != 0
        git(repo, "add", "nb.ipynb")
    else:
        repo = _stopped_rebase(tmp_path, "--apply")
    p = git(repo, "-c", "core.editor=true", *how.split()[:1], "--continue", check=False)
    assert p.returncode != 0, p.stdout + p.stderr
    assert "nb.ipynb: cell 3 (code) has a source conflict" in p.stderr
    assert not _markers_in_history(repo)


def test_a_commit_git_cannot_refuse_gets_a_loud_line_with_the_fix(tmp_path, git_env):
    """`--no-verify` skips the guard (the user's way out); the markers still do not go unnoticed."""
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "feature", "a", "b", "c theirs")
    commit_sources(repo, "a", "b", "c ours")
    assert git(repo, "merge", "feature", check=False).returncode == 1
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "--no-edit", "--no-verify", check=False)
    assert p.returncode == 0
    short = git(repo, "rev-parse", "--short", "HEAD").stdout.strip()
    line = next(l for l in p.stderr.splitlines() if "conflict markers" in l)
    assert short in line and "nb.ipynb" in line and "cell 3" in line
    assert "nbteam resolve nb.ipynb" in p.stderr and "git commit --amend" in p.stderr


def test_cherry_pick_continue_is_still_refused(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "feature", "a", "b", "c theirs")
    commit_sources(repo, "a", "b", "c ours")
    assert git(repo, "cherry-pick", "feature", check=False).returncode != 0
    git(repo, "add", "nb.ipynb")
    p = git(repo, "-c", "core.editor=true", "cherry-pick", "--continue", check=False)
    assert p.returncode != 0 and "nbteam: commit refused" in p.stderr
    assert not _markers_in_history(repo)


# --- item 10: example markers ----------------------------------------------------------------------

EXAMPLE = ("## What a conflict looks like\n\n```\n<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> feature\n```\n\n"
           "Keep the lines you want and delete the markers.\n")


def _tutorial(*extra: str) -> dict:
    nb = make_nb("import pandas as pd\n", *extra)
    nb["cells"].insert(0, {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": EXAMPLE})
    return nb


def test_a_tutorial_showing_example_markers_commits_and_can_be_edited(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    write_nb(repo / "tutorial.ipynb", _tutorial())
    git(repo, "add", "tutorial.ipynb")
    p = git(repo, "commit", "-qm", "add the tutorial", check=False)
    assert p.returncode == 0, p.stderr
    write_nb(repo / "tutorial.ipynb", _tutorial("df = pd.DataFrame()\n"))  # a later edit elsewhere in it
    p = git(repo, "commit", "-qam", "extend the tutorial", check=False)
    assert p.returncode == 0, p.stderr


def test_a_real_conflict_beside_the_example_is_still_refused(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    write_nb(repo / "nb.ipynb", _tutorial("a"))
    git(repo, "commit", "-qam", "tutorial", "--no-verify")
    git(repo, "checkout", "-qb", "feature")
    write_nb(repo / "nb.ipynb", _tutorial("a theirs"))
    git(repo, "commit", "-qam", "theirs", "--no-verify")
    git(repo, "checkout", "-q", "main")
    write_nb(repo / "nb.ipynb", _tutorial("a ours"))
    git(repo, "commit", "-qam", "ours", "--no-verify")
    assert git(repo, "merge", "feature", check=False).returncode == 1
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "--no-edit", check=False)
    assert p.returncode != 0 and "nb.ipynb: cell 3 (code) has a source conflict" in p.stderr
    assert "cell 1" not in p.stderr  # the example is not reported


def test_a_markdown_conflict_inside_a_fence_in_a_merged_cell_is_refused(tmp_path, git_env):
    """The example rule must not let a merge's own conflict through: a fenced block both sides edited."""
    repo = new_repo(tmp_path / "repo")
    fenced = lambda x: f"Run this:\n\n```\nx = {x}\n```\n"  # noqa: E731
    for branch, value in (("main", 0),):
        nb = make_nb("a")
        nb["cells"].insert(0, {"cell_type": "markdown", "id": "md", "metadata": {}, "source": fenced(value)})
        write_nb(repo / "nb.ipynb", nb)
        git(repo, "commit", "-qam", "fenced")
    for branch, value in (("feature", 1), ("main", 2)):
        if branch == "feature":
            git(repo, "checkout", "-qb", "feature")
        else:
            git(repo, "checkout", "-q", "main")
        nb = json.loads((repo / "nb.ipynb").read_text())
        nb["cells"][0]["source"] = fenced(value)
        write_nb(repo / "nb.ipynb", nb)
        git(repo, "commit", "-qam", branch)
    assert git(repo, "merge", "feature", check=False).returncode == 1
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "--no-edit", check=False)
    assert p.returncode != 0 and "nb.ipynb: cell 1 (markdown) has a source conflict" in p.stderr
    # ...and the example tutorial next to it still commits (this is what fails today).
    git(repo, "merge", "--abort")
    write_nb(repo / "tutorial.ipynb", _tutorial())
    git(repo, "add", "tutorial.ipynb")
    assert git(repo, "commit", "-qm", "tutorial", check=False).returncode == 0


def test_a_clean_rebase_replays_commits_as_they_were(tmp_path, git_env):
    """The rebase guard is for the commit `--continue` makes: clean picks replay commits already made
    (one recorded markers with --no-verify, on purpose) and the rebase goes through."""
    repo = new_repo(tmp_path / "repo")
    git(repo, "checkout", "-qb", "feature")
    write_nb(repo / "nb.ipynb", make_nb("a", "b", "<<<<<<< kept\nx\n=======\ny\n>>>>>>> on purpose\n"))
    git(repo, "commit", "-qam", "markers on purpose", "--no-verify")
    git(repo, "checkout", "-q", "main")
    (repo / "other.txt").write_text("x\n")
    git(repo, "add", "other.txt")
    git(repo, "commit", "-qm", "other")
    git(repo, "checkout", "-q", "feature")
    p = git(repo, "rebase", "main", check=False)
    assert p.returncode == 0, p.stderr
    assert _markers_in_history(repo)
