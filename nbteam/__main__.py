"""`python -m nbteam` runs the command line (the form `nbteam init` writes into git config)."""
import sys

from nbteam.cli import main

sys.exit(main())
