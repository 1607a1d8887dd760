"""`git merge-file` as the oracle: nbteam's line merge gives git's result, its cell merge git's
clean result with each cell as one line (save the documented rules), on texts where lines repeat.

Hypothesis draws texts from a small alphabet of lines, so repeats (the hard case for aligning
both sides to base the same way) are common. Run time is bounded by max_examples."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, assume, given, settings
from hypothesis import strategies as st

from helpers import make_nb
from test_merge_idless_fuzz import allowed_difference
from nbteam.merge.notebook import LostWorkError, merge_notebooks
from nbteam.seq.markers import Markers, find_blocks
from nbteam.seq.style import conflict_style
from nbteam.seq.merge3 import merge3_text

LINES = ["a\n", "b\n", "c\n", "\n", "x = 1\n", "}\n"]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@st.composite
def triples(draw, alphabet=LINES, size=8):
    """base, ours, theirs: two edits (insert, delete, replace) of one base list."""
    base = draw(st.lists(st.sampled_from(alphabet), max_size=size))

    def edit() -> list:
        out = list(base)
        for _ in range(draw(st.integers(1, 3))):
            k = draw(st.integers(0, len(out)))
            op = draw(st.sampled_from("idr"))
            if op == "i":
                out.insert(k, draw(st.sampled_from(alphabet)))
            elif k < len(out):
                if op == "d":
                    del out[k]
                else:
                    out[k] = draw(st.sampled_from(alphabet))
        return out

    return base, edit(), edit()


def git_merge_file(tmp: Path, base: str, ours: str, theirs: str, style: str = "merge",
                   favor: str = "") -> tuple[str, int]:
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        (tmp / name).write_text(text, encoding="utf-8", newline="")
    extra = [f"--{style}"] if style != "merge" else []
    extra += [f"--{favor}"] if favor else []
    p = subprocess.run(["git", "merge-file", "-p", *extra, "-L", "ours", "-L", "base", "-L", "theirs",
                        "ours", "base", "theirs"], cwd=tmp, capture_output=True)
    assert 0 <= p.returncode < 128, p.stderr
    return p.stdout.decode("utf-8"), p.returncode


@pytest.mark.parametrize("style", ["merge", "diff3", "zdiff3"])
def test_line_merge_is_git_merge_file(tmp_path, style):
    @SETTINGS
    @given(triples())
    def check(t):
        base, ours, theirs = ("".join(x) for x in t)
        merged, conflicts = merge3_text(base, ours, theirs, Markers(style=conflict_style(style)))
        assert (merged, min(conflicts, 127)) == git_merge_file(tmp_path, base, ours, theirs, style)

    check()


# Lines that look like markers (a setext heading's underline, a quoted conflict) beside plain ones.
MARKER_LIKE = ["a\n", "b\n", "=======\n", "<<<<<<< x\n", ">>>>>>> y\n", "||||||| z\n", "========\n", "\n"]


def _take(text: str, side: str) -> str:
    """Each conflict block of text replaced by one side (union: ours then theirs), as nbteam resolve reads it."""
    lines = text.splitlines(keepends=True)
    out, i = [], 0
    for block in find_blocks(text):
        out += lines[i:block.start]
        out.append({"ours": block.ours, "theirs": block.theirs, "union": block.ours + block.theirs}[side])
        i = block.end
    return "".join(out + lines[i:])


@pytest.mark.parametrize("style", ["merge", "diff3"])
def test_marker_like_lines_merge_as_git_and_every_side_reads_back(tmp_path, style):
    """Where sides hold marker-like lines, nbteam writes longer markers than `git merge-file`; its
    clean results and conflict counts stay git's, and taking a side of every block gives exactly
    `git merge-file --ours/--theirs/--union`: never a lost or a foreign line. (Texts whose
    resolved lines already read as a whole conflict block are left out: no reader can tell those
    from a conflict.)"""
    @SETTINGS
    @given(triples(MARKER_LIKE))
    def check(t):
        base, ours, theirs = ("".join(x) for x in t)
        merged, conflicts = merge3_text(base, ours, theirs, Markers(style=conflict_style(style)))
        text, code = git_merge_file(tmp_path, base, ours, theirs, style)
        if not code:
            assert merged == text
            return
        taken = {side: git_merge_file(tmp_path, base, ours, theirs, style, side)[0] for side in ("ours", "theirs", "union")}
        assume(not any(find_blocks(t) for t in taken.values()))
        assert min(conflicts, 127) == code and len(find_blocks(merged)) == conflicts
        for side, want in taken.items():
            assert _take(merged, side) == want, side

    check()


@pytest.mark.parametrize("base, ours, theirs, expected", [
    # Both branches add the same second dropna(); one also renames an import (the review's case):
    # aligned differently, the shared line was added twice (three dropna() lines).
    ("import pandas as pd\n\ndf = load()\ndf = df.dropna()\nprint(df)\n",
     "import pandas as pd\n\ndf = load()\ndf = df.dropna()\ndf = df.dropna()\nprint(df)\n",
     "import pandas as pds\n\ndf = load()\ndf = df.dropna()\ndf = df.dropna()\nprint(df)\n",
     "import pandas as pds\n\ndf = load()\ndf = df.dropna()\ndf = df.dropna()\nprint(df)\n"),
    # Both remove one of three identical lines, one also adds a first line: two must remain.
    ("a\nx = 1\nx = 1\nx = 1\nz\n", "a\nx = 1\nx = 1\nz\n", "q\na\nx = 1\nx = 1\nz\n",
     "q\na\nx = 1\nx = 1\nz\n"),
])
def test_shared_change_is_applied_once(tmp_path, base, ours, theirs, expected):
    assert merge3_text(base, ours, theirs) == (expected, 0)
    assert git_merge_file(tmp_path, base, ours, theirs) == (expected, 0)


CELLS = ["a", "b", "c", "", "x = 1"]


def _nb(sources):
    return make_nb(*sources, ids=False, minor=4)


def test_cell_merge_without_ids_is_git_merge_file_on_cells(tmp_path):
    """Each cell one line: where git merges cleanly, nbteam's clean result is git's; the only
    differences allowed are nbteam's documented rules: a delete wins over a move or an
    in-place pairing of a cell whose content is unique in base (git re-inserts it), and a
    delete both sides made in a run of equal cells is applied once (git may apply it twice)."""
    @SETTINGS
    @given(triples(CELLS, 6))
    @example((["b", "b", "b", "a"], ["b", "c", "b", "c"], ["a", "b", "b", "c"]))  # two "edits" dropped a b
    def check(t):
        base, ours, theirs = t
        try:
            result = merge_notebooks(_nb(base), _nb(ours), _nb(theirs))
        except LostWorkError:  # the safety net: both added a cell alike, the merge holds it twice;
            return  # merge_files then falls back to a visible text merge (never a silent double)
        got = [c["source"] for c in result.notebook["cells"]]
        as_lines = ["".join(s + "\n" for s in x) for x in t]
        text, code = git_merge_file(tmp_path, *as_lines)
        if code or result.conflicts:
            return
        want = text.splitlines()
        assert got == want or allowed_difference(base, ours, theirs, got, want), (got, want)

    check()


P = "print(df)"


@pytest.mark.parametrize("base, ours, theirs, want", [
    # Of three equal cells both sides keep two (ours puts a new cell between two of them, theirs
    # one before them) and both replace the last cell alike. Read as edits in place, ours rewrote
    # the second equal cell and theirs the first, and the merge kept one.
    ([P, P, P, "a"], [P, "c", P, "c"], ["x = 1", P, P, "c"], ["x = 1", P, "c", P, "c"]),
    # Found by a seeded fuzz: read in place, the two sides' rewrites took different copies of c.
    (["b", "a", "c", "c", "b"], ["x = 1", "a", "a", "c", "b"], ["b", "a", "c", "b"], ["x = 1", "a", "a", "c", "b"]),
])
def test_rewrites_of_different_repeated_cells_lose_no_copy(tmp_path, base, ours, theirs, want):
    """Without ids each side's rewrite may take a different copy of a repeated cell: a copy both
    sides keep was lost silently. Where git keeps more copies, the cells align as git's."""
    result = merge_notebooks(_nb(base), _nb(ours), _nb(theirs))
    assert git_merge_file(tmp_path, *("".join(s + "\n" for s in x) for x in (base, ours, theirs))) == (
        "".join(s + "\n" for s in want), 0)
    assert not result.conflicts and [c["source"] for c in result.notebook["cells"]] == want


def test_fewer_copies_than_git_names_the_lost_cell():
    """The safety net behind the retry: a clean merge keeping a repeated cell fewer times than git."""
    from nbteam.merge.notebook import fewer_copies_than_git

    cells = lambda *s: _nb(s)["cells"]  # noqa: E731
    base, ours, theirs = cells("b", "b", "b", "a"), cells("b", "c", "b", "c"), cells("x", "b", "b", "c")
    assert fewer_copies_than_git(base, ours, theirs, cells("x", "c", "b", "c")) == ["b"]
    assert fewer_copies_than_git(base, ours, theirs, cells("x", "b", "c", "b", "c")) == []
    # a cell unique in base that one side moved and the other deleted: the documented rule
    assert fewer_copies_than_git(base, ours, cells("a", "b", "b", "c"), cells("b", "c", "b", "c")) == []


def test_rewrites_of_repeated_cells_and_a_move_keep_both_copies():
    """The same with theirs moving the last cell to the top (hypothesis found it): both copies of
    b stay; the moved cell, which ours replaced, yields to that delete (the documented rule)."""
    result = merge_notebooks(_nb(["b", "b", "b", "a"]), _nb(["b", "c", "b", "c"]), _nb(["a", "b", "b", "c"]))
    assert not result.conflicts and [c["source"] for c in result.notebook["cells"]] == ["b", "c", "b", "c"]


def test_both_delete_one_of_three_identical_cells_one_also_edits(tmp_path):
    """The review's cell case: the shared delete is applied once."""
    base = _nb(["x = 1", "x = 1", "x = 1", "print(x)"])
    ours = _nb(["x = 1", "x = 1", "print(x)"])
    theirs = _nb(["x = 1", "x = 1", "print(x + 1)"])
    result = merge_notebooks(base, ours, theirs)
    assert not result.conflicts
    assert [c["source"] for c in result.notebook["cells"]] == ["x = 1", "x = 1", "print(x + 1)"]


def test_shared_cell_insert_among_repeats_is_applied_once():
    """Both sides add one more `df = df.dropna()` cell to a run of them (theirs also deletes the
    first cell): git, with cells as lines, keeps the added cell once; so does nbteam."""
    d, p, s = "df = df.dropna()", "print(df)", "import pandas"
    base = _nb([d, p, d, d, p, s])
    ours = _nb([d, p, d, d, d, p, s])
    theirs = _nb([p, d, d, d, p, s])
    result = merge_notebooks(base, ours, theirs)
    assert not result.conflicts
    assert [c["source"] for c in result.notebook["cells"]] == [p, d, d, d, p, s]


def test_safety_net_catches_a_cell_added_twice(tmp_path):
    """Both sides add the cell `b` (at different places): a clean merge holding it twice is not
    trusted; the file merge falls back to a visible text merge with the reason."""
    from helpers import write_nb
    from nbteam.merge.file import merge_files
    from nbteam.merge.notebook import doubled_cells

    cells = lambda *s: _nb(s)["cells"]  # noqa: E731
    assert doubled_cells(cells("a"), cells("b", "a"), cells("a", "b"), cells("b", "a", "b")) == ["b"]
    assert doubled_cells(cells("a"), cells("b", "a"), cells("a", "b"), cells("b", "a")) == []
    paths = [str(write_nb(tmp_path / f"{k}.ipynb", _nb(v))) for k, v in
             (("base", ["a"]), ("ours", ["b", "a"]), ("theirs", ["a", "b"]))]
    outcome = merge_files(*paths, paths[1], "nb.ipynb")
    assert outcome.code == 1 and "added alike would be added twice" in outcome.message
    assert "<<<<<<<" in Path(paths[1]).read_text(encoding="utf-8")


# Cells as git reads the file: a header line per cell, then its source lines.
HEADERS = ["@code\n", "@markdown\n"]


@st.composite
def cell_triples(draw):
    """base, ours, theirs as flat line lists whose cells are split at header lines."""
    base = draw(st.lists(st.sampled_from(LINES[:4] + HEADERS), max_size=10))

    def edit() -> list:
        out = list(base)
        for _ in range(draw(st.integers(1, 3))):
            k = draw(st.integers(0, len(out)))
            op = draw(st.sampled_from("idr"))
            line = draw(st.sampled_from(LINES[:4] + HEADERS))
            if op == "i":
                out.insert(k, line)
            elif k < len(out):
                if op == "d":
                    del out[k]
                else:
                    out[k] = line
        return out

    return ["@code\n"] + base, ["@code\n"] + edit(), ["@code\n"] + edit()


def _cells_of(lines: list) -> list:
    cells = []
    for line in lines:
        if line in HEADERS:
            cells.append({"cell_type": line[1:-1], "metadata": {}, "source": ""})
        else:
            cells[-1]["source"] += line
    return cells


def test_cells_merged_as_lines_are_git_merge_file_on_the_cells(tmp_path):
    """nbteam.merge.lines (a conflicting stretch merged again as lines) is `git merge-file` on the
    stretch written as git sees the file: each cell a header line and its source lines. Where git
    is clean, the cells are git's result, unless git keeps a line fewer times than both sides do
    or, where both added copies, more often than either (then nothing is taken, as where git conflicts)."""
    from collections import Counter

    from nbteam.merge.lines import merge_as_lines

    @SETTINGS
    @given(cell_triples())
    @example((["@code\n", "a\n"], ["@code\n", "b\n", "a\n"], ["@code\n", "a\n", "b\n"]))  # b added twice
    def check(t):
        text, code = git_merge_file(tmp_path, *("".join(x) for x in t))
        got = merge_as_lines(*(_cells_of(x) for x in t), Markers())
        b, o, th, m = (Counter(x) for x in (*t, text.splitlines(keepends=True)))
        if code or any(m[x] < min(o[x], th[x]) or (m[x] > max(o[x], th[x]) and min(o[x], th[x]) > b[x])
                       for x in o | th if x not in HEADERS):
            assert got is None
        else:
            assert got is not None and [(c["cell_type"], c["source"]) for c in got] == \
                [(c["cell_type"], c["source"]) for c in _cells_of(text.splitlines(keepends=True))]

    check()


def _typed_nb(cells):
    nb = make_nb(*(s for _, s in cells), ids=False, minor=4)
    for cell, (kind, _) in zip(nb["cells"], cells):
        cell["cell_type"] = kind
        if kind == "markdown":
            del cell["outputs"], cell["execution_count"]
    return nb


def test_a_clean_stretch_the_safety_net_would_refuse_is_not_taken():
    """Found by a seeded fuzz: the stretch merged as lines is clean, but holds a cell both sides
    added twice; the merge keeps its conflict instead of failing over to a text merge."""
    base = [("markdown", "c\ny\n\ny\n"), ("markdown", "print(x)\n\nprint(x)\nprint(x)\ny\n"), ("code", "y\n"),
            ("markdown", "c\nb\na\n")]
    ours = [("markdown", "c\ny\n"), ("markdown", "\ny\n"), ("markdown", "print(x)\n\nprint(x)\nprint(x)\ny\n"),
            ("code", "y\n"), ("code", "c\n"), ("markdown", "c\nb\na\n")]
    theirs = [("markdown", "c\ny\n\ny\n"), ("markdown", "\n"), ("markdown", "print(x)\n\nprint(x)\nprint(x)\ny\n"),
              ("code", "y\n"), ("markdown", "c\n"), ("markdown", "b\na\n")]
    result = merge_notebooks(_typed_nb(base), _typed_nb(ours), _typed_nb(theirs))
    assert result.conflicts
