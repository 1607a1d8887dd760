"""Make git look at a notebook's content, not its size, before calling it modified.

git (checked on 2.39) calls a tracked file modified, *without running the clean filter*, when
its size differs from the size recorded in the index. Running a notebook changes only outputs,
which the filter strips, yet the size changes, so `git pull` refuses with "Your local changes
would be overwritten". An index entry whose recorded size is 0 is git's own "look at the
content" mark (git writes it for racily-clean entries and after `read-tree`): git then runs the
filter, finds the content unchanged, and carries on. This module writes that mark for the paths
it is given (which ones, and when, is nbteam.workcopy.marks's policy), and nothing else: the entry's object id, mode, flags and stage stay exactly as they were, so nothing is
staged or unstaged, and a notebook with real edits still shows as modified.

The index is rewritten under git's own `index.lock`, in place (the size field has a fixed offset
in every index version), with the trailing checksum recomputed. Anything unexpected (a split
index, an unknown version, a bad checksum) leaves the index alone.
"""
from __future__ import annotations

import hashlib
import os
import struct
import time

LOCK_TRIES = 40  # 40 x 50 ms: long enough for a git command to finish writing, short for a hook
_HEADER = struct.Struct(">4sLL")


def _varint(data: bytes, i: int) -> tuple[int, int]:
    """git's offset-encoded varint (index v4 path prefix lengths): value and next position."""
    c = data[i]
    i += 1
    value = c & 127
    while c & 128:
        c = data[i]
        i += 1
        value = ((value + 1) << 7) | (c & 127)
    return value, i


def zero_sizes(data: bytes, paths: set[bytes], hash_size: int, racy_ns: int | None = None) -> bytes | None:
    """Index bytes with the recorded size of `paths` (stage 0) set to 0; None if nothing changes.

    Entries modified at or after `racy_ns` (the old index's mtime in ns) are marked too, as git
    itself does for racily clean entries when it writes an index. None also for an index this
    function does not understand (it is then left alone).
    """
    if len(data) < 12 + hash_size:
        return None
    signature, version, count = _HEADER.unpack_from(data)
    if signature != b"DIRC" or version not in (2, 3, 4):
        return None
    out = bytearray(data)
    fixed = 40 + hash_size + 2  # stat fields, object id, flags
    i, previous, changed = 12, b"", False
    try:
        for _ in range(count):
            start = i
            (flags,) = struct.unpack_from(">H", data, start + fixed - 2)
            j = start + fixed + (2 if version >= 3 and flags & 0x4000 else 0)
            if version == 4:
                strip, j = _varint(data, j)
                end = data.index(b"\0", j)
                name = previous[: len(previous) - strip] + data[j:end]
                i = end + 1
            else:
                end = data.index(b"\0", j)
                name = data[j:end]
                i = start + ((j - start + len(name) + 8) & ~7)  # NUL-padded to a multiple of 8
            previous = name
            mtime_s, mtime_ns = struct.unpack_from(">LL", data, start + 8)
            racy = racy_ns is not None and mtime_s * 1_000_000_000 + mtime_ns >= racy_ns
            (size,) = struct.unpack_from(">L", data, start + 36)
            if size and (flags >> 12) & 3 == 0 and (name in paths or racy):
                out[start + 36:start + 40] = b"\0\0\0\0"
                changed = True
    except (struct.error, ValueError, IndexError):
        return None
    extensions = data[i:len(data) - hash_size]
    k = 0
    while k + 8 <= len(extensions):  # a split index keeps entries elsewhere: not ours to edit
        name, size = extensions[k:k + 4], struct.unpack_from(">L", extensions, k + 4)[0]
        if name == b"link":
            return None
        k += 8 + size
    if not changed:
        return None
    body = bytes(out[: len(out) - hash_size])
    trailer = data[len(data) - hash_size:]
    algorithm = "sha1" if hash_size == 20 else "sha256"
    if trailer == b"\0" * hash_size:  # index.skipHash: git wrote no checksum, so neither do we
        return body + trailer
    if hashlib.new(algorithm, data[: len(data) - hash_size]).digest() != trailer:
        return None
    return body + hashlib.new(algorithm, body).digest()


def mark_for_content_check(index_path: str, paths: set[bytes], hash_size: int = 20,
                           tries: int = LOCK_TRIES) -> bool | None:
    """Set the recorded size of `paths` to 0 in the index file, under index.lock.

    True if the index was rewritten, False if there was nothing to do, None if the lock stayed
    taken (a git command is writing the index; its own hook run will come).
    """
    lock = index_path + ".lock"
    for attempt in range(max(1, tries)):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            if attempt + 1 < tries:
                time.sleep(0.05)
    else:
        return None
    try:
        try:
            with open(index_path, "rb") as f:
                data = f.read()
                racy_ns = os.fstat(f.fileno()).st_mtime_ns
        except FileNotFoundError:
            data = b""
        new = zero_sizes(data, paths, hash_size, racy_ns) if data else None
        if new is None:
            os.close(fd)
            os.unlink(lock)
            return False
        with os.fdopen(fd, "wb") as f:
            f.write(new)
        os.replace(lock, index_path)
        return True
    except BaseException:
        try:
            os.unlink(lock)
        except OSError:
            pass
        raise
