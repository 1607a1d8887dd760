"""The conflict-marker grammar of a three-way line merge: one definition to write markers and to find them.

A conflict block reads, at marker size N (git's %L, 7 by default):

    <<<<<<< OURS-LABEL
    ours' lines
    ||||||| BASE-LABEL          (diff3 and zdiff3 styles only)
    base lines
    =======
    theirs' lines
    >>>>>>> THEIRS-LABEL

Notes may follow a label (the notebook layer writes " (deleted this cell)" there).

N is at least the size asked for, and longer when the text holds a marker-like line: the blocks
of one merged text are written with markers one longer than the longest run of `<`, `|`, `=` or
`>` that starts any line of base, ours or theirs (counting only runs at least the size asked
for). A markdown heading underlined with `=======` so gets 8-long markers, and reading the block
back can never take that line for its separator. git lengthens markers the same way for the
conflicts of a recursive merge's virtual base, though `git merge-file` does not; nbteam's clean
results stay exactly `git merge-file`'s. A reader finds blocks of any size from the one asked
for up, each closed at its own size; a block is never read across an opener as long as its own.
Regular expressions are avoided: the merge driver imports this module, and its start-up is
user-visible.
"""
from __future__ import annotations

TYPE_CHECKING = False  # no typing import at run time: driver start-up is user-visible
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from nbteam.seq.style import ConflictStyle


class Markers:
    """How conflicts are written: marker length (git's %L), style and side labels.

    Labels may come from `find_labels()` and the style from `find_style()`, each called once when
    first needed: finding what git would call the sides can cost a git process, and the style
    reads git's config and imports `enum`, which a clean merge never pays (no style: merge)."""

    __slots__ = ("size", "_style", "_labels", "_find", "_find_style")

    def __init__(self, size: int = 7, style: ConflictStyle | None = None, ours: str = "ours",
                 base: str = "base", theirs: str = "theirs",
                 find_labels: Callable[[], tuple[str, str, str]] | None = None,
                 find_style: Callable[[], ConflictStyle] | None = None) -> None:
        self.size, self._style, self._labels, self._find = size, style, (ours, base, theirs), find_labels
        self._find_style = find_style

    @property
    def style(self) -> ConflictStyle:
        """The conflict style (git's merge.conflictStyle): as given, else found, else merge."""
        if self._style is None:
            if self._find_style is not None:
                self._style, self._find_style = self._find_style(), None
            else:
                from nbteam.seq.style import ConflictStyle

                self._style = ConflictStyle.MERGE
        return self._style

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

    def open(self, note: str = "", size: int = 0) -> str:
        """The `<<<<<<< ours` line (at `size`, or the size asked for)."""
        return "<" * (size or self.size) + " " + self.ours + note + "\n"

    def middle_base(self, size: int = 0) -> str:
        """The `||||||| base` line (diff3 styles)."""
        return "|" * (size or self.size) + " " + self.base + "\n"

    def separator(self, size: int = 0) -> str:
        """The `=======` line."""
        return "=" * (size or self.size) + "\n"

    def close(self, note: str = "", size: int = 0) -> str:
        """The `>>>>>>> theirs` line."""
        return ">" * (size or self.size) + " " + self.theirs + note + "\n"

    def fitted(self, lines: Iterable[str]) -> Markers:
        """These markers, longer if needed to be longer than any marker-like line among `lines`."""
        n = fitting_size(self.size, lines)
        return self if n == self.size else Markers(n, self._style, find_labels=self.labels,
                                                   find_style=lambda: self.style)

    def block(self, ours: str, theirs: str, base: str | None = None, ours_note: str = "",
              theirs_note: str = "") -> str:
        """A whole conflict block around three texts (base shown only in the diff3 styles), its
        markers longer than any marker-like line inside."""
        shown = (ours, theirs, base) if self.style.shows_base and base is not None else (ours, theirs)
        n = fitting_size(self.size, (line for text in shown if text for line in text.split("\n")))
        out = self.open(ours_note, n) + terminated(ours)
        if len(shown) == 3:
            out += self.middle_base(n) + terminated(base or "")
        return out + self.separator(n) + terminated(theirs) + self.close(theirs_note, n)


def _lead_run(line: str) -> int:
    """How many of the line's first characters are one marker character (0 if it starts with none)."""
    if not line or line[0] not in "<|=>":
        return 0
    n = 1
    while n < len(line) and line[n] == line[0]:
        n += 1
    return n


def fitting_size(size: int, lines: Iterable[str]) -> int:
    """The marker size for blocks among lines: `size`, or one more than the longest marker-like
    run (at least `size` long) that starts any of them."""
    longest = max((run for line in lines if (run := _lead_run(line)) >= size), default=0)
    return max(size, longest + 1)


def terminated(text: str) -> str:
    """Text with a final newline (unless empty), so that a marker never joins its last line."""
    return text if not text or text.endswith("\n") else text + "\n"


# --- finding ------------------------------------------------------------------------------


def is_marker(line: str, char: str, size: int) -> bool:
    """True if line is a marker of `char` at exactly `size` (then a space or the end)."""
    body = line.rstrip("\r\n")
    return body.startswith(char * size) and (len(body) == size or body[size] == " ")


def opener_size(line: str, size: int) -> int:
    """The size of the `<` marker the line is, if at least `size` (else 0)."""
    n = _lead_run(line)
    return n if n >= size and line[0] == "<" and is_marker(line, "<", n) else 0


def marker_label(line: str, size: int) -> str:
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
    """Every complete block (open, optional base, separator, close) in text, in order: markers of
    any size from `size` up, all of one block's markers of one size."""
    if "<" * size not in text:  # no opener anywhere (most cells): no need to split the text
        return []
    lines = text.splitlines(keepends=True)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        n = opener_size(lines[i], size)
        if not n:
            i += 1
            continue
        parts: list[list[str]] = [[]]
        marks = ""  # the inner markers seen so far: "", "|", "=", "|="
        j = i + 1
        # An opener as long as this one or longer abandons it: the writer makes a block's markers
        # longer than every line inside, so no block holds one.
        while j < len(lines) and not opener_size(lines[j], n):
            line = lines[j]
            if "=" in marks and is_marker(line, ">", n):
                break
            if not marks and is_marker(line, "|", n) or "=" not in marks and line.rstrip("\r\n") == "=" * n:
                marks += line[0]
                parts.append([])
            else:
                parts[-1].append(line)
            j += 1
        if j == len(lines) or opener_size(lines[j], n):
            i += 1  # not a block at this size: a later line may still open one (of another size)
            continue
        base = "".join(parts[1]) if marks == "|=" else None
        blocks.append(Block(i, j + 1, n, marker_label(lines[i], n), marker_label(lines[j], n), "".join(parts[0]),
                            base, "".join(parts[-1])))
        i = j + 1
    return blocks
