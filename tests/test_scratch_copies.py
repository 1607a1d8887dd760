"""Copies of team notebooks flow back: `scratch new --from NB`, then `promote COPY --cell ID` / `--all`."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from nbteam.config import Config
from nbteam.scratch.copies import CopyState, Origin, copy_cells, read_origin, theirs_notebook
from nbteam.scratch.flowback import plan_copy
from nbteam.scratch.guards import ChangedSinceShownError, ScratchContext
from nbteam.scratch.scan import scan_worktree

TEAM = "analysis.ipynb"
COPY = "scratch/ada/analysis.ipynb"


def sources(repo: Path, rel: str) -> list[str]:
    return ["".join(c["source"]) for c in json.loads((repo / rel).read_text())["cells"]]


def edit(repo: Path, rel: str, change) -> None:
    nb = json.loads((repo / rel).read_text())
    change(nb["cells"])
    (repo / rel).write_text(json.dumps(nb, indent=1) + "\n")


def set_source(index: int, text: str):
    def change(cells):
        cells[index]["source"] = text
    return change


def copy_states(repo: Path) -> dict[str, str]:
    [nb] = [n for n in scan_worktree(repo, Config())[0] if n.path == COPY]
    assert nb.copy_error is None
    return {c.key: str(c.state) for c in nb.copy_cells}


@pytest.fixture
def team(repo: Path) -> Path:
    """A committed team notebook, and Ada's copy of it."""
    nb = make_nb("import pandas as pd", "df = pd.read_csv('sales.csv')", "df.describe()",
                 "%%writefile teamlib/f.py\nF = 1\n")
    nb["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "stats\n"}]
    write_nb(repo / TEAM, nb)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "team notebook")
    p = nbteam("scratch", "new", "--from", TEAM, cwd=repo)
    assert p.returncode == 0, p.stderr
    assert f"copy of {TEAM}: `nbteam promote {COPY} --cell ID`" in p.stdout
    return repo


def test_copy_records_origin_and_keeps_cell_ids(team):
    nb = json.loads((team / COPY).read_text())
    assert [c["id"] for c in nb["cells"]] == ["c0", "c1", "c2", "c3"]
    origin = read_origin(nb)
    head_blob = git(team, "rev-parse", f"HEAD:{TEAM}").stdout.strip()
    assert origin == Origin(TEAM, head_blob, head_blob, {})  # the committed version: teammates have it too
    assert copy_states(team) == {}
    p = nbteam("scratch", "list", cwd=team)
    assert f"{COPY}  (copy of {TEAM}; 1 promotable of 4 cells, 0 differ from {TEAM})" in p.stdout


def test_copy_cell_promoted_back_while_the_origin_changed_clean(team):
    edit(team, COPY, set_source(1, "df = pd.read_csv('sales.csv', parse_dates=['date'])"))
    edit(team, COPY, lambda cells: cells.insert(2, {**cells[1], "id": "new1", "source": "df = df.dropna()"}))
    edit(team, TEAM, set_source(2, "df.describe(include='all')"))  # a teammate's edit to another cell
    assert copy_states(team) == {"c1": "changed in copy", "new1": "added in copy"}
    p = nbteam("scratch", "list", cwd=team)
    assert f"=> {TEAM:<28} changed in copy: df = pd.read_csv('sales.csv', parse_dates=" in p.stdout
    p = nbteam("promote", COPY, "--cell", "c1", cwd=team)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "-df = pd.read_csv('sales.csv')\n+df = pd.read_csv('sales.csv', parse_dates=['date'])" in p.stdout
    assert f"1 cell(s) of {COPY} (c1): merged into {TEAM}; in sync now" in p.stdout
    assert sources(team, TEAM) == ["import pandas as pd", "df = pd.read_csv('sales.csv', parse_dates=['date'])",
                                   "df.describe(include='all')", "%%writefile teamlib/f.py\nF = 1\n"]
    assert json.loads((team / TEAM).read_text())["cells"][2]["outputs"]  # the origin keeps its outputs
    assert copy_states(team) == {"c1": "in sync with origin", "new1": "added in copy"}
    # The added cell lands where it stands in the copy; promoting c1 again changes nothing.
    p = nbteam("promote", COPY, "--all", cwd=team)
    assert p.returncode == 0, p.stdout + p.stderr
    assert sources(team, TEAM)[2] == "df = df.dropna()"
    assert copy_states(team) == {"c1": "in sync with origin", "new1": "in sync with origin"}
    p = nbteam("promote", COPY, "--cell", "c1", cwd=team)
    assert p.returncode == 2 and "is the same as in analysis.ipynb" in p.stderr


def test_copy_cell_promoted_back_conflicting(team):
    edit(team, COPY, set_source(2, "df.describe().T"))
    edit(team, TEAM, set_source(2, "df.describe(include='all')"))
    p = nbteam("promote", COPY, "--cell", "c2", cwd=team)
    assert p.returncode == 1
    assert f"with 1 conflict(s) marked there; resolve them (`nbteam conflicts {TEAM}`)" in p.stdout
    cell = sources(team, TEAM)[2]
    assert "<<<<<<< analysis.ipynb\ndf.describe(include='all')\n=======\ndf.describe().T\n>>>>>>> " + COPY in cell
    conflicts = nbteam("conflicts", TEAM, cwd=team)
    assert conflicts.returncode == 1


def test_deleted_cell_flows_back_and_writefile_cells_stay_out(team):
    edit(team, COPY, lambda cells: cells.pop(2))
    edit(team, COPY, set_source(3 - 1, "%%writefile ../../teamlib/f.py\nF = 2\n"))
    assert copy_states(team) == {"c2": "deleted in copy"}  # the %%writefile edit goes to its module, not here
    p = nbteam("promote", COPY, "--cell", "c2", cwd=team)
    assert p.returncode == 0, p.stdout + p.stderr
    assert [s for s in sources(team, TEAM)] == ["import pandas as pd", "df = pd.read_csv('sales.csv')",
                                                "%%writefile teamlib/f.py\nF = 1\n"]


def test_promote_back_rechecks_the_origin_it_showed(team):
    edit(team, COPY, set_source(0, "import pandas as pd\nimport numpy as np"))
    plan = plan_copy(ScratchContext(team, Config(), "ada"), COPY)
    assert "+import numpy as np" in plan.shown.diff and not plan.shown.written
    edit(team, TEAM, set_source(1, "df = pd.read_parquet('sales.parquet')"))
    with pytest.raises(ChangedSinceShownError, match="analysis.ipynb changed since it was shown"):
        plan.apply()
    assert sources(team, TEAM)[0] == "import pandas as pd"


def test_someone_elses_copy_needs_confirmation(team):
    p = nbteam("promote", COPY, "--all", "--user", "grace", cwd=team)
    assert p.returncode == 2 and "is ada's scratchpad" in p.stderr


def test_not_a_copy_and_missing_base(team):
    write_nb(team / "scratch/ada/plain.ipynb", make_nb("x = 1"))
    p = nbteam("promote", "scratch/ada/plain.ipynb", "--all", cwd=team)
    assert p.returncode == 2 and "no %%writefile cells" in p.stderr
    edit(team, COPY, set_source(0, "import polars"))
    nb = json.loads((team / COPY).read_text())
    nb["metadata"]["nbteam"]["origin"]["base"] = "0" * 40
    (team / COPY).write_text(json.dumps(nb))
    p = nbteam("promote", COPY, "--all", cwd=team)
    assert p.returncode == 2 and "is not in this repository's git objects" in p.stderr
    assert "cannot compare with analysis.ipynb" in nbteam("scratch", "list", cwd=team).stdout


def test_theirs_places_added_cells_after_their_neighbour():
    base = make_nb("a", "b", "c")
    copy = make_nb("a", "b", "c")
    copy["cells"].insert(1, {**copy["cells"][0], "id": "x", "source": "after a"})
    copy["cells"].append({**copy["cells"][0], "id": "y", "source": "at the end"})
    out = theirs_notebook(base, copy, {"x", "y"}, "s/u/c.ipynb", "c.ipynb")
    assert [c["source"] for c in out["cells"]] == ["a", "after a", "b", "c", "at the end"]
    states = copy_cells(copy, base, Origin("c.ipynb", "b", "b"), "s/u/c.ipynb")
    assert [(c.key, c.state) for c in states] == [("x", CopyState.ADDED), ("y", CopyState.ADDED)]


def test_copy_of_a_notebook_without_cell_ids_flows_back(repo):
    """nbformat 4.4 has no ids: the copy gets ids, its base (stored as a blob) carries them, the origin stays 4.4."""
    write_nb(repo / TEAM, make_nb("a = 1", "b = 2", "c = 3", ids=False))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "old notebook")
    assert nbteam("scratch", "new", "--from", TEAM, cwd=repo).returncode == 0
    key = json.loads((repo / COPY).read_text())["cells"][1]["id"]
    edit(repo, COPY, set_source(1, "b = 20"))
    edit(repo, TEAM, set_source(2, "c = 30"))
    p = nbteam("promote", COPY, "--cell", key, cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    team = json.loads((repo / TEAM).read_text())
    assert [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in team["cells"]] == [
        "a = 1", "b = 20", "c = 30"]
    assert team["nbformat_minor"] == 4 and all("id" not in c for c in team["cells"])
    assert copy_states(repo) == {key: "in sync with origin"}
