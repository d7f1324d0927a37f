#!/usr/bin/python3
"""A SYNTHETIC dtirank home for the report's weights section: a copy of data/ and models/ whose
data/dti/2023.yaml also gives every province the four main indicators the published record lacks
(awareness, institutions, human_resources, cybersecurity), so that `tune stability` and `tune
sensitivity` can run on the framework dti-2022 (whose weights are published).  The four values are
made up: together they give back the published DTI by the framework's weights (100 each for the four,
200, 150 and 150 for the activities, over 1000), split unevenly by a fixed formula and kept in
[0, 1].  They are not data.  Usage: synthetic_home.py OUTDIR   (from the repository root)
"""
import math
import os
import re
import shutil
import sys

MISSING = ["awareness", "institutions", "human_resources", "cybersecurity"]


def main():
    out = sys.argv[1]
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree("data", os.path.join(out, "data"))
    shutil.copytree("models", os.path.join(out, "models"))
    path = os.path.join(out, "data", "dti", "2023.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    top, body = text.split("\nprovinces:\n", 1)  # the entries (the top-10 list above has its own)
    entries = re.split(r"(?m)^(?=  - province: )", body)
    head, entries = top + "\nprovinces:\n" + entries[0], entries[1:]
    lines = []
    for k, e in enumerate(entries):
        def value(key):
            m = re.search(r"(?m)^    %s: (?:\{value: )?([0-9.]+)" % key, e)
            return float(m.group(1)) if m else None
        dti, g, ec, so = value("dti"), value("gov_activity"), value("econ_activity"), value("society_activity")
        rest = (1000 * dti - 200 * g - 150 * ec - 150 * so) / 100  # the four, summed
        add = ""
        for j, key in enumerate(MISSING):
            wiggle = 0.08 * math.sin(1.7 * k + 2.3 * j)  # SYNTHETIC: uneven, fixed
            v = min(1.0, max(0.0, rest / 4 + wiggle * (1 if j % 2 else -1)))
            add += "    %s: %.4f  # SYNTHETIC\n" % (key, v)
        lines.append(e.rstrip("\n") + "\n" + add)
    with open(path, "w", encoding="utf-8") as f:
        f.write("# SYNTHETIC: tests/browser/synthetic_home.py added four made-up main indicators to every "
                "province.\n" + head + "".join(lines))


if __name__ == "__main__":
    main()
