"""Unified line diffs (hunks with context) built on nbteam.seq.match's linear-space LCS."""
from __future__ import annotations

from typing import NamedTuple

from nbteam.seq.match import matching_blocks

Opcode = tuple[str, int, int, int, int]  # tag, i1, i2, j1, j2 as difflib's get_opcodes


class Hunk(NamedTuple):
    """One `@@ -a,n +b,m @@` hunk: 1-based starts, lengths, and (tag, text) lines, tag in ' -+'."""

    a_start: int
    a_len: int
    b_start: int
    b_len: int
    lines: tuple[tuple[str, str], ...]

    def header(self) -> str:
        """The `@@ ... @@` line, numbered like `diff -u`."""
        return f"@@ -{_range(self.a_start, self.a_len)} +{_range(self.b_start, self.b_len)} @@"


def _range(start: int, length: int) -> str:
    if length == 1:
        return str(start)
    return f"{start - 1 if length == 0 else start},{length}"


def opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """difflib-style opcodes (equal/replace/delete/insert) from a longest common subsequence."""
    out: list[Opcode] = []
    i = j = 0
    for bi, bj, n in matching_blocks(a, b) + [(len(a), len(b), 0)]:
        if i < bi or j < bj:
            tag = "replace" if i < bi and j < bj else "delete" if i < bi else "insert"
            out.append((tag, i, bi, j, bj))
        if n:
            out.append(("equal", bi, bi + n, bj, bj + n))
        i, j = bi + n, bj + n
    return out


def grouped(codes: list[Opcode], context: int) -> list[list[Opcode]]:
    """Opcodes in hunks with up to `context` equal lines around each change (difflib's grouping)."""
    if not codes:
        return []
    codes = list(codes)
    if codes[0][0] == "equal":
        t, i1, i2, j1, j2 = codes[0]
        codes[0] = t, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes[-1][0] == "equal":
        t, i1, i2, j1, j2 = codes[-1]
        codes[-1] = t, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    gap = context + context
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > gap:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            groups.append(group)
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups


def unified_hunks(a: list[str], b: list[str], context: int = 3) -> list[Hunk]:
    """Hunks turning lines a into lines b (lines without their newlines), `context` lines around."""
    if a == b:
        return []
    hunks = []
    for group in grouped(opcodes(a, b), context):
        lines: list[tuple[str, str]] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [(" ", x) for x in a[i1:i2]]
                continue
            lines += [("-", x) for x in a[i1:i2]]
            lines += [("+", x) for x in b[j1:j2]]
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        hunks.append(Hunk(i1 + 1, i2 - i1, j1 + 1, j2 - j1, tuple(lines)))
    return hunks


def whole(lines: list[str], tag: str) -> list[Hunk]:
    """One hunk adding (tag '+') or deleting ('-') all the lines."""
    if not lines:
        return []
    if tag == "+":
        return [Hunk(0, 0, 1, len(lines), tuple(("+", x) for x in lines))]
    return [Hunk(1, len(lines), 0, 0, tuple(("-", x) for x in lines))]


def unified_text(old: str | None, new: str, a_name: str, b_name: str) -> str:
    """`diff -u` text turning old into new ("" if equal; old None means a new file, /dev/null)."""
    if old == new:
        return ""
    hunks = unified_hunks((old or "").splitlines(keepends=True), new.splitlines(keepends=True))
    out = [f"--- {'/dev/null' if old is None else a_name}\n", f"+++ {b_name}\n"]
    for hunk in hunks:
        out.append(hunk.header() + "\n")
        # A last line without newline would run into the next one: mark it as git does.
        out += [tag + text if text.endswith("\n") else f"{tag}{text}\n\\ No newline at end of file\n"
                for tag, text in hunk.lines]
    return "".join(out)
