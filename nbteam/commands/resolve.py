"""`nbteam resolve FILE... --ours|--theirs|--both [--add]`, or the terminal merge tool without a side."""
from __future__ import annotations

import argparse
import sys

from nbteam.errors import NbteamError
from nbteam.git.labels import marker_sizes
from nbteam.merge.resolve import Side, conflict_regions, resolve_all
from nbteam.notebook.io import dumps_notebook, read_notebook, uses_crlf, write_atomic


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The command's arguments."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="merged notebooks with conflicts")
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--ours", dest="side", action="store_const", const=Side.OURS,
                      help="take our side in every conflict (cells that merged cleanly stay merged)")
    side.add_argument("--theirs", dest="side", action="store_const", const=Side.THEIRS,
                      help="take their side in every conflict")
    side.add_argument("--both", dest="side", action="store_const", const=Side.BOTH,
                      help="keep both: ours, then theirs")
    parser.add_argument("--add", action="store_true", help="stage the resolved notebooks (git add)")
    tool = parser.add_argument_group("git mergetool form (BASE LOCAL REMOTE are merged into FILE first)")
    tool.add_argument("--base", metavar="BASE", help="the common ancestor ($BASE)")
    tool.add_argument("--local", metavar="LOCAL", help="our version ($LOCAL)")
    tool.add_argument("--remote", metavar="REMOTE", help="their version ($REMOTE)")


def _merge_first(args: argparse.Namespace) -> None:
    """git mergetool's form: nbteam's own merge of BASE LOCAL REMOTE into the one FILE."""
    given = [args.base, args.local, args.remote]
    if not all(given):
        raise NbteamError("--base, --local and --remote go together")
    if len(args.files) != 1:
        raise NbteamError("the mergetool form takes exactly one FILE (git's $MERGED)")
    from nbteam.merge.file import merge_files
    from nbteam.merge.options import git_conflict_style, keep_outputs_configured
    from nbteam.notebook.markers import Markers

    markers = Markers(size=marker_sizes(args.files)[args.files[0]], style=git_conflict_style())
    outcome = merge_files(args.base, args.local, args.remote, args.files[0], args.files[0], markers,
                          keep_outputs_configured())
    if outcome.code > 1:
        raise NbteamError(outcome.message)


def _take_side(path: str, side: Side, size: int) -> int:
    """Resolve one file in place; the number of conflicts resolved."""
    nb = read_notebook(path)
    found = len(conflict_regions(nb, size))
    if found:
        resolved = resolve_all(nb, side, size)
        with open(path, "rb") as f:
            crlf = uses_crlf(f.read())
        write_atomic(path, dumps_notebook(resolved), crlf=crlf)
    return found


def run(args: argparse.Namespace) -> int:
    """Take a side in every conflict of every file, or open the merge tool; 0 when nothing is left."""
    if args.base or args.local or args.remote:
        _merge_first(args)
    if args.side is None:
        if len(args.files) != 1:
            raise NbteamError("the merge tool opens one notebook at a time; give --ours, --theirs or --both for several")
        try:
            from nbteam.tui.resolve import run_merge_tool
        except ImportError as e:
            raise NbteamError(f"the terminal merge tool is not available ({e}); use --ours, --theirs or --both") from None
        code = run_merge_tool(args.files[0])
        if code == 0 and args.add:
            _stage(args.files)
        return code
    sizes = marker_sizes(args.files)
    for path in args.files:
        n = _take_side(path, args.side, sizes[path])
        what = f"took {args.side.value} in {n} conflict{'s' * (n != 1)}" if n else "no conflicts"
        print(f"{path}: {what}")
    if args.add:
        _stage(args.files)
    return 0


def _stage(paths: list[str]) -> None:
    from nbteam.git.run import run_git

    p = run_git(["add", "--", *paths])
    if p.returncode:
        raise NbteamError(p.stderr.decode("utf-8", "replace").strip() or "git add failed")
    print(f"staged {' '.join(paths)}", file=sys.stderr)
