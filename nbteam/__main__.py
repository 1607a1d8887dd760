"""`python -m nbteam` runs the command line (for people; git runs `PYTHON -I -S nbteam/integration/entry.py`, which imports nothing from the work tree)."""
import sys

from nbteam.cli import main

sys.exit(main())
