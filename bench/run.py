#!/usr/bin/env python3
"""Run nbteam's benchmarks beside their anchors and print one table per suite, as ratios.

usage: python bench/run.py [SUITE ...] [--quick] [--list]

Each suite is a module `bench/suite_<name>.py` with DESCRIPTION and `run(quick) -> list[Row]`.
A Row is {"case": str, "tool": str, "seconds": float | None, "note": str (optional)};
the tool named "nbteam" is the reference, every other tool in the same case is an anchor,
shown with how many times slower (or faster) it was than nbteam in the same run.
Anchors (nbdime, nbstripout) come from `pip install -e ".[bench]"`; a missing one is reported, not fatal.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def suites() -> list[str]:
    return sorted(p.stem[len("suite_"):] for p in HERE.glob("suite_*.py"))


def print_table(name: str, description: str, rows: list[dict]) -> None:
    print(f"\n## {name}: {description}\n")
    print(f"{'case':<44} {'tool':<22} {'seconds':>10} {'vs nbteam':>10}  note")
    print("-" * 100)
    cases: dict[str, list[dict]] = {}
    for row in rows:
        cases.setdefault(row["case"], []).append(row)
    for case, items in cases.items():
        ref = next((r["seconds"] for r in items if r["tool"] == "nbteam" and r["seconds"]), None)
        for r in items:
            s = r["seconds"]
            secs = f"{s:10.4f}" if s is not None else f"{'n/a':>10}"
            ratio = f"{'':>10}"
            if s and ref and r["tool"] != "nbteam":
                ratio = f"{s / ref:9.2f}x" if s < ref else f"{s / ref:9.1f}x"
            print(f"{case:<44} {r['tool']:<22} {secs} {ratio}  {r.get('note', '')}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite", nargs="*", help=f"suites to run (default: all): {', '.join(suites())}")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and smaller inputs")
    ap.add_argument("--list", action="store_true", help="list the suites and exit")
    a = ap.parse_args()
    names = a.suite or suites()
    unknown = [n for n in names if n not in suites()]
    if unknown:
        print(f"unknown suite(s): {', '.join(unknown)}; have: {', '.join(suites())}", file=sys.stderr)
        return 2
    for name in names:
        module = importlib.import_module(f"suite_{name}")
        if a.list:
            print(f"{name:<12} {module.DESCRIPTION}")
            continue
        print_table(name, module.DESCRIPTION, module.run(a.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
