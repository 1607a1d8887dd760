"""What nbteam registers with git and what git triggers: the registry of commands, init, uninstall, hooks, the isolated entry, doctor, the commit guard.

The hook names stand here, importing nothing, because every hook's start reads them (registry.py has the rest).
"""

# Hooks that can refuse a commit with conflict markers (git runs no pre-commit for `rebase --continue`
# or `am --continue`), and hooks that say so loudly where git lets no hook refuse (`--no-verify`).
GUARD_HOOKS = ("pre-commit", "prepare-commit-msg", "pre-applypatch")
NOTICE_HOOKS = ("post-commit", "post-applypatch")
# The fetch of a `git pull` marks notebooks changed since git looked (nbteam.workcopy.marks); outputs
# themselves come back through the filter process's smudge, with no hook.
OUTPUT_HOOKS = ("reference-transaction",)
# Hooks an older nbteam installed for outputs: init and uninstall remove nbteam's scripts under these
# names, and a script an older nbteam left still runs (and does nothing).
RETIRED_HOOKS = ("post-checkout", "post-merge", "post-rewrite", "post-index-change")
STDIN_HOOKS = ("post-rewrite", "reference-transaction")  # git writes to these hooks' stdin
ALL_HOOKS = tuple(dict.fromkeys(GUARD_HOOKS + NOTICE_HOOKS + OUTPUT_HOOKS + RETIRED_HOOKS))
# Hooks that matter only for the commits `git rebase --continue` / `git am --continue` make (the
# other commits of a rebase or am replay commits already made), and the state dir of that operation.
CONTINUE_ONLY = {"prepare-commit-msg": "rebase-merge", "pre-applypatch": "rebase-apply",
                 "post-applypatch": "rebase-apply"}
# How a command line says it continues that operation: `git am --resolved` and `git am -r` are
# git's other names for `git am --continue`.
CONTINUE_FLAGS = {"rebase-merge": ("--continue",), "rebase-apply": ("--continue", "--resolved", "-r")}
