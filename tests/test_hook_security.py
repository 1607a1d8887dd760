"""Nothing committed in a repository runs when git runs nbteam's hooks, drivers or merge tool (issue 16, item 1).

A branch commits an `nbteam/` package and a top-level `json.py` that leave a marker when imported.
`python -m nbteam` (the older form of hooks and the merge tool) would import both from the work
tree; the registered commands start `PYTHON -I -S .../entry.py`, which never looks there.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import git, nbteam
from outputs_helpers import commit_sources, new_repo


def _hostile(repo: Path, marker: Path) -> None:
    (repo / "nbteam").mkdir()
    for name in ("nbteam/__init__.py", "json.py"):
        (repo / name).write_text(f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\n")


def test_a_committed_nbteam_package_and_json_py_never_run(tmp_path, git_env):
    marker = tmp_path / "ran-from-the-work-tree"
    repo = new_repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "-b", "evil")
    _hostile(repo, marker)
    commit_sources(repo, "a", "b", "c theirs", message="evil")  # `commit -a` leaves the new files out
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "add the hostile files")  # pre-commit, post-commit, post-index-change
    git(repo, "checkout", "-q", "main")
    commit_sources(repo, "a", "b", "c ours")
    git(repo, "checkout", "-q", "evil")  # post-checkout with the files present
    assert (repo / "json.py").exists() and (repo / "nbteam" / "__init__.py").exists()
    git(repo, "status")
    (repo / "notes.txt").write_text("x\n")
    git(repo, "add", "notes.txt")
    before = git(repo, "rev-parse", "HEAD").stdout
    git(repo, "commit", "-qm", "a commit still works")
    assert git(repo, "rev-parse", "HEAD").stdout != before
    assert git(repo, "merge", "main", check=False).returncode == 1  # the driver ran: a cell conflict
    assert "c ours" in (repo / "nb.ipynb").read_text() and "c theirs" in (repo / "nb.ipynb").read_text()
    tool = git(repo, "mergetool", "--tool", "nbteam", "nb.ipynb", check=False)
    assert "resolve" in tool.stdout + tool.stderr and "Unknown merge tool" not in tool.stdout + tool.stderr
    git(repo, "add", "nb.ipynb")
    git(repo, "commit", "-q", "--no-edit", "--no-verify")
    assert not marker.exists(), marker.read_text()
    # The control: the older form imports the committed package (so the checks above could fail).
    subprocess.run([sys.executable, "-m", "nbteam", "--version"], cwd=repo, capture_output=True)
    assert marker.exists()


def test_init_rewrites_an_older_installs_python_m_hooks_and_doctor_flags_them(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    hooks = repo / git(repo, "rev-parse", "--git-path", "hooks").stdout.strip()
    old = f'"{sys.executable}" -m nbteam'
    for hook in ("pre-commit", "post-commit"):
        path = hooks / hook
        text = path.read_text().splitlines()
        path.write_text("\n".join(text[:-1] + [f'exec {old} hook {hook} "$@"']) + "\n")
    # An older nbteam's output hook, which outputs no longer need (the filter's smudge gives them back).
    (hooks / "post-checkout").write_text(f"#!/bin/sh\n# nbteam hook: post-checkout (installed by `nbteam init`)\n"
                                         f'exec {old} hook post-checkout "$@"\n')
    (hooks / "post-checkout").chmod(0o755)
    git(repo, "config", "mergetool.nbteam.cmd", f'{old} resolve --base "$BASE" --local "$LOCAL" --remote "$REMOTE" "$MERGED"')
    report = nbteam("doctor", cwd=repo)
    assert report.returncode == 1
    assert "mergetool.nbteam.cmd, hook pre-commit, hook post-commit, hook post-checkout: an older nbteam's form" in report.stdout
    p = nbteam("init", cwd=repo)
    assert "pre-commit: updated nbteam's hook" in p.stdout and "post-commit: updated nbteam's hook" in p.stdout
    assert "post-checkout: removed nbteam's hook" in p.stdout and not (hooks / "post-checkout").exists()
    assert "-m nbteam" not in (hooks / "pre-commit").read_text() + (hooks / "post-commit").read_text()
    assert "-m nbteam" not in git(repo, "config", "mergetool.nbteam.cmd").stdout
    assert "older nbteam" not in nbteam("doctor", cwd=repo).stdout


def test_no_registered_command_starts_python_m_nbteam():
    from nbteam.integration.hooks import hook_script
    from nbteam.integration.registry import ALL_HOOKS, REGISTRY, command

    python = sys.executable
    commands = [command(key, python) for key in REGISTRY] + [hook_script(h, python) for h in ALL_HOOKS]
    assert len(commands) == len(REGISTRY) + len(ALL_HOOKS)
    for text in commands:
        assert "-m nbteam" not in text and " -I -S " in text and "entry.py" in text, text
