"""The package's layout is a contract: a layer table, no import cycles, and one boundary to git."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nbteam"

# What each room may import from nbteam (besides itself). `errors` is the one error base, open to all.
# Read bottom-up: seq is the floor; git is a policy-free adapter beside it; the rooms for what git
# triggers (integration, workcopy) and the features (scratch, team, tui) sit on top; commands and cli last.
LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "bypass": set(),
    "seq": set(),
    "git": set(),
    "notebook": {"seq"},
    "merge": {"seq", "notebook", "config", "git", "bypass"},
    "diff": {"seq", "notebook", "merge", "git"},
    "config": {"git", "notebook"},
    "workcopy": {"seq", "notebook", "merge", "config", "git", "bypass"},
    "team": {"seq", "notebook", "merge", "diff", "config", "git", "workcopy", "integration"},
    "integration": {"seq", "notebook", "merge", "config", "git", "bypass", "workcopy", "cli"},
    "scratch": {"seq", "notebook", "merge", "diff", "config", "git", "bypass", "workcopy"},
    "tui": {"seq", "notebook", "merge", "diff", "config", "git", "scratch", "workcopy"},
    "commands": {"seq", "notebook", "merge", "diff", "config", "git", "bypass", "workcopy", "team",
                 "integration", "scratch", "tui", "cli"},
    "cli": set(),  # commands are imported by name (importlib), so the fast path loads only one
    "__init__": set(),
    "__main__": {"cli"},
}
SUBPACKAGES = {name for name in LAYERS if (PACKAGE / name).is_dir()}
# The edges of the pure layers: they read files or ask git, and are allowed to.
EDGES = {"merge/file.py", "merge/options.py", "diff/gitdiff.py"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    """nbteam.a.b for nbteam/a/b.py (nbteam.a for nbteam/a/__init__.py)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_only(node: ast.If) -> bool:
    """`if TYPE_CHECKING:` blocks hold imports for annotations only."""
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports_of(tree: ast.AST, known: set[str]) -> set[str]:
    """The nbteam modules a module imports, anywhere in it (function-local too), type-only imports aside."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("nbteam"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("nbteam"):
            for alias in node.names:  # `from nbteam.git import hooks` imports the module nbteam.git.hooks
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m != "nbteam"}


def import_graph() -> dict[str, set[str]]:
    """Module name -> the nbteam modules it imports."""
    paths = {_name(p): p for p in _modules()}
    known = set(paths)
    return {name: imports_of(ast.parse(p.read_text(encoding="utf-8")), known) for name, p in paths.items()}


def room(module: str) -> str:
    """The layer a module belongs to: its subpackage, or its own name at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (or a self-loop): Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def layer_violations(graph: dict[str, set[str]], layers: dict[str, set[str]]) -> list[str]:
    """Each import that crosses into a room its layer does not list."""
    bad = []
    for module, targets in sorted(graph.items()):
        mine = room(module)
        for target in sorted(targets):
            theirs = room(target)
            if theirs not in (mine, "errors") and theirs not in layers.get(mine, set()):
                bad.append(f"{module} imports {target} ({mine} may not import {theirs})")
    return bad


def mutual_rooms(graph: dict[str, set[str]]) -> list[str]:
    """Pairs of rooms that import each other."""
    edges = {(room(a), room(b)) for a, targets in graph.items() for b in targets if room(a) != room(b)}
    return sorted(f"{a} <-> {b}" for a, b in edges if (b, a) in edges and a < b)


def test_every_room_is_in_the_table_and_few_modules_stand_at_the_top():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
    assert set(top) <= set(LAYERS), set(top) - set(LAYERS)
    subs = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert subs == SUBPACKAGES, subs ^ SUBPACKAGES


def test_each_room_imports_only_what_its_layer_lists():
    assert not layer_violations(import_graph(), LAYERS)


def test_no_module_import_cycle():
    assert not cycles(import_graph())


def test_no_two_rooms_import_each_other():
    assert not mutual_rooms(import_graph())


def test_the_checks_catch_a_violation():
    """A cycle, a room reaching up, and two rooms importing each other are all reported (not vacuous)."""
    known = {"nbteam.seq.a", "nbteam.notebook.b", "nbteam.scratch.c"}
    seq_up = imports_of(ast.parse("def f():\n    from nbteam.notebook import b\n"), known)
    assert seq_up == {"nbteam.notebook.b"}
    typed = imports_of(ast.parse("if TYPE_CHECKING:\n    from nbteam.scratch import c\n"), known)
    assert typed == set()
    graph = {"nbteam.seq.a": seq_up, "nbteam.notebook.b": {"nbteam.seq.a", "nbteam.scratch.c"},
             "nbteam.scratch.c": set()}
    assert cycles(graph) == [["nbteam.notebook.b", "nbteam.seq.a"]]
    assert layer_violations(graph, LAYERS) == [
        "nbteam.notebook.b imports nbteam.scratch.c (notebook may not import scratch)",
        "nbteam.seq.a imports nbteam.notebook.b (seq may not import notebook)"]
    assert mutual_rooms(graph) == ["notebook <-> seq"]


def test_only_the_git_room_runs_processes_or_imports_pygit2():
    offenders = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "git":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.value.__class__ is ast.Name
                 and getattr(n.value, "id", "") == "os" and n.attr in ("system", "popen", "execvp", "execv", "spawnv")]
        if names & {"pygit2", "subprocess"} or calls:
            offenders.append(str(rel))
    assert not offenders, "git and processes are reached only through nbteam/git: " + ", ".join(offenders)


def test_the_pure_layers_never_ask_git():
    """seq/, notebook/, merge/ and diff/ algorithms never import nbteam.git; only their edges do."""
    graph = import_graph()
    for module, targets in graph.items():
        rel = module.replace("nbteam.", "", 1).replace(".", "/") + ".py"
        if room(module) in ("seq", "notebook", "merge", "diff") and rel not in EDGES:
            assert not {t for t in targets if room(t) == "git"}, module


def test_the_git_adapter_stays_small():
    """git/ answers questions about git and nothing else: at most 10 modules and about 1,500 lines."""
    modules = [p for p in (PACKAGE / "git").glob("*.py") if p.name != "__init__.py"]
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in modules)
    assert len(modules) <= 10 and lines <= 1700, (len(modules), lines)
