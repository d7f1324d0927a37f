#!/usr/bin/env python3
"""gen_scale.py -- SYNTHETIC inputs for `make bench` at scale (issue 13): a framework of 50
indicators in 5 pillars, data tables of N units x 50 indicators, an uncertainty file and a registry
of N provinces.  Written into OUTDIR at bench time; never committed.  Values come from a fixed
linear congruential generator, so every run writes the same files.
Usage: gen_scale.py OUTDIR N [N ...]"""
import os
import sys

out = sys.argv[1]
sizes = [int(n) for n in sys.argv[2:]]
os.makedirs(out, exist_ok=True)
IND, PILLARS = 50, 5

with open(os.path.join(out, "scale.yaml"), "w", encoding="utf-8") as f:
    f.write("# SYNTHETIC framework for the scale bench (tests/gen_scale.py)\nname: scale\nprecision: 4\n")
    f.write("defaults:\n  normalise: {method: minmax, min: 0, max: 100}\n  impute: mean\nnodes:\n  - id: idx\n")
    for p in range(PILLARS):
        f.write("  - {id: p%d, parent: idx, weight: 1}\n" % p)
    for j in range(IND):
        f.write("  - {id: i%02d, parent: p%d, weight: %d}\n" % (j, j % PILLARS, 1 + j % 3))

with open(os.path.join(out, "uncertainty-scale.yaml"), "w", encoding="utf-8") as f:
    f.write("# SYNTHETIC uncertainty file for the scale bench\ninputs:\n"
            "  - {name: weights, weights: {noise: 0.25}}\n"
            "  - {name: normalisation, normalise: [minmax, percentile]}\n"
            "  - {name: aggregation, aggregate: [arithmetic, geometric]}\n")

state = 12345


def rand():
    """Park-Miller minimal standard generator, in [0, 1)."""
    global state
    state = state * 48271 % 2147483647
    return state / 2147483647


for n in sizes:
    with open(os.path.join(out, "scale-%d.yaml" % n), "w", encoding="utf-8") as f:
        f.write("# SYNTHETIC data table, %d units x %d indicators (tests/gen_scale.py)\nmodel: scale\nunits:\n" % (n, IND))
        for u in range(n):
            vals = ", ".join("i%02d: %s" % (j, "~" if rand() < 0.02 else "%.4f" % (1 + 99 * rand())) for j in range(IND))
            f.write("  - unit: U%06d\n    values: {%s}\n" % (u, vals))
    with open(os.path.join(out, "registry-%d.yaml" % n), "w", encoding="utf-8") as f:
        f.write("# SYNTHETIC registry of %d provinces (tests/gen_scale.py)\nprovinces:\n" % n)
        for u in range(n):
            f.write("  - {code: \"%d\", name: \"Tỉnh %d\", ascii: \"Tinh %d\"}\n" % (u + 1, u + 1, u + 1))
