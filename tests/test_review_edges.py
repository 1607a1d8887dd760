"""Edge cases an adversarial reviewer tries against what landed for issue 9 (real git, the real CLI)."""
from __future__ import annotations

import os

from helpers import git, make_nb, merge_branches, nbteam


def test_resolve_does_not_write_through_a_committed_symlinked_folder(repo, tmp_path):
    """`out -> ../outside` committed in the repository: `nbteam resolve out/x.ipynb` names a path
    inside the work tree whose real path is outside it; refused, nothing written there."""
    assert nbteam("init", cwd=repo).returncode == 0
    assert merge_branches(repo, make_nb("a = 1\n"), make_nb("a = 3\n"), make_nb("a = 2\n")).returncode == 1
    outside = tmp_path / "outside"
    outside.mkdir()
    conflicted = (repo / "nb.ipynb").read_bytes()
    (outside / "x.ipynb").write_bytes(conflicted)
    os.symlink("../outside", repo / "out")
    for args in (["--theirs", "out/x.ipynb"], ["--base", "nb.ipynb", "--local", "nb.ipynb", "--remote",
                                               "nb.ipynb", "--ours", "out/x.ipynb"]):
        p = nbteam("resolve", *args, cwd=repo)
        assert p.returncode == 2 and "outside the work tree" in p.stderr, p.stderr
        assert "Traceback" not in p.stderr and len(p.stderr.splitlines()) == 1
        assert (outside / "x.ipynb").read_bytes() == conflicted
    assert git(repo, "status", "--porcelain").returncode == 0


def test_promote_force_never_overwrites_its_own_notebook_or_the_manifest(repo):
    """`%%writefile scratch.ipynb` (the cell's own notebook) or the manifest as target: --force would
    replace the notebook holding the cell (or the promotion records) by a module body; refused."""
    from helpers import write_nb

    assert nbteam("init", cwd=repo).returncode == 0
    for target in ("pad.ipynb", "../../.nbteam/promotions.jsonl", "./pad.ipynb"):
        pad = write_nb(repo / "scratch" / "ada" / "pad.ipynb", make_nb(f"%%writefile {target}\nx = 1\n"))
        before = pad.read_bytes()
        p = nbteam("promote", "--yes", "--force", "scratch/ada/pad.ipynb", cwd=repo)
        assert p.returncode == 2 and "nothing was promoted" in p.stderr, (target, p.stdout, p.stderr)
        assert "Traceback" not in p.stderr and len(p.stderr.splitlines()) == 1
        assert pad.read_bytes() == before
        assert not (repo / ".nbteam" / "promotions.jsonl").exists()


def test_commit_guard_honours_conflict_marker_size(repo):
    """`*.ipynb conflict-marker-size=5`: the merge writes `<<<<<` in a cell; the pre-commit guard
    must still refuse to commit it (it only looked for markers of 7)."""
    assert nbteam("init", cwd=repo).returncode == 0
    with open(repo / ".gitattributes", "a", encoding="utf-8") as f:
        f.write("*.ipynb conflict-marker-size=5\n")
    assert merge_branches(repo, make_nb("a = 1\n"), make_nb("a = 3\n"), make_nb("a = 2\n")).returncode == 1
    assert "<<<<< " in (repo / "nb.ipynb").read_text(encoding="utf-8")
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "-qm", "merged", check=False)
    assert p.returncode == 1 and "commit refused" in p.stderr and "nb.ipynb: cell 1" in p.stderr, p.stderr


def test_a_missing_dependency_is_one_line_not_a_traceback(tmp_path):
    """An interpreter that lacks pygit2 (e.g. a bare python beside the venv) gets one line naming it."""
    import subprocess
    import sys

    from helpers import ROOT

    git_dir = tmp_path / "r"
    subprocess.run(["git", "init", "-q", str(git_dir)], check=True)
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "pygit2.py").write_text("raise ModuleNotFoundError(\"No module named 'pygit2'\", name='pygit2')\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": f"{blocker}:{ROOT}"}
    # `scratch list --branches` reads other branches through pygit2 (init no longer needs it).
    p = subprocess.run([sys.executable, "-m", "nbteam", "scratch", "list", "--branches"], cwd=git_dir, env=env,
                       capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("nbteam scratch: ") and "cannot import pygit2" in p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.splitlines()) == 1
