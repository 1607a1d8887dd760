"""The user's editor, picked and run the way git picks and runs it (for hand-editing a conflict)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from nbteam.git.run import git_text

EDITORS = ("GIT_EDITOR", "VISUAL", "EDITOR")


def editor_command() -> str:
    """$GIT_EDITOR, $VISUAL or $EDITOR, else git's own choice (core.editor, then vi)."""
    chosen = next((os.environ[name] for name in EDITORS if os.environ.get(name)), None)
    return chosen or git_text(["var", "GIT_EDITOR"]) or "vi"


def run_editor(editor: str, path: Path) -> int:
    """Run an editor command line on a file as git does: through the shell, the file as "$@"."""
    return subprocess.run(["sh", "-c", f'{editor} "$@"', editor, str(path)]).returncode
