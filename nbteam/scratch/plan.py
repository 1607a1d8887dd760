"""Promotion status and planning: pure functions from (cell, module text, manifest) to a Plan.

A cell's state is one of the CellState members:
  new             never promoted from this cell, and promoting it overwrites nobody's work
  in sync         promoted, and neither the cell nor its module changed since
  cell changed    the cell changed since its promotion; promoting again updates the module
  module changed  the module changed since the promotion, by someone else (a hand edit, a merge,
                  or a promotion from another cell), or a never-promoted cell would replace a
                  module nbteam did not write from it: promoting would overwrite that, so it is
                  refused unless forced
  invalid         the `%%writefile` line cannot be promoted (bad target, malformed magic,
                  unresolved conflict markers in the cell)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from nbteam.seq.diff import unified_text
from nbteam.scratch.manifest import Mode, PromotionRecord, RecordKey, TextEnum, sha256
from nbteam.scratch.regions import promotion_order
from nbteam.scratch.writefile import Writefile


class CellState(TextEnum):
    """Where a `%%writefile` cell stands against its module and the manifest.

    A str enum: JSON output and older callers comparing with "in sync" keep working.
    """

    NEW = "new"
    IN_SYNC = "in sync"
    CELL_CHANGED = "cell changed"
    MODULE_CHANGED = "module changed"
    INVALID = "invalid"


# Short names for callers that predate the enum (the TUI's marks and legend).
NEW, IN_SYNC, CELL_CHANGED, MODULE_CHANGED, INVALID = (CellState.NEW, CellState.IN_SYNC, CellState.CELL_CHANGED,
                                                        CellState.MODULE_CHANGED, CellState.INVALID)
STATES = tuple(CellState)


class ManifestIndex:
    """Manifest entries by key and, per target, in time order (built once, queried per cell)."""

    def __init__(self, records: dict[RecordKey, PromotionRecord]):
        self.by_key = dict(records)
        self.by_target: dict[str, list[PromotionRecord]] = {}
        for entry in records.values():
            self.by_target.setdefault(entry.target, []).append(entry)
        for items in self.by_target.values():
            items.sort(key=lambda e: e.time)
        self._shas: dict[str, str] = {}

    def text_sha(self, text: str) -> str:
        """sha256 of a module's text, computed once per text (many cells share a module)."""
        sha = self._shas.get(text)
        if sha is None:
            sha = self._shas[text] = sha256(text)
        return sha

    def get(self, target: str, notebook: str, cell: str) -> PromotionRecord | None:
        """The record of this cell's promotion to target, if any."""
        return self.by_key.get((target, notebook, cell))

    def last(self, target: str, mode: Mode | None = None) -> PromotionRecord | None:
        """The latest promotion to target (of the given mode, if any)."""
        for entry in reversed(self.by_target.get(target, ())):
            if mode is None or entry.mode == mode:
                return entry
        return None


@dataclass(frozen=True)
class Plan:
    """What promoting one cell would do: its state, why, and the module text afterwards."""

    state: CellState
    reason: str
    target: str
    old_text: str | None  # the module now (None: it does not exist)
    # The module after promotion (with --force when refused), or a function computing it:
    # rewriting around appended blocks costs a scan of the module, and the TUI lists
    # thousands of cells but shows the diff of one at a time.
    text: str | Callable[[], str]
    refusal: str | None = None  # why promotion is refused without --force
    body_sha: str = ""
    lines: int = 0
    mode: Mode = Mode.WRITE

    @property
    def new_text(self) -> str:
        """The module after promotion (computed on first use)."""
        if callable(self.text):
            object.__setattr__(self, "text", self.text())  # computed once, then kept
        return self.text  # type: ignore[return-value]

    @property
    def changes_module(self) -> bool:
        """True if promoting would change the module's text."""
        return self.old_text != self.new_text

    def diff(self) -> str:
        """A unified diff of the module now against the module after promotion."""
        return unified_diff(self.target, self.old_text, self.new_text)


def unified_diff(target: str, old: str | None, new: str) -> str:
    """`diff -u` style text for one file; empty if old and new are equal."""
    return unified_text(old, new, f"a/{target}", f"b/{target}")


def _who(entry: PromotionRecord) -> str:
    return f"{entry.user} at {entry.time[:16].replace('T', ' ')} UTC"


def _from(entry: PromotionRecord) -> str:
    return f"{entry.notebook} cell {entry.cell}"


def find_block(lines: list[str], n: int, sha: str) -> int | None:
    """Index of the first run of n lines whose joined text hashes to sha, or None."""
    if n <= 0:
        return None
    for i in range(len(lines) - n + 1):
        if sha256("".join(lines[i : i + n])) == sha:
            return i
    return None


def find_text_block(lines: list[str], body_lines: list[str]) -> int | None:
    """Index where body_lines occur as whole lines in the module, or None (string search first)."""
    if not body_lines:
        return None
    joined = "".join(lines)
    body = "".join(body_lines)
    start = joined.find(body)
    while start != -1:
        if start == 0 or joined[start - 1] == "\n":
            return joined.count("\n", 0, start)
        start = joined.find(body, start + 1)
    return None


def _appended(text: str | None, body: str) -> str:
    if not text:
        return body
    return text + ("" if text.endswith("\n") else "\n") + body


def notebook_writes(cells: Iterable[tuple[str, Writefile]]) -> dict[str, str]:
    """What running a notebook's `%%writefile` cells in order leaves in each target (pure).

    cells are (repo-relative target, magic) in notebook order: a write cell replaces the file,
    an append cell (`-a`) adds to it, as Jupyter does.
    """
    out: dict[str, str] = {}
    for target, magic in cells:
        out[target] = out.get(target, "") + magic.body if magic.append else magic.body
    return out


def plan_promotion(notebook: str, cell: str, magic: Writefile, target: str,
                   module_text: str | None, index: ManifestIndex, produced: str | None = None) -> Plan:
    """The state of one `%%writefile` cell and what promoting it would write (pure).

    produced: what the notebook's write and append cells leave in target when run in order
    (notebook_writes); a module that holds exactly that was written by running them, so a
    first promotion records it rather than refusing to replace it.
    """
    body = magic.body
    body_sha = sha256(body)
    body_lines = body.splitlines(keepends=True)
    text = module_text.replace("\r\n", "\n") if module_text is not None else None
    own = index.get(target, notebook, cell)
    last = index.last(target)
    accounted = last is not None and text is not None and index.text_sha(text) == last.module_sha
    common: dict[str, Any] = dict(target=target, old_text=text, body_sha=body_sha, lines=len(body_lines))
    if magic.append:
        return _plan_append(own, last, accounted, text, body, body_sha, body_lines, common)
    ran = produced is not None and text == produced.replace("\r\n", "\n")
    if own is None and text is not None and text != body and ran:
        return Plan(CellState.NEW, f"never promoted, but {target} holds what this notebook's %%writefile cells write"
                    " (they were run); promoting records it", text=text, **common)
    if (own is not None and ran and text is not None and text != body and not (accounted and own.cell_sha == body_sha)
            and all(r.notebook == notebook for r in promotion_order(index.by_target.get(target, [])))):
        # Edited and run again in Jupyter: the module holds what the cells write, and as last
        # promoted it held only this notebook's cells, so nobody else's text is replaced.
        state = CellState.IN_SYNC if own.cell_sha == body_sha else CellState.CELL_CHANGED
        return Plan(state, f"{target} holds what this notebook's %%writefile cells write (they were run again);"
                    " promoting records it", text=text, **common)
    return _plan_write(notebook, cell, own, last, accounted, index, text, body, body_sha, common)


def appended_blocks(text: str | None, index: ManifestIndex, target: str) -> str:
    """The blocks `-a` cells appended to target that are still intact in text, in file order.

    A rewrite keeps them, as re-running the notebook's cells in Jupyter would re-append them.
    """
    if not text:
        return ""
    lines = text.splitlines(keepends=True)
    found = []
    for entry in index.by_target.get(target, ()):
        if entry.mode is Mode.APPEND:
            at = find_block(lines, entry.lines, entry.cell_sha)
            if at is not None:
                found.append((at, "".join(lines[at : at + entry.lines])))
    return "".join(block for _, block in sorted(found))


def _plan_write(notebook: str, cell: str, own: PromotionRecord | None, last: PromotionRecord | None, accounted: bool,
                index: ManifestIndex, text: str | None, body: str, body_sha: str, common: dict) -> Plan:
    target = common["target"]

    def rewrite() -> str:  # only the refusing branches need it, and it hashes every append block
        return body + appended_blocks(text, index, target)

    if own is None:
        if text is None:
            return Plan(CellState.NEW, f"never promoted; {target} does not exist yet", text=body, **common)
        if text == body:
            return Plan(CellState.NEW, f"never promoted, but {target} already holds exactly this cell", text=body, **common)
        if last is None:
            why = f"{target} already exists and nbteam has no record of who wrote it"
        else:
            why = (f"{target} already exists and was last promoted from {_from(last)} by {_who(last)}"
                   + ("" if accounted else ", and changed outside nbteam since"))
        # Not "new": promote would refuse it, and `scratch list` must not promise otherwise.
        return Plan(CellState.MODULE_CHANGED, why + "; never promoted from this cell", text=rewrite,
                    refusal=why + "; promoting would replace it", **common)
    if text is None:
        why = f"{target} was deleted since this cell was promoted by {_who(own)}"
        return Plan(CellState.MODULE_CHANGED, why, text=body, refusal=why, **common)
    if text == body:
        return Plan(CellState.IN_SYNC if own.cell_sha == body_sha else CellState.CELL_CHANGED,
                    f"{target} holds exactly this cell", text=body, **common)
    last_write = index.last(target, Mode.WRITE)
    if not accounted:
        why = (f"{target} changed outside nbteam (a hand edit or a merge) since the last promotion"
               f" ({_from(last)} by {_who(last)})" if last else f"{target} changed since promotion")
        return Plan(CellState.MODULE_CHANGED, why, text=rewrite, refusal=why, **common)
    if last_write is not None and last_write.key != own.key:
        why = (f"{target} was overwritten by a promotion from {_from(last_write)} by {_who(last_write)}"
               f" after this cell was promoted by {_who(own)}")
        return Plan(CellState.MODULE_CHANGED, why, text=rewrite, refusal=why, **common)
    if own.cell_sha == body_sha:
        return Plan(CellState.IN_SYNC, f"promoted by {_who(own)}; unchanged since", text=text, **common)
    # No edits since the last promotion: the module is this cell's old body followed by blocks
    # that `-a` cells appended; replace just the body.
    lines = text.splitlines(keepends=True)
    if find_block(lines[: own.lines], own.lines, own.cell_sha) == 0:
        new_text = body + "".join(lines[own.lines:])
    else:
        new_text = rewrite()
    return Plan(CellState.CELL_CHANGED, f"cell edited since it was promoted by {_who(own)}", text=new_text, **common)


def _plan_append(own: PromotionRecord | None, last: PromotionRecord | None, accounted: bool, text: str | None, body: str,
                 body_sha: str, body_lines: list[str], common: dict) -> Plan:
    target = common["target"]
    common = {**common, "mode": Mode.APPEND}
    lines = (text or "").splitlines(keepends=True)
    present = find_text_block(lines, body_lines) is not None or not body_lines
    if own is None:
        if present:
            return Plan(CellState.NEW, f"never promoted, but {target} already contains this cell; promoting records it",
                        text=text or "", **common)
        return Plan(CellState.NEW, f"never promoted; it will be appended to {target}", text=_appended(text, body), **common)
    if present:
        if own.cell_sha == body_sha:
            return Plan(CellState.IN_SYNC, f"appended by {_who(own)}; unchanged since", text=text or "", **common)
        return Plan(CellState.CELL_CHANGED, f"cell edited since it was appended by {_who(own)}, but {target} already has the new text",
                    text=text or "", **common)
    at = find_block(lines, own.lines, own.cell_sha)
    if at is not None:
        # Replace the old block where it is, so the module keeps its order.
        new_text = "".join(lines[:at]) + body + "".join(lines[at + own.lines:])
        return Plan(CellState.CELL_CHANGED, f"cell edited since it was appended by {_who(own)}", text=new_text, **common)
    if accounted:
        return Plan(CellState.NEW, f"its block is no longer in {target} (a later promotion replaced the file)",
                    text=_appended(text, body), **common)
    why = f"the block appended to {target} by {_who(own)} was edited or removed outside nbteam"
    if text is None:
        why = f"{target} was deleted since this cell was appended by {_who(own)}"
    return Plan(CellState.MODULE_CHANGED, why, text=_appended(text, body), refusal=why, **common)


def make_record(plan: Plan, notebook: str, cell: str, user: str, time: str, owner: str = "",
                blob: str = "") -> PromotionRecord:
    """The manifest record saying that plan was carried out."""
    return PromotionRecord(target=plan.target, notebook=notebook, cell=cell, mode=plan.mode, cell_sha=plan.body_sha,
                           module_sha=sha256(plan.new_text), lines=plan.lines, user=user, time=time,
                           owner=owner, blob=blob)
