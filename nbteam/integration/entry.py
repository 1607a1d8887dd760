"""The script git runs for everything nbteam registers: `PYTHON -I -S .../entry.py COMMAND` (see launch.py).

A script is compiled on every start (only imported modules keep their bytecode), so this stays a few lines.
"""
import os
import sys

if __name__ == "__main__":
    sys.path[:0] = [os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))]
    from nbteam.integration.launch import main

    main()
