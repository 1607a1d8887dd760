"""`nbteam merge-driver %O %A %B %L %P %S %X %Y`: git's merge-driver contract (result written into %A).

%S %X %Y are the base, ours and theirs labels git 2.44+ passes; older git passes them as they
stand ("%S"), and nbteam.git.labels then finds the labels git itself would write.
"""
from __future__ import annotations

from nbteam.merge.file import merge_files, report
from nbteam.merge.options import add_options, git_conflict_style, keep_outputs_configured, machine_metadata_configured
from nbteam.seq.markers import Markers

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from nbteam.seq.style import ConflictStyle


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The command's arguments, as git passes them."""
    parser.add_argument("base", metavar="%O", help="ancestor's version (temporary file)")
    parser.add_argument("ours", metavar="%A", help="current version; the result is written here")
    parser.add_argument("theirs", metavar="%B", help="other branch's version")
    parser.add_argument("marker_size", metavar="%L", nargs="?", default="7", help="conflict marker size")
    parser.add_argument("path", metavar="%P", nargs="?", default=None, help="the notebook's path in the repository")
    parser.add_argument("base_label", metavar="%S", nargs="?", default=None, help="the base's label (git 2.44+)")
    parser.add_argument("ours_label", metavar="%X", nargs="?", default=None, help="our label (git 2.44+)")
    parser.add_argument("theirs_label", metavar="%Y", nargs="?", default=None, help="their label (git 2.44+)")
    add_options(parser)


def drive(base: str, ours: str, theirs: str, marker_size: str = "7", path: str | None = None,
          base_label: str | None = None, ours_label: str | None = None, theirs_label: str | None = None,
          style: ConflictStyle | None = None, keep_outputs: bool | None = None) -> int:
    """Merge as git asks: result into `ours`, one line on stderr, exit 0 clean / 1 conflict."""
    try:
        size = max(1, int(marker_size))
    except ValueError:
        size = 7

    def labels() -> tuple[str, str, str]:
        from nbteam.git.labels import merge_labels  # only when a conflict is written

        return merge_labels((ours_label, base_label, theirs_label))

    # git's conflict style is read (and its enum imported) only when a conflict is written.
    markers = Markers(size=size, style=style, find_labels=labels, find_style=git_conflict_style)
    keep = keep_outputs if keep_outputs is not None else keep_outputs_configured()
    outcome = merge_files(base, ours, theirs, ours, path or ours, markers, keep, machine_metadata_configured())
    report(outcome)
    return outcome.code


def fast_run(argv: list[str]) -> int | None:
    """Run without argparse when git calls us with plain positional arguments (the usual case)."""
    if 3 <= len(argv) <= 8 and not any(a.startswith("-") for a in argv):
        return drive(*argv)  # type: ignore[arg-type]  # 3 to 8 strings, in git's order
    return None


def run(args: argparse.Namespace) -> int:
    """The argparse path (options given)."""
    return drive(args.base, args.ours, args.theirs, args.marker_size, args.path, args.base_label, args.ours_label,
                 args.theirs_label, args.style, args.keep_outputs)
