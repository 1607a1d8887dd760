"""What nbteam registers with git and what git triggers: init, uninstall, hooks, the launcher, doctor, the commit guard.

The hook names stand here, importing nothing, because every hook's start reads them (registry.py has the rest).
"""

# Hooks that can refuse a commit with conflict markers (git runs no pre-commit for `rebase --continue`
# or `am --continue`), and hooks that say so loudly where git lets no hook refuse (`--no-verify`).
GUARD_HOOKS = ("pre-commit", "prepare-commit-msg", "pre-applypatch")
NOTICE_HOOKS = ("post-commit", "post-applypatch")
# Hooks after which git has written notebooks (outputs come back) or the index (sizes go to 0).
OUTPUT_HOOKS = ("post-checkout", "post-merge", "post-rewrite", "post-commit", "post-index-change",
                "reference-transaction")
STDIN_HOOKS = ("post-rewrite", "reference-transaction")  # git writes to these hooks' stdin
ALL_HOOKS = tuple(dict.fromkeys(GUARD_HOOKS + NOTICE_HOOKS + OUTPUT_HOOKS))
# Hooks that matter only for the commits `git rebase --continue` / `git am --continue` make (the
# other commits of a rebase or am replay commits already made), and the state dir of that operation.
CONTINUE_ONLY = {"prepare-commit-msg": "rebase-merge", "pre-applypatch": "rebase-apply",
                 "post-applypatch": "rebase-apply"}
