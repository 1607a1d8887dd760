"""Shared fixtures: a machine-independent git environment and small notebook builders."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def make_nb(*sources: str, ids: bool = True, minor: int = 5, cell_type: str = "code") -> dict:
    """A v4 notebook with one cell per source (ids c0, c1, ... when ids=True)."""
    cells = []
    for i, src in enumerate(sources):
        cell = {"cell_type": cell_type, "metadata": {}, "source": src}
        if cell_type == "code":
            cell.update(outputs=[], execution_count=None)
        if ids:
            cell["id"] = f"c{i}"
        cells.append(cell)
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": minor if ids else min(minor, 4)}


def write_nb(path: Path, nb: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    return path


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


def git(repo: Path, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run real git in repo; raise with its output on failure when check is set."""
    p = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


@pytest.fixture
def repo(tmp_path, git_env) -> Path:
    """An empty git repository on branch main, with an identity configured."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Ada Lovelace")
    git(path, "config", "user.email", "ada@example.com")
    return path


def nbteam(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed nbteam command line in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "nbteam", *args], cwd=cwd, capture_output=True, text=True, input=input, env=env
    )
