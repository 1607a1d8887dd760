"""nbteam's hooks beside a hook manager's (issue 17 item 9 variants), with real git and husky's layouts.

- husky 9 sets core.hooksPath to `.husky/_`, whose scripts run `.husky/<their own name>`: chained
  by nbteam, they must still see that name, or the team's hook silently stops running;
- husky 4-8 keep the hooks themselves in a tracked `.husky/`: nbteam must not rename or replace a
  file the team shares; init and doctor say which line to add, and with it the guard runs.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from helpers import git, make_nb, nbteam, write_nb

MARKED = make_nb("<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> feature\n")


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo


def _script(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


def test_a_chained_husky_9_hook_still_runs_the_teams_hook(tmp_path, git_env):
    repo = _repo(tmp_path)
    husky = repo / ".husky"
    # husky 9's generated (git-ignored) layout: a stub per hook that runs .husky/<its file name>
    _script(husky / "_" / "h", '#!/usr/bin/env sh\nn=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n\n'
                               '[ ! -f "$s" ] && exit 0\nsh -e "$s" "$@"\n')
    _script(husky / "_" / "pre-commit", '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n')
    (husky / "_" / ".gitignore").write_text("*\n")
    _script(husky / "pre-commit", 'echo lint-ran >> "$(git rev-parse --git-dir)/lint.log"\nexit ${LINT_EXIT:-0}\n')
    git(repo, "config", "core.hooksPath", ".husky/_")
    assert nbteam("init", cwd=repo).returncode == 0
    write_nb(repo / "nb.ipynb", make_nb("a"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    assert (repo / ".git" / "lint.log").read_text() == "lint-ran\n"  # the team's hook ran
    write_nb(repo / "nb.ipynb", make_nb("b"))
    p = git(repo, "commit", "-qam", "second", check=False, env={**git_env, "LINT_EXIT": "3"})
    assert p.returncode != 0  # and still stops a commit
    write_nb(repo / "nb.ipynb", MARKED)
    p = git(repo, "commit", "-qam", "markers", check=False)
    assert p.returncode == 1 and "nb.ipynb: cell 1 (code) has a source conflict" in p.stderr  # then the guard


def test_a_tracked_husky_hook_is_left_alone_and_doctor_says_what_to_add(tmp_path, git_env):
    repo = _repo(tmp_path)
    hook = repo / ".husky" / "pre-commit"
    _script(hook, '#!/usr/bin/env sh\necho lint-ran >> "$(git rev-parse --git-dir)/lint.log"\n')
    git(repo, "config", "core.hooksPath", ".husky")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "the team's hooks")
    before = hook.read_bytes()
    p = nbteam("init", cwd=repo)
    assert p.returncode == 0 and "git tracks them (your team's hooks)" in p.stdout, p.stdout
    assert hook.read_bytes() == before and not (repo / ".husky" / "pre-commit.pre-nbteam").exists()
    assert git(repo, "status", "--porcelain", "--", ".husky/pre-commit").stdout == ""
    doctor = nbteam("doctor", cwd=repo)
    assert doctor.returncode == 1 and 'add `nbteam hook NAME "$@" || exit $?` to pre-commit' in doctor.stdout, doctor.stdout
    hook.write_text(before.decode() + 'nbteam hook pre-commit "$@" || exit $?\n')
    assert "hooks: pre-commit" in nbteam("doctor", cwd=repo).stdout
    write_nb(repo / "nb.ipynb", MARKED)
    git(repo, "add", "nb.ipynb")
    path = f"{os.path.dirname(sys.executable)}{os.pathsep}{git_env['PATH']}"  # where `nbteam` is installed
    p = git(repo, "commit", "-qm", "markers", check=False, env={**git_env, "PATH": path})
    assert p.returncode == 1 and "nb.ipynb: cell 1 (code) has a source conflict" in p.stderr, p.stderr
    assert (repo / ".git" / "lint.log").read_text() == "lint-ran\n" * 2  # at the first commit, and now


def test_a_hook_that_lost_its_executable_bit_is_reported_and_init_restores_it(tmp_path, git_env):
    """git ignores a hook it cannot execute (a checkout on a file system without x bits, a chmod)."""
    repo = _repo(tmp_path)
    assert nbteam("init", cwd=repo).returncode == 0
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.chmod(0o644)
    doctor = nbteam("doctor", cwd=repo)
    assert doctor.returncode == 1 and "pre-commit is missing (or not executable" in doctor.stdout, doctor.stdout
    assert "pre-commit: updated nbteam's hook" in nbteam("init", cwd=repo).stdout
    assert nbteam("doctor", cwd=repo).returncode == 0
    write_nb(repo / "nb.ipynb", MARKED)
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "-qm", "markers", check=False)
    assert p.returncode == 1 and "nb.ipynb: cell 1 (code) has a source conflict" in p.stderr, p.stderr


def test_hooks_turned_off_with_dev_null_are_a_note_and_a_doctor_problem_not_a_traceback(tmp_path, git_env):
    """`core.hooksPath=/dev/null` is how people turn git's hooks off: nothing can be installed there."""
    repo = _repo(tmp_path)
    git(repo, "config", "core.hooksPath", os.devnull)
    p = nbteam("init", cwd=repo)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    assert f"note: core.hooksPath is {os.devnull}, not a directory: git runs no hooks" in p.stdout, p.stdout
    doctor = nbteam("doctor", cwd=repo)
    assert doctor.returncode == 1 and f"✗ hooks: core.hooksPath is {os.devnull}, not a directory" in doctor.stdout
    assert nbteam("uninstall", cwd=repo).returncode == 0
