#!/usr/bin/env python3
"""Score a notebook merge driver on real three-way merges (the cases: bench/real_merges.py fetch).

usage: score_merges.py CASE_DIR_OR_CORPUS [...] --driver 'CMD %O %A %B %L %P' [--name NAME] [--json OUT]

Each case is a folder with base.ipynb, ours.ipynb, theirs.ipynb, merged.ipynb (what people committed)
and meta.json ({"path": ...}). A corpus is any folder holding case folders, at any depth. %O base, %A ours (the driver
overwrites it with its result), %B theirs, %L marker size, %P the notebook's path in its repository.
The driver 'text' runs plain `git merge-file`.

Per case: exit code, seconds, whether the result is a valid v4 notebook, whether its cell sources equal
what people committed (files in nbformat 2/3 compared after Jupyter's upgrade to 4, when nbformat is importable), whether a conflict is visible (<<<<<<< somewhere in the result), and
for clean merges how many lines added by either side are missing from the result (work lost).
A clean result that differs from people's is not counted in clean_but_differs when people committed
one side as it was and dropped the other side's changes (clean_where_people_discarded_a_side).
"""
import argparse, glob, json, os, shlex, shutil, statistics, subprocess, tempfile, time

MARK = "<<<<<<<"


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except Exception:
        return None


def load_v4(path):
    """The notebook as nbformat 4 (older files upgraded the way Jupyter does), or raw JSON without nbformat."""
    nb = load(path)
    if isinstance(nb, dict) and nb.get("nbformat", 4) < 4:
        try:
            import nbformat
            return json.loads(nbformat.writes(nbformat.reads(json.dumps(nb), as_version=4)))
        except Exception:
            return nb
    return nb


def text(src):
    return "".join(src) if isinstance(src, list) else (src or "")


def sources(nb):
    return [(c.get("cell_type"), text(c.get("source"))) for c in nb.get("cells", [])]


def lines(nb):
    return {l.strip() for _, s in sources(nb) for l in s.splitlines() if l.strip()}


def discarded_a_side(base, ours, theirs, human):
    """People committed one side as it was, dropping changes the other side made (a resolution such as
    `git checkout --theirs`, which no merge tool can infer from the three files)."""
    if not (base and ours and theirs and human):
        return False
    b, h = lines(base), lines(human)
    for kept, other in ((ours, theirs), (theirs, ours), (base, ours), (base, theirs)):
        if sources(human) == sources(kept) and sources(other) != sources(kept):
            o = lines(other)
            if (o - b) - h or (b - o) & h:
                return True
    return False


def valid(path):
    try:
        import nbformat
    except ImportError:
        return None
    try:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if nb.nbformat != 4:
            return False
        nbformat.validate(nb)
        return True
    except Exception:
        return False


def is_case(d):
    return all(os.path.exists(os.path.join(d, k + ".ipynb")) for k in ("base", "ours", "theirs"))


def run_case(case, driver):
    tmp = tempfile.mkdtemp(prefix="nbscore-")
    try:
        for k in ("base", "ours", "theirs"):
            shutil.copy(os.path.join(case, k + ".ipynb"), os.path.join(tmp, k + ".ipynb"))
        O, A, B = (os.path.join(tmp, k + ".ipynb") for k in ("base", "ours", "theirs"))
        meta = load(os.path.join(case, "meta.json")) or {}
        path = meta.get("path", "notebook.ipynb")
        if driver == "text":
            cmd = ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", A, O, B]
        else:
            cmd = [a.replace("%O", O).replace("%A", A).replace("%B", B).replace("%L", "7").replace("%P", path)
                   for a in shlex.split(driver)]
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, cwd=tmp, timeout=300)
        dt = time.perf_counter() - t
        raw = open(A, encoding="utf-8", errors="replace").read()
        res, human = load_v4(A), load_v4(os.path.join(case, "merged.ipynb"))
        base, ours, theirs = (load_v4(os.path.join(case, k + ".ipynb")) for k in ("base", "ours", "theirs"))
        lost = None
        if p.returncode == 0 and res and base and ours and theirs:
            added = (lines(ours) - lines(base)) | (lines(theirs) - lines(base))
            lost = len(added - lines(res))
        return {
            "case": case, "rc": p.returncode, "s": round(dt, 4), "valid": valid(A),
            "same_as_people": bool(res and human and sources(res) == sources(human)),
            "people_discarded_a_side": discarded_a_side(base, ours, theirs, human),
            "conflict_visible": MARK in raw,
            "lost_lines": lost, "stderr": p.stderr.decode(errors="replace")[-400:],
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="+")
    ap.add_argument("--driver", required=True)
    ap.add_argument("--name", default=None)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    cases = []
    for c in a.corpora:
        cases += sorted(os.path.dirname(b) for b in glob.glob(os.path.join(c, "**", "base.ipynb"), recursive=True)
                        if is_case(os.path.dirname(b)))
    rows = [run_case(c, a.driver) for c in cases]
    n = len(rows)
    clean = [r for r in rows if r["rc"] == 0]
    conflicted = [r for r in rows if r["rc"] == 1]
    print(f"{a.name or a.driver.split()[0]}: cases={n} clean={len(clean)} "
          f"clean_same_as_people={sum(r['same_as_people'] for r in clean)} "
          f"clean_but_differs={sum(not r['same_as_people'] and not r['people_discarded_a_side'] for r in clean)} "
          f"clean_where_people_discarded_a_side={sum(not r['same_as_people'] and r['people_discarded_a_side'] for r in clean)} "
          f"clean_losing_lines={sum(bool(r['lost_lines']) for r in clean)} "
          f"conflicts={len(conflicted)} conflicts_invisible={sum(not r['conflict_visible'] for r in conflicted)} "
          f"other_exit={n - len(clean) - len(conflicted)} "
          f"invalid_notebook={sum(r['valid'] is False for r in rows) if rows and rows[0]['valid'] is not None else '? (no nbformat)'} "
          f"median_s={statistics.median([r['s'] for r in rows]) if rows else 0:.3f} total_s={sum(r['s'] for r in rows):.1f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
