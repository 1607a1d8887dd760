"""A pull request's merge, predicted: what plain git and nbteam's driver give, as a markdown report. Pure.

The inputs are git's answers (nbteam.team.pull asks): the paths each merge left conflicted, with
git's conflict types, and the content nbteam's merge wrote for its conflicted notebooks.
"""
from __future__ import annotations

from typing import NamedTuple

from nbteam.notebook.io import NotebookError, TextMarkersError, parse_notebook
from nbteam.notebook.conflicts import find_conflicts

NOTEBOOK = ".ipynb"


class Spot(NamedTuple):
    """Where a person is needed: a cell (1-based; None for the whole file) and the kind of conflict."""

    cell: int | None
    kind: str


class Prediction(NamedTuple):
    """The merge of `base` into `head`, as plain git and as nbteam would make it."""

    base: str
    head: str
    up_to_date: bool  # base is already part of head: nothing to merge
    plain: dict[str, list[str]]  # path -> git's conflict types, merging as plain git (a text merge)
    people: dict[str, list[Spot]]  # path -> what is left for a person after nbteam's merge

    @property
    def clean(self) -> bool:
        """True when nbteam merges everything."""
        return not self.people


def git_kind(types: list[str]) -> str:
    """`CONFLICT (modify/delete)` -> "modify/delete" (the first of git's types; "content" if none)."""
    for t in types:
        if "(" in t and ")" in t:
            kind = t[t.index("(") + 1:t.rindex(")")]
            return "content" if kind == "contents" else kind  # as git's own message words it
    return "content"


def spots(path: str, types: list[str], merged: bytes | None, marker_size: int = 7) -> list[Spot]:
    """Where a conflicted file of nbteam's merge needs a person: its conflicted cells, or the whole file."""
    kind = git_kind(types)
    if kind not in ("content", "add/add") or merged is None or not path.endswith(NOTEBOOK):
        return [Spot(None, kind)]
    try:
        nb = parse_notebook(merged, path)
    except TextMarkersError:
        return [Spot(None, "text conflict (nbteam fell back to a text merge)")]
    except NotebookError as e:
        return [Spot(None, f"not mergeable as a notebook ({e})")]
    found = [Spot(c.number, c.kind.value) for c in find_conflicts(nb, marker_size)]
    return found or [Spot(None, kind)]


def _cells(found: list[Spot]) -> str:
    return "; ".join(f"cell {s.cell}: {s.kind}" if s.cell is not None else s.kind for s in found)


def markdown(p: Prediction) -> str:
    """The report: notebooks plain git conflicts on, which nbteam merges, which need a person."""
    lines = [f"## nbteam: merging `{p.base}` into `{p.head}`", ""]
    if p.up_to_date:
        return "\n".join(lines + [f"`{p.base}` is already merged into `{p.head}`: nothing to do.", ""])
    paths = sorted(set(p.plain) | set(p.people))
    if not paths:
        return "\n".join(lines + ["Plain git merges it without conflicts; so does nbteam.", ""])
    lines += ["| file | plain git | nbteam |", "| --- | --- | --- |"]
    for path in paths:
        plain = f"conflict ({git_kind(p.plain[path])})" if path in p.plain else "merges"
        ours = f"needs a person: {_cells(p.people[path])}" if path in p.people else "merges cleanly"
        lines.append(f"| `{path}` | {plain} | {ours} |")
    lines.append("")
    rescued = [x for x in paths if x in p.plain and x not in p.people and x.endswith(NOTEBOOK)]
    if rescued:
        lines.append(f"nbteam merges {len(rescued)} notebook{'s' if len(rescued) > 1 else ''} that plain git"
                     " conflicts on (the site's merge button shows a conflict there).")
    if p.clean:
        lines.append(f"nbteam merges everything: `nbteam pr merge {p.base}` on `{p.head}` makes the merge commit.")
    else:
        cells = any(spot.cell is not None for found in p.people.values() for spot in found)
        named = ", ".join(f"`{x}`" for x in sorted(p.people))
        lines.append(f"A person is needed for {named}: merge `{p.base}` into `{p.head}` in a clone with"
                     " `nbteam init`, resolve " + ("the cells listed (`nbteam resolve`) and the rest" if cells
                                                  else "them") + " by hand, commit, and push.")
    return "\n".join(lines) + "\n"


def merge_message(base: str, base_ref: str | None, branch: str) -> str:
    """The merge commit's message, worded as `git merge` words it."""
    if base_ref and base_ref.startswith("refs/heads/"):
        what = f"branch '{base_ref[len('refs/heads/'):]}'"
    elif base_ref and base_ref.startswith("refs/remotes/"):
        what = f"remote-tracking branch '{base_ref[len('refs/remotes/'):]}'"
    else:
        what = f"commit '{base}'"
    target = branch.removeprefix("refs/heads/")
    return f"Merge {what}" + ("" if target in ("main", "master") else f" into {target}") + "\n"
