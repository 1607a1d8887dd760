"""Team settings: `[tool.nbteam]` in pyproject.toml (or `.nbteam.toml`), the repo root, the user slug.

Missing config means defaults, never an error: a repository works with nbteam before anyone
has written a line of configuration. Values of the wrong type are an error with one clear line.
"""
from __future__ import annotations

import os
import posixpath
import sys

from nbteam.errors import NbteamError

# The merge driver and the filter read `keep_outputs` on every start: heavy modules (pathlib,
# dataclasses, tomllib, typing, re) are imported only where a settings file must really be parsed.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any


def _tomllib() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on 3.10
        import tomli as tomllib
    return tomllib


PYPROJECT = "pyproject.toml"
NBTEAM_TOML = ".nbteam.toml"

# The defaults, written once: Config's arguments and DEFAULTS (what init writes) both use these.
SCRATCH_DIR = "scratch"
MANIFEST = ".nbteam/promotions.jsonl"
KEEP_OUTPUTS = False
# Each key: (default, type). The order is the order `write_default_config` writes them in.
DEFAULTS: dict[str, tuple[object, type]] = {
    "scratch_dir": (SCRATCH_DIR, str),
    "manifest": (MANIFEST, str),
    "keep_outputs": (KEEP_OUTPUTS, bool),
}


MACHINE_METADATA = "machine_metadata"


class ConfigError(NbteamError, ValueError):
    """The team's nbteam settings are unusable; the message says which key and why."""


class Config:
    """nbteam's settings for one repository (defaults where the config says nothing); immutable."""

    __slots__ = ("scratch_dir", "manifest", "keep_outputs", "source", "unknown_keys", "warning", "machine_metadata")
    scratch_dir: str
    manifest: str
    keep_outputs: bool
    source: str | None  # the file the settings came from, None for pure defaults
    unknown_keys: tuple[str, ...]
    warning: str | None  # a settings file nbteam ignores, and why
    machine_metadata: tuple[str, ...]  # metadata keys the team adds to nbteam.merge.machine's table

    def __init__(self, scratch_dir: str = SCRATCH_DIR, manifest: str = MANIFEST,
                 keep_outputs: bool = KEEP_OUTPUTS, source: str | None = None, unknown_keys: tuple[str, ...] = (),
                 warning: str | None = None, machine_metadata: tuple[str, ...] = ()) -> None:
        for name, value in zip(self.__slots__, (scratch_dir, manifest, keep_outputs, source, unknown_keys, warning,
                                                machine_metadata)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Config is immutable; use replace()")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return "Config(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__) + ")"

    def replace(self, **changes: Any) -> Config:
        """A copy with some values changed."""
        return Config(**{**{n: getattr(self, n) for n in self.__slots__}, **changes})


def find_repo_root(start: str | os.PathLike[str] = ".") -> Path | None:
    """The top of the git work tree containing start, or None."""
    from pathlib import Path

    from nbteam.git.run import locate

    where = locate(start)
    return None if where is None or where.top is None else Path(where.top)


def open_repo(start: str | os.PathLike[str] = ".") -> tuple[Path, Config]:
    """The repository containing start and its settings; ConfigError outside a repository."""
    root = find_repo_root(start)
    if root is None:
        raise ConfigError(f"{os.fspath(start)} is not in a git repository")
    return root, load_config(root)


def _inside_repo_path(key: str, value: str, source: str) -> str:
    """A repo-relative POSIX path from a config value; refuse absolute paths and `..` escapes."""
    norm = posixpath.normpath(value.replace("\\", "/"))
    drive = norm[1:2] == ":" and norm[:1].isascii() and norm[:1].isalpha()  # C:... on Windows
    if not value.strip() or posixpath.isabs(norm) or drive or norm.split("/")[0] == "..":
        raise ConfigError(f"{source}: {key} = {value!r} must be a path inside the repository")
    return norm


def config_from_table(table: dict[str, Any], source: str) -> Config:
    """Validate one `[tool.nbteam]` table into a Config; raise ConfigError on a bad value."""
    values: dict[str, Any] = {}
    for key, (default, kind) in DEFAULTS.items():
        value = table.get(key, default)
        # bool is a subclass of int, so check the exact type to reject `scratch_dir = true`.
        if type(value) is not kind:
            raise ConfigError(f"{source}: {key} must be a {kind.__name__}, not {type(value).__name__} ({value!r})")
        values[key] = value
    values["scratch_dir"] = _inside_repo_path("scratch_dir", values["scratch_dir"], source)
    values["manifest"] = _inside_repo_path("manifest", values["manifest"], source)
    # Optional, so not in DEFAULTS (which `nbteam init` writes out): a list of metadata keys.
    machine = table.get(MACHINE_METADATA, [])
    if not isinstance(machine, list) or not all(isinstance(k, str) and k for k in machine):
        raise ConfigError(f"{source}: {MACHINE_METADATA} must be a list of metadata key names, not {machine!r}")
    unknown = tuple(sorted(k for k in table if k not in DEFAULTS and k != MACHINE_METADATA))
    return Config(**values, source=source, unknown_keys=unknown, machine_metadata=tuple(machine))


def _read_toml(path: Path) -> dict[str, Any]:
    tomllib = _tomllib()
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)  # type: ignore[no-any-return]
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path.name} is not valid TOML ({e})") from None


def _nbteam_table(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    tool = doc.get("tool")
    table = tool.get("nbteam") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{name}: tool.nbteam must be a table")
    return table


def load_config(repo_root: str | os.PathLike[str]) -> Config:
    """The repo's settings: pyproject `[tool.nbteam]`, or `.nbteam.toml` when there is no pyproject.

    `keep_outputs()` below reads the same values (it calls this when the file mentions the key).
    """
    from pathlib import Path

    root = Path(repo_root)
    pyproject = root / PYPROJECT
    dotfile = root / NBTEAM_TOML
    if pyproject.is_file():
        table = _nbteam_table(_read_toml(pyproject), PYPROJECT)
        config = config_from_table(table, PYPROJECT) if table is not None else Config()
        if dotfile.is_file():
            config = config.replace(warning=f"{NBTEAM_TOML} is ignored because the repository has a {PYPROJECT};"
                                             f" move its settings to [tool.nbteam] there")
        return config
    if dotfile.is_file():
        doc = _read_toml(dotfile)
        # `.nbteam.toml` holds the keys at top level; a `[tool.nbteam]` table there works too.
        table = _nbteam_table(doc, NBTEAM_TOML)
        if table is None:
            table = {k: v for k, v in doc.items() if k != "tool"}
        return config_from_table(table, NBTEAM_TOML)
    return Config()


def settings_file(repo_root: str | os.PathLike[str]) -> str | None:
    """The file the repository's settings come from: pyproject.toml when present, else .nbteam.toml, else None."""
    for name in (PYPROJECT, NBTEAM_TOML):
        path = os.path.join(repo_root, name)
        if os.path.isfile(path):
            return path
    return None


def keep_outputs(repo_root: str | os.PathLike[str] = ".", env: Mapping[str, str] | None = None) -> bool:
    """The one rule for outputs: does this repository commit and merge notebooks WITH their outputs?

    NBTEAM_KEEP_OUTPUTS (any value but empty/0/false/no) overrides; else `keep_outputs` of the
    team settings (quick_config). `nbteam init` writes it (true with --no-filter), the filter keeps
    outputs when it is true, and the merge driver keeps them through merges.
    """
    value = (os.environ if env is None else env).get("NBTEAM_KEEP_OUTPUTS")
    if value is not None:
        return value.strip().lower() not in ("", "0", "false", "no")
    return quick_config(repo_root, "keep_outputs").keep_outputs


def machine_metadata(repo_root: str | os.PathLike[str] = ".") -> frozenset[str]:
    """The team's own machine-state metadata keys (`machine_metadata`), for the merge driver."""
    return frozenset(quick_config(repo_root, MACHINE_METADATA).machine_metadata)


def quick_config(repo_root: str | os.PathLike[str], key: str) -> Config:
    """The settings as the merge driver and the filter need them, on every start: cheaply.

    A settings file that never mentions `key` costs no parse at all, and nbteam's own table in
    the plain form `nbteam init` writes is read without TOML (simple_table); anything else goes
    through load_config. Settings nbteam cannot read count as the defaults (init and doctor
    report them).
    """
    path = settings_file(repo_root)
    if path is None:
        return Config()
    try:
        with open(path, "rb") as f:
            data = f.read()
        if key.encode() not in data:
            return Config()
        name = os.path.basename(path)
        table = simple_table(data.decode("utf-8"), name == NBTEAM_TOML)
        return config_from_table(table, name) if table is not None else load_config(repo_root)
    except (OSError, ConfigError, UnicodeDecodeError):
        return Config()


_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _simple_value(text: str) -> tuple[object, str] | None:
    """A TOML boolean, one-line string or one-line array of those at the start of text, and
    the rest of the text; None for anything else (escapes, numbers, tables, nesting)."""
    if text.startswith(("true", "false")):
        word = "true" if text[0] == "t" else "false"
        rest = text[len(word):]
        return (word == "true", rest) if not rest or rest[0] in " \t#,]" else None
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        value = text[1:end]
        if end < 0 or (text[0] == '"' and "\\" in value) or any(ch < " " and ch != "\t" or ch == "\x7f" for ch in value):
            return None
        return value, text[end + 1:]
    if text[:1] == "[":
        items: list[object] = []
        rest = text[1:].lstrip(" \t")
        while not rest.startswith("]"):
            item = _simple_value(rest)
            if item is None or isinstance(item[0], list):
                return None
            items.append(item[0])
            rest = item[1].lstrip(" \t")
            if rest.startswith(","):
                rest = rest[1:].lstrip(" \t")
            elif not rest.startswith("]"):
                return None
        return items, rest[1:]
    return None


def _header(line: str) -> str | None:
    """The dotted name of a `[table]` header line of bare keys (spaces dropped); None for any other header."""
    name, close, tail = line[1:].partition("]")
    tail = tail.strip(" \t")
    name = "".join(name.split())
    if not close or line.startswith("[[") or (tail and not tail.startswith("#")) or not name:
        return None
    return name if all(part and _BARE.issuperset(part) for part in name.split(".")) else None


def simple_table(text: str, dotfile: bool) -> dict[str, Any] | None:
    """nbteam's settings table, read without a TOML parser when the file is in the simple form
    `nbteam init` writes; None whenever it might not be (then TOML decides).

    Simple means: the table is `[tool.nbteam]` (or, in a .nbteam.toml without other tables, the
    top level); its lines are comments or `key = value` with a bare key and a boolean, a one-line
    string without escapes or a one-line array of those; the file has no multi-line string (it
    could hide a header); and no line at the top level, under `[tool]` or under an unusual header
    names nbteam (a dotted key or an inline table there could define the table too). Other
    tables ([project], [tool.ruff], ...) may hold anything. A table that passes reads as TOML
    reads it (a property test checks this against tomllib).
    """
    if '"""' in text or "\'\'\'" in text or text.startswith("\ufeff"):
        return None
    # Where a line is: nbteam's table (read strictly), a table that cannot define it (skipped), or
    # a place where a line naming nbteam could (the top level of pyproject.toml, [tool], unknown).
    table: dict[str, Any] | None = {} if dotfile else None
    found: dict[str, Any] | None = None
    risky, others = not dotfile, False
    for raw in text.splitlines():
        line = raw.strip(" \t")
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            name = _header(line)
            if name == "tool.nbteam":
                if found is not None:
                    return None  # the table defined twice: TOML refuses the file
                table = found = {}
                risky = False
                continue
            if name is None or name.startswith("tool.nbteam."):
                if "nbteam" in line:
                    return None
            table, others = None, True
            risky = name is None or name == "tool"
            continue
        if table is None:
            if risky and "nbteam" in line:
                return None
            continue
        key, eq, value = line.partition("=")
        key = key.strip(" \t")
        parsed = _simple_value(value.strip(" \t")) if eq else None
        if parsed is None or not key or not _BARE.issuperset(key) or key in table:
            return None
        tail = parsed[1].strip(" \t")
        if tail and not tail.startswith("#"):
            return None
        table[key] = parsed[0]
    if found is not None:
        return found
    if dotfile and not others and table is not None:
        return {k: v for k, v in table.items() if k != "tool"}
    return None


def set_keep_outputs(repo_root: str | os.PathLike[str], value: bool) -> str | None:
    """Change an existing `keep_outputs = ...` line of the settings file to value; what changed, or None.

    Only a plain `keep_outputs = true|false` line is edited (comments and layout stay); the result
    is read back and must differ from the original in that one value, else nothing is written.
    """
    import re

    path = settings_file(repo_root)
    if path is None or load_config(repo_root).keep_outputs == value:
        return None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    new, count = re.subn(r"(?m)^([ \t]*keep_outputs[ \t]*=[ \t]*)(true|false)\b", rf"\g<1>{_toml_value(value)}",
                         text)
    if count != 1:
        return None
    from nbteam.notebook.io import write_atomic

    write_atomic(path, new)
    if load_config(repo_root).keep_outputs != value:  # the line was not the one nbteam reads: undo
        write_atomic(path, text)
        return None
    return f"set keep_outputs = {_toml_value(value)} in {os.path.basename(path)}"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_default_config(repo_root: str | os.PathLike[str], values: Mapping[str, object] | None = None) -> str | None:
    """Write the settings nbteam uses (defaults, or `values` for keys given) into pyproject.toml or .nbteam.toml.

    Adds only keys that are missing and never changes a value already there, so running it
    twice changes nothing. Returns a one-line description of the change, or None if none.
    """
    import re

    def _default_lines(missing: list[str]) -> list[str]:
        return [f"{key} = {_toml_value((values or {}).get(key, DEFAULTS[key][0]))}\n" for key in missing]

    from pathlib import Path

    tomllib = _tomllib()
    root = Path(repo_root)
    pyproject = root / PYPROJECT
    if pyproject.is_file():
        path, text = pyproject, pyproject.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
        table = _nbteam_table(doc, PYPROJECT)
        if table is None:
            sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
            new = text + sep + "[tool.nbteam]\n" + "".join(_default_lines(list(DEFAULTS)))
            what = f"added [tool.nbteam] with nbteam's defaults to {PYPROJECT}"
        else:
            missing = [k for k in DEFAULTS if k not in table]
            if not missing:
                return None
            # Keys go right under the header line, where they surely belong to that table.
            header = re.search(r"(?m)^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*nbteam[ \t]*\][^\n]*\n", text)
            if header is None:  # the table is written with dotted keys or inline: leave it alone
                return None
            new = text[: header.end()] + "".join(_default_lines(missing)) + text[header.end():]
            what = f"added {', '.join(missing)} to [tool.nbteam] in {PYPROJECT}"
    else:
        path = root / NBTEAM_TOML
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        doc = tomllib.loads(text)
        table = _nbteam_table(doc, NBTEAM_TOML)
        present = table if table is not None else doc
        missing = [k for k in DEFAULTS if k not in present]
        if not missing:
            return None
        if table is not None:
            header = re.search(r"(?m)^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*nbteam[ \t]*\][^\n]*\n", text)
            if header is None:
                return None
            new = text[: header.end()] + "".join(_default_lines(missing)) + text[header.end():]
        else:
            # Top-level keys must come before the first table header, so they go first.
            intro = "" if text else "# nbteam settings; these are the defaults (see docs/scratchpads.md).\n"
            new = intro + "".join(_default_lines(missing)) + text
        what = f"{'created' if not text else 'added ' + ', '.join(missing) + ' to'} {NBTEAM_TOML}"
    # Never write something that would read back differently from what was there.
    reread = tomllib.loads(new)
    before = tomllib.loads(text) if text else {}
    if _strip_nbteam(reread) != _strip_nbteam(before):
        return None
    from nbteam.notebook.io import write_atomic

    write_atomic(path, new)
    return what


def _strip_nbteam(doc: dict[str, Any]) -> dict[str, Any]:
    """The TOML document without the keys nbteam may add, to check nothing else changed."""
    out = {k: v for k, v in doc.items() if k not in DEFAULTS}
    tool = out.get("tool")
    if isinstance(tool, dict) and isinstance(tool.get("nbteam"), dict):
        out["tool"] = {**tool, "nbteam": {k: v for k, v in tool["nbteam"].items() if k not in DEFAULTS}}
        if not out["tool"]["nbteam"]:
            del out["tool"]["nbteam"]
        if not out["tool"]:
            del out["tool"]
    return out


def slugify(name: str) -> str:
    """A path-safe lowercase slug: 'Ada Lovelace' -> 'ada-lovelace', 'Grace Hopper' -> 'grace-hopper'."""
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def git_user_name(repo_root: str | os.PathLike[str]) -> str | None:
    """`git config user.name` as git itself resolves it for this repository, or None."""
    from nbteam.git.settings import config_value

    return config_value("user.name", os.fspath(repo_root))


def email_user(email: str) -> str:
    """The slug of an email's local part: 'ada.lovelace@x.org' -> 'ada-lovelace'.

    GitHub's no-reply addresses ('12345+ada@users.noreply.github.com') give the login, 'ada'.
    """
    local = email.strip().strip("<>").split("@", 1)[0]
    if "+" in local and local.split("+", 1)[0].isdigit():
        local = local.split("+", 1)[1]
    return slugify(local)


def resolve_user(repo_root: str | os.PathLike[str], explicit: str | None = None,
                 env: Mapping[str, str] | None = None) -> str:
    """The scratchpad owner's slug, the same on every machine a person uses; ConfigError if none.

    In order: --user, $NBTEAM_USER, `git config nbteam.user`; then the identity git would
    put on a commit, where git looks: $GIT_AUTHOR_EMAIL / $GIT_AUTHOR_NAME, then
    `git config author.email` / `user.email` / $EMAIL, and `author.name` / `user.name`. From each, the email's local part comes before the
    name, because people spell their name differently on two machines far more often than
    their address.
    """
    from nbteam.git.settings import config_value

    env = os.environ if env is None else env
    top = os.fspath(repo_root)
    for raw, what in ((explicit, "--user"), (env.get("NBTEAM_USER"), "NBTEAM_USER"),
                      (config_value("nbteam.user", top), "git config nbteam.user")):
        if raw:
            slug = slugify(raw)
            if not slug:
                raise ConfigError(f"{what} {raw!r} has no letters or digits to name a scratch directory")
            return slug
    for email, name in ((lambda: env.get("GIT_AUTHOR_EMAIL"), lambda: env.get("GIT_AUTHOR_NAME")),
                        # git's author.* before user.*, and $EMAIL after both, as git itself reads them
                        (lambda: config_value("author.email", top) or config_value("user.email", top) or env.get("EMAIL"),
                         lambda: config_value("author.name", top) or git_user_name(top))):
        address = email()
        slug = email_user(address) if address else ""
        if not slug:
            raw_name = name()
            slug = slugify(raw_name) if raw_name else ""
        if slug:
            return slug
    raise ConfigError("no user: set `git config nbteam.user NAME` (or user.email / user.name, or"
                      " GIT_AUTHOR_EMAIL / GIT_AUTHOR_NAME), or pass --user NAME")
