"""`nbteam doctor` against real repositories: healthy setups pass, each kind of breakage is named with its fix."""
from __future__ import annotations

import sys
from pathlib import Path

from helpers import git, make_nb, nbteam, write_nb


def doctor(cwd: Path, env=None):
    p = nbteam("doctor", cwd=cwd, env=env)
    return p.returncode, p.stdout


def test_healthy_after_init_from_a_subdirectory(repo):
    (repo / "sub").mkdir()
    assert nbteam("init", cwd=repo / "sub").returncode == 0
    write_nb(repo / "sub" / "a.ipynb", make_nb("x = 1"))
    git(repo, "add", "-A")
    code, out = doctor(repo / "sub")
    assert code == 0, out
    assert "✓ git 2." in out
    assert "✓ *.ipynb attributes: merge=nbteam diff=nbteam filter=nbteam" in out
    assert "✓ all 1 tracked notebook use nbteam" in out
    assert f"✓ merge driver (local config): {sys.executable} runs nbteam 0.1.0" in out
    assert "✓ output filter (local config)" in out
    assert "✗" not in out and out.rstrip().endswith("healthy")


def test_before_init_every_problem_has_a_fix(repo):
    code, out = doctor(repo)
    assert code == 1
    assert "✗ *.ipynb attributes: merge=unspecified diff=unspecified (git will not use nbteam)" in out
    assert "✗ merge driver: merge.nbteam.driver is not set\n    fix: nbteam init" in out
    assert out.count("✗") == out.count("    fix: ")


def test_missing_and_broken_interpreters(repo, tmp_path):
    assert nbteam("init", cwd=repo).returncode == 0
    git(repo, "config", "merge.nbteam.driver", '"/gone/venv/bin/python" -m nbteam merge-driver %O %A %B %L %P')
    base = tmp_path / "bin" / "python3"  # an interpreter without nbteam
    base.parent.mkdir()
    base.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'nbteam'\" >&2\nexit 1\n")
    base.chmod(0o755)
    git(repo, "config", "diff.nbteam.command", f'"{base}" -m nbteam diff-driver')
    code, out = doctor(repo)
    assert code == 1
    assert "✗ merge driver (local config): /gone/venv/bin/python does not exist (a deleted or moved virtualenv?)" in out
    assert f"✗ diff driver (local config): {base} cannot run nbteam (ModuleNotFoundError" in out
    assert "✓ output filter (local config)" in out
    assert "fix: nbteam init   (registers" in out


def test_scope_precedence_local_overrides_global(repo, git_env):
    assert nbteam("init", "--global", cwd=repo).returncode == 0
    code, out = doctor(repo)
    assert code == 0, out
    assert "merge driver (global config)" in out
    git(repo, "config", "merge.nbteam.driver", "nbteam merge-driver %O %A %B")  # a stale local override
    code, out = doctor(repo)
    assert code == 1
    assert "✗ merge driver (local config): merge.nbteam.driver = nbteam merge-driver %O %A %B is not nbteam's command" in out
    assert "merge.nbteam.driver is also set in global config; the local value wins" in out


def test_a_nearer_gitattributes_that_turns_nbteam_off(repo):
    assert nbteam("init", cwd=repo).returncode == 0
    write_nb(repo / "a.ipynb", make_nb("x"))
    write_nb(repo / "legacy" / "b.ipynb", make_nb("y"))
    (repo / "legacy" / ".gitattributes").write_text("*.ipynb merge=nbdime diff=nbdime\n")
    git(repo, "add", "-A")
    code, out = doctor(repo)
    assert code == 1
    assert "✗ 1 of 2 tracked notebooks do not merge with nbteam: legacy/b.ipynb" in out


def test_no_filter_is_a_note_not_a_failure(repo):
    assert nbteam("init", "--no-filter", cwd=repo).returncode == 0
    code, out = doctor(repo)
    assert code == 0, out
    assert "· filter off for *.ipynb: notebooks are committed with their outputs" in out
    assert "output filter" not in out


def test_disable_variable_is_reported(repo, git_env):
    assert nbteam("init", cwd=repo).returncode == 0
    code, out = doctor(repo, env={**git_env, "NBTEAM_DISABLE": "1"})
    assert code == 1
    assert "✗ NBTEAM_DISABLE=1 is set" in out and "fix: unset NBTEAM_DISABLE" in out


def test_outside_a_repository_checks_user_config(tmp_path, git_env):
    code, out = doctor(tmp_path)
    assert code == 1 and "fix: nbteam init --global" in out
    assert nbteam("init", "--global", cwd=tmp_path).returncode == 0
    code, out = doctor(tmp_path)
    assert code == 0, out
    assert "not in a git repository" in out and "merge driver (global config)" in out


def _executed(*sources: str) -> dict:
    nb = make_nb(*sources)
    for k, cell in enumerate(nb["cells"]):
        cell["execution_count"] = k + 1
        cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": [f"{k}\n" * 40]}]
    return nb


def test_a_clone_without_init_commits_outputs_then_doctor_explains_and_fixes(repo, tmp_path, git_env):
    assert nbteam("init", cwd=repo).returncode == 0
    write_nb(repo / "clean.ipynb", make_nb("y = 2\n"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "team setup")
    # A teammate's clone that never ran `nbteam init`: git has no filter there, outputs go in.
    mate = tmp_path / "mate"
    git(tmp_path, "clone", "-q", str(repo), str(mate))
    write_nb(mate / "analysis.ipynb", _executed("x = 1\n", "print(x)\n"))
    git(mate, "add", "analysis.ipynb")
    git(mate, "commit", "-qm", "analysis, run")
    git(repo, "pull", "-q", "--ff-only", str(mate), "main")
    # Back in the set-up clone: the phantom modification.
    assert git(repo, "status", "--porcelain").stdout == " M analysis.ipynb\n"
    code, out = doctor(repo)
    assert code == 1
    assert ("✗ 1 committed notebook still hold outputs or execution counts: analysis.ipynb. They were committed"
            " without nbteam's filter") in out, out
    assert ("fix: git add --renormalize -- analysis.ipynb && git commit -q -m 'Strip outputs committed without"
            " nbteam'\"'\"'s filter' -- analysis.ipynb") in out
    # A real edit in that notebook: --fix refuses rather than commit it along.
    work = (repo / "analysis.ipynb").read_text()
    write_nb(repo / "analysis.ipynb", _executed("x = 100\n", "print(x)\n"))
    p = nbteam("doctor", "--fix", cwd=repo)
    assert p.returncode == 2 and "analysis.ipynb has changes of its own" in p.stderr
    (repo / "analysis.ipynb").write_text(work)
    p = nbteam("doctor", "--fix", cwd=repo)
    assert p.stdout.index("$ git add --renormalize -- analysis.ipynb") < p.stdout.index("done:")
    assert p.returncode == 0, p.stdout
    assert "✓ no committed notebook holds outputs" in p.stdout
    assert git(repo, "status", "--porcelain").stdout == ""
    committed = git(repo, "show", "HEAD:analysis.ipynb").stdout
    assert '"output_type"' not in committed
    assert (repo / "analysis.ipynb").read_text() == work  # the working copy keeps its outputs
    assert git(repo, "log", "-1", "--format=%s").stdout.strip() == "Strip outputs committed without nbteam's filter"


def test_a_deleted_virtualenv_is_named_with_the_fix(repo, tmp_path):
    from test_init import fake_venv

    python = fake_venv(tmp_path / "old-venv")
    assert nbteam("init", "--python", python, cwd=repo).returncode == 0
    code, out = doctor(repo)
    assert code == 0, out
    import shutil

    shutil.rmtree(tmp_path / "old-venv")  # the virtualenv is deleted (or recreated elsewhere)
    code, out = doctor(repo)
    assert code == 1
    for label in ("merge driver", "diff driver", "output filter"):
        assert f"✗ {label} (local config): {python} does not exist (a deleted or moved virtualenv?)" in out
    assert "fix: nbteam init   (registers" in out
