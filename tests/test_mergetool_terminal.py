"""`git mergetool` opening nbteam's merge tool in a real terminal (a pseudo-terminal), as a user runs it.

git passes $BASE, $LOCAL, $REMOTE and $MERGED: the tool shows the base git passed (issue 17
item 5), shows a bare commit id label with its short id and subject (item 7), and writes the
notebook keeping the outputs of unchanged cells, as `nbteam resolve --theirs` does (item 5).
"""
from __future__ import annotations

import os
import re
import select
import shutil
import signal
import sys
from pathlib import Path

import pytest

from helpers import git, nbteam
from outputs_helpers import branch_with, commit_sources, new_repo, outputs_by_source, run_notebook

pytest.importorskip("textual")
if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pseudo-terminals are POSIX", allow_module_level=True)

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07")


class Terminal:
    """A command in a pseudo-terminal: wait for text on its screen, type keys."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]):
        import fcntl
        import pty
        import struct
        import termios

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the command, with the terminal as its stdin/stdout/stderr
            try:
                os.chdir(cwd)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
        self.seen = ""

    def read_until(self, *texts: str, limit: float = 120.0) -> str:
        """Read the screen until one of `texts` appears (escape codes removed); fail with what was seen."""
        import time

        text = " or ".join(texts)
        end = time.monotonic() + limit  # only a guard against hanging, never a measurement
        while not any(t in self.seen for t in texts):
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} never appeared; the screen had:\n{self.seen[-3000:]}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 1.0))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} never appeared before the program ended:\n{self.seen[-3000:]}")
                self.seen += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return self.seen

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self) -> int:
        """The exit status (reading on so the program never blocks on a full terminal)."""
        while True:
            try:
                if not os.read(self.fd, 65536):
                    break
            except OSError:
                break
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass
        os.close(self.fd)


def mergetool(repo: Path, env: dict) -> Terminal:
    term_env = {**env, "TERM": "xterm-256color", "COLUMNS": "140", "LINES": "40"}
    return Terminal(["git", "mergetool", "--no-prompt", "--tool", "nbteam", "nb.ipynb"], repo, term_env)


@pytest.fixture
def conflicted(tmp_path, git_env) -> Path:
    """Mid-merge: cell 3 conflicts (base `c base line`), cells 1 and 2 have outputs in the working copy."""
    repo = new_repo(tmp_path / "repo")
    commit_sources(repo, "a", "b", "c base line")
    branch_with(repo, "feature", "a", "b", "c theirs")
    commit_sources(repo, "a", "b", "c ours")
    run_notebook(repo)
    assert git(repo, "merge", "feature", check=False).returncode == 1
    return repo


def test_git_mergetool_shows_the_base_and_keeps_outputs_of_unchanged_cells(conflicted, git_env):
    assert outputs_by_source(conflicted / "nb.ipynb")["a"] == ["run: a\n"]
    term = mergetool(conflicted, git_env)
    try:
        screen = term.read_until("conflict 1 of 1")
        term.read_until("c theirs")
        screen = term.read_until("c base line", "(no base")
        assert "(no base" not in screen
        term.type("t")
        term.read_until("all decided")
        term.type("w")
        code = term.wait()
    finally:
        term.kill()
    assert code == 0
    assert not git(conflicted, "ls-files", "-u").stdout  # git took the exit code: resolved
    outputs = {k.rstrip("\n"): v for k, v in outputs_by_source(conflicted / "nb.ipynb").items()}
    assert outputs == {"a": ["run: a\n"], "b": ["run: b\n"], "c theirs": []}, outputs


def test_resolve_theirs_and_the_mergetool_form_keep_the_same_outputs(conflicted, tmp_path):
    """The mergetool form with a side (no terminal needed) writes what `nbteam resolve --theirs` writes."""
    plain = tmp_path / "plain.ipynb"
    shutil.copy(conflicted / "nb.ipynb", plain)
    assert nbteam("resolve", str(plain), "--theirs", cwd=conflicted).returncode == 0
    stages = {}
    for n, name in ((1, "BASE"), (2, "LOCAL"), (3, "REMOTE")):
        stages[name] = tmp_path / f"{name}.ipynb"
        stages[name].write_text(git(conflicted, "show", f":{n}:nb.ipynb").stdout)
    p = nbteam("resolve", "--base", str(stages["BASE"]), "--local", str(stages["LOCAL"]),
               "--remote", str(stages["REMOTE"]), "nb.ipynb", "--theirs", cwd=conflicted)
    assert p.returncode == 0, p.stderr
    tool = outputs_by_source(conflicted / "nb.ipynb")
    assert tool == outputs_by_source(plain)
    assert {k.rstrip("\n"): v for k, v in tool.items()} == {"a": ["run: a\n"], "b": ["run: b\n"], "c theirs": []}


def test_mergetool_after_a_pull_shows_the_commit_subject(tmp_path, git_env):
    upstream = new_repo(tmp_path / "upstream")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    assert nbteam("init", cwd=clone).returncode == 0
    commit_sources(upstream, "a", "b", "c upstream", message="upstream edit")
    commit_sources(clone, "a", "b", "c clone", message="clone edit")
    assert git(clone, "-c", "pull.rebase=false", "pull", check=False).returncode != 0
    short = git(upstream, "rev-parse", "--short", "HEAD").stdout.strip()
    term = mergetool(clone, git_env)
    try:
        term.read_until("conflict 1 of 1")
        screen = term.read_until("? help")  # the first whole screen has been drawn
        assert f"{short} (upstream edit)" in screen, screen
        term.type("q")
        term.wait()
    finally:
        term.kill()
