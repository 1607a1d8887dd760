"""The promotion manifest: which cell was promoted to which module, when, by whom, with which hashes.

Stored as JSON Lines, one record per (target, notebook, cell), sorted by that key, so unrelated
promotions on two branches touch different lines. Two branches that both add a record still
insert at the same spot when the file was empty or the keys are neighbours, so the manifest's
directory also gets a `.gitattributes` with `merge=union`: git then keeps both sides' lines
instead of conflicting. If union leaves two lines for one key (both branches re-promoted the
same cell), the reader keeps the later one and the next write drops the other.

Every update happens under a lock (`manifest_lock`), read-modify-write inside it, so
concurrent promotions each keep their records.
"""
from __future__ import annotations

import enum
import hashlib
import json
import os
import posixpath
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from nbteam.errors import NbteamError

# Field order in each line: the key first, so a sorted file reads well and diffs cleanly.
FIELDS = ("target", "notebook", "cell", "mode", "cell_sha", "module_sha", "lines", "user", "time", "owner", "blob")
# Written by nbteam 0.x before owners and bases were recorded; read with empty values.
OPTIONAL_FIELDS = ("owner", "blob")
LOCK_NAME = "nbteam-manifest.lock"


class ManifestError(NbteamError, ValueError):
    """The manifest cannot be read; the message names the file and line."""


class TextEnum(str, enum.Enum):
    """An enum whose members print as their value (and compare equal to it, for JSON and old callers)."""

    def __str__(self) -> str:
        return str(self.value)


class Mode(TextEnum):
    """How a `%%writefile` cell writes its module."""

    WRITE = "write"
    APPEND = "append"


@dataclass(frozen=True)
class PromotionRecord:
    """One promotion: cell `cell` of `notebook` was written (or appended) to `target`."""

    target: str
    notebook: str
    cell: str  # the cell id, or "#N" (0-based index) for notebooks without cell ids
    mode: Mode
    cell_sha: str  # sha256 of the promoted body
    module_sha: str  # sha256 of the whole target file right after the promotion
    lines: int  # line count of the body, to find an appended block again
    user: str  # who promoted
    time: str  # UTC ISO 8601 with microseconds, so records order by time as strings
    owner: str = ""  # whose scratchpad the cell is in (empty: the promoter's own, or not a scratchpad)
    blob: str = ""  # git blob id of the promoted body: the base when the module's edits flow back

    @property
    def key(self) -> tuple[str, str, str]:
        """(target, notebook, cell): one record per key."""
        return (self.target, self.notebook, self.cell)


RecordKey = tuple[str, str, str]


def sha256(text: str) -> str:
    """Hex sha256 of text as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now_utc() -> str:
    """The current time as the manifest stores it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_manifest(text: str, name: str = "manifest") -> dict[RecordKey, PromotionRecord]:
    """Records by key; for a key seen twice (after a union merge) the later `time` wins."""
    records: dict[RecordKey, PromotionRecord] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            values = {f: data[f] for f in FIELDS if f not in OPTIONAL_FIELDS or f in data}
            values["mode"] = Mode(values["mode"])
            record = PromotionRecord(**values)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            hint = " (unresolved merge conflict? see docs/scratchpads.md)" if line.startswith(("<<<<<<<", "=======", ">>>>>>>")) else ""
            raise ManifestError(f"{name} line {lineno} is not a promotion record{hint}: {e}") from None
        old = records.get(record.key)
        if old is None or record.time > old.time:
            records[record.key] = record
    return records


def dumps_manifest(records: Iterable[PromotionRecord]) -> str:
    """JSON Lines, one record per line, sorted by key."""
    lines = []
    for r in sorted(records, key=lambda r: r.key):
        data = asdict(r)
        data["mode"] = r.mode.value
        lines.append(json.dumps({f: data[f] for f in FIELDS}, ensure_ascii=False, separators=(", ", ": ")))
    return "".join(line + "\n" for line in lines)


def read_manifest(repo_root: str | os.PathLike[str], manifest: str) -> dict[RecordKey, PromotionRecord]:
    """The manifest in the work tree (empty if it does not exist yet)."""
    path = Path(repo_root) / manifest
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise ManifestError(f"cannot read {manifest}: {e}") from None
    return parse_manifest(text, manifest)


@contextmanager
def manifest_lock(repo_root: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the repository's promotion lock (a file in the git directory) for a read-modify-write."""
    from nbteam.git.repo import git_dir

    fd = os.open(git_dir(repo_root) / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)  # released when the descriptor closes, even on a crash
        yield
    finally:
        os.close(fd)


def union_attributes_path(manifest: str) -> str:
    """Repo-relative path of the .gitattributes that gives the manifest `merge=union`."""
    return posixpath.join(posixpath.dirname(manifest), ".gitattributes")


def union_attributes_text(existing: str | None, manifest: str) -> str | None:
    """The .gitattributes text with `/<manifest name> merge=union` added, or None if it is there."""
    line = f"/{posixpath.basename(manifest)} merge=union"
    text = existing or ""
    if line in (l.strip() for l in text.splitlines()):
        return None
    comment = "# nbteam: keep both sides' promotion records when branches merge\n"
    prefix = text if not text or text.endswith("\n") else text + "\n"
    return prefix + (comment if not text else "") + line + "\n"
