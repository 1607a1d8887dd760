"""`nbteam demo` end to end: a real repository, a real merge, on a machine with no git identity and no venv on PATH."""
from __future__ import annotations

import os

from helpers import ROOT, git, nbteam
from nbteam.commands.demo import find_sample_repo
from nbteam.notebook.conflicts import find_conflicts
from nbteam.notebook.io import join_source, read_notebook
from test_init import no_venv_path


def test_sample_repo_is_a_small_realistic_project():
    sample = find_sample_repo()
    assert sample == ROOT / "sample_repo"
    nb = read_notebook(sample / "analysis.ipynb")
    assert 15 <= len(nb["cells"]) <= 25
    assert sum(1 for c in nb["cells"] if c.get("outputs")) >= 3
    assert any("from teamlib" in join_source(c["source"]) for c in nb["cells"])
    assert (sample / "teamlib" / "__init__.py").exists() and (sample / "README.md").exists()
    assert (sample / "data" / "sales.csv").read_text().startswith("Date,Region,Product,Units,Revenue,Cost,Notes\n")


def test_demo_runs_a_real_merge_with_nothing_but_the_install(tmp_path):
    home = tmp_path / "empty-home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "NBTEAM_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), PATH=no_venv_path())
    target = tmp_path / "demo"
    p = nbteam("demo", str(target), env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "$ git merge --no-edit bob" in out
    assert "nbteam: analysis.ipynb: merged, 1 conflict in cell 4" in out
    assert "CONFLICT (content): Merge conflict in analysis.ipynb" in out
    assert "  analysis.ipynb: cell 4 (code): source conflict: MIN_UNITS = 10" in out
    assert "    | <<<<<<< HEAD\n    | MIN_UNITS = 10  # Q3 review: wholesale orders only\n    | =======\n" in out
    assert "Bob's chart cell is in" in out and "Alice's new finding is in" in out
    assert "## added cell 16 (code)\n  +ax = top.sort_values()" in out  # the readable git diff
    assert '"source"' not in out  # never raw JSON
    # The demo ends by resolving the conflict with `nbteam resolve --theirs --add` and committing the merge.
    assert "$ nbteam resolve analysis.ipynb --theirs --add\n  analysis.ipynb: resolved 1 conflict taking theirs" in out
    assert git(target, "rev-parse", "--abbrev-ref", "HEAD", env=env).stdout.strip() == "alice"
    assert not (target / ".git" / "MERGE_HEAD").exists()
    assert git(target, "rev-list", "--count", "--merges", "HEAD", env=env).stdout.strip() == "1"
    assert git(target, "status", "--porcelain", "--untracked-files=no", env=env).stdout == ""
    merged = read_notebook(target / "analysis.ipynb")
    assert find_conflicts(merged) == []
    sources = {c.get("id"): join_source(c["source"]) for c in merged["cells"]}
    assert "MIN_UNITS = 2" in sources["params"] and "MIN_UNITS = 10" not in sources["params"]
    assert "TOP_N = 5" in sources["params"] and "top-chart" in sources
    assert "Orders under 10 units" in sources["findings"]
    # The commits were made by the demo's people, not by whoever runs it.
    authors = git(target, "log", "--format=%an", "--all", env=env).stdout.split("\n")
    assert {"Alice Liddell", "Bob Dylan", "Grace Hopper"} <= set(authors)
    # The committed notebook has no outputs; the first working copy had them.
    assert '"output_type"' not in git(target, "show", "main:analysis.ipynb", env=env).stdout


def test_demo_refuses_a_non_empty_directory(tmp_path, git_env):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "file.txt").write_text("mine\n")
    p = nbteam("demo", str(target))
    assert p.returncode == 2 and "is not empty" in p.stderr
    assert sorted(x.name for x in target.iterdir()) == ["file.txt"]


def test_demo_pointed_at_a_file_is_a_one_line_error(tmp_path, git_env):
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")
    p = nbteam("demo", str(target))
    assert p.returncode == 2, p.stderr
    assert p.stderr == f"nbteam demo: {target} is not a directory; give a new or empty directory\n"
    assert target.read_text() == "mine\n" and sorted(x.name for x in tmp_path.iterdir()) == ["home", "notes.txt"]


def test_demo_refuses_a_directory_inside_a_git_directory(repo, tmp_path):
    link = tmp_path / "innocent"
    link.symlink_to(repo / ".git")  # the real path is what counts
    for target in (repo / ".git" / "demo", link / "demo"):
        p = nbteam("demo", str(target))
        assert p.returncode == 2, p.stdout
        assert p.stderr.startswith("nbteam demo: ") and "is inside a git directory" in p.stderr
        assert not (repo / ".git" / "demo").exists()
