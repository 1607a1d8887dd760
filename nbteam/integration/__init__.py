"""What nbteam registers with git and what git triggers: init, uninstall, hooks, the launcher, doctor, the commit guard."""
