"""`nbteam doctor` on what the drivers alone do not show: hooks git no longer runs, a clone that never
ran `nbteam init`, and the git version against nbteam's floor (issue 17 item 9, issue 18 items 7-8)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import executed, git, make_nb, nbteam, write_nb


def test_hooks_path_set_after_init_is_found_with_the_fix(repo):
    assert nbteam("init", cwd=repo).returncode == 0
    assert nbteam("doctor", cwd=repo).returncode == 0
    git(repo, "config", "core.hooksPath", "team-hooks")
    p = nbteam("doctor", cwd=repo)
    assert p.returncode == 1
    line = next(l for l in p.stdout.splitlines() if "hooks" in l and l.startswith("✗"))
    assert "team-hooks" in line and "pre-commit" in line, p.stdout
    assert "fix: nbteam init" in p.stdout
    # The guard is really off there: a commit with markers goes through.
    write_nb(repo / "nb.ipynb", make_nb("<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n"))
    git(repo, "add", "nb.ipynb")
    assert git(repo, "commit", "-qm", "x", check=False).returncode == 0
    # The fix the line names puts the hooks where git runs them.
    assert nbteam("init", cwd=repo).returncode == 0
    assert nbteam("doctor", cwd=repo).returncode == 0
    assert "nbteam hook: pre-commit" in (repo / "team-hooks" / "pre-commit").read_text()


def test_hooks_in_place_are_reported(repo):
    assert nbteam("init", cwd=repo).returncode == 0
    out = nbteam("doctor", cwd=repo).stdout
    assert re.search(r"✓ hooks: .*pre-commit", out), out


@pytest.fixture
def mate(repo, tmp_path, git_env) -> Path:
    """A teammate's clone that never ran `nbteam init` and committed a notebook with outputs."""
    assert nbteam("init", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "team setup")
    clone = tmp_path / "mate"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "config", "user.name", "Mate")
    git(clone, "config", "user.email", "mate@example.com")
    write_nb(clone / "analysis.ipynb", executed("x = 1\n"))
    git(clone, "add", "analysis.ipynb")
    git(clone, "commit", "-qm", "analysis, run")
    return clone


def test_doctor_in_a_clone_without_init_says_init_first(mate):
    p = nbteam("doctor", cwd=mate)
    assert p.returncode == 1
    problems = [l for l in p.stdout.splitlines() if l.startswith("✗")]
    assert "nbteam init" in problems[0] and "not set up" in problems[0], p.stdout


def test_doctor_fix_in_a_clone_without_init_says_what_to_do(mate):
    p = nbteam("doctor", "--fix", cwd=mate)
    assert p.returncode != 0
    assert not re.search(r"failed: *$", p.stderr, re.M), p.stderr
    assert "nbteam init" in (p.stdout + p.stderr).split("git add --renormalize")[0], p.stdout + p.stderr
    assert git(mate, "log", "-1", "--format=%s").stdout.strip() == "analysis, run"  # nothing committed
    # After init, --fix does its job.
    assert nbteam("init", cwd=mate).returncode == 0
    p = nbteam("doctor", "--fix", cwd=mate)
    assert p.returncode == 0, p.stdout + p.stderr
    assert '"output_type"' not in git(mate, "show", "HEAD:analysis.ipynb").stdout


def test_doctor_reports_git_against_the_floor_the_readme_states(repo):
    assert nbteam("init", cwd=repo).returncode == 0
    out = nbteam("doctor", cwd=repo).stdout
    line = next(l for l in out.splitlines() if "git 2." in l)
    m = re.search(r"needs (2\.(\d+)) or newer", line)
    assert m and int(m.group(2)) >= 31, line  # `rev-parse --path-format=absolute` (2.31) is used by the hooks
    root = Path(__file__).resolve().parent.parent
    assert f"git {m.group(1)} or newer" in (root / "README.md").read_text()
    assert f"git {m.group(1)}" in (root / "docs" / "git-integration.md").read_text()
