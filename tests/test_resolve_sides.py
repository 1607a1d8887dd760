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


def test_two_drafts_of_a_section_conflict_and_resolve_as_blocks(repo):
    """The review's case through a real `git merge`: both add their own Quick start section at one place."""
    assert nbteam("init", cwd=repo).returncode == 0

    def nb(*cells):
        return {"cells": [{"cell_type": t, "metadata": {}, "source": s, **({"outputs": [], "execution_count": None}
                           if t == "code" else {})} for t, s in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}

    title, load = ("markdown", "# Sales report"), ("code", "df = load()")
    ours = [("markdown", "## Quick start\nInstall the requirements, then run the report."),
            ("code", "!pip install -r requirements.txt"), ("code", "!python report.py --month 3")]
    theirs = [("markdown", "## Quick start\nSet up the environment and run the report:"),
              ("code", "!pip install -r requirements.txt\n!pip install -e ."), ("code", "!python report.py")]
    p = merge_branches(repo, nb(title, load), nb(title, *ours, load), nb(title, *theirs, load), "report.ipynb")
    assert p.returncode == 1 and "merged, 1 conflict in cell 2" in p.stderr
    path = repo / "report.ipynb"
    sources = lambda: ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]  # noqa: E731
    assert sources() == ["# Sales report", "<<<<<<< HEAD (inserted cells)", *(s for _, s in ours), "=======",
                         *(s for _, s in theirs), ">>>>>>> other (inserted cells)", "df = load()"]
    listed = nbteam("conflicts", "report.ipynb", cwd=repo)
    assert (listed.returncode, listed.stdout) == (
        1, "report.ipynb: cell 2 (raw): insert/insert conflict: ## Quick start\n")
    saved = path.read_bytes()
    for side, block in (("--ours", ours), ("--theirs", theirs), ("--both", ours + theirs)):
        path.write_bytes(saved)
        assert nbteam("resolve", side, "report.ipynb", cwd=repo).returncode == 0
        assert sources() == ["# Sales report", *(s for _, s in block), "df = load()"], side
