"""The textconv view: a notebook as readable lines for git's own line diff (`git log -p`, `git show`).

Each cell is a `# %% [type] id=...` header (git names it in hunk headers through the xfuncname
nbteam registers) followed by one `# metadata.KEY: value` line per metadata key, a summary line
per attachment and output, and the source. Everything git stores for a cell shows up somewhere,
so a change only in metadata (a `slow` tag) is never invisible. textconv never fails: git stops
`git log -p` for the whole history when it does, so what cannot be read as a notebook is shown
as its raw text after a one-line note.
"""
from __future__ import annotations

from nbteam.diff.outputs import attachment_summaries, digest
from nbteam.diff.values import CELL_KEYS, NOTEBOOK_KEYS, compact, dict_of, list_of
from nbteam.notebook.io import Notebook, NotebookError, parse_notebook
from nbteam.notebook.normalise import TRANSIENT_NOTEBOOK_METADATA, normalise_cell

TYPE_CHECKING = False  # git starts the view once per version it shows: no typing import
if TYPE_CHECKING:
    from typing import Any

NOTE = "# nbteam: not shown as a notebook ({reason}); raw text follows"


def _meta_lines(meta: Any, skip: frozenset[str] = frozenset()) -> list[str]:
    if not isinstance(meta, dict):
        return []
    return [f"# metadata.{k}: {compact(meta[k])}" for k in sorted(meta) if k not in skip]


def _extra_lines(obj: dict[str, Any], known: tuple[str, ...], prefix: str) -> list[str]:
    """Keys nbteam has no view for, as `# KEY: value`, so changes to them still show."""
    return [f"# {prefix}{k}: {compact(obj[k])}" for k in sorted(obj) if k not in known]


def _output_summary(n: int, out: Any) -> str:
    """`# output N: kind, size, hash`: outputs kept in commits (--no-filter) change visibly."""
    if not isinstance(out, dict):
        return f"# output {n}: {digest(out)}"
    kind = out.get("output_type")
    detail = f" {out.get('name')}" if kind == "stream" else ""
    return f"# output {n}: {kind}{detail}, {digest({k: v for k, v in out.items() if k != 'execution_count'})}"


def _cell_lines(raw: dict[str, Any]) -> list[str]:
    cell = normalise_cell(raw)
    head = f"# %% [{cell['cell_type']}]"
    if cell.get("id"):
        head += f" id={cell['id']}"
    outputs = list_of(raw.get("outputs"))
    if outputs:
        head += f" ({len(outputs)} output{'s' * (len(outputs) != 1)})"
    lines = ["", head] + _meta_lines(cell["metadata"]) + _extra_lines(raw, CELL_KEYS, "")
    lines += [f"# attachment {name}: {text}"
              for name, text in sorted(attachment_summaries(cell.get("attachments")).items())]
    count = raw.get("execution_count")
    if count is not None:  # committed only where outputs are kept: a re-run shows
        lines.append(f"# execution_count: {compact(count)}")
    lines += [_output_summary(n, out) for n, out in enumerate(outputs, 1)]
    return lines + str(cell["source"]).splitlines()


def notebook_view(nb: Notebook) -> str:
    """The text view of a parsed notebook."""
    meta = dict_of(nb.get("metadata"))
    kernel = dict_of(meta.get("kernelspec")).get("name")
    out = [f"# notebook: nbformat {nb.get('nbformat')}.{nb.get('nbformat_minor')}"
           + (f", kernel {kernel}" if kernel else "")]
    out += _meta_lines(meta, TRANSIENT_NOTEBOOK_METADATA) + _extra_lines(nb, NOTEBOOK_KEYS, "notebook ")
    for raw in nb.get("cells", []):
        out += _cell_lines(raw)
    return "\n".join(out) + "\n"


def raw_view(data: bytes, reason: str) -> str:
    """The file's own text after one note line saying why it is not shown as a notebook."""
    text = data.decode("utf-8", errors="replace")
    return NOTE.format(reason=reason) + "\n" + text + ("" if not text or text.endswith("\n") else "\n")


def textconv(data: bytes, name: str = "notebook") -> str:
    """The text view of .ipynb bytes; never raises (odd input comes back as raw text with a note)."""
    if not data.strip():
        return data.decode("utf-8", errors="replace")
    try:
        return notebook_view(parse_notebook(data, name))
    except NotebookError as e:
        return raw_view(data, str(e))
    except RecursionError:
        return raw_view(data, f"{name} is nested too deeply to read as a notebook")
    except Exception as e:  # noqa: BLE001 - any surprise must still leave git's history readable
        return raw_view(data, f"{name}: {type(e).__name__}")
