"""carry_outputs (pure): which cells of a new notebook get the old copy's outputs."""
from __future__ import annotations

import copy

from helpers import make_nb

from nbteam.notebook.outputs import carry_outputs, has_outputs


def _ran(nb: dict) -> dict:
    nb = copy.deepcopy(nb)
    for n, cell in enumerate(nb["cells"], start=1):
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": f"out {cell['source']}"}]
        cell["execution_count"] = n
        cell["metadata"]["collapsed"] = True  # view state travels with the outputs
    return nb


def _texts(nb: dict) -> list[str | None]:
    return [c["outputs"][0]["text"] if c.get("outputs") else None for c in nb["cells"]]


def test_unchanged_cells_get_outputs_changed_cells_do_not():
    old = _ran(make_nb("a", "b", "c"))
    new, n = carry_outputs(old, make_nb("a", "B", "c"))
    assert _texts(new) == ["out a", None, "out c"] and n == 2
    assert new["cells"][0]["execution_count"] == 1 and new["cells"][0]["metadata"] == {"collapsed": True}
    assert new["cells"][1]["execution_count"] is None and new["cells"][1]["metadata"] == {}


def test_matched_by_id_first_so_a_moved_or_copied_source_does_not_steal():
    old = _ran(make_nb("x", "y"))
    new_nb = make_nb("y", "x")
    new_nb["cells"][0]["id"], new_nb["cells"][1]["id"] = "c1", "c0"  # the cells moved, ids came along
    new, _ = carry_outputs(old, new_nb)
    assert _texts(new) == ["out y", "out x"]
    same_id_changed = make_nb("x changed", "y")
    assert _texts(carry_outputs(old, same_id_changed)[0]) == [None, "out y"]  # the id says: changed


def test_without_ids_matched_by_content_each_old_cell_once():
    old = _ran(make_nb("r", "r", "s", ids=False))
    new, n = carry_outputs(old, make_nb("r", "s", "r", "r", ids=False))
    assert _texts(new) == ["out r", "out s", "out r", None] and n == 3


def test_metadata_that_matters_counts_as_a_change():
    old = _ran(make_nb("a"))
    new_nb = make_nb("a")
    new_nb["cells"][0]["metadata"] = {"tags": ["parameters"]}
    assert _texts(carry_outputs(old, new_nb)[0]) == [None]
    new_nb["cells"][0]["metadata"] = {"scrolled": True}  # view state only: same cell
    assert _texts(carry_outputs(old, new_nb)[0]) == ["out a"]


def test_own_outputs_are_kept_and_inputs_untouched():
    old = _ran(make_nb("a"))
    mine = _ran(make_nb("a"))
    mine["cells"][0]["outputs"][0]["text"] = "mine"
    before_old, before_new = copy.deepcopy(old), copy.deepcopy(mine)
    assert _texts(carry_outputs(old, mine)[0]) == ["mine"]
    assert old == before_old and mine == before_new
    assert has_outputs(old) and not has_outputs(make_nb("a"))


def test_duplicate_ids_fall_back_to_content():
    old = _ran(make_nb("p", "q"))
    for cell in old["cells"]:
        cell["id"] = "same"
    new_nb = make_nb("q", "p")
    for cell in new_nb["cells"]:
        cell["id"] = "same"
    assert _texts(carry_outputs(old, new_nb)[0]) == ["out q", "out p"]


def test_a_new_cell_never_gets_an_old_cells_output_however_alike():
    """Issue 16 item 9: a teammate's new `df.head()` (new id) after a new `load(2)` gets nothing."""
    old = _ran(make_nb("df = load(1)", "df.head()"))
    new_nb = make_nb("df = load(2)", "df.head()")
    new_nb["cells"][0]["id"], new_nb["cells"][1]["id"] = "n0", "n1"
    new, n = carry_outputs(old, new_nb)
    assert _texts(new) == [None, None] and n == 0
    no_ids = make_nb("df = load(2)", "df.head()", ids=False)  # no ids on the new side: content decides
    assert _texts(carry_outputs(old, no_ids)[0]) == [None, "out df.head()"]


def test_a_duplicated_id_picks_only_among_its_own_cells():
    old = _ran(make_nb("p", "q", "r"))
    old["cells"][1]["id"] = "c0"  # c0 twice: p and q
    new_nb = make_nb("q", "r")
    new_nb["cells"][0]["id"], new_nb["cells"][1]["id"] = "c0", "zz"
    assert _texts(carry_outputs(old, new_nb)[0]) == ["out q", None]
