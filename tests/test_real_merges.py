"""bench/real_merges.py: the README's comparison corpus can be rebuilt from the repositories listed in the repo."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import CORPUS, ROOT, git, make_nb, merge_branches

SCRIPT = ROOT / "bench" / "real_merges.py"


def _hub_with_a_notebook_merge(tmp_path: Path) -> Path:
    """A repository 'team/analysis' under tmp/hub whose history has one merge where both sides edited nb.ipynb."""
    repo = tmp_path / "hub" / "team" / "analysis"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    # no driver here: git's line merge, committed as a merge
    p = merge_branches(repo, make_nb("a = 1\n", "b = 2\n"), make_nb("a = 10\n", "b = 2\n"), make_nb("a = 1\n", "b = 20\n"))
    assert p.returncode == 0, p.stderr
    return repo


def test_mine_then_fetch_by_the_listed_commits_gives_the_same_case(tmp_path, git_env):
    repo = _hub_with_a_notebook_merge(tmp_path)
    mined = tmp_path / "mined"
    p = subprocess.run([sys.executable, str(SCRIPT), "mine", str(repo), str(mined)], capture_output=True, text=True)
    assert p.returncode == 0 and "1 cases" in p.stdout, p.stderr
    meta = json.loads((mined / "0000" / "meta.json").read_text())
    assert meta["path"] == "nb.ipynb"
    tsv = tmp_path / "cases.tsv"
    tsv.write_text("# test\n" + "\t".join(["team/analysis", "MIT", "0000", meta["merge"], meta["base"], meta["ours"],
                                            meta["theirs"], meta["path"]]) + "\n")
    fetched = tmp_path / "fetched"
    p = subprocess.run([sys.executable, str(SCRIPT), "fetch", str(fetched), "--tsv", str(tsv),
                        "--url-base", str(tmp_path / "hub")], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    case = fetched / "team+analysis-merges" / "0000"
    for role in ("base", "ours", "theirs", "merged", "meta"):
        suffix = ".json" if role == "meta" else ".ipynb"
        assert (case / f"{role}{suffix}").read_bytes() == (mined / "0000" / f"{role}{suffix}").read_bytes()
    assert '"b = 20\\n"' in (case / "merged.ipynb").read_text()


def test_the_listed_cases_are_the_corpus_cases():
    """Every line of bench/real-merges.tsv names a real case: the commits match the development corpus."""
    rows = [line.split("\t") for line in (ROOT / "bench" / "real-merges.tsv").read_text().splitlines()
            if line and not line.startswith("#")]
    assert len(rows) == 199 and all(len(r) == 8 for r in rows)
    assert {r[1] for r in rows} <= {"MIT", "Apache-2.0", "BSD-3-Clause"}
    corpus = CORPUS / "real-merges"
    if not corpus.is_dir():
        import pytest

        pytest.skip(f"corpus not available: {corpus} is missing (it exists only on development machines)")
    for repo, _, case, merge, base, ours, theirs, path in rows:
        meta = json.loads((corpus / f"{repo.replace('/', '+', 1)}-merges" / case / "meta.json").read_text())
        assert meta == {"merge": merge, "base": base, "ours": ours, "theirs": theirs, "path": path}
