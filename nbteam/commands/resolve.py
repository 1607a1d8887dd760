"""`nbteam resolve FILE... --ours|--theirs|--both [--add]`: take one side in every conflict of a notebook.

The per-cell answer to `git checkout --ours` and to `-X ours`, which git does not pass to merge
drivers: everything that merged cleanly stays merged. Without a side flag the interactive merge
tool opens. As a git mergetool: `nbteam resolve --base B --local L --remote R MERGED` first
merges the three into MERGED with nbteam's merge, so only the conflicts are left to resolve.
"""
from __future__ import annotations

import argparse
import os
import sys

from nbteam.errors import NbteamError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from nbteam.notebook.io import Notebook


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The command's arguments."""
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--ours", dest="side", action="store_const", const="ours", help="take our side everywhere")
    side.add_argument("--theirs", dest="side", action="store_const", const="theirs", help="take their side everywhere")
    side.add_argument("--both", dest="side", action="store_const", const="both", help="take ours, then theirs")
    parser.add_argument("--add", action="store_true", help="stage the resolved files (git add)")
    parser.add_argument("--base", help="mergetool form: the base version ($BASE)")
    parser.add_argument("--local", help="mergetool form: our version ($LOCAL)")
    parser.add_argument("--remote", help="mergetool form: their version ($REMOTE)")
    parser.add_argument("files", nargs="+", metavar="FILE", help="conflicted notebooks (mergetool form: $MERGED)")


def _write_path(path: str) -> str:
    """The path to write, checked to be a safe place inside the work tree where that check exists."""
    from nbteam.git.paths import safe_named_write_path

    # The work tree the file is in (not the current directory's); a file in no repository is written as is.
    return os.fspath(safe_named_write_path(path))


def _premerge(args: argparse.Namespace) -> None:
    """Mergetool form: merge BASE, LOCAL and REMOTE into MERGED first (conflicts left marked).

    The markers carry the base git passed ($BASE) whatever merge.conflictStyle says, so the
    merge tool can show it; outputs of unchanged cells stay as the merge driver left them."""
    from nbteam.git.labels import marker_sizes, merge_labels
    from nbteam.merge.file import merge_files
    from nbteam.merge.options import git_conflict_style, keep_outputs_configured, machine_metadata_configured
    from nbteam.seq.markers import Markers
    from nbteam.seq.style import ConflictStyle

    if len(args.files) != 1 or not (args.base and args.local and args.remote):
        raise NbteamError("the mergetool form takes --base, --local and --remote, and one MERGED file")
    merged = _write_path(args.files[0])
    style = git_conflict_style()
    # git's conflict-marker-size for MERGED, as the merge driver (%L) and resolve read it
    markers = Markers(marker_sizes([merged])[merged], style=style if style.shows_base else ConflictStyle.DIFF3,
                      find_labels=lambda: merge_labels((None, None, None)))
    keep = keep_outputs_configured()
    folder, name = os.path.split(merged)
    result = os.path.join(folder, f".{name}.nbteam-premerge")  # beside MERGED: the same file system
    try:
        merge_files(args.base, args.local, args.remote, result, args.files[0], markers, keep,
                    machine_metadata_configured())
        if not keep:  # the working copy (MERGED) holds the outputs git's smudge gave the merge driver's result
            from nbteam.workcopy.restore import carry_from_file

            carry_from_file(result, merged)
        os.replace(result, merged)
    finally:
        if os.path.lexists(result):
            os.remove(result)


def _sides(path: str, local: str | None, remote: str | None) -> list[Notebook]:
    """The versions merged into the file, as far as they are known: the merge tool's $LOCAL and
    $REMOTE, else git's stages 2 and 3 of an unmerged path (none outside a merge)."""
    from nbteam.notebook.io import NotebookError, parse_notebook

    if local and remote:
        texts = []
        for name in (local, remote):
            try:
                with open(name, "rb") as f:
                    texts.append(f.read())
            except OSError:
                pass
    else:
        from nbteam.git.blobs import unmerged_stages
        from nbteam.git.run import GitFailed

        try:
            stages = unmerged_stages(os.path.basename(path), os.path.dirname(os.path.abspath(path)))
        except (GitFailed, OSError):
            stages = {}
        texts = [stages[n] for n in (2, 3) if n in stages]
    sides = []
    for data in texts:
        try:
            sides.append(parse_notebook(data, path, empty_ok=True))
        except NotebookError:  # a side nbteam cannot read holds no example it could keep
            pass
    return sides


def _resolve_file(path: str, side_name: str, sides: list[Notebook]) -> str:
    """Resolve one file in place, leaving the marker blocks a side itself holds; return the line to print."""
    from nbteam.git.labels import marker_sizes
    from nbteam.merge.resolve import Side, resolve_all
    from nbteam.notebook.conflicts import find_conflicts
    from nbteam.notebook.examples import held_by
    from nbteam.notebook.io import dumps_notebook, parse_notebook, uses_crlf, write_atomic

    target = _write_path(path)
    try:
        with open(target, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise NbteamError(f"cannot read {path}: {e.strerror}") from None
    nb = parse_notebook(raw, path)
    size = marker_sizes([target])[target]
    blocks = find_conflicts(nb, size)
    held = sum(held_by(nb, c, sides, size) for c in blocks)
    found = len(blocks) - held
    kept = (f"; {held} marker block{'s' * (held > 1)} a side itself holds (example text) left as"
            f" {'they are' if held > 1 else 'it is'}") if held else ""
    if not found:
        return f"{path}: no conflicts{kept}"
    resolved = resolve_all(nb, Side(side_name), size, keep=lambda n, c: held_by(n, c, sides, size))
    write_atomic(target, dumps_notebook(resolved), crlf=uses_crlf(raw), bom=raw.startswith(b"\xef\xbb\xbf"))
    return f"{path}: resolved {found} conflict{'s' * (found > 1)} taking {side_name}{kept}"


def run(args: argparse.Namespace) -> int:
    """Resolve each file with the chosen side, or open the merge tool."""
    if args.base or args.local or args.remote:
        _premerge(args)
    if args.side is None:
        if args.add:
            raise NbteamError("--add needs --ours, --theirs or --both")
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise NbteamError("the merge tool needs a terminal; without one, pass --ours, --theirs or --both")
        try:
            from nbteam.tui.resolve import run_merge_tool  # type: ignore[import-not-found, unused-ignore]
        except ImportError as e:
            raise NbteamError(f"the interactive merge tool is not available ({e}); "
                              "pass --ours, --theirs or --both") from None
        return max(run_merge_tool(f) for f in args.files)
    for path in args.files:
        print(_resolve_file(path, args.side, _sides(path, args.local, args.remote)))
    if args.add:
        from nbteam.git.run import run_git

        p = run_git(["add", "--", *args.files])
        if p.returncode != 0:
            raise NbteamError(f"git add failed: {p.stderr.decode('utf-8', 'replace').strip()}")
    return 0
