"""Outputs and attachments as short text lines, so they can be diffed and read.

Text outputs (streams, `text/plain` results, errors) are shown as their text; everything else
(images, HTML, widgets, JSON) as one line: mime type, size and a short hash of the stored data.
"""
from __future__ import annotations

from nbteam.diff.values import one_line

try:
    from _sha1 import sha1  # type: ignore[import-not-found]  # hashlib would load OpenSSL on every textconv start
except ImportError:  # pragma: no cover - a Python built without its own hashes
    from hashlib import sha1

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TEXT_MIME = "text/plain"
_ANSI = r"\x1b\[[0-9;]*[A-Za-z]"  # tracebacks are coloured with terminal escapes


def _text(value: Any) -> str:
    """Jupyter's multi-line text (a string or a list of lines) as one string."""
    if isinstance(value, list):
        return "".join(x for x in value if isinstance(x, str))
    return value if isinstance(value, str) else one_line(value, ascii_only=True)


def size_text(n: int) -> str:
    """A byte count as people read it: 812 B, 12.3 kB, 4.1 MB."""
    if n < 1000:
        return f"{n} B"
    if n < 1000 * 1000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1000 / 1000:.1f} MB"


def digest(data: Any) -> str:
    """`12.3 kB, 1a2b3c4`: the size and a short sha-1 of data as stored (text as is, else JSON)."""
    raw = _text(data).encode("utf-8", "surrogatepass")
    return f"{size_text(len(raw))}, {sha1(raw).hexdigest()[:7]}"


def summary(mime: str, data: Any) -> str:
    """One line for rich data: `image/png, 12.3 kB, 1a2b3c4`."""
    return f"{mime}, {digest(data)}"


def _bundle_lines(data: Any) -> list[str]:
    """A mime bundle: text/plain as its lines, every other type as a summary line."""
    if not isinstance(data, dict):
        return [f"  {_text(data)}"]
    out = [f"  [{summary(mime, data[mime])}]" for mime in sorted(data) if mime != TEXT_MIME]
    if TEXT_MIME in data:
        out += _text(data[TEXT_MIME]).splitlines()
    return out


def output_lines(outputs: list[Any]) -> list[str]:
    """A cell's outputs as lines: a `[out N: kind]` line per output, then its text or summaries."""
    import re  # only where outputs are shown: not on the textconv view's start

    lines: list[str] = []
    for n, out in enumerate(outputs, 1):
        if not isinstance(out, dict):
            lines.append(f"[out {n}: {one_line(out, ascii_only=True, sort_keys=False)[:80]}]")
            continue
        kind = out.get("output_type")
        if kind == "stream":
            lines.append(f"[out {n}: {out.get('name', 'stream')}]")
            lines += _text(out.get("text", "")).splitlines()
        elif kind == "error":
            lines.append(f"[out {n}: error {out.get('ename', '')}: {out.get('evalue', '')}]")
            tb = out.get("traceback")
            lines += [re.sub(_ANSI, "", x) for t in (tb if isinstance(tb, list) else []) for x in _text(t).splitlines()]
        else:
            lines.append(f"[out {n}: {kind}]")
            lines += _bundle_lines(out.get("data", {}))
    return lines


def attachment_summaries(attachments: Any) -> dict[str, str]:
    """A cell's attachments as name -> summary line(s) of their mime bundles."""
    if not isinstance(attachments, dict):
        return {}
    return {name: "; ".join(summary(m, d) for m, d in sorted(bundle.items())) if isinstance(bundle, dict)
            else summary("?", bundle) for name, bundle in attachments.items()}
