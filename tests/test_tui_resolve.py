"""The terminal merge tool (nbteam.tui.resolve): pilot tests at 80x24 for every key, on real merges."""
from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
from pathlib import Path

import pytest

pytest.importorskip("textual")
pytest.importorskip("nbteam.merge.resolve", reason="the resolution API (ENGINE's nbteam/merge/resolve.py) is not here yet")

from helpers import make_nb, nbteam, write_nb  # noqa: E402
from tui_pilot import screen_text  # noqa: E402
from nbteam.merge.resolve import Side, resolve_all  # noqa: E402
from nbteam.notebook.conflicts import find_conflicts  # noqa: E402
from nbteam.notebook.io import read_notebook  # noqa: E402
from nbteam.tui.ask import AskScreen  # noqa: E402
from nbteam.tui.help import HelpScreen  # noqa: E402
from nbteam.tui.resolution import Session, changed_lines  # noqa: E402
from nbteam.tui.resolve import MergeApp, run_merge_tool  # noqa: E402

BASE = make_nb("import pandas as pd", "df = load()\ndf = df.dropna()\n", "plot(df)", "# notes\nfirst draft\n")
OURS = make_nb("import pandas as pd", "df = load()\ndf = df.fillna(0)\n", "plot(df, kind='bar')", "# notes\nfirst draft\n")
THEIRS = make_nb("import pandas as pd", "df = load()\ndf = df.dropna(how='all')\n", "plot(df, kind='line')",
                 "# notes\nfinal\n")


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    """A notebook nbteam merged with two source conflicts (cells 2 and 3) and one clean change (cell 4)."""
    for name, nb in (("base", BASE), ("ours", OURS), ("theirs", THEIRS)):
        write_nb(tmp_path / f"{name}.ipynb", nb)
    out = tmp_path / "merged.ipynb"
    p = nbteam("merge", *(str(tmp_path / f"{n}.ipynb") for n in ("base", "ours", "theirs")), "-o", str(out),
               "--style", "diff3")
    assert p.returncode == 1, p.stderr
    assert len(find_conflicts(read_notebook(out))) == 2
    return out


def sources(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


def run(coro):
    return asyncio.run(coro)


def tool(path: Path) -> MergeApp:
    return MergeApp(path, Session(read_notebook(path)))


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def test_screen_shows_list_sides_with_labels_and_the_cell(merged):
    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = screen_text(app)
            assert "conflict 1 of 2" in screen and "2 left" in screen
            lines = screen.splitlines()
            assert any("open" in l and "cell 2" in l and "source" in l for l in lines)
            assert any("cell 3" in l for l in lines)
            assert "base" in screen and "ours: " in screen and "theirs: " in screen
            assert "df.fillna(0)" in screen and "df.dropna(how='all')" in screen and "df.dropna()" in screen
            assert "cell 2 as it will be written" in screen and "<<<<<<<" in screen
            for word in ("ours", "theirs", "both", "edit", "undo", "next", "prev", "write", "quit", "help"):
                assert word in lines[-1], f"{word} missing from the footer: {lines[-1]!r}"
            # Changed lines are marked in the gutter: ours' changed line, not the shared one.
            ours_pane = app.resolver.query_one("#r-ours").render()
            assert "▌df = df.fillna(0)" in str(ours_pane) and "▌df = load()" not in str(ours_pane)
    run(go())


def test_take_theirs_on_each_and_write_exits_0(merged):
    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await press(pilot, "t")
            assert app.resolver.session.current == 1 and "took theirs" in app.resolver.status_message
            await press(pilot, "t")
            assert "all decided" in screen_text(app)
            await press(pilot, "w")
        return app.return_value

    assert run(go()) == 0
    assert [s.rstrip("\n") for s in sources(merged)] == [s.rstrip("\n") for s in sources_of(THEIRS)]
    assert sources(merged) == ["".join(c["source"]) for c in resolve_all(read_notebook(merged), Side.THEIRS)["cells"]]


def sources_of(nb: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]


@pytest.mark.parametrize("key, cell2, cell3", [
    ("o", "df = load()\ndf = df.fillna(0)\n", "plot(df, kind='bar')"),
    ("b", "df = load()\ndf = df.fillna(0)\ndf = df.dropna(how='all')\n", "plot(df, kind='bar')\nplot(df, kind='line')"),
])
def test_ours_and_both(merged, key, cell2, cell3):
    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await press(pilot, key, key, "w")
        return app.return_value

    assert run(go()) == 0
    got = sources(merged)
    assert got[1] == cell2 and got[2].rstrip("\n") == cell3.rstrip("\n") and got[3] == "# notes\nfinal\n"


def test_preview_shows_the_cell_as_it_will_be_written(merged):
    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await press(pilot, "o", "p")  # back to the first conflict, now decided
            preview = screen_text(app)
            assert "cell 2 as it will be written (ours)" in preview
            text = str(app.resolver.query_one("#r-preview").render())
            assert "df = df.fillna(0)" in text and "<<<<<<<" not in text
    run(go())


def test_undo_next_previous(merged):
    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            session = app.resolver.session
            await press(pilot, "n")
            assert session.current == 1
            await press(pilot, "n")
            assert session.current == 1 and "no next conflict" in app.resolver.status_message
            await press(pilot, "p", "p")
            assert session.current == 0 and "no previous conflict" in app.resolver.status_message
            await press(pilot, "t", "o")
            assert session.choices == {0: Side.THEIRS, 1: Side.OURS}
            await press(pilot, "u")
            assert session.choices == {0: Side.THEIRS} and session.current == 1
            await press(pilot, "u")
            assert session.choices == {} and session.current == 0
            await press(pilot, "u")
            assert "nothing to undo" in app.resolver.status_message
            await press(pilot, "q")  # nothing decided: quits at once
        return app.return_value

    assert run(go()) == 1


def test_write_with_conflicts_left_asks_first(merged):
    before = merged.read_text()

    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await press(pilot, "t", "w")
            assert isinstance(app.screen, AskScreen)
            assert "1 conflict(s) have no choice yet" in screen_text(app)
            await press(pilot, "n")
            assert app.screen is app.resolver and merged.read_text() == before
            await press(pilot, "w", "y")
        return app.return_value

    assert run(go()) == 1  # written, but a conflict is left
    nb = read_notebook(merged)
    assert len(find_conflicts(nb)) == 1 and sources(merged)[1] == "df = load()\ndf = df.dropna(how='all')\n"


def test_quit_writes_nothing_and_asks_when_choices_would_be_lost(merged):
    before = merged.read_text()

    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await press(pilot, "t", "q")
            assert isinstance(app.screen, AskScreen)
            await press(pilot, "escape")
            assert app.screen is app.resolver and app.is_running
            await press(pilot, "q", "y")
        return app.return_value

    assert run(go()) == 1
    assert merged.read_text() == before


def editor_script(tmp_path: Path, body: str) -> str:
    """An $EDITOR that replaces the file it is given with `body` (and records what it was given)."""
    script = tmp_path / "editor.py"
    script.write_text(f"import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      f"pathlib.Path({str(tmp_path / 'given.txt')!r}).write_text(p.read_text())\n"
                      f"p.write_text({body!r})\n")
    wrapper = tmp_path / "editor.sh"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} {script} \"$@\"\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return str(wrapper)


def test_edit_in_editor(merged, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, "df = df.dropna().fillna(0)\n"))
    monkeypatch.delenv("GIT_EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)

    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await press(pilot, "e")
            assert "edited" in app.resolver.status_message
            await press(pilot, "o", "w")
        return app.return_value

    assert run(go()) == 0
    given = (tmp_path / "given.txt").read_text()
    assert given.startswith("<<<<<<< ") and "df = df.fillna(0)" in given and "=======" in given
    assert sources(merged)[1] == "df = load()\ndf = df.dropna().fillna(0)\n"


def test_edit_that_keeps_markers_is_refused(merged, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_EDITOR", editor_script(tmp_path, "<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n"))

    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await press(pilot, "e")
            assert "still has conflict markers" in app.resolver.status_message
            assert app.resolver.session.choices == {}
            await press(pilot, "q")
        return app.return_value

    assert run(go()) == 1


def test_help_lists_the_keys_and_closes(merged):
    async def go():
        app = tool(merged)
        async with app.run_test(size=(80, 24)) as pilot:
            await press(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            assert "Esc, q or ? closes this help." in text and "take theirs" in text
            await press(pilot, "escape")
            assert app.screen is app.resolver and app.is_running
            await press(pilot, "q")
    run(go())


def test_changed_lines():
    assert changed_lines("a\nb\nc\n", "a\nB\nc\nd\n") == {1, 3}
    assert changed_lines(None, "a\nb\n") == {0, 1}
    assert changed_lines("a\n", "") == set()


def test_run_merge_tool_without_a_terminal_raises(merged):
    from nbteam.tui.terminal import NoTerminalError

    if os.isatty(0) and os.isatty(2):
        pytest.skip("run under a terminal: the check would pass")
    with pytest.raises(NoTerminalError):
        run_merge_tool(str(merged))


def test_crlf_and_bom_are_kept_and_the_write_is_checked(merged):
    from nbteam.tui.resolve import write_target

    raw = b"\xef\xbb\xbf" + merged.read_bytes().replace(b"\n", b"\r\n")
    merged.write_bytes(raw)

    async def go():
        app = MergeApp(merged, Session(read_notebook(merged)), write_target(str(merged), raw))
        async with app.run_test(size=(80, 24)) as pilot:
            await press(pilot, "t", "t", "w")
        return app.return_value

    assert run(go()) == 0
    data = merged.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf{\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert not find_conflicts(read_notebook(merged))


def test_write_target_refuses_a_symlink(merged, tmp_path):
    from nbteam.git.paths import UnsafePathError
    from nbteam.tui.resolve import write_target
    from helpers import git

    git(tmp_path, "init", "-q")
    link = tmp_path / "link.ipynb"
    link.symlink_to(merged)
    with pytest.raises(UnsafePathError):
        write_target(str(link), merged.read_bytes())


def test_marker_size_from_gitattributes(repo):
    from nbteam.git.labels import marker_sizes

    for name, nb in (("base", BASE), ("ours", OURS), ("theirs", THEIRS)):
        write_nb(repo / f"{name}.ipynb", nb)
    (repo / ".gitattributes").write_text("*.ipynb conflict-marker-size=5\n")
    out = repo / "merged.ipynb"
    assert nbteam("merge", *(str(repo / f"{n}.ipynb") for n in ("base", "ours", "theirs")), "-o", str(out),
                  "--marker-size", "5").returncode == 1
    size = marker_sizes([str(out)])[str(out)]
    assert size == 5 and not find_conflicts(read_notebook(out))  # 7-long markers: none found

    async def go():
        app = MergeApp(out, Session(read_notebook(out), size))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert len(app.resolver.session.conflicts) == 2
            await press(pilot, "o", "o", "w")
        return app.return_value

    assert run(go()) == 0
    assert sources(out)[1] == "df = load()\ndf = df.fillna(0)\n"


def test_inserted_cells_are_taken_as_blocks_and_not_edited(tmp_path, monkeypatch):
    """An insert/insert conflict in the tool: listed as one, `e` is refused with a hint, `t` then
    `w` writes their block without the marker cells."""
    import shutil

    golden = Path(__file__).parent / "golden" / "resolve" / "insert-insert"
    path = tmp_path / "nb.ipynb"
    shutil.copy(golden / "conflicted.ipynb", path)
    monkeypatch.setenv("EDITOR", "false")

    async def go():
        app = tool(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = screen_text(app)
            assert "conflict 1 of 1" in screen and "insert/insert" in screen and "HEAD ↔ feature" in screen
            await press(pilot, "e")
            assert "taken with o, t or b" in screen_text(app)
            await press(pilot, "t", "w")
        return app.return_value

    assert run(go()) == 0
    assert read_notebook(path) == read_notebook(golden / "theirs.ipynb")
