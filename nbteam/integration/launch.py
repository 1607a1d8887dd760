"""What entry.py runs: put this nbteam first on sys.path, find other packages only on demand, run the CLI.

git starts one merge-driver process per notebook, so start-up is most of a merge's cost.
`-S` skips site.py, which in a virtualenv runs every .pth file (editable installs import
importlib machinery and pathlib); `-I` keeps PYTHONPATH, the user's site and the current directory (the work tree) out, so what runs
is the nbteam `nbteam init` registered. The merge driver, the filter and the hooks need nothing else, so the interpreter's
site-packages are added only when a module is found nowhere (textual for the merge tool, say):
then, once, those, the user site and the directories that .pth files name (without running .pth
code), so packages installed any of those ways still import. Finding site-packages imports
`site`, a cost every driver start would otherwise pay.
"""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec


def site_dirs() -> list[str]:
    """The interpreter's site-packages as site.py would add them (venv first), without .pth processing."""
    import site

    base = site.getsitepackages()  # under -S these are the base interpreter's
    exe_dir = os.path.dirname(os.path.abspath(sys.executable))
    for prefix in (exe_dir, os.path.dirname(exe_dir)):
        cfg = os.path.join(prefix, "pyvenv.cfg")
        if os.path.isfile(cfg):
            with open(cfg, encoding="utf-8") as f:
                system = any(line.partition("=")[0].strip().lower() == "include-system-site-packages"
                             and line.partition("=")[2].strip().lower() == "true" for line in f)
            venv = os.path.dirname(exe_dir)
            return site.getsitepackages([venv]) + (base if system else [])
    return base


# Modules the standard library tries and does without: `subprocess` tries msvcrt (Windows), `copy`
# and `pickle` try org.python.core (Jython). Were they to add site-packages, every process that runs
# git would pay for it.
NOT_INSTALLED = frozenset(getattr(sys, "stdlib_module_names", ())) | {"org"}


class SiteOnDemand:
    """Last meta-path finder: on the first module found nowhere, add site-packages and what .pth files and the user site add."""

    @classmethod
    def find_spec(cls, name: str, path: Sequence[str] | None = None, target: object = None) -> ModuleSpec | None:
        """Add the directories named by .pth files and the user site (once, running no .pth code), then retry."""
        if name.partition(".")[0] in NOT_INSTALLED:
            return None  # the standard library probing for another platform: site-packages cannot help
        sys.meta_path.remove(cls)  # type: ignore[arg-type]
        import site
        from importlib.machinery import PathFinder

        dirs = [*site_dirs(), site.getusersitepackages()]
        for directory in dirs:
            try:
                names = sorted(n for n in os.listdir(directory) if n.endswith(".pth"))
            except OSError:
                continue
            for pth in names:
                # Plain path lines only: `import` lines run code, which must not happen mid-import.
                with open(os.path.join(directory, pth), encoding="utf-8", errors="replace") as f:
                    dirs += [os.path.join(directory, line.rstrip()) for line in f
                             if line.strip() and not line.startswith(("#", "import ", "import\t"))]
        sys.path += [d for d in dirs if d not in sys.path and os.path.isdir(d)]
        return PathFinder.find_spec(name, path)


def main() -> None:
    """Make this nbteam's dependencies importable and run the command line (entry.py put nbteam itself first)."""
    sys.meta_path.append(SiteOnDemand)  # type: ignore[arg-type]
    from nbteam.cli import main as cli_main

    sys.exit(cli_main())

