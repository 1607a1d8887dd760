"""A faster-to-compile Python lexer: the one place nbteam relies on a Pygments internal.

Pygments compiles a lexer's regular expressions once per process, and for Python that was most
of the cost of the TUI's first highlighted cell: six rules match names with the Unicode XID
classes, and `re` expands each of those 130,000-character classes code point by code point.
`FastPythonLexer` matches names with `\\w` (a built-in category) plus the few XID characters it
lacks (combining marks, connectors): every name PythonLexer matches, the same tokens for real
code, at a fraction of the compile time.

It finds those rules through `PythonLexer.uni_name`, an undocumented class attribute.
tests/test_tui_fastlex.py fails when that internal moves; until this module is updated the
lexer still works, it is just the plain (slower to compile) PythonLexer.
"""
from __future__ import annotations

from typing import Any

from pygments import unistring  # type: ignore[import-untyped]
from pygments.lexers.python import PythonLexer  # type: ignore[import-untyped]

# The Pygments internal this module depends on: the pattern PythonLexer uses for names.
INTERNAL = "uni_name"

FAST_NAME = (r"[^\W\d\u1885\u1886\u2118\u212e]"
             r"[\w\u00b7\u0387\u203f\u2040\u2054\u2118\u212e\ufe33\ufe34\ufe4d-\ufe4f\uff3f"
             + unistring.Mn + unistring.Mc + "]*")


def slow_name_pattern() -> str | None:
    """PythonLexer's name pattern, or None when Pygments no longer exposes it."""
    pattern = getattr(PythonLexer, INTERNAL, None)
    return pattern if isinstance(pattern, str) else None


def _faster(rule: Any, slow: str) -> Any:
    """One token rule with the slow name pattern swapped for FAST_NAME (other rules unchanged)."""
    if isinstance(rule, tuple) and rule and type(rule[0]) is str and slow in rule[0]:
        return (rule[0].replace(slow, FAST_NAME),) + rule[1:]
    return rule


def fast_tokens() -> dict[str, list[Any]]:
    """PythonLexer's token table with every name rule made fast (the table itself if it cannot be)."""
    slow = slow_name_pattern()
    if slow is None:
        return dict(PythonLexer.tokens)
    return {state: [_faster(rule, slow) for rule in rules] for state, rules in PythonLexer.tokens.items()}


def replaced_rules() -> int:
    """How many of PythonLexer's rules FastPythonLexer changes (0 means no speed-up)."""
    return sum(a is not b for state, rules in PythonLexer.tokens.items()
               for a, b in zip(rules, FastPythonLexer.tokens[state]))


class FastPythonLexer(PythonLexer):
    """PythonLexer with names matched by FAST_NAME (see the module docstring)."""

    name = "Python (nbteam fast names)"
    tokens = fast_tokens()
