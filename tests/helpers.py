"""Test helpers: real git, the installed command line, small notebook builders, the corpus location."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def executed(*sources: str) -> dict:
    """make_nb's notebook as after running it: a stream output and an execution count in every cell."""
    nb = make_nb(*sources)
    for k, cell in enumerate(nb["cells"]):
        cell["execution_count"] = k + 1
        cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": [f"out {k}\n"]}]
    return nb


def write_nb(path: Path, nb: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    return path


def git(repo: Path, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run real git in repo; raise with its output on failure when check is set."""
    p = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def nbteam(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed nbteam command line in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "nbteam", *args], cwd=cwd, capture_output=True, text=True, input=input, env=env
    )


def corpus_dir(name: str) -> Path:
    """A corpus folder under ../shared/corpus, or skip the test saying why (never a silent pass)."""
    import pytest

    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"corpus not available: {path} is missing (it exists only on development machines)")
    return path


def merge_branches(repo: Path, base: dict, ours: dict, theirs: dict, path: str = "nb.ipynb") -> subprocess.CompletedProcess:
    """Commit base on the current branch, theirs on a branch `other` and ours on top of base; then a real `git merge other`."""
    nb = repo / path
    write_nb(nb, base)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "other")
    write_nb(nb, theirs)
    git(repo, "commit", "-qam", "theirs")
    git(repo, "checkout", "-q", "-")
    write_nb(nb, ours)
    git(repo, "commit", "-qam", "ours")
    return git(repo, "merge", "--no-edit", "other", check=False)
