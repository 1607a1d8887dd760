"""The I/O of `nbteam pr`: merges made by git as objects only, with nbteam's driver set for that one command.

Works in a clone that never ran `nbteam init`: the driver is configured with `-c` for each git
command, in the same isolated form `nbteam init` registers (nbteam.integration.registry), and where the
repository's attributes do not give notebooks the driver, a temporary attributes file does.
Nothing here touches the work tree, the index or a ref, except `merge()`'s last step, a
fast-forward of the current branch to the finished merge commit.
"""
from __future__ import annotations

import os
import sys
import tempfile

from nbteam.config import keep_outputs
from nbteam.errors import NbteamError
from nbteam.git import trees
from nbteam.git.labels import DEFAULT_MARKER_SIZE
from nbteam.integration.registry import command
from nbteam.notebook.strip import strip_notebook
from nbteam.team.pr import NOTEBOOK, Prediction, merge_message, spots

# What plain git does with a notebook: a line merge of the whole file (git's built-in text merge).
TEXT_MERGE = "git merge-file --marker-size=%L %A %O %B"


class PrError(NbteamError):
    """`nbteam pr` cannot do what was asked (a bad revision, a detached HEAD); the message says why."""


def _toplevel(bare_too: bool = False) -> str:
    """The top of the work tree; with bare_too, a bare repository's git directory (a prediction needs no work tree)."""
    from nbteam.git.run import locate

    found = locate()
    root = (found.top if found else None) or (trees.bare_git_dir() if bare_too else None)
    if not root:
        raise PrError("not in a git work tree" if trees.bare_git_dir() is None else
                      "this repository is bare: `pr merge` needs a clone with the branch checked out")
    return root


def _commit(rev: str, root: str) -> str:
    try:
        return trees.commit_id(rev, root)
    except trees.GitFailed:
        raise PrError(f"{rev!r} is not a commit") from None


def predict(base: str, head: str | None = None, root: str | None = None) -> tuple[Prediction, str]:
    """The merge of base into head (default HEAD) by plain git and by nbteam; and nbteam's merged tree."""
    root = root or _toplevel(bare_too=True)
    ours, theirs = _commit(head or "HEAD", root), _commit(base, root)
    shown_head = head or (trees.current_branch(root) or "HEAD").removeprefix("refs/heads/")
    if trees.is_ancestor(theirs, ours, root):
        return Prediction(base, shown_head, True, {}, {}), ours
    with tempfile.TemporaryDirectory(prefix="nbteam-pr-") as tmp:
        config: dict[str, str] = {}
        probe = "probe" + NOTEBOOK
        if trees.attributes([probe], ["merge"], root)[probe].get("merge") != "nbteam":
            attributes = os.path.join(tmp, "attributes")  # lowest precedence: the repository's own rules win
            with open(attributes, "w", encoding="utf-8") as f:
                f.write(f"*{NOTEBOOK} merge=nbteam\n")
            config["core.attributesFile"] = attributes
        plain = trees.merge_tree(ours, theirs, {**config, "merge.nbteam.driver": TEXT_MERGE}, root)
        driver = {**config, "merge.nbteam.name": "nbteam: cell-aware notebook merge",
                  "merge.nbteam.driver": command("merge.nbteam.driver", sys.executable)}
        merged = trees.merge_tree(ours, theirs, driver, root)
    conflicted = sorted(merged.conflicts)
    blobs = trees.stored(merged.tree, [p for p in conflicted if p.endswith(NOTEBOOK)], root, from_top=True)
    sizes = trees.attributes(conflicted, ["conflict-marker-size"], root)
    people = {}
    for path in conflicted:
        size = sizes[path].get("conflict-marker-size", "")
        people[path] = spots(path, merged.conflicts[path], blobs.get(path),
                             int(size) if size.isdigit() and int(size) > 0 else DEFAULT_MARKER_SIZE)
    return Prediction(base, shown_head, False, plain.conflicts, people), merged.tree


def _without_outputs(tree: str, ours: str, theirs: str, root: str) -> str:
    """The merged tree with the outputs stripped from the notebooks the merge changed, as the filter would."""
    if keep_outputs(root):
        return tree
    changed = [p for p in trees.tree_diff(ours, tree, root) if p.endswith(NOTEBOOK)]
    cleaned = {}
    merged = trees.stored(tree, changed, root, from_top=True)
    for path, data in merged.items():
        stripped, warning = strip_notebook(data, path)
        if warning and trees.stored(theirs, [path], root, from_top=True).get(path) == data:
            continue  # the base's own file, taken as it is: the merge adds nothing its history lacks
        if warning:  # the filter would keep such a file as it is, outputs and all
            raise PrError(f"{warning}; nothing merged, so that no outputs are committed")
        if stripped != data:
            cleaned[path] = trees.write_blob(stripped, root)
    return trees.tree_with(tree, cleaned, root)


def merge(base: str, if_needed: bool = False) -> tuple[Prediction, str | None]:
    """Make the merge commit of base on the current branch when nbteam merges everything.

    With if_needed, only when plain git would conflict (a hosting site's merge would too).
    Returns the prediction and the new commit (None when nothing was merged: then nothing was
    written but objects). PrError when git refuses the final fast-forward.
    """
    root = _toplevel()
    branch = trees.current_branch(root)
    if branch is None:
        raise PrError("HEAD is detached: check out the branch to merge into")
    prediction, tree = predict(base, None, root)
    if prediction.up_to_date or not prediction.clean or (if_needed and not prediction.plain):
        return prediction, None
    ours, theirs = _commit("HEAD", root), _commit(base, root)
    tree = _without_outputs(tree, ours, theirs, root)
    message = merge_message(base, trees.full_ref(base, root), branch)
    commit = trees.commit_tree(tree, [ours, theirs], message, root)
    from nbteam.git.settings import config_value

    if config_value("filter.nbteam.process", cwd=root):  # a set-up clone: a notebook only run since git looked
        from nbteam.workcopy.marks import mark_changed  # must not block the fast-forward (as `git pull`'s fetch does)

        mark_changed(root)
    code, said = trees.fast_forward(commit, root)
    if code != 0:
        raise PrError(f"git refused to move {branch.removeprefix('refs/heads/')} to the merge: "
                      f"{said.splitlines()[0] if said else f'exit {code}'}")
    return prediction, commit
