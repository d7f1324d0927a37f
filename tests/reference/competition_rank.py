#!/usr/bin/python3
"""Reference for the official DTI ranking rule.

Rule: round every value to 4 decimals, half away from zero, on its decimal value: the shortest
repr is first snapped to 10 decimals (1e-6 of the last published digit: far below any real
difference between provinces, far above the binary noise of a weighted sum), then
quantized to 4 decimals with ROUND_HALF_UP (Decimal's "half away from zero"); rank the rounded values in descending order; tied values share the
best rank and the following rank(s) are skipped (standard competition ranking: 1, 2, 2, 4).
Missing values (None or NaN) get no rank ('NA') and do not count against the others.

Usage (from the repository root):
    /usr/bin/python3 tests/reference/competition_rank.py
Writes tests/reference/rank_expected.txt, one case per line:
    <input values, comma-separated>; <ranks, comma-separated>
Inputs are written with repr() (shortest round-trip form); a NaN input is written 'nan',
a missing (None) input 'NA'; an unranked output is 'NA'.
"""

import math
import os
import sys
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))
Q = Decimal("0.0001")


SNAP = Decimal("1e-10")


def round4(x):
    snapped = Decimal(repr(float(x))).quantize(SNAP, rounding=ROUND_HALF_UP)
    return snapped.quantize(Q, rounding=ROUND_HALF_UP)


def is_missing(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def competition_rank(values):
    r = [None if is_missing(v) else round4(v) for v in values]
    present = [v for v in r if v is not None]
    return [None if v is None else 1 + sum(1 for o in present if o > v) for v in r]


# (description, input values, expected ranks) -- the expected ranks are written by hand
# and checked against competition_rank() below.
CASES = [
    ("basic competition ranking 1,2,2,4",
     [0.9, 0.8, 0.8, 0.7], [1, 2, 2, 4]),
    ("tie at rank 15 (0.66004 and 0.65996 both round to 0.6600), next rank 17",
     [0.80, 0.79, 0.78, 0.77, 0.76, 0.75, 0.74, 0.73, 0.72, 0.71, 0.70, 0.69, 0.68, 0.67,
      0.66004, 0.65996, 0.65],
     list(range(1, 15)) + [15, 15, 17]),
    ("5th decimal differs, rounded values differ: 0.69746 -> 0.6975, 0.69744 -> 0.6974",
     [0.69746, 0.69744], [1, 2]),
    ("5th decimal differs, rounded values tie: 0.80017 and 0.80024 -> 0.8002",
     [0.80017, 0.80024], [1, 1]),
    ("missing values (NaN and None) get no rank",
     [0.5, float("nan"), 0.7, None], [2, None, 1, None]),
    ("half away from zero on the decimal repr: 0.69065 -> 0.6907 (its double is just below "
     "the half, and half-to-even would also give 0.6906)",
     [0.69065, 0.6906, 0.6907], [1, 3, 1]),
    ("negative values round away from zero: -0.69065 -> -0.6907",
     [-0.69065, -0.6907, -0.6906], [2, 2, 1]),
    ("all equal", [0.5, 0.5, 0.5], [1, 1, 1]),
    ("all missing", [float("nan"), None], [None, None]),
    ("single value", [0.4874], [1]),
    ("0.99995 rounds up to 1.0000: three-way tie",
     [1.0, 0.99995, 1.00004], [1, 1, 1]),
    ("tie at rank 1 after a missing value",
     [float("nan"), 0.6975, 0.69746], [None, 1, 1]),
    ("2022 DTI recomputed in double (dti_official.py): 0.8002, 0.7164, 0.7024, 0.6975, 0.6924",
     [0.800175, 0.716355, 0.7024450000000002, 0.6974600000000001, 0.6923950000000001],
     [1, 2, 3, 4, 5]),
    ("arithmetic noise just below the half is repaired by the snap: 0.7163499999999999 -> 0.71635 "
     "-> 0.7164, above 0.7163",
     [0.7163499999999999, 0.7163], [1, 2]),
    ("a real difference in the 5th decimal is kept: 0.716349 -> 0.7163, ties 0.7163",
     [0.716349, 0.7163], [1, 1]),
]


def fmt_in(v):
    if v is None:
        return "NA"
    if math.isnan(v):
        return "nan"
    return repr(float(v))


def main():
    failed = 0
    lines = []
    for desc, vals, expected in CASES:
        got = competition_rank(vals)
        if got != expected:
            failed += 1
            print("FAILED: %s: got %s, expected %s" % (desc, got, expected), file=sys.stderr)
        lines.append(",".join(fmt_in(v) for v in vals) + "; "
                     + ",".join("NA" if r is None else str(r) for r in got))
    with open(os.path.join(HERE, "rank_expected.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for (desc, _, _), line in zip(CASES, lines):
        print("%-60.60s  %s" % (desc, line))
    if failed:
        sys.exit(1)
    print("%d cases written" % len(CASES))


if __name__ == "__main__":
    main()
