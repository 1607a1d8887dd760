"""`nbteam diff` against real git: exit codes like `git diff --exit-code`, errors, history views that never stop."""
from __future__ import annotations

import json
import os

import pytest

from helpers import git, make_nb, nbteam, write_nb


@pytest.fixture
def inited(repo):
    """A repository after `nbteam init` with one committed notebook, nb.ipynb."""
    assert nbteam("init", cwd=repo).returncode == 0
    write_nb(repo / "nb.ipynb", make_nb("x = 1", "y = 2"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    return repo


def _exit_codes(repo, *args: str) -> tuple[int, int]:
    """(git diff --exit-code, nbteam diff --exit-code) for the same arguments."""
    g = git(repo, "diff", "--exit-code", *args, check=False).returncode
    n = nbteam("diff", "--exit-code", *args, cwd=repo)
    assert n.returncode in (0, 1), n.stderr
    return g, n.returncode


def test_exit_code_like_git_for_rename_copy_and_mode_change(inited):
    git(inited, "mv", "nb.ipynb", "renamed.ipynb")
    assert _exit_codes(inited, "--cached", "-M") == (1, 1)  # a pure rename (R100) is a difference
    out = nbteam("diff", "--cached", "-M", cwd=inited).stdout
    assert out == git(inited, "diff", "--cached", "-M").stdout
    assert "rename from nb.ipynb\nrename to renamed.ipynb" in out
    git(inited, "commit", "-qm", "rename")
    (inited / "copy.ipynb").write_bytes((inited / "renamed.ipynb").read_bytes())
    git(inited, "add", "copy.ipynb")
    assert _exit_codes(inited, "--cached", "-C", "--find-copies-harder") == (1, 1)  # C100
    git(inited, "commit", "-qm", "copy")
    (inited / "copy.ipynb").chmod(0o755)
    assert _exit_codes(inited) == (1, 1)  # mode change only
    out = nbteam("diff", cwd=inited).stdout
    assert "old mode 100644\nnew mode 100755" in out
    assert out == git(inited, "diff").stdout
    (inited / "copy.ipynb").chmod(0o644)
    assert _exit_codes(inited) == (0, 0)


def test_errors_are_one_line_and_exit_2(tmp_path, git_env, inited):
    p = nbteam("diff", "HEAD", cwd=tmp_path)  # not a repository
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == "nbteam diff: not in a git repository; give two notebook files instead\n"
    p = nbteam("diff", "no-such-rev", "--", "nb.ipynb", cwd=inited)
    assert p.returncode == 2 and p.stderr.startswith("nbteam diff: ") and len(p.stderr.splitlines()) == 1
    assert "Traceback" not in p.stderr


# --- history views never stop (issue 9 item 10) ---------------------------------------------------------

def _deep_notebook(depth: int) -> bytes:
    nb = json.dumps(make_nb("x = 1"))
    return nb.replace('"metadata": {}', '"metadata": ' + '{"k": ' * depth + "1" + "}" * depth, 1).encode()


@pytest.mark.parametrize("odd", ["non_utf8", "deep"])
def test_history_views_go_on_through_odd_notebooks(inited, odd):
    good = make_nb("x = 1", "y = 2")
    if odd == "non_utf8":
        data = json.dumps(make_nb("name = 'Jos\u00e9'")).replace("\u00e9", "\\u00e9").encode().replace(b"\\u00e9", b"\xe9")
        data2 = data.replace(b"Jos", b"Ren")
        reason = "is not UTF-8 (byte"
    else:
        data, data2 = _deep_notebook(3000), _deep_notebook(3001)
        reason = "is nested too deeply to read as a notebook"
    (inited / "odd.ipynb").write_bytes(data)
    git(inited, "add", "odd.ipynb")
    git(inited, "commit", "-qm", "odd notebook")
    (inited / "odd.ipynb").write_bytes(data2)
    write_nb(inited / "nb.ipynb", {**good, "cells": good["cells"][:1]})
    git(inited, "commit", "-qam", "later")
    log = git(inited, "log", "-p", "--format=commit %s")  # check=True: git must not stop
    assert "Traceback" not in log.stderr and "fatal" not in log.stderr
    assert "commit first" in log.stdout and "-y = 2" in log.stdout  # history after the odd file is there
    assert f"# nbteam: not shown as a notebook (odd.ipynb {reason}" in log.stdout
    show = git(inited, "show", "HEAD")
    assert "-y = 2" in show.stdout and "odd.ipynb" in show.stdout
    diff = git(inited, "diff", "HEAD~2", "HEAD")  # the diff driver, over the odd file and the good one
    assert "## modified" not in diff.stderr and "Traceback" not in diff.stderr
    assert f"## b/odd.ipynb {reason}" in diff.stdout and "## deleted cell 2 (code)" in diff.stdout
    assert git(inited, "log", "-p", "--ext-diff", "--format=").returncode == 0
    p = nbteam("diff", "HEAD~1", "HEAD", cwd=inited)
    assert p.returncode == 0 and f"## a/odd.ipynb {reason}" in p.stdout and "Traceback" not in p.stderr


def test_invalid_json_warning_once(inited):
    (inited / "nb.ipynb").write_text("{broken\n")
    for args in (["diff"], ["log", "-p", "--format="], ["show"]):
        p = git(inited, *args)
        assert p.stderr.count("is not valid JSON") <= 1, (args, p.stderr)
    assert git(inited, "diff").stderr.count("nbteam: warning: nb.ipynb is not valid JSON") == 1


# --- diffs show everything that changed (issue 11 items 1, 4, 5) ---------------------------------------

def test_a_tag_only_commit_is_visible_everywhere(inited):
    nb = json.loads((inited / "nb.ipynb").read_text())
    nb["cells"][1]["metadata"]["tags"] = ["slow"]
    write_nb(inited / "nb.ipynb", nb)
    expected = '## modified cell 2 (code); metadata changed: tags\n  tags: (unset) -> ["slow"]\n'
    assert git(inited, "diff").stdout.endswith(expected)  # the diff driver
    assert nbteam("diff", cwd=inited).stdout.endswith(expected)
    git(inited, "commit", "-qam", "tag the slow cell")
    for args in (["show", "--format="], ["log", "-p", "-1", "--format="]):
        out = git(inited, *args).stdout
        assert '\n+# metadata.tags: ["slow"]\n' in out, out  # textconv: git's own line diff
        assert ' # %% [code] id=c1\n+# metadata.tags: ["slow"]\n y = 2\n' in out  # under its cell
    assert git(inited, "show", "--ext-diff", "--format=").stdout.endswith(expected)
    assert nbteam("diff", "HEAD~1", "HEAD", cwd=inited).stdout.endswith(expected)
    nb["cells"][1]["metadata"]["tags"] = ["slow", "plot"]
    write_nb(inited / "nb.ipynb", nb)
    git(inited, "commit", "-qam", "retag")
    out = git(inited, "show", "--format=").stdout
    assert '-# metadata.tags: ["slow"]\n+# metadata.tags: ["slow", "plot"]\n' in out
    assert 'tags: ["slow"] -> ["slow", "plot"]' in git(inited, "show", "--ext-diff", "--format=").stdout


def test_outputs_option_shows_text_and_summarises_rich_outputs(tmp_path, git_env):
    old = make_nb("print('hi')", "plot()")
    new = json.loads(json.dumps(old))
    old["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hi\n", "there\n"]}]
    new["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hi\n", "you\n"]}]
    new["cells"][1]["outputs"] = [{"output_type": "display_data", "metadata": {},
                                   "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]}}]
    write_nb(tmp_path / "old.ipynb", old)
    write_nb(tmp_path / "new.ipynb", new)
    plain = nbteam("diff", "old.ipynb", "new.ipynb", cwd=tmp_path)
    assert plain.stdout.endswith("## outputs only: 2 outputs changed in cells 1, 2 (not shown; --outputs shows them)\n")
    p = nbteam("diff", "--outputs", "old.ipynb", "new.ipynb", cwd=tmp_path)
    assert p.returncode == 1
    assert p.stdout == ("--- old.ipynb\n+++ new.ipynb\n"
                        "## outputs changed in cell 1 (code)\n  outputs:\n@@ -1,3 +1,3 @@\n [out 1: stdout]\n hi\n-there\n+you\n"
                        "## outputs changed in cell 2 (code)\n  outputs:\n@@ -0,0 +1,3 @@\n+[out 1: display_data]\n"
                        "+  [image/png, 12 B, e155543]\n+<Figure>\n")


def test_phantom_modification_says_why_in_one_line(repo):
    """A teammate without `nbteam init` committed outputs: git sees a change only the filter makes."""
    nb = make_nb("x = 1")
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1\n"}]
    nb["cells"][0]["execution_count"] = 3
    write_nb(repo / "nb.ipynb", nb)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "with outputs, no filter")
    assert nbteam("init", cwd=repo).returncode == 0
    # A new mtime (explicit, in the past) makes git look at the content, whatever the clock did:
    # git compares content only for a changed stat, or racily (file and index written in one second).
    os.utime(repo / "nb.ipynb", (1_600_000_000, 1_600_000_000))
    assert git(repo, "status", "--short", "nb.ipynb").stdout == " M nb.ipynb\n"
    expected = ("diff --nbteam a/nb.ipynb b/nb.ipynb\n--- a/nb.ipynb\n+++ b/nb.ipynb\n"
                "## no cell changes: only what the output filter strips differs; the committed copy still has it "
                "(`git add --renormalize nb.ipynb` and a commit clear this)\n")
    assert git(repo, "diff").stdout == expected
    assert nbteam("diff", cwd=repo).stdout == expected


def test_conflicted_merge_shows_the_merge_state(inited):
    git(inited, "checkout", "-qb", "other")
    write_nb(inited / "nb.ipynb", make_nb("x = 2", "y = 3"))
    git(inited, "commit", "-qam", "other")
    git(inited, "checkout", "-q", "main")
    write_nb(inited / "nb.ipynb", make_nb("x = 5", "y = 2"))
    git(inited, "commit", "-qam", "main")
    assert git(inited, "merge", "other", check=False).returncode == 1
    p = nbteam("diff", "--exit-code", cwd=inited)
    assert p.returncode == 1, p.stderr
    # Cell 2 merged cleanly (theirs): like git's combined diff, only cell 1 differs from both sides.
    # (Marker labels are the merge driver's business: only their start is pinned here.)
    lines = p.stdout.splitlines()
    assert lines[:6] == ["diff --nbteam --cc nb.ipynb", "--- a/nb.ipynb (ours)", "+++ b/nb.ipynb (work tree)",
                         "## unmerged: cells that differ from both sides, shown against ours (as git diff shows a conflict)",
                         "## modified cell 1 (code)", "@@ -1 +1,5 @@"]
    assert [x[:8] if x.startswith(("+<<<", "+>>>")) else x for x in lines[6:]] == [
        "+<<<<<<<", " x = 5", "+=======", "+x = 2", "+>>>>>>>"]
    assert "+>>>>>>>" in git(inited, "diff").stdout
    assert nbteam("diff", "--cached", cwd=inited).stdout == "* Unmerged path nb.ipynb\n"
    assert git(inited, "diff", "--cached").stdout == "* Unmerged path nb.ipynb\n"


def test_delete_modify_conflict_says_which_side_deleted(inited):
    git(inited, "checkout", "-qb", "other")
    git(inited, "rm", "-q", "nb.ipynb")
    git(inited, "commit", "-qm", "delete")
    git(inited, "checkout", "-q", "main")
    write_nb(inited / "nb.ipynb", make_nb("x = 5", "y = 2"))
    git(inited, "commit", "-qam", "edit")
    assert git(inited, "merge", "other", check=False).returncode == 1
    p = nbteam("diff", "--exit-code", cwd=inited)
    assert (p.returncode, p.stdout) == (1, "diff --nbteam --cc nb.ipynb\n## unmerged: deleted in theirs\n")


def test_kept_outputs_and_counts_show_in_history(repo):
    """With `init --no-filter` outputs and counts are committed: a re-run is a visible change in git show."""
    assert nbteam("init", "--no-filter", cwd=repo).returncode == 0
    nb = make_nb("x = 1")
    nb["cells"][0].update(execution_count=1, outputs=[{"output_type": "stream", "name": "stdout", "text": "1\n"}])
    write_nb(repo / "nb.ipynb", nb)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "run")
    nb["cells"][0]["execution_count"] = 2
    write_nb(repo / "nb.ipynb", nb)
    git(repo, "commit", "-qam", "re-run")
    out = git(repo, "show", "--format=").stdout
    assert "-# execution_count: 1\n+# execution_count: 2\n" in out
    nb["cells"][0]["outputs"][0]["text"] = "2\n"
    write_nb(repo / "nb.ipynb", nb)
    git(repo, "commit", "-qam", "new output")
    out = git(repo, "show", "--format=").stdout
    assert "-# output 1: stream stdout, " in out and "+# output 1: stream stdout, " in out
    assert "## outputs only: 1 output changed in cell 1 (not shown; --outputs shows them)" in git(
        repo, "show", "--ext-diff", "--format=").stdout
    assert "-1\n+2\n" in nbteam("diff", "--outputs", "HEAD~1", "HEAD", cwd=repo).stdout


def test_history_views_go_on_through_a_lone_surrogate(inited):
    """A source with a lone surrogate escape ("\\ud800") is valid JSON no UTF-8 text can hold:
    textconv and the diff driver show it escaped instead of dying (git log -p went on to stop)."""
    data = json.dumps(make_nb("s = '\\ud800 a'", "t = 1")).replace("\\\\ud800", "\\ud800").encode()
    (inited / "odd.ipynb").write_bytes(data)
    git(inited, "add", "odd.ipynb")
    git(inited, "commit", "-qm", "odd notebook")
    (inited / "odd.ipynb").write_bytes(data.replace(b" a'", b" b'"))
    git(inited, "commit", "-qam", "later")
    for args in (["log", "-p", "--format=commit %s"], ["show", "HEAD"], ["diff", "HEAD~2", "HEAD"],
                 ["log", "-p", "--ext-diff", "--format="]):
        p = git(inited, *args)  # check=True: git must not stop
        assert "Traceback" not in p.stderr and "fatal" not in p.stderr, (args, p.stderr)
        assert "s = '\\ud800 b'" in p.stdout, (args, p.stdout)
    assert "commit first" in git(inited, "log", "-p", "--format=commit %s").stdout


# --- issue 17 items 6 and 12: git's own views during a conflict, and the textconv cache ------------


def test_git_diff_during_a_conflict_does_not_show_outputs_put_back(tmp_path, git_env):
    from outputs_helpers import conflicted_after_a_run

    repo = conflicted_after_a_run(tmp_path / "repo")
    shown = git(repo, "diff").stdout
    assert "<<<<<<<" in shown and "c theirs" in shown
    assert "execution_count" not in shown and "# output" not in shown and "output)" not in shown, shown
    # The conflicted cell is all git's combined diff shows, as `nbteam diff` does.
    changed = [line for line in shown.splitlines()[4:] if line.startswith(("+", "-", " +", " -", "++", "--"))]
    assert all("c ours" in line or "c theirs" in line or line[2:9] in ("<<<<<<<", "=======", ">>>>>>>")
               for line in changed), shown


def test_textconv_of_a_work_tree_file_shows_what_git_would_store(tmp_path, git_env):
    """`git diff --no-ext-diff` uses textconv on the working file itself: outputs there are not changes."""
    from outputs_helpers import new_repo, run_notebook

    repo = new_repo(tmp_path / "repo")
    run_notebook(repo)
    nb = json.loads((repo / "nb.ipynb").read_text())
    nb["cells"][1]["source"] = "b2"
    write_nb(repo / "nb.ipynb", nb)
    shown = git(repo, "diff", "--no-ext-diff", "--textconv").stdout
    assert "+b2" in shown
    assert "execution_count" not in shown and "# output" not in shown and "output)" not in shown, shown


def test_textconv_cache_is_on_and_its_output_stable(inited):
    assert git(inited, "config", "diff.nbteam.cachetextconv").stdout.strip() == "true"
    for k in range(3):
        write_nb(inited / "nb.ipynb", make_nb(f"x = {k}", "y = 2"))
        git(inited, "commit", "-qam", f"edit {k}")
    uncached = git(inited, "-c", "diff.nbteam.cachetextconv=false", "log", "-p").stdout
    first = git(inited, "log", "-p").stdout
    assert git(inited, "rev-parse", "-q", "--verify", "refs/notes/textconv/nbteam", check=False).returncode == 0
    assert git(inited, "log", "-p").stdout == first == uncached


def test_textconv_of_a_version_starts_light_and_reads_as_before(inited, tmp_path):
    """git starts the textconv view once per version `git log -p` shows, each from a temporary file:
    git's own arguments skip argparse, and the view imports no json, re, typing, enum, hashlib or git
    runner. What it prints equals the argparse path's (a changed view would stale git's cache)."""
    import subprocess
    import sys

    from nbteam.integration.registry import ENTRY

    nb = make_nb("x = 1", "é = 2")
    nb["cells"][0]["metadata"] = {"tags": ["slow"], "a": {"b": [1.5, None]}}
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}]
    version = write_nb(tmp_path / "blob.ipynb", nb)  # absolute, as git's temporary files are
    fast = subprocess.run([sys.executable, "-X", "importtime", "-I", "-S", ENTRY, "diff-driver", "--view=1",
                           "--textconv", str(version)], cwd=inited, capture_output=True)
    slow = subprocess.run([sys.executable, "-I", "-S", ENTRY, "diff-driver", "--textconv", str(version), "--view=1"],
                          cwd=inited, capture_output=True)
    assert fast.stdout == slow.stdout and b"# metadata.a: {\"b\": [1.5, null]}" in fast.stdout
    assert b"# output 1: stream stdout, 61 B, 3f49f87\n" in fast.stdout  # the digest as json and hashlib made it
    imported = {line.rsplit("|", 1)[1].strip() for line in fast.stderr.decode().splitlines() if "|" in line}
    assert not imported & {"argparse", "json", "re", "typing", "enum", "hashlib", "subprocess", "nbteam.git.run"}
