"""Outputs survive git's merges in the working copy, and running a notebook never blocks a pull.

Real git everywhere (2.39 on the development machine): merge, fast-forward, pull from a bare
origin, pull --rebase, rebase, cherry-pick, a conflicted merge. Each checks the working copy's
outputs, `git status`, and that the commit has none.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from outputs_helpers import (assert_kept, branch_with, commit_sources, init_repo, new_repo, outputs_by_source,
                             run_notebook, run_status_run, save_in_jupyter, status)


def _diverge(repo: Path) -> None:
    """feature changes cell c; main changes cell a: a real three-way merge of nb.ipynb."""
    branch_with(repo, "feature", "a", "b", "C")
    commit_sources(repo, "A", "b", "c", message="main: a")


@pytest.mark.parametrize("status_between", [False, True], ids=["run", "run-status-run"])
def test_merge_keeps_outputs_of_untouched_cells_right_after_a_run(tmp_path, git_env, status_between):
    repo = new_repo(tmp_path / "repo")
    _diverge(repo)
    run_notebook(repo, "first")
    if status_between:  # git status records the file's new size in the index: the classic blocker
        git(repo, "status")
        run_notebook(repo, "second")
    p = git(repo, "merge", "--no-edit", "feature", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    tag = "second" if status_between else "first"
    assert_kept(repo, {"A": [f"{tag}: A\n"], "b": [f"{tag}: b\n"], "C": []})


def test_fast_forward_merge_keeps_outputs(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "feature", "a", "B", "c")
    run_status_run(repo, "again")
    git(repo, "merge", "-q", "feature")
    assert_kept(repo, {"a": ["again: a\n"], "B": [], "c": ["again: c\n"]})


def _clone(origin: Path, path: Path, name: str) -> Path:
    git(origin.parent, "clone", "-q", str(origin), str(path))
    git(path, "config", "user.name", name)
    git(path, "config", "user.email", f"{name}@example.com")
    init_repo(path)
    return path


@pytest.fixture
def two_clones(tmp_path, git_env) -> tuple[Path, Path]:
    """A bare origin with one notebook (cells a, b, c) and two clones, both set up with nbteam."""
    first = new_repo(tmp_path / "seed")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(first), str(origin))
    return _clone(origin, tmp_path / "ada", "ada"), _clone(origin, tmp_path / "grace", "grace")


@pytest.mark.parametrize("how", ["fast-forward", "merge", "rebase"])
def test_pull_keeps_outputs_right_after_a_run(two_clones, how):
    ada, grace = two_clones
    commit_sources(ada, "a", "b", "C", message="ada: c")
    git(ada, "push", "-q", "origin", "main")
    if how != "fast-forward":
        commit_sources(grace, "A", "b", "c", message="grace: a")
    run_status_run(grace, "again")
    args = {"fast-forward": ["--ff-only"], "merge": ["--no-rebase", "--no-edit"], "rebase": ["--rebase"]}[how]
    p = git(grace, "pull", "-q", *args, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    first = "A" if how != "fast-forward" else "a"
    assert_kept(grace, {first: [f"again: {first}\n"], "b": ["again: b\n"], "C": []})


def test_pull_is_refused_without_nbteams_hooks(two_clones):
    """The failure the hooks exist for (git 2.39): a run notebook blocks a pull once its size is recorded."""
    ada, grace = two_clones
    hooks = grace / git(grace, "rev-parse", "--git-path", "hooks").stdout.strip()
    for hook in hooks.iterdir():
        if not hook.name.endswith(".sample"):
            hook.unlink()
    commit_sources(ada, "a", "b", "C")
    git(ada, "push", "-q", "origin", "main")
    run_notebook(grace, jupyter=False)
    git(grace, "add", "nb.ipynb")  # records the run file's size, as a status or checkout would
    git(grace, "status")
    run_notebook(grace, "again", jupyter=False)
    p = git(grace, "pull", "-q", "--ff-only", check=False)
    assert p.returncode != 0
    assert "would be overwritten" in p.stderr


def test_real_source_edits_still_show_and_still_block(two_clones):
    ada, grace = two_clones
    commit_sources(ada, "a", "b", "C")
    git(ada, "push", "-q", "origin", "main")
    run_notebook(grace)
    nb_path = grace / "nb.ipynb"
    nb_path.write_text(nb_path.read_text(encoding="utf-8").replace('"c"', '"c edited"'), encoding="utf-8")
    assert status(grace) == " M nb.ipynb\n"
    p = git(grace, "pull", "-q", "--ff-only", check=False)
    assert p.returncode != 0 and "would be overwritten" in p.stderr
    assert git(grace, "diff", "--cached", "--name-only").stdout == ""  # nothing was staged for the user
    assert "c edited" in nb_path.read_text(encoding="utf-8")


def test_rebase_and_cherry_pick_keep_outputs(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "side", "a", "B", "c")
    run_status_run(repo, "pick")
    git(repo, "cherry-pick", "side")
    assert_kept(repo, {"a": ["pick: a\n"], "B": [], "c": ["pick: c\n"]})

    git(repo, "checkout", "-q", "-b", "topic", "HEAD~1")
    commit_sources(repo, "A", "b", "c", message="topic: a")
    run_status_run(repo, "rebase")
    git(repo, "rebase", "-q", "main")
    assert_kept(repo, {"A": ["rebase: A\n"], "B": [], "c": ["rebase: c\n"]})


def test_conflicted_merge_keeps_outputs_of_other_cells_in_the_working_copy(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "feature", "a", "b", "c theirs")
    commit_sources(repo, "a", "b", "c ours")
    run_notebook(repo)
    p = git(repo, "merge", "feature", check=False)
    assert p.returncode == 1
    outputs = outputs_by_source(repo / "nb.ipynb")
    assert outputs["a"] == ["run: a\n"] and outputs["b"] == ["run: b\n"]
    conflicted = [src for src in outputs if "<<<<<<<" in src]
    assert len(conflicted) == 1 and outputs[conflicted[0]] == []
    for stage in ("1", "2", "3"):  # what git keeps in the index has no outputs
        assert '"output_type"' not in git(repo, "show", f":{stage}:nb.ipynb").stdout


def test_cleared_outputs_stay_cleared(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "feature", "a", "b", "C")
    run_notebook(repo)
    git(repo, "status")
    save_in_jupyter(repo, make_nb("a", "b", "c"))  # "Clear all outputs", saved
    git(repo, "status")
    git(repo, "merge", "-q", "feature")
    assert outputs_by_source(repo / "nb.ipynb") == {"a": [], "b": [], "C": []}


def test_file_checkout_keeps_the_outputs_of_unchanged_cells(tmp_path, git_env):
    """The one rule: a notebook git writes gets the remembered outputs of its unchanged cells, at once."""
    repo = new_repo(tmp_path / "repo")
    run_notebook(repo)
    git(repo, "status")
    git(repo, "checkout", "--", "nb.ipynb")
    assert_kept(repo, {"a": ["run: a\n"], "b": ["run: b\n"], "c": ["run: c\n"]})


def test_branch_switch_keeps_outputs_of_unchanged_cells(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "other", "a", "b", "C")
    run_notebook(repo)
    git(repo, "checkout", "-q", "other")
    assert outputs_by_source(repo / "nb.ipynb") == {"a": ["run: a\n"], "b": ["run: b\n"], "C": []}
    assert status(repo) == ""


def test_pull_resets_sizes_during_its_fetch(two_clones):
    """Whatever wrote the index last (here a git command run without hooks, like a libgit2 tool),
    the fetch inside `git pull` marks notebooks for a content check before the merge looks."""
    ada, grace = two_clones
    commit_sources(ada, "a", "b", "C")
    git(ada, "push", "-q", "origin", "main")
    run_notebook(grace)
    git(grace, "-c", "core.hooksPath=/dev/null", "add", "nb.ipynb")  # records the run file's size
    run_notebook(grace, "again", jupyter=False)  # not saved by Jupyter: nothing marked it
    assert "size: 0\t" not in git(grace, "ls-files", "--debug", "nb.ipynb").stdout  # the blocking state
    p = git(grace, "pull", "-q", "--ff-only", check=False)
    assert p.returncode == 0, p.stderr
    assert_kept(grace, {"a": ["again: a\n"], "b": ["again: b\n"], "C": []})


def test_kept_copies_stay_with_the_worktree_until_uninstall_removes_every_worktrees(tmp_path, git_env):
    """Item 11: a renamed or deleted notebook's copy stays (it comes back with it); uninstall leaves no store."""
    repo = new_repo(tmp_path / "repo")
    store = repo / ".git" / "nbteam" / "outputs"
    run_notebook(repo)
    git(repo, "status")
    assert len(list(store.iterdir())) == 2  # the copy and its note
    git(repo, "worktree", "add", "-q", str(tmp_path / "linked"), "-b", "linked")
    linked = tmp_path / "linked"
    run_notebook(linked)
    git(linked, "status")
    linked_store = Path(git(linked, "rev-parse", "--path-format=absolute", "--git-path", "nbteam/outputs").stdout.strip())
    assert len(list(linked_store.iterdir())) == 2 and linked_store != store
    git(repo, "rm", "-q", "nb.ipynb")
    git(repo, "commit", "-qm", "gone")
    git(repo, "checkout", "-q", "HEAD~1", "--", "nb.ipynb")  # back, with its outputs
    assert outputs_by_source(repo / "nb.ipynb") == {"a": ["run: a\n"], "b": ["run: b\n"], "c": ["run: c\n"]}
    p = nbteam("uninstall", cwd=repo)
    assert p.returncode == 0
    assert not (repo / ".git" / "nbteam").exists()
    assert not linked_store.exists() and not linked_store.parent.exists()


def test_outputs_are_kept_when_a_merge_stopped_by_another_file_is_committed(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    (repo / "notes.txt").write_text("base\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-qm", "notes")
    git(repo, "checkout", "-qb", "feature")
    (repo / "notes.txt").write_text("theirs\n")
    commit_sources(repo, "a", "b", "C")
    git(repo, "checkout", "-q", "main")
    (repo / "notes.txt").write_text("ours\n")
    git(repo, "commit", "-qam", "ours")
    run_notebook(repo)
    assert git(repo, "merge", "feature", check=False).returncode == 1  # notes.txt conflicts
    assert outputs_by_source(repo / "nb.ipynb") == {"a": ["run: a\n"], "b": ["run: b\n"], "C": []}
    (repo / "notes.txt").write_text("both\n")
    git(repo, "add", "notes.txt")
    git(repo, "status")
    git(repo, "commit", "--no-edit")
    assert_kept(repo, {"a": ["run: a\n"], "b": ["run: b\n"], "C": []})


def test_conflicted_rebase_keeps_outputs_of_other_cells_from_the_kept_copy(tmp_path, git_env):
    """Mid-rebase the working copy is git's (no outputs): the conflicted result takes them from the
    copy the filter kept when the rebase started."""
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "upstream", "a", "b", "c upstream")
    commit_sources(repo, "a", "b", "c mine")
    run_notebook(repo)
    p = git(repo, "rebase", "upstream", check=False)
    assert p.returncode != 0
    outputs = outputs_by_source(repo / "nb.ipynb")
    assert outputs["a"] == ["run: a\n"] and outputs["b"] == ["run: b\n"]
    assert [v for k, v in outputs.items() if "<<<<<<<" in k] == [[]]
