"""The seed's workflow end to end, two people and a shared remote (issue 19, items 1-6).

The lead (Ada) runs her `%%writefile` and `%%writefile -a` cells in Jupyter, promotes, and
pushes; Grace edits the module and pushes; copies of the team notebook flow back.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam, write_nb
from test_init import no_venv_path

NB = "scratch/ada/sales.ipynb"
MODULE = "teamlib/metrics.py"
WRITE = "import pandas as pd\n\n\ndef revenue(df):\n    return (df.price * df.qty).sum()\n"
APPEND = "\n\ndef top_products(df, n=3):\n    return df.nlargest(n, 'qty')\n"
TEAM = "analysis.ipynb"


def person(git_env: dict, name: str, email: str) -> dict:
    """The environment of one person's shell (git's identity variables included, as in the seed's team)."""
    return {**git_env, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email, "NBTEAM_USER": ""}


@pytest.fixture
def two(tmp_path: Path, git_env: dict):
    """A shared bare remote and two clones, Ada's and Grace's, each with its own identity."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    ada, grace = tmp_path / "ada", tmp_path / "grace"
    git(tmp_path, "clone", "-q", str(remote), str(ada))
    (ada / "README.md").write_text("team\n")
    git(ada, "add", "README.md")
    git(ada, "commit", "-qm", "start")
    git(ada, "push", "-q", "origin", "HEAD:main")
    git(tmp_path, "clone", "-q", str(remote), str(grace))
    for clone, name in ((ada, "Ada Lovelace"), (grace, "Grace Hopper")):
        first = name.split()[0].lower()
        git(clone, "config", "user.name", name)
        git(clone, "config", "user.email", f"{first}@example.com")
    envs = {"ada": person(git_env, "Ada Lovelace", "ada@example.com"),
            "grace": person(git_env, "Grace Hopper", "grace@example.com")}
    return ada, grace, envs


def lead_notebook(write: str = WRITE, append: str = APPEND) -> dict:
    """The lead's scratchpad: cell 3 writes the module, cell 4 appends to it."""
    return make_nb("import pandas as pd", "df = pd.read_csv('sales.csv')",
                   "%%writefile ../../teamlib/metrics.py\n" + write, "%%writefile -a ../../teamlib/metrics.py\n" + append)


def run_in_jupyter(repo: Path, write: str = WRITE, append: str = APPEND) -> None:
    """What running cells 3 and 4 in Jupyter leaves in the module."""
    (repo / "teamlib").mkdir(exist_ok=True)
    (repo / MODULE).write_text(write + append)


def cell_source(repo: Path, notebook: str, index: int) -> str:
    return "".join(json.loads((repo / notebook).read_text())["cells"][index]["source"])


def manifest(repo: Path) -> list[dict]:
    path = repo / ".nbteam/promotions.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# --- 1. cells already run in Jupyter ------------------------------------------------------------

def test_write_and_append_cells_already_run_are_in_sync_and_recorded_without_force(two):
    ada, _, envs = two
    write_nb(ada / NB, lead_notebook())
    run_in_jupyter(ada)
    listed = json.loads(nbteam("scratch", "list", "--json", cwd=ada, env=envs["ada"]).stdout)
    assert [c["refusal"] for c in listed[0]["cells"]] == [None, None]
    p = nbteam("promote", NB, cwd=ada, env=envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert "already exists and nbteam has no record" not in p.stdout
    assert (ada / MODULE).read_text() == WRITE + APPEND
    assert sorted(r["mode"] for r in manifest(ada)) == ["append", "write"]
    again = nbteam("promote", NB, cwd=ada, env=envs["ada"])
    assert again.returncode == 0 and again.stdout.count(": unchanged:") == 2, again.stdout


def test_a_promotion_is_all_or_nothing(two):
    ada, _, envs = two
    write_nb(ada / NB, lead_notebook())
    (ada / "teamlib").mkdir()
    (ada / MODULE).write_text("HAND = 'written by somebody, not by these cells'\n")
    p = nbteam("promote", NB, cwd=ada, env=envs["ada"])
    assert p.returncode == 1
    assert "cell 3 (c2) -> teamlib/metrics.py: refused" in p.stdout
    assert "cell 4 (c3) -> teamlib/metrics.py: not promoted" in p.stdout
    assert (ada / MODULE).read_text() == "HAND = 'written by somebody, not by these cells'\n"
    assert manifest(ada) == []


# --- 2. --update maps each region back to its cell -----------------------------------------------

@pytest.fixture
def promoted_and_edited(two):
    """Ada promoted cells 3 and 4 and pushed; Grace changed the appended function (n=3 -> n=5) and pushed."""
    ada, grace, envs = two
    write_nb(ada / NB, lead_notebook())
    run_in_jupyter(ada)
    p = nbteam("promote", NB, "--force", cwd=ada, env=envs["ada"])  # --force: independent of item 1
    assert p.returncode == 0, p.stdout + p.stderr
    git(ada, "add", "-A")
    git(ada, "commit", "-qm", "ada: metrics", env=envs["ada"])
    git(ada, "push", "-q", "origin", "HEAD:main")
    git(grace, "pull", "-q", "origin", "main")
    (grace / MODULE).write_text((grace / MODULE).read_text().replace("n=3", "n=5"))
    git(grace, "commit", "-qam", "grace: top five", env=envs["grace"])
    git(grace, "push", "-q", "origin", "HEAD:main")
    git(ada, "pull", "-q", "origin", "main")
    return two


def test_update_lands_a_teammates_edit_in_the_append_cell_and_promote_then_changes_nothing(promoted_and_edited):
    ada, _, envs = promoted_and_edited
    module = (ada / MODULE).read_text()
    p = nbteam("promote", NB, "--update", cwd=ada, env=envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert cell_source(ada, NB, 2) == "%%writefile ../../teamlib/metrics.py\n" + WRITE
    assert cell_source(ada, NB, 3) == "%%writefile -a ../../teamlib/metrics.py\n" + APPEND.replace("n=3", "n=5")
    assert (ada / MODULE).read_text() == module
    p = nbteam("promote", NB, cwd=ada, env=envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert (ada / MODULE).read_text() == module
    assert module.count("def top_products") == 1
    assert p.stdout.count(": unchanged:") == 2, p.stdout


def test_update_refuses_saying_why_when_it_cannot_map_an_edit_to_one_cell(promoted_and_edited):
    ada, _, envs = promoted_and_edited
    text = (ada / MODULE).read_text()
    # Lines added exactly between cell 3's block and cell 4's belong to neither.
    (ada / MODULE).write_text(text.replace(WRITE, WRITE + "SHARED = 1\n"))
    before = (ada / NB).read_text()
    p = nbteam("promote", NB, "--update", cwd=ada, env=envs["ada"])
    assert p.returncode == 1
    assert "cannot tell which cell" in p.stdout, p.stdout
    assert (ada / NB).read_text() == before


# --- 3. --stage stages what promote wrote, the notebook through the clean filter -----------------

def test_stage_adds_modules_manifest_attributes_and_the_notebook_without_outputs(two):
    ada, _, envs = two
    env = {**envs["ada"], "PATH": no_venv_path()}
    assert nbteam("init", cwd=ada, env=envs["ada"]).returncode == 0
    git(ada, "add", "-A", env=env)
    git(ada, "commit", "-qm", "nbteam init", env=env)
    nb = lead_notebook()
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "loaded\n"}]
    nb["cells"][1]["execution_count"] = 2
    write_nb(ada / NB, nb)
    run_in_jupyter(ada)  # the module exists already: recorded, not rewritten, and staged all the same
    p = nbteam("promote", NB, "--stage", cwd=ada, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    status = git(ada, "status", "--porcelain", "--untracked-files=all", env=env).stdout
    assert "??" not in status, status
    staged = set(git(ada, "diff", "--cached", "--name-only", env=env).stdout.split())
    assert staged == {NB, MODULE, ".nbteam/promotions.jsonl", ".nbteam/.gitattributes"}
    blob = json.loads(git(ada, "show", f":{NB}", env=env).stdout)
    assert blob["cells"][1]["outputs"] == [] and blob["cells"][1]["execution_count"] is None
    assert json.loads((ada / NB).read_text())["cells"][1]["outputs"]  # the working copy keeps them


# --- 4. copies flowing back change only the promoted cells ---------------------------------------

@pytest.mark.parametrize("ids", [True, False], ids=["cell ids", "nbformat 4.4 without ids"])
def test_a_copy_cell_flows_back_without_touching_other_cells_or_keeping_stale_outputs(two, ids):
    ada, _, envs = two
    nb = make_nb("import pandas as pd", "df = pd.read_csv('sales.csv')", "df.describe()", ids=ids)
    nb["cells"][0]["metadata"] = {"collapsed": True, "ExecuteTime": {"end_time": "2026-01-01T00:00:01"}}
    nb["cells"][1]["metadata"] = {"ExecuteTime": {"end_time": "2026-01-01T00:00:02"}}
    nb["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "stats\n"}]
    nb["cells"][2]["execution_count"] = 3
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    write_nb(ada / TEAM, nb)
    git(ada, "add", TEAM)
    git(ada, "commit", "-qm", "team notebook", env=envs["ada"])
    assert nbteam("scratch", "new", "--from", TEAM, cwd=ada, env=envs["ada"]).returncode == 0
    copy = "scratch/ada/analysis.ipynb"
    copied = json.loads((ada / copy).read_text())
    copied["cells"][2]["source"] = "df.describe(include='all')"
    (ada / copy).write_text(json.dumps(copied, indent=1) + "\n")
    p = nbteam("promote", copy, "--cell", copied["cells"][2]["id"], cwd=ada, env=envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    after = json.loads((ada / TEAM).read_text())
    for cell in after["cells"]:
        cell["source"] = "".join(cell["source"])
    assert after["cells"][0] == nb["cells"][0] and after["cells"][1] == nb["cells"][1]
    assert after["metadata"]["widgets"] == nb["metadata"]["widgets"]
    assert after["cells"][2]["source"] == "df.describe(include='all')"
    assert after["cells"][2]["outputs"] == [] and after["cells"][2]["execution_count"] is None


# --- 5. the team get-together: every teammate's copy cells of one notebook -----------------------

def test_scratch_list_from_shows_every_teammates_differing_copy_cells(two):
    ada, grace, envs = two
    write_nb(ada / TEAM, make_nb("import pandas as pd", "df = pd.read_csv('sales.csv')", "df.describe()"))
    write_nb(ada / "other.ipynb", make_nb("x = 1"))
    git(ada, "add", "-A")
    git(ada, "commit", "-qm", "team notebooks", env=envs["ada"])
    git(ada, "push", "-q", "origin", "HEAD:main")
    git(grace, "pull", "-q", "origin", "main")
    for clone, who in ((ada, "ada"), (grace, "grace")):
        assert nbteam("scratch", "new", "--from", TEAM, cwd=clone, env=envs[who]).returncode == 0
        copy = clone / f"scratch/{who}/analysis.ipynb"
        nb = json.loads(copy.read_text())
        nb["cells"][2]["source"] = f"df.describe()  # {who} looked closer"
        copy.write_text(json.dumps(nb, indent=1) + "\n")
    assert nbteam("scratch", "new", "--from", "other.ipynb", cwd=grace, env=envs["grace"]).returncode == 0
    git(grace, "add", "-A")
    git(grace, "commit", "-qm", "grace's copy", env=envs["grace"])
    git(grace, "push", "-q", "origin", "HEAD:main")
    git(ada, "pull", "-q", "origin", "main")
    p = nbteam("scratch", "list", "--from", TEAM, cwd=ada, env=envs["ada"])
    assert p.returncode == 0, p.stderr
    assert "scratch/ada/analysis.ipynb" in p.stdout and "scratch/grace/analysis.ipynb" in p.stdout
    assert "ada looked closer" in p.stdout and "grace looked closer" in p.stdout
    assert "other.ipynb" not in p.stdout.replace(TEAM, "")
    data = json.loads(nbteam("scratch", "list", "--from", TEAM, "--json", cwd=ada, env=envs["ada"]).stdout)
    assert [(n["user"], [c["id"] for c in n["copy_cells"]]) for n in data] == [("ada", ["c2"]), ("grace", ["c2"])]


# --- 6. identity like git's ---------------------------------------------------------------------

def test_scratch_new_works_with_only_git_author_set(tmp_path, git_env):
    repo = tmp_path / "solo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")  # no user.* anywhere: HOME is empty, no system config
    env = {**person(git_env, "Grace Hopper", "grace.hopper@example.com")}
    for key in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "NBTEAM_USER"):
        env.pop(key)
    p = nbteam("scratch", "new", cwd=repo, env=env)
    assert p.returncode == 0, p.stderr
    assert "created scratch/grace-hopper/scratch.ipynb" in p.stdout
    env.pop("GIT_AUTHOR_EMAIL")
    p = nbteam("scratch", "new", "two", cwd=repo, env=env)
    assert "created scratch/grace-hopper/two.ipynb" in p.stdout, p.stderr


def test_nbteam_user_then_the_environment_then_config(tmp_path, git_env, monkeypatch):
    from nbteam.config import resolve_user

    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ada.king@example.com")
    env = {"GIT_AUTHOR_EMAIL": "ada.lovelace@example.com", "GIT_AUTHOR_NAME": "Ada"}
    assert resolve_user(repo, env=env) == "ada-lovelace"  # the environment before config, as git takes them
    assert resolve_user(repo, env={}) == "ada-king"
    git(repo, "config", "nbteam.user", "ada")
    assert resolve_user(repo, env=env) == "ada"


# --- the region mapping itself (pure) ------------------------------------------------------------

def _regions(*bodies_and_modes):
    from nbteam.scratch.manifest import PromotionRecord, sha256
    from nbteam.scratch.regions import Region

    out, text = [], ""
    for n, (body, mode) in enumerate(bodies_and_modes):
        text += body
        out.append(Region(PromotionRecord(MODULE, NB, f"c{n}", mode, sha256(body), sha256(text), 0, "ada",
                                          f"2026-01-01T00:00:0{n}.000000Z"), body))
    return out


def test_each_edit_is_mapped_to_the_block_it_falls_in():
    from nbteam.scratch.manifest import Mode
    from nbteam.scratch.regions import RegionError, module_regions, split_module

    regions = _regions((WRITE, Mode.WRITE), (APPEND, Mode.APPEND), ("\n\nX = 1\n", Mode.APPEND))
    records = [r.record for r in regions]
    bases = {r.record.key: r.base for r in regions}
    assert [r.base for r in module_regions(records, bases)] == [r.base for r in regions]
    # `--update` re-recorded the first append cell last: the hash still finds the file's order.
    later = replace(records[1], time="2026-01-01T00:00:09.000000Z", module_sha=records[2].module_sha)
    assert [r.base for r in module_regions([records[0], later, records[2]], bases)] == [r.base for r in regions]
    edited = WRITE.replace("import pandas as pd\n", "import pandas as pd\nimport numpy as np\n") \
        + APPEND.replace("n=3", "n=5") + "\n\nX = 1\nY = 2\n"
    assert split_module(regions, edited) == [WRITE.replace("pd\n", "pd\nimport numpy as np\n", 1),
                                             APPEND.replace("n=3", "n=5"), "\n\nX = 1\nY = 2\n"]
    with pytest.raises(RegionError, match="lines were added between .* cell c0's block and .* cell c1's"):
        split_module(regions, WRITE + "SHARED = 1\n" + APPEND + "\n\nX = 1\n")
    with pytest.raises(RegionError, match="cannot be rebuilt"):
        module_regions(records, {**bases, records[1].key: APPEND + "# not what was promoted\n"})
    with pytest.raises(RegionError, match="not in git's objects"):
        module_regions(records, {**bases, records[2].key: None})
