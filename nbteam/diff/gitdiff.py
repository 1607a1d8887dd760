"""Notebook diffs the way git asks for them: one file from the diff driver, or every notebook
between revisions, the index and the work tree (`nbteam diff`), with one report format for both.

The diff driver must never fail: git stops the whole `git diff` at the first driver that does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from nbteam.diff.notebook import combined, diff_notebooks
from nbteam.diff.render import (NO_CELL_CHANGES, PLAIN, FileDiff, Palette, file_diff, header_lines, load,
                                note_line, paint, plain_diff, render_diff)
from nbteam.errors import NbteamError
from nbteam.notebook.io import NotebookError
from nbteam.git.blobs import NULL, RawChange, Status, diff_raw, faithful, is_zero, read_blobs, read_work_tree

UNMERGED_NOTE = "unmerged: cells that differ from both sides, shown against ours (as git diff shows a conflict)"


class UnreadableInput(NbteamError):
    """A file given to `nbteam diff` cannot be read."""


class Version(NamedTuple):
    """One side of a file's diff: its path, content (None: the file does not exist) and mode."""

    path: str
    data: bytes | None
    mode: str = "100644"


def _explain_equal(path: str, cwd: str | None) -> Callable[[], str]:
    """The note for a work-tree file whose cells equal the staged copy's although git sees a change."""
    def explain() -> str:
        from nbteam.git.blobs import attribute

        if attribute(path, "filter", cwd) != "nbteam":
            return NO_CELL_CHANGES
        return (f"no cell changes: only what the output filter strips differs; the committed copy still has it "
                f"(`git add --renormalize {path}` and a commit clear this)")
    return explain


def report(old: Version, new: Version, p: Palette = PLAIN, extended: list[str] | None = None,
           with_outputs: bool = False, work_tree: str | None = None) -> FileDiff:
    """`diff --nbteam` report for one file, as git's diff driver prints it.

    extended: git's extended header lines (rename/copy); mode changes are added here. work_tree:
    the repository root when the new side is the work-tree file, to explain a change git sees
    only through the clean filter."""
    extended = list(extended or [])
    if old.data is not None and new.data is not None and old.mode != new.mode and not extended:
        extended = [f"old mode {old.mode}", f"new mode {new.mode}"]
    title = f"diff --nbteam a/{old.path} b/{new.path}"
    explain = _explain_equal(new.path, work_tree) if work_tree is not None and not extended else None
    result = file_diff(old.data, new.data, NULL if old.data is None else f"a/{old.path}",
                       NULL if new.data is None else f"b/{new.path}", p, title, with_outputs, explain)
    lines = result.lines or header_lines(f"a/{old.path}", f"b/{new.path}", p, title)
    lines[1:1] = [paint(p, p.meta, x) for x in extended]
    if len(lines) == 3:  # git saw a difference that is not in the content: never a bare header
        lines.append(note_line(NO_CELL_CHANGES, p))
    return FileDiff(lines, result.differs or bool(extended))


def _read_file(path: str) -> tuple[bytes | None, str | None]:
    """(content, None) of a file git passed, (None, reason) when unreadable; /dev/null is no file."""
    if path == NULL:
        return None, None
    try:
        with open(path, "rb") as f:
            return f.read(), None
    except OSError as e:
        return None, f"cannot read {path}: {e.strerror}"


def read_input(path: str) -> bytes:
    """A notebook file named on the command line; UnreadableInput with the reason."""
    data, error = _read_file(path)
    if error is not None or data is None:
        raise UnreadableInput(error or f"{path} is not a file")
    return data


def driver_lines(argv: list[str], p: Palette = PLAIN) -> tuple[list[str], str | None]:
    """driver_lines_unchecked, except that a failure falls back to a plain text diff with a note:
    the diff driver must never stop git's diff."""
    try:
        return driver_lines_unchecked(argv, p)
    except Exception as e:  # noqa: BLE001 - any surprise: show the text rather than stop `git diff`
        if len(argv) < 7:
            return [], f"{type(e).__name__}: {e}"
        old, new = _read_file(argv[1])[0] or b"", _read_file(argv[4])[0] or b""
        path = argv[0]
        return plain_diff(old, new, f"a/{path}", f"b/{path}", p, f"diff --nbteam a/{path} b/{path}",
                          f"nbteam could not read it as a notebook ({type(e).__name__})"), None


def driver_lines_unchecked(argv: list[str], p: Palette = PLAIN) -> tuple[list[str], str | None]:
    """(report lines, warning for stderr) for GIT_EXTERNAL_DIFF's arguments:
    path old-file old-hex old-mode new-file new-hex new-mode [new-path extended-header], or path alone."""
    if len(argv) == 1:
        return [f"* Unmerged path {argv[0]}"], None
    if len(argv) not in (7, 9):
        return [], f"expected 7 or 9 arguments from git, got {len(argv)}"
    path, old_file, old_hex, old_mode, new_file, new_hex, new_mode = argv[:7]
    new_path = argv[7] if len(argv) == 9 else path
    (old, old_err), (new, new_err) = _read_file(old_file), _read_file(new_file)
    if old_err or new_err:
        return [], f"{path}: {old_err or new_err}"
    extended = argv[8].rstrip("\n").split("\n") if len(argv) == 9 and argv[8] else []
    result = report(Version(path, faithful(old, old_hex), old_mode), Version(new_path, faithful(new, new_hex), new_mode),
                    p, extended, work_tree="." if is_zero(new_hex) and new is not None else None)
    return result.lines, None


def _unmerged(change: RawChange, root: str, p: Palette, with_outputs: bool) -> FileDiff:
    """A conflicted path: the merged work-tree file against ours, only where it differs from theirs too."""
    from nbteam.git.blobs import unmerged_stages

    path = change.new_path
    stages = unmerged_stages(path, root)
    merged = read_work_tree(root, path)
    title = f"diff --nbteam --cc {path}"
    if 2 not in stages or 3 not in stages or merged is None:
        side = "ours" if 2 not in stages else "theirs" if 3 not in stages else "the work tree"
        return FileDiff([paint(p, p.meta, title), note_line(f"unmerged: deleted in {side}", p)], True)
    try:
        ours, theirs, result = load(stages[2], "ours"), load(stages[3], "theirs"), load(merged, path)
    except NotebookError:  # text markers git wrote into the JSON: show it as the driver would
        return report(Version(path, stages[2]), Version(path, merged), p, [UNMERGED_NOTE], with_outputs)
    d = combined(diff_notebooks(ours, result, with_outputs), diff_notebooks(theirs, result, with_outputs))
    lines = render_diff(d, f"a/{path} (ours)", f"b/{path} (work tree)", p, title)
    lines.insert(3, note_line(UNMERGED_NOTE, p))
    return FileDiff(lines, True)


class FileVersions(NamedTuple):
    """One notebook `git diff` lists: its record, both versions, and whether new is the work-tree file."""

    change: RawChange
    old: Version
    new: Version
    in_work_tree: bool


def changed_notebooks(args: list[str], root: str, cached: bool = False) -> Iterator[FileVersions]:
    """Both versions of every notebook `git diff [--cached] ARGS` lists, in git's order.

    A conflicted path comes once, as its UNMERGED record (git's second record for it is skipped)."""
    records = [r for r in diff_raw(args, cached) if r.new_path.endswith(".ipynb") or r.old_path.endswith(".ipynb")]
    unmerged = {r.new_path for r in records if r.status is Status.UNMERGED}
    blobs = read_blobs(sorted({s for r in records for s in (r.old_sha, r.new_sha) if not is_zero(s)}))
    for r in records:
        if r.new_path in unmerged and r.status is not Status.UNMERGED:
            continue
        in_work_tree = is_zero(r.new_sha) and r.status is not Status.DELETED
        old = None if r.status is Status.ADDED else blobs.get(r.old_sha)
        if r.status is Status.UNMERGED:  # git gives no blob for it: ours is what the merge started from
            from nbteam.git.blobs import unmerged_stages

            old = unmerged_stages(r.new_path, root).get(2)
        if in_work_tree:
            new = read_work_tree(root, r.new_path)
        else:
            new = None if r.status is Status.DELETED else blobs.get(r.new_sha)
        yield FileVersions(r, Version(r.old_path, old, r.old_mode), Version(r.new_path, new, r.new_mode), in_work_tree)


def _extended(r: RawChange) -> list[str]:
    """git's extended header lines for a rename or copy."""
    if r.status not in (Status.RENAMED, Status.COPIED):
        return []
    verb = "rename" if r.status is Status.RENAMED else "copy"
    return [f"similarity index {int(r.score or 0)}%", f"{verb} from {r.old_path}", f"{verb} to {r.new_path}"]


def revision_reports(args: list[str], root: str, cached: bool = False, p: Palette = PLAIN,
                     with_outputs: bool = False) -> Iterator[FileDiff]:
    """Reports for every notebook `git diff [--cached] ARGS` would show, in git's order."""
    for f in changed_notebooks(args, root, cached):
        if f.change.status is Status.UNMERGED:
            yield (FileDiff([f"* Unmerged path {f.new.path}"], True) if cached else _unmerged(f.change, root, p, with_outputs))
            continue
        result = report(f.old, f.new, p, _extended(f.change), with_outputs, root if f.in_work_tree else None)
        yield result._replace(differs=result.differs or f.change.same_content_differs)
