"""Rich renderables the TUI shows: highlighted sources and diffs, with lexers made once."""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from rich.syntax import Syntax
from rich.text import Text

if TYPE_CHECKING:
    from pygments.lexer import Lexer  # type: ignore[import-untyped]

THEME = "ansi_dark"


@cache
def lexer(kind: str) -> Lexer:
    """A shared Pygments lexer for "python", "markdown" or "diff", made on first use.

    Rich's Syntax looks a lexer up by name (and builds a new one) on every render; one instance
    per kind skips that, and its regular expressions are compiled once.
    """
    options = dict(stripnl=False, ensurenl=True, tabsize=4)  # what Syntax(code, name) passes
    if kind == "python":
        from nbteam.tui.fastlex import FastPythonLexer

        return FastPythonLexer(**options)
    if kind == "markdown":
        from pygments.lexers.markup import MarkdownLexer  # type: ignore[import-untyped]

        return MarkdownLexer(**options)
    from pygments.lexers.diff import DiffLexer  # type: ignore[import-untyped]

    return DiffLexer(**options)


def source_renderable(source: str, cell_type: str) -> Syntax:
    """A cell's source, highlighted as Python (code) or Markdown, with line numbers, wrapped."""
    return Syntax(source or " ", lexer("python" if cell_type == "code" else "markdown"),
                  theme=THEME, line_numbers=True, word_wrap=True)


def diff_renderable(diff: str, empty: str = "No changes: the module already holds this cell.") -> Syntax | Text:
    """A unified diff with diff colouring, wrapped so the end of a long changed line stays visible."""
    if not diff:
        return Text(empty, style="dim")
    return Syntax(diff, lexer("diff"), theme=THEME, word_wrap=True)
