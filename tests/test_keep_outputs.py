"""One outputs rule (nbteam.config.keep_outputs) shared by `init`, the filter and the merge driver."""
from __future__ import annotations

import json

from helpers import executed, git, nbteam, write_nb
from nbteam.config import keep_outputs
from nbteam.notebook.io import join_source


def test_no_filter_repository_keeps_outputs_through_a_clean_merge(repo):
    p = nbteam("init", "--no-filter", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "keep_outputs = true" in (repo / ".nbteam.toml").read_text()
    assert keep_outputs(repo, env={})
    write_nb(repo / "nb.ipynb", executed("a = 1\n", "b = 2\n", "c = 3\n"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base with outputs")
    git(repo, "switch", "-qc", "other")
    nb = executed("a = 1\n", "b = 2\n", "c = 30\n")
    write_nb(repo / "nb.ipynb", nb)
    git(repo, "commit", "-qam", "theirs")
    git(repo, "switch", "-q", "main")
    nb = executed("a = 10\n", "b = 2\n", "c = 3\n")
    write_nb(repo / "nb.ipynb", nb)
    git(repo, "commit", "-qam", "ours")
    p = git(repo, "merge", "--no-edit", "other", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    for text in ((repo / "nb.ipynb").read_text(), git(repo, "show", "HEAD:nb.ipynb").stdout):
        merged = json.loads(text)
        assert [join_source(c["source"]) for c in merged["cells"]] == ["a = 10\n", "b = 2\n", "c = 30\n"]
        # The untouched cell keeps its output, in the work tree and in the merge commit.
        assert merged["cells"][1]["outputs"] == [{"name": "stdout", "output_type": "stream", "text": ["out 1\n"]}]


def test_plain_init_follows_the_team_setting_and_the_filter_obeys_it(repo):
    (repo / ".nbteam.toml").write_text("keep_outputs = true\n")
    p = nbteam("init", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "this repository keeps outputs" in p.stdout
    assert (repo / ".gitattributes").read_text() == "*.ipynb merge=nbteam diff=nbteam\n"
    # Even with the filter attribute set by hand, the filter keeps outputs in such a repository.
    (repo / ".gitattributes").write_text("*.ipynb merge=nbteam diff=nbteam filter=nbteam\n")
    git(repo, "config", "filter.nbteam.process", nbteam_process_command(repo))
    write_nb(repo / "nb.ipynb", executed("x = 1\n"))
    git(repo, "add", "nb.ipynb")
    assert json.loads(git(repo, "show", ":nb.ipynb").stdout)["cells"][0]["outputs"] != []
    # --filter switches the team to stripping, in one place.
    p = nbteam("init", "--filter", cwd=repo)
    assert "set keep_outputs = false in .nbteam.toml" in p.stdout, p.stdout
    assert not keep_outputs(repo, env={})
    git(repo, "rm", "-qf", "--cached", "nb.ipynb")
    git(repo, "add", "nb.ipynb")
    assert json.loads(git(repo, "show", ":nb.ipynb").stdout)["cells"][0]["outputs"] == []


def nbteam_process_command(repo) -> str:
    from nbteam.integration.registry import command
    import sys

    return command("filter.nbteam.process", sys.executable)


def test_keep_outputs_rule(tmp_path, monkeypatch):
    assert keep_outputs(tmp_path, env={}) is False
    (tmp_path / ".nbteam.toml").write_text("keep_outputs = true\n")
    assert keep_outputs(tmp_path, env={}) is True
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # pyproject wins: no table, default
    assert keep_outputs(tmp_path, env={}) is False
    (tmp_path / "pyproject.toml").write_text("[tool.nbteam]\nkeep_outputs = true\n")
    assert keep_outputs(tmp_path, env={}) is True
    assert keep_outputs(tmp_path, env={"NBTEAM_KEEP_OUTPUTS": "0"}) is False
    (tmp_path / "pyproject.toml").write_text("[tool.nbteam]\nkeep_outputs = 'yes'\n")  # invalid: the default
    assert keep_outputs(tmp_path, env={}) is False
