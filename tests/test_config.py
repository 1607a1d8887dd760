"""Config: [tool.nbteam] in pyproject.toml or .nbteam.toml, defaults, user slugs, writing defaults."""
from __future__ import annotations

import sys

import pytest

from helpers import git
from nbteam.config import (
    Config,
    ConfigError,
    find_repo_root,
    load_config,
    resolve_user,
    slugify,
    write_default_config,
)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_missing_config_means_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config == Config()
    assert (config.scratch_dir, config.manifest, config.keep_outputs) == ("scratch", ".nbteam/promotions.jsonl", False)
    assert config.source is None


def test_pyproject_without_nbteam_table_means_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(tmp_path) == Config()


def test_pyproject_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.nbteam]\nscratch_dir = "play/ground"\nkeep_outputs = true\nfuture_key = 1\n'
    )
    config = load_config(tmp_path)
    assert config.scratch_dir == "play/ground"
    assert config.keep_outputs is True
    assert config.manifest == ".nbteam/promotions.jsonl"
    assert config.source == "pyproject.toml"
    assert config.unknown_keys == ("future_key",)


def test_dotfile_used_only_without_pyproject(tmp_path):
    (tmp_path / ".nbteam.toml").write_text('scratch_dir = "sandbox"\n')
    config = load_config(tmp_path)
    assert (config.scratch_dir, config.source, config.warning) == ("sandbox", ".nbteam.toml", None)
    # Same rule as the merge driver's keep_outputs: a pyproject.toml makes .nbteam.toml ignored, visibly.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    config = load_config(tmp_path)
    assert config.scratch_dir == "scratch"
    assert ".nbteam.toml is ignored" in config.warning
    (tmp_path / "pyproject.toml").write_text('[tool.nbteam]\nscratch_dir = "from-pyproject"\n')
    assert load_config(tmp_path).scratch_dir == "from-pyproject"


@pytest.mark.parametrize("line, words", [
    ("scratch_dir = 3", "scratch_dir must be a str"),
    ("keep_outputs = 1", "keep_outputs must be a bool"),
    ('scratch_dir = "../outside"', "inside the repository"),
    ('manifest = "/etc/promotions.jsonl"', "inside the repository"),
])
def test_bad_values_are_clear_errors(tmp_path, line, words):
    (tmp_path / "pyproject.toml").write_text(f"[tool.nbteam]\n{line}\n")
    with pytest.raises(ConfigError, match=words):
        load_config(tmp_path)


def test_invalid_toml_is_a_config_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.nbteam\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path)


def test_write_defaults_appends_table_to_pyproject_and_is_idempotent(tmp_path):
    original = '[project]\nname = "x"\n\n[tool.black]\nline-length = 100\n'
    (tmp_path / "pyproject.toml").write_text(original)
    what = write_default_config(tmp_path)
    assert what and "pyproject.toml" in what
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(original)
    doc = tomllib.loads(text)
    assert doc["tool"]["nbteam"] == {"scratch_dir": "scratch", "manifest": ".nbteam/promotions.jsonl", "keep_outputs": False}
    assert doc["tool"]["black"] == {"line-length": 100}
    assert write_default_config(tmp_path) is None
    assert (tmp_path / "pyproject.toml").read_text() == text


def test_write_defaults_keeps_existing_values_and_adds_missing(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.nbteam]\nscratch_dir = "mine"\n\n[tool.other]\nx = 1\n')
    what = write_default_config(tmp_path)
    assert what == "added manifest, keep_outputs to [tool.nbteam] in pyproject.toml"
    doc = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert doc["tool"]["nbteam"] == {"scratch_dir": "mine", "manifest": ".nbteam/promotions.jsonl", "keep_outputs": False}
    assert doc["tool"]["other"] == {"x": 1}
    assert load_config(tmp_path).scratch_dir == "mine"


def test_write_defaults_leaves_dotted_key_tables_alone(tmp_path):
    text = '[tool]\nnbteam.scratch_dir = "mine"\n'
    (tmp_path / "pyproject.toml").write_text(text)
    assert write_default_config(tmp_path) is None
    assert (tmp_path / "pyproject.toml").read_text() == text


def test_write_defaults_creates_dotfile_without_pyproject(tmp_path):
    assert write_default_config(tmp_path) == "created .nbteam.toml"
    assert tomllib.loads((tmp_path / ".nbteam.toml").read_text()) == {
        "scratch_dir": "scratch", "manifest": ".nbteam/promotions.jsonl", "keep_outputs": False}
    assert write_default_config(tmp_path) is None
    (tmp_path / ".nbteam.toml").write_text('keep_outputs = true\n')
    assert write_default_config(tmp_path) == "added scratch_dir, manifest to .nbteam.toml"
    assert load_config(tmp_path).keep_outputs is True


@pytest.mark.parametrize("name, slug", [
    ("Ada Lovelace", "ada-lovelace"),
    ("  Grace  B. Hopper ", "grace-b-hopper"),
    ("Zoë Ångström", "zoe-angstrom"),
    ("kurt_gödel42", "kurt-godel42"),
    ("!!!", ""),
])
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_user_comes_from_git_then_flag(repo, monkeypatch):
    monkeypatch.delenv("NBTEAM_USER", raising=False)
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):  # they come before config, as for git
        monkeypatch.delenv(key)
    assert resolve_user(repo) == "ada"  # the email's local part (the full rule: tests/test_scratch_user.py)
    assert resolve_user(repo, "Grace Hopper") == "grace-hopper"
    monkeypatch.setenv("NBTEAM_USER", "linus")
    assert resolve_user(repo) == "linus"
    monkeypatch.delenv("NBTEAM_USER")
    git(repo, "config", "user.name", "???")
    git(repo, "config", "--unset", "user.email")
    with pytest.raises(ConfigError, match="user.name"):
        resolve_user(repo)


def test_find_repo_root_from_subdirectory(repo):
    sub = repo / "a" / "b"
    sub.mkdir(parents=True)
    assert find_repo_root(sub) == repo.resolve()
    assert find_repo_root(repo.parent) is None


def test_machine_metadata_is_a_list_of_keys(tmp_path):
    from nbteam.config import machine_metadata

    assert load_config(tmp_path).machine_metadata == () and machine_metadata(tmp_path) == frozenset()
    (tmp_path / ".nbteam.toml").write_text('machine_metadata = ["my_ext", "jupyterlab_git"]\n')
    config = load_config(tmp_path)
    assert config.machine_metadata == ("my_ext", "jupyterlab_git") and config.unknown_keys == ()
    assert machine_metadata(tmp_path) == {"my_ext", "jupyterlab_git"}
    (tmp_path / ".nbteam.toml").write_text('machine_metadata = "my_ext"\n')
    with pytest.raises(ConfigError, match="machine_metadata must be a list"):
        load_config(tmp_path)
    assert machine_metadata(tmp_path) == frozenset()  # the driver merges on; doctor reports the error
    # `nbteam init` does not write it: it is optional, not a default everyone needs to see.
    (tmp_path / ".nbteam.toml").unlink()
    write_default_config(tmp_path)
    assert "machine_metadata" not in (tmp_path / ".nbteam.toml").read_text()


# --- quick_config: the settings the merge driver and the filter read on every start ---------------

from hypothesis import example, given, settings, strategies as st  # noqa: E402

from nbteam.config import keep_outputs, machine_metadata, simple_table  # noqa: E402

_KEYS = ["keep_outputs", "scratch_dir", "manifest", "machine_metadata", "other", "keep-outputs"]
_VALUES = ["true", "false", '"scratch"', "'lit'", '["a", "b"]', "[]", "['x',]", '"a#b"', "1", '"a\\\\b"', "[[1]]",
           "{a = 1}", "tru", '"open', "[1, 2]", '"tab\there"']
_LINES = st.one_of(
    st.builds(lambda k, v, sp, c: f"{k}{sp}={sp}{v}{c}", st.sampled_from(_KEYS), st.sampled_from(_VALUES),
              st.sampled_from(["", " ", "\t"]), st.sampled_from(["", " # note", "  #"])),
    st.sampled_from(["[tool.nbteam]", "[ tool . nbteam ]", "[tool.nbteam] # ours", '[tool."nbteam"]', "[tool]",
                     "[tool.nbteam.sub]", "[[tool.nbteam]]", "[project]", "[tool.ruff]", "[[tool.mypy.overrides]]",
                     "nbteam = {keep_outputs = true}", "tool.nbteam.keep_outputs = true", 'deps = ["nbteam"]',
                     "deps = [", '  "nbteam>=1",', "]", "# comment", "", 'x = """', "keep_outputs = true",
                     "name = 'x'", "  keep_outputs = false  "]),
)


_HEADERS = ["", "[tool.nbteam]", "[tool.nbteam]", "[project]", "[tool]", "[tool.ruff]", "[ tool . nbteam ]",
             "[tool.nbteam.sub]", '[tool."nbteam"]']
_SIMPLE = st.builds(lambda k, v, c: f"{k} = {v}{c}", st.sampled_from(_KEYS),
                    st.sampled_from(["true", "false", '"scratch"', "'lit'", '["a", "b"]', "[]", "['x',]", '"a#b"']),
                    st.sampled_from(["", " # note"]))
# Files as sections (a header, then lines), so that most draws are valid TOML with a table to read.
_FILES = st.lists(st.tuples(st.sampled_from(_HEADERS),
                            st.lists(st.one_of(_SIMPLE, _SIMPLE, _LINES), max_size=4,
                                     unique_by=lambda line: line.partition("=")[0].strip())),
                  max_size=4, unique_by=lambda section: section[0].replace(" ", "")).map(
    lambda sections: [line for header, lines in sections for line in ([header] if header else []) + lines])


def _tomllib_table(text: str, dotfile: bool):
    """What load_config reads as nbteam's table: None when tomllib refuses the file or there is none."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    tool = doc.get("tool")
    table = tool.get("nbteam") if isinstance(tool, dict) else None
    if table is None and dotfile:
        table = {k: v for k, v in doc.items() if k != "tool"}
    return table


@given(st.one_of(st.lists(_LINES, max_size=12), _FILES), st.booleans())
@example(["[tool.nbteam]", "keep_outputs = true"], False)
@example(["keep_outputs = true", "[tool]", "nbteam = {keep_outputs = false}"], True)
@settings(max_examples=300)
def test_simple_table_reads_what_toml_reads(lines, dotfile):
    """Wherever the quick reader answers for a valid TOML file, it answers what tomllib reads."""
    text = "\n".join(lines) + "\n"
    quick = simple_table(text, dotfile)
    if quick is not None:
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return  # TOML refuses the file; nbteam's own table, read simply, decides (documented)
        assert quick == _tomllib_table(text, dotfile)


@pytest.mark.parametrize("text", [
    '[tool.nbteam]\nkeep_outputs = true\nnote = """\n[tool.nbteam]\n"""\n',  # a multi-line string
    "tool.nbteam.keep_outputs = true\n",  # a dotted key at the top level
    "[tool]\nnbteam = {keep_outputs = true}\n",  # an inline table under [tool]
    '[tool."nbteam"]\nkeep_outputs = true\n',  # a quoted header
    "[tool.nbteam]\nkeep_outputs = true\nkeep_outputs = false\n",  # a key twice: TOML refuses the file
    "[tool.nbteam]\nmachine_metadata = [\n  \"a\",\n]\n",  # a multi-line array
    '[tool.nbteam]\nscratch_dir = "a\\tb"\n',  # an escape
])
def test_simple_table_leaves_anything_unusual_to_toml(text):
    assert simple_table(text, dotfile=False) is None


def test_quick_settings_agree_with_load_config(tmp_path):
    """keep_outputs() and machine_metadata() read what load_config reads, quick or not."""
    simple = ('[project]\nname = "x"\ndependencies = [\n  "nbteam>=0.2",\n]\n\n[tool.nbteam]\n'
              'keep_outputs = true # the team decided\nmachine_metadata = ["my_ext", \'other\']\n')
    for text in (simple, simple.replace("[tool.nbteam]\n", "[tool.nbteam]\nnote = '''x'''\n")):
        (tmp_path / "pyproject.toml").write_text(text)
        assert (simple_table(text, False) is None) == ("'''" in text)
        assert keep_outputs(tmp_path, env={}) is load_config(tmp_path).keep_outputs is True
        assert machine_metadata(tmp_path) == frozenset(load_config(tmp_path).machine_metadata) == {"my_ext", "other"}
    (tmp_path / "pyproject.toml").write_text('[tool.nbteam]\nkeep_outputs = "yes"\n')  # a wrong type: defaults
    assert keep_outputs(tmp_path, env={}) is False
