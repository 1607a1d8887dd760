"""scratch/ has no module import cycles, counting imports inside functions (issue 15, item 5)."""
from __future__ import annotations

import ast
from pathlib import Path

SCRATCH = Path(__file__).resolve().parent.parent / "nbteam" / "scratch"


def scratch_imports(text: str) -> set[str]:
    """The nbteam.scratch modules a module's source imports, anywhere in it (type-only imports aside)."""
    tree = ast.parse(text)
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for n in ast.walk(node)}
    out = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nbteam.scratch."):
            out.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[2] for a in node.names if a.name.startswith("nbteam.scratch."))
    return out


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in graph (module -> modules it imports), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_scratch_modules_import_each_other_without_cycles():
    graph = {p.stem: scratch_imports(p.read_text(encoding="utf-8")) for p in SCRATCH.glob("*.py")}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_check_sees_a_function_local_cycle():
    a = scratch_imports("def f():\n    from nbteam.scratch.b import x\n")
    b = scratch_imports("from nbteam.scratch.a import y\nif TYPE_CHECKING:\n    from nbteam.scratch.c import z\n")
    assert a == {"b"} and b == {"a"}
    assert find_cycle({"a": a, "b": b}) == ["a", "b", "a"]
