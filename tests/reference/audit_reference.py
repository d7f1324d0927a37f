#!/usr/bin/python3
"""Independent reference for `dtirank audit` on the ASEM example, written from docs/methods.md §8 with
numpy and scipy, not from dtirank's C code.

Inputs: models/asem.yaml and data/asem.yaml (raw values and denominators, read with PyYAML's
BaseLoader) for the descriptive statistics; the independent pipeline outputs of asem_reference.py
(asem_expected_normalised.csv, asem_expected_scores.csv, asem_expected_treatment.csv) for everything
after normalisation.  Output, next to this script: asem_expected_audit.csv in the long format of
`dtirank audit --format csv` (section,row,column,value), with model ids as names.

Estimators: sd with n - 1 (numpy ddof=1); skewness scipy.stats.skew(bias=False) (G1) and kurtosis
scipy.stats.kurtosis(fisher=True, bias=False) (G2); Pearson numpy.corrcoef; Spearman
scipy.stats.spearmanr (average ranks); Cronbach's alpha from numpy variances (ddof=1); PCA by
numpy.linalg.eigh of the children's correlation matrix, eigenvalues descending, each eigenvector's
sign chosen so that its components sum to >= 0.

Usage (from the repository root): /usr/bin/python3 tests/reference/audit_reference.py
"""

import csv
import math
import os
import sys

import numpy as np
import yaml
from scipy.stats import kurtosis, skew, spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def read(name):
    with open(os.path.join(HERE, name), newline="") as f:
        return list(csv.DictReader(f))


def num(s):
    return float("nan") if s in ("NA", "", "~", None) else float(s)


def main():
    with open(os.path.join(ROOT, "models/asem.yaml"), encoding="utf-8") as f:
        model = yaml.load(f, Loader=yaml.BaseLoader)
    with open(os.path.join(ROOT, "data/asem.yaml"), encoding="utf-8") as f:
        data = yaml.load(f, Loader=yaml.BaseLoader)
    nodes = model["nodes"]
    ids = [n["id"] for n in nodes]
    byid = {n["id"]: n for n in nodes}
    parent = {i: byid[i].get("parent") for i in ids}
    children = {i: [c for c in ids if parent[c] == i] for i in ids}
    inds = [i for i in ids if parent[i] and not children[i]]
    root = [i for i in ids if not parent[i]][0]
    aggs = [root] + [i for i in ids if children[i] and i != root]
    rows = []

    def put(section, row, col, v):
        rows.append((section, row, col, "NA" if isinstance(v, float) and math.isnan(v) else "%.17g" % v))

    # descriptive statistics of the denominated raw values (all units, before imputation)
    for i in inds:
        den = byid[i].get("denominator")
        x = []
        for u in data["units"]:
            v = num(u.get("values", {}).get(i))
            if den:
                v = v / num(u["denominators"][den])
            x.append(v)
        x = np.array(x)
        o = x[~np.isnan(x)]
        put("describe", i, "n", len(o))
        put("describe", i, "missing", len(x) - len(o))
        put("describe", i, "mean", o.mean())
        put("describe", i, "sd", o.std(ddof=1))
        put("describe", i, "min", o.min())
        put("describe", i, "max", o.max())
        put("describe", i, "skewness", skew(o, bias=False))
        put("describe", i, "kurtosis", kurtosis(o, fisher=True, bias=False))
    for r in read("asem_expected_treatment.csv"):
        rows.append(("treat", r["indicator"].lower(), "action", r["action"]))
        put("treat", r["indicator"].lower(), "nwin", int(r["nwin"]))

    # the variables after normalisation and aggregation, by model id
    norm = read("asem_expected_normalised.csv")
    scores = read("asem_expected_scores.csv")
    cols = {}
    for k in norm[0]:
        if k != "uCode":
            cols[k.lower()] = np.array([num(r[k]) for r in norm])
    for k in scores[0]:
        if k not in ("uCode", "rank"):
            cols[k.lower()] = np.array([num(r[k]) for r in scores])
    assert [r["uCode"] for r in norm] == [r["uCode"] for r in scores]
    var = inds + aggs
    assert all(v in cols for v in var), [v for v in var if v not in cols]
    assert not any(np.isnan(cols[v]).any() for v in var)  # ASEM: every unit kept, nothing missing
    mat = np.array([cols[v] for v in var])
    pear = np.corrcoef(mat)
    spear = spearmanr(mat, axis=1).correlation
    for p, a in enumerate(var):
        for q, b in enumerate(var):
            put("pearson", a, b, pear[p, q])
    for p, a in enumerate(var):
        for q, b in enumerate(var):
            put("spearman", a, b, spear[p, q])

    # Cronbach's alpha and PCA of each aggregate's children
    for g in aggs:
        ch = children[g]
        x = np.array([cols[c] for c in ch])
        k = len(ch)
        alpha = k / (k - 1) * (1 - x.var(axis=1, ddof=1).sum() / x.sum(axis=0).var(ddof=1))
        put("alpha", g, "alpha", alpha)
        put("alpha", g, "n_complete", x.shape[1])
        val, vec = np.linalg.eigh(np.corrcoef(x))
        order = np.argsort(val)[::-1]
        val, vec = val[order], vec[:, order]
        for f in range(k):
            s = vec[:, f].sum()
            sign = 1.0 if s > 1e-12 else -1.0 if s < -1e-12 else math.copysign(1.0, vec[np.argmax(abs(vec[:, f])), f])
            vec[:, f] *= sign
        for f in range(k):
            put("eigenvalue", g, "pc%d" % (f + 1), val[f])
            put("explained", g, "pc%d" % (f + 1), val[f] / k)
        for c in range(k):
            for f in range(k):
                put("loading", "%s/%s" % (g, ch[c]), "pc%d" % (f + 1), vec[c, f])

    # nominal shares and effective weights
    r2 = {}
    for i in inds:
        share, n = 1.0, i
        while parent[n]:
            sib = [float(byid[c]["weight"]) for c in children[parent[n]]]
            share *= float(byid[n]["weight"]) / sum(w for w in sib if w > 0)
            n = parent[n]
        put("weight", i, "nominal", share)
        r2[i] = np.corrcoef(cols[i], cols[root])[0, 1] ** 2
    tot = sum(r2.values())
    for i in inds:
        put("weight", i, "effective", r2[i] / tot)

    with open(os.path.join(HERE, "asem_expected_audit.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["section", "row", "column", "value"])
        w.writerows(rows)
    # self-checks: shares sum to 1, alpha of the index's children between 0 and 1
    nom = sum(float(r[3]) for r in rows if r[0] == "weight" and r[2] == "nominal")
    eff = sum(float(r[3]) for r in rows if r[0] == "weight" and r[2] == "effective")
    ok = abs(nom - 1) < 1e-12 and abs(eff - 1) < 1e-12
    print("audit reference: %d rows; nominal sum %.15f, effective sum %.15f" % (len(rows), nom, eff))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
