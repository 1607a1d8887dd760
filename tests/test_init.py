"""`nbteam init` / `uninstall` in real repositories: what they write, where, and that uninstall undoes it byte for byte."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from nbteam.integration import install, registry as launcher
from nbteam.notebook.io import join_source, read_notebook

LINE = "*.ipynb merge=nbteam diff=nbteam filter=nbteam"
PY = f'exec "{os.path.abspath(sys.executable)}" -I -S "{launcher.ENTRY}"'


def no_venv_path() -> str:
    """A PATH holding git but not the venv's bin directory (nor any nbteam script)."""
    venv_bin = os.path.dirname(os.path.abspath(sys.executable))
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and os.path.abspath(d) != venv_bin and not os.path.exists(os.path.join(d, "nbteam"))]
    return os.pathsep.join(dirs)


def test_no_venv_path_really_lacks_nbteam():
    path = no_venv_path()
    assert shutil.which("git", path=path)
    assert shutil.which("nbteam", path=path) is None
    assert os.path.dirname(os.path.abspath(sys.executable)) not in path.split(os.pathsep)


def test_init_from_subdirectory_writes_top_level_attributes_and_absolute_interpreter(repo):
    sub = repo / "notebooks" / "deep"
    sub.mkdir(parents=True)
    p = nbteam("init", cwd=sub)
    assert p.returncode == 0, p.stderr
    assert (repo / ".gitattributes").read_text() == LINE + "\n"
    assert not (sub / ".gitattributes").exists()
    # Each command: a shell test for the interpreter, then the fast entry (contracts: the label placeholders).
    assert git(repo, "config", "merge.nbteam.driver").stdout.strip().endswith(
        f"; }}; {PY} merge-driver %O %A %B %L %P %S %X %Y")
    assert git(repo, "config", "diff.nbteam.command").stdout.strip().endswith(f"; }}; {PY} diff-driver")
    assert git(repo, "config", "diff.nbteam.textconv").stdout.strip().endswith(f"; }}; {PY} diff-driver --view=1 --textconv")
    assert git(repo, "config", "diff.nbteam.cachetextconv").stdout.strip() == "true"
    assert git(repo, "config", "filter.nbteam.process").stdout.strip().endswith(f"; }}; {PY} filter-process")
    assert git(repo, "config", "filter.nbteam.clean").stdout.strip().endswith(f"; }}; {PY} clean %f")
    for key in ("merge.nbteam.driver", "filter.nbteam.process"):
        assert git(repo, "config", key).stdout.startswith(f'[ -x "{os.path.abspath(sys.executable)}" ] && [ -f ')
    # No `required`: a broken filter must not block `git add` (documented in docs/git-integration.md).
    assert git(repo, "config", "filter.nbteam.required", check=False).returncode == 1
    attrs = git(sub, "check-attr", "merge", "diff", "filter", "--", "x.ipynb").stdout
    assert attrs == "x.ipynb: merge: nbteam\nx.ipynb: diff: nbteam\nx.ipynb: filter: nbteam\n"
    # It prints exactly what it changed: every key and the attributes line.
    for key in install.all_keys():
        assert f"set {key} = " in p.stdout
    assert f"{repo / '.gitattributes'}: created, added `{LINE}`" in p.stdout


def test_init_twice_changes_nothing(repo):
    (repo / ".gitattributes").write_text("*.png binary\n")
    assert nbteam("init", cwd=repo).returncode == 0
    before = ((repo / ".git" / "config").read_bytes(), (repo / ".gitattributes").read_bytes())
    p = nbteam("init", cwd=repo)
    assert p.returncode == 0
    assert "nothing to change" in p.stdout
    assert ((repo / ".git" / "config").read_bytes(), (repo / ".gitattributes").read_bytes()) == before
    assert (repo / ".gitattributes").read_text().count(LINE) == 1


ATTRIBUTE_FILES = {
    "absent": None,
    "lf": "# team attributes\n*.png binary\n*.csv text eol=lf\n",
    "crlf": "*.png binary\r\n*.csv text\r\n",
    "no final newline": "*.png binary\n*.csv text",
    "blank lines and other ipynb rule": "\n*.ipynb linguist-language=Python\n\n",
}


@pytest.mark.parametrize("case", list(ATTRIBUTE_FILES))
def test_uninstall_restores_config_and_attributes_byte_for_byte(repo, case):
    git(repo, "config", "merge.tool", "meld")
    git(repo, "config", "mergetool.meld.cmd", 'meld "$LOCAL" "$MERGED" "$REMOTE"')
    git(repo, "config", "diff.external", "")
    git(repo, "config", "--unset", "diff.external")
    git(repo, "config", "alias.st", "status -sb")
    attrs = repo / ".gitattributes"
    if ATTRIBUTE_FILES[case] is not None:
        attrs.write_bytes(ATTRIBUTE_FILES[case].encode())
    config_before = (repo / ".git" / "config").read_bytes()
    (repo / "sub").mkdir()
    assert nbteam("init", cwd=repo / "sub").returncode == 0
    assert git(repo, "check-attr", "merge", "--", "a.ipynb").stdout == "a.ipynb: merge: nbteam\n"
    if case == "crlf":
        assert attrs.read_bytes().endswith(LINE.encode() + b"\r\n")
    p = nbteam("uninstall", cwd=repo / "sub")
    assert p.returncode == 0, p.stderr
    assert (repo / ".git" / "config").read_bytes() == config_before
    if ATTRIBUTE_FILES[case] is None:
        assert not attrs.exists()
    else:
        assert attrs.read_bytes() == ATTRIBUTE_FILES[case].encode()
    assert git(repo, "config", "merge.tool").stdout.strip() == "meld"
    assert 'removed empty section [merge "nbteam"]' in p.stdout


def test_uninstall_after_no_filter_then_filter_reinit(repo):
    attrs = repo / ".gitattributes"
    attrs.write_text("*.png binary\n")
    config_before = (repo / ".git" / "config").read_bytes()
    p = nbteam("init", "--no-filter", cwd=repo)
    assert p.returncode == 0
    assert attrs.read_text() == "*.png binary\n*.ipynb merge=nbteam diff=nbteam\n"
    assert git(repo, "config", "--get-regexp", "^filter\\.", check=False).stdout == ""
    # Plain init follows the team setting --no-filter wrote (keep_outputs = true) ...
    p = nbteam("init", cwd=repo)
    assert "this repository keeps outputs" in p.stdout and "nothing to change" in p.stdout
    # ... and --filter switches to stripping, replacing nbteam's line in place rather than adding a second one.
    p = nbteam("init", "--filter", cwd=repo)
    assert "replaced `*.ipynb merge=nbteam diff=nbteam` with" in p.stdout
    assert attrs.read_text() == f"*.png binary\n{LINE}\n"
    # And back: --no-filter removes the filter keys it no longer needs.
    p = nbteam("init", "--no-filter", cwd=repo)
    assert "removed filter.nbteam.process (--no-filter)" in p.stdout
    assert nbteam("uninstall", cwd=repo).returncode == 0
    assert (repo / ".git" / "config").read_bytes() == config_before
    assert attrs.read_text() == "*.png binary\n"


def test_uninstall_when_not_installed_is_a_no_op(repo):
    before = (repo / ".git" / "config").read_bytes()
    p = nbteam("uninstall", cwd=repo)
    assert p.returncode == 0
    assert "nothing to change" in p.stdout
    assert (repo / ".git" / "config").read_bytes() == before


def test_init_outside_a_repository_fails_with_a_reason(tmp_path, git_env):
    p = nbteam("init", cwd=tmp_path)
    assert p.returncode == 2
    assert "not inside a git repository" in p.stderr


def test_global_scope_writes_user_config_and_xdg_attributes(repo, git_env, tmp_path):
    home = Path(git_env["HOME"])
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Ada\n[merge]\n\ttool = vimdiff\n")
    before = gitconfig.read_bytes()
    repo_config = (repo / ".git" / "config").read_bytes()
    p = nbteam("init", "--global", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    xdg_attrs = Path(git_env["XDG_CONFIG_HOME"]) / "git" / "attributes"
    assert xdg_attrs.read_text() == LINE + "\n"
    assert (repo / ".git" / "config").read_bytes() == repo_config  # repo untouched
    assert not (repo / ".gitattributes").exists()
    assert git(repo, "check-attr", "merge", "filter", "--", "n.ipynb").stdout == \
        "n.ipynb: merge: nbteam\nn.ipynb: filter: nbteam\n"
    assert git(repo, "config", "--show-scope", "merge.nbteam.driver").stdout.startswith("global")
    p = nbteam("uninstall", "--global", cwd=tmp_path)
    assert p.returncode == 0
    assert gitconfig.read_bytes() == before
    assert not xdg_attrs.exists()


def test_global_scope_uses_core_attributes_file(git_env, tmp_path):
    home = Path(git_env["HOME"])
    custom = home / "my-attributes"
    custom.write_text("*.pdf binary\n")
    (home / ".gitconfig").write_text("[core]\n\tattributesFile = ~/my-attributes\n")
    assert nbteam("init", "--global", cwd=tmp_path).returncode == 0
    assert custom.read_text() == f"*.pdf binary\n{LINE}\n"
    assert not (Path(git_env["XDG_CONFIG_HOME"]) / "git" / "attributes").exists()
    assert nbteam("uninstall", "--global", cwd=tmp_path).returncode == 0
    assert custom.read_text() == "*.pdf binary\n"
    assert (home / ".gitconfig").read_text() == "[core]\n\tattributesFile = ~/my-attributes\n"


def test_global_uninstall_deletes_a_config_file_init_created(git_env, tmp_path):
    home = Path(git_env["HOME"])
    assert nbteam("init", "--global", cwd=tmp_path).returncode == 0
    assert (home / ".gitconfig").exists()
    assert nbteam("uninstall", "--global", cwd=tmp_path).returncode == 0
    assert not (home / ".gitconfig").exists()


def _base_and_branches(repo: Path) -> None:
    write_nb(repo / "nb.ipynb", make_nb("a = 1\n", "b = 2\n", "c = 3\n"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "other")
    write_nb(repo / "nb.ipynb", make_nb("a = 1\n", "b = 2\n", "c = 30\n", "d = 4\n"))
    git(repo, "commit", "-qam", "theirs")
    git(repo, "checkout", "-q", "main")
    write_nb(repo / "nb.ipynb", make_nb("a = 10\n", "b = 2\n", "c = 3\n", "e = 5\n"))
    git(repo, "commit", "-qam", "ours")


def test_merge_goes_through_nbteam_without_the_venv_on_path(repo, git_env):
    (repo / "sub").mkdir()
    assert nbteam("init", cwd=repo / "sub").returncode == 0
    env = {**git_env, "PATH": no_venv_path()}
    _base_and_branches(repo)
    p = git(repo, "merge", "--no-edit", "other", check=False, env=env)
    assert "nbteam: nb.ipynb: merged" in p.stderr, p.stderr
    assert "not found" not in p.stderr
    sources = [join_source(c["source"]) for c in read_notebook(repo / "nb.ipynb")["cells"]]
    assert sources[:3] == ["a = 10\n", "b = 2\n", "c = 30\n"]
    # The same merge with no driver is a text conflict: the line above came from nbteam.
    git(repo, "merge", "--abort", check=False)


def fake_venv(where: Path) -> str:
    """A venv-like interpreter at where/bin/python (the real one linked, its site-packages shared)."""
    venv = Path(sys.prefix)
    (where / "bin").mkdir(parents=True)
    os.symlink(os.path.abspath(sys.executable), where / "bin" / "python")
    shutil.copy(venv / "pyvenv.cfg", where / "pyvenv.cfg")
    os.symlink(venv / "lib", where / "lib")
    return str(where / "bin" / "python")


def test_interpreter_path_with_percent_placeholders_is_escaped(repo, git_env, tmp_path):
    # git expands %A, %O, %B, %L, %P in the merge driver (and %f in clean): a path holding them
    # must reach the shell unchanged, and doctor must prove the commands really start.
    python = fake_venv(tmp_path / "env %A %O %P 100%")
    p = nbteam("init", "--python", python, cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "env %%A %%O %%P 100%%" in git(repo, "config", "merge.nbteam.driver").stdout
    assert "env %A %O %P 100%/" in git(repo, "config", "filter.nbteam.process").stdout  # not expanded by git
    doctor = nbteam("doctor", cwd=repo)
    assert doctor.returncode == 0, doctor.stdout
    assert f"✓ merge driver (local config): {python} runs nbteam" in doctor.stdout
    _base_and_branches(repo)
    p = git(repo, "merge", "--no-edit", "other", check=False, env={**git_env, "PATH": no_venv_path()})
    assert "nbteam: nb.ipynb: merged" in p.stderr, p.stderr
    sources = [join_source(c["source"]) for c in read_notebook(repo / "nb.ipynb")["cells"]]
    assert sources[:3] == ["a = 10\n", "b = 2\n", "c = 30\n"]


def test_doctor_catches_a_command_git_cannot_start(repo, tmp_path):
    # The same interpreter registered by hand without escaping: git turns %A into a temp file name.
    python = fake_venv(tmp_path / "env%A")
    assert nbteam("init", "--python", python, cwd=repo).returncode == 0
    broken = launcher.command("merge.nbteam.driver", python).replace("%%", "%")
    git(repo, "config", "merge.nbteam.driver", broken)
    p = nbteam("doctor", cwd=repo)
    assert p.returncode == 1
    assert "✗ merge driver (local config): does not start as git runs it: " in p.stdout, p.stdout
    assert "fix: nbteam init" in p.stdout


def test_interpreter_path_with_spaces_is_quoted(repo, git_env, tmp_path):
    # A venv-like interpreter under a directory with a space: git must still run it.
    python = fake_venv(tmp_path / "my envs" / "team venv")
    p = nbteam("init", "--python", python, cwd=repo)
    assert p.returncode == 0, p.stderr
    assert f'exec "{python}" -I -S ' in git(repo, "config", "merge.nbteam.driver").stdout
    _base_and_branches(repo)
    p = git(repo, "merge", "--no-edit", "other", check=False, env={**git_env, "PATH": no_venv_path()})
    assert "nbteam: nb.ipynb: merged" in p.stderr, p.stderr


def test_other_ipynb_attribute_lines_are_kept_and_reported(repo):
    attrs = repo / ".gitattributes"
    attrs.write_text("*.ipynb diff=jupyternotebook merge=jupyternotebook\n")
    p = nbteam("init", cwd=repo)
    assert attrs.read_text() == f"*.ipynb diff=jupyternotebook merge=jupyternotebook\n{LINE}\n"
    assert "nbteam's line comes later, so it wins" in p.stdout
    assert git(repo, "check-attr", "merge", "--", "x.ipynb").stdout == "x.ipynb: merge: nbteam\n"


def test_attribute_text_functions_round_trip():
    for text in ["", "a\n", "a", "a\r\nb\r\n", "\n\n", "x\n" + LINE + "\n"]:
        added, _ = install.add_attribute_line(text)
        assert added.count(LINE) == 1
        removed, lines = install.remove_attribute_lines(added)
        if LINE not in text:
            assert removed == text
        assert lines == [LINE]


def test_drop_empty_sections_keeps_non_empty_and_foreign_sections():
    text = '[merge "nbteam"]\n[merge "other"]\n[diff "nbteam"]\n\tcommand = x\n[filter "nbteam"]\n\n'
    out, dropped = install.drop_empty_sections(text)
    assert out == '[merge "other"]\n[diff "nbteam"]\n\tcommand = x\n\n'
    assert dropped == ['[merge "nbteam"]', '[filter "nbteam"]']


@pytest.mark.parametrize("path,expected", [
    ("/usr/bin/python3", '"/usr/bin/python3"'),
    ("/home/a b/venv/bin/python", '"/home/a b/venv/bin/python"'),
    ('/home/it\'s "odd"/bin/python', "'/home/it'\"'\"'s \"odd\"/bin/python'"),
    ("/x/$HOME/python", "'/x/$HOME/python'"),
])
def test_quote_program(path, expected):
    assert launcher.quote_program(path) == expected


def test_init_writes_the_team_defaults_once(repo, git_env):
    (repo / "pyproject.toml").write_text("[project]\nname = 'analysis'\n")
    p = nbteam("init", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "added [tool.nbteam] with nbteam's defaults to pyproject.toml" in p.stdout
    text = (repo / "pyproject.toml").read_text()
    assert text.startswith("[project]\nname = 'analysis'\n") and 'scratch_dir = "scratch"' in text
    assert "keep_outputs = false" in text
    again = nbteam("init", cwd=repo)
    assert "pyproject.toml" not in again.stdout and (repo / "pyproject.toml").read_text() == text


def test_init_with_a_broken_git_config_is_a_one_line_error_and_writes_nothing(repo):
    config = repo / ".git" / "config"
    config.write_text(config.read_text() + "[merge \"nbteam\"\n\tdriver = oops\n")
    before = config.read_bytes()
    for command in ("init", "uninstall"):
        p = nbteam(command, cwd=repo)
        assert p.returncode == 2, p.stdout + p.stderr
        assert p.stderr.startswith(f"nbteam {command}: ") and p.stderr.count("\n") == 1, p.stderr
        assert "Traceback" not in p.stderr and "config" in p.stderr
        assert config.read_bytes() == before
        assert sorted(x.name for x in repo.iterdir()) == [".git"]


def test_init_with_gitattributes_as_a_directory_is_a_one_line_error_and_writes_nothing(repo):
    (repo / ".gitattributes").mkdir()
    before = (repo / ".git" / "config").read_bytes()
    for command in ("init", "uninstall"):
        p = nbteam(command, cwd=repo)
        assert p.returncode == 2
        assert p.stderr == f"nbteam {command}: {repo / '.gitattributes'} is a directory, not a file; move it away and run again\n"
        assert (repo / ".git" / "config").read_bytes() == before
        assert sorted(x.name for x in repo.iterdir()) == [".git", ".gitattributes"]


def test_a_teammates_clone_init_and_uninstall_leave_the_committed_attributes_alone(repo, tmp_path):
    assert nbteam("init", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "nbteam for the team")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    before = (clone / ".gitattributes").read_bytes()
    p = nbteam("init", cwd=clone)
    assert p.returncode == 0, p.stderr
    assert "set merge.nbteam.driver" in p.stdout
    assert "Commit" not in p.stdout  # nothing to commit: the team's files are already in HEAD
    assert git(clone, "status", "--porcelain").stdout == ""
    p = nbteam("uninstall", cwd=clone)
    assert p.returncode == 0, p.stderr
    assert (clone / ".gitattributes").read_bytes() == before
    assert f"note: left `{LINE}` in {clone / '.gitattributes'}: it is committed, so it is the team's" in p.stdout
    assert git(clone, "status", "--porcelain").stdout == ""
    assert git(clone, "config", "--get-regexp", "nbteam", check=False).stdout == ""


def test_uninstall_says_when_it_leaves_a_line_the_user_edited(repo):
    assert nbteam("init", cwd=repo).returncode == 0
    attrs = repo / ".gitattributes"
    attrs.write_text("*.ipynb merge=nbteam diff=nbteam filter=nbteam -text\n")
    p = nbteam("uninstall", cwd=repo)
    assert p.returncode == 0
    assert attrs.read_text() == "*.ipynb merge=nbteam diff=nbteam filter=nbteam -text\n"
    assert ("note: left `*.ipynb merge=nbteam diff=nbteam filter=nbteam -text` in "
            f"{attrs}: it names nbteam but is not a line init writes; edit it by hand") in p.stdout
