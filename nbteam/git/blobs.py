"""Git reads for diffs: blob ids and contents, `git diff --raw` records, unmerged stages.

Everything here runs git through nbteam.git.run, imported only when git is really needed:
the diff driver and textconv run once per file and usually need no git at all. This is the
one place a blob is read by id (read_blob) or given its id (blob_id).
"""
from __future__ import annotations

import enum
import os
from typing import NamedTuple

NULL = "/dev/null"  # git's name for the missing side of an added or deleted file
ZERO_MODE = "000000"


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


def _checked(args: list[str], cwd: str | None = None, input: bytes | None = None) -> bytes:
    from nbteam.git.run import git_output  # subprocess costs start-up time the common driver run does not need

    return git_output(args, cwd, input)


def read_blob(root: str | os.PathLike[str] | None, blob: str) -> bytes | None:
    """The bytes of a blob by id (or `REV:PATH`) in root's repository, or None when git does not have it."""
    from nbteam.git.run import GitFailed

    if not blob or blob.startswith("-"):
        return None  # not an object name (a manifest may hold anything): never an option for git
    try:
        return _checked(["cat-file", "blob", blob], None if root is None else os.fspath(root))
    except GitFailed:
        return None


def faithful(data: bytes | None, hex_id: str, cwd: str | None = None) -> bytes | None:
    """The blob git named, when the file it passed is not it.

    For a side that matches the index, git hands its diff driver the work-tree file itself,
    before the clean filter (with outputs); when those bytes do not hash to the id, read the blob.
    """
    if data is None or len(hex_id) not in (40, 64) or is_zero(hex_id) or blob_id(data, len(hex_id)) == hex_id:
        return data
    blob = read_blob(cwd, hex_id)
    return data if blob is None else blob


def toplevel(cwd: str | None = None) -> str:
    """The work tree's top directory; GitFailed outside a repository."""
    from nbteam.git.run import locate
    from nbteam.git.run import GitFailed

    where = locate(cwd or ".")
    if where is None or where.top is None:
        raise GitFailed("not in a git repository; give two notebook files instead")
    return where.top


def parse_raw(out: bytes) -> list[RawChange]:
    """`git diff --raw -z` output as records."""
    from nbteam.git.run import path_of  # git has run already: importing its runner costs nothing more

    fields = out.split(b"\0")
    records = []
    k = 0
    while k < len(fields) and fields[k].startswith(b":"):
        old_mode, new_mode, old_sha, new_sha, status = fields[k][1:].decode().split()
        kind = Status(status[0]) if status[0] in Status._value2member_map_ else Status.UNKNOWN
        old_path = path_of(fields[k + 1])
        two_paths = kind in (Status.RENAMED, Status.COPIED)
        new_path = path_of(fields[k + 2]) if two_paths else old_path
        k += 3 if two_paths else 2
        records.append(RawChange(kind, status[1:], old_mode, new_mode, old_sha, new_sha, old_path, new_path))
    return records


def diff_raw(args: list[str], cached: bool = False, cwd: str | None = None) -> list[RawChange]:
    """The records `git diff [--cached] ARGS` would show (revisions and pathspecs as git takes them)."""
    cmd = ["diff", "--raw", "-z", "--no-abbrev", "--no-ext-diff", "--no-textconv", "--no-color"]
    return parse_raw(_checked(cmd + (["--cached"] if cached else []) + args, cwd))


def read_blobs(names: list[str], cwd: str | None = None) -> dict[str, bytes]:
    """Blob contents by object name (an id or `REV:PATH`), read with one `git cat-file --batch` (missing ones left out)."""
    if not names:
        return {}
    out = _checked(["cat-file", "--batch"], cwd, "".join(f"{name}\n" for name in names).encode("utf-8", "surrogateescape"))
    blobs: dict[str, bytes] = {}
    pos = 0
    for name in names:
        end = out.index(b"\n", pos)
        head = out[pos:end]
        pos = end + 1
        if head.endswith((b" missing", b" ambiguous")):  # "<name> missing": the name may hold spaces
            continue
        _, kind, size = head.split()
        if kind == b"blob":
            blobs[name] = out[pos:pos + int(size)]
        pos += int(size) + 1
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
    from nbteam.git.settings import attributes

    value = attributes([path], (name,), cwd).get(path, {}).get(name, "unspecified")
    return None if value == "unspecified" else value


def read_work_tree(root: str, path: str) -> bytes | None:
    """A work-tree file's bytes, or None when it is gone."""
    try:
        with open(os.path.join(root, path), "rb") as f:
            return f.read()
    except OSError:
        return None
