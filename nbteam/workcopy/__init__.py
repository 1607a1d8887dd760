"""Outputs in the working copy: kept through git's checkouts, merges, stashes and rebases, never committed.

- store: a copy of each notebook's last working copy with outputs, per worktree, taken when
  git's clean filter reads it (git reads a file before it overwrites it).
- restore: the filter process's smudge gives a notebook git writes the remembered outputs of its
  unchanged cells, only when the git command writes the working copy (never `git archive`,
  `git cat-file --filters`, diffs); git then records the file as written, so nothing re-checks it.
- marks: notebooks saved with new outputs since git looked get a "compare content" mark in
  the index (after a Jupyter save, during the fetch of a `git pull`), and only those.
- jupyter: the Jupyter server extension that marks a notebook on save.
- ignore: `.ipynb_checkpoints/` in the repository's info/exclude.
See docs/architecture.md for the design and its measurements.
"""
