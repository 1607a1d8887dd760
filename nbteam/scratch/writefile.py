"""Parse `%%writefile [-a|--append] TARGET` cells and resolve TARGET the way Jupyter would.

Pure functions over strings and POSIX repo-relative paths, so the TUI can use them on notebooks
read from git objects as well as from the work tree.
"""
from __future__ import annotations

from nbteam.errors import NbteamError

import functools
import os
import posixpath
import re
import shlex
from dataclasses import dataclass


class MagicError(NbteamError, ValueError):
    """A `%%writefile` cell nbteam cannot promote; the message says why, in one line."""


@dataclass(frozen=True)
class Writefile:
    """One `%%writefile` cell: where it writes, whether it appends, and the text it writes."""

    target: str  # TARGET as written in the cell
    append: bool
    body: str  # the text promotion writes: the cell after the magic line, LF endings, final newline
    magic_line: str


_MAGIC = re.compile(r"^%%writefile(?:\s|$)")


def is_writefile(source: str) -> bool:
    """True if the cell's first non-blank line is a `%%writefile` magic (cheap pre-check)."""
    return _MAGIC.match(source.lstrip("\r\n \t")) is not None if "%%writefile" in source[:4096] else False


def parse_writefile(source: str) -> Writefile | None:
    """The cell's `%%writefile` magic, or None if it has none; MagicError if it is malformed."""
    text = source.replace("\r\n", "\n")
    # IPython drops leading empty lines before looking for a cell magic; so do we.
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or not _MAGIC.match(lines[0]):
        return None
    magic_line = lines[0]
    rest = magic_line[len("%%writefile"):]
    if any(ch in rest for ch in "'\"\\#"):
        try:
            args = shlex.split(rest, posix=True)
        except ValueError as e:
            raise MagicError(f"cannot parse {magic_line.strip()!r}: {e}") from None
    else:
        args = rest.split()  # the common case, without shlex's per-character cost
    append = False
    positional: list[str] = []
    for arg in args:
        if arg in ("-a", "--append"):
            append = True
        elif arg.startswith("-") and arg != "-" and not positional:
            raise MagicError(f"unknown option {arg!r} in {magic_line.strip()!r}")
        else:
            positional.append(arg)
    if len(positional) != 1:
        what = "no target" if not positional else f"{len(positional)} targets"
        raise MagicError(f"{magic_line.strip()!r} has {what}; expected exactly one file name")
    body = "\n".join(lines[1:])
    if body and not body.endswith("\n"):
        body += "\n"
    return Writefile(target=positional[0], append=append, body=body, magic_line=magic_line)


def resolve_target(notebook: str, target: str, repo_root: str | os.PathLike[str] | None = None) -> str:
    """TARGET as a POSIX path relative to the repo root, resolved from the notebook's directory.

    `notebook` is repo-relative. An absolute TARGET is accepted only if it lies inside
    repo_root. Raises MagicError for anything that would write outside the repository or
    cannot name a file (empty, `.`, a NUL, an over-long name). Symlinks are checked at write
    time, on the real path (nbteam.git.paths).
    """
    return _resolve_target(notebook, target, None if repo_root is None else os.fspath(repo_root))


@functools.lru_cache(maxsize=4096)  # scratchpads repeat the same few targets many times
def _resolve_target(notebook: str, target: str, repo_root: str | None) -> str:
    """resolve_target with a hashable root."""
    if not target.strip() or target.strip() in (".", "./"):
        raise MagicError(f"target {target!r} is not a file name")
    if "\0" in target:
        raise MagicError(f"target {target[:60]!r} contains a NUL character")
    if len(target) > 4096 or any(len(part.encode("utf-8", "surrogateescape")) > 255 for part in target.split("/")):
        raise MagicError(f"target {target[:60]!r}... is too long for a file name")
    raw = target.replace("\\", "/")
    if raw.startswith("~"):
        raw = os.path.expanduser(raw).replace("\\", "/")
    if posixpath.isabs(raw) or re.match(r"^[A-Za-z]:/", raw):
        if repo_root is None:
            raise MagicError(f"target {target!r} is an absolute path; use a path relative to the notebook")
        root = os.path.abspath(repo_root).replace("\\", "/").rstrip("/")
        norm = posixpath.normpath(raw)
        if not (norm + "/").startswith(root + "/"):
            raise MagicError(f"target {target!r} is outside the repository ({root})")
        rel = norm[len(root):].lstrip("/")
    else:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(notebook), raw))
    if rel in ("", ".") or rel == ".." or rel.startswith("../"):
        raise MagicError(f"target {target!r} (from {notebook}) resolves outside the repository")
    if any(part.lower() == ".git" for part in rel.split("/")):
        raise MagicError(f"target {target!r} is inside .git")
    if rel.endswith("/") or raw.endswith("/"):
        raise MagicError(f"target {target!r} is a directory, not a file")
    return rel


def relative_target(from_notebook: str, target_rel: str) -> str:
    """The TARGET a notebook at from_notebook must write to reach repo-relative target_rel."""
    return posixpath.relpath(target_rel, posixpath.dirname(from_notebook) or ".")


def rewrite_magic_target(source: str, new_target: str) -> str:
    """The cell source with its `%%writefile` target replaced (options kept), quoted if needed."""
    text = source.replace("\r\n", "\n")
    head, sep, rest = text.partition("\n")
    lead = ""
    while not _MAGIC.match(head) and sep:
        lead += head + "\n"
        head, sep, rest = rest.partition("\n")
    magic = parse_writefile(text)
    if magic is None:
        return source
    option = "-a " if magic.append else ""
    return f"{lead}%%writefile {option}{shlex.quote(new_target)}{sep}{rest}"


def replace_body(source: str, body: str) -> str:
    """The cell source with the text after its `%%writefile` line replaced by body (LF endings)."""
    text = source.replace("\r\n", "\n")
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if line.strip()), 0)
    return "\n".join(lines[: at + 1]) + "\n" + body


def reaim_source(source: str, from_notebook: str, to_notebook: str,
                 repo_root: str | os.PathLike[str] | None = None) -> tuple[str, str | None]:
    """A cell's source moved from one notebook to another: its `%%writefile` target re-aimed at the same file.

    Returns the source and a note on the change (None when nothing changed). Cells without
    the magic, or with one nbteam cannot resolve, are returned as they are.
    """
    try:
        magic = parse_writefile(source)
        if magic is None:
            return source, None
        target = resolve_target(from_notebook, magic.target, repo_root)
    except MagicError:
        return source, None  # left as it is; `scratch list` reports it
    new = relative_target(to_notebook, target)
    if new == magic.target:
        return source, None
    return rewrite_magic_target(source, new), f"%%writefile {magic.target} -> {new} (same file, {target}, from the new location)"
