"""Git reads and object writes for checks and pull requests, touching no work tree, index or ref.

Policy-free: these functions ask git what a merge of two commits would give (`git merge-tree
--write-tree`, git 2.38+), which files a range changed, what the index or a commit stores, and
write blobs, trees and commits as objects only. What to make of the answers is nbteam.team's.
The one exception, `fast_forward`, is the last step of `nbteam pr merge` and says so.
"""
from __future__ import annotations

import os
import tempfile
from typing import NamedTuple

from nbteam.git.blobs import read_blobs
from nbteam.git.run import GitFailed, git_output, path_of, paths_z, run_git

MERGE_TREE_GIT = (2, 38)  # `git merge-tree --write-tree` arrived in git 2.38


class MergeTree(NamedTuple):
    """What `git merge-tree --write-tree` answered: the merged tree and its conflicts."""

    tree: str  # the merged tree; conflicted files hold what the merge wrote (markers and all)
    conflicts: dict[str, list[str]]  # conflicted path -> git's conflict types ("CONFLICT (contents)", ...)


def _git(args: list[str], cwd: str | None = None) -> tuple[int, bytes, bytes]:
    """Exit code, stdout and stderr of a git command that may fail."""
    p = run_git(args, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def git_version(cwd: str | None = None) -> tuple[int, ...]:
    """git's version as numbers, (2, 39, 5); (0,) when it cannot be read."""
    try:
        words = git_output(["version"], cwd).decode("ascii", "replace").split()
    except GitFailed:
        return (0,)
    numbers = []
    for part in (words[2] if len(words) > 2 else "").split("."):
        if not part.isdigit():
            break
        numbers.append(int(part))
    return tuple(numbers) or (0,)


def config_args(values: dict[str, str]) -> list[str]:
    """`-c KEY=VALUE` arguments setting config for one git command only."""
    return [a for key, value in values.items() for a in ("-c", f"{key}={value}")]


def parse_merge_tree(out: bytes) -> MergeTree:
    """`git merge-tree --write-tree --name-only -z` output as a MergeTree."""
    head, _, messages = out.partition(b"\0\0")
    fields = head.split(b"\0")
    tree = path_of(fields[0]).strip()
    conflicts: dict[str, list[str]] = {path_of(p): [] for p in fields[1:] if p}
    parts = messages.split(b"\0")
    k = 0
    while k < len(parts) and parts[k].isdigit():  # N, N paths, type, message
        count = int(parts[k])
        paths = [path_of(p) for p in parts[k + 1:k + 1 + count]]
        kind = path_of(parts[k + 1 + count]) if k + 1 + count < len(parts) else ""
        for path in paths:
            if path in conflicts and kind.startswith("CONFLICT"):
                conflicts[path].append(kind)
        k += count + 3
    return MergeTree(tree, conflicts)


def merge_tree(ours: str, theirs: str, config: dict[str, str] | None = None, cwd: str | None = None) -> MergeTree:
    """The merge of two commits as git would make it (merge drivers included), written as objects only."""
    if git_version(cwd) < MERGE_TREE_GIT:
        raise GitFailed("this needs `git merge-tree --write-tree`, from git 2.38; upgrade git")
    args = [*config_args(config or {}), "merge-tree", "--write-tree", "--name-only", "-z", ours, theirs]
    code, out, err = _git(args, cwd)
    if code not in (0, 1):
        lines = [x for x in path_of(err).splitlines() if x.strip()]
        raise GitFailed(lines[0].removeprefix("fatal: ") if lines else f"git merge-tree failed ({code})")
    return parse_merge_tree(out)


def bare_git_dir(cwd: str | None = None) -> str | None:
    """The git directory when cwd is in a bare repository (commits, no work tree), else None."""
    code, out, _ = _git(["rev-parse", "--is-bare-repository", "--absolute-git-dir"], cwd)
    lines = path_of(out).splitlines()
    return lines[1] if code == 0 and len(lines) == 2 and lines[0] == "true" else None


def commit_id(rev: str, cwd: str | None = None) -> str:
    """The commit a revision names; GitFailed when it names none."""
    out = git_output(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd)
    return out.decode().strip()


def is_ancestor(older: str, newer: str, cwd: str | None = None) -> bool:
    """True when commit `older` is reachable from `newer`."""
    return _git(["merge-base", "--is-ancestor", older, newer], cwd)[0] == 0


def current_branch(cwd: str | None = None) -> str | None:
    """The full ref HEAD points at (refs/heads/...), or None on a detached HEAD."""
    code, out, _ = _git(["symbolic-ref", "-q", "HEAD"], cwd)
    return out.decode().strip() if code == 0 else None


def full_ref(rev: str, cwd: str | None = None) -> str | None:
    """The full ref name a revision spells (refs/heads/x, refs/remotes/o/x), or None for a commit id."""
    code, out, _ = _git(["rev-parse", "--symbolic-full-name", "--end-of-options", rev], cwd)
    lines = out.decode("utf-8", "replace").split()  # git 2.39 echoes --end-of-options first
    name = lines[-1] if lines else ""
    return name if code == 0 and name.startswith("refs/") else None


def changed_paths(a: str, b: str, pathspecs: list[str], cwd: str | None = None) -> list[str]:
    """Files that exist at b and changed between the merge base of a and b and b (`git diff a...b`)."""
    out = git_output(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", "--no-ext-diff",
                    f"{a}...{b}", "--", *pathspecs], cwd)
    return paths_z(out)


def tree_diff(a: str, b: str, cwd: str | None = None) -> list[str]:
    """Paths that differ between two trees (or commits) and exist in b."""
    return paths_z(git_output(["diff-tree", "-r", "--name-only", "-z", "--no-renames", "--diff-filter=d", a, b], cwd))


def staged_paths(pathspecs: list[str], cwd: str | None = None) -> list[str]:
    """Files the index adds or changes against HEAD (all index files when there is no commit yet)."""
    code, _, _ = _git(["rev-parse", "--verify", "--quiet", "HEAD"], cwd)
    if code != 0:
        return listed_files(pathspecs, cwd, untracked=False)
    out = git_output(["diff", "--cached", "--name-only", "-z", "--no-renames", "--diff-filter=d", "--no-ext-diff",
                    "--", *pathspecs], cwd)
    return paths_z(out)


def unmerged_paths(pathspecs: list[str], cwd: str | None = None) -> list[str]:
    """Files the index holds as a conflict (git's stages 1 to 3, no stage 0), relative to cwd."""
    out = git_output(["ls-files", "-z", "--unmerged", "--", *pathspecs], cwd)
    return sorted({path_of(entry.partition(b"\t")[2]) for entry in out.split(b"\0") if entry})


def listed_files(pathspecs: list[str], cwd: str | None = None, untracked: bool = True) -> list[str]:
    """Tracked files (and untracked ones git does not ignore) matching the pathspecs, relative to cwd."""
    extra = ["--others", "--exclude-standard"] if untracked else []
    return sorted(set(paths_z(git_output(["ls-files", "-z", "--cached", *extra, "--", *pathspecs], cwd))))


def stored(rev: str, paths: list[str], cwd: str | None = None, from_top: bool = False) -> dict[str, bytes]:
    """What a commit (rev) or the index (rev "") stores for each path relative to cwd (from_top: to the
    top of the tree, as in a bare repository); missing ones left out."""
    names = {f"{rev}:{'' if from_top else './'}{p}": p for p in paths if "\n" not in p}
    blobs = read_blobs(list(names), cwd)
    return {names[name]: data for name, data in blobs.items()}


def attributes(paths: list[str], names: list[str], cwd: str | None = None) -> dict[str, dict[str, str]]:
    """The values git gives the named attributes on each path ("unspecified" where none)."""
    found: dict[str, dict[str, str]] = {p: {} for p in paths}
    if not paths:
        return found
    out = git_output(["check-attr", "-z", "--stdin", *names], cwd, b"\0".join(p.encode("utf-8", "surrogateescape")
                                                                           for p in paths) + b"\0")
    fields = out.split(b"\0")
    for k in range(0, len(fields) - 2, 3):
        path = path_of(fields[k])
        if path in found:
            found[path][path_of(fields[k + 1])] = path_of(fields[k + 2])
    return found


def write_blob(data: bytes, cwd: str | None = None) -> str:
    """Store bytes as a blob exactly as given (no filter) and return its id."""
    return git_output(["hash-object", "-w", "--no-filters", "--stdin"], cwd, data).decode().strip()


def tree_with(tree: str, blobs: dict[str, str], cwd: str | None = None) -> str:
    """A tree like `tree` with the given paths pointing at other blobs (modes kept), built in a temporary index."""
    if not blobs:
        return tree
    fd, index = tempfile.mkstemp(prefix="nbteam-index-")
    os.close(fd)
    os.unlink(index)  # git refuses an empty file as an index; it creates the file itself
    env = {**os.environ, "GIT_INDEX_FILE": index}
    from nbteam.git.run import run_git

    try:
        for args, data in ((["read-tree", tree], None),
                           (["update-index", "-z", "--index-info"], _index_info(tree, blobs, cwd)),
                           (["write-tree"], None)):
            p = run_git(args, cwd=cwd, input=data, env=env)
            if p.returncode != 0:
                raise GitFailed(path_of(p.stderr).strip().splitlines()[0] if p.stderr.strip()
                                   else f"git {args[0]} failed")
        return path_of(p.stdout).strip()
    finally:
        try:
            os.unlink(index)
        except OSError:
            pass


def _index_info(tree: str, blobs: dict[str, str], cwd: str | None) -> bytes:
    """`update-index --index-info` records giving paths of `tree` new blob ids."""
    out = git_output(["ls-tree", "-r", "-z", "--full-tree", tree, "--", *blobs], cwd)
    records = []
    for entry in out.split(b"\0"):
        if entry:
            meta, _, path = entry.partition(b"\t")
            mode = meta.split()[0]
            name = path_of(path)
            if name in blobs:
                records.append(mode + b" " + blobs[name].encode() + b"\t" + path)
    return b"\0".join(records) + b"\0"


def commit_tree(tree: str, parents: list[str], message: str, cwd: str | None = None) -> str:
    """A commit object of tree with these parents (no ref moves)."""
    args = ["commit-tree", tree]
    for parent in parents:
        args += ["-p", parent]
    return git_output(args, cwd, message.encode("utf-8")).decode().strip()


def fast_forward(commit: str, cwd: str | None = None) -> tuple[int, str]:
    """Move the current branch, index and work tree to a descendant commit (`git merge --ff-only`).

    git refuses, changing nothing, when a local change would be overwritten; (exit code, git's message).
    """
    code, out, err = _git(["merge", "--ff-only", "--no-edit", "--quiet", commit], cwd)
    return code, (path_of(err) or path_of(out)).strip()
