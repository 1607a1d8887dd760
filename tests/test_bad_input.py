"""Bad input never gives a traceback: a clear one-line reason, a visible text merge, exit non-zero."""
from __future__ import annotations

import json

import pytest

from helpers import make_nb, nbteam, write_nb
from nbteam.notebook.io import NotebookError, parse_notebook, read_notebook

GOOD = json.dumps(make_nb("a = 1\n"), indent=1) + "\n"


@pytest.mark.parametrize("data, reason", [
    (b'{"cells": [', "ours is not valid JSON"),
    (GOOD.replace('"a = 1\\n"', '"a = 1\\n",').encode(), "ours is not valid JSON"),
    (b"<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n", "ours already holds text conflict markers"),
    (b"\xff\xfe\x00garbage", "ours is not UTF-8"),
    (b"", "ours is empty"),
    (b'{"name": "not a notebook"}', "ours is JSON but not a notebook"),
    (b'{"nbformat": 5, "cells": []}', "ours is nbformat 5"),
])
def test_unreadable_ours_falls_back_with_reason(tmp_path, data, reason):
    base = write_nb(tmp_path / "base.ipynb", make_nb("a = 1\n"))
    theirs = write_nb(tmp_path / "theirs.ipynb", make_nb("a = 2\n"))
    ours = tmp_path / "ours.ipynb"
    ours.write_bytes(data)
    p = nbteam("merge-driver", str(base), str(ours), str(theirs), "7", "nb.ipynb")
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nbteam: nb.ipynb: not merged as a notebook: ")
    assert reason in lines[0]
    assert "<<<<<<<" in ours.read_bytes().decode("utf-8", errors="replace")


def test_bom_crlf_and_list_or_string_sources_read_the_same():
    nb = make_nb("a = 1\nb = 2\n")
    as_list = json.loads(json.dumps(nb))
    as_list["cells"][0]["source"] = ["a = 1\n", "b = 2\n"]
    crlf = (json.dumps(nb, indent=1) + "\n").replace("\n", "\r\n").encode()
    for data in (b"\xef\xbb\xbf" + json.dumps(nb).encode(), crlf, json.dumps(as_list).encode()):
        parsed = parse_notebook(data)
        assert "".join(parsed["cells"][0]["source"]) == "a = 1\nb = 2\n"


def test_missing_ids_and_huge_outputs_merge(tmp_path):
    big = {"output_type": "stream", "name": "stdout", "text": ["x" * 1000 + "\n"] * 2000}
    base = make_nb("a = 1\n", "b = 2\n", ids=False)
    ours = make_nb("a = 10\n", "b = 2\n", ids=False)
    ours["cells"][1]["outputs"] = [big]
    theirs = make_nb("a = 1\n", "b = 20\n", minor=5, ids=False)
    theirs["nbformat_minor"] = 5  # declared 4.5 without ids: still merged, ids added
    paths = [write_nb(tmp_path / f"{k}.ipynb", v) for k, v in (("base", base), ("ours", ours), ("theirs", theirs))]
    p = nbteam("merge", *map(str, paths), "-o", str(tmp_path / "out.ipynb"))
    assert p.returncode == 0, p.stderr
    out = read_notebook(tmp_path / "out.ipynb")
    assert [c["outputs"] for c in out["cells"]] == [[], []]
    assert all(c["id"] for c in out["cells"]) and out["nbformat_minor"] == 5


def test_nbformat2_and_3_are_upgraded():
    v2 = {"metadata": {"name": "tour"}, "nbformat": 2, "worksheets": [{"cells": [
        {"cell_type": "markdown", "source": "# Tour"},
        {"cell_type": "code", "input": "print(1)", "language": "python", "outputs": [
            {"output_type": "pyout", "prompt_number": 1, "text": "1"}], "prompt_number": 1}]}]}
    nb = parse_notebook(json.dumps(v2).encode())
    assert nb["nbformat"] == 4 and nb["nbformat_minor"] == 4
    assert [c["source"] for c in nb["cells"]] == ["# Tour", "print(1)"]
    assert nb["cells"][1]["outputs"][0]["data"] == {"text/plain": "1"}


def test_read_notebook_missing_file(tmp_path):
    with pytest.raises(NotebookError, match="cannot read"):
        read_notebook(tmp_path / "nope.ipynb")


def test_nbformat2_lines_without_newlines_keep_their_line_breaks():
    """nbformat 2 stored a source as lines without newlines; Jupyter's reader joins them with newlines."""
    v2 = {"metadata": {"name": "tour"}, "nbformat": 2, "worksheets": [{"cells": [
        {"cell_type": "markdown", "source": ["# Tour", "", "Text"]},
        {"cell_type": "code", "input": ["a = 1", "b = 2"], "language": "python", "outputs": []}]}]}
    nb = parse_notebook(json.dumps(v2).encode())
    assert [c["source"] for c in nb["cells"]] == ["# Tour\n\nText", "a = 1\nb = 2"]
    assert "id" not in nb["cells"][0] and nb["metadata"] == {}  # deterministic: no random ids, no bookkeeping
