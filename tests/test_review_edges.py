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
