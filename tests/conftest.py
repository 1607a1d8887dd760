"""Shared fixtures: a machine-independent git environment and an empty repository."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import git

# Property tests in CI (the runner sets CI=true): the same examples every run, derived from each
# test's name, and no example database, so a red build means a change broke something, never that
# hypothesis happened to draw a new example. Each test keeps its own max_examples (no fewer are
# run); only the choice of examples is fixed. Locally the default random profile stays, so every
# run tries new examples: add what it finds as an @example.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def git_env(tmp_path, monkeypatch) -> dict:
    """Environment for real git runs that does not depend on the machine's user config."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada Lovelace",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Lovelace",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        "GIT_TERMINAL_PROMPT": "0",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "NBTEAM_DISABLE"):
        monkeypatch.delenv(k, raising=False)
    return dict(os.environ)



@pytest.fixture
def repo(tmp_path, git_env) -> Path:
    """An empty git repository on branch main, with an identity configured."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Ada Lovelace")
    git(path, "config", "user.email", "ada@example.com")
    return path
