"""Helpers for the tests of outputs kept in the working copy: set-up repos, 'run' notebooks, read outputs."""
from __future__ import annotations

import json
from pathlib import Path

from helpers import git, make_nb, nbteam, write_nb


def init_repo(path: Path) -> None:
    """`nbteam init` in an existing repository (hooks, filter, drivers), failing loudly."""
    p = nbteam("init", cwd=path)
    assert p.returncode == 0, p.stderr


def new_repo(path: Path) -> Path:
    """A repository on main with nbteam set up and one committed notebook: cells a, b, c (ids c0-c2)."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    init_repo(path)
    write_nb(path / "nb.ipynb", make_nb("a", "b", "c"))
    git(path, "add", "-A")
    git(path, "commit", "-qm", "base")
    return path


def commit_sources(repo: Path, *sources: str, message: str = "edit") -> None:
    """Rewrite nb.ipynb with these sources (same ids), without outputs, and commit it."""
    write_nb(repo / "nb.ipynb", make_nb(*sources))
    git(repo, "commit", "-qam", message)


def run_notebook(repo: Path, tag: str = "run", jupyter: bool = True) -> None:
    """What running every cell and saving does: outputs and counts change, sources do not.

    jupyter: saved by Jupyter, whose nbteam extension then marks the notebook for a content check
    (the same call the extension makes; tests/test_jupyter_save.py runs it in a real server).
    Without it, the file changes as any other editor would change it.
    """
    path = repo / "nb.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for n, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] == "code":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": [f"{tag}: {text}\n"]}]
            cell["execution_count"] = n
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    if jupyter:
        from nbteam.workcopy.jupyter import saved

        saved(str(path))


def outputs_by_source(path: Path) -> dict[str, list[str]]:
    """{cell source: the stream texts of its outputs} for a notebook file."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        out[src] = ["".join(o.get("text", "")) for o in cell.get("outputs", [])]
    return out


def committed_has_no_outputs(repo: Path, rev: str = "HEAD") -> bool:
    """True if the notebook stored at rev has no outputs and no execution counts."""
    nb = json.loads(git(repo, "show", f"{rev}:nb.ipynb").stdout)
    return all(not c.get("outputs") and c.get("execution_count") is None for c in nb["cells"])


def status(repo: Path) -> str:
    return git(repo, "status", "--porcelain").stdout


def branch_with(repo: Path, branch: str, *sources: str) -> None:
    """Commit these sources on a new branch, then go back to where we were."""
    here = git(repo, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    git(repo, "checkout", "-qb", branch)
    commit_sources(repo, *sources, message=f"{branch}: edit")
    git(repo, "checkout", "-q", here)


def run_status_run(repo: Path, tag: str) -> None:
    """Run the notebook, let `git status` record its size in the index, run it again (tagging outputs)."""
    run_notebook(repo, "before")
    git(repo, "status")
    run_notebook(repo, tag)


def assert_kept(repo: Path, expected: dict[str, list[str]]) -> None:
    """The working copy has exactly these outputs, git status is clean, and HEAD has no outputs."""
    assert outputs_by_source(repo / "nb.ipynb") == expected
    assert status(repo) == ""
    assert committed_has_no_outputs(repo)


def save_in_jupyter(repo: Path, nb: dict) -> None:
    """Save nb.ipynb as Jupyter would, its nbteam extension marking it (see run_notebook)."""
    from nbteam.workcopy.jupyter import saved

    write_nb(repo / "nb.ipynb", nb)
    saved(str(repo / "nb.ipynb"))


def conflicted_after_a_run(path: Path, run=run_notebook) -> Path:
    """A new repository where ours and branch `feature` both changed cell c, nb.ipynb was run
    (`run`), and `git merge feature` stopped on that conflict with nbteam's outputs put back."""
    repo = new_repo(path)
    branch_with(repo, "feature", "a", "b", "c theirs")
    commit_sources(repo, "a", "b", "c ours")
    run(repo)
    assert git(repo, "merge", "feature", check=False).returncode == 1
    assert outputs_by_source(repo / "nb.ipynb")["a"] == ["run: a\n"]  # nbteam put them back
    return repo

