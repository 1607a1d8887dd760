"""`git mergetool` variants (issue 17 item 5): the tool's premerge writes markers of the size git
uses for the file (`conflict-marker-size`), so what it leaves is what resolve and the guard read."""
from __future__ import annotations

import json

import pytest

from helpers import git, make_nb, merge_branches, nbteam


@pytest.mark.parametrize("size", [4, 10])
def test_mergetool_with_a_marker_size_from_gitattributes_resolves(repo, size):
    assert nbteam("init", cwd=repo).returncode == 0
    (repo / ".gitattributes").write_text(f"*.ipynb merge=nbteam diff=nbteam filter=nbteam conflict-marker-size={size}\n")
    p = merge_branches(repo, make_nb("a\n", "x = 0\n"), make_nb("a\n", "x = 2\n"), make_nb("a\n", "x = 1\n"))
    assert p.returncode == 1
    # nbteam's registered tool command with a side, so no terminal is needed; git trusts its exit code
    command = git(repo, "config", "mergetool.nbteam.cmd").stdout.strip()
    git(repo, "config", "mergetool.sided.cmd", command + " --theirs")
    git(repo, "config", "mergetool.sided.trustExitCode", "true")
    p = git(repo, "mergetool", "--tool", "sided", "nb.ipynb", check=False)
    assert p.returncode == 0 and "resolved 1 conflict taking theirs" in p.stdout, p.stdout + p.stderr
    sources = ["".join(c["source"]) for c in json.loads((repo / "nb.ipynb").read_text())["cells"]]
    assert sources == ["a\n", "x = 1\n"]
