"""Module edits flow back to the cell (`promote --update`), and promoting from someone else's scratchpad."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from nbteam.config import Config
from nbteam.scratch.manifest import read_manifest
from nbteam.scratch.guards import OwnershipError, ScratchContext
from nbteam.scratch.promote import plan_notebook
from nbteam.scratch.scan import scan_worktree
from nbteam.scratch.update import UpdateResult, merge_module_edits

ADA = "scratch/ada/features.ipynb"
FEATURES = "teamlib/features.py"
BODY = "def add_one(x):\n    return x + 1\n\n\ndef scale(x):\n    return x * 2\n"


def cell_source(repo: Path, notebook: str, index: int) -> str:
    return "".join(json.loads((repo / notebook).read_text())["cells"][index]["source"])


def set_cell(repo: Path, notebook: str, index: int, source: str) -> None:
    nb = json.loads((repo / notebook).read_text())
    nb["cells"][index]["source"] = source
    (repo / notebook).write_text(json.dumps(nb, indent=1) + "\n")


def states(repo: Path) -> dict[str, str]:
    return {c.key: str(c.state) for n in scan_worktree(repo, Config())[0] for c in n.promotable()}


@pytest.fixture
def promoted(repo: Path) -> Path:
    """Ada promoted a features cell, committed; Grace then edits the module by hand and commits."""
    write_nb(repo / ADA, make_nb("import pandas as pd", "%%writefile ../../teamlib/features.py\n" + BODY))
    assert nbteam("promote", ADA, "--stage", cwd=repo).returncode == 0
    git(repo, "commit", "-qm", "ada promotes features")
    return repo


def grace_edits(repo: Path, text: str) -> None:
    (repo / FEATURES).write_text(text)
    git(repo, "add", FEATURES)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Grace Hopper", "GIT_AUTHOR_EMAIL": "grace@example.com"}
    git(repo, "commit", "-qm", "grace: scale by three", env=env)


def test_update_after_a_teammates_hand_edit_clean(promoted):
    repo = promoted
    grace_edits(repo, BODY.replace("x * 2", "x * 3"))
    assert states(repo)["c1"] == "module changed"
    # Ada also edited her cell meanwhile, elsewhere: both edits survive.
    set_cell(repo, ADA, 1, "%%writefile ../../teamlib/features.py\n" + BODY.replace("x + 1", "x + 1  # inc"))
    p = nbteam("promote", ADA, "--cell", "c1", cwd=repo)
    assert p.returncode == 1 and "last changed by Grace Hopper in commit" in p.stdout  # refusal names who and where
    p = nbteam("promote", ADA, "--update", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "merged: merged the edits of teamlib/features.py into the cell, and the cell's own edits" in p.stdout
    both = BODY.replace("x + 1", "x + 1  # inc").replace("x * 2", "x * 3")
    assert cell_source(repo, ADA, 1) == "%%writefile ../../teamlib/features.py\n" + both
    assert (repo / FEATURES).read_text() == both
    assert states(repo)["c1"] == "in sync"


def test_update_takes_the_module_when_the_cell_is_unchanged(promoted):
    repo = promoted
    grace_edits(repo, BODY + "\n\ndef clip(x):\n    return max(x, 0)\n")
    before = (repo / FEATURES).read_text()
    p = nbteam("promote", ADA, "--update", "--cell", "2", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "+def clip(x):" in p.stdout  # the cell's diff is shown
    assert cell_source(repo, ADA, 1).endswith("def clip(x):\n    return max(x, 0)\n")
    assert (repo / FEATURES).read_text() == before  # the module is not touched
    assert states(repo)["c1"] == "in sync"
    [record] = read_manifest(repo, ".nbteam/promotions.jsonl").values()
    assert git(repo, "cat-file", "-p", record.blob).stdout == before  # the next base, in git's objects


def test_update_conflict_goes_into_the_cell_and_leaves_the_module(promoted):
    repo = promoted
    grace_edits(repo, BODY.replace("x * 2", "x * 3"))
    set_cell(repo, ADA, 1, "%%writefile ../../teamlib/features.py\n" + BODY.replace("x * 2", "x * 4"))
    module = (repo / FEATURES).read_text()
    p = nbteam("promote", ADA, "--update", cwd=repo)
    assert p.returncode == 1
    assert "conflict: 1 conflict(s) marked in the cell; teamlib/features.py left as it is" in p.stdout
    source = cell_source(repo, ADA, 1)
    assert "<<<<<<< cell\n    return x * 4\n=======\n    return x * 3\n>>>>>>> teamlib/features.py\n" in source
    assert (repo / FEATURES).read_text() == module
    assert states(repo)["c1"] == "invalid"  # markers are never promoted
    p = nbteam("promote", ADA, cwd=repo)
    assert p.returncode == 2 and "unresolved conflict markers" in p.stderr
    # Resolved by taking both ideas: the module's edit is accounted for, so promoting is not refused.
    set_cell(repo, ADA, 1, "%%writefile ../../teamlib/features.py\n" + BODY.replace("x * 2", "x * 3 + 1"))
    assert states(repo)["c1"] == "cell changed"
    assert nbteam("promote", ADA, cwd=repo).returncode == 0
    assert (repo / FEATURES).read_text() == BODY.replace("x * 2", "x * 3 + 1")


def test_update_without_module_edits_changes_nothing(promoted):
    repo = promoted
    before = (repo / ADA).read_bytes()
    p = nbteam("promote", ADA, "--update", cwd=repo)
    assert p.returncode == 0 and "unchanged" in p.stdout
    assert (repo / ADA).read_bytes() == before


def test_merge_module_edits_matches_git_merge_file(tmp_path):
    base, cell, module = "a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nc\nD\n"
    merged, conflicts = merge_module_edits(base, cell, module, "m.py")
    for name, text in (("base", base), ("cell", cell), ("module", module)):
        (tmp_path / name).write_text(text)
    p = subprocess.run(["git", "merge-file", "-p", str(tmp_path / "cell"), str(tmp_path / "base"), str(tmp_path / "module")],
                       capture_output=True, text=True)
    assert (merged, conflicts) == (p.stdout, p.returncode)


# --- ownership -------------------------------------------------------------------------------

GRACE = "scratch/grace/cleaning.ipynb"


def test_promoting_from_someone_elses_scratchpad_needs_confirmation(repo):
    write_nb(repo / GRACE, make_nb("%%writefile ../../teamlib/cleaning.py\nC = 1\n"))
    with pytest.raises(OwnershipError, match="is grace's scratchpad; promoting from it as ada needs confirmation"):
        plan_notebook(ScratchContext(repo, Config(), "ada"), GRACE).apply()
    p = nbteam("promote", GRACE, cwd=repo)  # no terminal: no prompt, a refusal
    assert p.returncode == 2 and "needs confirmation (--yes" in p.stderr
    assert not (repo / "teamlib").exists()
    assert nbteam("promote", GRACE, "--dry-run", cwd=repo).returncode == 0  # looking needs no confirmation
    p = nbteam("promote", GRACE, "--yes", cwd=repo)
    assert p.returncode == 0 and "for grace" in p.stdout
    [record] = read_manifest(repo, ".nbteam/promotions.jsonl").values()
    assert (record.user, record.owner) == ("ada", "grace")


@pytest.mark.parametrize("answer, code", [("y\n", 0), ("n\n", 2)])
def test_ownership_prompt_on_a_terminal(repo, answer, code):
    write_nb(repo / GRACE, make_nb("%%writefile ../../teamlib/cleaning.py\nC = 1\n"))
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "nbteam", "promote", GRACE], cwd=repo, stdin=slave, stderr=slave,
                            stdout=subprocess.PIPE, text=True)
    os.close(slave)
    prompt = b""
    while b"[y/N]" not in prompt:
        prompt += os.read(master, 1024)
    assert b"grace's scratchpad: promote from it as ada?" in prompt
    os.write(master, answer.encode())
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == code, out
    assert (repo / "teamlib/cleaning.py").exists() == (code == 0)


def test_update_with_an_older_manifest_uses_the_unchanged_cell_as_base(promoted):
    """Records written before bases were kept have no blob: an unchanged cell is the text last promoted."""
    repo = promoted
    manifest = repo / ".nbteam/promotions.jsonl"
    lines = [json.loads(line) for line in manifest.read_text().splitlines()]
    manifest.write_text("".join(json.dumps({k: v for k, v in d.items() if k not in ("blob", "owner")}) + "\n"
                                for d in lines))
    grace_edits(repo, BODY.replace("x * 2", "x * 3"))
    p = nbteam("promote", ADA, "--update", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert cell_source(repo, ADA, 1).endswith("x * 3\n")
