"""All-or-nothing writes in the work tree: check every path first, then write, undo on failure.

A promotion writes several modules and then the manifest; a failure half-way (a full disk, a
permission) must not leave modules written but unrecorded. Every path goes through
`safe_write_path` before anything is written, and each file is replaced atomically.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from nbteam.bypass import disabled
from nbteam.config import keep_outputs
from nbteam.errors import NbteamError
from nbteam.git.paths import safe_write_path
from nbteam.git.repo import RepoError, clean_filter_runs, stage_blob, stage_paths
from nbteam.notebook.strip import strip_notebook
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
    bom: bool = False


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

    def add(self, rel: str, text: str, crlf: bool = False, bom: bool = False) -> None:
        """Check rel with safe_write_path (UnsafePathError) and queue its new text (CRLF line ends, a BOM: kept)."""
        self.pending[rel] = PendingWrite(rel, safe_write_path(self.root, rel), text, crlf, bom)

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
                write_atomic(write.real, write.text, crlf=write.crlf, bom=write.bom)
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


def read_notebook_file(root: str | os.PathLike[str], rel: str) -> tuple[Notebook, bool, bool]:
    """A work-tree notebook to rewrite, and whether it has CRLF line ends and a BOM (both kept when written back)."""
    path = Path(root) / rel
    try:
        data = path.read_bytes()
    except OSError as e:
        raise NotebookError(f"cannot read {rel}: {e.strerror}") from None
    return parse_notebook(data, rel), uses_crlf(data), data.startswith(b"\xef\xbb\xbf")


def real_relative(root: str | os.PathLike[str], rel: str) -> str:
    """rel with every symlinked folder resolved, relative to the root's real path (what git tracks)."""
    real_root = os.path.realpath(root)
    full = os.path.join(os.path.realpath(os.path.join(real_root, os.path.dirname(rel))), os.path.basename(rel))
    return Path(os.path.relpath(full, real_root)).as_posix()


def stage_written(root: str | os.PathLike[str], paths: list[str]) -> None:
    """`git add` the files a promotion wrote; a notebook that no clean filter reaches is staged stripped.

    Without `nbteam init` in this clone, `git add` would stage a notebook with its outputs; then
    nbteam stages its stripped text itself (the working copy keeps the outputs), unless the
    repository keeps outputs or NBTEAM_DISABLE is set. Folders reached through a symlink are
    named by their real path, as git wants them.
    """
    try:
        rels = list(dict.fromkeys(real_relative(root, rel) for rel in paths if (Path(root) / rel).exists()))
        strip = not disabled() and not keep_outputs(root)
        own = [rel for rel in rels if strip and rel.endswith(".ipynb") and not clean_filter_runs(root, rel)]
        stage_paths(root, [rel for rel in rels if rel not in own])
        for rel in own:
            data = (Path(root) / rel).read_bytes()
            cleaned, warning = strip_notebook(data, rel)
            if warning:
                raise RepoError(f"{warning}; not staged")
            if _same_notebook(cleaned, data):
                stage_paths(root, [rel])  # nothing to strip: its own bytes, so git sees no change left
            else:
                stage_blob(root, rel, cleaned)
    except (RepoError, OSError) as e:
        raise WriteError(f"written and recorded, but not staged: {e}") from None


def _same_notebook(a: bytes, b: bytes) -> bool:
    """True if two notebook texts hold the same notebook (a source as one string or as lines alike)."""
    def norm(data: bytes) -> object:
        nb = json.loads(data.decode("utf-8-sig"))
        for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
            if isinstance(cell, dict) and isinstance(cell.get("source"), list):
                cell["source"] = "".join(map(str, cell["source"]))
        return nb
    return norm(a) == norm(b)
