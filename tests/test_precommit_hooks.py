"""nbteam's pre-commit hooks, run by pre-commit itself (`pre-commit try-repo`).

pre-commit builds a virtualenv and installs nbteam into it from a copy of this checkout (pip
fetches the dependencies), so this is the slowest test: one test, one environment, three hooks.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, git, make_nb, nbteam, write_nb

SOURCES = ("nbteam", "sample_repo", "jupyter-config", "setup.cfg", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")


def _hook_repo(tmp_path: Path) -> Path:
    """This checkout's package and hook manifest, committed in a repository pre-commit can install from."""
    repo = tmp_path / "hooks"
    repo.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "hooks")
    return repo


def test_pre_commit_runs_the_hooks_and_they_change_nothing(tmp_path, repo, git_env):
    try:
        import pre_commit  # noqa: F401
    except ModuleNotFoundError:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]' installs it)")
    hooks = _hook_repo(tmp_path)
    env = {**git_env, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo(hook: str, *files: str) -> subprocess.CompletedProcess:
        args = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), hook, "--ref", "HEAD"]
        args += ["--files", *files] if files else ["--all-files"]
        return subprocess.run(args, cwd=repo, capture_output=True, text=True, env=env)

    nb = make_nb("x = 1")
    nb["cells"][0].update(outputs=[{"output_type": "stream", "name": "stdout", "text": ["1\n"]}], execution_count=1)
    write_nb(repo / "ran.ipynb", nb)
    write_nb(repo / "clean.ipynb", make_nb("x = 1"))
    git(repo, "add", "-A")
    before = ((repo / "ran.ipynb").read_bytes(), git(repo, "status", "--porcelain").stdout)

    p = try_repo("nbteam-check", "ran.ipynb")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "ran.ipynb: cell 1: holds outputs and an execution count" in p.stdout
    assert ((repo / "ran.ipynb").read_bytes(), git(repo, "status", "--porcelain").stdout) == before

    p = try_repo("nbteam-check", "clean.ipynb")
    assert p.returncode == 0, p.stdout + p.stderr

    p = try_repo("nbteam-setup")
    assert p.returncode == 1 and "never ran `nbteam init` — run `nbteam init`" in p.stdout, p.stdout
    assert nbteam("init", cwd=repo).returncode == 0
    p = try_repo("nbteam-setup")
    assert p.returncode == 0, p.stdout + p.stderr
