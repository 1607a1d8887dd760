"""Merge three notebook files into one, falling back to a plain text merge when that is unsafe.

This is the edge between files and the pure merge: it reads bytes, calls `merge_notebooks`,
writes the result atomically, and never lets a failure pass one side off as the merge.
"""
from __future__ import annotations

import sys

from nbteam.bypass import disabled
from nbteam.seq.markers import Markers
from nbteam.notebook.io import CellCache, NotebookError, dumps_notebook, parse_notebook, uses_crlf, write_atomic


class Outcome:
    """What a merge did: exit code and a one-line message.

    Codes, as git reads a merge driver's exit: 0 clean; 1 conflicts marked in the result, or a
    text-merge fallback; 2 not merged at all (even the text merge failed, or the result could
    not be written), ours left as it was. git treats any non-zero code as a conflict.
    """

    __slots__ = ("code", "message")

    def __init__(self, code: int, message: str) -> None:
        self.code, self.message = code, message


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def text_merge(base: str, ours: str, theirs: str, markers: Markers) -> tuple[bytes, int]:
    """Plain three-way text merge (git merge-file semantics): the merged bytes and the conflict count."""
    from nbteam.git.run import run_git

    cmd = ["merge-file", "-p", f"--marker-size={markers.size}", "-L", markers.ours, "-L", markers.base,
           "-L", markers.theirs]
    if markers.style.shows_base:
        cmd.append(f"--{markers.style.value}")
    try:
        p = run_git(cmd + [ours, base, theirs])
    except OSError:  # no usable git
        p = None
    if p is not None and 0 <= p.returncode < 128:
        return p.stdout, p.returncode
    # No usable git: the same line merge nbteam uses inside cells, on the whole file.
    from nbteam.seq.merge3 import merge3_text

    texts = [_read(path).decode("utf-8", errors="surrogateescape") for path in (base, ours, theirs)]
    merged, conflicts = merge3_text(texts[0], texts[1], texts[2], markers)
    return merged.encode("utf-8", errors="surrogateescape"), conflicts


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def _cells_phrase(cells: list[int]) -> str:
    shown = ", ".join(str(c) for c in cells[:8]) + (", ..." if len(cells) > 8 else "")
    return f"cell{'s' * (len(cells) > 1)} {shown}"


def merge_files(base: str, ours: str, theirs: str, out: str, name: str, markers: Markers = Markers(),
                keep_outputs: bool = False, machine: frozenset[str] = frozenset()) -> Outcome:
    """Merge notebook files base/ours/theirs into `out` (which may be `ours`); never raises.

    The outcome's code is 0 (clean), 1 (conflicts, or a text-merge fallback) or 2 (not merged)."""
    if disabled():
        merged, n = text_merge(base, ours, theirs, markers)
        _write(out, merged)
        return Outcome(1 if n else 0, f"{name}: NBTEAM_DISABLE is set: plain text merge, "
                                      + (f"{n} conflicts" if n else "clean"))
    import gc

    # A big notebook is millions of small objects, none of them in a cycle: the cyclic collector
    # would walk them all again and again (half the time of a 20,000-cell merge) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Imported here so that even a broken engine module falls back instead of crashing.
        from nbteam.merge.notebook import merge_notebooks

        raw = {role: _read(path) for role, path in (("base", base), ("ours", ours), ("theirs", theirs))}
        # The result is written in our file's line ends and byte-order mark.
        crlf, bom = uses_crlf(raw["ours"]), raw["ours"].startswith(b"\xef\xbb\xbf")
        cache = CellCache()  # a cell found alike in several versions (most of a big notebook) is read once
        # An empty base: both sides added the file (git's add/add), so base is an empty notebook.
        nbs = {role: parse_notebook(raw.pop(role), role, empty_ok=role == "base", outputs=keep_outputs,
                                   cache=cache)
               for role in ("base", "ours", "theirs")}
        del cache  # the cells' texts: not needed to merge
        result = merge_notebooks(nbs["base"], nbs["ours"], nbs["theirs"], markers, keep_outputs, machine)
        text = dumps_notebook(result.notebook)
        try:
            write_atomic(out, text, crlf=crlf, bom=bom)
        except UnicodeEncodeError:  # a lone surrogate read from a \udXXX escape: written back as one
            from nbteam.notebook.io import escape_surrogates

            write_atomic(out, escape_surrogates(text), crlf=crlf, bom=bom)
        conflicts = result.conflicts
        # Freed while the collector is off: once back, it would walk them all (a big notebook's millions).
        del nbs, result, text
    except (NotebookError, OSError) as e:
        return _fallback(base, ours, theirs, out, name, markers, str(e) if isinstance(e, NotebookError)
                         else f"cannot read or write a file: {e}")
    except Exception as e:  # an nbteam bug must never pass for a merge
        return _fallback(base, ours, theirs, out, name, markers, f"internal error {type(e).__name__}: {e}")
    finally:
        if collecting:
            gc.enable()
    if not conflicts:
        return Outcome(0, f"{name}: merged cleanly")
    cells = sorted({c.number for c in conflicts})
    n = len(conflicts)
    return Outcome(1, f"{name}: merged, {n} conflict{'s' * (n > 1)} in {_cells_phrase(cells)}")


def _fallback(base: str, ours: str, theirs: str, out: str, name: str, markers: Markers, reason: str) -> Outcome:
    reason = " ".join(reason.split())
    try:
        merged, n = text_merge(base, ours, theirs, markers)
    except Exception as e:  # even the text merge failed: ours is untouched and git reports a conflict
        return Outcome(2, f"{name}: not merged ({reason}); text merge failed too ({e}); left ours as it was")
    if not n:
        # A clean text merge of a file nbteam could not read still needs a person: make that visible.
        merged = (markers.open() + f"nbteam could not merge this file as a notebook: {reason}.\n"
                  "Below is a plain line merge with no text conflicts; check it, then delete these lines.\n"
                  + markers.separator() + markers.close()).encode("utf-8") + merged
    try:
        _write(out, merged)
    except OSError as e:
        return Outcome(2, f"{name}: not merged ({reason}); cannot write the text merge ({e.strerror})")
    what = f"{n} conflict{'s' * (n != 1)} marked" if n else "no text conflicts; a marker at the top asks for a check"
    return Outcome(1, f"{name}: not merged as a notebook: {reason}; plain text merge used ({what})")


def report(outcome: Outcome) -> None:
    """Print the outcome's one line on stderr, as git shows driver output."""
    print(f"nbteam: {outcome.message}", file=sys.stderr)
