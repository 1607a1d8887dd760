"""index_stat: the recorded size of chosen entries becomes 0, and git still reads the index (v2, v3, v4)."""
from __future__ import annotations

import re

import pytest

from helpers import git

from nbteam.git.index_stat import mark_for_content_check, zero_sizes


def _sizes(repo) -> dict[str, int]:
    out = git(repo, "ls-files", "--debug").stdout
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S.*)\n(?:  .*\n)*?  size: (\d+)", out, re.M)}


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_sizes_of_chosen_paths_go_to_zero_and_nothing_else_changes(repo, version):
    for name in ("a.ipynb", "dir/b.ipynb", "dir/c.txt", "long-" + "x" * 40 + ".ipynb"):
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"content of {name}\n")
    git(repo, "add", "-A")
    git(repo, "update-index", f"--index-version={version}")
    git(repo, "commit", "-qm", "x")
    if version == "3":
        git(repo, "update-index", "--skip-worktree", "a.ipynb")  # an entry with v3's extended flags
    staged = git(repo, "ls-files", "-s").stdout
    assert all(_sizes(repo).values())
    chosen = {b"dir/b.ipynb", ("long-" + "x" * 40 + ".ipynb").encode()}
    assert mark_for_content_check(str(repo / ".git" / "index"), chosen) is True
    sizes = _sizes(repo)
    assert sizes["dir/b.ipynb"] == 0 and sizes["long-" + "x" * 40 + ".ipynb"] == 0
    assert sizes["a.ipynb"] and sizes["dir/c.txt"]
    assert git(repo, "ls-files", "-s").stdout == staged  # same objects, modes, stages
    assert git(repo, "status", "--porcelain").stdout == ""  # git accepts the checksum; content unchanged
    assert mark_for_content_check(str(repo / ".git" / "index"), set()) is False  # git refreshed: sizes back


def test_unknown_or_damaged_index_is_left_alone():
    assert zero_sizes(b"DIRC" + b"\0\0\0\x05" + b"\0" * 40, {b"x"}, 20) is None
    assert zero_sizes(b"not an index at all, not at all", {b"x"}, 20) is None


def test_a_held_lock_is_respected(repo):
    (repo / "a.ipynb").write_text("{}\n")
    git(repo, "add", "a.ipynb")
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    assert mark_for_content_check(str(repo / ".git" / "index"), {b"a.ipynb"}, tries=1) is None
    assert lock.read_text() == ""
