"""What `nbteam init` writes and `nbteam uninstall` removes.

Pure functions decide the config values (nbteam.integration.registry builds the commands), edit
`.gitattributes` text line by line, and drop the empty `[merge "nbteam"]`-style section
headers that libgit2 (like `git config --unset`) leaves behind. `init()` and `uninstall()`
do the I/O: config values through `git config --file` (git writes them atomically), other files
written atomically, every check made
before anything is written.
"""
from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass, field

from nbteam.errors import NbteamError
from nbteam.git.run import locate
from nbteam.git import settings
from nbteam.git.settings import change_file, check_file, file_value
from nbteam.integration import hooks
from nbteam.git.settings import global_attributes_path, global_config_path
from nbteam.integration.registry import ENTRY, command



class Scope(enum.Enum):
    """Where init writes: this repository's config and attributes, or the user's (`--global`)."""

    REPO = "repo"
    GLOBAL = "global"

DRIVER = "nbteam"
ATTR_PATTERN = "*.ipynb"
LINE_WITH_FILTER = f"{ATTR_PATTERN} merge={DRIVER} diff={DRIVER} filter={DRIVER}"
LINE_NO_FILTER = f"{ATTR_PATTERN} merge={DRIVER} diff={DRIVER}"
OUR_LINES = (LINE_WITH_FILTER, LINE_NO_FILTER)
OUR_SECTIONS = (("merge", DRIVER), ("diff", DRIVER), ("filter", DRIVER))
# Cell headers of the textconv view ("# %% [code] cell 3"): git shows them in hunk headers.
XFUNCNAME = r"^# %% \[.*$"

def config_values(python: str, with_filter: bool = True, entry: str = ENTRY) -> dict[str, str]:
    """Every git config key nbteam registers, with its value, for the given interpreter."""
    values = {"merge.nbteam.name": "nbteam: cell-aware notebook merge",
              "merge.nbteam.driver": command("merge.nbteam.driver", python, entry),
              "diff.nbteam.command": command("diff.nbteam.command", python, entry),
              "diff.nbteam.textconv": command("diff.nbteam.textconv", python, entry),
              "diff.nbteam.xfuncname": XFUNCNAME,
              # git keeps each blob's textconv view (refs/notes/textconv/nbteam): a warm `git log -p`
              # starts no process; the view depends only on the blob, so the cache never goes stale.
              "diff.nbteam.cachetextconv": "true"}
    if with_filter:
        values["filter.nbteam.clean"] = command("filter.nbteam.clean", python, entry)
        values["filter.nbteam.process"] = command("filter.nbteam.process", python, entry)
    return values


def all_keys() -> list[str]:
    """Every key any form of `nbteam init` may set (what uninstall removes)."""
    return list(config_values("python", with_filter=True))


def _eol(text: str) -> str:
    """The line ending a text uses."""
    return "\r\n" if "\r\n" in text else "\n"


def _split(text: str) -> list[str]:
    """Lines with their endings."""
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


def edited_nbteam_lines(text: str) -> list[str]:
    """Lines that name nbteam's drivers but are not a line init writes (the user edited them)."""
    return [bare for line in _split(text) if (bare := line.strip()) and not bare.startswith("#")
            and bare not in OUR_LINES and re.search(rf"\b(merge|diff|filter)={DRIVER}\b", bare)]


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


def drop_empty_sections(text: str, sections: tuple[tuple[str, str], ...] = OUR_SECTIONS) -> tuple[str, list[str]]:
    """Config text without headers of nbteam's sections that have no entries left."""
    return settings.drop_empty_sections(text, sections)


# --- I/O: init and uninstall ------------------------------------------------------------------

class SetupError(NbteamError):
    """Setup cannot proceed; the message says why in one line. Nothing has been written."""


@dataclass
class Report:
    """What init or uninstall did: one line per change, notes, and work-tree files the team should commit."""

    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    to_commit: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Targets:
    """The files one scope edits."""

    config: str
    attributes: str
    top: str | None  # the work tree's top (repository scope), None for --global


def targets(scope: Scope, cwd: str = ".") -> Targets:
    """The config and attributes files the scope edits; raise SetupError when there are none."""
    if scope is Scope.GLOBAL:
        config_path = global_config_path()
        _check_config_readable(config_path)
        return Targets(config_path, global_attributes_path(file_value(config_path, "core.attributesFile")), None)
    where = locate(cwd)
    if where is None:
        raise SetupError("not inside a git repository (run `git init` first, or use --global)")
    if where.top is None:
        raise SetupError("bare repository: there is no working tree to add .gitattributes to; use --global")
    return Targets(where.config, os.path.join(where.top, ".gitattributes"), where.top)


def _read(path: str) -> str | None:
    """A text file's content, None when it does not exist; SetupError when it cannot be used."""
    if os.path.isdir(path):
        raise SetupError(f"{path} is a directory, not a file; move it away and run again")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise SetupError(f"cannot read {path}: {e.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SetupError(f"{path} is not UTF-8 text; fix it and run again") from None


def _write(path: str, text: str) -> None:
    from nbteam.notebook.io import write_atomic

    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    write_atomic(path, text)


def _check_config_readable(path: str) -> None:
    """Refuse a config file git itself cannot parse, before anything is written."""
    reason = check_file(path)
    if reason is not None:
        raise SetupError(f"{path}: {reason}" if reason.startswith("it is") else f"cannot read {path}: {reason}")


def _unset(path: str, keys: list[str]) -> list[str]:
    """Remove keys from one config file (a key set twice by hand goes whole, as --unset-all does)."""
    removed = []
    for key in keys:
        if file_value(path, key) is not None:
            change_file(path, "--unset-all", key)
            removed.append(key)
    return removed


def _our_sections(path: str) -> set[tuple[str, str]]:
    """Which of nbteam's section headers a config file has."""
    return {sec for line in _split(_read(path) or "") if (sec := settings.section_of(line)) in OUR_SECTIONS}


def _tidy_sections(path: str, before: set[tuple[str, str]]) -> list[str]:
    """Drop nbteam's emptied section headers; every one of them gone since `before` (git drops some itself)."""
    text = _read(path)
    if text is not None:
        tidy, dropped = drop_empty_sections(text)
        if dropped:
            _write(path, tidy)
    return [f'[{a} "{b}"]' for a, b in OUR_SECTIONS if (a, b) in before - _our_sections(path)]


def committed_text(top: str, path: str) -> str | None:
    """A repo-relative file's content in HEAD, or None when it is not committed."""
    from nbteam.git.blobs import read_blob

    data = read_blob(top, f"HEAD:./{path}")
    return None if data is None else data.decode("utf-8", "replace")


def uncommitted(top: str, path: str) -> bool:
    """True when the work-tree file is untracked or differs from HEAD (the team does not have it yet)."""
    from nbteam.git.run import run_git

    p = run_git(["status", "--porcelain", "--", path], cwd=top)
    return p.returncode != 0 or bool(p.stdout.strip())


def _config_changes(path: str, python: str, with_filter: bool) -> list[str]:
    """Set nbteam's keys in one config file (dropping the filter's without it); one line per change."""
    changes = []
    before = _our_sections(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    for key, value in config_values(python, with_filter).items():
        old = file_value(path, key)
        if old != value:
            change_file(path, key, value)
            changes.append(f"{path}: {'set' if old is None else 'changed'} {key} = {value}")
    if not with_filter:
        changes += [f"{path}: removed {key} (--no-filter)"
                    for key in _unset(path, [k for k in all_keys() if k.startswith("filter.")])]
    return changes + [f"{path}: removed empty section {s}" for s in _tidy_sections(path, before)]


def _team_settings(top: str, keep: bool, report: Report) -> None:
    """Write the team settings (scratch dir, manifest, keep_outputs), with keep_outputs as the filter needs."""
    from nbteam.config import ConfigError, set_keep_outputs, write_default_config

    try:
        for what in (write_default_config(top, {"keep_outputs": keep}), set_keep_outputs(top, keep)):
            if what:
                report.changes.append(f"{top}: {what}")
    except (ConfigError, ValueError) as e:  # a pyproject we cannot parse: leave it alone, say why
        report.notes.append(f"team settings not written ({e})")


def init(scope: Scope, with_filter: bool | None, python: str, cwd: str = ".") -> Report:
    """Register drivers, filter and attributes; with_filter None follows the team's keep_outputs."""
    from nbteam.config import ConfigError, keep_outputs, settings_file

    where = targets(scope, cwd)
    _check_config_readable(where.config)
    text = _read(where.attributes)
    report = Report()
    if where.top is not None and with_filter is None:
        try:
            team_keeps = keep_outputs(where.top, env={})
        except ConfigError:
            team_keeps = False
        if team_keeps:
            report.notes.append("this repository keeps outputs (keep_outputs = true in its settings), so no"
                                " output filter; `nbteam init --filter` switches to stripping them")
        with_filter = not team_keeps
    if where.top is None and with_filter is False:
        report.notes.append("--global --no-filter: in each repository that commits outputs, set keep_outputs ="
                            " true in its settings (or run `nbteam init --no-filter` there) so merges keep them")
    with_filter = with_filter is not False
    report.changes += _config_changes(where.config, python, with_filter)
    report.changes += hooks.register_mergetool(where.config, python, cwd)
    if where.top is not None:
        from nbteam.workcopy.ignore import ignore_checkpoints

        report.changes += hooks.install_hooks(where.top, python, outputs=with_filter)
        report.changes += ignore_checkpoints(where.top)
    else:
        report.notes.append("git hooks (commit guard, outputs kept through merges) are per repository:"
                            " run `nbteam init` in each one")
    new, what = add_attribute_line(text or "", with_filter)
    if what:
        _write(where.attributes, new)
        report.changes.append(f"{where.attributes}: {'created, ' if text is None else ''}{what}")
    report.notes += [f"{where.attributes} also has `{line}`; nbteam's line comes later, so it wins"
                     for line in other_ipynb_attributes(new)]
    if where.top is not None:
        _team_settings(where.top, not with_filter, report)
        for path in (where.attributes, settings_file(where.top)):
            if path and uncommitted(where.top, os.path.relpath(path, where.top)):
                report.to_commit.append(os.path.relpath(path, where.top))
    return report


def uninstall(scope: Scope, cwd: str = ".") -> Report:
    """Remove exactly what this clone's init added; a committed attributes line is the team's and stays."""
    where = targets(scope, cwd)
    _check_config_readable(where.config)
    text = _read(where.attributes)
    report = Report()
    if where.top is not None:
        from nbteam.workcopy.ignore import unignore_checkpoints

        report.changes += hooks.uninstall_hooks(where.top)
        report.changes += unignore_checkpoints(where.top)
    if os.path.exists(where.config):
        before, sections = len(report.changes), _our_sections(where.config)
        report.changes += hooks.unregister_mergetool(where.config)
        report.changes += [f"{where.config}: removed {k}" for k in _unset(where.config, all_keys())]
        report.changes += [f"{where.config}: removed empty section {s}" for s in _tidy_sections(where.config, sections)]
        if scope is Scope.GLOBAL and _read(where.config) == "" and len(report.changes) > before:
            os.remove(where.config)
            report.changes.append(f"{where.config}: deleted (it held only nbteam's settings)")
    if text is None:
        return report
    committed = committed_text(where.top, ".gitattributes") if where.top else None
    new, removed = remove_attribute_lines(text)
    shared = [line for line in removed if committed is not None and line in _bare_lines(committed)]
    if shared:
        new, removed = text, []
        report.notes.append(f"left `{shared[0]}` in {where.attributes}: it is committed, so it is the team's"
                            " (remove it in a commit if the team stops using nbteam)")
    if removed and new == "":
        os.remove(where.attributes)
        report.changes.append(f"{where.attributes}: deleted (it held only nbteam's line)")
    elif removed:
        _write(where.attributes, new)
        report.changes += [f"{where.attributes}: removed `{line}`" for line in removed]
    report.notes += [f"left `{line}` in {where.attributes}: it names nbteam but is not a line init writes;"
                     " edit it by hand" for line in edited_nbteam_lines(new)]
    return report


def _bare_lines(text: str) -> list[str]:
    return [line.rstrip("\r\n") for line in _split(text)]
