"""`nbteam diff --web`: hand two versions of a notebook to nbdime's rendered web diff.

nbdime is optional (the `[web]` extra) and imported only here, when asked for: its
`nbdime.webapp.nbdiffweb` serves the diff and opens a browser (it honours $BROWSER) until the tab closes.
"""
from __future__ import annotations

import importlib.util
import os
import tempfile

from nbteam.errors import NbteamError

INSTALL_HINT = ('the rendered diff needs nbdime, which is not installed here: '
                'pip install "nbteam[web]"  (or: pip install nbdime)')


class WebDiffUnavailable(NbteamError):
    """nbdime is not installed in nbteam's environment."""


def require_nbdime() -> None:
    """Raise WebDiffUnavailable, saying how to install it, when nbdime cannot be imported."""
    if importlib.util.find_spec("nbdime") is None:
        raise WebDiffUnavailable(INSTALL_HINT)


def serve(old_path: str, new_path: str) -> int:
    """Run nbdime's web diff of two notebook files (`nbdiff-web OLD NEW`) until its page is closed."""
    require_nbdime()
    from nbdime.webapp import nbdiffweb  # type: ignore[import-untyped,import-not-found,unused-ignore]

    return int(nbdiffweb.main([old_path, new_path]) or 0)


def _write(folder: str, side: str, name: str, data: bytes | None) -> str:
    """A temporary copy of one version (an empty notebook for a missing side), named like the file."""
    path = os.path.join(folder, side, os.path.basename(name) or "notebook.ipynb")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if data else b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n')
    return path


def show_versions(name: str, old: bytes | None, new: bytes | None) -> int:
    """Serve nbdime's web diff of two versions of one notebook; nbdime's exit status."""
    require_nbdime()
    with tempfile.TemporaryDirectory(prefix="nbteam-web-") as folder:
        return serve(_write(folder, "a", name, old), _write(folder, "b", name, new))
