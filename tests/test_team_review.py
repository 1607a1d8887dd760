"""Issue 18 under a demanding user, real git through the CLI: the cases the first tests of `nbteam check`
and `nbteam pr` did not reach (a bare origin, duplicate cell ids, paths with spaces, files that are not notebooks).
"""
from __future__ import annotations

import json
import shlex
from pathlib import Path

from helpers import git, make_nb, nbteam, write_nb
from test_team import _pull_request, _with_outputs, team  # noqa: F401 (a fixture)


def test_duplicate_cell_ids_are_a_finding_and_the_file_is_left_alone(repo):
    """nbformat's validator repairs duplicate ids in place unless told not to; check must report them."""
    nb = make_nb("x = 1", "y = 2")
    nb["cells"][1]["id"] = "c0"
    path = write_nb(repo / "dup.ipynb", nb)
    before = path.read_bytes()
    p = nbteam("check", cwd=repo)
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stdout.startswith("dup.ipynb: ") and "'c0'" in p.stdout and len(p.stdout.splitlines()) == 1, p.stdout
    assert path.read_bytes() == before


def test_check_rev_and_pr_check_run_in_the_bare_origin(tmp_path, git_env):
    """Neither needs a work tree: a server-side job (or a person) can run them in the bare origin itself."""
    bob, ids = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    ran = json.loads((bob / "nb.ipynb").read_text())
    write_nb(bob / "nb.ipynb", _with_outputs(ran, 0))  # Bob never ran init: the outputs go into his commit
    git(bob, "commit", "-qam", "ran it")
    git(bob, "push", "-q", "origin", "feature")
    origin = tmp_path / "origin.git"
    refs = git(origin, "for-each-ref").stdout
    p = nbteam("check", "--rev", "main..feature", cwd=origin)
    assert p.returncode == 1 and p.stdout.startswith("nb.ipynb: cell 1: holds outputs"), p.stdout + p.stderr
    assert nbteam("check", "--rev", "main..feature~1", cwd=origin).returncode == 0
    assert nbteam("check", "--rev", "main..feature", "other.ipynb", cwd=origin).returncode == 0
    p = nbteam("pr", "check", "main", "feature", cwd=origin)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "| `nb.ipynb` | conflict (content) | merges cleanly |" in p.stdout, p.stdout
    assert git(origin, "for-each-ref").stdout == refs
    p = nbteam("check", cwd=origin)  # a work-tree check has nothing to read: one line, exit 2
    assert p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "Traceback" not in p.stderr, p.stderr
    p = nbteam("pr", "merge", "main", cwd=origin)
    assert p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "Traceback" not in p.stderr, p.stderr


def test_a_fix_names_a_path_with_spaces_so_it_can_be_pasted(repo):
    write_nb(repo / "my analysis é.ipynb", _with_outputs(make_nb("x = 1"), 0))
    p = nbteam("check", cwd=repo)
    assert p.returncode == 1, p.stderr
    fix = p.stdout.split(" — ", 1)[1]
    assert f"`git add --renormalize {shlex.quote('my analysis é.ipynb')}` and commit" in fix, fix
    assert p.stdout.startswith("my analysis é.ipynb: cell 1: ")  # the finding's own path stays as git shows it


def test_pr_check_on_a_text_file_conflict_says_a_person_is_needed_without_sending_them_to_nbteam_resolve(
        tmp_path, git_env):
    bob, _ = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    lead = tmp_path / "lead"
    (lead / "notes.txt").write_text("one\n")
    git(lead, "add", "notes.txt")
    git(lead, "commit", "-qm", "notes")
    git(lead, "push", "-q")
    (bob / "notes.txt").write_text("feature\n")
    git(bob, "add", "notes.txt")
    git(bob, "commit", "-qm", "feature notes")
    git(bob, "fetch", "-q")
    p = nbteam("pr", "check", "origin/main", cwd=bob)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "| `notes.txt` | conflict (content) | needs a person: content |" in p.stdout, p.stdout
    assert "| `nb.ipynb` | conflict (content) | merges cleanly |" in p.stdout
    assert "`notes.txt`" in p.stdout.split("A person is needed", 1)[1], p.stdout
    assert "resolve the cells listed" not in p.stdout, p.stdout
    json.loads(git(bob, "show", "HEAD:nb.ipynb").stdout)  # nothing touched the branch
    assert git(bob, "status", "--porcelain").stdout == ""


def test_check_rev_with_one_revision_is_a_one_line_usage_error(repo):
    write_nb(repo / "nb.ipynb", make_nb("x = 1"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    for spec in ("HEAD", "HEAD~1", "nope..HEAD"):
        p = nbteam("check", "--rev", spec, cwd=repo)
        assert p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "Traceback" not in p.stderr, (spec, p.stderr)


def test_a_deleted_notebook_in_the_range_is_not_checked_and_a_renamed_one_is(repo):
    write_nb(repo / "gone.ipynb", make_nb("x = 1"))
    write_nb(repo / "old name.ipynb", make_nb("x = 1"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    start = git(repo, "rev-parse", "HEAD").stdout.strip()
    git(repo, "rm", "-q", "gone.ipynb")
    git(repo, "mv", "old name.ipynb", "new name.ipynb")
    write_nb(repo / "new name.ipynb", _with_outputs(make_nb("x = 1"), 0))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two")
    for spec in (f"{start}..HEAD", f"{start}...HEAD", f"{start}.."):
        p = nbteam("check", "--rev", spec, cwd=repo)
        assert p.returncode == 1 and {line.split(": ")[0] for line in p.stdout.splitlines()} == {"new name.ipynb"}, \
            (spec, p.stdout, p.stderr)


def test_nbformat_3_notebooks_crlf_and_a_bom_are_checked_like_any_other(repo):
    v3 = {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"metadata": {}, "cells": [
        {"cell_type": "code", "collapsed": False, "input": ["x = 1"], "language": "python", "metadata": {},
         "outputs": [{"output_type": "stream", "stream": "stdout", "text": ["1\n"]}], "prompt_number": 3}]}]}
    write_nb(repo / "v3.ipynb", v3)
    text = json.dumps(make_nb("x = 1"), indent=1) + "\n"
    (repo / "crlf.ipynb").write_bytes(text.replace("\n", "\r\n").encode())
    (repo / "bom.ipynb").write_bytes(b"\xef\xbb\xbf" + text.encode())
    p = nbteam("check", cwd=repo)
    assert p.returncode == 1 and p.stdout.startswith("v3.ipynb: cell 1: holds outputs"), p.stdout + p.stderr
    assert len(p.stdout.splitlines()) == 1, p.stdout


def test_outputs_the_index_still_stores_from_before_init_are_found(repo):
    """The filter cleans a file only when git re-reads it: outputs committed before `nbteam init` stay stored."""
    write_nb(repo / "nb.ipynb", _with_outputs(make_nb("x = 1", "y = 2"), 1))
    write_nb(repo / "clean.ipynb", make_nb("x = 1"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "committed without the filter")
    assert nbteam("init", cwd=repo).returncode == 0
    p = nbteam("check", cwd=repo)
    assert p.returncode == 1, p.stdout + p.stderr
    [line] = p.stdout.splitlines()
    assert line.startswith("nb.ipynb: cell 2: ") and "index" in line, line
    assert line.endswith("`git add --renormalize nb.ipynb` and commit"), line
    assert nbteam("check", "clean.ipynb", cwd=repo).returncode == 0
    git(repo, "add", "--renormalize", "nb.ipynb")
    git(repo, "commit", "-qm", "renormalized")
    p = nbteam("check", cwd=repo)
    assert p.returncode == 0, p.stdout
    assert json.loads((repo / "nb.ipynb").read_text())["cells"][1]["outputs"]  # the working copy keeps them


def test_pr_merge_takes_a_broken_notebook_the_base_already_has_as_pr_check_predicted(tmp_path, git_env):
    """The base's own broken file is no output the merge adds: pr merge does what pr check said (exit 0)."""
    bob, ids = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    lead = tmp_path / "lead"
    broken = b"<<<<<<< HEAD\n{}\n=======\n[]\n>>>>>>> other\n"
    (lead / "broken.ipynb").write_bytes(broken)
    git(lead, "add", "broken.ipynb")
    git(lead, "commit", "-qm", "a text merge, committed", "--no-verify")
    git(lead, "push", "-q")
    git(bob, "fetch", "-q")
    p = nbteam("pr", "check", "origin/main", cwd=bob)
    assert p.returncode == 0, p.stdout + p.stderr
    p = nbteam("pr", "merge", "origin/main", cwd=bob)
    assert p.returncode == 0, p.stdout + p.stderr
    assert git(bob, "rev-parse", "HEAD^1").stdout.strip() == ids["feature"]
    assert (bob / "broken.ipynb").read_bytes() == broken
    merged = json.loads(git(bob, "show", "HEAD:nb.ipynb").stdout)
    assert all(not c["outputs"] and c["execution_count"] is None for c in merged["cells"])
    p = nbteam("check", "--rev", f"{ids['feature']}..HEAD", cwd=bob)  # CI still names the broken file
    assert p.returncode == 1 and p.stdout.startswith("broken.ipynb: text-merge conflict markers"), p.stdout


def test_the_lead_who_pulls_a_teammates_outputs_is_told_they_are_stored(team):
    """In the set-up clone, the pulled commit's outputs are what git stores: check must not call them clean."""
    lead, bob, _ = team
    git(bob, "push", "-q", "origin", "HEAD:main")
    git(lead, "pull", "-q", "--no-rebase", "--no-edit")
    p = nbteam("check", "analysis.ipynb", cwd=lead)
    assert p.returncode == 1, p.stdout + p.stderr
    assert {line.split(": ")[1] for line in p.stdout.splitlines()} == {"cell 1", "cell 3"}, p.stdout
    assert "git add --renormalize analysis.ipynb" in p.stdout
    assert nbteam("check", "--rev", "HEAD~1..HEAD", "analysis.ipynb", cwd=lead).returncode == 0  # not in that range


def test_staged_check_during_a_conflicted_merge_names_the_unmerged_notebook(repo):
    """The index holds git's conflict stages, not a notebook: `--staged` must not call that all well."""
    write_nb(repo / "nb.ipynb", make_nb("a", "b", "c"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "other")
    write_nb(repo / "nb.ipynb", make_nb("a", "b1", "c"))
    git(repo, "commit", "-qam", "other")
    git(repo, "checkout", "-q", "main")
    write_nb(repo / "nb.ipynb", make_nb("a", "b2", "c"))
    git(repo, "commit", "-qam", "main")
    assert git(repo, "merge", "-q", "other", check=False).returncode == 1
    p = nbteam("check", "--staged", cwd=repo)
    assert p.returncode == 1, p.stdout + p.stderr
    [line] = p.stdout.splitlines()
    assert line.startswith("nb.ipynb: ") and "unmerged" in line and "git add nb.ipynb" in line, line


def test_check_rev_in_a_bare_repository_reads_the_settings_the_range_ends_with(tmp_path, git_env):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    write_nb(clone / "nb.ipynb", make_nb("x = 1"))
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "one")
    (clone / ".nbteam.toml").write_text("keep_outputs = true\n")
    write_nb(clone / "nb.ipynb", _with_outputs(make_nb("x = 1"), 0))
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "this team keeps outputs")
    git(clone, "push", "-q", "origin", "HEAD:main")
    p = nbteam("check", "--rev", "main~1..main", cwd=origin)
    assert p.returncode == 0, p.stdout + p.stderr
    assert nbteam("check", "--rev", "main~1..main", cwd=clone).returncode == 0
