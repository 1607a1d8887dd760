"""Metadata that describes the editor, the kernel or the machine a notebook ran on, not the work.

One rule, one table: where both sides changed such a key differently, ours is kept and no
conflict is raised (people keep ours every time; the other machine's value is no part of the
work). A change made on one side only is merged as usual, and `nbteam diff` still shows it.
A team adds its own keys with `machine_metadata = ["my_ext"]` in `[tool.nbteam]`; those
apply at both levels.
"""
from __future__ import annotations

NOTEBOOK, CELL, BOTH = "notebook", "cell", "both"

# key: (level, who writes it). Keys that are stripped before merging (ExecuteTime, execution,
# collapsed, scrolled, Colab's executionInfo and outputId: see notebook/normalise.py) and
# the notebook's widget state without keep_outputs never reach the merge at all.
MACHINE_METADATA: dict[str, tuple[str, str]] = {
    "kernelspec": (NOTEBOOK, "Jupyter: the kernel it ran with"),
    "language_info": (NOTEBOOK, "Jupyter: the kernel's language version"),
    "kernel_info": (NOTEBOOK, "Azure ML: the kernel"),
    "interpreter": (NOTEBOOK, "VS Code / Vertex AI Workbench: the interpreter's hash"),
    "environment": (NOTEBOOK, "Vertex AI Workbench: the image it ran on (name, uri)"),
    "vscode": (BOTH, "VS Code: interpreter, cell language"),
    "colab": (BOTH, "Colab: file name, provenance, cell view sizes"),
    "colab_type": (CELL, "Colab: cell bookkeeping"),
    "id": (CELL, "Colab: the cell's own id in its metadata"),
    "accelerator": (NOTEBOOK, "Colab / Kaggle: the GPU or TPU it ran on"),
    "gpuClass": (NOTEBOOK, "Colab: GPU class"),
    "kaggle": (NOTEBOOK, "Kaggle: accelerator, internet, data sources"),
    "widgets": (NOTEBOOK, "ipywidgets: saved widget state"),
    "toc": (BOTH, "toc2 extension: table of contents state"),
    "toc_position": (NOTEBOOK, "toc2 extension: panel position"),
    "toc-autonumbering": (NOTEBOOK, "toc extension: view setting"),
    "toc-showcode": (NOTEBOOK, "toc extension: view setting"),
    "toc-showmarkdowntxt": (NOTEBOOK, "toc extension: view setting"),
    "toc-showtags": (NOTEBOOK, "toc extension: view setting"),
    "nav_menu": (NOTEBOOK, "nbextensions: navigation menu state"),
    "varInspector": (NOTEBOOK, "variable inspector extension: panel state"),
    "execution": (NOTEBOOK, "execution timing extensions"),
    "latex_envs": (NOTEBOOK, "latex_envs extension: settings panel state"),
    "notify_time": (NOTEBOOK, "notify extension"),
    "celltoolbar": (NOTEBOOK, "Jupyter: which cell toolbar is shown"),
    "papermill": (BOTH, "papermill: run parameters, timing, status"),
    "nteract": (BOTH, "nteract: editor version"),
    "pycharm": (BOTH, "PyCharm: editor state"),
    "microsoft": (NOTEBOOK, "Azure ML / VS Code: host and spell-check state"),
    "deepnote": (NOTEBOOK, "Deepnote: editor state"),
    "jupytext": (NOTEBOOK, "Jupytext: paired formats and the version that wrote the text"),
    "instance_type": (NOTEBOOK, "SageMaker Studio: the instance it ran on"),
    "availableInstances": (NOTEBOOK, "SageMaker Studio: the instance types on offer"),
    "lcc_arn": (NOTEBOOK, "SageMaker Studio: the lifecycle configuration"),
    "jupyter": (CELL, "JupyterLab: source or outputs hidden (view state)"),
    "jp-MarkdownHeadingCollapsed": (CELL, "JupyterLab: heading collapsed (view state)"),
    "trusted": (CELL, "Jupyter: whether this machine trusted the outputs"),
    "nbpresent": (CELL, "nbpresent: the cell's own id"),
    "ein.tags": (CELL, "Emacs IPython Notebook: editor state"),
    "ein.hycell": (CELL, "Emacs IPython Notebook: editor state"),
}


def machine_keys(level: str, extra: frozenset[str] = frozenset()) -> frozenset[str]:
    """The keys of notebook (NOTEBOOK) or cell (CELL) metadata that never conflict, plus `extra`."""
    return frozenset(k for k, (where, _) in MACHINE_METADATA.items() if where in (level, BOTH)) | extra


NOTEBOOK_MACHINE_METADATA = machine_keys(NOTEBOOK)
CELL_MACHINE_METADATA = machine_keys(CELL)
