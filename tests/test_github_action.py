"""The GitHub Action (action.yml) and nbteam's own workflow: actionlint passes, the scripts parse."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT


def _actionlint() -> str:
    """The actionlint binary: beside this Python (the test extra installs it) or on PATH; else skip."""
    beside = os.path.join(os.path.dirname(sys.executable), "actionlint")
    found = beside if os.access(beside, os.X_OK) else shutil.which("actionlint")
    if not found:
        pytest.skip("actionlint is not installed (pip install -e '.[test]' installs it on Linux x86-64)")
    return found


def test_actionlint_passes_on_the_workflows_and_the_action_inputs_they_use():
    p = subprocess.run([_actionlint(), "-no-color"], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_actionlint_would_see_a_wrong_input(tmp_path):
    """The check above is not vacuous: a workflow giving the action an input it lacks fails."""
    shutil.copy2(ROOT / "action.yml", tmp_path / "action.yml")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    text = (ROOT / ".github" / "workflows" / "notebooks.yml").read_text(encoding="utf-8")
    (tmp_path / ".github" / "workflows" / "w.yml").write_text(text.replace("paths:", "pathz:"), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    p = subprocess.run([_actionlint(), "-no-color"], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 1 and '"pathz" is not defined' in p.stdout


def test_the_action_scripts_are_valid_bash():
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (pre-commit, a test dependency, brings it)")
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    scripts = [step["run"] for step in action["runs"]["steps"] if "run" in step]
    assert len(scripts) >= 5
    for script in scripts:
        p = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
        assert p.returncode == 0, script + p.stderr
