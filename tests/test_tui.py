"""`nbteam tui` driven by Textual's pilot at 80x24 on real repositories."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

pytest.importorskip("textual")

from rich.syntax import Syntax  # noqa: E402
from textual.widgets import Tree  # noqa: E402

from helpers import git, make_nb, nbteam, write_nb  # noqa: E402
from tui_pilot import screen_text, settle  # noqa: E402
from nbteam.config import Config  # noqa: E402
from nbteam.scratch.manifest import read_manifest  # noqa: E402
from nbteam.tui.app import ScratchApp  # noqa: E402
from nbteam.tui.browser import SPINNER  # noqa: E402
from nbteam.tui.confirm import ConfirmDiff as ConfirmPromote  # noqa: E402
from nbteam.tui.help import HelpScreen  # noqa: E402
from nbteam.tui.model import CellRef  # noqa: E402

ADA = "scratch/ada/explore.ipynb"
GRACE = "scratch/grace/cleaning.ipynb"


def text_of(app: ScratchApp, selector: str) -> str:
    """The plain text a Static currently shows."""
    widget = app.browser.query_one(selector)
    # Static.content is Textual >= 2; before it, the same thing was Static.renderable.
    content = widget.content if hasattr(widget, "content") else widget.renderable
    if isinstance(content, Syntax):
        return content.code
    return getattr(content, "plain", str(content))


def visible_labels(app: ScratchApp) -> list[str]:
    """Tree lines a user can see now (children of collapsed nodes excluded)."""
    out = []

    def walk(node, depth):
        for child in node.children:
            out.append("  " * depth + child.label.plain)
            if child.is_expanded:
                walk(child, depth + 1)

    walk(app.browser.query_one("#tree", Tree).root, 0)
    return out


def cursor(app: ScratchApp):
    return app.browser.query_one("#tree", Tree).cursor_node.data


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def team(repo: Path) -> Path:
    """Ada's scratchpad with a plain cell, a new write cell and a new append cell; Grace's with one cell."""
    write_nb(repo / ADA, make_nb(
        "import pandas as pd",
        "%%writefile ../../teamlib/features.py\ndef add_one(x):\n    return x + 1\n",
        "%%writefile -a ../../teamlib/features.py\ndef double(x):\n    return 2 * x\n",
    ))
    write_nb(repo / GRACE, make_nb("%%writefile ../../teamlib/cleaning.py\ndef tidy(df):\n    return df\n", "df = tidy(df)"))
    return repo


def app_for(repo: Path, **kw) -> ScratchApp:
    return ScratchApp(repo, Config(), user=kw.pop("user", "ada"), **kw)


def test_empty_repository_says_how_to_create_a_scratchpad(repo):
    async def go():
        app = app_for(repo)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.browser.query_one("#empty").display and not app.browser.query_one("#tree").display
            message = text_of(app, "#empty")
            assert "No scratchpads yet" in message and "nbteam scratch new NAME" in message
            # Creating one and refreshing shows it, without restarting.
            assert nbteam("scratch", "new", "first", "--user", "ada", cwd=repo).returncode == 0
            await pilot.press("r")
            await settle(pilot)
            assert not app.browser.query_one("#empty").display
            assert any("first.ipynb" in l for l in visible_labels(app))
    run(go())


def test_tree_lists_users_notebooks_and_promotable_cells_with_marks(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.browser.loaded
            labels = visible_labels(app)
            assert labels[0].startswith("ada  (you)")
            assert labels[1:4] == ["  explore.ipynb +2", "    +  2 → features.py", "    +  3 -a features.py"]
            assert labels[4].startswith("grace") and labels[6] == "    +  1 → cleaning.py"
            assert not any("import pandas" in l for l in labels)  # only %%writefile cells by default
            svg = app.export_screenshot()
            for word in ("Promote", "Filter", "Refresh", "Help", "Quit"):
                assert word in svg  # the footer fits in 80 columns
    run(go())


def test_navigate_shows_source_and_diff(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            ref = cursor(app)
            assert isinstance(ref, CellRef) and ref.cell.key == "c1"  # the first promotable cell is selected
            assert text_of(app, "#source").startswith("%%writefile ../../teamlib/features.py\ndef add_one")
            assert "+def add_one(x):" in text_of(app, "#diff")
            assert "new: never promoted" in text_of(app, "#info")
            await pilot.press("down")
            await settle(pilot)
            assert cursor(app).cell.key == "c2"
            assert text_of(app, "#source").startswith("%%writefile -a")
            assert "+def double(x):" in text_of(app, "#diff")
            assert app.browser.query_one("#diff-pane").border_title == "diff: teamlib/features.py"
    run(go())


def test_promote_after_confirming_the_diff(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("p")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ConfirmPromote)
            assert "to teamlib/features.py" in screen.proposal.heading.plain
            assert "+def add_one(x):" in screen.proposal.diff
            assert not (team / "teamlib/features.py").exists()  # nothing written before confirming
            footer = screen_text(app).splitlines()[-1].lower()  # older Textual shows keys in capitals
            assert "y yes" in footer and "cancel" in footer and "overwrite" not in footer and "filter" not in footer
            await pilot.press("y")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmPromote)
            assert (team / "teamlib/features.py").read_text() == "def add_one(x):\n    return x + 1\n"
            [entry] = read_manifest(team, ".nbteam/promotions.jsonl").values()
            assert (entry.notebook, entry.cell, entry.user) == (ADA, "c1", "ada")
            assert "promoted" in app.browser.status_message
            # The tree now marks it in sync, and the cursor stayed on it.
            assert cursor(app).cell.key == "c1" and cursor(app).cell.state == "in sync"
            assert "    ✓  2 → features.py" in visible_labels(app)
            await pilot.press("p")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmPromote)
            assert "in sync" in app.browser.status_message
    run(go())


def test_cancel_writes_nothing(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("down", "p")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmPromote)
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmPromote)
            assert app.browser.status_message == "promotion cancelled"
            assert not (team / "teamlib").exists() and not (team / ".nbteam").exists()
    run(go())


def test_refused_promotion_needs_force(team):
    assert nbteam("promote", ADA, "--cell", "2", "--user", "ada", cwd=team).returncode == 0
    (team / "teamlib/features.py").write_text("def add_one(x):\n    return x + 1  # hand edit\n")
    nb = json.loads((team / ADA).read_text())
    nb["cells"][1]["source"] = "%%writefile ../../teamlib/features.py\ndef add_one(x):\n    return x + 2\n"
    (team / ADA).write_text(json.dumps(nb))

    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert cursor(app).cell.state == "module changed"
            assert "    !  2 → features.py" in visible_labels(app)
            await pilot.press("p")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmPromote)
            assert "changed outside nbteam" in app.screen.proposal.refusal
            assert app.screen.query_one("#refusal")
            footer = screen_text(app).splitlines()[-1].lower()
            assert "overwrite anyway" in footer and "yes" not in footer
            await pilot.press("y")  # plain yes cannot override a refusal
            await settle(pilot)
            assert isinstance(app.screen, ConfirmPromote)
            assert "hand edit" in (team / "teamlib/features.py").read_text()
            await pilot.press("f")
            await settle(pilot)
            assert (team / "teamlib/features.py").read_text() == "def add_one(x):\n    return x + 2\n"
            assert cursor(app).cell.state == "in sync"
    run(go())


def test_toggle_all_cells_and_filter(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            assert "    ·  1 import pandas as pd" in visible_labels(app)
            await pilot.press("a")
            await settle(pilot)
            assert not any("import pandas" in l for l in visible_labels(app))
            await pilot.press("slash")
            await settle(pilot)
            assert app.focused.id == "filter"
            await pilot.press(*"tidy")
            await settle(pilot)
            labels = visible_labels(app)
            assert labels[0].startswith("grace") and not any(l.startswith("ada") for l in labels)
            await pilot.press("q")  # typed into the filter, not a quit
            await settle(pilot)
            assert app.is_running and app.browser.filter_text == "tidyq"
            assert visible_labels(app) == ["no match for 'tidyq' (Esc clears)"]
            await pilot.press("escape")
            await settle(pilot)
            assert app.browser.filter_text == "" and app.focused.id == "tree"
            assert any(l.startswith("ada") for l in visible_labels(app))
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, HelpScreen)
            await pilot.press("q")
            await settle(pilot)
        assert not app.is_running
    run(go())


def test_branches_are_listed_read_only(team):
    git(team, "add", ".")
    git(team, "commit", "-qm", "scratchpads")
    git(team, "checkout", "-qb", "grace-work")
    write_nb(team / "scratch/grace/idea.ipynb", make_nb("%%writefile ../../teamlib/idea.py\nIDEA = 1\n"))
    git(team, "add", ".")
    git(team, "commit", "-qm", "grace's idea")
    git(team, "checkout", "-q", "main")
    assert not (team / "scratch/grace/idea.ipynb").exists()

    async def go():
        app = app_for(team, branches=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            labels = visible_labels(app)
            assert "⎇ grace-work  read-only" in labels
            tree = app.browser.query_one("#tree", Tree)
            node = next(n for n in _all_nodes(tree.root) if isinstance(n.data, CellRef) and n.data.notebook.path.endswith("idea.ipynb"))
            tree.go_to(node)
            await settle(pilot)
            assert "branch grace-work" in text_of(app, "#info")
            assert "+IDEA = 1" in text_of(app, "#diff")
            await pilot.press("p")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmPromote)
            assert "read-only" in app.browser.status_message
            assert not (team / "teamlib/idea.py").exists()
    run(go())


def _all_nodes(node):
    for child in node.children:
        yield child
        yield from _all_nodes(child)


def test_promote_sees_edits_made_after_the_tui_opened(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            nb = json.loads((team / ADA).read_text())
            nb["cells"][1]["source"] = "%%writefile ../../teamlib/features.py\nEDITED = True\n"
            (team / ADA).write_text(json.dumps(nb))
            await pilot.press("p")
            await settle(pilot)
            assert "+EDITED = True" in app.screen.proposal.diff
            await pilot.press("y")
            await settle(pilot)
            assert (team / "teamlib/features.py").read_text() == "EDITED = True\n"
    run(go())


def test_large_repository_opens_only_your_scratchpads(repo):
    many = [f"%%writefile ../../teamlib/m{i}.py\nX = {i}\n" for i in range(50)]
    write_nb(repo / "scratch/ada/big.ipynb", make_nb(*many))
    write_nb(repo / "scratch/zed/big.ipynb", make_nb(*many))

    async def go():
        app = app_for(repo)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            tree = app.browser.query_one("#tree", Tree)
            ada, zed = tree.root.children
            assert ada.is_expanded and len(ada.children[0].children) == 50
            assert not zed.is_expanded and not zed.children  # filled in only when opened
            tree.go_to(zed)
            await pilot.press("enter")
            await settle(pilot)
            assert zed.is_expanded and [n.label.plain for n in zed.children] == ["big.ipynb +50"]
            tree.go_to(zed.children[0])
            await pilot.press("enter")
            await settle(pilot)
            assert len(zed.children[0].children) == 50
    run(go())


# --- issue 12 item 4: a TUI a team can live in ------------------------------------------------


def test_first_paint_does_not_wait_for_the_scan(team, monkeypatch):
    import threading

    import nbteam.tui.browser as browser

    release, real_scan = threading.Event(), browser.scan_all
    monkeypatch.setattr(browser, "scan_all", lambda ws: (release.wait(10), real_scan(ws))[1])

    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            # Drawn while the scan is still running: a placeholder, the footer, and keys work.
            screen = screen_text(app)
            assert "reading scratchpads…" in screen and "Quit" in screen
            assert not app.browser.loaded
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            release.set()
            await settle(pilot)
            assert app.browser.loaded and visible_labels(app)[0].startswith("ada  (you)")
    run(go())


def test_diff_pane_wraps_so_the_end_of_a_long_changed_line_is_visible(team):
    head = "%%writefile ../../teamlib/long.py\nSETTINGS = dict(" + ", ".join(f"option_{i}={i}" for i in range(14))
    write_nb(team / ADA, make_nb(head + ", tail='OLDTAIL')\n"))
    assert nbteam("promote", ADA, "--cell", "1", "--user", "ada", cwd=team).returncode == 0
    write_nb(team / ADA, make_nb(head + ", tail='NEWTAIL')\n"))

    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "tail='NEWTAIL'" in text_of(app, "#diff")
            screen = screen_text(app).replace("\n", "")
            # Both changed ends are on screen, not cut off at the pane's edge.
            assert "OLDTAIL" in screen and "NEWTAIL" in screen
    run(go())


def test_tab_moves_focus_between_the_tree_and_the_panes(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.focused.id == "tree"
            order = []
            for _ in range(3):
                await pilot.press("tab")
                order.append(app.focused.id)
            assert order == ["source-pane", "diff-pane", "tree"]
            await pilot.press("shift+tab")
            assert app.focused.id == "diff-pane"
            await pilot.press("down", "p")  # keys still work from a pane
            await pilot.pause()
            assert isinstance(app.screen, ConfirmPromote)
    run(go())


def test_escape_clears_an_applied_filter(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "esc clear" not in screen_text(app).lower()  # nothing to clear yet
            await pilot.press("slash", *"tidy", "enter")
            await pilot.pause()
            assert app.focused.id == "tree" and app.browser.filter_text == "tidy"
            assert [l for l in visible_labels(app) if not l.startswith(" ")] == ["grace  +1"]
            footer = screen_text(app).splitlines()[-1].lower()  # older Textual shows "ESC"
            assert "esc clear" in footer and "q quit" in footer  # Esc is offered while a filter is applied
            await pilot.press("escape")
            await pilot.pause()
            assert app.browser.filter_text == "" and app.focused.id == "tree"
            assert any(l.startswith("ada") for l in visible_labels(app))
            assert "esc clear" not in screen_text(app).lower() and "filter:" not in screen_text(app)
            assert app.is_running  # Esc with nothing to clear does nothing either
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running and app.screen is app.browser
    run(go())


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
def test_help_says_how_to_close_it_and_closes(team, key):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert "Esc, q or ? closes this help." in screen_text(app)
            footer = screen_text(app).splitlines()[-1].lower()
            assert "close help" in footer and "filter" not in footer  # the dialog's keys, not the browser's
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.browser and app.is_running
    run(go())


@pytest.mark.parametrize("keys", [("p", "escape"), ("p", "n"), ("question_mark", "escape")])
def test_nothing_stray_on_screen_after_a_dialog(team, keys):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            before = screen_text(app).splitlines()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await settle(pilot)
            after = screen_text(app).splitlines()
            # Identical but for the status line (which may say "promotion cancelled").
            status = next(i for i, line in enumerate(after) if "promotion cancelled" in line) if keys[0] == "p" else None
            assert [l for i, l in enumerate(before) if i != status] == [l for i, l in enumerate(after) if i != status]
    run(go())


# --- issue 9 item 12: no terminal, no hang ---------------------------------------------------


@pytest.mark.parametrize("stdin", ["devnull", "tty"])
def test_tui_without_a_terminal_exits_2_with_one_line(team, stdin):
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    try:
        # stdin from /dev/null, or a real tty on stdin but stderr (where Textual draws) a pipe.
        p = subprocess.run([sys.executable, "-m", "nbteam", "tui", "--user", "ada"], cwd=team,
                           stdin=subprocess.DEVNULL if stdin == "devnull" else slave,
                           capture_output=True, text=True, timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("nbteam tui: needs a terminal")
    assert p.stdout == ""


# --- promotion re-checks and ownership (issue 9 item 6, issue 12 item 3) ---------------------


def test_promoting_someone_elses_cell_says_whose_it_is_and_records_both(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            tree = app.browser.query_one("#tree", Tree)
            node = next(n for n in _all_nodes(tree.root) if isinstance(n.data, CellRef) and n.data.user == "grace")
            tree.go_to(node)
            await press_and_settle(pilot, "p")
            assert isinstance(app.screen, ConfirmPromote)
            assert "This is grace's scratchpad: you (ada) act for them" in screen_text(app).replace("\n", " ")
            await press_and_settle(pilot, "y")
            assert (team / "teamlib/cleaning.py").exists()
    run(go())
    [entry] = read_manifest(team, ".nbteam/promotions.jsonl").values()
    assert (entry.notebook, entry.user, entry.owner) == (GRACE, "ada", "grace")


def test_a_module_changed_while_the_dialog_is_open_is_shown_again_not_overwritten(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press_and_settle(pilot, "p")
            assert isinstance(app.screen, ConfirmPromote)
            (team / "teamlib").mkdir()
            (team / "teamlib/features.py").write_text("TEAMMATE = 1\n")  # written behind the dialog's back
            await press_and_settle(pilot, "y")
            assert (team / "teamlib/features.py").read_text() == "TEAMMATE = 1\n"  # nothing overwritten
            assert isinstance(app.screen, ConfirmPromote) and "-TEAMMATE = 1" in app.screen.proposal.diff
            assert "changed on disk since the diff was shown" in app.browser.status_message
    run(go())


async def press_and_settle(pilot, *keys):
    await pilot.press(*keys)
    await settle(pilot)


# --- issue 12 items 1 and 2: copies flow back, module edits flow back (TUI keys) -------------


def test_u_merges_a_teammates_module_edit_into_the_cell(team):
    assert nbteam("promote", ADA, "--cell", "2", "--user", "ada", cwd=team).returncode == 0
    (team / "teamlib/features.py").write_text("def add_one(x):\n    return x + 1  # checked by grace\n")

    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert cursor(app).cell.key == "c1" and cursor(app).cell.state == "module changed"
            assert "u merges the module's edits" in text_of(app, "#info")
            await press_and_settle(pilot, "u")
            assert isinstance(app.screen, ConfirmPromote)
            assert "+    return x + 1  # checked by grace" in app.screen.proposal.diff
            assert "Update" in screen_text(app)
            await press_and_settle(pilot, "y")
            assert "merged" in app.browser.status_message
            assert cursor(app).cell.state == "in sync"
    run(go())
    nb = json.loads((team / ADA).read_text())
    assert "".join(nb["cells"][1]["source"]).endswith("return x + 1  # checked by grace\n")
    assert (team / "teamlib/features.py").read_text() == "def add_one(x):\n    return x + 1  # checked by grace\n"


def test_u_on_a_cell_with_nothing_to_merge_says_so(team):
    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press_and_settle(pilot, "u")
            assert not isinstance(app.screen, ConfirmPromote)
            assert "never promoted" in app.browser.status_message
    run(go())


TEAM_NB = "analysis.ipynb"
COPY_NB = "scratch/ada/analysis.ipynb"


def test_a_copys_changed_cell_is_listed_and_p_merges_it_into_the_origin(repo):
    write_nb(repo / TEAM_NB, make_nb("import pandas as pd", "df = pd.read_csv('sales.csv')", "df.describe()"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "team notebook")
    assert nbteam("scratch", "new", "--from", TEAM_NB, "--user", "ada", cwd=repo).returncode == 0
    nb = json.loads((repo / COPY_NB).read_text())
    nb["cells"][1]["source"] = "df = pd.read_csv('sales.csv', parse_dates=['date'])"
    (repo / COPY_NB).write_text(json.dumps(nb))

    async def go():
        app = app_for(repo)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            labels = visible_labels(app)
            assert "  analysis.ipynb ⇡1" in labels
            assert "    ⇡~  2 df = pd.read_csv('sales.csv', parse…" in labels
            tree = app.browser.query_one("#tree", Tree)
            tree.go_to(next(n for n in _all_nodes(tree.root) if n.data is not None and n.data.KIND == "copy cell"))
            await settle(pilot)
            assert "changed in copy: flows back into analysis.ipynb" in text_of(app, "#info")
            await press_and_settle(pilot, "p")
            assert isinstance(app.screen, ConfirmPromote), app.browser.status_message
            assert "merges cleanly" in app.screen.proposal.heading.plain
            assert "+df = pd.read_csv('sales.csv', parse_dates=['date'])" in app.screen.proposal.diff
            await press_and_settle(pilot, "y")
            assert "merged into analysis.ipynb" in app.browser.status_message
            assert "    ⇡✓  2 df = pd.read_csv('sales.csv', parse…" in visible_labels(app)
    run(go())
    team = json.loads((repo / TEAM_NB).read_text())
    assert "".join(team["cells"][1]["source"]) == "df = pd.read_csv('sales.csv', parse_dates=['date'])"


def test_a_scan_that_fails_is_a_warning_not_a_crash(team, monkeypatch):
    import nbteam.tui.browser as browser
    from nbteam.errors import NbteamError

    def fail(root, config):
        raise NbteamError("scratch is not a folder")

    monkeypatch.setattr(browser, "scan_worktree", fail)

    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.is_running and app.browser.loaded
            assert app.browser.status_message == "warning: could not read the scratchpads: scratch is not a folder"
    run(go())


def test_long_labels_are_cut_at_the_tree_edge_without_a_scrollbar(team):
    write_nb(team / ADA, make_nb("x = 'a long first line that does not fit in the tree column at all, not even close'"))

    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press_and_settle(pilot, "a")
            assert any("a long first line" in label for label in visible_labels(app))
            assert not app.browser.query_one("#tree").show_horizontal_scrollbar
    run(go())


# --- issue 19 item 7: the filter, the first cursor, copies listed once, writes in workers, origins --


def copies_repo(repo: Path) -> Path:
    """A team notebook with copies by ada (cell 2 changed) and grace (cell 3 changed), and grace's module cell."""
    write_nb(repo / TEAM_NB, make_nb("import pandas as pd", "df = pd.read_csv('sales.csv')", "df.describe()"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "team notebook")
    for user, cell, source in (("ada", 1, "df['share'] = df.sales / df.sales.sum()"),
                               ("grace", 2, "df.describe(include='all')")):
        assert nbteam("scratch", "new", "--from", TEAM_NB, "--user", user, cwd=repo).returncode == 0
        path = repo / f"scratch/{user}/analysis.ipynb"
        nb = json.loads(path.read_text())
        nb["cells"][cell]["source"] = source
        path.write_text(json.dumps(nb))
    write_nb(repo / GRACE, make_nb("%%writefile ../../teamlib/cleaning.py\ndef tidy(df):\n    return df\n"))
    return repo


def test_filter_searches_cell_sources_not_only_names(team):
    write_nb(team / ADA, make_nb("shares = df.sales / df.sales.sum()",
                                 "%%writefile ../../teamlib/features.py\ndef add_one(x):\n    return x + 1\n"))

    labels, screen = labels_after(team, "slash", *"share")
    assert not any(l.startswith("no match") for l in labels), labels
    assert "    ·  1 shares = df.sales / df.sales.sum()" in labels
    assert not any("features.py" in l or l.startswith("grace") for l in labels)
    assert "no match" not in screen


def test_filter_finds_a_copys_cell_by_its_source(repo):
    labels, _ = labels_after(copies_repo(repo), "slash", *"share")
    assert any("⇡~  2 df['share']" in l for l in labels), labels
    assert not any("include='all'" in l for l in labels)


def labels_after(repo: Path, *keys: str) -> tuple[list[str], str]:
    """The tree's visible labels and the screen once keys are pressed after the first scan."""
    async def go():
        app = app_for(repo)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press_and_settle(pilot, *keys)
            return visible_labels(app), screen_text(app)
    return run(go())


def test_cursor_starts_on_your_own_first_cell(repo):
    from nbteam.config import resolve_user

    copies_repo(repo)
    me = resolve_user(repo)  # user.email ada@example.com
    assert me == "ada"

    async def go():
        app = ScratchApp(repo, Config(), user=me)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            ref = cursor(app)
            assert (ref.KIND, ref.user, ref.branch) == ("copy cell", "ada", None), ref
            assert "df['share']" in text_of(app, "#source")
    run(go())


def test_cursor_starts_on_your_own_notebook_when_it_lists_no_cell(team):
    write_nb(team / "scratch/zoe/notes.ipynb", make_nb("x = 1"))

    async def go():
        app = app_for(team, user="zoe")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert cursor(app).user == "zoe"
    run(go())


def test_all_cells_mode_lists_each_copy_cell_once(repo):
    labels, _ = labels_after(copies_repo(repo), "a")
    at = labels.index("ada  (you) ")
    assert labels[at + 1:at + 6] == ["  analysis.ipynb ⇡1", "    ·  1 import pandas as pd",
                                     "    ⇡~  2 df['share'] = df.sales / df.sales.s…", "    ·  3 df.describe()",
                                     "grace  +1"]


def test_copies_are_grouped_under_the_team_notebook_they_flow_back_into(repo):
    copies_repo(repo)

    async def go():
        app = app_for(repo)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            labels = visible_labels(app)
            at = labels.index("⇡ analysis.ipynb ⇡2")
            assert labels[at + 1:at + 5] == ["  ada  (you) ⇡1", "    ⇡~  2 df['share'] = df.sales / df.sales.s…",
                                             "  grace ⇡1", "    ⇡~  3 df.describe(include='all')"]
            assert labels.index("⇡ analysis.ipynb ⇡2") > max(i for i, l in enumerate(labels) if l.startswith("grace"))
            # Promote grace's cell from the group: it merges into the team notebook and stays listed (⇡✓).
            tree = app.browser.query_one("#tree", Tree)
            node = next(n for n in _all_nodes(tree.root) if n.data is not None and n.data.KIND == "origin cell"
                        and n.data.user == "grace")
            tree.go_to(node)
            await settle(pilot)
            assert "flows back into analysis.ipynb" in text_of(app, "#info")
            await press_and_settle(pilot, "p")
            assert isinstance(app.screen, ConfirmPromote)
            await press_and_settle(pilot, "y")
            assert "merged into analysis.ipynb" in app.browser.status_message
            ref = cursor(app)
            assert (ref.KIND, ref.user) == ("origin cell", "grace") and ref.copy.state == "in sync with origin"
            assert "⇡ analysis.ipynb ⇡1" in visible_labels(app)
    run(go())
    assert "".join(json.loads((repo / TEAM_NB).read_text())["cells"][2]["source"]) == "df.describe(include='all')"


def _block(monkeypatch, module, name):
    """Make module.name (a function, or a method of a class) wait for the returned event (at most 10 s) before it runs."""
    import threading

    release, real = threading.Event(), getattr(module, name)

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)
    return release


def test_promotion_runs_in_a_worker_and_the_ui_stays_responsive(team, monkeypatch):
    import nbteam.tui.flows as flows

    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            reading = _block(monkeypatch, flows, "fresh_cell")
            await pilot.press("p")
            await pilot.pause()
            assert "reading cell 2" in screen_text(app)  # the work in progress is shown
            assert app.browser.busy and any(f"{frame} reading cell 2" in screen_text(app) for frame in SPINNER)
            await pilot.press("question_mark")  # keys still work meanwhile
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            reading.set()
            await settle(pilot)
            assert isinstance(app.screen, ConfirmPromote) and app.browser.busy is None
            writing = _block(monkeypatch, flows.PromoteFlow, "apply")
            await pilot.press("y")
            await pilot.pause()
            await pilot.pause()
            assert "promoting cell 2" in screen_text(app)
            assert not (team / "teamlib/features.py").exists()
            await pilot.press("down")  # the tree still moves
            await pilot.pause()
            assert cursor(app).cell.key == "c2"
            await pilot.press("p")  # a second write waits for the first
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmPromote) and "busy" in app.browser.status_message
            writing.set()
            await settle(pilot)
            assert (team / "teamlib/features.py").read_text() == "def add_one(x):\n    return x + 1\n"
            assert "promoted" in app.browser.status_message and app.browser.busy is None
            assert cursor(app).cell.key == "c2"  # the reload keeps the cursor where the user moved it
    run(go())


@pytest.mark.parametrize("where", ["fresh_cell", "PromoteFlow.apply"])
def test_a_failing_write_is_one_line_in_the_status_not_a_traceback(team, monkeypatch, where):
    import nbteam.tui.flows as flows
    from nbteam.errors import NbteamError

    def fail(*args, **kwargs):
        raise NbteamError("teamlib is read-only\n(second line)")

    owner, _, name = where.rpartition(".")
    monkeypatch.setattr(getattr(flows, owner) if owner else flows, name, fail)

    async def go():
        app = app_for(team)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press_and_settle(pilot, "p")
            if where == "PromoteFlow.apply":
                await press_and_settle(pilot, "y")
            assert app.is_running and app.screen is app.browser
            assert app.browser.status_message == "teamlib is read-only; (second line)"
            assert app.browser.busy is None
    run(go())


def test_docs_state_the_textual_floor_of_setup_cfg():
    import re

    root = Path(__file__).resolve().parent.parent
    [floor] = re.findall(r"^\s*textual>=([\d.]+)\s*$", (root / "setup.cfg").read_text(), re.M)
    assert f"It needs Textual {floor} or later" in (root / "docs/tui.md").read_text()
