"""What git calls the sides of a merge, for conflict markers, and the marker size it uses.

git 2.44 and later pass a merge driver the labels it writes itself (%X ours, %Y theirs, %S
base). Older git passes those placeholders literally; then the labels are found where git
leaves them during the operation:

- `git merge NAME` and `git pull`: the GITHEAD_<sha>=NAME variable git sets for the driver
  (NAME is the branch for a merge, the commit id for a pull); ours is HEAD. After a merge
  stopped on conflicts (when `git mergetool` runs): MERGE_HEAD and MERGE_MSG.
- rebase (also `pull --rebase`): the last command in rebase-merge/done, labelled as git does,
  `abc1234 (subject)`.
- `git am -3` and `git rebase --apply` (rebase-apply/): HEAD, "constructed merge base", and the
  patch's subject (the first line of rebase-apply/final-commit), as git labels them.
- cherry-pick and revert of several commits: the first command in sequencer/todo.
- a single cherry-pick or revert, `git stash pop`/`apply`, `git checkout -m` and `git restore -m`
  leave no state while they merge: the git command that started the driver (its parent
  process, on Linux) says which.
Only what is needed is looked up, and git itself is asked only for a commit's short id and
subject, so a merge without conflicts costs nothing here.
"""
from __future__ import annotations

import os

from nbteam.git.run import git_text, locate
from nbteam.git.settings import attributes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_MARKER_SIZE = 7
DEFAULT_LABELS = ("ours", "base", "theirs")
PLACEHOLDERS = ("%X", "%S", "%Y")  # as old git passes them, unexpanded
STASH_LABELS = ("Updated upstream", "Stash base", "Stashed changes")
AM_BASE_LABEL = "constructed merge base"  # what git am -3 calls the base it builds from the patch


def marker_sizes(paths: list[str]) -> dict[str, int]:
    """Each path's `conflict-marker-size` from .gitattributes (7 where unset or outside a repository)."""
    by_dir: dict[str, list[str]] = {}
    for path in paths:
        by_dir.setdefault(os.path.dirname(os.path.abspath(path)), []).append(path)
    sizes = dict.fromkeys(paths, DEFAULT_MARKER_SIZE)
    for folder, group in by_dir.items():
        found = attributes([os.path.basename(g) for g in group], ("conflict-marker-size",), folder)
        for path in group:
            value = found.get(os.path.basename(path), {}).get("conflict-marker-size", "")
            if value.isdigit() and int(value) > 0:
                sizes[path] = int(value)
    return sizes


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    except OSError:
        return []


def _first_line(path: str) -> str:
    """A file's first line as git takes a message's subject (the line itself, blank when empty)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.readline().rstrip("\r\n")
    except OSError:
        return ""


def _commit_label(rev: str, cwd: str) -> str | None:
    """`abc1234 (subject)`, as git labels a replayed commit."""
    return git_text(["log", "-1", "--no-show-signature", "--format=%h (%s)", rev, "--"], cwd) or None


def _todo_commit(line: str) -> str | None:
    """The commit of a todo line such as `pick abc123 subject` (None for other commands)."""
    words = line.split()
    picks = ("pick", "p", "reword", "r", "edit", "e", "squash", "s", "fixup", "f", "revert")
    return words[1] if len(words) >= 2 and words[0] in picks else None


def _picked(rev: str, cwd: str, revert: bool) -> tuple[str, str, str]:
    label = _commit_label(rev, cwd) or rev
    if revert:  # git: ours HEAD, base the reverted commit, theirs its parent
        return "HEAD", label, f"parent of {label}"
    return "HEAD", f"parent of {label}", label


def _merged_name(git_dir: str, sha: str) -> str:
    """The merged branch as MERGE_MSG names it ("Merge branch 'feature'"), else the commit id."""
    lines = _read_lines(os.path.join(git_dir, "MERGE_MSG"))
    first = lines[0] if lines else ""
    for prefix in ("Merge branch '", "Merge remote-tracking branch '", "Merge tag '", "Merge commit '"):
        if first.startswith(prefix) and "'" in first[len(prefix):]:
            name, rest = first[len(prefix):].split("'", 1)
            return sha if rest.startswith(" of ") else name  # a pull: git labels it by commit id
    return sha


def _merge_base_label(theirs_rev: str, cwd: str) -> str:
    base = git_text(["merge-base", "HEAD", theirs_rev], cwd)
    if base and "\n" not in base:
        return git_text(["rev-parse", "--short", base], cwd) or "base"
    return "merged common ancestors"


_PICKING = ("-m", "--mainline", "-s", "--strategy", "-X", "--strategy-option", "--cleanup")  # take a value
_VALUE_OPTIONS = {"checkout": ("-b", "-B", "--orphan", "--conflict", "--pathspec-from-file"),
                  "switch": ("-c", "-C", "--orphan", "--conflict"), "cherry-pick": _PICKING, "revert": _PICKING}


def _operands(command: list[str]) -> list[str]:
    """A git command line's words that are neither options nor their values (`--` and `-` kept)."""
    words, found, takes = iter(command[1:]), [], _VALUE_OPTIONS.get(command[0], ())
    for word in words:
        if word in takes:
            next(words, None)  # the option's value
        elif word in ("--", "-") or not word.startswith("-"):
            found.append(word)
    return found


def _checkout_labels(command: list[str], cwd: str) -> tuple[str, str, str] | None:
    """git's labels for `checkout -m`/`switch -m` BRANCH and `checkout -m -- PATH`/`restore -m`; None for others."""
    if command[:1] not in (["checkout"], ["switch"], ["restore"]):
        return None
    names = ["@{-1}" if name == "-" else name for name in _operands(command)]  # git reads `-` as @{-1}
    if command[0] == "restore" or command[0] == "checkout" and (len(names) != 1 or names[0] == "--" or git_text(
            ["rev-parse", "-q", "--verify", names[0] + "^{commit}"], cwd) is None):
        return DEFAULT_LABELS  # paths, not a branch: a conflict recreated
    if not names:
        return None
    new = git_text(["rev-parse", "--abbrev-ref", names[0]], cwd) if names[0].startswith("@{-") else names[0]
    old = git_text(["symbolic-ref", "-q", "--short", "HEAD"], cwd) or git_text(["rev-parse", "--short", "HEAD"], cwd)
    return new or names[0], old or "HEAD", "local"  # the driver runs before HEAD moves: HEAD is the branch left


def fallback_labels(cwd: str = ".") -> tuple[str, str, str]:
    """(ours, base, theirs) as git labels the conflict it is merging now (see the module doc)."""
    heads = [(k[len("GITHEAD_"):], v) for k, v in os.environ.items() if k.startswith("GITHEAD_")]
    if len(heads) == 1:
        sha, name = heads[0]
        return "HEAD", _merge_base_label(sha, cwd), name
    from nbteam.git.caller import git_above

    command = git_above()
    if (checkout := _checkout_labels(command, cwd)) is not None:  # first: `checkout -m -- PATH` runs mid-merge
        return checkout
    where = locate(cwd)
    git_dir = where.git_dir if where else os.path.join(cwd, ".git")
    merge_head = _read_lines(os.path.join(git_dir, "MERGE_HEAD"))
    if merge_head:  # a merge stopped on conflicts (git mergetool runs then)
        return "HEAD", _merge_base_label(merge_head[0], cwd), _merged_name(git_dir, merge_head[0])
    applying = os.path.join(git_dir, "rebase-apply")
    if os.path.isfile(os.path.join(applying, "final-commit")):  # git am -3, git rebase --apply
        subject = _first_line(os.path.join(applying, "final-commit"))
        if subject:
            return "HEAD", AM_BASE_LABEL, subject
    done = _read_lines(os.path.join(git_dir, "rebase-merge", "done"))
    if done and os.path.isdir(os.path.join(git_dir, "rebase-merge")):
        rev = _todo_commit(done[-1])
        if rev:
            return _picked(rev, cwd, revert=False)
    todo = _read_lines(os.path.join(git_dir, "sequencer", "todo"))
    if todo and _todo_commit(todo[0]):
        return _picked(str(_todo_commit(todo[0])), cwd, revert=todo[0].split()[0] == "revert")
    if command[:1] == ["stash"]:
        return STASH_LABELS
    if command[:1] in (["cherry-pick"], ["revert"]):
        revs = _operands(command)
        if len(revs) == 1:
            return _picked(revs[0], cwd, revert=command[0] == "revert")
    return DEFAULT_LABELS


def merge_labels(expanded: tuple[str | None, str | None, str | None], cwd: str = ".") -> tuple[str, str, str]:
    """(ours, base, theirs): git's %X/%S/%Y where it expanded them, else what fallback_labels finds."""
    if all(v is not None and v not in PLACEHOLDERS for v in expanded):
        return expanded  # type: ignore[return-value]
    found = fallback_labels(cwd)
    return tuple(v if v is not None and v not in PLACEHOLDERS else f  # type: ignore[return-value]
                 for v, f in zip(expanded, found))


def is_commit_id(label: str) -> bool:
    """True for a bare full commit id (what git writes as the label of a `git pull` merge)."""
    return len(label) in (40, 64) and all(c in "0123456789abcdef" for c in label)


def readable_labels(labels: Iterable[str], cwd: str = ".") -> dict[str, str]:
    """How to show labels that are a bare commit id (a note after it kept): `abc1234 (subject)`; others left out."""
    found = {}
    for label in set(labels):
        sha, _, note = label.partition(" ")  # "<id> (deleted this cell)": a note the notebook layer adds
        described = _commit_label(sha, cwd) if is_commit_id(sha) else None
        if described:
            found[label] = f"{described} {note}".rstrip()
    return found
