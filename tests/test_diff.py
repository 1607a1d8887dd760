"""The cell-aware diff: the pure diff, `nbteam diff` transcripts, and git's diff/log/show through the drivers."""
from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import ROOT, git, make_nb, nbteam, write_nb
from nbteam.diff.textconv import textconv
from nbteam.diff.notebook import EMPTY, ChangeKind, diff_notebooks
from test_init import no_venv_path

GOLDEN = ROOT / "tests" / "golden" / "diff"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.txt").exists())


def test_golden_cases_exist():
    assert {"all_kinds", "outputs_only", "no_ids_metadata", "metadata_values", "outputs_option"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_transcript_matches_golden(case, git_env):
    """`nbteam diff [args] old.ipynb new.ipynb` prints expected.txt (args: the case's `args` file)."""
    args = (GOLDEN / case / "args").read_text().split() if (GOLDEN / case / "args").exists() else []
    p = nbteam("diff", *args, "old.ipynb", "new.ipynb", cwd=GOLDEN / case)
    assert p.returncode == 1, p.stderr
    assert p.stdout == (GOLDEN / case / "expected.txt").read_text()
    assert "\x1b[" not in p.stdout  # not a terminal: no colour


@pytest.mark.parametrize("case", [c for c in CASES if (GOLDEN / c / "textconv.txt").exists()])
def test_textconv_matches_golden(case):
    """textconv.txt is what `git log -p` and `git show` diff for new.ipynb."""
    assert textconv((GOLDEN / case / "new.ipynb").read_bytes(), "new.ipynb") == (GOLDEN / case / "textconv.txt").read_text()


def test_colour_only_when_asked_or_on_a_terminal(git_env):
    case = GOLDEN / "all_kinds"
    p = nbteam("diff", "--color=always", "old.ipynb", "new.ipynb", cwd=case)
    assert "\x1b[31m-THRESHOLD = 0.5\x1b[m" in p.stdout and "\x1b[32m+THRESHOLD = 0.7\x1b[m" in p.stdout
    p = nbteam("diff", "old.ipynb", "new.ipynb", cwd=case, env={**git_env, "NBTEAM_COLOR": "always"})
    assert "\x1b[" in p.stdout
    p = nbteam("diff", "old.ipynb", "new.ipynb", cwd=case, env={**git_env, "GIT_PAGER_IN_USE": "true", "NO_COLOR": "1"})
    assert "\x1b[" not in p.stdout


def test_identical_notebooks_and_execution_counts_only(tmp_path, git_env):
    a = make_nb("x = 1", "y = 2")
    b = json.loads(json.dumps(a))
    b["cells"][0]["execution_count"] = 12
    write_nb(tmp_path / "a.ipynb", a)
    write_nb(tmp_path / "b.ipynb", b)
    p = nbteam("diff", "a.ipynb", "b.ipynb", cwd=tmp_path)
    assert (p.returncode, p.stdout) == (0, "")
    assert diff_notebooks(a, b).empty


def test_moves_without_ids_by_content():
    a = make_nb("a = 1", "b = 2", "c = 3", "d = 4", ids=False)
    b = make_nb("d = 4", "a = 1", "b = 2", "c = 3", ids=False)
    d = diff_notebooks(a, b)
    assert [(c.kind, c.old, c.new) for c in d.cells] == [(ChangeKind.MOVED, 3, 0)]


def test_moved_and_modified_by_id():
    a = make_nb("a = 1", "b = 2", "c = 3", "d = 4")
    b = make_nb("a = 1", "b = 2", "c = 3", "d = 4")
    moved = b["cells"].pop(0)
    moved["source"] = "a = 100"
    b["cells"].append(moved)
    d = diff_notebooks(a, b)
    assert [(c.kind, c.old, c.new, c.source_changed) for c in d.cells] == [(ChangeKind.MOVED, 0, 3, True)]
    assert [line for h in d.cells[0].hunks for line in h.lines] == [("-", "a = 1"), ("+", "a = 100")]


def test_new_and_deleted_notebook():
    nb = make_nb("a = 1\nb = 2", "c")
    assert [(c.kind, c.new) for c in diff_notebooks(EMPTY, nb).cells] == [(ChangeKind.ADDED, 0), (ChangeKind.ADDED, 1)]
    assert [(c.kind, c.old) for c in diff_notebooks(nb, EMPTY).cells] == [(ChangeKind.DELETED, 0), (ChangeKind.DELETED, 1)]


def test_invalid_json_falls_back_to_a_text_diff(tmp_path, git_env):
    write_nb(tmp_path / "a.ipynb", make_nb("x = 1"))
    (tmp_path / "b.ipynb").write_text("{broken\n")
    p = nbteam("diff", "a.ipynb", "b.ipynb", cwd=tmp_path)
    assert p.returncode == 1
    assert "## b.ipynb is not valid JSON (line 1: Expecting property name enclosed in double quotes): plain text diff" in p.stdout
    assert "+{broken" in p.stdout


def test_textconv_view():
    nb = make_nb("import os\nx = 1", "y")
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    nb["cells"][1]["metadata"] = {"tags": ["slow"], "collapsed": True}  # collapsed: view state, not shown
    nb["metadata"] = {"kernelspec": {"name": "python3"}, "widgets": {"state": {}}}
    assert textconv(json.dumps(nb).encode()) == (
        '# notebook: nbformat 4.5, kernel python3\n# metadata.kernelspec: {"name": "python3"}\n\n'
        "# %% [code] id=c0\nimport os\nx = 1\n\n"
        '# %% [code] id=c1 (1 output)\n# metadata.tags: ["slow"]\n# output 1: stream stdout, 56 B, 6e3360c\ny\n')
    assert textconv(b"not json\n") == ("# nbteam: not shown as a notebook (notebook is not valid JSON "
                                        "(line 1: Expecting value)); raw text follows\nnot json\n")


# --- through git ------------------------------------------------------------------------------------

@pytest.fixture
def history(repo):
    """A repo after `nbteam init` with two commits of nb.ipynb: the all_kinds old and new versions."""
    assert nbteam("init", cwd=repo).returncode == 0
    shutil.copy(GOLDEN / "all_kinds" / "old.ipynb", repo / "nb.ipynb")
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    shutil.copy(GOLDEN / "all_kinds" / "new.ipynb", repo / "nb.ipynb")
    (repo / "README.md").write_text("hello world\n")
    git(repo, "commit", "-qam", "second")
    return repo


def test_git_diff_uses_the_cell_aware_driver_without_venv_on_path(history, git_env):
    env = {**git_env, "PATH": no_venv_path()}
    p = git(history, "diff", "HEAD~1", "HEAD", env=env)
    assert p.stdout == (GOLDEN / "git_diff_HEAD~1_HEAD.txt").read_text()
    # README.md is not a notebook: git's own diff.
    assert "diff --git a/README.md b/README.md" in p.stdout and "+hello world" in p.stdout


def test_nbteam_diff_with_revisions_matches_git_diff(history):
    via_git = git(history, "diff", "HEAD~1", "HEAD", "--", "nb.ipynb").stdout
    p = nbteam("diff", "HEAD~1", "HEAD", "--", "nb.ipynb", cwd=history)
    assert p.returncode == 0, p.stderr
    assert p.stdout == via_git
    sub = history / "sub"
    sub.mkdir()
    assert nbteam("diff", "HEAD~1", "HEAD", cwd=sub).stdout == via_git  # notebooks only, from anywhere


def test_git_log_p_and_show_use_the_textconv_view(history):
    for args in (["log", "-p", "-1", "--format="], ["show", "--format=", "HEAD"]):
        out = git(history, *args).stdout
        assert "-THRESHOLD = 0.5" in out and "+THRESHOLD = 0.7" in out
        assert "+# %% [markdown] id=regions" in out
        assert '"source"' not in out  # no JSON
        assert "@@ -14,20 +17,18 @@ # %% [code] id=load" in out  # hunk headers name the cell
        assert '+# metadata.tags: ["parameters"]' in out  # a metadata change shows
    out = git(history, "log", "-p", "--ext-diff", "-1", "--format=").stdout
    assert "## modified cell 4 -> 5 (code); metadata changed: tags" in out


def test_work_tree_index_and_cached(history):
    nb = json.loads((history / "nb.ipynb").read_text())
    nb["cells"][2]["source"] = ["import csv\n", "import json\n", "from teamlib import load_sales\n"]
    nb["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ok\n"}]
    write_nb(history / "nb.ipynb", nb)
    expected_tail = "## modified cell 3 (code)\n@@ -1,2 +1,3 @@\n import csv\n+import json\n from teamlib import load_sales\n"
    p = nbteam("diff", cwd=history)
    # The work tree keeps its outputs and the index (cleaned by the filter) has none: not worth a count.
    assert p.stdout.endswith(expected_tail), p.stdout
    assert git(history, "diff").stdout == p.stdout
    assert nbteam("diff", "--cached", cwd=history).stdout == ""
    git(history, "add", "nb.ipynb")
    p = nbteam("diff", "--cached", "--exit-code", cwd=history)
    assert p.returncode == 1 and p.stdout.endswith(expected_tail)
    assert git(history, "diff", "--cached").stdout == p.stdout


def test_added_deleted_and_renamed_notebooks(history):
    write_nb(history / "new.ipynb", make_nb("fresh = True"))
    git(history, "add", "new.ipynb")
    out = git(history, "diff", "--cached").stdout
    assert out == ("diff --nbteam a/new.ipynb b/new.ipynb\n--- /dev/null\n+++ b/new.ipynb\n"
                   "## added cell 1 (code)\n+fresh = True\n")
    assert nbteam("diff", "--cached", cwd=history).stdout == out
    git(history, "commit", "-qm", "new")
    git(history, "rm", "-q", "new.ipynb")
    out = git(history, "diff", "--cached").stdout
    assert out == ("diff --nbteam a/new.ipynb b/new.ipynb\n--- a/new.ipynb\n+++ /dev/null\n"
                   "## deleted cell 1 (code)\n-fresh = True\n")
    git(history, "reset", "-q", "--hard")
    git(history, "mv", "nb.ipynb", "renamed.ipynb")
    out = git(history, "diff", "--cached", "-M").stdout
    assert out == ("diff --nbteam a/nb.ipynb b/renamed.ipynb\nsimilarity index 100%\nrename from nb.ipynb\n"
                   "rename to renamed.ipynb\n--- a/nb.ipynb\n+++ b/renamed.ipynb\n")


def test_unmerged_notebook_shows_the_conflict_readably(history):
    git(history, "checkout", "-qb", "other", "HEAD~1")
    nb = json.loads((history / "nb.ipynb").read_text())
    nb["cells"][3]["source"] = "THRESHOLD = 0.9\nbig = [r for r in rows if r['share'] > THRESHOLD]"
    write_nb(history / "nb.ipynb", nb)
    git(history, "commit", "-qam", "other")
    p = git(history, "merge", "main", check=False)
    assert p.returncode == 1 and "nbteam: nb.ipynb: merged, 1 conflict" in p.stderr
    out = git(history, "diff").stdout
    assert "diff --cc nb.ipynb" in out and "++<<<<<<< HEAD" in out and '"source"' not in out


def test_driver_arguments_contract(tmp_path, git_env):
    write_nb(tmp_path / "a.ipynb", make_nb("x = 1"))
    write_nb(tmp_path / "b.ipynb", make_nb("x = 2"))
    p = nbteam("diff-driver", "nb.ipynb", "a.ipynb", "1" * 40, "100644", "b.ipynb", "2" * 40, "100644", cwd=tmp_path)
    assert p.returncode == 0
    assert p.stdout == ("diff --nbteam a/nb.ipynb b/nb.ipynb\n--- a/nb.ipynb\n+++ b/nb.ipynb\n"
                        "## modified cell 1 (code)\n@@ -1 +1 @@\n-x = 1\n+x = 2\n")
    p = nbteam("diff-driver", "nb.ipynb", cwd=tmp_path)
    assert (p.returncode, p.stdout) == (0, "* Unmerged path nb.ipynb\n")
    p = nbteam("diff-driver", "a", "b", cwd=tmp_path)  # a wrong call must not stop git's whole diff
    assert p.returncode == 0 and "expected 7 or 9 arguments" in p.stderr


def test_unified_hunks_apply_back_to_the_new_lines():
    import random

    from nbteam.seq.diff import unified_hunks

    rnd = random.Random(4)
    for _ in range(2000):
        a = [str(rnd.randint(0, 5)) for _ in range(rnd.randint(0, 30))]
        b = list(a)
        for _ in range(rnd.randint(0, 6)):
            k = rnd.randint(0, len(b))
            op = rnd.random()
            if op < 0.4:
                b.insert(k, str(rnd.randint(0, 9)))
            elif b:
                b[min(k, len(b) - 1):min(k, len(b) - 1) + 1] = [] if op < 0.8 else ["x"]
        for context in (0, 1, 3):
            out, pos = [], 0
            for h in unified_hunks(a, b, context):
                out += a[pos:h.a_start - 1]
                pos = h.a_start - 1
                for tag, line in h.lines:
                    if tag in " -":
                        assert a[pos] == line
                        pos += 1
                    if tag in " +":
                        out.append(line)
                assert sum(t in " -" for t, _ in h.lines) == h.a_len and sum(t in " +" for t, _ in h.lines) == h.b_len
            assert out + a[pos:] == b


def _apply_unified(old: str, patch: str) -> str:
    """Apply `diff -u` text (as unified_text writes it) to old; for checking, not for users."""
    src = old.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    lines = patch.splitlines(keepends=True)[2:]
    k = 0
    while k < len(lines):
        header = lines[k]
        start = int(header.split()[1][1:].split(",")[0])
        length = int(header.split()[1].split(",")[1]) if "," in header.split()[1] else 1
        begin = start - 1 if length else start
        out += src[pos:begin]
        pos = begin
        k += 1
        while k < len(lines) and not lines[k].startswith("@@"):
            tag, text = lines[k][0], lines[k][1:]
            if k + 1 < len(lines) and lines[k + 1].startswith("\\ No newline"):
                text = text[:-1]
                k += 1
            if tag in " -":
                pos += 1
            if tag in " +":
                out.append(text)
            k += 1
    return "".join(out + src[pos:])


@given(st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d", "e\n"]), max_size=12),
       st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d", "e\n"]), max_size=12))
def test_unified_text_rebuilds_the_new_text(old_lines, new_lines):
    from nbteam.seq.diff import unified_text

    old, new = "".join(old_lines), "".join(new_lines)
    patch = unified_text(old, new, "a/m.py", "b/m.py")
    assert (patch == "") == (old == new)
    if patch:
        assert patch.startswith("--- a/m.py\n+++ b/m.py\n@@ ")
        assert _apply_unified(old, patch) == new


@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: ('{"cells": [' + t).encode("utf-8", "surrogatepass")))
def test_textconv_never_raises(data):
    out = textconv(data)
    assert isinstance(out, str)
    assert not data.strip() or out.startswith(("# notebook:", "# nbteam: not shown as a notebook ("))


def test_fields_nbteam_does_not_know_still_show():
    """The filter keeps unknown fields, so a change in one must not be invisible in the diff."""
    a = make_nb("x = 1")
    b = json.loads(json.dumps(a))
    b["cells"][0]["custom"] = 1
    b["extra"] = {"x": 1}
    d = diff_notebooks(a, b)
    assert d.metadata_keys == ("field extra",) and d.cells[0].metadata_keys == ("field custom",)
    assert [(v.old, v.new) for v in d.cells[0].metadata] == [(None, "1")]


def test_machine_metadata_changes_are_shown(tmp_path, git_env):
    """Machine metadata never conflicts in a merge, but a diff still shows its changes."""
    a = make_nb("x = 1")
    b = json.loads(json.dumps(a))
    b["metadata"]["environment"] = {"name": "tf2-gpu.2-11.m104"}
    b["cells"][0]["metadata"]["vscode"] = {"languageId": "python"}
    write_nb(tmp_path / "a.ipynb", a)
    write_nb(tmp_path / "b.ipynb", b)
    p = nbteam("diff", "a.ipynb", "b.ipynb", cwd=tmp_path, env={**git_env, "NO_COLOR": "1"})
    assert "environment" in p.stdout and "tf2-gpu.2-11.m104" in p.stdout and "languageId" in p.stdout, p.stdout
