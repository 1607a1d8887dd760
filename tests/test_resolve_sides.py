"""`nbteam resolve` after a real conflicted `git merge`, and with short markers from .gitattributes."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import git, make_nb, merge_branches, nbteam


def _conflicted_repo(repo: Path) -> Path:
    """A real `git merge` through nbteam's driver that stops on a conflict in analysis.ipynb."""
    assert nbteam("init", cwd=repo).returncode == 0
    p = merge_branches(repo, make_nb("import pandas as pd\n", "x = 1\n", "print(x)\n"),
                       make_nb("import pandas as pd  # ours\n", "x = 3\n", "print(x)\n"),
                       make_nb("import pandas as pd\n", "x = 2\n", "print(x)\n", "x * 2\n"), "analysis.ipynb")
    assert p.returncode == 1
    return repo / "analysis.ipynb"


def test_resolve_theirs_after_a_real_conflicted_merge(repo):
    nb = _conflicted_repo(repo)
    assert nbteam("conflicts", "analysis.ipynb", cwd=repo).returncode == 1
    p = nbteam("resolve", "--theirs", "--add", "analysis.ipynb", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "analysis.ipynb" in p.stdout and "theirs" in p.stdout
    sources = ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"]]
    # the clean change of ours (the comment) and of theirs (the new cell) stay; the conflict takes theirs
    assert sources == ["import pandas as pd  # ours\n", "x = 2\n", "print(x)\n", "x * 2\n"]
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout == ""
    assert nbteam("conflicts", "analysis.ipynb", cwd=repo).returncode == 0
    git(repo, "commit", "-qm", "merged")

def test_short_markers_from_gitattributes(repo):
    (repo / ".gitattributes").write_text("*.ipynb conflict-marker-size=5\n")
    shutil.copy(Path(__file__).parent / "golden" / "merge" / "same-lines-conflict" / "expected.ipynb", repo / "nb.ipynb")
    text = (repo / "nb.ipynb").read_text().replace("<<<<<<< ", "<<<<< ").replace('"=======', '"=====')
    (repo / "nb.ipynb").write_text(text.replace(">>>>>>> ", ">>>>> "))
    p = nbteam("resolve", "--ours", "nb.ipynb", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "<<<<<" not in (repo / "nb.ipynb").read_text()


def _heading_conflict(repo: Path) -> Path:
    """The review's case, through a real `git merge`: ours underlines `Results` with `=======`."""
    assert nbteam("init", cwd=repo).returncode == 0
    p = merge_branches(repo, make_nb("Results", cell_type="markdown"),
                       make_nb("Results\n=======\nmine", cell_type="markdown"),
                       make_nb("Results\nyours", cell_type="markdown"), "report.ipynb")
    assert p.returncode == 1
    return repo / "report.ipynb"


def test_a_side_holding_a_marker_line_gets_longer_markers_and_resolves_right(repo):
    nb = _heading_conflict(repo)
    source = "".join(json.loads(nb.read_text())["cells"][0]["source"])
    assert source == "Results\n<<<<<<<< HEAD\n=======\nmine\n========\nyours\n>>>>>>>> other\n"
    listed = nbteam("conflicts", "report.ipynb", cwd=repo)
    assert (listed.returncode, listed.stdout) == (1, "report.ipynb: cell 1 (markdown): source conflict: =======\n")
    git(repo, "add", "report.ipynb")
    refused = git(repo, "commit", "-qm", "merged", check=False)
    assert refused.returncode != 0 and "report.ipynb: cell 1 (markdown) has a source conflict" in refused.stderr
    saved = nb.read_bytes()
    for side, want in (("--ours", "Results\n=======\nmine\n"), ("--theirs", "Results\nyours\n"),
                       ("--both", "Results\n=======\nmine\nyours\n")):
        nb.write_bytes(saved)
        assert nbteam("resolve", side, "report.ipynb", cwd=repo).returncode == 0
        assert "".join(json.loads(nb.read_text())["cells"][0]["source"]) == want, side
