#!/usr/bin/env python3
"""Independent check of the golden `score` output on ASEM (tests/golden/score_asem_csv/stdout, and
score_csv_asem/stdout: the same scores read from the CSV table tests/csv/asem.csv).

The golden file is written by dtirank itself; this script proves it right against the independent
reference of tests/reference/asem_reference.py (asem_expected_scores.csv, computed from COINr's
PIPELINE.md without dtirank's code): every unit present once, the index, the ten other aggregates
within 1e-9, the competition ranks exactly, and rows in rank order.  Standard library only:

    python3 tests/golden/check_scores.py        (from the repository root; exit 1 on any mismatch)
"""
import csv
import math
import sys

TOL = 1e-9  # the reference README's tolerance; measured agreement is exact
GOLDENS = ["tests/golden/score_asem_csv/stdout", "tests/golden/score_csv_asem/stdout"]
REF = "tests/reference/asem_expected_scores.csv"


def main():
    return max(check(g) for g in GOLDENS)


def check(GOLDEN):
    with open(REF, newline="") as f:
        ref = {r["uCode"]: r for r in csv.DictReader(f)}
    with open(GOLDEN, newline="") as f:
        got = list(csv.DictReader(f))
    bad = []
    if sorted(r["unit"] for r in got) != sorted(ref):
        bad.append("units differ")
    cols = [c for c in next(iter(ref.values())) if c not in ("uCode", "rank")]
    for r in got:
        want = ref.get(r["unit"])
        if not want:
            continue
        if r["rank"] != want["rank"]:
            bad.append("%s: rank %s, want %s" % (r["unit"], r["rank"], want["rank"]))
        for c in cols:
            g, w = float(r[c.lower()]), float(want[c])
            if not abs(g - w) <= TOL * max(1.0, abs(w)):
                bad.append("%s %s: %r, want %r" % (r["unit"], c, g, w))
    ranks = [int(r["rank"]) for r in got]
    if ranks != sorted(ranks):
        bad.append("rows not in rank order")
    for b in bad:
        print("check_scores: " + b)
    print("check_scores: %s: %d units, %d columns: %s" % (GOLDEN, len(got), len(cols), "FAILED" if bad else "ok"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
