"""The commit guard and the mergetool entry that `nbteam init` installs, with real git.

The guard checks staged content, chains an existing pre-commit hook, honours core.hooksPath,
and `nbteam uninstall` takes out exactly what init put in.
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from helpers import git, nbteam
from outputs_helpers import branch_with, commit_sources, new_repo

USER_HOOK = "#!/bin/sh\necho user-hook-ran >> \"$(git rev-parse --git-dir)/user-hook.log\"\nexit ${USER_HOOK_EXIT:-0}\n"


def _conflicted(tmp_path: Path) -> Path:
    """A repository mid-merge with a cell conflict in nb.ipynb (cell 3)."""
    repo = new_repo(tmp_path / "repo")
    branch_with(repo, "feature", "a", "b", "c theirs")
    commit_sources(repo, "a", "b", "c ours")
    assert git(repo, "merge", "feature", check=False).returncode == 1
    return repo


def _hooks(repo: Path) -> Path:
    return repo / git(repo, "rev-parse", "--git-path", "hooks").stdout.strip()


def _listing(path: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(path.iterdir())} if path.is_dir() else {}


def test_commit_of_a_notebook_with_markers_is_refused_with_the_way_out(tmp_path, git_env):
    repo = _conflicted(tmp_path)
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "--no-edit", check=False)
    assert p.returncode != 0
    assert "nbteam: commit refused" in p.stderr
    assert "nb.ipynb: cell 3 (code) has a source conflict" in p.stderr
    assert "nbteam resolve nb.ipynb --ours|--theirs|--both" in p.stderr and "--no-verify" in p.stderr
    assert git(repo, "rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).returncode == 0  # still merging
    git(repo, "commit", "--no-edit", "--no-verify")  # the way out the message names


def test_the_guard_reads_the_staged_content_not_the_file(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    commit_sources(repo, "a", "b", "c2")  # staged and committed: clean
    nb_path = repo / "nb.ipynb"
    nb_path.write_text(nb_path.read_text().replace('"c2"', '"<<<<<<< HEAD\\nx\\n=======\\ny\\n>>>>>>> f\\n"'))
    (repo / "other.txt").write_text("x\n")
    git(repo, "add", "other.txt")
    git(repo, "commit", "-qm", "only other.txt")  # the markers are in the working copy only
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "-qm", "now they are staged", check=False)
    assert p.returncode != 0 and "nb.ipynb: cell 3" in p.stderr


def test_a_text_merge_left_in_a_notebook_is_refused(tmp_path, git_env):
    repo = new_repo(tmp_path / "repo")
    (repo / "nb.ipynb").write_text('{\n<<<<<<< HEAD\n "cells": [],\n=======\n "cells": [1],\n>>>>>>> x\n}\n')
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "-qm", "broken", check=False)
    assert p.returncode != 0 and "nb.ipynb: conflict markers in the file itself" in p.stderr


def test_an_existing_hook_is_chained_and_put_back(tmp_path, git_env):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    hooks = _hooks(repo)
    (hooks / "pre-commit").write_text(USER_HOOK)
    (hooks / "pre-commit").chmod(0o755)
    before = _listing(hooks)
    p = nbteam("init", cwd=repo)
    assert "your hook, now pre-commit.pre-nbteam, runs first" in p.stdout
    (repo / "x.txt").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "x")
    assert (repo / ".git" / "user-hook.log").read_text() == "user-hook-ran\n"  # it ran, and passed
    (repo / "x.txt").write_text("y\n")
    p = git(repo, "commit", "-qam", "y", check=False, env={**os.environ, "USER_HOOK_EXIT": "1"})
    assert p.returncode != 0  # the user's hook still stops a commit
    p = nbteam("uninstall", cwd=repo)
    assert "put back the hook it chained" in p.stdout
    assert _listing(hooks) == before


def test_the_guard_runs_after_a_chained_hook_that_passes(tmp_path, git_env):
    repo = _conflicted(tmp_path)
    hooks = _hooks(repo)
    (hooks / "pre-commit.pre-nbteam").write_text(USER_HOOK)
    (hooks / "pre-commit.pre-nbteam").chmod(0o755)
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "--no-edit", check=False)
    assert p.returncode != 0 and "nb.ipynb: cell 3" in p.stderr
    assert (repo / ".git" / "user-hook.log").read_text() == "user-hook-ran\n"


def test_core_hookspath_is_honoured(tmp_path, git_env):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "core.hooksPath", "team-hooks")
    (repo / "team-hooks").mkdir()
    (repo / "team-hooks" / "pre-commit").write_text(USER_HOOK)
    (repo / "team-hooks" / "pre-commit").chmod(0o755)
    default_before = _listing(repo / ".git" / "hooks")
    team_before = _listing(repo / "team-hooks")
    assert nbteam("init", cwd=repo).returncode == 0
    assert _listing(repo / ".git" / "hooks") == default_before  # git does not look there: left alone
    assert "nbteam hook: pre-commit" in (repo / "team-hooks" / "pre-commit").read_text()
    (repo / "nb.ipynb").write_text('{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], '
                                   '"execution_count": null, "source": "<<<<<<< a\\nx\\n=======\\ny\\n>>>>>>> b\\n"}],'
                                   ' "metadata": {}, "nbformat": 4, "nbformat_minor": 4}\n')
    git(repo, "add", "nb.ipynb")
    p = git(repo, "commit", "-qm", "x", check=False)
    assert p.returncode != 0 and "nb.ipynb: cell 1 (code) has a source conflict" in p.stderr
    assert (repo / ".git" / "user-hook.log").read_text() == "user-hook-ran\n"
    assert nbteam("uninstall", cwd=repo).returncode == 0
    assert _listing(repo / "team-hooks") == team_before


def test_uninstall_removes_exactly_what_init_added(tmp_path, git_env):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    hooks_before = _listing(_hooks(repo))
    config_before = (repo / ".git" / "config").read_text()
    assert nbteam("init", cwd=repo).returncode == 0
    assert {"pre-commit", "reference-transaction"} <= set(_listing(_hooks(repo)))
    assert nbteam("init", cwd=repo).stdout.startswith("nbteam init (repository scope): nothing to change")
    assert nbteam("uninstall", cwd=repo).returncode == 0
    assert _listing(_hooks(repo)) == hooks_before
    assert (repo / ".git" / "config").read_text() == config_before


def test_init_registers_the_mergetool(tmp_path, git_env):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert nbteam("init", cwd=repo).returncode == 0
    cmd = git(repo, "config", "mergetool.nbteam.cmd").stdout.strip()
    assert cmd.endswith('entry.py" resolve --base "$BASE" --local "$LOCAL" --remote "$REMOTE" "$MERGED"')
    assert " -I -S " in cmd and "-m nbteam" not in cmd
    assert git(repo, "config", "mergetool.nbteam.trustExitCode").stdout.strip() == "true"
    assert git(repo, "config", "merge.tool").stdout.strip() == "nbteam"
    assert git(repo, "config", "mergetool.keepBackup").stdout.strip() == "false"
    helped = git(repo, "mergetool", "--tool-help").stdout
    assert "nbteam.cmd" in helped and "entry.py\" resolve" in helped


def test_a_users_own_merge_tool_is_left_alone(tmp_path, git_env):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "--global", "merge.tool", "vimdiff")
    git(repo, "config", "--global", "mergetool.keepBackup", "true")
    p = nbteam("init", cwd=repo)
    assert "merge.tool" not in p.stdout and "keepBackup" not in p.stdout
    assert git(repo, "config", "merge.tool").stdout.strip() == "vimdiff"
    assert git(repo, "config", "--local", "merge.tool", check=False).returncode != 0
    assert nbteam("uninstall", cwd=repo).returncode == 0
    assert git(repo, "config", "merge.tool").stdout.strip() == "vimdiff"
    assert git(repo, "config", "--get-regexp", "mergetool.nbteam", check=False).stdout == ""


def test_uninstall_leaves_a_merge_tool_changed_after_init(tmp_path, git_env):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    nbteam("init", cwd=repo)
    git(repo, "config", "merge.tool", "meld")
    p = nbteam("uninstall", cwd=repo)
    assert "merge.tool = meld was changed after init; left as it is" in p.stdout
    assert git(repo, "config", "merge.tool").stdout.strip() == "meld"
    assert git(repo, "config", "mergetool.keepBackup", check=False).returncode != 0


def test_git_mergetool_runs_nbteam_resolve_and_trusts_its_exit_code(tmp_path, git_env):
    """git runs the registered command on the conflicted notebook; without a terminal it cannot
    finish, and with trustExitCode git keeps the file unresolved (the interactive run is the TUI's
    end-to-end test)."""
    repo = _conflicted(tmp_path)
    p = git(repo, "mergetool", "--tool", "nbteam", "nb.ipynb", check=False)
    out = p.stdout + p.stderr
    assert p.returncode != 0
    assert "resolve" in out  # nbteam's own message about `resolve`, not git's "unknown tool"
    assert "Unknown merge tool" not in out
    assert git(repo, "ls-files", "-u", "nb.ipynb").stdout  # still conflicted
    assert not (repo / "nb.ipynb.orig").exists()
    assert stat.S_ISREG((repo / "nb.ipynb").stat().st_mode)


@pytest.mark.parametrize("hook", ["reference-transaction", "pre-commit"])
def test_hook_scripts_are_posix_shell_and_executable(tmp_path, git_env, hook):
    repo = new_repo(tmp_path / "repo")
    script = _hooks(repo) / hook
    assert script.stat().st_mode & 0o111
    text = script.read_text()
    assert text.startswith("#!/bin/sh\n") and f'entry.py" hook {hook} "$@"' in text and "-m nbteam" not in text


def test_merge_abort_works_after_resolving_and_staging(tmp_path, git_env):
    """A staged resolution keeps its real size in the index, so `git merge --abort` can reset it."""
    repo = _conflicted(tmp_path)
    p = nbteam("resolve", "nb.ipynb", "--theirs", "--add", cwd=repo)
    assert p.returncode == 0, p.stderr
    p = git(repo, "merge", "--abort", check=False)
    assert p.returncode == 0, p.stderr
    assert git(repo, "status", "--porcelain").stdout == ""
    assert "c ours" in (repo / "nb.ipynb").read_text()


def test_init_replaces_the_hooks_an_older_nbteam_installed(tmp_path, git_env):
    """post-checkout & co. (outputs now come back through the filter) go; an older script still runs quietly."""
    repo = new_repo(tmp_path / "repo")
    old = _hooks(repo) / "post-checkout"
    old.write_text("#!/bin/sh\n# nbteam hook: post-checkout (installed by `nbteam init`)\n"
                   f"exec {sys.executable} -m nbteam hook post-checkout \"$@\"\n")
    old.chmod(0o755)
    p = git(repo, "checkout", "-q", "-b", "b2")
    assert p.stderr == ""
    assert nbteam("init", cwd=repo).returncode == 0
    assert not old.exists()


def test_uninstall_finds_hooks_after_core_hookspath_changed(tmp_path, git_env):
    """Item 11 of issue 16: hooks installed under one hooks path are removed after a switch to another."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert nbteam("init", cwd=repo).returncode == 0
    git(repo, "config", "core.hooksPath", "team-hooks")
    assert nbteam("init", cwd=repo).returncode == 0
    git(repo, "config", "core.hooksPath", "elsewhere")
    assert nbteam("uninstall", cwd=repo).returncode == 0
    for where in (repo / ".git" / "hooks", repo / "team-hooks"):
        left = [p.name for p in where.iterdir() if "nbteam hook:" in p.read_text(errors="replace")]
        assert left == [], where
    assert not (repo / ".git" / "nbteam").exists()
