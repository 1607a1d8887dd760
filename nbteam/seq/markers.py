"""The conflict-marker grammar of a three-way line merge: one definition to write markers and to find them.

A conflict block reads, at marker size N (git's %L, 7 by default):

    <<<<<<< OURS-LABEL
    ours' lines
    ||||||| BASE-LABEL          (diff3 and zdiff3 styles only)
    base lines
    =======
    theirs' lines
    >>>>>>> THEIRS-LABEL

Notes may follow a label (the notebook layer writes " (deleted this cell)" there). Regular
expressions are avoided: the merge driver imports this module, and its start-up is user-visible.
"""
from __future__ import annotations

import enum

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from collections.abc import Callable


class ConflictStyle(enum.Enum):
    """How a conflict is written (git's merge.conflictStyle)."""

    MERGE = "merge"
    DIFF3 = "diff3"
    ZDIFF3 = "zdiff3"

    @property
    def shows_base(self) -> bool:
        """True if blocks carry the base's lines (`|||||||` section)."""
        return self is not ConflictStyle.MERGE


def conflict_style(name: str) -> ConflictStyle:
    """The style git's config or a flag names (any case); ValueError for an unknown name."""
    try:
        return ConflictStyle(name.lower())
    except ValueError:
        raise ValueError(f"unknown conflict style {name!r}") from None


class Markers:
    """How conflicts are written: marker length (git's %L), style and side labels.

    Labels may come from `find_labels()`, called once when a marker is first written: finding
    what git would call the sides can cost a git process, which a clean merge never pays."""

    __slots__ = ("size", "style", "_labels", "_find")

    def __init__(self, size: int = 7, style: ConflictStyle = ConflictStyle.MERGE, ours: str = "ours",
                 base: str = "base", theirs: str = "theirs",
                 find_labels: Callable[[], tuple[str, str, str]] | None = None) -> None:
        self.size, self.style, self._labels, self._find = size, style, (ours, base, theirs), find_labels

    def labels(self) -> tuple[str, str, str]:
        """(ours, base, theirs) labels."""
        if self._find is not None:
            self._labels, self._find = self._find(), None
        return self._labels

    @property
    def ours(self) -> str:
        """Our side's label (git's HEAD, say)."""
        return self.labels()[0]

    @property
    def base(self) -> str:
        """The base's label (diff3 styles)."""
        return self.labels()[1]

    @property
    def theirs(self) -> str:
        """Their side's label (the merged branch, say)."""
        return self.labels()[2]

    def open(self, note: str = "") -> str:
        """The `<<<<<<< ours` line."""
        return "<" * self.size + " " + self.ours + note + "\n"

    def middle_base(self) -> str:
        """The `||||||| base` line (diff3 styles)."""
        return "|" * self.size + " " + self.base + "\n"

    def separator(self) -> str:
        """The `=======` line."""
        return "=" * self.size + "\n"

    def close(self, note: str = "") -> str:
        """The `>>>>>>> theirs` line."""
        return ">" * self.size + " " + self.theirs + note + "\n"

    def block(self, ours: str, theirs: str, base: str | None = None, ours_note: str = "",
              theirs_note: str = "") -> str:
        """A whole conflict block around three texts (base shown only in the diff3 styles)."""
        out = self.open(ours_note) + terminated(ours)
        if self.style.shows_base and base is not None:
            out += self.middle_base() + terminated(base)
        return out + self.separator() + terminated(theirs) + self.close(theirs_note)


def terminated(text: str) -> str:
    """Text with a final newline (unless empty), so that a marker never joins its last line."""
    return text if not text or text.endswith("\n") else text + "\n"


# --- finding ------------------------------------------------------------------------------


def _run(line: str, char: str, size: int) -> bool:
    """True if line is a marker of `char` at exactly `size` (then a space or the end)."""
    body = line.rstrip("\r\n")
    return body.startswith(char * size) and (len(body) == size or body[size] == " ")


def _label(line: str, size: int) -> str:
    return line.rstrip("\r\n")[size + 1 :]


class Block:
    """One complete conflict block in a text: its line span, marker size, labels and the three sides' texts."""

    __slots__ = ("start", "end", "size", "ours_label", "theirs_label", "ours", "base", "theirs")

    def __init__(self, start: int, end: int, size: int, ours_label: str, theirs_label: str, ours: str,
                 base: str | None, theirs: str) -> None:
        self.start, self.end, self.size = start, end, size
        self.ours_label, self.theirs_label = ours_label, theirs_label
        self.ours, self.base, self.theirs = ours, base, theirs

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Block) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self) -> str:
        return "Block(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"


def find_blocks(text: str, size: int = 7) -> list[Block]:
    """Every complete block (open, optional base, separator, close) in text, in order."""
    lines = text.splitlines(keepends=True)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if not _run(lines[i], "<", size):
            i += 1
            continue
        parts: list[list[str]] = [[]]
        marks = ""  # the inner markers seen so far: "", "|", "=", "|="
        j = i + 1
        while j < len(lines) and not _run(lines[j], "<", size):  # a new opener abandons this one
            line = lines[j]
            if "=" in marks and _run(line, ">", size):
                break
            if not marks and _run(line, "|", size) or "=" not in marks and line.rstrip("\r\n") == "=" * size:
                marks += line[0]
                parts.append([])
            else:
                parts[-1].append(line)
            j += 1
        if j == len(lines) or _run(lines[j], "<", size):
            i = j
            continue
        base = "".join(parts[1]) if marks == "|=" else None
        blocks.append(Block(i, j + 1, size, _label(lines[i], size), _label(lines[j], size), "".join(parts[0]),
                            base, "".join(parts[-1])))
        i = j + 1
    return blocks
