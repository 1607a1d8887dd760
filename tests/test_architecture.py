"""The package's layout is a contract: few top-level modules, and one boundary to git."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nbteam"
SUBPACKAGES = {"seq", "notebook", "merge", "diff", "git", "integration", "scratch", "tui", "commands", "team", "workcopy"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_at_most_eight_modules_stand_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
    subs = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert subs == SUBPACKAGES


def test_only_the_git_subpackage_runs_git_or_imports_pygit2():
    offenders = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "git":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad = _imported(tree) & {"pygit2", "subprocess"}
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in ("system", "popen", "execvp", "spawnv")
                 and isinstance(n.value, ast.Name) and n.value.id == "os"]
        if bad or calls:
            offenders.append(f"{rel}: {sorted(bad) or 'os process call'}")
    assert not offenders, "git is reached only through nbteam/git:\n" + "\n".join(offenders)


def test_the_boundary_check_sees_a_violation(tmp_path):
    """The scan above would catch a module that spawns git (it is not vacuous)."""
    tree = ast.parse("import subprocess\nsubprocess.run(['git', 'status'])\nfrom pygit2 import Repository\n")
    assert _imported(tree) >= {"subprocess", "pygit2"}


# The edges of the lower layers: they read files or ask git, and are allowed to.
EDGES = {"merge/file.py", "merge/options.py", "diff/gitdiff.py"}


def _nbteam_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("nbteam.")}


def test_lower_layers_never_reach_up():
    """seq/, notebook/, merge/ and diff/ import nothing from scratch, tui or commands."""
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("seq", "notebook", "merge", "diff"):
            upward = {m for m in _nbteam_imports(path) if m.split(".")[1] in ("scratch", "tui", "commands")}
            assert not upward, f"{rel} imports {upward}"


def test_algorithms_do_not_touch_git():
    """The pure layers (sequence, notebook, merge and diff algorithms) never import nbteam.git; only their edges do."""
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("seq", "notebook", "merge", "diff") and rel.as_posix() not in EDGES:
            assert not {m for m in _nbteam_imports(path) if m.split(".")[1] == "git"}, rel


# What the output hooks do: moving out of git/ into a room of its own (they still import notebook/ and bypass).
GIT_POLICY_LEFT: set[str] = set()
ABOVE_GIT = ("notebook", "merge", "diff", "scratch", "tui", "commands", "integration", "config", "bypass", "cli")


def test_git_is_an_adapter_that_imports_no_other_layer():
    """nbteam/git/ imports nothing from the layers above it, nor config.py, bypass.py or cli.py."""
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "git" and rel.as_posix() not in GIT_POLICY_LEFT:
            upward = {m for m in _nbteam_imports(path) if m.split(".")[1] in ABOVE_GIT}
            assert not upward, f"{rel} imports {upward}"


def test_nothing_below_integration_imports_it():
    """integration/ drives git's hooks and registration; only commands/, team/ (pr merge registers the driver for one command) and itself import it."""
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] not in ("integration", "commands", "team"):
            assert not {m for m in _nbteam_imports(path) if m.split(".")[1] == "integration"}, rel


def test_seq_imports_nothing_above_it_and_io_does_not_cycle_with_upgrade():
    """The line merge owns the marker grammar (seq/ imports only seq/); the upgrade is pure dicts."""
    for path in (PACKAGE / "seq").glob("*.py"):
        above = {m for m in _nbteam_imports(path) if m.split(".")[1] != "seq"}
        assert not above, f"seq/{path.name} imports {above}"
    assert not {m for m in _nbteam_imports(PACKAGE / "notebook" / "upgrade.py") if m == "nbteam.notebook.io"}
