#!/usr/bin/python3
"""Reference for `dtirank rank --year 2022 --units 34` (the official rule on values).

From ../shared/data only (dti_2022.csv: the DTI value of every province, published to 4 decimals;
merger_2025.csv: the 63 -> 34 map): a unit's DTI is the unweighted mean of its former provinces' DTIs
(the Ministry's rule for merged units, METHODOLOGY.md §4); units are ranked by that mean rounded to
4 decimals (half away from zero), ties sharing a rank.  Writes tests/reference/merger_2022_expected.csv:
unit, rank, dti (%.17g of the unrounded mean).

Usage (from the repository root): /usr/bin/python3 tests/reference/merger_2022.py [../shared/data]
"""
import csv
import os
import sys
from decimal import ROUND_HALF_UP, Decimal

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(src, "dti_2022.csv"), encoding="utf-8") as f:
    value = {r["province"]: Decimal(r["dti"]) for r in csv.DictReader(f)}
units = {}
with open(os.path.join(src, "merger_2025.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        units.setdefault(r["new_province"], []).append(r["old_province"])
assert len(value) == 63 and len(units) == 34, (len(value), len(units))
# Exact decimal arithmetic: the mean of 4-decimal numbers, then the published rounding.
mean = {u: sum(value[p] for p in ps) / len(ps) for u, ps in units.items()}
key = {u: m.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) for u, m in mean.items()}
ordered = sorted(units, key=lambda u: -key[u])  # stable: ties keep the map's order
with open(os.path.join(here, "merger_2022_expected.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "rank", "dti"])
    for u in ordered:
        rank = 1 + sum(1 for v in units if key[v] > key[u])
        w.writerow([u, rank, "%.17g" % float(mean[u])])
print("34 units written; Thái Nguyên unit rank", 1 + sum(1 for v in units if key[v] > key["Thái Nguyên"]))
