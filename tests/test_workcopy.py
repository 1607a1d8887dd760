"""Outputs in the working copy (issue 16): nothing lost, what the user meant, never in an archive, cheap.

Real git (2.39 here) in temp repositories with `nbteam init`. The control for "nothing lost" is
plain git with an output-stripping filter: where it refuses a command, refusing is right too;
where nbteam lets the command run, the outputs must come back. No test depends on git's
racy-timestamp check: the files a test relies on get explicit, distinct mtimes in the past.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from outputs_helpers import (branch_with, commit_sources, conflicted_after_a_run, new_repo, outputs_by_source,
                             run_notebook, status)

_clock = [1_600_000_000]


def settle(*paths: Path) -> None:
    """Give files a distinct mtime well in the past, so git's racy check never decides a test."""
    for path in paths:
        _clock[0] += 10
        os.utime(path, (_clock[0], _clock[0]))


def jupyter_save(path: Path, nb: dict) -> None:
    """Write a notebook the way Jupyter does (nbformat: sorted keys, indent 1, final newline)."""
    import nbformat

    path.write_text(nbformat.writes(nbformat.from_dict(nb)) + "\n", encoding="utf-8")


def run_and_record(repo: Path, tag: str = "run") -> None:
    """Run nb.ipynb and let git record the run file (`git add` stages nothing: only outputs changed)."""
    run_notebook(repo, tag)
    settle(repo / "nb.ipynb")
    git(repo, "add", "nb.ipynb")
    assert git(repo, "diff", "--cached", "--name-only").stdout == ""


def edit_cell_b(repo: Path) -> None:
    """Edit cell b's source to b2 in the working copy, keeping every output."""
    nb = json.loads((repo / "nb.ipynb").read_text())
    nb["cells"][1]["source"] = "b2"
    (repo / "nb.ipynb").write_text(json.dumps(nb, indent=1) + "\n")
    settle(repo / "nb.ipynb")


def ran(repo: Path, tag: str = "run") -> dict[str, list[str]]:
    return {src: [f"{tag}: {src}\n"] for src in outputs_by_source(repo / "nb.ipynb")}


def test_switching_to_a_branch_without_the_notebook_loses_no_outputs(tmp_path, git_env):
    """Item 3: refuse as git does, or bring the outputs back when the notebook returns."""
    repo = new_repo(tmp_path / "repo")
    git(repo, "checkout", "-qb", "nonb")
    git(repo, "rm", "-q", "nb.ipynb")
    git(repo, "commit", "-qm", "no notebook here")
    git(repo, "checkout", "-q", "main")
    for record in (False, True):
        run_notebook(repo, f"run{record}")
        settle(repo / "nb.ipynb")
        if record:
            git(repo, "add", "nb.ipynb")
        expected = ran(repo, f"run{record}")
        p = git(repo, "checkout", "-q", "nonb", check=False)
        if p.returncode == 0:
            assert not (repo / "nb.ipynb").exists()
            git(repo, "checkout", "-q", "main")
        assert outputs_by_source(repo / "nb.ipynb") == expected, p.stderr
        assert status(repo) == "" or not record


def test_git_rm_of_a_run_notebook_loses_no_outputs(tmp_path, git_env):
    """Item 4: `git rm` refuses as git does, or `git checkout HEAD -- nb.ipynb` brings the outputs back."""
    repo = new_repo(tmp_path / "repo")
    run_and_record(repo)
    expected = ran(repo)
    p = git(repo, "rm", "-q", "nb.ipynb", check=False)
    if p.returncode == 0:
        git(repo, "checkout", "HEAD", "--", "nb.ipynb")
    assert outputs_by_source(repo / "nb.ipynb") == expected


@pytest.mark.parametrize("how", ["rebase", "pull"])
def test_autostash_keeps_outputs(tmp_path, git_env, how):
    """Item 5: `git rebase --autostash` and `git pull --rebase --autostash` (a local edit elsewhere)."""
    repo = new_repo(tmp_path / "repo")
    (repo / "notes.txt").write_text("base\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-qm", "notes")
    if how == "pull":
        origin = tmp_path / "origin.git"
        git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
        git(repo, "remote", "add", "origin", str(origin))
        git(repo, "fetch", "-q", "origin")
        git(repo, "branch", "-q", "--set-upstream-to", "origin/main")
        other = tmp_path / "other"
        git(tmp_path, "clone", "-q", str(origin), str(other))
        assert nbteam("init", cwd=other).returncode == 0  # the teammate commits stripped notebooks too
        write_nb(other / "nb.ipynb", make_nb("a", "b", "C"))
        git(other, "commit", "-qam", "upstream: c")
        git(other, "push", "-q", "origin", "main")
    else:
        branch_with(repo, "upstream", "a", "b", "C")
    run_and_record(repo)
    edit_cell_b(repo)  # a local edit in the notebook itself: the autostash carries it
    args = ["pull", "-q", "--rebase", "--autostash"] if how == "pull" else ["rebase", "-q", "--autostash", "upstream"]
    p = git(repo, *args, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert outputs_by_source(repo / "nb.ipynb") == {"a": ["run: a\n"], "b2": ["run: b\n"], "C": []}
    assert git(repo, "stash", "list").stdout == ""


def test_stash_and_pop_keep_outputs(tmp_path, git_env):
    """Item 6: a run notebook with an edited cell goes through `git stash` / `git stash pop` whole."""
    repo = new_repo(tmp_path / "repo")
    run_and_record(repo)
    edit_cell_b(repo)
    before = outputs_by_source(repo / "nb.ipynb")
    assert before == {"a": ["run: a\n"], "b2": ["run: b\n"], "c": ["run: c\n"]}
    git(repo, "stash", "-q")
    assert "b2" not in outputs_by_source(repo / "nb.ipynb")
    git(repo, "stash", "pop", "-q")
    assert outputs_by_source(repo / "nb.ipynb") == before


def test_sparse_checkout_leaves_no_unchanged_notebook_behind(tmp_path, git_env):
    """Item 7: notebooks outside the sparse patterns go, as with plain git."""
    repo = new_repo(tmp_path / "repo")
    for d in ("keep", "drop"):
        write_nb(repo / d / "x.ipynb", make_nb("x"))
        settle(repo / d / "x.ipynb")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "dirs")
    git(repo, "status")
    p = git(repo, "sparse-checkout", "set", "keep")
    assert "not up to date" not in p.stderr, p.stderr
    assert not (repo / "drop" / "x.ipynb").exists()
    assert (repo / "keep" / "x.ipynb").exists()


@pytest.mark.parametrize("then", ["commit", "switch"])
def test_cleared_outputs_never_come_back(tmp_path, git_env, then):
    """Item 8: outputs cleared (say after print(API_KEY)) and one cell edited stay cleared."""
    repo = new_repo(tmp_path / "repo")
    git(repo, "checkout", "-qb", "other")
    (repo / "other.txt").write_text("other\n")
    git(repo, "add", "other.txt")
    git(repo, "commit", "-qm", "other file")
    git(repo, "checkout", "-q", "main")
    run_and_record(repo)
    jupyter_save(repo / "nb.ipynb", make_nb("a", "b", "c2"))  # "Clear all outputs", edit c, save
    settle(repo / "nb.ipynb")
    if then == "commit":
        git(repo, "commit", "-qam", "edit c")
    else:
        git(repo, "checkout", "-q", "other")
        git(repo, "commit", "-qam", "edit c")
    assert outputs_by_source(repo / "nb.ipynb") == {"a": [], "b": [], "c2": []}
    git(repo, "checkout", "-q", "main" if then == "switch" else "other")
    assert all(v == [] for v in outputs_by_source(repo / "nb.ipynb").values())


def test_an_output_goes_back_only_onto_the_cell_that_produced_it(tmp_path, git_env):
    """Item 9: a teammate's new cells (new ids) never get the old cells' outputs, even with equal source."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert nbteam("init", cwd=repo).returncode == 0
    old = make_nb("df = load(1)", "df.head()")
    write_nb(repo / "nb.ipynb", old)
    settle(repo / "nb.ipynb")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "teammate")
    new = make_nb("df = load(2)", "df.head()")
    for cell, cid in zip(new["cells"], ("n0", "n1")):
        cell["id"] = cid
    write_nb(repo / "nb.ipynb", new)
    settle(repo / "nb.ipynb")
    git(repo, "commit", "-qam", "teammate: load(2)")
    git(repo, "checkout", "-q", "main")
    run_and_record(repo)
    git(repo, "merge", "-q", "teammate")
    assert outputs_by_source(repo / "nb.ipynb") == {"df = load(2)": [], "df.head()": []}


@pytest.mark.parametrize("discard", [["checkout", "--", "nb.ipynb"], ["reset", "-q", "--hard"]])
def test_a_discard_settles_at_once(tmp_path, git_env, discard):
    """Item 10: what a discard leaves (outputs of cells whose source is unchanged) holds and stays."""
    repo = new_repo(tmp_path / "repo")
    (repo / "notes.txt").write_text("base\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-qm", "notes")
    branch_with(repo, "other", "a", "b", "C")
    run_and_record(repo)
    edit_cell_b(repo)  # an edit the user then discards
    git(repo, *discard)
    after = outputs_by_source(repo / "nb.ipynb")
    # The documented rule: the unchanged cells a and c have their outputs at once (b: its remembered
    # output only if the remembered cell has the same source, which depends on what git read first).
    assert after["a"] == ["run: a\n"] and after["c"] == ["run: c\n"]
    (repo / "notes.txt").write_text("later\n")
    git(repo, "commit", "-qam", "unrelated")
    assert outputs_by_source(repo / "nb.ipynb") == after
    git(repo, "checkout", "-q", "other")
    assert outputs_by_source(repo / "nb.ipynb") == {"a": after["a"], "b": after["b"], "C": []}
    git(repo, "checkout", "-q", "main")
    assert outputs_by_source(repo / "nb.ipynb") == after


def test_init_makes_git_ignore_jupyter_checkpoints(tmp_path, git_env):
    """Item 12: `.ipynb_checkpoints/` is ignored after init (and no longer after uninstall)."""
    repo = new_repo(tmp_path / "repo")
    write_nb(repo / "sub" / ".ipynb_checkpoints" / "nb-checkpoint.ipynb", make_nb("a"))
    assert git(repo, "check-ignore", "-q", "sub/.ipynb_checkpoints/nb-checkpoint.ipynb", check=False).returncode == 0
    assert status(repo) == ""
    assert nbteam("uninstall", cwd=repo).returncode == 0
    assert git(repo, "check-ignore", "-q", "sub/.ipynb_checkpoints/nb-checkpoint.ipynb", check=False).returncode == 1


def test_outputs_never_reach_an_archive_or_cat_file_filters(tmp_path, git_env):
    """git smudges for `git archive` and `git cat-file --filters` too: they must get no outputs."""
    repo = new_repo(tmp_path / "repo")
    run_and_record(repo)
    git(repo, "checkout", "-q", "-b", "side")
    git(repo, "checkout", "-q", "main")
    archive = tmp_path / "a.tar"
    git(repo, "archive", "-o", str(archive), "HEAD")
    with tarfile.open(archive) as tar:
        member = tar.extractfile("nb.ipynb")
        assert member is not None
        assert '"output_type"' not in member.read().decode()
    for spec in ("HEAD:nb.ipynb", ":nb.ipynb"):
        shown = git(repo, "cat-file", "--filters", spec).stdout
        assert '"output_type"' not in shown and '"execution_count": null' in shown
    assert "run: a" not in git(repo, "show", "HEAD:nb.ipynb").stdout
    assert outputs_by_source(repo / "nb.ipynb") == ran(repo)  # and the working copy still has them


def _filtered(repo: Path, *args: str) -> int:
    """How many files one git command sent through the filter process (GIT_TRACE_PACKET)."""
    p = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                       env={**os.environ, "GIT_TRACE_PACKET": "1"})
    assert p.returncode in (0, 1), p.stderr
    return p.stderr.count("> command=clean")


def test_no_op_commands_filter_no_notebook(tmp_path, git_env):
    """A no-op `git status` (three in a row), `git add -A` or `git commit` re-filters no unchanged notebook."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert nbteam("init", cwd=repo).returncode == 0
    for k in range(12):
        nb = make_nb(f"x = {k}", "print(x)")
        nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": f"{k}\n"}]
        nb["cells"][1]["execution_count"] = 1
        write_nb(repo / f"nb{k:02d}.ipynb", nb)
        settle(repo / f"nb{k:02d}.ipynb")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "run notebooks")
    assert [_filtered(repo, "status") for _ in range(3)][1:] == [0, 0]
    assert _filtered(repo, "add", "-A") == 0
    assert _filtered(repo, "commit", "-qm", "nothing") == 0
    assert _filtered(repo, "status") == 0


def test_hooks_with_nothing_to_do_start_no_python(tmp_path, git_env):
    """No-op status, add and a commit of a text file: nbteam's hooks start no interpreter (a logging wrapper)."""
    log = tmp_path / "python.log"
    wrapper = tmp_path / "bin" / "python"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert nbteam("init", "--python", str(wrapper), cwd=repo).returncode == 0
    write_nb(repo / "nb.ipynb", make_nb("a"))
    (repo / "notes.txt").write_text("x\n")
    settle(repo / "nb.ipynb", repo / "notes.txt")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "status")
    log.unlink(missing_ok=True)
    git(repo, "status")
    git(repo, "add", "-A")
    (repo / "notes.txt").write_text("y\n")
    git(repo, "commit", "-qam", "text only")
    git(repo, "checkout", "-q", "-b", "b2")
    started = log.read_text().splitlines() if log.exists() else []
    assert [line for line in started if " hook " in line] == []


def test_a_conflicted_merge_puts_no_output_into_the_object_database(tmp_path, git_env):
    """The conflicted file gets outputs as git writes it (smudge); no object git stores ever holds them."""
    repo = conflicted_after_a_run(tmp_path / "repo", run_and_record)
    objects = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=repo,
                             capture_output=True, check=True).stdout
    assert b"run: a" not in objects


def test_a_branch_switch_through_an_alias_keeps_outputs(tmp_path, git_env):
    """The smudge knows `git co` is `git checkout` (the parent process names the alias)."""
    repo = new_repo(tmp_path / "repo")
    git(repo, "config", "alias.co", "checkout")
    branch_with(repo, "other", "a", "b", "C")
    run_and_record(repo)
    git(repo, "co", "-q", "other")
    assert outputs_by_source(repo / "nb.ipynb") == {"a": ["run: a\n"], "b": ["run: b\n"], "C": []}
    assert status(repo) == ""
