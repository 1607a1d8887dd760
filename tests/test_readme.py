"""The README's commands work on a fresh clone: install into a new venv, then the demo.

One pip install of this repository (dependencies shared from the test's own environment, so
nothing but the build backend is downloaded), then `nbteam demo` from that venv's script.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

from helpers import ROOT, git

DEMO_COMMAND = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/nbteam demo"


def test_readme_and_docs_refer_to_nothing_outside_the_repository():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path
    assert "pip install nbteam" not in (ROOT / "README.md").read_text()  # not published: it would fail


def test_readme_install_and_demo_from_a_fresh_clone(tmp_path):
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert any(line.strip() == DEMO_COMMAND for block in blocks for line in block.splitlines())
    clone = tmp_path / "nbteam"
    git(tmp_path, "clone", "-q", str(ROOT), str(clone))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GIT_", "NBTEAM_", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"))
    (tmp_path / "home").mkdir()
    # `python3 -m venv .venv`, with this environment's packages visible (a .pth path line) instead of downloads.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", ".venv"], cwd=clone, check=True, env=env)
    venv_site = Path(subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c",
                                     "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    (venv_site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # `.venv/bin/pip install .` (pip from this environment, installing into the new venv).
    p = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "."],
                       cwd=clone, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert (clone / ".venv" / "bin" / "nbteam").exists()
    # `.venv/bin/nbteam demo`, into a directory we can look at afterwards.
    demo = tmp_path / "demo"
    p = subprocess.run([str(clone / ".venv" / "bin" / "nbteam"), "demo", str(demo)], cwd=clone, env=env,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "nbteam: analysis.ipynb: merged, 1 conflict in cell 4" in p.stdout
    # Git ran the installed copy through the registered entry, not this checkout.
    driver = git(demo, "config", "merge.nbteam.driver").stdout
    assert str(venv_site / "nbteam" / "integration" / "entry.py") in driver and str(ROOT) not in driver
