"""`nbteam demo [DIR]`: a real repository from sample_repo/, two branches, a real `git merge`, explained.

Git runs with its own identity and without the user's or system config (GIT_CONFIG_GLOBAL,
GIT_CONFIG_NOSYSTEM), so the demo works on a fresh machine with nothing but the install.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from nbteam.errors import NbteamError
from nbteam.git.run import run_git

NOTEBOOK = "analysis.ipynb"
PARAMS = "params"  # cell ids in sample_repo/analysis.ipynb that the two branches edit
FINDINGS = "findings"
TOP = "top-products"


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("dir", nargs="?", default=None, metavar="DIR",
                        help="where to build the demo repository (new or empty; default: a temporary directory)")


def find_sample_repo() -> Path | None:
    """sample_repo/ from $NBTEAM_SAMPLE_REPO, the package, a source checkout, or share/nbteam."""
    here = Path(__file__).resolve().parent.parent  # the nbteam package
    candidates = [os.environ.get("NBTEAM_SAMPLE_REPO"), here / "sample_repo", here.parent / "sample_repo",
                  Path(sys.prefix) / "share" / "nbteam" / "sample_repo"]
    for c in candidates:
        if c and (Path(c) / NOTEBOOK).is_file():
            return Path(c)
    return None


def git_env(name: str = "Nbteam Demo", email: str = "demo@example.com") -> dict[str, str]:
    """An environment where git ignores the user's config and commits as the given person."""
    env = dict(os.environ)
    for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "NBTEAM_DISABLE", "GIT_EXTERNAL_DIFF"):
        env.pop(k, None)
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email, GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat",
               NBTEAM_COLOR="never")
    return env


def edit_cells(nb: dict, edits: dict[str, str], insert_after: dict[str, dict] | None = None) -> dict:
    """A copy of nb with the sources of cells (by id) replaced and new cells inserted after others."""
    out = json.loads(json.dumps(nb))
    cells = []
    for cell in out["cells"]:
        if cell.get("id") in edits:
            cell["source"] = edits[cell["id"]]
        cells.append(cell)
        if insert_after and cell.get("id") in insert_after:
            cells.append(insert_after[cell["id"]])
    out["cells"] = cells
    return out


def source_of(nb: dict, cell_id: str) -> str:
    """A cell's source as one string."""
    for cell in nb["cells"]:
        if cell.get("id") == cell_id:
            src = cell["source"]
            return "".join(src) if isinstance(src, list) else src
    raise KeyError(cell_id)


def alice_version(nb: dict) -> dict:
    """Alice: wholesale orders only (the conflicting line) and a new finding (a clean edit)."""
    params = source_of(nb, PARAMS).replace("MIN_UNITS = 5  # smaller orders are samples and returns, not sales",
                                           "MIN_UNITS = 10  # Q3 review: wholesale orders only")
    findings = source_of(nb, FINDINGS).rstrip("\n") + "\n* Orders under 10 units are 30% of orders but 8% of revenue."
    return edit_cells(nb, {PARAMS: params, FINDINGS: findings})


def bob_version(nb: dict) -> dict:
    """Bob: a lower threshold (conflicts with Alice), top 5 products (same cell, other line), a chart cell."""
    params = source_of(nb, PARAMS).replace("MIN_UNITS = 5  # smaller orders are samples and returns, not sales",
                                           "MIN_UNITS = 2  # keep small shops: only single units are samples")
    params = params.replace("TOP_N = 3", "TOP_N = 5")
    chart: dict[str, object] = {"cell_type": "code", "execution_count": None, "id": "top-chart", "metadata": {}, "outputs": [],
             "source": "ax = top.sort_values().plot.barh(title=\"Top products by revenue\")\nax.set_xlabel(\"revenue\");"}
    return edit_cells(nb, {PARAMS: params}, {TOP: chart})


class DemoError(NbteamError):
    """The demo cannot be built where asked, or one of its steps failed."""


class Step:
    """What one shown command printed, and its exit code."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


class Demo:
    """Runs the steps in a directory and prints a transcript."""

    def __init__(self, root: Path, out: TextIO = sys.stdout) -> None:
        self.root = root
        self.out = out

    def say(self, text: str = "") -> None:
        """One line of the transcript."""
        print(text, file=self.out, flush=True)

    def _show(self, cmd: tuple[str, ...], p: Step, show: bool, ok: tuple[int, ...]) -> Step:
        if show:
            self.say(f"$ {shlex.join(cmd)}")
            for line in (p.stdout + p.stderr).rstrip("\n").splitlines():
                self.say(f"  {line}")
        if p.returncode not in ok:
            raise DemoError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip() or p.stdout.strip()}")
        return p

    def git(self, *args: str, who: str = "Nbteam Demo", show: bool = True, ok: tuple[int, ...] = (0,)) -> Step:
        """Run git in the demo repository as `who`, with no user or system config."""
        p = run_git(args, cwd=str(self.root), env=git_env(who, f"{who.split()[0].lower()}@example.com"))
        step = Step(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))
        return self._show(("git", *args), step, show, ok)

    def nbteam(self, *args: str, show: bool = True, ok: tuple[int, ...] = (0,)) -> Step:
        """Run an nbteam command in this process, in the demo repository, as a user would type it."""
        import contextlib
        import io

        from nbteam.cli import main

        out, err, here = io.StringIO(), io.StringIO(), os.getcwd()
        os.chdir(self.root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(args))
        finally:
            os.chdir(here)
        return self._show(("nbteam", *args), Step(code, out.getvalue(), err.getvalue()), show, ok)

    def write_notebook(self, nb: dict) -> None:
        """Write the demo notebook as Jupyter would (its real path checked: inside the demo, outside .git)."""
        from nbteam.git.paths import safe_write_path
        from nbteam.notebook.io import dumps_notebook, write_atomic

        write_atomic(safe_write_path(self.root, NOTEBOOK), dumps_notebook(nb))


def text_merge_conflicts(demo: Demo, base: str, ours: str, theirs: str) -> int:
    """How many conflict regions plain `git merge-file` leaves in the notebook's JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for rev in (ours, base, theirs):
            p = Path(tmp) / rev
            p.write_bytes(run_git(["show", f"{rev}:{NOTEBOOK}"], cwd=str(demo.root), env=git_env()).stdout)
            paths.append(str(p))
        return max(run_git(["merge-file", "-p", *paths], env=git_env()).returncode, 0)


def build(root: Path, sample: Path, out: TextIO = sys.stdout) -> int:
    """Build the demo repository in root and narrate; return the exit code."""
    from nbteam.notebook.conflicts import find_conflicts
    from nbteam.notebook.io import read_notebook

    d = Demo(root, out)
    shutil.copytree(sample, root, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "out"))
    d.say(f"nbteam demo: a team repository in {root}\n")
    d.say("1. A repository with the team's notebook, and nbteam set up in it")
    d.git("init", "-q")
    d.git("symbolic-ref", "HEAD", "refs/heads/main", show=False)
    d.nbteam("init")
    d.git("add", "-A", show=False)
    d.git("commit", "-q", "-m", "Q3 sales analysis", who="Grace Hopper")
    staged = json.loads(d.git("show", f"HEAD:{NOTEBOOK}", show=False).stdout)
    kept = sum(1 for c in read_notebook(root / NOTEBOOK)["cells"] if c.get("outputs"))
    d.say(f"  (committed without outputs: {sum(1 for c in staged['cells'] if c.get('outputs'))} cells with outputs "
          f"in the commit, {kept} in the working copy)\n")
    base = read_notebook(root / NOTEBOOK)

    d.say("2. Alice, on branch `alice`: raises MIN_UNITS and adds a finding")
    d.git("switch", "-q", "-c", "alice", show=False)
    d.write_notebook(alice_version(base))
    d.git("commit", "-q", "-am", "Wholesale orders only; note on small orders", who="Alice Liddell")
    d.git("diff", "main", "alice")
    d.say()
    d.say("3. Bob, on branch `bob` from main: lowers MIN_UNITS, shows the top 5, adds a chart cell")
    d.git("switch", "-q", "-c", "bob", "main", show=False)
    d.write_notebook(bob_version(base))
    d.git("commit", "-q", "-am", "Keep small shops; top 5 products with a chart", who="Bob Dylan")
    d.git("diff", "main", "bob")
    d.say()

    d.say("4. Alice merges Bob's branch: a real `git merge`, through nbteam's merge driver")
    d.git("switch", "-q", "alice", show=False)
    merge = d.git("merge", "--no-edit", "bob", who="Alice Liddell", ok=(0, 1))
    plain = text_merge_conflicts(d, "main", "alice", "bob")
    d.say(f"  (a plain line merge of the JSON would leave {plain} conflict region{'s' * (plain != 1)} "
          "in the file, which Jupyter cannot open)\n")
    merged = read_notebook(root / NOTEBOOK)
    conflicts = find_conflicts(merged)
    d.say("5. What merged cleanly")
    ids = [c.get("id") for c in merged["cells"]]
    if "top-chart" in ids:
        d.say(f"  Bob's chart cell is in, as cell {ids.index('top-chart') + 1}.")
    if "Orders under 10 units" in source_of(merged, FINDINGS):
        d.say(f"  Alice's new finding is in cell {ids.index(FINDINGS) + 1}.")
    if "TOP_N = 5" in source_of(merged, PARAMS):
        d.say(f"  Bob's TOP_N = 5 merged line by line inside cell {ids.index(PARAMS) + 1}, next to the conflict.")
    d.say()
    d.say("6. The conflict, left in the cell as git-style markers")
    d.nbteam("conflicts", NOTEBOOK, ok=(0, 1))
    for c in conflicts:
        cell = merged["cells"][c.cell]
        d.say(f"  cell {c.number} now reads, in Jupyter:")
        for line in source_of(merged, cell.get("id")).splitlines():
            d.say(f"    | {line}")
    d.say()
    d.say("7. The readable diff of the merge so far, against Alice's last commit")
    d.git("diff", "HEAD", "--", NOTEBOOK)
    d.say()
    if conflicts:
        d.say("8. Alice resolves it: Bob's side of the conflict, everything that merged cleanly kept")
        d.nbteam("resolve", NOTEBOOK, "--theirs", "--add")
        d.nbteam("conflicts", NOTEBOOK)
        d.git("commit", "-q", "--no-edit", who="Alice Liddell", show=False)
        resolved = read_notebook(root / NOTEBOOK)
        first = conflicts[0]
        d.say(f"  cell {first.number} now reads:")
        for line in source_of(resolved, resolved["cells"][first.cell].get("id")).splitlines():
            d.say(f"    | {line}")
        d.say("  (or decide conflict by conflict in the terminal: `git mergetool`, or `nbteam resolve FILE`)")
        d.say()
    d.say(f"Explore it: cd {root}")
    return 0 if merge.returncode in (0, 1) else 1


def demo_root(target: str | None) -> Path:
    """The directory to build in: a new or empty directory, or a fresh temporary one; DemoError otherwise."""
    if not target:
        return Path(tempfile.mkdtemp(prefix="nbteam-demo-"))
    root = Path(target).resolve()
    existing = next(p for p in (root, *root.parents) if p.exists())
    if existing.is_dir() and run_git(["rev-parse", "--is-inside-git-dir"], cwd=str(existing)).stdout.strip() == b"true":
        raise DemoError(f"{root} is inside a git directory; give a new or empty directory elsewhere")
    if root.exists() and not root.is_dir():
        raise DemoError(f"{root} is not a directory; give a new or empty directory")
    if root.is_dir() and any(root.iterdir()):
        raise DemoError(f"{root} is not empty; give a new or empty directory")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DemoError(f"cannot create {root}: {e.strerror}") from None
    return root


def run(args: argparse.Namespace) -> int:
    """Build the demo where asked and narrate it."""
    sample = find_sample_repo()
    if sample is None:
        raise DemoError("sample_repo/ is not installed with this copy of nbteam; set NBTEAM_SAMPLE_REPO to a "
                        "checkout's sample_repo/")
    if shutil.which("git") is None:
        raise DemoError("git is not installed (or not on PATH)")
    return build(demo_root(args.dir), sample)
