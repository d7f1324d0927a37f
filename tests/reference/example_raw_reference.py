#!/usr/bin/python3
"""Independent reference for the SYNTHETIC raw-data example (models/example-raw.yaml on
data/example-raw.yaml): every method of docs/methods.md that the example uses, recomputed from the
documentation, not from dtirank's C code.

Reads the two YAML files with PyYAML's BaseLoader (every scalar a string: `yes`/`no` stay labels,
as in dtirank) and writes, next to this script:
    example_raw_expected_scores.csv      unit, every aggregate (file order), rank ("" = no rank)
    example_raw_expected_normalised.csv  unit, every indicator after normalisation (file order)
    example_raw_expected_summary.csv     imputed, still_missing, removed, and per indicator the
                                         treatment action and nwin
Blom scores use scipy.stats.norm.ppf; ranks scipy.stats.rankdata; the JRC outlier rule is the one of
asem_reference.py (written from PIPELINE.md).  Exits non-zero if a self-check fails.

Usage (from the repository root): /usr/bin/python3 tests/reference/example_raw_reference.py
"""

import csv
import math
import os
import sys

import numpy as np
import yaml
from scipy.stats import norm, rankdata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from asem_reference import treat_column  # noqa: E402  (JRC rule, thresholds 2 / 3.5 / 5 points)

NAN = float("nan")
ROOT = os.path.dirname(os.path.dirname(HERE))


def isna(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt(v):
    return "NA" if isna(v) else "%.17g" % v


def spec(m, key):
    """A setting as a dict: a bare scalar is the method."""
    v = m.get(key)
    if v is None:
        return {}
    return {"method": v} if isinstance(v, str) else dict(v)


def load():
    with open(os.path.join(ROOT, "models/example-raw.yaml"), encoding="utf-8") as f:
        model = yaml.load(f, Loader=yaml.BaseLoader)
    with open(os.path.join(ROOT, "data/example-raw.yaml"), encoding="utf-8") as f:
        data = yaml.load(f, Loader=yaml.BaseLoader)
    return model, data


def main():
    model, data = load()
    d = model["defaults"]
    dnorm = spec(d, "normalise")
    dagg = spec(d, "aggregate")
    assert spec(d, "impute") == {"method": "previous"}
    screen = float(d["screen"]["min_availability"])
    nodes = model["nodes"]
    ids = [n["id"] for n in nodes]
    parent = {n["id"]: n.get("parent") for n in nodes}
    children = {i: [c for c in ids if parent[c] == i] for i in ids}
    inds = [i for i in ids if parent[i] is not None and not children[i]]
    byid = {n["id"]: n for n in nodes}
    units = [u["unit"] for u in data["units"]]
    nu = len(units)

    def cell(n, text):
        if text in (None, "~", "", "null"):
            return NAN
        cats = n.get("categories")
        return float(cats[text]) if cats else float(text)

    # 0-1. raw values, previous values, denominate (the previous year by this year's denominator)
    raw, prev = {}, {}
    for i in inds:
        n = byid[i]
        den = n.get("denominator")
        col, pcol = [], []
        for u in data["units"]:
            x = cell(n, u.get("values", {}).get(i))
            p = cell(n, u.get("previous", {}).get(i))
            q = float(u["denominators"][den]) if den else 1.0
            col.append(x / q if den else x)
            pcol.append(p / q if den else p)
        raw[i], prev[i] = col, pcol
    # 2. impute: carry the previous year forward
    imp, n_imputed = {}, 0
    for i in inds:
        col = []
        for x, p in zip(raw[i], prev[i]):
            if isna(x) and not isna(p):
                x = p
                n_imputed += 1
            col.append(x)
        imp[i] = col
    still = sum(1 for i in inds for x in imp[i] if isna(x))
    # 3. screen
    kept = [1 - sum(isna(imp[i][u]) for i in inds) / len(inds) >= screen for u in range(nu)]
    removed = kept.count(False)
    # 3a-5. transform, treat, normalise
    normd, actions = {}, {}
    for i in inds:
        n = byid[i]
        x = [imp[i][u] if kept[u] else NAN for u in range(nu)]
        t = spec(n, "transform")
        if t.get("method") == "log":
            x = [v if isna(v) else math.log(v) for v in x]
        elif t.get("method") == "boxcox":
            lam = float(t["lambda"])
            x = [v if isna(v) else (v ** lam - 1) / lam for v in x]
        if spec(n, "treat").get("method") == "winsor_jrc":
            x, info = treat_column(x)
            actions[i] = (info["action"], info["nwin"])
        else:
            actions[i] = ("none", 0)
        s = dict(dnorm)
        s.update(spec(n, "normalise"))
        meth = s["method"]
        a, b = float(s.get("min", 0)), float(s.get("max", 1))
        D = -1.0 if n.get("direction") == "lower" else 1.0
        xs = np.array([D * v for v in x])
        ok = ~np.isnan(xs)
        obs = xs[ok]
        out = np.full(nu, NAN)
        if meth == "none":
            out = np.array(x, dtype=float)
        elif meth == "minmax":
            out = (xs - obs.min()) / (obs.max() - obs.min()) * (b - a) + a
        elif meth == "zscore":
            out = (xs - obs.mean()) / obs.std(ddof=1) * float(s.get("sd", 1)) + float(s.get("mean", 0))
        elif meth == "goalposts":
            lo, hi = float(s["low"]), float(s["high"])
            g0, g1 = (lo, hi) if D > 0 else (-hi, -lo)
            out = np.clip((xs - g0) / (g1 - g0), 0, 1) * (b - a) + a
        elif meth == "ratio":
            xv = np.array(x, dtype=float)
            out = (xv / np.nanmax(xv) if D > 0 else np.nanmin(xv) / xv) * (b - a) + a
        elif meth in ("rank", "rank_fractional", "percentile", "blom"):
            r = rankdata(obs, method="min" if meth == "rank" else "average")
            m = len(obs)
            if meth == "percentile":
                r = (r - 1) / (m - 1) * (b - a) + a
            elif meth == "blom":
                r = norm.ppf((r - 0.375) / (m + 0.25))
            out[ok] = r
        elif meth == "distance":
            ref = x[units.index(s["reference"])]
            xv = np.array(x, dtype=float)
            if s.get("mode", "ratio") == "difference":
                out = D * (xv - ref)
            else:
                out = (xv / ref if D > 0 else ref / xv) * (b - a) + a
        else:
            sys.exit("unknown method " + meth)
        normd[i] = [float(v) for v in out]
    # 6. aggregate, children before parents
    val = dict(normd)

    def agg(p):
        for c in children[p]:
            if c not in val:
                agg(c)
        s = dict(dagg)
        s.update(spec(byid[p], "aggregate"))
        meth = s["method"]
        kids = [c for c in children[p] if float(byid[c]["weight"]) > 0]
        need = len(kids) if s.get("min_coverage", "all") == "all" else min(int(s["min_coverage"]), len(kids))
        col = []
        for u in range(nu):
            have = [(float(byid[c]["weight"]), val[c][u]) for c in kids if not isna(val[c][u])]
            if len(have) < max(need, 1):
                col.append(NAN)
                continue
            sw = sum(w for w, _ in have)
            ws = [(w / sw, v) for w, v in have]
            if meth == "arithmetic":
                col.append(sum(w * v for w, v in ws))
            elif meth == "geometric":
                col.append(0.0 if any(v <= 0 for _, v in ws) else math.exp(sum(w * math.log(v) for w, v in ws)))
            else:
                col.append(0.0 if any(v <= 0 for _, v in ws) else 1 / sum(w / v for w, v in ws))
        val[p] = col

    root = [i for i in ids if parent[i] is None][0]
    agg(root)
    # 7. competition ranks on the unrounded root
    rv = val[root]
    rank = ["" if isna(v) else str(1 + sum(1 for w in rv if not isna(w) and w > v)) for v in rv]

    aggs = [i for i in ids if children[i]]
    with open(os.path.join(HERE, "example_raw_expected_scores.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit"] + aggs + ["rank"])
        for u in range(nu):
            w.writerow([units[u]] + [fmt(val[a][u]) for a in aggs] + [rank[u]])
    with open(os.path.join(HERE, "example_raw_expected_normalised.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit"] + inds)
        for u in range(nu):
            w.writerow([units[u]] + [fmt(normd[i][u]) for i in inds])
    with open(os.path.join(HERE, "example_raw_expected_summary.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["key", "value", "nwin"])
        w.writerow(["imputed", n_imputed, ""])
        w.writerow(["still_missing", still, ""])
        w.writerow(["removed", removed, ""])
        for i in inds:
            w.writerow(["treat:" + i, actions[i][0], actions[i][1]])
    # self-checks: the example really exercises the methods it claims to
    fails = []
    if not (n_imputed > 0 and still > 0 and removed == 1):
        fails.append("imputed %d, still missing %d, removed %d" % (n_imputed, still, removed))
    if not any(a == "winsorise" for a, _ in actions.values()):
        fails.append("no indicator winsorised")
    used = {spec(byid[i], "normalise").get("method", dnorm["method"]) for i in inds}
    want = {"none", "minmax", "zscore", "goalposts", "ratio", "rank", "rank_fractional", "percentile", "blom",
            "distance"}
    if used != want:
        fails.append("normalisation methods used: %s" % sorted(used))
    for f_ in fails:
        print("CHECK FAILED: " + f_, file=sys.stderr)
    print("example-raw: %d units, %d imputed, %d still missing, %d removed; top: %s %.6f" % (
        nu, n_imputed, still, removed, units[rank.index("1")], rv[rank.index("1")]))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
