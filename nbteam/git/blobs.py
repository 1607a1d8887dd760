"""Git reads for diffs: blob ids and contents, `git diff --raw` records, unmerged stages.

Everything here runs git through nbteam.git.run, imported only when git is really needed:
the diff driver and textconv run once per file and usually need no git at all.
"""
from __future__ import annotations

import enum
import os
from typing import NamedTuple

from nbteam.errors import NbteamError

NULL = "/dev/null"  # git's name for the missing side of an added or deleted file
ZERO_MODE = "000000"


class GitReadError(NbteamError):
    """git could not answer a read (not a repository, a bad revision); the message is git's."""


class Status(enum.Enum):
    """The letter `git diff --raw` puts first in a record's status."""

    ADDED = "A"
    COPIED = "C"
    DELETED = "D"
    MODIFIED = "M"
    RENAMED = "R"
    TYPE_CHANGED = "T"
    UNMERGED = "U"
    UNKNOWN = "X"


class RawChange(NamedTuple):
    """One `git diff --raw -z` record. A sha of zeros means the work tree (or nothing)."""

    status: Status
    score: str  # the similarity after R/C ("100" for R100), else ""
    old_mode: str
    new_mode: str
    old_sha: str
    new_sha: str
    old_path: str
    new_path: str

    @property
    def same_content_differs(self) -> bool:
        """True when git counts the file as different whatever its content: a rename, copy,
        type or mode change, or an unmerged path (`git diff --exit-code` exits 1 for these)."""
        return self.status is not Status.MODIFIED or self.old_mode != self.new_mode


def is_zero(sha: str) -> bool:
    """True for git's all-zero object id (no object: the work tree, or a missing side)."""
    return not sha.strip("0")


def blob_id(data: bytes, length: int = 40) -> str:
    """Git's object id of a blob with this content (SHA-1, or SHA-256 for 64-digit ids)."""
    import hashlib

    algo = hashlib.sha256 if length == 64 else hashlib.sha1
    return algo(b"blob %d\0" % len(data) + data).hexdigest()


def _git(args: list[str], cwd: str | None = None, input: bytes | None = None) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr) of one git command; a missing git is a GitReadError."""
    from nbteam.git.run import run_git  # subprocess costs start-up time the common driver run does not need

    try:
        p = run_git(args, cwd=cwd, input=input)
    except OSError as e:
        raise GitReadError(f"cannot run git: {e.strerror}") from None
    return p.returncode, p.stdout, p.stderr


def _checked(args: list[str], cwd: str | None = None, input: bytes | None = None) -> bytes:
    """stdout of a git command that must succeed; else GitReadError with git's first error line."""
    code, out, err = _git(args, cwd, input)
    if code != 0:
        lines = [x for x in err.decode("utf-8", "replace").splitlines() if x.strip()]
        raise GitReadError(lines[0].removeprefix("fatal: ") if lines else f"git {args[0]} failed ({code})")
    return out


def read_blob(sha: str, cwd: str | None = None) -> bytes | None:
    """The content of one blob, or None if git does not have it."""
    code, out, _ = _git(["cat-file", "blob", sha], cwd)
    return out if code == 0 else None


def faithful(data: bytes | None, hex_id: str, cwd: str | None = None) -> bytes | None:
    """The blob git named, when the file it passed is not it.

    For a side that matches the index, git hands its diff driver the work-tree file itself,
    before the clean filter (with outputs); when those bytes do not hash to the id, read the blob.
    """
    if data is None or len(hex_id) not in (40, 64) or is_zero(hex_id) or blob_id(data, len(hex_id)) == hex_id:
        return data
    blob = read_blob(hex_id, cwd)
    return data if blob is None else blob


def toplevel(cwd: str | None = None) -> str:
    """The work tree's top directory; GitReadError outside a repository."""
    try:
        return _checked(["rev-parse", "--show-toplevel"], cwd).decode("utf-8", "surrogateescape").strip()
    except GitReadError:
        raise GitReadError("not in a git repository; give two notebook files instead") from None


def _path(field: bytes) -> str:
    return field.decode("utf-8", errors="surrogateescape")


def parse_raw(out: bytes) -> list[RawChange]:
    """`git diff --raw -z` output as records."""
    fields = out.split(b"\0")
    records = []
    k = 0
    while k < len(fields) and fields[k].startswith(b":"):
        old_mode, new_mode, old_sha, new_sha, status = fields[k][1:].decode().split()
        kind = Status(status[0]) if status[0] in Status._value2member_map_ else Status.UNKNOWN
        old_path = _path(fields[k + 1])
        two_paths = kind in (Status.RENAMED, Status.COPIED)
        new_path = _path(fields[k + 2]) if two_paths else old_path
        k += 3 if two_paths else 2
        records.append(RawChange(kind, status[1:], old_mode, new_mode, old_sha, new_sha, old_path, new_path))
    return records


def diff_raw(args: list[str], cached: bool = False, cwd: str | None = None) -> list[RawChange]:
    """The records `git diff [--cached] ARGS` would show (revisions and pathspecs as git takes them)."""
    cmd = ["diff", "--raw", "-z", "--no-abbrev", "--no-ext-diff", "--no-textconv", "--no-color"]
    return parse_raw(_checked(cmd + (["--cached"] if cached else []) + args, cwd))


def read_blobs(shas: list[str], cwd: str | None = None) -> dict[str, bytes]:
    """Blob contents by sha, read with one `git cat-file --batch` (missing ones left out)."""
    if not shas:
        return {}
    out = _checked(["cat-file", "--batch"], cwd, "\n".join(shas).encode() + b"\n")
    blobs: dict[str, bytes] = {}
    pos = 0
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


def unmerged_stages(path: str, cwd: str | None = None) -> dict[int, bytes]:
    """The index stages of an unmerged path (1 base, 2 ours, 3 theirs) that exist, by stage number."""
    out = _checked(["ls-files", "-u", "-z", "--", path], cwd)
    shas: dict[int, str] = {}
    for record in out.split(b"\0"):
        if record:
            meta, _, _ = record.partition(b"\t")
            _, sha, stage = meta.decode().split()
            shas[int(stage)] = sha
    blobs = read_blobs(sorted(set(shas.values())), cwd)
    return {stage: blobs[sha] for stage, sha in shas.items() if sha in blobs}


def revision_file(rev: str, path: str, cwd: str | None = None) -> bytes:
    """The content of PATH (relative to cwd) at revision REV, or in the index when REV is ""."""
    return _checked(["cat-file", "blob", f"{rev}:./{path}"], cwd)


def attribute(path: str, name: str, cwd: str | None = None) -> str | None:
    """The value git gives attribute NAME on PATH (None when unspecified or git fails)."""
    try:
        out = _checked(["check-attr", "-z", name, "--", path], cwd)
    except GitReadError:
        return None
    fields = out.split(b"\0")
    value = fields[2].decode("utf-8", "replace") if len(fields) > 2 else "unspecified"
    return None if value == "unspecified" else value


def read_work_tree(root: str, path: str) -> bytes | None:
    """A work-tree file's bytes, or None when it is gone."""
    try:
        with open(os.path.join(root, path), "rb") as f:
            return f.read()
    except OSError:
        return None
