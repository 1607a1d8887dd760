"""Nothing escapes: every path nbteam's scratch tools write is checked on its real path; writes are
all-or-nothing, the manifest is updated under a lock, and what was shown is re-checked."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from nbteam.config import Config
from nbteam.git.paths import UnsafePathError, safe_write_path
from nbteam.scratch.manifest import read_manifest
from nbteam.scratch.guards import ChangedSinceShownError, ScratchContext
from nbteam.scratch.promote import PromotionPlan, plan_notebook
from nbteam.scratch.scan import scan_worktree
from nbteam.scratch.writes import WorkTreeWrites, WriteError

ADA = "scratch/ada/explore.ipynb"


def commit_all(repo: Path, message: str = "setup") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def tree_snapshot(path: Path) -> dict[str, bytes]:
    """Every file under path (not following symlinks) with its bytes."""
    out = {}
    for dirpath, _, files in os.walk(path):
        for name in files:
            full = Path(dirpath, name)
            if not full.is_symlink():
                out[str(full.relative_to(path))] = full.read_bytes()
    return out


# --- the real-path rule ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["config", "commondir", "hooks/post-checkout"])
def test_symlink_into_git_dir_is_refused_even_forced(repo, name):
    """The reviewer's attack: a committed `teamlib/gitlink -> ../.git` and a cell writing through it."""
    (repo / "teamlib").mkdir()
    (repo / "teamlib/gitlink").symlink_to("../.git")
    write_nb(repo / ADA, make_nb(f"%%writefile ../../teamlib/gitlink/{name}\n[core]\n\tfsmonitor = touch PWNED\n"))
    commit_all(repo)
    before = tree_snapshot(repo / ".git")
    [nb] = [n for n in scan_worktree(repo, Config())[0] if n.path == ADA]
    assert nb.cells[0].state == "invalid" and "inside the git directory" in (nb.cells[0].error or "")
    for extra in ([], ["--force"]):
        p = nbteam("promote", ADA, *extra, cwd=repo)
        assert p.returncode == 2, p.stdout
        assert p.stderr.count("\n") == 1 and "inside the git directory" in p.stderr and "Traceback" not in p.stderr
    after = tree_snapshot(repo / ".git")
    assert {k: v for k, v in after.items() if k != "nbteam-manifest.lock"} == before
    git(repo, "status")
    assert not (repo / "PWNED").exists()


def test_git_dir_of_a_linked_worktree_and_its_common_dir_are_refused(repo, tmp_path):
    write_nb(repo / "a.ipynb", make_nb("x"))
    commit_all(repo)
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(wt))
    gitdir = Path(git(wt, "rev-parse", "--git-dir").stdout.strip())
    (wt / "in_gitdir").symlink_to(gitdir)
    (wt / "in_common").symlink_to(repo / ".git")
    for rel in ("in_gitdir/config", "in_common/config", "in_common/modules/sub/config"):
        with pytest.raises(UnsafePathError, match="git directory"):
            safe_write_path(wt, rel)
    assert safe_write_path(wt, "teamlib/new.py") == wt.resolve() / "teamlib/new.py"


@pytest.mark.parametrize("rel, words", [
    ("", "not a file name"),
    (".", "not a file name"),
    ("a\0b.py", "NUL"),
    ("x" * 300 + ".py", "too long"),
    ("teamlib", "is a directory"),
    ("teamlib/mod.py/inner.py", "mod.py is a file"),
    ("link.py", "is a symlink"),
    ("../outside.py", "outside the work tree"),
    (".git/config", "git directory"),
    ("sub/.GIT/config", "git directory"),
])
def test_safe_write_path_refusals(repo, rel, words):
    (repo / "teamlib").mkdir()
    (repo / "teamlib/mod.py").write_text("x\n")
    (repo / "link.py").symlink_to("teamlib/mod.py")
    with pytest.raises(UnsafePathError, match=words):
        safe_write_path(repo, rel)


@pytest.mark.parametrize("what", [".nbteam", ".nbteam/promotions.jsonl", ".nbteam/.gitattributes"])
def test_manifest_committed_as_symlink_to_outside_is_refused(repo, tmp_path, what):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "promotions.jsonl").write_text("")
    if what == ".nbteam":
        (repo / ".nbteam").symlink_to("../outside")
    else:
        (repo / ".nbteam").mkdir()
        (repo / what).symlink_to(f"../../outside/{Path(what).name}")
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/f.py\nA = 1\n"))
    commit_all(repo)
    before = tree_snapshot(outside)
    p = nbteam("promote", ADA, "--force", cwd=repo)
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stdout + p.stderr
    assert "symlink" in p.stderr or "outside the work tree" in p.stderr
    assert tree_snapshot(outside) == before
    assert not (repo / "teamlib/f.py").exists()  # no module written without its manifest record


def test_scratch_folder_committed_as_symlink_to_outside_is_refused(repo, tmp_path):
    (tmp_path / "outside").mkdir()
    (repo / "scratch").mkdir()
    (repo / "scratch/ada").symlink_to("../../outside")
    commit_all(repo)
    p = nbteam("scratch", "new", "explore", "--user", "ada", cwd=repo)
    assert p.returncode == 2 and "outside the work tree" in p.stderr and p.stderr.count("\n") == 1
    assert list((tmp_path / "outside").iterdir()) == []


@pytest.mark.parametrize("target, words", [
    ("../../teamlib", "is a directory"),
    ('""', "not a file name"),
    (".", "not a file name"),
    ("../../teamlib/mod.py/x.py", "is a file, not a directory"),
    ("x" * 300 + ".py", "too long"),
    ("'a\0b.py'", "NUL"),
])
def test_odd_promotion_targets_are_one_line_errors(repo, target, words):
    (repo / "teamlib").mkdir()
    (repo / "teamlib/mod.py").write_text("M = 1\n")
    write_nb(repo / ADA, make_nb(f"%%writefile {target}\nA = 1\n"))
    before = tree_snapshot(repo)
    p = nbteam("promote", ADA, cwd=repo)
    assert p.returncode == 2, p.stdout + p.stderr
    assert p.stderr.count("\n") == 1 and words in p.stderr and "Traceback" not in p.stderr
    assert tree_snapshot(repo) == before


# --- all or nothing, under a lock ----------------------------------------------------------------

def test_eight_concurrent_promotions_are_all_recorded(repo):
    for n in range(8):
        write_nb(repo / f"scratch/ada/nb{n}.ipynb", make_nb(f"%%writefile ../../teamlib/m{n}.py\nN = {n}\n"))
    procs = [subprocess.Popen([sys.executable, "-m", "nbteam", "promote", f"scratch/ada/nb{n}.ipynb"], cwd=repo,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for n in range(8)]
    for p in procs:
        assert p.wait() == 0, p.stderr.read() if p.stderr else ""
    records = read_manifest(repo, ".nbteam/promotions.jsonl")
    assert sorted(r.target for r in records.values()) == [f"teamlib/m{n}.py" for n in range(8)]


def test_a_failed_write_undoes_the_earlier_ones(repo):
    (repo / "teamlib").mkdir()
    (repo / "teamlib/a.py").write_text("old\n")
    writes = WorkTreeWrites(repo)
    writes.add("teamlib/a.py", "new\n")
    writes.add("later/b.py", "b\n")
    (repo / "later").write_text("a file where a folder should be, appearing after the checks\n")
    with pytest.raises(WriteError, match="cannot write later/b.py.*nothing was changed"):
        writes.commit()
    assert (repo / "teamlib/a.py").read_text() == "old\n"


def test_module_changed_since_shown_is_refused(repo):
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/f.py\nA = 1\n"))
    plan_notebook(ScratchContext(repo, Config(), "ada"), ADA).apply()
    (repo / ADA).write_text((repo / ADA).read_text().replace("A = 1", "A = 2"))
    [nb] = scan_worktree(repo, Config())[0]
    cell = nb.cells[0]
    shown = cell.plan.old_text if cell.plan else None
    (repo / "teamlib/f.py").write_text("A = 1\nHAND = 'edited while the diff was on screen'\n")
    with pytest.raises(ChangedSinceShownError, match="teamlib/f.py changed since it was shown"):
        PromotionPlan(ScratchContext(repo, Config(), "ada"), ADA, [cell], True, [], {"teamlib/f.py": shown}).apply()
    assert "HAND" in (repo / "teamlib/f.py").read_text()


def test_cell_changed_since_shown_is_refused(repo):
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/f.py\nA = 1\n"))
    [nb] = scan_worktree(repo, Config())[0]
    nbj = json.loads((repo / ADA).read_text())
    nbj["cells"][0]["source"] = "%%writefile ../../teamlib/f.py\nA = 'edited after the diff was drawn'\n"
    (repo / ADA).write_text(json.dumps(nbj))
    with pytest.raises(ChangedSinceShownError, match="cell 1 \\(c0\\) of scratch/ada/explore.ipynb changed"):
        PromotionPlan(ScratchContext(repo, Config(), "ada"), ADA, nb.cells, False, [], {}).apply()
    assert not (repo / "teamlib").exists()
