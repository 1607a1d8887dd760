"""The I/O of `nbteam check`: which notebooks, which bytes (work tree, index or a commit), which settings.

Nothing here writes: files are read, and git is only asked (nbteam.git.trees). Paths are shown
relative to the top of the work tree, as git shows them; outside a repository, as given.
"""
from __future__ import annotations

import enum
import os
import shlex
import tempfile
from typing import NamedTuple

from nbteam.config import NBTEAM_TOML, PYPROJECT
from nbteam.config import keep_outputs as keep_outputs_setting
from nbteam.errors import NbteamError
from nbteam.git import trees
from nbteam.git.labels import DEFAULT_MARKER_SIZE
from nbteam.git.settings import config_value
from nbteam.team.check import SETUP_KEYS, Finding, Kind, check_notebook, setup_findings

NOTEBOOK = ".ipynb"
FILTER_KEYS = ("filter.nbteam.process", "filter.nbteam.clean")


class CheckError(NbteamError):
    """`nbteam check` cannot run as asked (a missing file, a bad range); the message says why."""


class Source(enum.Enum):
    """Which content is checked."""

    WORK_TREE = "work tree"
    INDEX = "index"
    RANGE = "range"


class Target(NamedTuple):
    """One notebook to check: its shown path and what git stores or would store."""

    path: str
    data: bytes
    filtered: bool  # git's clean filter is set up for it: what git stores is the cleaned content
    marker_size: int
    staged: bytes | None = None  # with filtered, what the index holds: the filter cleans only what git re-reads
    unmerged: bool = False  # the index holds git's conflict stages for it, not a file (data is empty)


def split_range(spec: str) -> tuple[str, str]:
    """A..B (or A...B) as (A, B), an empty side being HEAD; CheckError for anything else."""
    for sep in ("...", ".."):
        if sep in spec:
            a, _, b = spec.partition(sep)
            return a or "HEAD", b or "HEAD"
    raise CheckError(f"--rev takes a range A..B, not {spec!r}")


def _toplevel(cwd: str) -> str | None:
    from nbteam.git.run import locate

    found = locate(cwd)
    return found.top if found else None


def _walk(path: str) -> list[str]:
    """Notebooks under a folder outside any repository (hidden folders skipped)."""
    found = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(folder, f) for f in sorted(files) if f.endswith(NOTEBOOK)]
    return found


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise CheckError(f"{path}: cannot read ({e.strerror})") from None


def _outside_repo(paths: list[str]) -> list[Target]:
    files: list[str] = []
    for path in paths or ["."]:
        if os.path.isdir(path):
            files += _walk(path)
        elif os.path.exists(path):
            files.append(path)
        else:
            raise CheckError(f"{path}: no such file or directory")
    return [Target(p, _read(p), False, DEFAULT_MARKER_SIZE) for p in files]


def _repo_relative(path: str, root: str) -> str:
    """A path given on the command line as a path from the top of the work tree (symlinked folders resolved)."""
    full = os.path.abspath(path)
    folder = os.path.realpath(os.path.dirname(full))
    return os.path.relpath(os.path.join(folder, os.path.basename(full)), os.path.realpath(root)).replace(os.sep, "/")


def _in_range(root: str, specs: list[str], rev_range: str, bare: bool = False) -> tuple[list[str], dict[str, bytes]]:
    """The notebooks a range changed (names relative to root) and their content at its end."""
    a, b = split_range(rev_range)
    for rev in (a, b):
        try:
            trees.commit_id(rev, root)
        except trees.GitFailed:
            raise CheckError(f"--rev {rev_range}: {rev!r} is not a commit") from None
    names = [p for p in trees.changed_paths(a, b, specs, root) if p.endswith(NOTEBOOK)]
    return names, trees.stored(b, names, root, from_top=bare)


def _in_bare(git_dir: str, paths: list[str], rev_range: str) -> tuple[list[Target], bool]:
    """A range's notebooks in a bare repository (paths are pathspecs from the top of the tree), and
    keep_outputs as the settings the range ends with say (no work tree holds them)."""
    names, blobs = _in_range(git_dir, [p.replace(os.sep, "/") for p in paths], rev_range, bare=True)
    settings = trees.stored(split_range(rev_range)[1], [PYPROJECT, NBTEAM_TOML], git_dir, from_top=True)
    with tempfile.TemporaryDirectory(prefix="nbteam-check-") as tmp:
        for name, data in settings.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        keep = keep_outputs_setting(tmp)
    return [Target(n, blobs[n], False, DEFAULT_MARKER_SIZE) for n in names if n in blobs], keep


def _in_repo(root: str, paths: list[str], source: Source, rev_range: str | None) -> list[Target]:
    specs = []
    for path in paths:
        if source is Source.WORK_TREE and not os.path.lexists(path):
            raise CheckError(f"{path}: no such file or directory")
        specs.append(_repo_relative(path, root))
    unmerged: dict[str, bytes] = {}
    if source is Source.RANGE:
        names, blobs = _in_range(root, specs, rev_range or "")
    elif source is Source.INDEX:
        names = [p for p in trees.staged_paths(specs, root) if p.endswith(NOTEBOOK)]
        blobs = trees.stored("", names, root)
        unmerged = {n: b"" for n in trees.unmerged_paths(names, root) if n not in blobs} if names else {}
        blobs.update(unmerged)
    else:
        files = [s for s in specs if os.path.isfile(os.path.join(root, s))]
        folders = [s for s in specs if s not in files]
        listed = trees.listed_files(folders, root) if folders or not specs else []
        names = sorted(set(files) | {p for p in listed if p.endswith(NOTEBOOK)})
        blobs = {n: _read(os.path.join(root, n)) for n in names if os.path.isfile(os.path.join(root, n))}
    names = [n for n in names if n in blobs]
    attrs = trees.attributes(names, ["filter", "conflict-marker-size"], root)
    filter_set = source is Source.WORK_TREE and any(config_value(k, root) for k in FILTER_KEYS)
    filtered = [n for n in names if filter_set and attrs[n].get("filter") == "nbteam"]
    index = trees.stored("", filtered, root, from_top=True) if filtered else {}
    targets = []
    for name in names:
        size = attrs[name].get("conflict-marker-size", "")
        targets.append(Target(name, blobs[name], name in filtered,
                              int(size) if size.isdigit() and int(size) > 0 else DEFAULT_MARKER_SIZE, index.get(name),
                              name in unmerged))
    return targets


def _unmerged(target: Target) -> list[Finding]:
    """The one finding for a notebook a merge left unresolved in the index."""
    quoted = shlex.quote(target.path)
    return [Finding(target.path, None, Kind.CELL_CONFLICT, "unmerged: the index holds the merge's conflict, not a"
                    " notebook", f"resolve it (`nbteam resolve {quoted} --ours|--theirs|--both`), then `git add {quoted}`")]


def _still_staged(target: Target, keep: bool) -> list[Finding]:
    """Outputs the index holds for a filtered file (added before `nbteam init`): git commits them until re-added."""
    if target.staged is None or keep:
        return []
    fix = f"the filter strips them only when git re-adds the file: `git add --renormalize {shlex.quote(target.path)}`" \
          " and commit"
    return [f._replace(what=f"{f.what.split(',')[0]} in the index", fix=fix)
            for f in check_notebook(target.path, target.staged, keep, target.marker_size, validate=False)
            if f.kind is Kind.OUTPUTS]


def setup_problems(cwd: str = ".", require: bool = True) -> list[Finding]:
    """What this clone's git config lacks (require) or has broken, for nbteam's drivers and filter."""
    root = _toplevel(cwd)
    if root is None:
        raise CheckError("not in a git repository")
    values = {key: config_value(key, root) for key in SETUP_KEYS}
    found = setup_findings(values, os.path.exists, keep_outputs_setting(root), require)
    if require and not found:
        attrs = trees.attributes(["probe" + NOTEBOOK], ["merge"], root)
        if attrs["probe" + NOTEBOOK].get("merge") != "nbteam":
            found.append(Finding(".gitattributes", None, Kind.SETUP, "notebooks are not given nbteam's merge driver",
                                 "run `nbteam init`"))
    return found


def check(paths: list[str], source: Source = Source.WORK_TREE, rev_range: str | None = None, cwd: str = ".",
          validate: bool = True) -> list[Finding]:
    """Every finding in the notebooks asked for, in path order, then broken driver or filter commands."""
    root = _toplevel(cwd)
    bare = trees.bare_git_dir(cwd) if root is None else None
    broken: list[Finding]
    if bare is not None and source is Source.RANGE:  # a range needs commits only: the bare origin has them
        (targets, keep), broken = _in_bare(bare, paths, rev_range or ""), []
    elif bare is not None:
        raise CheckError(f"{'--staged' if source is Source.INDEX else 'a check of files'} needs a work tree,"
                         " and this repository is bare: use --rev A..B")
    elif root is None:
        if source is not Source.WORK_TREE:
            raise CheckError(f"--{'staged' if source is Source.INDEX else 'rev'} needs a git repository")
        targets, keep, broken = _outside_repo(paths), keep_outputs_setting(cwd), []
    else:
        targets, keep = _in_repo(root, paths, source, rev_range), keep_outputs_setting(root)
        broken = setup_problems(root, require=False) if targets else []
    found = [f for t in targets for f in (_unmerged(t) if t.unmerged else
                                           check_notebook(t.path, t.data, keep, t.marker_size, t.filtered, validate)
                                           + _still_staged(t, keep))]
    return found + broken
