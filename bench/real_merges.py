#!/usr/bin/env python3
"""Rebuild the real-merge corpus from public repositories, or mine a repository for more cases.

usage: python bench/real_merges.py fetch DEST [--repo OWNER/NAME ...] [--url-base URL]
       python bench/real_merges.py mine CLONE DEST [--limit N]

`fetch` reads bench/real-merges.tsv (repository, licence, and the four commits of each case)
and writes DEST/<owner>+<name>-merges/NNNN/{base,ours,theirs,merged}.ipynb and meta.json, the
layout bench/score_merges.py reads. It clones each repository without blobs (git fetches
only the notebooks it needs). The cases' notebooks stay under their projects' licences, named
in the TSV; nothing of them is stored in this repository.

`mine` finds such cases in any local clone: every merge commit whose two parents both changed
a notebook since their merge base, kept when all four versions are valid JSON of at most
1.5 MB and neither side equals the base (the rules the TSV's cases were chosen by).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TSV = HERE / "real-merges.tsv"
MAX_BYTES = 1_500_000
ROLES = ("base", "ours", "theirs", "merged")


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git in repo, capturing bytes."""
    return subprocess.run(["git", *args], cwd=repo, capture_output=True)


def blob(repo: Path, commit: str, path: str) -> bytes | None:
    """A file's bytes at a commit, or None."""
    p = git(repo, "show", f"{commit}:{path}")
    return p.stdout if p.returncode == 0 else None


def write_case(dest: Path, meta: dict[str, str], contents: dict[str, bytes]) -> None:
    """One case folder: the four notebooks and meta.json."""
    dest.mkdir(parents=True, exist_ok=True)
    for role, data in contents.items():
        (dest / f"{role}.ipynb").write_bytes(data)
    (dest / "meta.json").write_text(json.dumps(meta) + "\n")


def read_tsv(only: set[str], tsv: Path = TSV) -> dict[str, list[list[str]]]:
    """Cases per repository, from the TSV (comment lines skipped)."""
    cases: dict[str, list[list[str]]] = {}
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            row = line.split("\t")
            if not only or row[0] in only:
                cases.setdefault(row[0], []).append(row)
    return cases


def fetch(dest: Path, only: set[str], url_base: str, tsv: Path = TSV) -> int:
    """Clone each listed repository (blobless) and write its cases; return how many were written."""
    written = 0
    for repo, rows in read_tsv(only, tsv).items():
        with tempfile.TemporaryDirectory(prefix="nbteam-corpus-") as tmp:
            clone = Path(tmp) / "repo"
            url = f"{url_base.rstrip('/')}/{repo}"
            print(f"{repo} ({rows[0][1]}): cloning {url} without blobs ...", flush=True)
            p = subprocess.run(["git", "clone", "-q", "--bare", "--filter=blob:none", url, str(clone)])
            if p.returncode != 0:
                print("  skipped: git clone failed", file=sys.stderr)
                continue
            for _, _, case, merge, base, ours, theirs, path in rows:
                commits = {"base": base, "ours": ours, "theirs": theirs, "merged": merge}
                contents = {role: blob(clone, commit, path) for role, commit in commits.items()}
                if any(v is None for v in contents.values()):
                    print(f"  {case}: missing in the clone, skipped", file=sys.stderr)
                    continue
                meta = {"merge": merge, "base": base, "ours": ours, "theirs": theirs, "path": path}
                write_case(dest / f"{repo.replace('/', '+', 1)}-merges" / case, meta,
                           {k: v for k, v in contents.items() if v is not None})
                written += 1
    print(f"{written} cases in {dest}")
    return written


def _valid_json(data: bytes | None) -> bool:
    if data is None or len(data) > MAX_BYTES:
        return False
    try:
        json.loads(data)
        return True
    except ValueError:
        return False


def mine(clone: Path, dest: Path, limit: int) -> int:
    """Write the notebook merges found in a local clone; return how many."""
    merges = git(clone, "rev-list", "--merges", "--parents", "--all").stdout.decode().splitlines()
    seen: set[bytes] = set()
    count = 0
    for line in merges:
        merge, *parents = line.split()
        if len(parents) != 2:
            continue
        ours, theirs = parents
        base = git(clone, "merge-base", ours, theirs).stdout.decode().strip()
        if not base:
            continue
        changed = [set(git(clone, "diff", "--name-only", base, side, "--", "*.ipynb").stdout.decode().split("\n"))
                   for side in (ours, theirs)]
        for path in sorted(p for p in changed[0] & changed[1] if p):
            commits = {"base": base, "ours": ours, "theirs": theirs, "merged": merge}
            contents = {role: blob(clone, c, path) for role, c in commits.items()}
            if not all(_valid_json(v) for v in contents.values()):
                continue
            if contents["ours"] == contents["base"] or contents["theirs"] == contents["base"]:
                continue
            key = b"\0".join(v or b"" for v in contents.values())
            if key in seen:
                continue
            seen.add(key)
            meta = {"merge": merge, "base": base, "ours": ours, "theirs": theirs, "path": path}
            write_case(dest / f"{count:04d}", meta, {k: v for k, v in contents.items() if v is not None})
            count += 1
            if count >= limit:
                return count
    return count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("fetch", help="rebuild the listed cases from their public repositories")
    f.add_argument("dest", type=Path)
    f.add_argument("--repo", action="append", default=[], help="only this OWNER/NAME (repeatable)")
    f.add_argument("--url-base", default="https://github.com", help="where the repositories are cloned from")
    f.add_argument("--tsv", type=Path, default=TSV, help="the case list (default: bench/real-merges.tsv)")
    m = sub.add_parser("mine", help="find notebook merges in a local clone")
    m.add_argument("clone", type=Path)
    m.add_argument("dest", type=Path)
    m.add_argument("--limit", type=int, default=1000)
    a = ap.parse_args()
    if a.mode == "fetch":
        return 0 if fetch(a.dest, set(a.repo), a.url_base, a.tsv) else 1
    print(f"{mine(a.clone, a.dest, a.limit)} cases in {a.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
