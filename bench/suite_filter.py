"""Output filter: `git add` of many executed notebooks through nbteam's filter process vs nbstripout's clean filter.

nbstripout runs one Python per file, and each imports nbformat. In this venv nbformat's import
pulls jsonschema's optional rfc3987_syntax, which compiles a Lark grammar (~3 s) at import;
Jupyter installs bring it in too (jupyter-events wants jsonschema[format-nongpl]). So nbstripout
is measured twice: as installed, and with that module hidden (a stub on PYTHONPATH), the fairer anchor.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import git_env, time_command, tool_path, without_rfc3987
from notebooks import notebook

DESCRIPTION = "`git add -A` of N notebooks with outputs, each tool's filter installed in its own repo (same run)"
FAST = "nbstripout (no rfc3987_syntax)"


def _repo(path: Path, env: dict, files: int) -> None:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True, env=env)
    for k in range(files):
        nb = notebook(30, outputs=True, seed=k)
        (path / f"nb{k:03d}.ipynb").write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


def _stripped(repo: Path, env: dict, name: str = "nb000.ipynb") -> bool:
    blob = subprocess.run(["git", "show", f":{name}"], cwd=repo, env=env, capture_output=True, text=True).stdout
    return bool(blob) and '"output_type"' not in blob


def _case(tmp: Path, env: dict, files: int, tools: list[str], quick: bool) -> list[dict]:
    case = f"git add -A, {files} notebooks x 30 cells"
    nbstripout = tool_path("nbstripout")
    rows = []
    for tool in tools:
        install = [sys.executable, "-m", "nbteam", "init"] if tool == "nbteam" else [nbstripout, "--install"]
        if tool != "nbteam" and not nbstripout:
            rows.append({"case": case, "tool": tool, "seconds": None, "note": "not installed ([bench] extra)"})
            continue
        tool_env = without_rfc3987(tmp, env) if tool == FAST else env
        repo = tmp / f"{tool.split()[0]}-{files}-{len(rows)}"
        _repo(repo, tool_env, files)
        subprocess.run(install, cwd=repo, env=tool_env, check=True, capture_output=True)
        index = repo / ".git" / "index"
        reset = lambda: index.unlink(missing_ok=True)  # noqa: E731  every file goes through the filter again
        repeat = 1 if quick or tool != "nbteam" else 3
        secs = time_command(["git", "add", "-A"], repeat=repeat, setup=reset, cwd=repo, env=tool_env, ok=(0,))
        note = "stripped" if _stripped(repo, tool_env) else "NOT stripped"
        note += "; one filter process" if tool == "nbteam" else f"; one process per file, {secs / files:.2f} s each"
        rows.append({"case": case, "tool": tool, "seconds": secs, "note": note})
    return rows


def run(quick: bool) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="nbteam-bench-filter-"))
    try:
        home = tmp / "home"
        home.mkdir()
        env = git_env(str(home))
        env["GIT_CONFIG_GLOBAL"] = os.devnull
        rows = _case(tmp, env, 40 if quick else 300, ["nbteam", FAST], quick)
        rows += _case(tmp, env, 5 if quick else 20, ["nbteam", FAST, "nbstripout"], quick)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
