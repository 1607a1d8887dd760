"""The TUI's one reliance on a Pygments internal (PythonLexer.uni_name): fails when it moves."""
from __future__ import annotations

import pytest

pytest.importorskip("pygments")

from pygments.lexers.python import PythonLexer  # noqa: E402

from nbteam.tui import fastlex  # noqa: E402

CODE = '''\
@decorator
class Größe(Base):
    """Docstring."""
    def _private(self, x_1, ñame, 変数=3, *args, **kw):
        from os import path as p
        import collections.abc
        return x_1 + ñame + 変数 + self.attr  # comment
'''


def test_the_pygments_internal_is_still_there():
    # If this fails, Pygments renamed or removed PythonLexer.uni_name: update nbteam/tui/fastlex.py.
    assert fastlex.slow_name_pattern() is not None, "PythonLexer.uni_name moved"
    assert fastlex.replaced_rules() >= 5, "FastPythonLexer no longer replaces PythonLexer's name rules"


def test_fast_lexer_gives_the_same_tokens():
    fast = list(fastlex.FastPythonLexer().get_tokens(CODE))
    assert fast == list(PythonLexer().get_tokens(CODE))
    names = {text for token, text in fast if "Name" in str(token)}
    assert {"Größe", "ñame", "変数", "_private"} <= names


def test_without_the_internal_it_is_plain_python_lexing(monkeypatch):
    monkeypatch.delattr(PythonLexer, fastlex.INTERNAL)
    assert fastlex.slow_name_pattern() is None
    assert fastlex.fast_tokens() == dict(PythonLexer.tokens)
