"""One error path: the fast path (merge driver, hooks) fails the way every other command does (issue 15, item 4)."""
from __future__ import annotations

import pytest

from nbteam import cli
from nbteam.commands import hook
from nbteam.errors import NbteamError


@pytest.mark.parametrize("error, code, line", [(NbteamError("the settings are broken"), 2, "the settings are broken"),
                                               (ModuleNotFoundError("x", name="nbformat"), 2, "cannot import nbformat"),
                                               (KeyboardInterrupt(), 130, ""), (BrokenPipeError(), 0, "")])
def test_the_fast_path_fails_in_the_one_handler(monkeypatch, capsys, error, code, line):
    def fail(argv: list[str]) -> int:
        raise error

    monkeypatch.setattr(hook, "fast_run", fail)
    assert cli.main(["hook", "pre-commit"]) == code
    err = capsys.readouterr().err
    assert line in err and "Traceback" not in err and len(err.splitlines()) <= 1
    if line:
        assert err.startswith("nbteam hook: ")
