"""The output-stripping clean filter: the pure strip, `nbteam clean`, and git's long-running protocol under real `git add`."""
from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import corpus_dir, git, make_nb, nbteam, write_nb
from nbteam.git import filter_protocol as pktline
from nbteam.notebook.io import dumps_notebook
from nbteam.notebook.strip import strip_notebook
from test_init import no_venv_path


def executed_nb(n: int = 3, tag: str = "") -> dict:
    """A notebook as Jupyter saves it after a run: outputs, counts, view metadata, widget state."""
    nb = make_nb(*(f"print({k}){tag}\n" for k in range(n)))
    for k, cell in enumerate(nb["cells"]):
        cell["execution_count"] = k + 1
        cell["metadata"] = {"scrolled": True, "tags": ["keep"], "ExecuteTime": {"end_time": "2026"}}
        cell["outputs"] = [
            {"name": "stdout", "output_type": "stream", "text": [f"{k}\n"]},
            {"data": {"image/png": "iVBORw0KGgo" * 50, "text/plain": ["<Figure>"]}, "execution_count": k + 1,
             "metadata": {}, "output_type": "execute_result"},
        ]
    nb["metadata"] = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                      "widgets": {"state": {}}}
    return nb


def raw(nb: dict) -> bytes:
    return (json.dumps(nb, indent=1) + "\n").encode()


def test_strip_removes_outputs_counts_and_transient_metadata():
    out, warning = strip_notebook(raw(executed_nb()))
    assert warning is None
    nb = json.loads(out)
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in nb["cells"])
    assert all(c["metadata"] == {"tags": ["keep"]} for c in nb["cells"])
    assert "widgets" not in nb["metadata"] and nb["metadata"]["kernelspec"]["name"] == "python3"
    assert [c["source"] for c in nb["cells"]] == [[f"print({k})\n"] for k in range(3)]
    assert out.decode() == dumps_notebook(json.loads(out))  # Jupyter's own layout


def _assert_idempotent(inputs: list[bytes]) -> None:
    for data in inputs:
        once, _ = strip_notebook(data)
        twice, _ = strip_notebook(once)
        assert twice == once


def test_strip_is_idempotent_on_built_notebooks():
    _assert_idempotent([raw(executed_nb()), raw(make_nb("x = 1")), raw(make_nb("a\r\nb", ids=False, minor=4))])


def test_strip_is_idempotent_on_corpus_notebooks():
    files = sorted(corpus_dir("").rglob("*.ipynb"))[:300]
    assert files, "the corpus has no notebooks"
    _assert_idempotent([p.read_bytes() for p in files])


def test_a_clean_jupyter_notebook_passes_byte_for_byte():
    data = dumps_notebook(make_nb("import os\n", "x = 1")).encode()
    assert strip_notebook(data) == (data, None)


def test_crlf_stays_crlf_and_bom_stays():
    data = raw(executed_nb()).replace(b"\n", b"\r\n")
    out, _ = strip_notebook(data)
    assert out.count(b"\r\n") == out.count(b"\n")
    assert b'"outputs": []' in out
    out, _ = strip_notebook(b"\xef\xbb\xbf" + raw(executed_nb()))
    assert out.startswith(b"\xef\xbb\xbf{")


@pytest.mark.parametrize("data", [b"{not json", b"\xff\xfe garbage", b'["a list"]', b""])
def test_non_notebooks_pass_through(data):
    out, warning = strip_notebook(data, "x.ipynb")
    assert out == data
    assert (warning is None) == (data == b"")


def test_nbformat3_without_outputs_passes_unchanged():
    data = json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}).encode()
    assert strip_notebook(data) == (data, None)


def v3_nb() -> dict:
    """An executed nbformat 3 notebook: cells inside worksheets, `input` and `prompt_number`."""
    return {"metadata": {"name": "old"}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"metadata": {}, "cells": [
        {"cell_type": "code", "collapsed": False, "input": ["print(1)"], "language": "python", "metadata": {},
         "outputs": [{"output_type": "stream", "stream": "stdout", "text": ["1\n"]}], "prompt_number": 3},
        {"cell_type": "markdown", "metadata": {}, "source": ["# notes"]}]}]}


def test_nbformat3_worksheets_are_stripped_in_their_own_format():
    out, warning = strip_notebook(raw(v3_nb()), "old.ipynb")
    assert warning is None
    nb = json.loads(out)
    expected = v3_nb()
    code = expected["worksheets"][0]["cells"][0]
    code["outputs"] = []
    del code["prompt_number"]
    assert nb == expected  # still nbformat 3, worksheets and `input` kept; only outputs and the count went
    assert strip_notebook(out, "old.ipynb") == (out, None)


def test_the_filter_leaves_alone_what_it_does_not_strip():
    nb = executed_nb(2)
    nb["x_team_extension"] = {"reviewed": True}
    nb["cells"] += ["not a cell", 42,
                    {"cell_type": "code", "metadata": {}, "source": None, "outputs": [], "execution_count": None},
                    {"cell_type": "markdown", "metadata": {"scrolled": 1}, "source": 7}]
    out, warning = strip_notebook(raw(nb), "odd.ipynb")
    assert warning is None
    got = json.loads(out)
    assert got["x_team_extension"] == {"reviewed": True}
    assert got["cells"][2:4] == ["not a cell", 42]
    assert got["cells"][4]["source"] is None and got["cells"][5]["source"] == 7
    assert got["cells"][5]["metadata"] == {}  # noise metadata goes from every cell
    assert [c["outputs"] for c in got["cells"][:2]] == [[], []]
    assert strip_notebook(out, "odd.ipynb") == (out, None)


def _deep(depth: int) -> dict:
    value: object = 1
    for _ in range(depth):
        value = {"d": value}
    return value  # type: ignore[return-value]


@pytest.mark.parametrize("case,reason", [
    ("surrogate", "holds text that is not valid Unicode (\\ud800)"),
    ("deep", "nested too deeply"),
])
def test_what_cannot_be_stripped_passes_with_a_warning_naming_file_and_reason(case, reason, git_env):
    nb = executed_nb(1)
    if case == "surrogate":
        nb["cells"][0]["source"] = "x = '\ud800'\n"
        data = (json.dumps(nb, indent=1) + "\n").encode()  # \ud800 escaped in the JSON, as Jupyter can write it
    else:
        data = raw(nb)[:-2] + b', "deep": ' + b'{"d": ' * 3000 + b"1" + b"}" * 3000 + b"}\n"
    out, warning = strip_notebook(data, "bad.ipynb")
    assert out == data and warning is not None
    assert warning.startswith("bad.ipynb ") and reason in warning, warning
    p = nbteam("clean", "bad.ipynb", input=data.decode())
    assert p.returncode == 0 and p.stdout.encode() == data
    assert p.stderr.count("\n") == 1 and "bad.ipynb" in p.stderr and "Traceback" not in p.stderr, p.stderr


def test_clean_command_strips_stdin_and_warns_on_invalid_json(git_env):
    p = nbteam("clean", "a.ipynb", input=raw(executed_nb()).decode())
    assert p.returncode == 0 and p.stderr == ""
    assert json.loads(p.stdout)["cells"][0]["outputs"] == []
    p = nbteam("clean", "broken.ipynb", input="{oops\n")
    assert p.returncode == 0
    assert p.stdout == "{oops\n"
    assert p.stderr.count("\n") == 1 and "broken.ipynb is not valid JSON" in p.stderr


def test_disable_passes_content_through(git_env):
    data = raw(executed_nb()).decode()
    p = nbteam("clean", input=data, env={**git_env, "NBTEAM_DISABLE": "1"})
    assert p.returncode == 0 and p.stdout == data


# --- the pkt-line protocol, in memory ---------------------------------------------------------------

def _session(*requests: tuple[str, bytes]) -> bytes:
    enc = pktline.encode_text_list
    data = enc(["git-filter-client", "version=2"]) + enc(["capability=clean", "capability=smudge"])
    for command, content in requests:
        data += enc([f"command={command}", "pathname=dir/n.ipynb"]) + pktline.encode_content(content)
    return data


def _responses(out: bytes) -> list:
    stream = io.BytesIO(out)
    items = [pktline.read_text_list(stream), pktline.read_text_list(stream)]
    while stream.tell() < len(out):
        status = pktline.read_text_list(stream)
        if status == ["status=success"]:
            items.append((status, pktline.read_content(stream), pktline.read_text_list(stream)))
        else:
            items.append((status,))
    return items


def test_protocol_handshake_and_large_content():
    big = b"x" * (3 * pktline.MAX_DATA + 17)
    out = io.BytesIO()
    served = pktline.serve(io.BytesIO(_session(("clean", big), ("clean", b"{}"))), out, {"clean": lambda d, p: d[::-1]})
    assert served == 2
    items = _responses(out.getvalue())
    assert items[0] == ["git-filter-server", "version=2"]
    assert items[1] == ["capability=clean"]  # smudge is offered by git but not taken
    assert items[2] == (["status=success"], big[::-1], [])
    assert items[3] == (["status=success"], b"}{", [])


def test_protocol_reports_errors_per_file_and_goes_on():
    def boom(data: bytes, path: str) -> bytes:
        if data == b"bad":
            raise RuntimeError("bug")
        return data

    out = io.BytesIO()
    pktline.serve(io.BytesIO(_session(("clean", b"bad"), ("smudge", b"s"), ("clean", b"ok"))), out, {"clean": boom})
    items = _responses(out.getvalue())
    assert items[2:] == [(["status=error"],), (["status=error"],), (["status=success"], b"ok", [])]


def test_protocol_rejects_a_bad_welcome():
    with pytest.raises(pktline.ProtocolError):
        pktline.serve(io.BytesIO(pktline.encode_text_list(["hello"])), io.BytesIO(), {})


# --- real git --------------------------------------------------------------------------------------

def _init(repo: Path, env=None) -> None:
    p = nbteam("init", cwd=repo, env=env)
    assert p.returncode == 0, p.stderr


def test_git_add_stores_stripped_notebook_and_keeps_outputs_in_work_tree(repo, git_env):
    _init(repo)
    write_nb(repo / "nb.ipynb", executed_nb())
    working = (repo / "nb.ipynb").read_bytes()
    git(repo, "add", "nb.ipynb", ".gitattributes", ".nbteam.toml", env={**git_env, "PATH": no_venv_path()})
    staged = git(repo, "show", ":nb.ipynb").stdout
    assert json.loads(staged)["cells"][1]["outputs"] == []
    assert staged.encode() == strip_notebook(working)[0]
    assert (repo / "nb.ipynb").read_bytes() == working
    git(repo, "commit", "-qm", "nb")
    # No spurious "modified": git compares the cleaned work tree with the index.
    assert git(repo, "status", "--porcelain").stdout == ""
    # Re-run with outputs of the same size (counts 1..3 -> 7..9): git sees new stat data, re-cleans
    # the file through the filter, finds the index blob, and reports nothing.
    nb = executed_nb()
    for cell in nb["cells"]:
        cell["execution_count"] += 6
        cell["outputs"][1]["execution_count"] += 6
    write_nb(repo / "nb.ipynb", nb)
    assert (repo / "nb.ipynb").stat().st_size == len(working)
    os.utime(repo / "nb.ipynb", (1, 1))
    assert git(repo, "status", "--porcelain").stdout == ""
    # Outputs of another size: git calls the file modified on its size alone, without the filter
    # (git 2.39), unless the index says "compare content". A save in Jupyter writes that mark
    # (nbteam.workcopy.jupyter); `git diff` compares content anyway, and `git add` changes nothing.
    nb["cells"][0]["outputs"][0]["text"] = ["a longer output from another run\n"]
    write_nb(repo / "nb.ipynb", nb)
    assert git(repo, "diff").stdout == ""
    from nbteam.workcopy.jupyter import saved

    assert saved(str(repo / "nb.ipynb")) is True
    assert git(repo, "status", "--porcelain").stdout == ""
    git(repo, "add", "nb.ipynb")
    assert git(repo, "status", "--porcelain").stdout == ""
    assert git(repo, "diff", "--cached").stdout == ""
    # A source edit is a real modification.
    nb["cells"][0]["source"] = "print('changed')\n"
    write_nb(repo / "nb.ipynb", nb)
    assert git(repo, "status", "--porcelain").stdout == " M nb.ipynb\n"


def test_filter_process_serves_many_files_in_one_process(repo, git_env):
    _init(repo)
    for k in range(120):
        write_nb(repo / f"nbs/{k // 40}/n{k}.ipynb", executed_nb(2, tag=f"  # {k}"))
    (repo / "nbs" / "broken.ipynb").write_text("{ this is not json\n")
    (repo / "nbs" / "big.ipynb").write_bytes(raw(executed_nb(400)))  # several pkt-lines each way
    env = {**git_env, "GIT_TRACE": "1", "PATH": no_venv_path()}
    p = git(repo, "add", "-A", env=env)
    spawned = [line for line in p.stderr.splitlines() if "run_command:" in line and "nbteam" in line]
    assert len(spawned) == 1 and "filter-process" in spawned[0], spawned
    assert p.stderr.count("nbteam: warning: nbs/broken.ipynb is not valid JSON") == 1
    for k in (0, 77, 119):
        staged = json.loads(git(repo, "show", f":nbs/{k // 40}/n{k}.ipynb").stdout)
        assert [c["outputs"] for c in staged["cells"]] == [[], []]
        assert staged["cells"][0]["source"] == [f"print(0)  # {k}\n"]
    assert git(repo, "show", ":nbs/broken.ipynb").stdout == "{ this is not json\n"
    big = json.loads(git(repo, "show", ":nbs/big.ipynb").stdout)
    assert len(big["cells"]) == 400 and all(c["outputs"] == [] for c in big["cells"])


def test_disable_makes_git_add_keep_outputs(repo, git_env):
    _init(repo)
    write_nb(repo / "nb.ipynb", executed_nb())
    git(repo, "add", "nb.ipynb", env={**git_env, "NBTEAM_DISABLE": "1"})
    assert git(repo, "show", ":nb.ipynb").stdout.encode() == (repo / "nb.ipynb").read_bytes()


def test_git_add_of_an_unstrippable_notebook_warns_with_its_name(repo):
    _init(repo)
    nb = executed_nb(1)
    nb["cells"][0]["source"] = "x = '\ud800'\n"
    (repo / "bad.ipynb").write_text(json.dumps(nb, indent=1) + "\n")
    p = git(repo, "add", "bad.ipynb")
    assert "nbteam: warning: bad.ipynb holds text that is not valid Unicode" in p.stderr, p.stderr


def test_git_add_strips_an_nbformat3_notebook_and_keeps_its_format(repo):
    _init(repo)
    (repo / "old.ipynb").write_bytes(raw(v3_nb()))
    p = git(repo, "add", "old.ipynb")
    assert p.stderr == ""
    staged = json.loads(git(repo, "show", ":old.ipynb").stdout)
    assert staged["nbformat"] == 3 and staged["worksheets"][0]["cells"][0]["outputs"] == []
    assert "prompt_number" not in staged["worksheets"][0]["cells"][0]
    assert json.loads((repo / "old.ipynb").read_text()) == v3_nb()  # the working copy keeps its outputs


def test_no_filter_init_commits_outputs(repo):
    p = nbteam("init", "--no-filter", cwd=repo)
    assert p.returncode == 0
    write_nb(repo / "nb.ipynb", executed_nb())
    git(repo, "add", "nb.ipynb")
    assert git(repo, "show", ":nb.ipynb").stdout.encode() == (repo / "nb.ipynb").read_bytes()


def test_crlf_notebook_is_stored_crlf(repo):
    _init(repo)
    (repo / "win.ipynb").write_bytes(raw(executed_nb()).replace(b"\n", b"\r\n"))
    git(repo, "add", "win.ipynb")
    blob = subprocess.run(["git", "cat-file", "blob", ":win.ipynb"], cwd=repo, capture_output=True).stdout
    assert b'"outputs": []' in blob and blob.count(b"\r\n") == blob.count(b"\n")


def test_a_vanished_interpreter_stops_git_add_loudly_and_can_be_bypassed(repo, git_env):
    p = nbteam("init", "--python", "/gone/venv/bin/python", cwd=repo)
    assert p.returncode == 0
    write_nb(repo / "nb.ipynb", executed_nb())
    for _ in range(3):  # git must stop every time (a filter that fails gently would let outputs in)
        p = git(repo, "add", "nb.ipynb", check=False)
        assert p.returncode != 0
        lines = p.stderr.splitlines()
        # One nbteam line naming the interpreter and the fix comes before git's own error.
        assert lines[0] == ("nbteam: /gone/venv/bin/python is missing (a deleted or moved virtualenv?): run"
                            " `nbteam init` from the new environment, or set NBTEAM_DISABLE=1 for one command")
        assert "fatal:" in lines[-1]
        assert git(repo, "ls-files").stdout == ""  # nothing was staged with its outputs
    git(repo, "add", "nb.ipynb", env={**git_env, "NBTEAM_DISABLE": "1"})
    assert git(repo, "show", ":nb.ipynb").stdout.encode() == (repo / "nb.ipynb").read_bytes()
    # `nbteam init` from a working environment repairs it.
    assert nbteam("init", cwd=repo).returncode == 0
    # The file is unchanged since the last add: only a new stat makes git read it again (never the clock).
    os.utime(repo / "nb.ipynb", (1_600_000_000, 1_600_000_000))
    git(repo, "add", "nb.ipynb")
    assert json.loads(git(repo, "show", ":nb.ipynb").stdout)["cells"][1]["outputs"] == []
