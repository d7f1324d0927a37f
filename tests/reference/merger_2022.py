#!/usr/bin/python3
"""Reference for `dtirank rank --year 2022 --units 34` (the latent-scale approximation).

From ../shared/data only (dti_2022.csv: the full official rank order; merger_2025.csv: the 63 -> 34
map): each province's position is the normal score of its rank, x = -Phi^-1((r - 1/2) / 63); a unit's
position is the unweighted mean over its former provinces; units are ranked by position, highest
first (no ties occur).  Writes tests/reference/merger_2022_expected.csv: unit, rank, latent (%.17g).

Usage (from the repository root): /usr/bin/python3 tests/reference/merger_2022.py [../shared/data]
"""
import csv
import os
import sys

from scipy.stats import norm

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(src, "dti_2022.csv"), encoding="utf-8") as f:
    rank = {r["province"]: int(r["rank"]) for r in csv.DictReader(f)}
units = {}
with open(os.path.join(src, "merger_2025.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        units.setdefault(r["new_province"], []).append(r["old_province"])
assert len(rank) == 63 and len(units) == 34, (len(rank), len(units))
latent = {u: sum(-norm.ppf((rank[p] - 0.5) / 63) for p in ps) / len(ps) for u, ps in units.items()}
ordered = sorted(latent, key=lambda u: -latent[u])
assert len(set(latent.values())) == 34  # no ties, so the order is unambiguous
with open(os.path.join(here, "merger_2022_expected.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "rank", "latent"])
    for i, u in enumerate(ordered, 1):
        w.writerow([u, i, "%.17g" % latent[u]])
print("34 units written; Thái Nguyên unit rank", ordered.index("Thái Nguyên") + 1)
