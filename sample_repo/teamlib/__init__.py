"""The team's shared code: notebooks import from here; scratchpad cells are promoted here."""
