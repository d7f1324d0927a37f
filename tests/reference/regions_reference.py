#!/usr/bin/python3
"""Independent reference of the ranks within regions (rank --by-region, profile) and of the comparison
of two published years (compare --year 2022 --year 2023), written from docs/methods.md §9 and
docs/guide.md, not from dtirank's C code.  Reads the shared CSV files (the source the year records are
generated from) and, for the sizes, the SYNTHETIC registry tests/toolkit/provinces-size.yaml.

1. Ranks within regions, 2024: every province has a published DTI.  The official rule (ties share the best
   rank) within the region: region rank = 1 + the number of provinces of the same region whose DTI,
   rounded half away from zero to 4 decimals, is strictly higher.  Worked by hand for the Northern Midlands
   and Mountains (14 provinces): Thái Nguyên has 0.7924, the highest of the region (Điện Biên 0.7651 is
   next), so 1; Yên Bái and Bắc Giang both have 0.7583 with Thái Nguyên and Điện Biên above them, so both 3,
   and Lạng Sơn (0.7480) is 5.
   Units of similar size (SYNTHETIC populations): the 63 provinces sorted by population ascending (ties in
   registry order) and cut into thirds, the k-th of the sorted list in third floor(3 k / 63); the rank in
   the third by the same rule.
2. Two published years, 2022 (A) and 2023 (B): the published ranks of dti_2022.csv and dti_2023.csv (every
   province has one), shift = rank A - rank B, crossing of the top-10 line (+1 into it under B, -1 out),
   Spearman's rho of the ranks from scipy.stats.spearmanr, mean and largest |shift|.

Outputs (next to this script):
  dti_expected_regions.csv   code,name,region,dti,region_rank,population,size_third,size_rank
  dti_expected_compare.csv   code,name,rank_a,rank_b,shift,cross; then the row spearman,<rho>,<n>,<mean |shift|>,<max>,

Usage (from the repository root): /usr/bin/python3 tests/reference/regions_reference.py [SHARED_DATA_DIR]
(default ../shared/data).
"""
import csv
import os
import sys
from decimal import ROUND_HALF_UP, Decimal

import yaml
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def round4(x):
    """Half away from zero on the decimal value, after snapping binary noise (as competition_rank.py)."""
    snapped = Decimal(repr(float(x))).quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP)
    return snapped.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
    provinces = read_csv(os.path.join(shared, "provinces.csv"))
    code_of = {p["name"]: p["code"] for p in provinces}
    region_of = {p["code"]: p["region"] for p in provinces}

    # 1. regions, 2024
    dti = {code_of[r["province"]]: r["dti"] for r in read_csv(os.path.join(shared, "dti_2024.csv"))}
    assert len(dti) == 63 and all(v for v in dti.values()), "2024: every province has a DTI"
    with open(os.path.join(ROOT, "tests", "toolkit", "provinces-size.yaml"), encoding="utf-8") as f:
        reg = yaml.load(f, Loader=yaml.BaseLoader)["provinces"]
    pop = {p["code"]: float(p["numbers"]["population"]) for p in reg}
    order = sorted(range(63), key=lambda k: (pop[reg[k]["code"]], k))  # ascending, ties in registry order
    third = {}
    for pos, k in enumerate(order):
        third[reg[k]["code"]] = pos * 3 // 63
    rows = []
    for p in provinces:
        c = p["code"]
        mine = round4(dti[c])
        region_rank = 1 + sum(1 for o in provinces if region_of[o["code"]] == region_of[c] and round4(dti[o["code"]]) > mine)
        size_rank = 1 + sum(1 for o in provinces if third[o["code"]] == third[c] and round4(dti[o["code"]]) > mine)
        rows.append([c, p["name"], region_of[c], dti[c], region_rank, "%g" % pop[c], third[c], size_rank])
    tn = next(r for r in rows if r[0] == "19")
    assert tn[4] == 1, "Thái Nguyên is first of its region in 2024 (hand check above)"
    yb = [r[4] for r in rows if r[1] in ("Yên Bái", "Bắc Giang")]
    assert yb == [3, 3], "Yên Bái and Bắc Giang share 3 (hand check above)"
    with open(os.path.join(HERE, "dti_expected_regions.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "region", "dti", "region_rank", "population", "size_third", "size_rank"])
        w.writerows(rows)

    # 2. compare 2022 with 2023
    ra = {code_of[r["province"]]: int(r["rank"]) for r in read_csv(os.path.join(shared, "dti_2022.csv"))}
    rb = {code_of[r["province"]]: int(r["rank"]) for r in read_csv(os.path.join(shared, "dti_2023.csv"))}
    assert len(ra) == 63 and len(rb) == 63
    rows, shifts, xa, xb = [], [], [], []
    for p in provinces:
        c = p["code"]
        shift = ra[c] - rb[c]
        cross = int(rb[c] <= 10) - int(ra[c] <= 10)
        rows.append([c, p["name"], ra[c], rb[c], shift, cross])
        shifts.append(abs(shift))
        xa.append(ra[c])
        xb.append(rb[c])
    rho = spearmanr(xa, xb).correlation
    rows.append(["spearman", "%.17g" % rho, len(xa), "%.17g" % (sum(shifts) / len(shifts)), max(shifts), ""])
    with open(os.path.join(HERE, "dti_expected_compare.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "rank_a", "rank_b", "shift", "cross"])
        w.writerows(rows)
    print("regions_reference: 63 region ranks (2024), 63 size ranks, 2022 vs 2023 rho %.6f" % rho)


if __name__ == "__main__":
    main()
