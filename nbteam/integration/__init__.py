"""What nbteam registers with git and what git triggers: init, uninstall, hooks, the launcher, doctor, the commit guard.

The hook names stand here, importing nothing, because every hook's start reads them (registry.py has the rest).
"""

GUARD_HOOKS = ("pre-commit",)
# Hooks after which git has written notebooks (outputs come back) or the index (sizes go to 0).
OUTPUT_HOOKS = ("post-checkout", "post-merge", "post-rewrite", "post-commit", "post-index-change",
                "reference-transaction")
STDIN_HOOKS = ("post-rewrite", "reference-transaction")  # git writes to these hooks' stdin
