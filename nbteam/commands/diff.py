"""`nbteam diff` (two files, or git revisions like `git diff`) and `nbteam diff-driver` (what git runs).

diff-driver serves both of git's hooks: as `diff.nbteam.command` it gets GIT_EXTERNAL_DIFF's
arguments (path old-file old-hex old-mode new-file new-hex new-mode [new-path meta], or
just path for an unmerged file); with --textconv FILE it prints the readable text view git's
own line diff uses in `git log -p` and `git show`. It always exits 0: git stops on failure.
"""
from __future__ import annotations

import argparse
import os
import sys

from nbteam.diff.render import COLOUR, PLAIN, Palette, file_diff, textconv

NULL = "/dev/null"
ZERO = "0" * 40


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    if name == "diff-driver":
        parser.add_argument("--textconv", metavar="FILE", help="print FILE as text for git's textconv")
        parser.add_argument("args", nargs="*", help="GIT_EXTERNAL_DIFF's arguments")
        return
    parser.usage = ("nbteam diff [--cached] [--color=WHEN] [--exit-code] OLD.ipynb NEW.ipynb\n"
                    "       nbteam diff [--cached] [REV [REV]] [-- PATH...]")
    parser.add_argument("--cached", "--staged", action="store_true", help="staged changes (as git diff --cached)")
    parser.add_argument("--color", "--colour", default="auto", choices=("auto", "always", "never"),
                        help="colour the output (default: only on a terminal)")
    parser.add_argument("--exit-code", action="store_true", help="exit 1 if there are differences (git mode)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="two notebook files, or git revisions and paths")


def palette(setting: str = "auto") -> Palette:
    """Colours for a --color setting; auto means stdout is a terminal (or git's pager) and NO_COLOR unset."""
    setting = os.environ.get("NBTEAM_COLOR", setting) if setting == "auto" else setting
    if setting == "always":
        return COLOUR
    if setting == "never" or os.environ.get("NO_COLOR"):
        return PLAIN
    tty = sys.stdout.isatty() or os.environ.get("GIT_PAGER_IN_USE") == "true"
    return COLOUR if tty else PLAIN


def _emit(lines: list[str]) -> None:
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")


def _read(path: str) -> bytes | None:
    if path == NULL:
        return None
    with open(path, "rb") as f:
        return f.read()


def blob_id(data: bytes, length: int = 40) -> str:
    """Git's object id of a blob with this content (SHA-1, or SHA-256 for 64-digit ids)."""
    import hashlib

    algo = hashlib.sha256 if length == 64 else hashlib.sha1
    return algo(b"blob %d\0" % len(data) + data).hexdigest()


def faithful(data: bytes | None, hex_id: str) -> bytes | None:
    """The blob git named, when the file it passed is not it.

    For a side that matches the index, git hands over the work-tree file itself, before the
    clean filter (with outputs); when its bytes do not hash to the id, read the real blob.
    """
    if data is None or len(hex_id) not in (40, 64) or set(hex_id) == {"0"} or blob_id(data, len(hex_id)) == hex_id:
        return data
    p = _git(["cat-file", "blob", hex_id])
    return p.stdout if p.returncode == 0 else data


def run_driver(args: argparse.Namespace) -> int:
    """git's side: GIT_EXTERNAL_DIFF arguments, or --textconv FILE."""
    if args.textconv:
        try:
            data = _read(args.textconv) or b""
        except OSError as e:
            print(f"nbteam: cannot read {args.textconv}: {e.strerror}", file=sys.stderr)
            return 1
        sys.stdout.write(textconv(data))
        return 0
    a = args.args
    if len(a) == 1:
        print(f"* Unmerged path {a[0]}")
        return 0
    if len(a) not in (7, 9):
        print(f"nbteam diff-driver: expected 7 or 9 arguments from git, got {len(a)}", file=sys.stderr)
        return 0  # git stops the whole diff on failure; say so and let it go on
    path, old_file, new_file = a[0], a[1], a[4]
    new_path = a[7] if len(a) == 9 else path
    p = palette()
    try:
        old, new = faithful(_read(old_file), a[2]), faithful(_read(new_file), a[5])
    except OSError as e:
        print(f"nbteam diff-driver: {path}: {e.strerror}", file=sys.stderr)
        return 0
    old_label = NULL if old is None else f"a/{path}"
    new_label = NULL if new is None else f"b/{new_path}"
    lines, _ = file_diff(old, new, old_label, new_label, p, f"diff --nbteam a/{path} b/{new_path}")
    if len(a) == 9 and a[8]:
        lines[1:1] = [p.meta + x + p.reset if p.meta else x for x in a[8].rstrip("\n").split("\n")]
    _emit(lines)
    return 0


def _git(args: list[str], cwd: str | None = None, input: bytes | None = None):
    import subprocess  # only git mode and the rare re-read need it: keep the driver's start-up short

    return subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True)


def parse_raw(out: bytes) -> list[tuple[str, str, str, str, str]]:
    """`git diff --raw -z` records as (status, old sha, new sha, old path, new path)."""
    fields = out.split(b"\0")
    records = []
    k = 0
    while k < len(fields) and fields[k].startswith(b":"):
        meta = fields[k][1:].decode().split()
        status = meta[4]
        old_path = fields[k + 1].decode("utf-8", errors="surrogateescape")
        if status[0] in "RC":
            new_path = fields[k + 2].decode("utf-8", errors="surrogateescape")
            k += 3
        else:
            new_path = old_path
            k += 2
        records.append((status, meta[2], meta[3], old_path, new_path))
    return records


def read_blobs(shas: list[str], cwd: str | None = None) -> dict[str, bytes]:
    """Blob contents by sha, read with one `git cat-file --batch`."""
    if not shas:
        return {}
    p = _git(["cat-file", "--batch"], cwd, "\n".join(shas).encode() + b"\n")
    blobs: dict[str, bytes] = {}
    out, pos = p.stdout, 0
    for sha in shas:
        end = out.index(b"\n", pos)
        head = out[pos:end].split()
        pos = end + 1
        if len(head) < 3 or head[1] == b"missing":
            continue
        size = int(head[2])
        blobs[sha] = out[pos:pos + size]
        pos += size + 1
    return blobs


def run_git_mode(args: argparse.Namespace, rest: list[str]) -> int:
    """Diff notebooks between revisions, the index and the work tree, as `git diff` would."""
    top = _git(["rev-parse", "--show-toplevel"])
    if top.returncode != 0:
        print("nbteam diff: not in a git repository; give two notebook files instead", file=sys.stderr)
        return 2
    root = top.stdout.decode().strip()
    cmd = ["diff", "--raw", "-z", "--no-abbrev", "--no-ext-diff", "--no-textconv"]
    if args.cached:
        cmd.append("--cached")
    p = _git(cmd + rest)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors="replace"))
        return 2
    records = [r for r in parse_raw(p.stdout) if r[4].endswith(".ipynb") or r[3].endswith(".ipynb")]
    shas = sorted({s for r in records for s in r[1:3] if s != ZERO})
    blobs = read_blobs(shas)
    pal = palette(args.color)
    differs = False
    for status, old_sha, new_sha, old_path, new_path in records:
        old = None if status == "A" else blobs.get(old_sha)
        if status == "D":
            new = None
        elif new_sha == ZERO:
            try:
                new = _read(os.path.join(root, new_path))
            except OSError:
                new = None
        else:
            new = blobs.get(new_sha)
        lines, changed = file_diff(old, new, NULL if old is None else f"a/{old_path}",
                                   NULL if new is None else f"b/{new_path}", pal,
                                   f"diff --nbteam a/{old_path} b/{new_path}")
        differs = differs or changed or status in "ADRC"
        _emit(lines)
    return 1 if args.exit_code and differs else 0


def run(args: argparse.Namespace) -> int:
    if args.command == "diff-driver":
        return run_driver(args)
    rest = list(args.args)
    files = "--" not in rest and len(rest) == 2 and all(os.path.isfile(x) for x in rest)
    if not files:
        return run_git_mode(args, rest)
    old_path, new_path = rest
    try:
        old, new = _read(old_path), _read(new_path)
    except OSError as e:
        print(f"nbteam diff: {e.filename}: {e.strerror}", file=sys.stderr)
        return 2
    lines, differs = file_diff(old, new, old_path, new_path, palette(args.color))
    if differs:
        _emit(lines)
    return 1 if differs else 0
