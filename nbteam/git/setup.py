"""What `nbteam init` writes and `nbteam uninstall` removes, as pure functions over text.

Git config values are set through pygit2 (in cmd_init); this module decides the values,
edits `.gitattributes` text line by line, and drops the empty `[merge "nbteam"]`-style
section headers that libgit2 (like `git config --unset`) leaves behind.
"""
from __future__ import annotations

import os
import re
import shlex

DRIVER = "nbteam"
ATTR_PATTERN = "*.ipynb"
LINE_WITH_FILTER = f"{ATTR_PATTERN} merge={DRIVER} diff={DRIVER} filter={DRIVER}"
LINE_NO_FILTER = f"{ATTR_PATTERN} merge={DRIVER} diff={DRIVER}"
OUR_LINES = (LINE_WITH_FILTER, LINE_NO_FILTER)
OUR_SECTIONS = (("merge", DRIVER), ("diff", DRIVER), ("filter", DRIVER))
# Cell headers of the textconv view ("# %% [code] cell 3"): git shows them in hunk headers.
XFUNCNAME = r"^# %% \[.*$"

_SAFE_PATH = re.compile(r"^[A-Za-z0-9_@%+=:,./ ~()\[\]{}-]+$")


def quote_program(path: str) -> str:
    """The interpreter path quoted for the POSIX shell git runs drivers with (spaces are fine)."""
    if os.name == "nt":
        path = path.replace("\\", "/")  # git for Windows runs sh: forward slashes survive quoting
    if _SAFE_PATH.match(path):
        return f'"{path}"'
    return shlex.quote(path)


def config_values(python: str, with_filter: bool = True) -> dict[str, str]:
    """Every git config key nbteam registers, with its value, for the given interpreter."""
    run = f"{quote_program(python)} -m nbteam"
    values = {
        "merge.nbteam.name": "nbteam: cell-aware notebook merge",
        "merge.nbteam.driver": f"{run} merge-driver %O %A %B %L %P",
        "diff.nbteam.command": f"{run} diff-driver",
        "diff.nbteam.textconv": f"{run} diff-driver --textconv",
        "diff.nbteam.xfuncname": XFUNCNAME,
    }
    if with_filter:
        values["filter.nbteam.clean"] = f"{run} clean %f"
        values["filter.nbteam.process"] = f"{run} filter-process"
    return values


def all_keys() -> list[str]:
    """Every key any form of `nbteam init` may set (what uninstall removes)."""
    return list(config_values("python", with_filter=True))


def _eol(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _split(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def attribute_line(with_filter: bool) -> str:
    """The `.gitattributes` line init writes."""
    return LINE_WITH_FILTER if with_filter else LINE_NO_FILTER


def add_attribute_line(text: str, with_filter: bool = True) -> tuple[str, str]:
    """Text with nbteam's line present (replacing the other nbteam form in place); and what changed."""
    want = attribute_line(with_filter)
    lines = _split(text)
    stripped = [line.rstrip("\r\n") for line in lines]
    if want in stripped:
        return text, ""
    for i, line in enumerate(stripped):
        if line in OUR_LINES:
            ending = lines[i][len(line):]
            lines[i] = want + ending
            return "".join(lines), f"replaced `{line}` with `{want}`"
    if text and not text.endswith(("\n", "\r")):
        # No final newline: keep it that way, so removing the line restores the bytes.
        return text + _eol(text) + want, f"added `{want}`"
    return text + want + _eol(text), f"added `{want}`"


def remove_attribute_lines(text: str) -> tuple[str, list[str]]:
    """Text without the lines init writes (any form); and the lines removed."""
    lines = _split(text)
    keep: list[str] = []
    removed: list[str] = []
    for i, line in enumerate(lines):
        bare = line.rstrip("\r\n")
        if bare in OUR_LINES:
            removed.append(bare)
            if bare == line and keep:
                # Our line ended the file without a newline: it was added after the previous one's.
                prev = keep[-1]
                keep[-1] = prev[:-2] if prev.endswith("\r\n") else prev[:-1]
            continue
        keep.append(line)
    return "".join(keep), removed


def other_ipynb_attributes(text: str) -> list[str]:
    """Lines of a `.gitattributes` text, other than nbteam's, that set merge/diff/filter for *.ipynb."""
    found = []
    for line in _split(text):
        bare = line.strip()
        if not bare or bare.startswith("#") or bare in OUR_LINES:
            continue
        parts = bare.split()
        if parts[0] in (ATTR_PATTERN, "**/*.ipynb", "*") and any(
            re.match(r"^[-!]?(merge|diff|filter)(=|$)", p) for p in parts[1:]
        ):
            found.append(bare)
    return found


_HEADER = re.compile(r'^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(?:[#;].*)?$')


def _section_of(line: str) -> tuple[str, str] | None:
    m = _HEADER.match(line.rstrip("\r\n"))
    if not m:
        return None
    return m.group(1).lower(), (m.group(2) or "")


def drop_empty_sections(text: str, sections=OUR_SECTIONS) -> tuple[str, list[str]]:
    """Config text without headers of the given sections that have no entries left."""
    lines = _split(text)
    out: list[str] = []
    dropped: list[str] = []
    i = 0
    while i < len(lines):
        sec = _section_of(lines[i])
        if sec in sections:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j == len(lines) or _section_of(lines[j]) is not None:
                dropped.append(f'[{sec[0]} "{sec[1]}"]')
                i += 1  # drop the header; blank lines after it stay (they were the user's)
                continue
        out.append(lines[i])
        i += 1
    return "".join(out), dropped


def global_attributes_path(configured: str | None, env: dict[str, str] | None = None) -> str:
    """Where git reads user-level attributes: core.attributesFile, else $XDG_CONFIG_HOME/git/attributes."""
    env = os.environ if env is None else env
    if configured:
        return os.path.expanduser(configured)
    xdg = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(xdg, "git", "attributes")


def global_config_path(env: dict[str, str] | None = None) -> str:
    """The file `git config --global` writes: ~/.gitconfig, or the XDG file if only that exists."""
    env = os.environ if env is None else env
    if env.get("GIT_CONFIG_GLOBAL"):
        return env["GIT_CONFIG_GLOBAL"]
    home = os.path.expanduser("~")
    dot = os.path.join(home, ".gitconfig")
    xdg = os.path.join(env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "git", "config")
    if not os.path.exists(dot) and os.path.exists(xdg):
        return xdg
    return dot
