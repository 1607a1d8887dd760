"""Git's pkt-line framing and the long-running filter protocol (gitattributes "process", version 2).

One filter process serves every file of a git command: a handshake, a capability
exchange, then one request per file. Pure byte-stream code; the filter itself is a callable.
"""
from __future__ import annotations

from nbteam.errors import NbteamError

from collections.abc import Callable
from typing import BinaryIO

MAX_DATA = 65516  # largest payload of one packet (65520 bytes with its length prefix)
FLUSH = b"0000"

Filter = Callable[[bytes, str], bytes]  # (content, pathname) -> filtered content


class ProtocolError(NbteamError):
    """Git sent something the protocol does not allow."""


def read_packet(inp: BinaryIO) -> bytes | None:
    """One packet's payload; None for a flush packet; raise EOFError at end of input."""
    head = inp.read(4)
    if not head:
        raise EOFError
    if len(head) < 4:
        raise ProtocolError("truncated packet length")
    try:
        size = int(head, 16)
    except ValueError:
        raise ProtocolError(f"bad packet length {head!r}") from None
    if size == 0:
        return None
    if size < 4:
        raise ProtocolError(f"bad packet length {head!r}")
    data = inp.read(size - 4)
    if len(data) != size - 4:
        raise ProtocolError("truncated packet")
    return data


def read_text_list(inp: BinaryIO) -> list[str]:
    """Text packets up to the next flush, without their trailing newlines."""
    items = []
    while (pkt := read_packet(inp)) is not None:
        items.append(pkt.decode("utf-8", errors="surrogateescape").rstrip("\n"))
    return items


def read_content(inp: BinaryIO) -> bytes:
    """Binary packets up to the next flush, joined."""
    chunks = []
    while (pkt := read_packet(inp)) is not None:
        chunks.append(pkt)
    return b"".join(chunks)


def encode_packet(data: bytes) -> bytes:
    """One data packet."""
    return b"%04x" % (len(data) + 4) + data


def encode_text_list(items: list[str]) -> bytes:
    """Text packets (each with a newline) and a flush."""
    return b"".join(encode_packet(f"{item}\n".encode()) for item in items) + FLUSH


def encode_content(data: bytes) -> bytes:
    """Content split into maximal packets, and a flush."""
    return b"".join(encode_packet(data[i:i + MAX_DATA]) for i in range(0, len(data), MAX_DATA)) + FLUSH


def handshake(inp: BinaryIO, out: BinaryIO, capabilities: list[str]) -> list[str]:
    """Welcome and capability exchange; return the capabilities agreed on."""
    welcome = read_text_list(inp)
    if not welcome or welcome[0] != "git-filter-client" or "version=2" not in welcome[1:]:
        raise ProtocolError(f"unexpected welcome {welcome!r}")
    out.write(encode_text_list(["git-filter-server", "version=2"]))
    out.flush()
    offered = {item.partition("=")[2] for item in read_text_list(inp) if item.startswith("capability=")}
    agreed = [c for c in capabilities if c in offered]
    out.write(encode_text_list([f"capability={c}" for c in agreed]))
    out.flush()
    return agreed


def serve(inp: BinaryIO, out: BinaryIO, filters: dict[str, Filter]) -> int:
    """Run the protocol until git closes the pipe; return how many files were filtered."""
    handshake(inp, out, list(filters))
    served = 0
    while True:
        try:
            header = read_text_list(inp)
        except EOFError:
            return served
        keys = dict(item.partition("=")[::2] for item in header)
        content = read_content(inp)
        handler = filters.get(keys.get("command", ""))
        if handler is None:
            out.write(encode_text_list(["status=error"]))
            out.flush()
            continue
        try:
            result = handler(content, keys.get("pathname", ""))
        except Exception:  # a bug must not cost the user their `git add`: git keeps the content
            out.write(encode_text_list(["status=error"]))
            out.flush()
            continue
        out.write(encode_text_list(["status=success"]) + encode_content(result) + FLUSH)
        out.flush()
        served += 1
