"""Real merges: bench/score_merges.py on the real-merge corpus, nbteam beside nbdime and git merge-file.

The corpus is rebuilt from public repositories by `python bench/real_merges.py fetch bench/real-merges`
(the cases are listed, with their licences, in bench/real-merges.tsv); NBTEAM_CORPUS points elsewhere.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import tool_path

DESCRIPTION = "correctness and median time per merge on the real-merge corpus (slow: nbdime ~2 s a case)"
ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT / "bench" / "score_merges.py"
CORPUS = Path(os.environ.get("NBTEAM_CORPUS") or ROOT / "bench" / "real-merges")


def _score(driver: str, name: str, cases: list[str]) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        p = subprocess.run([sys.executable, str(SCORER), *cases, "--driver", driver, "--name", name,
                            "--json", out.name], capture_output=True, text=True)
        if p.returncode != 0:
            return None
        rows = json.load(open(out.name))
    clean = [r for r in rows if r["rc"] == 0]
    conflicted = [r for r in rows if r["rc"] == 1]
    note = (f"clean {len(clean)}/{len(rows)}, same as people {sum(r['same_as_people'] for r in clean)}, "
            f"clean but differs {sum(not r['same_as_people'] for r in clean)}, "
            f"invisible conflicts {sum(not r['conflict_visible'] for r in conflicted)}, "
            f"invalid {sum(r['valid'] is False for r in rows)}, other exits {len(rows) - len(clean) - len(conflicted)}")
    return {"seconds": statistics.median(r["s"] for r in rows), "note": note}


def run(quick: bool) -> list[dict]:
    if not SCORER.exists() or not CORPUS.is_dir():
        return [{"case": "real merges", "tool": "nbteam", "seconds": None,
                 "note": f"no corpus at {CORPUS}: python bench/real_merges.py fetch {CORPUS}"}]
    cases = sorted(str(p) for p in CORPUS.glob("*-merges"))
    if quick:  # one repository's merges
        cases = cases[-1:]
    nbdime = tool_path("git-nbmergedriver")
    drivers = {
        "nbteam": f"{sys.executable} -m nbteam merge-driver %O %A %B %L %P",
        "nbdime": f"{nbdime} merge %O %A %B %L %P" if nbdime else None,
        "git merge-file": "text",
    }
    rows = []
    for tool, driver in drivers.items():
        result = _score(driver, tool, cases) if driver else None
        rows.append({"case": "real merges (median per case)", "tool": tool,
                     "seconds": result and result["seconds"],
                     "note": result["note"] if result else "not installed ([bench] extra)"})
    return rows
