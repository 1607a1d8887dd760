"""All-or-nothing writes in the work tree: check every path first, then write, undo on failure.

A promotion writes several modules and then the manifest; a failure half-way (a full disk, a
permission) must not leave modules written but unrecorded. Every path goes through
`safe_write_path` before anything is written, and each file is replaced atomically.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nbteam.errors import NbteamError
from nbteam.git.paths import safe_write_path
from nbteam.notebook.io import Notebook, NotebookError, parse_notebook, uses_crlf, write_atomic


class WriteError(NbteamError):
    """A write in the work tree failed; everything written before it was undone."""


@dataclass(frozen=True)
class PendingWrite:
    """One checked file to write: its repo-relative name, real path and new text."""

    rel: str
    real: Path
    text: str
    crlf: bool = False


def _restore(path: Path, old: bytes | None) -> None:
    """Put back a file's previous bytes (or remove it if it did not exist)."""
    if old is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".nbteam-{os.getpid()}-{path.name}.undo")
    tmp.write_bytes(old)
    os.replace(tmp, path)


class WorkTreeWrites:
    """A set of writes in one work tree, each path checked when added, all written by commit()."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.pending: dict[str, PendingWrite] = {}

    def add(self, rel: str, text: str, crlf: bool = False) -> None:
        """Check rel with safe_write_path (UnsafePathError) and queue its new text."""
        self.pending[rel] = PendingWrite(rel, safe_write_path(self.root, rel), text, crlf)

    @property
    def paths(self) -> list[str]:
        """The repo-relative paths queued, in the order they were added."""
        return list(self.pending)

    def commit(self) -> None:
        """Write every queued file; on a failure undo the earlier ones and raise WriteError."""
        done: list[tuple[Path, bytes | None]] = []
        made: list[Path] = []
        current = ""
        try:
            for write in self.pending.values():
                current = write.rel
                missing = [p for p in reversed(write.real.parents) if not p.exists()]
                for folder in missing:
                    folder.mkdir()
                    made.append(folder)
                old = write.real.read_bytes() if write.real.exists() else None
                write_atomic(write.real, write.text, crlf=write.crlf)
                done.append((write.real, old))
        except OSError as e:
            for path, old in reversed(done):
                _restore(path, old)
            for folder in reversed(made):
                try:
                    folder.rmdir()
                except OSError:
                    pass
            raise WriteError(f"cannot write {current}: {e.strerror or e}; nothing was changed") from None


def read_notebook_file(root: str | os.PathLike[str], rel: str) -> tuple[Notebook, bool]:
    """A work-tree notebook to rewrite, and whether its lines end in CRLF (kept when written back)."""
    path = Path(root) / rel
    try:
        data = path.read_bytes()
    except OSError as e:
        raise NotebookError(f"cannot read {rel}: {e.strerror}") from None
    return parse_notebook(data, rel), uses_crlf(data)
