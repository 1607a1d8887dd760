"""Textual screens of nbteam: the scratchpad browser (`nbteam tui`) and the merge tool (`nbteam resolve`)."""
