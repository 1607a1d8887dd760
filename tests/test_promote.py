"""`%%writefile` promotion: parsing, targets, states, refusals, `-a`, staging, and a real git merge."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from nbteam.config import Config
from nbteam.scratch.manifest import Mode, PromotionRecord, dumps_manifest, parse_manifest, read_manifest, sha256
from nbteam.scratch.guards import PromoteError, ScratchContext
from nbteam.scratch.promote import PROMOTED, REFUSED, UNCHANGED, plan_notebook
from nbteam.scratch.plan import CELL_CHANGED, IN_SYNC, INVALID, MODULE_CHANGED, NEW
from nbteam.scratch.scan import scan_worktree
from nbteam.scratch.writefile import MagicError, parse_writefile, resolve_target

ADA = "scratch/ada/explore.ipynb"
GRACE = "scratch/grace/cleaning.ipynb"
FEATURES = "teamlib/features.py"


def set_cell(repo: Path, notebook: str, index: int, source: str) -> None:
    """Edit one cell's source in place, as saving the notebook in Jupyter would."""
    path = repo / notebook
    nb = json.loads(path.read_text())
    nb["cells"][index]["source"] = source
    path.write_text(json.dumps(nb, indent=1) + "\n")


def states(repo: Path) -> dict[tuple[str, str], str]:
    """(notebook, cell key) -> state for every promotable cell in the work tree."""
    notebooks, error = scan_worktree(repo, Config())
    assert error is None
    return {(n.path, c.key): c.state for n in notebooks for c in n.promotable()}


def promote(repo: Path, notebook: str, *cells: str, user: str = "ada", force: bool = False, dry_run: bool = False):
    plan = plan_notebook(ScratchContext(repo, Config(), user), notebook, list(cells) or None, force=force)
    return plan.outcomes if dry_run else plan.apply()


# --- parsing the magic ------------------------------------------------------------------------

@pytest.mark.parametrize("source, target, append, body", [
    ("%%writefile mod.py\nx = 1\n", "mod.py", False, "x = 1\n"),
    ("%%writefile -a mod.py\nx = 1", "mod.py", True, "x = 1\n"),
    ("%%writefile --append 'my dir/mod.py'\nx = 1\n", "my dir/mod.py", True, "x = 1\n"),
    ('\n\n%%writefile "a b.py"\r\nx = 1\r\ny = 2\r\n', "a b.py", False, "x = 1\ny = 2\n"),
    ("%%writefile mod.py -a\nx\n", "mod.py", True, "x\n"),
    ("%%writefile mod.py\n", "mod.py", False, ""),
])
def test_parse_writefile(source, target, append, body):
    magic = parse_writefile(source)
    assert (magic.target, magic.append, magic.body) == (target, append, body)


@pytest.mark.parametrize("source", ["x = 1\n%%writefile a.py\n", "# %%writefile a.py\n", "%%writefiles a.py\n", "%%time\nx"])
def test_not_a_writefile_cell(source):
    assert parse_writefile(source) is None


@pytest.mark.parametrize("source, words", [
    ("%%writefile\nx\n", "no target"),
    ("%%writefile a.py b.py\nx\n", "2 targets"),
    ("%%writefile 'a.py\nx\n", "cannot parse"),
    ("%%writefile --bogus a.py\nx\n", "unknown option"),
])
def test_malformed_magic(source, words):
    with pytest.raises(MagicError, match=words):
        parse_writefile(source)


def test_resolve_target_like_jupyter(tmp_path):
    assert resolve_target("scratch/ada/x.ipynb", "../../teamlib/f.py") == "teamlib/f.py"
    assert resolve_target("scratch/ada/x.ipynb", "helpers.py") == "scratch/ada/helpers.py"
    assert resolve_target("x.ipynb", "./teamlib//f.py") == "teamlib/f.py"
    assert resolve_target("x.ipynb", str(tmp_path / "teamlib" / "f.py"), tmp_path) == "teamlib/f.py"


@pytest.mark.parametrize("target, words", [
    ("../../../outside.py", "outside the repository"),
    ("sub/../../../escape.py", "outside the repository"),
    ("/etc/passwd", "outside the repository"),
    ("../.git/hooks/pre-commit", "inside .git"),
    ("~/evil.py", "outside the repository"),
])
def test_resolve_target_refuses_escapes(tmp_path, target, words):
    with pytest.raises(MagicError, match=words):
        resolve_target("scratch/x.ipynb", target, tmp_path / "repo")


# --- promotion in real repositories -------------------------------------------------------------

def test_new_cell_is_written_with_diff_preview_and_manifest(repo):
    write_nb(repo / ADA, make_nb("import pandas as pd", "%%writefile ../../teamlib/features.py\ndef add_one(x):\n    return x + 1"))
    assert states(repo) == {(ADA, "c1"): NEW}
    p = nbteam("promote", ADA, cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "--- /dev/null\n+++ b/teamlib/features.py\n" in p.stdout
    assert "+def add_one(x):" in p.stdout
    assert "cell 2 (c1) -> teamlib/features.py: promoted" in p.stdout
    assert (repo / FEATURES).read_text() == "def add_one(x):\n    return x + 1\n"
    [entry] = read_manifest(repo, ".nbteam/promotions.jsonl").values()
    assert (entry.target, entry.notebook, entry.cell, entry.mode, entry.user, entry.owner) == (
        FEATURES, ADA, "c1", Mode.WRITE, "ada", "ada")
    assert entry.cell_sha == sha256("def add_one(x):\n    return x + 1\n") == entry.module_sha
    assert states(repo) == {(ADA, "c1"): IN_SYNC}


def test_in_sync_cell_is_left_alone(repo):
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 1\n"))
    promote(repo, ADA)
    manifest = (repo / ".nbteam/promotions.jsonl").read_text()
    p = nbteam("promote", ADA, cwd=repo)
    assert p.returncode == 0
    assert "unchanged: teamlib/features.py is in sync" in p.stdout
    assert "---" not in p.stdout  # no diff when nothing would change
    assert (repo / ".nbteam/promotions.jsonl").read_text() == manifest


def test_changed_cell_is_promoted_again(repo):
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 1\n"))
    promote(repo, ADA)
    set_cell(repo, ADA, 0, "%%writefile ../../teamlib/features.py\nA = 2\n")
    assert states(repo) == {(ADA, "c0"): CELL_CHANGED}
    p = nbteam("promote", ADA, "--cell", "1", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "-A = 1\n+A = 2\n" in p.stdout
    assert (repo / FEATURES).read_text() == "A = 2\n"
    assert states(repo) == {(ADA, "c0"): IN_SYNC}


def test_hand_edited_module_is_refused_unless_forced(repo):
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 1\n"))
    promote(repo, ADA)
    (repo / FEATURES).write_text("A = 1\nB = 'added by hand'\n")
    set_cell(repo, ADA, 0, "%%writefile ../../teamlib/features.py\nA = 3\n")
    assert states(repo) == {(ADA, "c0"): MODULE_CHANGED}
    p = nbteam("promote", ADA, cwd=repo)
    assert p.returncode == 1
    assert "refused: teamlib/features.py changed outside nbteam (a hand edit or a merge) since the last promotion" in p.stdout
    assert "--force overwrites them" in p.stdout and "--update merges" in p.stdout
    assert "-B = 'added by hand'" in p.stdout  # the diff shows what --force would lose
    assert (repo / FEATURES).read_text() == "A = 1\nB = 'added by hand'\n"
    p = nbteam("promote", ADA, "--force", cwd=repo)
    assert p.returncode == 0, p.stdout
    assert "forced" in p.stdout
    assert (repo / FEATURES).read_text() == "A = 3\n"
    assert states(repo) == {(ADA, "c0"): IN_SYNC}


def test_module_overwritten_from_another_scratchpad(repo):
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 'ada'\n"))
    write_nb(repo / GRACE, make_nb("%%writefile ../../teamlib/features.py\nA = 'grace'\n"))
    promote(repo, ADA)
    # Grace's cell is new, but the module is Ada's: replacing it needs --force.
    [o] = promote(repo, GRACE, user="grace")
    assert o.result == REFUSED
    assert "already exists and was last promoted from scratch/ada/explore.ipynb cell c0 by ada" in o.message
    [o] = promote(repo, GRACE, user="grace", force=True)
    assert o.result == PROMOTED
    assert states(repo) == {(ADA, "c0"): MODULE_CHANGED, (GRACE, "c0"): IN_SYNC}
    [o] = promote(repo, ADA)
    assert o.result == REFUSED
    assert "was overwritten by a promotion from scratch/grace/cleaning.ipynb cell c0 by grace" in o.message
    assert (repo / FEATURES).read_text() == "A = 'grace'\n"


def test_new_cell_onto_existing_hand_written_module_is_refused(repo):
    (repo / "teamlib").mkdir()
    (repo / FEATURES).write_text("HAND = True\n")
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 1\n"))
    [o] = promote(repo, ADA)
    assert o.result == REFUSED and "nbteam has no record of who wrote it" in o.message
    assert (repo / FEATURES).read_text() == "HAND = True\n"


def test_append_twice_does_not_duplicate(repo):
    (repo / "teamlib").mkdir()
    (repo / FEATURES).write_text("BASE = 0")  # no final newline: the append starts on a new line
    write_nb(repo / ADA, make_nb("%%writefile -a ../../teamlib/features.py\ndef extra():\n    return 1\n"))
    [o] = promote(repo, ADA)
    assert o.result == PROMOTED
    expected = "BASE = 0\ndef extra():\n    return 1\n"
    assert (repo / FEATURES).read_text() == expected
    p = nbteam("promote", ADA, cwd=repo)
    assert p.returncode == 0 and "unchanged" in p.stdout
    assert (repo / FEATURES).read_text() == expected
    # Even with the manifest gone, an append cell already in the module is not added again.
    os.unlink(repo / ".nbteam/promotions.jsonl")
    [o] = promote(repo, ADA)
    assert o.result == PROMOTED and "already up to date" in o.message
    assert (repo / FEATURES).read_text() == expected


def test_changed_append_cell_replaces_its_block_in_place(repo):
    write_nb(repo / ADA, make_nb(
        "%%writefile ../../teamlib/features.py\nimport math\n",
        "%%writefile -a ../../teamlib/features.py\ndef one():\n    return 1\n",
        "%%writefile -a ../../teamlib/features.py\ndef two():\n    return 2\n",
    ))
    outcomes = promote(repo, ADA)  # write then two appends, in one run
    assert [o.result for o in outcomes] == [PROMOTED] * 3
    assert (repo / FEATURES).read_text() == "import math\ndef one():\n    return 1\ndef two():\n    return 2\n"
    assert set(states(repo).values()) == {IN_SYNC}
    set_cell(repo, ADA, 1, "%%writefile -a ../../teamlib/features.py\ndef one():\n    return 1.0\n")
    assert states(repo)[(ADA, "c1")] == CELL_CHANGED
    promote(repo, ADA, "c1")
    assert (repo / FEATURES).read_text() == "import math\ndef one():\n    return 1.0\ndef two():\n    return 2\n"
    # Re-promoting the changed write cell keeps the appended blocks after it.
    set_cell(repo, ADA, 0, "%%writefile ../../teamlib/features.py\nimport math\nimport os\n")
    assert states(repo)[(ADA, "c0")] == CELL_CHANGED
    promote(repo, ADA, "1")
    assert (repo / FEATURES).read_text() == "import math\nimport os\ndef one():\n    return 1.0\ndef two():\n    return 2\n"
    assert set(states(repo).values()) == {IN_SYNC}


def test_forced_write_keeps_intact_append_blocks(repo):
    """Forcing a write cell over a hand-edited module keeps what `-a` cells appended, as a re-run would."""
    write_nb(repo / GRACE, make_nb(
        "%%writefile ../../teamlib/cleaning.py\ndef drop(df):\n    return df\n",
        "%%writefile -a ../../teamlib/cleaning.py\ndef rename(df):\n    return df\n",
    ))
    promote(repo, GRACE, user="grace")
    (repo / "teamlib/cleaning.py").write_text("def drop(df):\n    return df.dropna()  # hand\ndef rename(df):\n    return df\n")
    [o] = promote(repo, GRACE, "c0", user="grace")
    assert o.result == REFUSED
    assert "-    return df.dropna()  # hand" in o.diff() and "-def rename" not in o.diff()
    [o] = promote(repo, GRACE, "c0", user="grace", force=True)
    assert o.result == PROMOTED
    assert (repo / "teamlib/cleaning.py").read_text() == "def drop(df):\n    return df\ndef rename(df):\n    return df\n"
    assert set(states(repo).values()) == {IN_SYNC}


def test_hand_edited_append_block_is_refused(repo):
    write_nb(repo / ADA, make_nb("%%writefile -a ../../teamlib/features.py\nX = 1\n"))
    promote(repo, ADA)
    (repo / FEATURES).write_text("X = 100\n")
    set_cell(repo, ADA, 0, "%%writefile -a ../../teamlib/features.py\nX = 2\n")
    assert states(repo) == {(ADA, "c0"): MODULE_CHANGED}
    [o] = promote(repo, ADA)
    assert o.result == REFUSED and "edited or removed outside nbteam" in o.message
    assert (repo / FEATURES).read_text() == "X = 100\n"


def test_escapes_are_refused_and_nothing_is_written(repo, tmp_path):
    """An invalid target stops the whole promotion before any write: one line, exit 2."""
    outside = tmp_path / "outside.py"
    write_nb(repo / ADA, make_nb(
        "%%writefile '../../ok dir/fine.py'\nA = 1\n",
        "%%writefile ../../../outside.py\nA = 1\n",
        f"%%writefile {outside}\nA = 1\n",
    ))
    assert states(repo) == {(ADA, "c0"): NEW, (ADA, "c1"): INVALID, (ADA, "c2"): INVALID}
    p = nbteam("promote", ADA, cwd=repo)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr == ("nbteam promote: cell 2 (c1): target '../../../outside.py' (from scratch/ada/explore.ipynb)"
                        " resolves outside the repository; nothing was promoted\n")
    assert not outside.exists() and not (repo / "ok dir").exists() and not (repo / ".nbteam").exists()
    p = nbteam("promote", ADA, "--cell", "3", cwd=repo)
    assert p.returncode == 2 and f"target '{outside}' is outside the repository" in p.stderr
    p = nbteam("promote", ADA, "--cell", "c0", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert (repo / "ok dir" / "fine.py").read_text() == "A = 1\n"


def test_symlink_escape_is_refused(repo, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (repo / "teamlib").symlink_to(tmp_path / "elsewhere")
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 1\n"))
    with pytest.raises(PromoteError, match="outside the work tree"):
        promote(repo, ADA)
    with pytest.raises(PromoteError, match="outside the work tree"):
        promote(repo, ADA, force=True)  # --force never overrides a safety refusal
    assert not (tmp_path / "elsewhere" / "features.py").exists()
    assert not (repo / ".nbteam").exists()


def test_dry_run_writes_nothing(repo):
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 1\n"))
    p = nbteam("promote", ADA, "--dry-run", cwd=repo)
    assert p.returncode == 0
    assert "would promote" in p.stdout and "+A = 1" in p.stdout
    assert not (repo / "teamlib").exists() and not (repo / ".nbteam").exists()


def test_stage_adds_module_and_manifest_to_the_index(repo):
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 1\n"))
    p = nbteam("promote", "ada/explore.ipynb", "--stage", cwd=repo / "scratch")
    assert p.returncode == 0, p.stderr
    staged = git(repo, "diff", "--cached", "--name-only").stdout.split()
    assert staged == [".nbteam/.gitattributes", ".nbteam/promotions.jsonl", ADA, FEATURES]  # the notebook too
    assert git(repo, "show", f":{FEATURES}").stdout == "A = 1\n"


def test_cell_selection_errors(repo):
    write_nb(repo / ADA, make_nb("x = 1", "%%writefile ../../m.py\nA = 1\n"))
    p = nbteam("promote", ADA, "--cell", "9", cwd=repo)
    assert p.returncode == 2 and "no cell '9'" in p.stderr
    p = nbteam("promote", ADA, "--cell", "c0", cwd=repo)
    assert p.returncode == 2 and "cell 1 (c0) does not start with %%writefile" in p.stderr
    write_nb(repo / "plain.ipynb", make_nb("x = 1"))
    with pytest.raises(PromoteError, match="no %%writefile cells"):
        promote(repo, "plain.ipynb")
    p = nbteam("promote", "missing.ipynb", cwd=repo)
    assert p.returncode == 2 and "no such notebook" in p.stderr


def test_notebook_without_cell_ids_uses_positions(repo):
    write_nb(repo / "analysis.ipynb", make_nb("x = 1", "%%writefile teamlib/m.py\nA = 1\n", ids=False))
    [o] = promote(repo, "analysis.ipynb")
    assert o.result == PROMOTED
    assert list(read_manifest(repo, ".nbteam/promotions.jsonl")) == [("teamlib/m.py", "analysis.ipynb", "#1")]
    assert states(repo) == {}  # not a scratchpad, so not listed
    [o] = promote(repo, "analysis.ipynb")
    assert o.result == UNCHANGED


def test_crlf_module_keeps_its_line_endings(repo):
    write_nb(repo / ADA, make_nb("%%writefile -a ../../teamlib/features.py\nB = 2\n"))
    (repo / "teamlib").mkdir()
    (repo / FEATURES).write_bytes(b"A = 1\r\n")
    promote(repo, ADA)
    assert (repo / FEATURES).read_bytes() == b"A = 1\r\nB = 2\r\n"
    assert states(repo) == {(ADA, "c0"): IN_SYNC}


# --- the manifest in git ------------------------------------------------------------------------

def test_manifest_merges_without_conflict_when_two_branches_promote(repo):
    """Ada and Grace each promote on their own branch; `git merge` keeps both manifest entries."""
    write_nb(repo / ADA, make_nb("%%writefile ../../teamlib/features.py\nA = 1\n"))
    write_nb(repo / GRACE, make_nb("%%writefile ../../teamlib/cleaning.py\nC = 1\n",
                                   "%%writefile ../../teamlib/zz_late.py\nZ = 1\n"))
    (repo / "teamlib").mkdir()
    (repo / "teamlib/__init__.py").write_text("")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "scratchpads")
    # Both branches start from a commit that already has a manifest, so entries land next to each other.
    promote(repo, GRACE, "c1", user="grace")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "grace promotes zz_late")

    git(repo, "checkout", "-qb", "ada-work")
    assert nbteam("promote", ADA, "--stage", "--user", "ada", cwd=repo).returncode == 0
    git(repo, "commit", "-qm", "ada promotes features")

    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-qb", "grace-work")
    assert nbteam("promote", GRACE, "--cell", "c0", "--stage", "--user", "grace", cwd=repo).returncode == 0
    git(repo, "commit", "-qm", "grace promotes cleaning")

    merge = git(repo, "merge", "--no-edit", "ada-work", check=False)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    assert "CONFLICT" not in merge.stdout
    text = (repo / ".nbteam/promotions.jsonl").read_text()
    assert "<<<<<<<" not in text
    assert {k[:2] for k in parse_manifest(text)} == {
        ("teamlib/features.py", ADA), ("teamlib/cleaning.py", GRACE), ("teamlib/zz_late.py", GRACE)}
    assert set(states(repo).values()) == {IN_SYNC}
    for record in parse_manifest(text).values():  # each branch's bases for `--update` survive the merge
        assert record.owner == "grace" if record.notebook == GRACE else record.owner == "ada"
        assert git(repo, "cat-file", "-t", record.blob).stdout.strip() == "blob"
    # The next promotion rewrites the merged file sorted, one line per entry.
    set_cell(repo, ADA, 0, "%%writefile ../../teamlib/features.py\nA = 2\n")
    promote(repo, ADA, user="ada")
    lines = (repo / ".nbteam/promotions.jsonl").read_text().splitlines()
    assert len(lines) == 3 and lines == sorted(lines)


def test_union_duplicates_keep_the_latest_entry():
    old = PromotionRecord(FEATURES, ADA, "c0", Mode.WRITE, "a", "a", 1, "ada", "2026-01-01T00:00:00.000000Z")
    new = PromotionRecord(FEATURES, ADA, "c0", Mode.WRITE, "b", "b", 1, "ada", "2026-01-02T00:00:00.000000Z")
    merged = dumps_manifest([new]) + dumps_manifest([old])  # what union leaves, in either order
    assert parse_manifest(merged)[new.key] == new
    assert parse_manifest(dumps_manifest([old]) + dumps_manifest([new]))[new.key] == new
