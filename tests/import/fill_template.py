#!/usr/bin/env python3
"""Fills a table written by `dtirank template` with SYNTHETIC numbers (a test fixture, not data).

    fill_template.py TEMPLATE OUT [--seed S] [--columns C1,C2,...] [--swap-ranks] [--rows N]

Every cell of the chosen columns (default: every column but the unit) gets a SYNTHETIC value with four
decimals in [0.3000, 0.9500] from Python's random module seeded with S; a column `<id>_rank` beside a
filled `<id>` gets the official ranking of those values (ties share a rank, the next is skipped:
rank = 1 + the number of strictly greater values).  --swap-ranks swaps the ranks 1 and 2 (a table
whose ranks contradict its values in exactly one pair); --rows N keeps the first N units.  The label row (first
cell '#') is kept as the template has it, so the file is the template "filled in a spreadsheet".
Standard library only; run with Debian's /usr/bin/python3.
"""
import csv
import random
import sys


def main(argv):
    args = argv[1:]
    opts = {"--seed": "2025", "--columns": None, "--rows": None}
    flags = set()
    pos = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in opts:
            opts[a] = args[i + 1]
            i += 2
        elif a == "--swap-ranks":
            flags.add(a)
            i += 1
        else:
            pos.append(a)
            i += 1
    if len(pos) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, out = pos
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    label = body[0] if body and body[0][0].startswith("#") else None
    units = body[1:] if label else body
    if opts["--rows"]:
        units = units[: int(opts["--rows"])]
    rng = random.Random(int(opts["--seed"]))
    cols = opts["--columns"].split(",") if opts["--columns"] else header[1:]
    for c in cols:
        if c not in header:
            print("fill_template: no column %r in %s" % (c, src), file=sys.stderr)
            return 2
    values = [c for c in cols if not c.endswith("_rank")]
    for c in values:
        k = header.index(c)
        for u in units:
            u[k] = "%.4f" % (rng.randint(3000, 9500) / 10000)  # SYNTHETIC
    for c in cols:
        if not c.endswith("_rank"):
            continue
        base = c[: -len("_rank")]
        if base not in header or base not in values:
            print("fill_template: %s needs %s filled too" % (c, base), file=sys.stderr)
            return 2
        k, kb = header.index(c), header.index(base)
        v = [float(u[kb]) for u in units]
        for u, x in zip(units, v):
            u[k] = str(1 + sum(1 for y in v if y > x))
        if "--swap-ranks" in flags and len(units) > 1:
            first = [u for u in units if u[k] == "1"]
            second = [u for u in units if u[k] == "2"]
            if len(first) != 1 or len(second) != 1:
                print("fill_template: --swap-ranks needs one unit at rank 1 and one at 2", file=sys.stderr)
                return 2
            first[0][k], second[0][k] = "2", "1"
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        if label:
            w.writerow(label)
        w.writerows(units)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
