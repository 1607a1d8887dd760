"""The commit guard: conflict markers never enter a commit unnoticed.

git runs no `pre-commit` for `git rebase --continue` or `git am --continue`, so the guard sits
in every hook that can refuse such a commit:
- `pre-commit`: `git commit` (also `merge --continue`, `cherry-pick --continue`, `commit -a`);
- `prepare-commit-msg`: the commits `git rebase --continue` makes; a `git commit` the user typed
  is left to pre-commit, so its `--no-verify` still works;
- `pre-applypatch`: the commits `git am --continue` and `git rebase --apply --continue` make.
The other commits of a rebase or `git am` replay commits already made, as they were.
Where git lets no hook refuse (`--no-verify`), `post-commit` and `post-applypatch` print one
loud line per conflict right away, naming the commit, file, cell and the fix.
Which marker text counts is nbteam.notebook.examples' rule.
"""
from __future__ import annotations

import os

from nbteam.git.run import paths_z, run_git

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from nbteam.notebook.io import Notebook

# How to go on after a refusal, per operation: (then, or commit as it is).
WAYS_OUT = {
    "commit": ("then `git add` them;", "or commit them as they are with `git commit --no-verify`."),
    "rebase": ("then `git add` them and run `git rebase --continue` again;",
               "or record them as they are with `git commit --no-verify`, then `git rebase --continue`."),
    "am": ("then `git add` them and run `git am --continue` (`git rebase --continue` in a rebase) again;",
           "or apply them as they are with `NBTEAM_DISABLE=1 git am --continue`."),
}


def changed_notebooks(root: str, *range_: str) -> list[str]:
    """Notebooks added or changed: in the index against HEAD (no range), or between two commits."""
    args = ["diff", "--name-only", "-z", "--diff-filter=ACMR", *(range_ or ("--cached",)), "--", "*.ipynb"]
    p = run_git(args, cwd=root)
    return paths_z(p.stdout) if p.returncode == 0 else []


def _notebook_at(root: str, spec: str, path: str) -> Notebook | None:
    """The notebook git stores as SPEC (`HEAD:nb.ipynb`), None where there is none (or it is not one)."""
    from nbteam.notebook.io import NotebookError, parse_notebook

    p = run_git(["cat-file", "blob", spec], cwd=root)
    if p.returncode != 0:
        return None
    try:
        return parse_notebook(p.stdout, path)
    except NotebookError:
        return None


def _merge_records(root: str) -> dict[str, dict[str, str]]:
    """What git records of merges that stopped on a conflict, per path: the blob of each stage it had
    ("1" base, "2" ours, "3" theirs). That is the resolve-undo record `git add` keeps (until the
    index is next rebuilt) of the index being committed, and, where a hook sees another index than
    the repository's own (`git commit PATH` commits a temporary one), that index's record and its
    paths still unmerged."""
    queries: list[tuple[list[str], dict[str, str] | None]] = [(["ls-files", "--resolve-undo", "-z"], None)]
    if "GIT_INDEX_FILE" in os.environ:
        own = {k: v for k, v in os.environ.items() if k != "GIT_INDEX_FILE"}
        queries += [(["ls-files", "--resolve-undo", "-z"], own), (["ls-files", "-u", "-z"], own)]
    records: dict[str, dict[str, str]] = {}
    for args, env in queries:
        p = run_git(args, cwd=root, env=env)
        for entry in paths_z(p.stdout) if p.returncode == 0 else []:
            meta, _, path = entry.partition("\t")
            fields = meta.split()
            if len(fields) == 3:
                records.setdefault(path, {}).setdefault(fields[2], fields[1])
    return records


def _merged_versions(root: str, path: str, record: dict[str, str] | None, old: str) -> list[Notebook] | None:
    """The versions a merge of path into `old` (its ours) had, per git's record; None if git records no such merge.

    A record whose ours is not `old` is an earlier merge's, already committed (git keeps the record
    until the index is next rebuilt). Where `old` has no such path (their side renamed it), the
    record is this merge's."""
    if record is None:
        return None
    found = run_git(["rev-parse", "-q", "--verify", old], cwd=root)
    if found.returncode == 0 and record.get("2") != found.stdout.decode().strip():
        return None
    versions = [_notebook_at(root, record[stage], path) for stage in ("1", "2", "3") if stage in record]
    return [v for v in versions if v is not None]


def conflicts_in(root: str, paths: list[str], new: Callable[[str], str], old: Callable[[str], str]) -> list[str]:
    """One line per conflict the new version of each path introduces (`new(path)`: its object, `HEAD:path`)."""
    from nbteam.git.labels import marker_sizes
    from nbteam.notebook.examples import conflicts_to_refuse
    from nbteam.notebook.io import NotebookError, has_text_conflict_markers, parse_notebook

    problems = []
    sizes = marker_sizes([os.path.join(root, path) for path in paths])  # conflict-marker-size as merged
    records = _merge_records(root) if paths else {}
    for path in paths:
        p = run_git(["cat-file", "blob", new(path)], cwd=root)
        if p.returncode != 0:
            continue
        try:
            nb = parse_notebook(p.stdout, path)
        except NotebookError:
            text = p.stdout.decode("utf-8", "replace")
            if has_text_conflict_markers(text) or "<<<<<<< " in text:
                problems.append(f"{path}: conflict markers in the file itself (a text merge); it is not a notebook yet")
            continue
        merged = _merged_versions(root, path, records.get(path), old(path))
        for c in conflicts_to_refuse(nb, _notebook_at(root, old(path), path), sizes[os.path.join(root, path)], merged):
            detail = f": {c.first_line}" if c.first_line else ""
            article = "an" if c.kind.value[0] in "aeiou" else "a"
            problems.append(f"{path}: cell {c.number} ({c.cell_type}) has {article} {c.kind.value} conflict{detail}")
    return problems


def staged_conflicts(root: str) -> list[str]:
    """One line per conflict a commit of the index would introduce (the staged content, not the working copy)."""
    return conflicts_in(root, changed_notebooks(root), lambda p: f":{p}", lambda p: f"HEAD:{p}")


def guard_message(problems: list[str], operation: str = "commit") -> str:
    """What a guard hook prints when it refuses (operation: commit, rebase or am)."""
    files = sorted({line.split(": ", 1)[0] for line in problems})
    then, otherwise = WAYS_OUT[operation]
    return "\n".join([
        "nbteam: commit refused: staged notebooks still have merge conflict markers",
        *[f"  {line}" for line in problems],
        f"Resolve them with `nbteam resolve {' '.join(files)} --ours|--theirs|--both` (or `git mergetool`), {then}",
        otherwise,
    ])


def committed_notice(root: str) -> str | None:
    """The loud lines for markers the commit just made (HEAD) introduced against its first parent, or None."""
    head = run_git(["rev-parse", "-q", "--verify", "--short", "HEAD"], cwd=root)
    if head.returncode != 0:
        return None
    short = head.stdout.decode().strip()
    has_parent = run_git(["rev-parse", "-q", "--verify", "HEAD^"], cwd=root).returncode == 0
    if has_parent:
        paths = changed_notebooks(root, "HEAD^", "HEAD")
    else:  # the first commit: everything in it is new
        p = run_git(["ls-tree", "-r", "-z", "--name-only", "HEAD"], cwd=root)  # its paths are not globs
        paths = [path for path in paths_z(p.stdout) if path.endswith(".ipynb")]
    problems = conflicts_in(root, paths, lambda p: f"HEAD:{p}", lambda p: f"HEAD^:{p}") if paths else []
    if not problems:
        return None
    files = " ".join(sorted({line.split(": ", 1)[0] for line in problems}))
    return "\n".join([*(f"nbteam: commit {short} records conflict markers: {line}" for line in problems),
                      f"nbteam: fix it now: `nbteam resolve {files} --ours|--theirs|--both`, `git add {files}`,"
                      " then `git commit --amend`"])
