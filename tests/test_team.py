"""A team beyond one clone, with real git: `nbteam check` and `nbteam pr check|merge`.

A bare origin, a lead who ran `nbteam init`, and Bob, who never did: he commits outputs, commits
a broken text merge and a notebook with nbteam's in-cell markers.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb


def _with_outputs(nb: dict, *cells: int) -> dict:
    for i in cells:
        nb["cells"][i]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
        nb["cells"][i]["execution_count"] = i + 1
    return nb


def _clone(origin: Path, path: Path) -> Path:
    git(origin.parent, "clone", "-q", str(origin), str(path))
    git(path, "config", "user.name", "Ada Lovelace")
    git(path, "config", "user.email", "ada@example.com")
    return path


def _state(clone: Path) -> tuple:
    """Everything a read-only command must leave as it was: refs, index bytes, status, work-tree files."""
    index = hashlib.sha256((clone / ".git" / "index").read_bytes()).hexdigest()
    files = {p.relative_to(clone).as_posix(): p.read_bytes() for p in sorted(clone.rglob("*"))
             if p.is_file() and ".git" not in p.relative_to(clone).parts}
    return (git(clone, "for-each-ref").stdout, git(clone, "rev-parse", "HEAD").stdout, index,
            git(clone, "status", "--porcelain", "--untracked-files=all").stdout, files)


def _origin(tmp_path: Path) -> tuple[Path, Path]:
    """A bare origin and the lead's clone, set up with `nbteam init`."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    lead = _clone(origin, tmp_path / "lead")
    git(lead, "checkout", "-qb", "main")
    assert nbteam("init", cwd=lead).returncode == 0
    return origin, lead


@pytest.fixture
def team(tmp_path, git_env):
    """(lead, bob, {step: commit}) after Bob, without init, committed three kinds of damage."""
    origin, lead = _origin(tmp_path)
    for name in ("analysis", "report", "notes"):
        write_nb(lead / f"{name}.ipynb", make_nb("x = 1", "y = 2", "z = 3"))
    git(lead, "add", "-A")
    git(lead, "commit", "-qm", "notebooks")
    git(lead, "push", "-qu", "origin", "main")
    bob = _clone(origin, tmp_path / "bob")
    steps = {"start": git(bob, "rev-parse", "HEAD").stdout.strip()}
    # Bob runs the analysis and commits it, outputs and all (no filter in his clone).
    write_nb(bob / "analysis.ipynb", _with_outputs(make_nb("x = 1", "y = 2", "z = 3"), 0, 2))
    git(bob, "commit", "-qam", "ran the analysis")
    steps["outputs"] = git(bob, "rev-parse", "HEAD").stdout.strip()
    # The lead and Bob change the same cell; Bob's pull merges it as text and he commits the markers.
    write_nb(lead / "report.ipynb", make_nb("x = 10", "y = 2", "z = 3"))
    git(lead, "commit", "-qam", "lead's report")
    git(lead, "push", "-q")
    write_nb(bob / "report.ipynb", make_nb("x = 20", "y = 2", "z = 3"))
    git(bob, "commit", "-qam", "bob's report")
    assert git(bob, "pull", "-q", "--no-rebase", "--no-edit", check=False).returncode != 0
    git(bob, "commit", "-qam", "merged")
    steps["text"] = git(bob, "rev-parse", "HEAD").stdout.strip()
    # A notebook with nbteam's in-cell markers, of the default size and of size 9.
    write_nb(bob / "conflict.ipynb", make_nb("<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> other\n", "y = 2",
                                             "<<<<<<<<< HEAD\nz = 1\n=========\nz = 2\n>>>>>>>>> other\n"))
    git(bob, "add", "conflict.ipynb")
    git(bob, "commit", "-qm", "conflict")
    steps["cells"] = git(bob, "rev-parse", "HEAD").stdout.strip()
    return lead, bob, steps


def _named(out: str) -> dict[str, set[str]]:
    """path -> the `cell N` parts of its finding lines."""
    found: dict[str, set[str]] = {}
    for line in out.splitlines():
        path, _, rest = line.partition(": ")
        found.setdefault(path, set()).add(rest.split(": ")[0] if rest.startswith("cell ") else "")
    return found


def test_check_names_exactly_the_damaged_notebooks_and_changes_nothing(team):
    lead, bob, _ = team
    before = _state(bob)
    p = nbteam("check", cwd=bob)
    assert p.returncode == 1, p.stderr
    assert _named(p.stdout) == {"analysis.ipynb": {"cell 1", "cell 3"}, "report.ipynb": {""},
                                "conflict.ipynb": {"cell 1", "cell 3"}}, p.stdout
    lines = p.stdout.splitlines()
    assert all(" — " in line for line in lines)
    assert any("text-merge conflict markers" in line and "nbteam init" in line for line in lines)
    assert _state(bob) == before
    assert not git(bob, "config", "--get", "merge.nbteam.driver", check=False).stdout  # still never ran init


def test_rev_checks_only_what_the_range_changed_in_its_final_state(team):
    _, bob, steps = team
    p = nbteam("check", "--rev", f"{steps['start']}..{steps['outputs']}", cwd=bob)
    assert p.returncode == 1 and set(_named(p.stdout)) == {"analysis.ipynb"}, p.stdout
    p = nbteam("check", "--rev", f"{steps['text']}..{steps['cells']}", cwd=bob)
    assert p.returncode == 1 and set(_named(p.stdout)) == {"conflict.ipynb"}, p.stdout
    p = nbteam("check", "--rev", f"{steps['outputs']}..{steps['text']}", "report.ipynb", cwd=bob)
    assert set(_named(p.stdout)) == {"report.ipynb"}, p.stdout
    # Fixed at the end of a range: the range's final state is clean.
    write_nb(bob / "analysis.ipynb", make_nb("x = 1", "y = 2", "z = 3"))
    git(bob, "commit", "-qam", "cleared")
    p = nbteam("check", "--rev", f"{steps['start']}..HEAD", "analysis.ipynb", cwd=bob)
    assert p.returncode == 0 and p.stdout == "", p.stdout


def test_where_the_filter_is_set_up_check_reads_what_git_stores(team):
    lead, bob, _ = team
    for clone in (lead, bob):
        write_nb(clone / "notes.ipynb", _with_outputs(make_nb("x = 1", "y = 2", "z = 3"), 1))
    assert nbteam("check", "notes.ipynb", cwd=lead).returncode == 0  # the filter strips them on `git add`
    git(lead, "add", "notes.ipynb")
    assert nbteam("check", "--staged", cwd=lead).returncode == 0
    p = nbteam("check", "notes.ipynb", cwd=bob)
    assert p.returncode == 1 and p.stdout.startswith("notes.ipynb: cell 2: holds outputs"), p.stdout
    git(bob, "add", "notes.ipynb")
    p = nbteam("check", "--staged", cwd=bob)
    assert p.returncode == 1 and set(_named(p.stdout)) == {"notes.ipynb"}


def test_keep_outputs_repository_does_not_flag_outputs(repo):
    (repo / ".nbteam.toml").write_text("keep_outputs = true\n")
    write_nb(repo / "nb.ipynb", _with_outputs(make_nb("x = 1"), 0))
    assert nbteam("check", cwd=repo).returncode == 0
    (repo / ".nbteam.toml").write_text("keep_outputs = false\n")
    assert nbteam("check", cwd=repo).returncode == 1


def test_invalid_notebooks_and_bad_usage(repo):
    (repo / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    nb = make_nb("x = 1")
    del nb["cells"][0]["outputs"]
    write_nb(repo / "invalid.ipynb", nb)
    write_nb(repo / "ok.ipynb", make_nb("x = 1"))
    p = nbteam("check", cwd=repo)
    assert p.returncode == 1
    assert _named(p.stdout) == {"broken.ipynb": {""}, "invalid.ipynb": {"cell 1"}}, p.stdout
    assert "not valid JSON" in p.stdout and "'outputs' is a required property" in p.stdout
    assert nbteam("check", "--staged", "--rev", "a..b", cwd=repo).returncode == 2
    for args in (["--rev", "main"], ["--rev", "nope..HEAD"], ["missing.ipynb"]):
        p = nbteam("check", *args, cwd=repo)
        assert p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "Traceback" not in p.stderr, (args, p.stderr)


def test_check_outside_a_repository_reads_files_as_they_are(tmp_path):
    write_nb(tmp_path / "a.ipynb", _with_outputs(make_nb("x = 1"), 0))
    p = nbteam("check", ".", cwd=tmp_path)
    assert p.returncode == 1 and "a.ipynb: cell 1: holds outputs" in p.stdout


def test_setup_check_fails_until_init_ran(repo):
    p = nbteam("check", "--setup", cwd=repo)
    assert p.returncode == 1 and p.stdout.count("\n") == 1 and p.stdout.rstrip().endswith("run `nbteam init`")
    assert nbteam("init", cwd=repo).returncode == 0
    p = nbteam("check", "--setup", cwd=repo)
    assert p.returncode == 0, p.stdout


# --- pull requests -----------------------------------------------------------------------------------

def _pull_request(tmp_path: Path, theirs_cell: str, ours_cell: str, edit: bool = False) -> tuple[Path, dict]:
    """Bob (no init) on branch feature and origin/main, each adding (or, with edit, changing) a cell."""
    origin, lead = _origin(tmp_path)
    write_nb(lead / "nb.ipynb", make_nb("a = 1", "b = 2", "c = 3"))
    write_nb(lead / "other.ipynb", make_nb("q = 1"))
    git(lead, "add", "-A")
    git(lead, "commit", "-qm", "base")
    git(lead, "push", "-qu", "origin", "main")
    bob = _clone(origin, tmp_path / "bob")
    git(bob, "checkout", "-qb", "feature")

    def change(nb: dict, text: str, cell_id: str) -> dict:
        if edit:
            nb["cells"][1]["source"] = text
        else:
            nb["cells"].append({**make_nb(text)["cells"][0], "id": cell_id})
        return nb

    main = change(make_nb("a = 1", "b = 2", "c = 3"), theirs_cell, "m1")
    _with_outputs(main, 0)  # committed from a clone without the filter
    write_nb(lead / "nb.ipynb", main)
    git(lead, "commit", "-qam", "main's change")
    git(lead, "push", "-q")
    write_nb(bob / "nb.ipynb", change(make_nb("a = 1", "b = 2", "c = 3"), ours_cell, "f1"))
    git(bob, "commit", "-qam", "feature's change")
    git(bob, "fetch", "-q")
    return bob, {"feature": git(bob, "rev-parse", "HEAD").stdout.strip(),
                 "main": git(bob, "rev-parse", "origin/main").stdout.strip()}


def test_pr_check_predicts_a_merge_plain_git_conflicts_on_and_changes_nothing(tmp_path, git_env):
    bob, _ = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    assert git(bob, "merge-tree", "--write-tree", "HEAD", "origin/main", check=False).returncode == 1  # plain git
    before = _state(bob)
    p = nbteam("pr", "check", "origin/main", cwd=bob)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "| `nb.ipynb` | conflict (content) | merges cleanly |" in p.stdout, p.stdout
    assert "other.ipynb" not in p.stdout
    assert _state(bob) == before
    p = nbteam("pr", "check", "origin/main", "feature", cwd=bob)
    assert p.returncode == 0 and "into `feature`" in p.stdout


def test_pr_merge_commits_the_merge_with_both_parents_and_no_outputs(tmp_path, git_env):
    bob, ids = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    p = nbteam("pr", "merge", "origin/main", cwd=bob)
    assert p.returncode == 0, p.stdout + p.stderr
    assert git(bob, "rev-parse", "HEAD^1", "HEAD^2").stdout.split() == [ids["feature"], ids["main"]]
    assert git(bob, "log", "-1", "--format=%s").stdout.strip() == "Merge remote-tracking branch 'origin/main' into feature"
    merged = json.loads(git(bob, "show", "HEAD:nb.ipynb").stdout)
    assert ["".join(c["source"]) for c in merged["cells"]][3:] == ["import os\nprint(os.getcwd())", "d = 4"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in merged["cells"])
    assert git(bob, "status", "--porcelain").stdout == ""
    assert git(bob, "config", "--get", "merge.nbteam.driver", check=False).stdout == ""  # set for one command only
    assert nbteam("pr", "merge", "origin/main", cwd=bob).returncode == 0  # already merged: nothing to do
    assert git(bob, "rev-parse", "HEAD^2").stdout.strip() == ids["main"]


def test_a_real_cell_conflict_needs_a_person_and_nothing_is_half_done(tmp_path, git_env):
    bob, ids = _pull_request(tmp_path, "b = 20", "b = 30", edit=True)
    before = _state(bob)
    p = nbteam("pr", "check", "origin/main", cwd=bob)
    assert p.returncode == 1
    assert "| `nb.ipynb` | conflict (content) | needs a person: cell 2: source |" in p.stdout, p.stdout
    p = nbteam("pr", "merge", "origin/main", cwd=bob)
    assert p.returncode == 1 and "Nothing was merged" in p.stderr
    assert _state(bob) == before
    assert git(bob, "rev-parse", "HEAD").stdout.strip() == ids["feature"]
    assert not (bob / ".git" / "MERGE_HEAD").exists()


def test_pr_bad_revision_is_one_line(tmp_path, git_env):
    bob, _ = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    p = nbteam("pr", "check", "no-such-branch", cwd=bob)
    assert p.returncode == 2 and p.stderr.strip() == "nbteam pr: 'no-such-branch' is not a commit"


def test_pr_merge_if_needed_merges_only_what_plain_git_cannot(tmp_path, git_env):
    bob, ids = _pull_request(tmp_path, "b = 20", "c = 30", edit=True)
    git(bob, "checkout", "HEAD~1", "--", "nb.ipynb")  # back to the base: plain git merges it
    git(bob, "commit", "-qm", "feature: back to the base")
    head = git(bob, "rev-parse", "HEAD").stdout.strip()
    p = nbteam("pr", "merge", "--if-needed", "origin/main", cwd=bob)
    assert p.returncode == 0 and "no merge commit made" in p.stdout, p.stdout + p.stderr
    assert git(bob, "rev-parse", "HEAD").stdout.strip() == head
    p = nbteam("pr", "merge", "origin/main", cwd=bob)
    assert p.returncode == 0 and git(bob, "rev-parse", "HEAD^2").stdout.strip() == ids["main"]


def test_pr_merge_in_a_set_up_clone_keeps_the_working_copy_outputs_out_of_the_commit(tmp_path, git_env):
    bob, ids = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    assert nbteam("init", cwd=bob).returncode == 0
    git(bob, "add", "-A")
    git(bob, "commit", "-qm", "init")  # .gitattributes and settings as init wrote them
    ran = json.loads((bob / "nb.ipynb").read_text())
    write_nb(bob / "nb.ipynb", _with_outputs(ran, 1))  # Bob ran his notebook: outputs in the working copy only
    os.utime(bob / "nb.ipynb", (1_000_000_000, 1_000_000_000))  # git's racy check never decides this test
    p = nbteam("pr", "merge", "origin/main", cwd=bob)
    assert p.returncode == 0, p.stdout + p.stderr
    merged = json.loads(git(bob, "show", "HEAD:nb.ipynb").stdout)
    assert len(merged["cells"]) == 5 and all(not c["outputs"] for c in merged["cells"])
    assert git(bob, "status", "--porcelain").stdout == ""
    assert json.loads((bob / "nb.ipynb").read_text())["cells"][1]["outputs"]  # nbteam's hooks gave them back


def test_pr_check_without_nbteam_in_gitattributes(tmp_path, git_env):
    """A repository whose attributes never name the driver: pr check still merges notebooks with it."""
    bob, _ = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    git(bob, "rm", "-q", "--cached", ".gitattributes")
    (bob / ".gitattributes").unlink()
    git(bob, "commit", "-qm", "no attributes")
    p = nbteam("pr", "check", "origin/main", cwd=bob)
    assert p.returncode == 0 and "| `nb.ipynb` | conflict (content) | merges cleanly |" in p.stdout, p.stdout


# --- the pure checks -----------------------------------------------------------------------------------

from nbteam.team.check import Kind, check_notebook, setup_findings, text_marker_line  # noqa: E402


@pytest.mark.parametrize("size", [3, 7, 12])
def test_text_merge_markers_of_any_size_are_found(size):
    text = '{\n "cells": [],\n' + "<" * size + " HEAD\n x\n" + "=" * size + "\n y\n" + ">" * size + " b\n}\n"
    assert text_marker_line(text) == 3
    [finding] = check_notebook("nb.ipynb", text.encode())
    assert finding.kind is Kind.TEXT_MARKERS and finding.line().startswith("nb.ipynb: text-merge conflict markers")


def test_json_lines_are_never_taken_for_markers():
    data = (json.dumps(make_nb("<<<<<<< not a marker\n"), indent=1) + "\n").encode()
    assert text_marker_line(data.decode()) is None
    assert check_notebook("nb.ipynb", data) == []  # one marker line alone is no conflict block


def test_notebooks_the_filter_or_driver_cannot_handle():
    future = json.dumps({**make_nb("x = 1"), "nbformat": 5}).encode()
    kinds = {f.kind for f in check_notebook("nb.ipynb", future, validate=False)}
    assert Kind.DRIVER in kinds and Kind.FILTER in kinds
    nested = ('{"cells": [], "metadata": {"a": ' + "[" * 100000 + "]" * 100000 + '}, "nbformat": 4, '
              '"nbformat_minor": 5}').encode()
    [finding] = check_notebook("deep.ipynb", nested, validate=False)
    assert finding.kind is Kind.NOT_JSON and "nested too deeply" in finding.what
    [finding] = check_notebook("latin.ipynb", b'{"cells": [], "x": "\xe9"}', validate=False)
    assert finding.kind is Kind.NOT_JSON and "UTF-8" in finding.what


def test_filtered_content_is_what_is_checked():
    data = json.dumps(_with_outputs(make_nb("x = 1"), 0)).encode()
    assert [f.kind for f in check_notebook("nb.ipynb", data)] == [Kind.OUTPUTS]
    assert check_notebook("nb.ipynb", data, filtered=True) == []
    assert check_notebook("nb.ipynb", data, keep_outputs=True) == []


def test_a_registered_interpreter_that_is_gone_is_a_finding():
    from nbteam.integration.registry import command

    values = {key: command(key, "/gone/python") for key in ("merge.nbteam.driver", "filter.nbteam.process")}
    values["diff.nbteam.textconv"] = command("diff.nbteam.textconv", "/gone/python")
    found = setup_findings(values, lambda p: not p.startswith("/gone"), keep_outputs=False, require=False)
    assert len(found) == 3 and all("/gone/python, which is missing" in f.what for f in found)
    assert setup_findings({}, lambda p: True, keep_outputs=False, require=False) == []
    [missing] = setup_findings({}, lambda p: True, keep_outputs=True)
    assert "filter" not in missing.what and missing.fix == "run `nbteam init`"


def test_pr_merge_refused_by_git_leaves_branch_and_local_changes_alone(tmp_path, git_env):
    bob, ids = _pull_request(tmp_path, "d = 4", "import os\nprint(os.getcwd())")
    write_nb(bob / "nb.ipynb", make_nb("a = 1", "b = 2", "local work"))  # not committed
    before = _state(bob)
    p = nbteam("pr", "merge", "origin/main", cwd=bob)
    assert p.returncode == 2 and p.stderr.startswith("nbteam pr: git refused to move feature"), p.stderr
    assert len(p.stderr.splitlines()) == 1
    assert _state(bob) == before and git(bob, "rev-parse", "HEAD").stdout.strip() == ids["feature"]
