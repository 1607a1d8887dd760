"""nbteam: Jupyter notebooks that work in a team's git repository."""

__version__ = "0.1.0"
