"""The promotion manifest: which cell was promoted to which module, when, by whom, with which hashes.

Stored as JSON Lines, one entry per (target, notebook, cell), sorted by that key, so unrelated
promotions on two branches touch different lines. Two branches that both add an entry still
insert at the same spot when the file was empty or the keys are neighbours, so the manifest's
directory also gets a `.gitattributes` with `merge=union`: git then keeps both sides' lines
instead of conflicting. If union leaves two lines for one key (both branches re-promoted the
same cell), the reader keeps the later one and the next write drops the other.
"""
from __future__ import annotations

from nbteam.errors import NbteamError

import hashlib
import json
import os
import posixpath
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

# Field order in each line: the key first, so a sorted file reads well and diffs cleanly.
FIELDS = ("target", "notebook", "cell", "mode", "cell_sha", "module_sha", "lines", "user", "time")


class ManifestError(NbteamError, ValueError):
    """The manifest cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    """One promotion: cell `cell` of `notebook` was written (or appended) to `target`."""

    target: str
    notebook: str
    cell: str  # the cell id, or "#N" (0-based index) for notebooks without cell ids
    mode: str  # "write" or "append"
    cell_sha: str  # sha256 of the promoted body
    module_sha: str  # sha256 of the whole target file right after the promotion
    lines: int  # line count of the body, to find an appended block again
    user: str
    time: str  # UTC ISO 8601 with microseconds, so entries order by time as strings

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.target, self.notebook, self.cell)


def sha256(text: str) -> str:
    """Hex sha256 of text as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now_utc() -> str:
    """The current time as the manifest stores it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_manifest(text: str, name: str = "manifest") -> dict[tuple[str, str, str], Entry]:
    """Entries by key; for a key seen twice (after a union merge) the later `time` wins."""
    entries: dict[tuple[str, str, str], Entry] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            entry = Entry(**{f: data[f] for f in FIELDS})
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            hint = " (unresolved merge conflict? see docs/scratchpads.md)" if line.startswith(("<<<<<<<", "=======", ">>>>>>>")) else ""
            raise ManifestError(f"{name} line {lineno} is not a promotion entry{hint}: {e}") from None
        old = entries.get(entry.key)
        if old is None or entry.time > old.time:
            entries[entry.key] = entry
    return entries


def dumps_manifest(entries: Iterable[Entry]) -> str:
    """JSON Lines, one entry per line, sorted by key."""
    lines = [json.dumps({f: asdict(e)[f] for f in FIELDS}, ensure_ascii=False, separators=(", ", ": "))
             for e in sorted(entries, key=lambda e: e.key)]
    return "".join(line + "\n" for line in lines)


def read_manifest(repo_root: str | os.PathLike[str], manifest: str) -> dict[tuple[str, str, str], Entry]:
    """The manifest in the work tree (empty if it does not exist yet)."""
    path = Path(repo_root) / manifest
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return parse_manifest(text, manifest)


def write_manifest(repo_root: str | os.PathLike[str], manifest: str, entries: Iterable[Entry]) -> None:
    """Write the manifest atomically, creating its directory and union-merge attribute."""
    from nbteam.notebook.io import write_atomic

    path = Path(repo_root) / manifest
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, dumps_manifest(entries))
    ensure_union_merge(repo_root, manifest)


def union_attributes_path(manifest: str) -> str:
    """Repo-relative path of the .gitattributes that gives the manifest `merge=union`."""
    return posixpath.join(posixpath.dirname(manifest), ".gitattributes")


def ensure_union_merge(repo_root: str | os.PathLike[str], manifest: str) -> str | None:
    """Add `/<manifest name> merge=union` to the manifest directory's .gitattributes if missing.

    Returns the repo-relative path of the attributes file if it was changed, else None.
    """
    rel = union_attributes_path(manifest)
    path = Path(repo_root) / rel
    line = f"/{posixpath.basename(manifest)} merge=union"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if line in (l.strip() for l in text.splitlines()):
        return None
    from nbteam.notebook.io import write_atomic

    comment = "# nbteam: keep both sides' promotion entries when branches merge\n"
    prefix = text if not text or text.endswith("\n") else text + "\n"
    write_atomic(path, prefix + (comment if not text else "") + line + "\n")
    return rel
