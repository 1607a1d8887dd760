"""CLI transcripts: `nbteam merge`, `nbteam merge-driver` and `nbteam conflicts` as a user sees them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import make_nb, nbteam, write_nb

GOLDEN = Path(__file__).parent / "golden" / "merge"


def copy_case(case: str, dest: Path) -> list[str]:
    for role in ("base", "ours", "theirs"):
        shutil.copy(GOLDEN / case / f"{role}.ipynb", dest / f"{role}.ipynb")
    return [str(dest / f"{r}.ipynb") for r in ("base", "ours", "theirs")]


def test_merge_to_stdout_clean(tmp_path):
    p = nbteam("merge", *copy_case("both-edit-different-cells", tmp_path))
    assert p.returncode == 0
    assert p.stderr == "nbteam: ours.ipynb: merged cleanly\n"
    assert p.stdout == (GOLDEN / "both-edit-different-cells" / "expected.ipynb").read_text()


def test_merge_conflict_then_conflicts_lists_it(tmp_path):
    out = tmp_path / "merged.ipynb"
    p = nbteam("merge", *copy_case("same-lines-conflict", tmp_path), "-o", str(out))
    assert (p.returncode, p.stderr) == (1, "nbteam: ours.ipynb: merged, 1 conflict in cell 4\n")
    p = nbteam("conflicts", str(out))
    assert p.returncode == 1
    assert p.stdout == f"{out}: cell 4 (code): source conflict: ax.set_title('Sales by region')\n"


def test_conflicts_kinds_and_clean_file(tmp_path):
    tags = tmp_path / "tags.ipynb"
    nbteam("merge", *copy_case("tags-conflict", tmp_path), "-o", str(tags))
    deleted = tmp_path / "deleted.ipynb"
    nbteam("merge", *copy_case("delete-vs-edit", tmp_path), "-o", str(deleted))
    clean = write_nb(tmp_path / "clean.ipynb", make_nb("x = 1\n"))
    p = nbteam("conflicts", str(tags), str(deleted), str(clean))
    assert p.returncode == 1
    assert p.stdout.splitlines() == [
        f"{tags}: cell 3 (code): metadata conflict: metadata.tags: [\"slow\"]",
        f"{deleted}: cell 3 (code): delete/modify conflict: df = df.dropna()",
    ]
    assert nbteam("conflicts", str(clean)).returncode == 0


def test_conflicts_on_text_markers_and_unreadable(tmp_path):
    text = tmp_path / "text.ipynb"
    text.write_text("<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> b\n")
    p = nbteam("conflicts", str(text))
    assert p.returncode == 1 and "text conflict markers in the file itself" in p.stdout
    p = nbteam("conflicts", str(tmp_path / "missing.ipynb"))
    assert p.returncode == 2 and "cannot read missing.ipynb" in p.stderr


def test_merge_usage_errors(tmp_path):
    p = nbteam("merge", "a.ipynb", "b.ipynb", "c.ipynb")
    assert (p.returncode, p.stderr) == (2, "nbteam merge: a.ipynb: no such file\n")
    p = nbteam("merge", "only-one")
    assert p.returncode == 2 and "usage: nbteam merge" in p.stderr
    p = nbteam("frobnicate")
    assert p.returncode == 2 and "unknown command 'frobnicate'" in p.stderr


def test_keep_outputs_flag(tmp_path):
    base = make_nb("a = 1\n", "b = 2\n")
    ours = json.loads(json.dumps(base))
    ours["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1\n"}]
    ours["cells"][0]["execution_count"] = 1
    theirs = make_nb("a = 1\n", "b = 20\n")
    paths = [str(write_nb(tmp_path / f"{k}.ipynb", v)) for k, v in (("base", base), ("ours", ours), ("theirs", theirs))]
    kept = json.loads(nbteam("merge", *paths, "--keep-outputs").stdout)
    assert kept["cells"][0]["outputs"] == ours["cells"][0]["outputs"] and kept["cells"][0]["execution_count"] == 1
    stripped = json.loads(nbteam("merge", *paths).stdout)
    assert stripped["cells"][0]["outputs"] == [] and stripped["cells"][0]["execution_count"] is None
