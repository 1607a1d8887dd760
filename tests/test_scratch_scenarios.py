"""Issue 19's workflow in the variants a demanding team hits: two clones and a remote, real git, the CLI.

CRLF and BOM notebooks, nbformat 4.4 without ids, two append cells, cells re-run in Jupyter
after a promotion, `--stage` with and without `nbteam init`, targets through a symlinked
folder, quoted `%%writefile` paths, and the identity order of docs/configuration.md.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import git, make_nb, nbteam
from test_init import no_venv_path
from test_scratch_workflow import APPEND, MODULE, NB, WRITE, manifest, person, two  # noqa: F401 (fixture)

APPEND2 = "\n\ndef bottom_products(df, n=3):\n    return df.nsmallest(n, 'qty')\n"
MAGIC = "%%writefile ../../teamlib/metrics.py\n"
MAGIC_A = "%%writefile -a ../../teamlib/metrics.py\n"


def save(path: Path, nb: dict, crlf: bool = False, bom: bool = False) -> None:
    """Write a notebook as Jupyter would (sources as lists of lines), optionally CRLF and with a BOM."""
    for cell in nb["cells"]:
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def load(path: Path) -> dict:
    return json.loads(path.read_bytes().decode("utf-8-sig"))


def source(repo: Path, index: int, notebook: str = NB) -> str:
    return "".join(load(repo / notebook)["cells"][index]["source"])


def jupyter_run(repo: Path, *bodies_and_modes: tuple[str, str], crlf: bool = False) -> None:
    """Run cells in Jupyter: "w" replaces the module, "a" appends (text mode: CRLF on Windows)."""
    path = repo / MODULE
    path.parent.mkdir(exist_ok=True)
    for body, mode in bodies_and_modes:
        data = body.replace("\n", "\r\n") if crlf else body
        old = path.read_bytes() if mode == "a" and path.exists() else b""
        path.write_bytes(old + data.encode("utf-8"))


def promote(repo: Path, env: dict, *args: str, nb: str = NB):
    return nbteam("promote", nb, *args, cwd=repo, env=env)


def push(repo: Path, env: dict, message: str) -> None:
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-qm", message, env=env)
    git(repo, "push", "-q", "origin", "HEAD:main", env=env)


def pull(repo: Path, env: dict) -> None:
    git(repo, "pull", "-q", "--no-rebase", "origin", "main", env=env)


def run_and_promote(ada: Path, env: dict, *appends: str) -> dict:
    """Ada's scratchpad: cell 2 writes the module, one `-a` cell per append; run in Jupyter, then promoted."""
    nb = make_nb("x = 1", MAGIC + WRITE, *(MAGIC_A + body for body in appends))
    save(ada / NB, nb)
    jupyter_run(ada, (WRITE, "w"), *((body, "a") for body in appends))
    p = promote(ada, env)
    assert p.returncode == 0, p.stdout + p.stderr
    return nb


def grace_edits(two, edit) -> str:
    """Ada pushes; Grace changes the module with edit(text) and pushes; Ada pulls. The module's new text."""
    ada, grace, envs = two
    push(ada, envs["ada"], "ada: metrics")
    pull(grace, envs["grace"])
    text = edit((grace / MODULE).read_text())
    (grace / MODULE).write_text(text)
    push(grace, envs["grace"], "grace: edits the module")
    pull(ada, envs["ada"])
    return text


# --- 1. cells already run in Jupyter, in every notebook flavour -------------------------------------

FLAVOURS = {
    "ids": dict(ids=True),
    "nbformat 4.4 without ids": dict(ids=False),
    "CRLF notebook": dict(crlf=True),
    "BOM notebook": dict(bom=True),
    "CRLF module (Jupyter on Windows)": dict(crlf_module=True),
}


@pytest.mark.parametrize("flavour", list(FLAVOURS))
def test_cells_run_in_jupyter_promote_without_force_in_every_flavour(two, flavour):
    ada, grace, envs = two
    opts = FLAVOURS[flavour]
    nb = make_nb("import pandas as pd", MAGIC + WRITE, MAGIC_A + APPEND, MAGIC_A + APPEND2, ids=opts.get("ids", True))
    save(ada / NB, nb, crlf=opts.get("crlf", False), bom=opts.get("bom", False))
    jupyter_run(ada, (WRITE, "w"), (APPEND, "a"), (APPEND2, "a"), crlf=opts.get("crlf_module", False))
    module = (ada / MODULE).read_bytes()
    listed = nbteam("scratch", "list", cwd=ada, env=envs["ada"])
    assert listed.stdout.count(" new: ") == 3, listed.stdout + listed.stderr
    p = promote(ada, envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert (ada / MODULE).read_bytes() == module
    assert len(manifest(ada)) == 3
    again = promote(ada, envs["ada"])
    assert again.returncode == 0 and again.stdout.count(": unchanged:") == 3, again.stdout
    # Grace edits the second appended function; --update lands it in cell 4, and promote then changes nothing.
    push(ada, envs["ada"], "ada: metrics")
    pull(grace, envs["grace"])
    text = (grace / MODULE).read_bytes().replace(b"nsmallest(n", b"nsmallest(n + 1")
    (grace / MODULE).write_bytes(text)
    push(grace, envs["grace"], "grace: one more")
    pull(ada, envs["ada"])
    p = promote(ada, envs["ada"], "--update")
    assert p.returncode == 0, p.stdout + p.stderr
    assert source(ada, 1).replace("\r\n", "\n") == MAGIC + WRITE
    assert source(ada, 2).replace("\r\n", "\n") == MAGIC_A + APPEND
    assert source(ada, 3).replace("\r\n", "\n") == MAGIC_A + APPEND2.replace("nsmallest(n", "nsmallest(n + 1")
    assert (ada / MODULE).read_bytes() == text
    p = promote(ada, envs["ada"])
    assert p.returncode == 0 and p.stdout.count(": unchanged:") == 3, p.stdout
    assert (ada / MODULE).read_bytes() == text
    if opts.get("crlf"):
        assert b"\r\n" in (ada / NB).read_bytes()
    if opts.get("bom"):
        assert (ada / NB).read_bytes().startswith(b"\xef\xbb\xbf")  # --update kept it


# --- 1b. edited and re-run in Jupyter after a promotion --------------------------------------------

def test_write_cell_edited_and_rerun_with_its_append_cell_promotes_without_force(two):
    ada, _, envs = two
    nb = make_nb("import pandas as pd", MAGIC + WRITE, MAGIC_A + APPEND)
    save(ada / NB, nb)
    jupyter_run(ada, (WRITE, "w"), (APPEND, "a"))
    assert promote(ada, envs["ada"]).returncode == 0
    edited = WRITE.replace("return (df.price * df.qty).sum()", "return float((df.price * df.qty).sum())")
    nb["cells"][1]["source"] = MAGIC + edited
    save(ada / NB, nb)
    jupyter_run(ada, (edited, "w"), (APPEND, "a"))  # Run All in Jupyter
    p = promote(ada, envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert (ada / MODULE).read_text() == edited + APPEND
    p = promote(ada, envs["ada"])
    assert p.returncode == 0 and p.stdout.count(": unchanged:") == 2, p.stdout


# --- 3. --stage, with and without `nbteam init` -----------------------------------------------------

def _ada_without_nbteam_on_path(two, init: bool):
    """Ada's clone and an environment whose PATH holds no nbteam; set up by `nbteam init` (committed) when init."""
    ada, _, envs = two
    env = {**envs["ada"], "PATH": no_venv_path()}
    if init:
        assert nbteam("init", cwd=ada, env=envs["ada"]).returncode == 0
        git(ada, "add", "-A", env=env)
        git(ada, "commit", "-qm", "nbteam init", env=env)
    return ada, env


@pytest.mark.parametrize("init", [True, False], ids=["after nbteam init", "without nbteam init"])
def test_stage_never_stages_outputs(two, init):
    ada, env = _ada_without_nbteam_on_path(two, init)
    nb = make_nb("import pandas as pd", MAGIC + WRITE, MAGIC_A + APPEND)
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "loaded\n"}]
    nb["cells"][0]["execution_count"] = 1
    save(ada / NB, nb)
    p = promote(ada, env, "--stage")
    assert p.returncode == 0, p.stdout + p.stderr
    status = git(ada, "status", "--porcelain", "--untracked-files=all", env=env).stdout
    assert "??" not in status, status
    staged = json.loads(git(ada, "show", f":{NB}", env=env).stdout)
    assert staged["cells"][0]["outputs"] == [] and staged["cells"][0]["execution_count"] is None
    assert load(ada / NB)["cells"][0]["outputs"]  # the working copy keeps them


@pytest.mark.parametrize("init", [True, False], ids=["after nbteam init", "without nbteam init"])
def test_stage_of_a_copy_flowing_back_never_stages_outputs(two, init):
    ada, env = _ada_without_nbteam_on_path(two, init)
    team = make_nb("import pandas as pd", "df = pd.read_csv('sales.csv')", "df.describe()")
    team["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "stats\n"}]
    team["cells"][2]["execution_count"] = 3
    save(ada / "analysis.ipynb", team)
    git(ada, "add", "-A", env=env)
    git(ada, "commit", "-qm", "team notebook", env=env)
    save(ada / "analysis.ipynb", team)  # the working copy keeps its outputs
    assert nbteam("scratch", "new", "--from", "analysis.ipynb", cwd=ada, env=env).returncode == 0
    copy = "scratch/ada/analysis.ipynb"
    copied = load(ada / copy)
    copied["cells"][1]["source"] = "df = pd.read_csv('sales.csv', parse_dates=['day'])"
    save(ada / copy, copied)
    p = promote(ada, env, "--cell", "c1", "--stage", nb=copy)
    assert p.returncode == 0, p.stdout + p.stderr
    status = git(ada, "status", "--porcelain", "--untracked-files=all", env=env).stdout
    assert "??" not in status, status
    staged = json.loads(git(ada, "show", ":analysis.ipynb", env=env).stdout)
    assert "parse_dates" in "".join(staged["cells"][1]["source"])
    assert staged["cells"][2]["outputs"] == []
    assert load(ada / "analysis.ipynb")["cells"][2]["outputs"]


# --- targets through a symlinked folder, quoted targets ---------------------------------------------

def test_a_target_through_a_symlinked_folder_is_the_file_jupyter_writes(two):
    ada, _, envs = two
    (ada / "src/teamlib").mkdir(parents=True)
    (ada / "teamlib").symlink_to("src/teamlib")
    push(ada, envs["ada"], "teamlib lives in src")
    nb = make_nb("import pandas as pd", MAGIC + WRITE, MAGIC_A + APPEND)
    save(ada / NB, nb)
    jupyter_run(ada, (WRITE, "w"), (APPEND, "a"))
    p = promote(ada, envs["ada"], "--stage")
    assert p.returncode == 0, p.stdout + p.stderr
    status = git(ada, "status", "--porcelain", "--untracked-files=all", env=envs["ada"]).stdout
    assert "??" not in status, status
    assert (ada / "src/teamlib/metrics.py").read_text() == WRITE + APPEND


@pytest.mark.parametrize("magics", [
    ('%%writefile "../../team lib/m.py"\n', "%%writefile -a '../../team lib/m.py'\n"),
    ("%%writefile ../../teamlib/m.py\n", "%%writefile ../../teamlib/m.py -a\n"),
    ("%%writefile --append ../../teamlib/m.py\n", "%%writefile --append ../../teamlib/m.py\n"),
], ids=["quoted", "option after the target", "--append twice"])
def test_quoted_targets_and_append_options(two, magics):
    ada, _, envs = two
    write_magic, append_magic = magics
    target = "team lib/m.py" if "team lib" in write_magic else "teamlib/m.py"
    nb = make_nb("x = 1", write_magic + WRITE, append_magic + APPEND)
    save(ada / NB, nb)
    (ada / target).parent.mkdir(exist_ok=True)
    first = WRITE if "--append" not in write_magic else WRITE
    (ada / target).write_text(first + APPEND)
    p = promote(ada, envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert (ada / target).read_text() == WRITE + APPEND
    p = promote(ada, envs["ada"])
    assert p.returncode == 0 and p.stdout.count(": unchanged:") == 2, p.stdout


# --- identity ---------------------------------------------------------------------------------------

def _bare_env(git_env: dict, **extra: str) -> dict:
    env = {k: v for k, v in git_env.items() if not k.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_")) and k not in ("NBTEAM_USER", "EMAIL")}
    return {**env, **extra}


def test_scratch_new_from_and_list_from_with_only_git_author_set(tmp_path, git_env):
    repo = tmp_path / "solo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    save(repo / "analysis.ipynb", make_nb("x = 1", "y = 2"))
    env = _bare_env(git_env, GIT_AUTHOR_NAME="Grace Hopper", GIT_AUTHOR_EMAIL="grace@example.com",
                    GIT_COMMITTER_NAME="Grace Hopper", GIT_COMMITTER_EMAIL="grace@example.com")
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-qm", "team", env=env)
    p = nbteam("scratch", "new", "--from", "analysis.ipynb", cwd=repo, env=env)
    assert p.returncode == 0 and "created scratch/grace/analysis.ipynb" in p.stdout, p.stdout + p.stderr
    copy = repo / "scratch/grace/analysis.ipynb"
    nb = load(copy)
    nb["cells"][1]["source"] = "y = 3"
    save(copy, nb)
    p = nbteam("scratch", "list", "--from", "analysis.ipynb", cwd=repo, env=env)
    assert p.returncode == 0 and "grace  scratch/grace/analysis.ipynb" in p.stdout, p.stdout + p.stderr
    p = promote(repo, env, "--cell", "c1", nb="scratch/grace/analysis.ipynb")
    assert p.returncode == 0, p.stdout + p.stderr


def test_identity_order_as_documented(tmp_path, git_env):
    repo = tmp_path / "who"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    home = Path(git_env["HOME"])
    env = _bare_env(git_env)

    def user(**extra: str) -> str:
        p = nbteam("scratch", "new", f"n{len(list(repo.glob('scratch/*/*')))}", cwd=repo, env={**env, **extra})
        assert p.returncode == 0, p.stderr
        return p.stdout.split("created scratch/")[1].split("/")[0]

    p = nbteam("scratch", "new", cwd=repo, env=env)
    assert p.returncode == 2 and "no user" in p.stderr, p.stderr
    git(repo, "config", "user.name", "Ada King")
    assert user() == "ada-king"
    assert user(EMAIL="countess@example.com") == "countess"  # git takes $EMAIL when no user.email is set
    git(repo, "config", "user.email", "ada.lovelace@example.com")
    assert user(EMAIL="countess@example.com") == "ada-lovelace"
    git(repo, "config", "author.email", "augusta@example.com")
    assert user() == "augusta"  # git's author.email comes before user.email
    git(repo, "config", "--unset", "author.email")
    assert user(GIT_AUTHOR_NAME="Grace Hopper") == "grace-hopper"
    assert user(GIT_AUTHOR_NAME="Grace Hopper", GIT_AUTHOR_EMAIL="amazing.grace@example.com") == "amazing-grace"
    (home / ".gitconfig").write_text("[nbteam]\n\tuser = ada\n")
    assert user(GIT_AUTHOR_EMAIL="grace@example.com") == "ada"
    git(repo, "config", "nbteam.user", "countess")
    assert user() == "countess"
    assert user(NBTEAM_USER="Grace") == "grace"
    assert user(NBTEAM_USER="") == "countess"


# --- two people promoting at once, and an append cell re-run in Jupyter ------------------------------

def test_two_people_promote_at_once_and_pull_each_others_records(two):
    ada, grace, envs = two
    save(ada / NB, make_nb("x = 1", MAGIC + WRITE, MAGIC_A + APPEND))
    save(grace / "scratch/grace/clean.ipynb", make_nb("%%writefile ../../teamlib/cleaning.py\nX = 1\n"))
    assert promote(ada, envs["ada"]).returncode == 0
    assert promote(grace, envs["grace"], nb="scratch/grace/clean.ipynb").returncode == 0
    push(ada, envs["ada"], "ada: metrics")
    git(grace, "add", "-A", env=envs["grace"])
    git(grace, "commit", "-qm", "grace: cleaning", env=envs["grace"])
    pull(grace, envs["grace"])  # both added .nbteam/promotions.jsonl: union merge, no conflict
    assert len(manifest(grace)) == 3
    listed = nbteam("scratch", "list", cwd=grace, env=envs["grace"])
    assert listed.stdout.count("in sync") == 3, listed.stdout


def _append_cell_edited(ada, env) -> str:
    """Promote ada's write and append cells, then edit the append cell (not run yet); the edited text."""
    nb = run_and_promote(ada, env, APPEND)
    edited = APPEND.replace("n=3", "n=4")
    nb["cells"][2]["source"] = MAGIC_A + edited
    save(ada / NB, nb)
    return edited


def test_an_append_cell_edited_and_run_alone_twice_in_the_module_is_refused(two):
    ada, _, envs = two
    edited = _append_cell_edited(ada, envs["ada"])
    jupyter_run(ada, (edited, "a"))  # Jupyter appends again: the old block and the new one
    p = promote(ada, envs["ada"])
    module = (ada / MODULE).read_text()
    assert p.returncode == 1 and module.count("def top_products") == 2, p.stdout + module  # refused, not hidden


def test_append_cell_edited_and_run_all_promotes_without_force(two):
    ada, _, envs = two
    edited = _append_cell_edited(ada, envs["ada"])
    jupyter_run(ada, (WRITE, "w"), (edited, "a"))  # Run All
    p = promote(ada, envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert (ada / MODULE).read_text() == WRITE + edited
    p = promote(ada, envs["ada"])
    assert p.returncode == 0 and p.stdout.count(": unchanged:") == 2, p.stdout


def _run_all_with_edited_write_cell(ada: Path, nb: dict) -> str:
    edited = WRITE.replace("sum()", "sum() * 1.0")
    nb["cells"][1]["source"] = MAGIC + edited
    save(ada / NB, nb)
    jupyter_run(ada, (edited, "w"), (APPEND, "a"))
    return edited


def test_run_all_that_erased_a_teammates_appended_block_is_refused(two):
    ada, grace, envs = two
    nb = run_and_promote(ada, envs["ada"], APPEND)

    def append_a_cell(text: str) -> str:  # Grace promotes a cell of her own that appends to the module
        save(grace / "scratch/grace/more.ipynb", make_nb(MAGIC_A + "\n\nGRACE = 1\n"))
        assert promote(grace, envs["grace"], nb="scratch/grace/more.ipynb").returncode == 0
        return (grace / MODULE).read_text()

    grace_edits(two, append_a_cell)
    _run_all_with_edited_write_cell(ada, nb)  # Run All: Grace's block is gone from the file
    p = promote(ada, envs["ada"])
    assert p.returncode == 1 and "refused" in p.stdout, p.stdout + p.stderr
    assert "GRACE" not in (ada / MODULE).read_text()  # nothing written


def test_run_all_over_a_teammates_pulled_edit_is_refused_then_update_takes_it(two):
    ada, _, envs = two
    nb = run_and_promote(ada, envs["ada"], APPEND)
    grace_edits(two, lambda text: text.replace("n=3", "n=5"))
    edited = _run_all_with_edited_write_cell(ada, nb)  # Run All writes over Grace's n=5
    p = promote(ada, envs["ada"])
    assert p.returncode == 1 and "Grace Hopper" in p.stdout, p.stdout + p.stderr
    git(ada, "checkout", "--", MODULE)
    p = promote(ada, envs["ada"], "--update")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "n=5" in source(ada, 2)
    p = promote(ada, envs["ada"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert (ada / MODULE).read_text() == edited + APPEND.replace("n=3", "n=5")


def test_cells_run_again_over_a_teammates_pulled_edit_say_so(two):
    ada, _, envs = two
    run_and_promote(ada, envs["ada"], APPEND)
    grace_edits(two, lambda text: text.replace("n=3", "n=5"))
    jupyter_run(ada, (WRITE, "w"), (APPEND, "a"))  # Ada runs her notebook again: n=3 is back in her working copy
    p = promote(ada, envs["ada"])
    assert "drops an edit committed outside nbteam" in p.stdout and "Grace Hopper" in p.stdout, p.stdout
    assert (ada / MODULE).read_text() == WRITE + APPEND  # nothing written


def test_update_with_stage_stages_the_notebook_and_the_manifest(two):
    ada, _, envs = two
    run_and_promote(ada, envs["ada"], APPEND, APPEND2)
    text = grace_edits(two, lambda text: text.replace("import pandas as pd\n", "import numpy as np\nimport pandas as pd\n")
                       .replace("n=3", "n=5", 1) + "\n\nLAST = 1\n")  # the write cell's part, the first append's, the end
    p = promote(ada, envs["ada"], "--update", "--stage")
    assert p.returncode == 0 and p.stdout.count(": merged:") == 3, p.stdout + p.stderr
    assert git(ada, "status", "--porcelain", env=envs["ada"]).stdout.splitlines() == [
        "M  .nbteam/promotions.jsonl", f"M  {NB}"]
    assert "LAST = 1" in source(ada, 3) and "n=5" in source(ada, 2) and "numpy" in source(ada, 1)
    p = promote(ada, envs["ada"])
    assert p.returncode == 0 and p.stdout.count(": unchanged:") == 3, p.stdout
    assert (ada / MODULE).read_text() == text


# --- copies flowing back into a CRLF or BOM origin ---------------------------------------------------

@pytest.mark.parametrize("crlf,bom", [(True, False), (False, True)], ids=["CRLF", "BOM"])
def test_a_copy_flows_back_into_a_crlf_or_bom_origin_a_teammate_edited(two, crlf, bom):
    ada, grace, envs = two
    team = make_nb("import pandas as pd", "df = pd.read_csv('sales.csv')", "df.describe()")
    team["cells"][0]["metadata"] = {"collapsed": True}
    team["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "stats\n"}]
    save(ada / "analysis.ipynb", team, crlf=crlf, bom=bom)
    push(ada, envs["ada"], "team")
    pull(grace, envs["grace"])
    p = nbteam("scratch", "new", "--from", "analysis.ipynb", cwd=grace, env=envs["grace"])
    assert p.returncode == 0, p.stderr
    copy = "scratch/grace/analysis.ipynb"
    c = load(grace / copy)
    c["cells"][1]["source"] = "df = pd.read_csv('sales.csv', parse_dates=['day'])"
    save(grace / copy, c)
    push(grace, envs["grace"], "grace copy")
    # Ada edits another cell of the team notebook meanwhile, and reviews Grace's copy
    t = load(ada / "analysis.ipynb")
    t["cells"][2]["source"] = ["df.describe(include='all')"]
    save(ada / "analysis.ipynb", t, crlf=crlf, bom=bom)
    git(ada, "commit", "-qam", "ada edit", env=envs["ada"])
    pull(ada, envs["ada"])
    listed = nbteam("scratch", "list", "--from", "analysis.ipynb", cwd=ada, env=envs["ada"])
    assert "grace  scratch/grace/analysis.ipynb" in listed.stdout, listed.stdout + listed.stderr
    p = promote(ada, envs["ada"], "--cell", "c1", "--yes", nb=copy)
    after = (ada / "analysis.ipynb").read_bytes()
    assert p.returncode == 0, p.stdout + p.stderr
    assert after.startswith(b"\xef\xbb\xbf") == bom
    assert (b"\r\n" in after) == crlf
    a = load(ada / "analysis.ipynb")
    assert a["cells"][0]["metadata"] == {"collapsed": True}
    assert "parse_dates" in "".join(a["cells"][1]["source"])
    assert "include='all'" in "".join(a["cells"][2]["source"])
    listed = nbteam("scratch", "list", "--from", "analysis.ipynb", cwd=ada, env=envs["ada"])
    assert "No copy" in listed.stdout, listed.stdout  # in sync now


def test_update_of_cells_run_but_never_promoted_says_what_to_do(two):
    ada, _, envs = two
    save(ada / NB, make_nb("x = 1", MAGIC + WRITE, MAGIC_A + APPEND))
    jupyter_run(ada, (WRITE, "w"), (APPEND, "a"))  # run in Jupyter and committed by hand, never promoted
    text = grace_edits(two, lambda text: text.replace("n=3", "n=5"))
    p = promote(ada, envs["ada"])
    assert p.returncode == 1 and "Grace Hopper" in p.stdout, p.stdout  # refused whole, naming her commit
    assert (ada / MODULE).read_text() == text
    p = promote(ada, envs["ada"], "--update")
    assert p.returncode == 2 and "by hand, then promote" in p.stderr and "Traceback" not in p.stderr, p.stderr
