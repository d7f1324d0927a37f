#!/usr/bin/python3
# Reference recomputation of published DTI values from their published components.
#
# Formulas (see /work/shared/data/METHODOLOGY.md):
#   2022: DTI = (100*awareness + 100*institutions + 100*infrastructure + 100*human_resources
#                + 100*cybersecurity + 200*gov_activity + 150*econ_activity + 150*society_activity) / 1000
#   2020: DTI = 0.4*gov_score + 0.3*econ_score + 0.3*society_score
# Computed in plain double arithmetic, terms added left to right in the order written above.
#
# Worked example by hand: TP. Cần Thơ, 2022 (row 5 of dti_2022.csv)
#
#   indicator          weight   value     product (points)
#   awareness            100  x 0.9000  =  90.0000
#   institutions         100  x 0.8000  =  80.0000
#   infrastructure       100  x 0.7233  =  72.3300
#   human_resources      100  x 0.7376  =  73.7600
#   cybersecurity        100  x 0.7226  =  72.2600
#   gov_activity         200  x 0.7325  = 146.5000
#   econ_activity        150  x 0.7556  = 113.3400
#   society_activity     150  x 0.2947  =  44.2050
#                       ----                --------
#                       1000               692.3950   (90 + 80 = 170; + 72.33 = 242.33;
#                                                      + 73.76 = 316.09; + 72.26 = 388.35;
#                                                      + 146.5 = 534.85; + 113.34 = 648.19;
#                                                      + 44.205 = 692.395)
#   DTI = 692.395 / 1000 = 0.692395   (in double: 0.69239500000000009)
#   published 0.6924, |0.692395 - 0.6924| = 0.000005 <= 0.0001
#
# Usage (from the repository root):
#     /usr/bin/python3 tests/reference/dti_official.py [DATA_DIR]
# DATA_DIR defaults to ../shared/data.  Writes tests/reference/dti_expected.csv
# (year, province, dti_computed %.17g, dti_published as in the source, abs_diff %.17g; NA if
# no published DTI).  Exits non-zero if any abs_diff > 0.0001.

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOL = 0.0001

W2022 = [("awareness", 100.0), ("institutions", 100.0), ("infrastructure", 100.0),
         ("human_resources", 100.0), ("cybersecurity", 100.0), ("gov_activity", 200.0),
         ("econ_activity", 150.0), ("society_activity", 150.0)]
W2020 = [("gov_score", 0.4), ("econ_score", 0.3), ("society_score", 0.3)]


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "data")
    out = []
    for r in read(os.path.join(data_dir, "dti_2022.csv")):
        if all(r[k].strip() for k, _ in W2022):
            s = 0.0
            for k, w in W2022:
                s += w * float(r[k])
            out.append((2022, r["province"], s / 1000.0, r["dti"].strip()))
    for r in read(os.path.join(data_dir, "dti_2020.csv")):
        if all(r[k].strip() for k, _ in W2020):
            s = 0.0
            for k, w in W2020:
                s += w * float(r[k])
            out.append((2020, r["province"], s, r["dti"].strip()))

    bad = []
    with open(os.path.join(HERE, "dti_expected.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["year", "province", "dti_computed", "dti_published", "abs_diff"])
        for year, prov, dti, pub in out:
            if pub:
                diff = abs(dti - float(pub))
                if not diff <= TOL:
                    bad.append((year, prov, dti, pub, diff))
                dstr = "%.17g" % diff
            else:
                pub, dstr = "NA", "NA"
            wr.writerow([year, prov, "%.17g" % dti, pub, dstr])
            print("%d  %-20s computed %.17g  published %-7s  diff %s" % (year, prov, dti, pub, dstr))

    # the worked example above
    ct = [d for y, p, d, _ in out if y == 2022 and p == "TP. Cần Thơ"]
    if len(ct) != 1 or abs(ct[0] - 0.692395) > 1e-15:
        bad.append(("worked example", ct))
    n2022 = sum(1 for o in out if o[0] == 2022)
    n2020 = sum(1 for o in out if o[0] == 2020)
    print("%d rows for 2022, %d rows for 2020" % (n2022, n2020))
    if bad:
        for b in bad:
            print("FAILED: %r" % (b,), file=sys.stderr)
        sys.exit(1)
    print("all abs_diff <= %g" % TOL)


if __name__ == "__main__":
    main()
