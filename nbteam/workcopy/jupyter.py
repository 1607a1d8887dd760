"""The Jupyter server extension: a notebook saved with new outputs shows clean in `git status` at once.

Installed with nbteam (etc/jupyter/jupyter_server_config.d/nbteam.json enables it in the
environment nbteam is installed in). After each save it marks that notebook's index entry for a
content check (nbteam.workcopy.marks), only in a repository set up by nbteam (the notebook has
nbteam's filter and the filter is registered); anywhere else it does nothing.
"""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def saved(os_path: str) -> bool | None:
    """Mark the notebook just saved at `os_path`, if nbteam keeps its outputs; never raises."""
    from nbteam.git.run import git_text, locate

    if not os_path.endswith(".ipynb"):
        return None
    try:
        where = os.path.dirname(os.path.abspath(os_path))
        found = locate(where)
        root = found.top if found else None
        if not root:
            return None
        rel = os.path.relpath(os.path.realpath(os_path), os.path.realpath(root))
        if rel.startswith(os.pardir) or not git_text(["config", "--get", "filter.nbteam.process"], cwd=root):
            return None
        from nbteam.workcopy.marks import mark_changed

        return mark_changed(root, [rel.replace(os.sep, "/")])
    except Exception:  # a save must never fail because of nbteam
        return None


def _post_save(model: Any = None, os_path: str = "", contents_manager: Any = None, **kwargs: Any) -> None:
    if os_path and (model or {}).get("type") == "notebook":
        saved(os_path)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "nbteam.workcopy.jupyter"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the post-save hook on the server's contents manager."""
    manager = getattr(serverapp, "contents_manager", None)
    register = getattr(manager, "register_post_save_hook", None)
    if register is not None:
        register(_post_save)
