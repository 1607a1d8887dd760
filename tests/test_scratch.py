"""`nbteam scratch new|list` in real repositories."""
from __future__ import annotations

import json

from helpers import git, make_nb, nbteam, write_nb
from nbteam.config import Config
from nbteam.scratch.scan import list_branches, scan_branch


def test_new_blank_scratchpad_for_git_user(repo):
    p = nbteam("scratch", "new", "explore", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("created scratch/ada/explore.ipynb")  # the local part of ada@example.com
    nb = json.loads((repo / "scratch/ada/explore.ipynb").read_text())
    assert nb["nbformat"] == 4 and nb["nbformat_minor"] >= 5
    assert [c["cell_type"] for c in nb["cells"]] == ["markdown", "code"]
    assert "%%writefile ../../teamlib/your_module.py" in "".join(nb["cells"][0]["source"])
    assert len({c["id"] for c in nb["cells"]}) == 2


def test_new_names_do_not_clobber(repo):
    assert nbteam("scratch", "new", "--user", "Grace Hopper", cwd=repo).returncode == 0
    assert nbteam("scratch", "new", "--user", "Grace Hopper", cwd=repo).returncode == 0
    assert sorted(p.name for p in (repo / "scratch/grace-hopper").iterdir()) == ["scratch-2.ipynb", "scratch.ipynb"]
    p = nbteam("scratch", "new", "scratch", "--user", "grace-hopper", cwd=repo)
    assert p.returncode == 2 and "scratch/grace-hopper/scratch.ipynb already exists" in p.stderr
    p = nbteam("scratch", "new", "../evil", cwd=repo)
    assert p.returncode == 2 and "not a usable notebook name" in p.stderr


def test_new_from_team_notebook_strips_outputs_keeps_ids_and_reaims_targets(repo):
    team = make_nb("import pandas as pd", "%%writefile teamlib/features.py\nA = 1\n", "%%writefile -a 'teamlib/my mod.py'\nB = 2\n")
    team["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "noise\n"}]
    team["cells"][0]["execution_count"] = 7
    write_nb(repo / "analysis.ipynb", team)
    p = nbteam("scratch", "new", "--from", "analysis.ipynb", "--user", "ada", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "created scratch/ada/analysis.ipynb" in p.stdout
    assert "%%writefile teamlib/features.py -> ../../teamlib/features.py" in p.stdout
    nb = json.loads((repo / "scratch/ada/analysis.ipynb").read_text())
    assert nb["cells"][0]["outputs"] == [] and nb["cells"][0]["execution_count"] is None
    assert [c["id"] for c in nb["cells"]] == ["c0", "c1", "c2"]  # kept, so cells can flow back
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert sources[1] == "%%writefile ../../teamlib/features.py\nA = 1\n"
    assert sources[2] == "%%writefile -a '../../teamlib/my mod.py'\nB = 2\n"
    # The re-aimed copy promotes to the same module the team notebook writes.
    p = nbteam("promote", "scratch/ada/analysis.ipynb", "--user", "ada", cwd=repo)
    assert p.returncode == 0, p.stdout
    assert (repo / "teamlib/features.py").read_text() == "A = 1\n"
    assert (repo / "teamlib/my mod.py").read_text() == "B = 2\n"


def test_list_empty_state_says_how_to_start(repo):
    p = nbteam("scratch", "list", cwd=repo)
    assert p.returncode == 0
    assert "No scratchpads under scratch/ yet" in p.stdout and "nbteam scratch new" in p.stdout
    write_nb(repo / "scratch/ada/x.ipynb", make_nb("x = 1"))
    p = nbteam("scratch", "list", "--user", "grace", cwd=repo)
    assert (p.returncode, p.stdout) == (0, "No scratchpads for grace under scratch/.\n")


def test_list_never_says_new_for_a_cell_promote_would_refuse(repo):
    (repo / "teamlib").mkdir()
    (repo / "teamlib/f.py").write_text("HAND = 1\n")
    write_nb(repo / "scratch/ada/x.ipynb", make_nb("%%writefile ../../teamlib/f.py\nA = 1\n"))
    data = json.loads(nbteam("scratch", "list", "--json", cwd=repo).stdout)
    assert data[0]["cells"][0]["state"] == "module changed"
    assert nbteam("promote", "scratch/ada/x.ipynb", cwd=repo).returncode == 1  # refused, as listed


def test_one_person_on_two_machines_gets_one_folder(repo, monkeypatch):
    """The user is `nbteam.user`, else the email's local part, else the name: not the name first."""
    from nbteam.config import email_user, resolve_user

    monkeypatch.delenv("NBTEAM_USER", raising=False)
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):  # they come before config, as for git
        monkeypatch.delenv(key)
    git(repo, "config", "user.name", "Ada King")  # the other machine spells the name differently
    assert resolve_user(repo) == "ada"
    git(repo, "config", "user.email", "ada.lovelace@example.com")
    assert resolve_user(repo) == "ada-lovelace"
    git(repo, "config", "nbteam.user", "ada")
    assert resolve_user(repo) == "ada"
    assert email_user("12345+ada@users.noreply.github.com") == "ada"


def test_list_shows_every_user_and_states(repo):
    write_nb(repo / "scratch/ada/explore.ipynb", make_nb("x = 1", "%%writefile ../../teamlib/f.py\nA = 1\n"))
    write_nb(repo / "scratch/grace/clean.ipynb", make_nb("%%writefile -a ../../teamlib/f.py\nB = 1\n", "%%writefile /etc/x\n"))
    (repo / "scratch/grace/broken.ipynb").write_text("{not json")
    write_nb(repo / "scratch/grace/.ipynb_checkpoints/clean-checkpoint.ipynb", make_nb("%%writefile x.py\n"))
    assert nbteam("promote", "scratch/ada/explore.ipynb", cwd=repo).returncode == 0
    p = nbteam("scratch", "list", cwd=repo)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == "ada"
    assert "scratch/ada/explore.ipynb  (1 promotable of 2 cells)" in lines[1]
    assert "cell 2" in lines[2] and "-> teamlib/f.py" in lines[2] and "in sync:" in lines[2]
    assert "grace" in lines
    assert any("broken.ipynb" in l and "not valid JSON" in l for l in lines)
    assert any("-a teamlib/f.py" in l and "new:" in l for l in lines)
    assert any("invalid:" in l and "outside the repository" in l for l in lines)
    assert "checkpoint" not in p.stdout
    data = json.loads(nbteam("scratch", "list", "--json", "--user", "grace", cwd=repo).stdout)
    assert [d["path"] for d in data] == ["scratch/grace/broken.ipynb", "scratch/grace/clean.ipynb"]
    assert [c["state"] for c in data[1]["cells"]] == ["new", "invalid"]


def test_list_branches_reads_git_objects_without_checkout(repo):
    write_nb(repo / "scratch/ada/explore.ipynb", make_nb("%%writefile ../../teamlib/f.py\nA = 1\n"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "ada")
    git(repo, "checkout", "-qb", "grace-work")
    write_nb(repo / "scratch/grace/idea.ipynb", make_nb("%%writefile ../../teamlib/g.py\nG = 1\n"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "grace")
    assert nbteam("promote", "scratch/grace/idea.ipynb", "--user", "grace", "--stage", cwd=repo).returncode == 0
    git(repo, "commit", "-qm", "promote")
    git(repo, "checkout", "-q", "main")
    # A remote-tracking branch as well: clone, and look from the clone.
    clone = repo.parent / "clone"
    git(repo.parent, "clone", "-q", str(repo), str(clone))
    head_before = git(clone, "rev-parse", "HEAD").stdout
    branches = dict(list_branches(clone))
    assert "origin/grace-work" in branches and "origin/HEAD" not in branches and "main" not in branches
    found = {(n.branch, n.path): [str(c.state) for c in n.promotable()]
             for name, commit in list_branches(clone) for n in scan_branch(clone, name, commit, Config())}
    assert found[("origin/grace-work", "scratch/grace/idea.ipynb")] == ["in sync"]
    assert found[("origin/main", "scratch/ada/explore.ipynb")] == ["new"]
    assert not (clone / "scratch/grace").exists()  # nothing was checked out
    assert git(clone, "rev-parse", "HEAD").stdout == head_before
    p = nbteam("scratch", "list", "--branches", cwd=repo)
    assert "grace  [branch grace-work]" in p.stdout and "scratch/grace/idea.ipynb" in p.stdout


def test_sample_repo_scratchpads_show_every_state(repo):
    """sample_repo/ (copied into a fresh repository) has two users and a cell in every state."""
    import shutil

    from helpers import ROOT

    shutil.copytree(ROOT / "sample_repo", repo, dirs_exist_ok=True)
    data = json.loads(nbteam("scratch", "list", "--json", cwd=repo).stdout)
    assert {d["user"] for d in data} >= {"ada", "grace"}
    states = {c["state"] for d in data for c in d["cells"]}
    assert states >= {"new", "in sync", "cell changed", "module changed", "invalid"}
    # Ada's copy of the team notebook: one cell changed, one added, ready to flow back.
    [copy] = [d for d in data if d["path"] == "scratch/ada/analysis.ipynb"]
    assert copy["origin"] == "analysis.ipynb" and copy["copy_error"] is None
    assert [(c["id"], c["state"]) for c in copy["copy_cells"]] == [
        ("peek", "changed in copy"), ("ada-margin-rank", "added in copy")]
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "sample")
    p = nbteam("promote", "scratch/ada/analysis.ipynb", "--all", "--user", "ada", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    team = json.loads((repo / "analysis.ipynb").read_text())
    ids = [c["id"] for c in team["cells"]]
    assert ids[ids.index("share") + 1] == "ada-margin-rank"
    assert "".join(team["cells"][ids.index("peek")]["source"]).startswith("sales.sample(5")
