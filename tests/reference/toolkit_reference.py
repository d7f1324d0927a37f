#!/usr/bin/python3
"""Independent reference for the analyst's toolkit (issue 14) on the ASEM example, written from
docs/methods.md (§6 generalised mean and Copeland, §6a PCA and balance weights, §8a audit flags,
§9 comparisons and leave-one-out) with numpy and scipy, not from dtirank's C code.

Inputs: models/asem.yaml (the tree, read with PyYAML's BaseLoader), the independent pipeline outputs of
asem_reference.py (asem_expected_normalised.csv, asem_expected_scores.csv), asem_expected_audit.csv
(audit_reference.py) and, for leave-one-out, asem_reference.py's pipeline itself, re-run without each
indicator.  Outputs, next to this script (long CSV, %.17g, NA = missing):

  asem_expected_aggregate.csv  method,unit,node,value   every aggregate and the index rank under the
                               generalised mean (p = 0.5, 2, -1) and Copeland at every level
  asem_expected_pca.csv        section,row,column,value  PCA weights per group (numpy SVD)
  asem_expected_balance.csv    case,row,column,value     the balance objective at fixed weights, and the
                               optimum found by scipy.optimize.least_squares
  asem_expected_loo.csv        dropped,unit,score,rank,shift   the index without each indicator
  asem_expected_loo_summary.csv  dropped,mean_abs_shift,max_abs_shift
  asem_expected_compare.csv    unit,rank_a,rank_b,shift,cross  arithmetic (A) vs generalised p = 0.5 (B),
                               top 10; the last row: spearman,<rho>,<n_both>,,
  asem_expected_flags.csv      kind,node,other,unit,value,value2,n   the audit flags

Usage (from the repository root): /usr/bin/python3 tests/reference/toolkit_reference.py
"""

import contextlib
import csv
import io
import math
import os
import sys

import numpy as np
import yaml
from scipy.optimize import least_squares
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import asem_reference  # noqa: E402  (the independent pipeline, for leave-one-out)

NAN = float("nan")
TIE_REL = 1e-12  # Copeland: weight sums closer than this share of the pair's total are a tie


def fmt(v):
    return "NA" if v is None or (isinstance(v, float) and math.isnan(v)) else "%.17g" % v


def read(name):
    with open(os.path.join(HERE, name), newline="") as f:
        return list(csv.DictReader(f))


# ---- the tree and the normalised data ------------------------------------------------------------

with open(os.path.join(ROOT, "models/asem.yaml"), encoding="utf-8") as f:
    MODEL = yaml.load(f, Loader=yaml.BaseLoader)
NODES = MODEL["nodes"]
IDS = [n["id"] for n in NODES]
PARENT = {n["id"]: n.get("parent") for n in NODES}
WEIGHT = {n["id"]: float(n.get("weight", "0")) for n in NODES}
KIDS = {i: [c for c in IDS if PARENT[c] == i] for i in IDS}
INDS = [i for i in IDS if PARENT[i] and not KIDS[i]]
ROOTID = [i for i in IDS if not PARENT[i]][0]
AGGS = [i for i in IDS if KIDS[i]]


def postorder():
    out = []

    def visit(i):
        for c in KIDS[i]:
            visit(c)
        out.append(i)
    visit(ROOTID)
    return out


POST = postorder()
NORM = read("asem_expected_normalised.csv")
UNITS = [r["uCode"] for r in NORM]
NU = len(UNITS)
X = {k.lower(): np.array([float(r[k]) for r in NORM]) for k in NORM[0] if k != "uCode"}
assert all(i in X for i in INDS) and not any(np.isnan(X[i]).any() for i in INDS)


def comp_rank(v):
    """Competition ranks, highest first, ties share the best; NaN: 0 (no rank)."""
    return [0 if math.isnan(x) else 1 + sum(1 for y in v if not math.isnan(y) and y > x) for x in v]


def weighted_mean(vals, ws, method, p=None):
    """docs/methods.md §6 for one unit: vals/ws of the children with a value and weight > 0."""
    ws = np.array(ws) / sum(ws)
    vals = np.array(vals)
    if method == "arithmetic" or (method == "generalised" and p == 1):
        return float((ws * vals).sum())
    if method == "generalised":
        assert (vals >= 0).all()
        if p < 0 and (vals == 0).any():
            return 0.0  # the limit as a child tends to 0
        if p > 0 and (vals == 0).all():
            return 0.0
        return float((ws * vals ** p).sum() ** (1.0 / p))
    raise ValueError(method)


def copeland(cols, ws):
    """COINr's a_copeland: wins minus losses, a beats b when the weight of the children where a is
    higher exceeds the weight where b is higher (ties half each, so they cancel)."""
    n = len(cols[0])
    s = np.zeros(n)
    for a in range(n):
        for b in range(a + 1, n):
            wa = sum(w for c, w in zip(cols, ws) if c[a] > c[b])
            wb = sum(w for c, w in zip(cols, ws) if c[b] > c[a])
            tot = sum(ws)
            if abs(wa - wb) <= TIE_REL * tot:
                continue
            s[a] += 1 if wa > wb else -1
            s[b] += -1 if wa > wb else 1
    return s


def aggregate(weights, method="arithmetic", p=None, values=None):
    """Every node's values: indicators from `values` (default: the normalised ones), aggregates in
    post-order (ASEM has no missing value, so every child counts)."""
    v = dict(values or X)
    for i in POST:
        if not KIDS[i]:
            continue
        ch = [c for c in KIDS[i] if weights[c] > 0]
        if method == "copeland":
            v[i] = copeland([v[c] for c in ch], [weights[c] for c in ch])
        else:
            v[i] = np.array([weighted_mean([v[c][u] for c in ch], [weights[c] for c in ch], method, p)
                             for u in range(NU)])
    return v


# ---- 1. generalised mean and Copeland --------------------------------------------------------------

def write_aggregate():
    rows = []
    for name, method, p in [("generalised_0.5", "generalised", 0.5), ("generalised_2", "generalised", 2.0),
                            ("generalised_-1", "generalised", -1.0), ("copeland", "copeland", None)]:
        v = aggregate(WEIGHT, method, p)
        rank = comp_rank(list(v[ROOTID]))
        for u, code in enumerate(UNITS):
            for a in AGGS:
                rows.append((name, code, a, fmt(v[a][u])))
            rows.append((name, code, "rank", str(rank[u])))
    # checks: p = 1 is the arithmetic mean of asem_expected_scores.csv; Copeland scores sum to 0
    v1 = aggregate(WEIGHT, "generalised", 1.0)
    sc = read("asem_expected_scores.csv")
    assert max(abs(v1[ROOTID][u] - float(sc[u]["Index"])) for u in range(NU)) < 1e-12
    vc = aggregate(WEIGHT, "copeland")
    assert all(abs(vc[a].sum()) < 1e-9 for a in AGGS)
    with open(os.path.join(HERE, "asem_expected_aggregate.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["method", "unit", "node", "value"])
        w.writerows(rows)
    return aggregate(WEIGHT, "generalised", 0.5)


# ---- 2. PCA weights --------------------------------------------------------------------------------

def write_pca():
    """Per group, bottom-up: the first right singular vector of the standardised children (complete
    units; sd with n - 1) by numpy's SVD; eigenvalue = s1^2 / (n - 1); sign: components sum >= 0;
    weights = squared components (unit length: they sum to 1); the group aggregated with them."""
    w = dict(WEIGHT)
    v = dict(X)
    rows = []
    for g in POST:
        if not KIDS[g]:
            continue
        ch = [c for c in KIDS[g] if w[c] > 0]
        Z = np.array([v[c] for c in ch]).T
        n, k = Z.shape
        Z = (Z - Z.mean(axis=0)) / Z.std(axis=0, ddof=1)
        _, s, vt = np.linalg.svd(Z, full_matrices=False)
        e = vt[0]
        tot = e.sum()
        sign = 1.0 if tot > 1e-12 else -1.0 if tot < -1e-12 else math.copysign(1.0, e[np.argmax(abs(e))])
        e = sign * e
        lam = s[0] ** 2 / (n - 1)
        rows += [("group", g, "eigenvalue", fmt(lam)), ("group", g, "explained", fmt(lam / k)),
                 ("group", g, "n_complete", str(n))]
        for c, ec in zip(ch, e):
            w[c] = ec * ec / (e * e).sum()
            rows += [("weight", c, "weight", fmt(w[c])), ("weight", c, "loading", fmt(ec))]
        v[g] = sum(w[c] / sum(w[d] for d in ch) * v[c] for c in ch)
        # check: the same eigenvalue from the correlation matrix
        assert abs(np.linalg.eigvalsh(np.corrcoef(Z.T))[-1] - lam) < 1e-9 * lam
    rows.append(("index", ROOTID, "rank1", UNITS[int(np.argmax(v[ROOTID]))]))
    with open(os.path.join(HERE, "asem_expected_pca.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["section", "row", "column", "value"])
        wr.writerows(rows)


# ---- 3. balance (equal influence) ------------------------------------------------------------------

def write_balance():
    """f(w) = sum_i (r_i / sum r - 1/m)^2, r_i = Pearson(indicator i, index), at fixed weight vectors
    of the 49 indicators (the pillars and sub-indices keep weight 1), and its minimum over w = theta^2
    by scipy.optimize.least_squares (trust region reflective) from theta = 1."""
    Xm = np.array([X[i] for i in INDS]).T
    Xc = Xm - Xm.mean(axis=0)
    sd = np.sqrt((Xc * Xc).sum(axis=0))
    par = [PARENT[i] for i in INDS]

    def eff(wi):
        # the index is linear here (arithmetic means, nothing missing): each indicator's effective weight
        # is the product of its shares down the tree (pillars and sub-indices: weight 1)
        wd = dict(WEIGHT)
        wd.update(zip(INDS, wi))
        share = {}
        for i in IDS:
            if PARENT[i]:
                share[i] = wd[i] / sum(wd[c] for c in KIDS[PARENT[i]])
        out = []
        for i in INDS:
            s, c = 1.0, i
            while PARENT[c]:
                s *= share[c]
                c = PARENT[c]
            out.append(s)
        return np.array(out)

    def corr(wi):
        y = Xc @ eff(wi)
        return (Xc * y[:, None]).sum(axis=0) / (sd * np.sqrt((y * y).sum()))

    def resid(theta):
        r = corr(theta ** 2)
        return r / r.sum() - 1.0 / len(INDS)

    # the same correlations by the general route (re-aggregation), as a check of eff()
    v = aggregate(WEIGHT)
    assert max(abs(np.corrcoef(X[i], v[ROOTID])[0, 1] - r) for i, r in zip(INDS, corr(np.ones(49)))) < 1e-12

    rows = []
    rng = np.random.default_rng(20261214)
    cases = [("official", np.ones(len(INDS)))] + [("random%d" % k, rng.uniform(0.1, 2.0, len(INDS)))
                                                   for k in (1, 2, 3)]
    for name, wi in cases:
        r = corr(wi)
        for i, wv, rv in zip(INDS, wi, r):
            rows += [(name, i, "weight", fmt(wv)), (name, i, "r", fmt(rv))]
        rows.append((name, "", "objective", fmt(((r / r.sum() - 1.0 / len(INDS)) ** 2).sum())))
    del par
    res = least_squares(resid, np.ones(len(INDS)), xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
    wopt = res.x ** 2
    rows.append(("optimum", "", "objective", fmt((res.fun ** 2).sum())))
    for i, wv in zip(INDS, wopt):
        rows.append(("optimum", i, "weight", fmt(wv / sum(wopt[j] for j, c in enumerate(INDS)
                                                         if PARENT[c] == PARENT[i]))))
    with open(os.path.join(HERE, "asem_expected_balance.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["case", "row", "column", "value"])
        wr.writerows(rows)
    print("balance: f(official) = %.6g, optimum f = %.10g (%s, %d evaluations)"
          % (((corr(np.ones(49)) / corr(np.ones(49)).sum() - 1 / 49) ** 2).sum(), (res.fun ** 2).sum(),
             res.message, res.nfev))


# ---- 4. leave-one-out: asem_reference.py's whole pipeline without each indicator --------------------

def run_without(code, asem_dir):
    """asem_reference.run() with indicator `code` removed from iMeta (its pillar renormalises the rest)."""
    load = asem_reference.load

    def load_without(d):
        meta, indicators, aggregates, data = load(d)
        return ([m for m in meta if m["iCode"] != code], [m for m in indicators if m["iCode"] != code],
                aggregates, data)
    check_treatment = asem_reference.check_treatment
    asem_reference.load = load_without
    asem_reference.check_treatment = lambda *args: None  # its table lists all 49 indicators
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # so do its counts
            res = asem_reference.run(asem_dir)
    finally:
        asem_reference.load = load
        asem_reference.check_treatment = check_treatment
        asem_reference.FAILURES.clear()
    return res


def write_loo(asem_dir):
    with contextlib.redirect_stderr(io.StringIO()):
        full = asem_reference.run(asem_dir)
    assert not asem_reference.FAILURES
    base = full["rank"]
    icodes = full["icodes"]
    rows, summary = [], []
    for code in icodes:
        res = run_without(code, asem_dir)
        assert res["units"] == full["units"]
        idx, rank = res["values"]["Index"], res["rank"]
        shift = [b - r for b, r in zip(base, rank)]
        for u, unit in enumerate(res["units"]):
            rows.append((code.lower(), unit, fmt(idx[u]), str(rank[u]), str(shift[u])))
        summary.append((code.lower(), fmt(sum(abs(s) for s in shift) / len(shift)),
                        fmt(float(max(abs(s) for s in shift)))))
    with open(os.path.join(HERE, "asem_expected_loo.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["dropped", "unit", "score", "rank", "shift"])
        w.writerows(rows)
    with open(os.path.join(HERE, "asem_expected_loo_summary.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["dropped", "mean_abs_shift", "max_abs_shift"])
        w.writerows(summary)
    top = max(summary, key=lambda s: float(s[1]))
    print("leave-one-out: 49 indicators; largest mean |shift| %s (%s places)" % (top[0], top[1]))


# ---- 5. two variants: arithmetic (A) against generalised p = 0.5 (B) --------------------------------

def write_compare(vg):
    sc = read("asem_expected_scores.csv")
    sa = np.array([float(r["Index"]) for r in sc])
    sb = vg[ROOTID]
    ra, rb = comp_rank(list(sa)), comp_rank(list(sb))
    k = 10
    rows = []
    for u, unit in enumerate(UNITS):
        cross = int(rb[u] <= k) - int(ra[u] <= k)
        rows.append((unit, str(ra[u]), str(rb[u]), str(ra[u] - rb[u]), str(cross)))
    rho = spearmanr(sa, sb).correlation
    rows.append(("spearman", fmt(rho), str(NU), "", ""))
    with open(os.path.join(HERE, "asem_expected_compare.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit", "rank_a", "rank_b", "shift", "cross"])
        w.writerows(rows)


# ---- 6. audit flags from the independent audit statistics -----------------------------------------

def write_flags():
    """docs/methods.md §8a, on asem_expected_audit.csv and the raw data: availability < 0.65 (indicators
    and units), |skew| > 2 and kurtosis > 3.5, alpha < 0 or < 0.7, |r| > 0.9 between siblings, r < 0
    with the parent; a few_units warning when a statistic rests on fewer than 10 units (none here)."""
    aud = {}
    for r in read("asem_expected_audit.csv"):
        aud[(r["section"], r["row"], r["column"])] = float("nan") if r["value"] == "NA" else (
            r["value"] if r["section"] == "treat" and r["column"] == "action" else float(r["value"]))
    with open(os.path.join(ROOT, "data/asem.yaml"), encoding="utf-8") as f:
        data = yaml.load(f, Loader=yaml.BaseLoader)
    out = []
    for i in INDS:
        n = aud[("describe", i, "n")]
        miss = aud[("describe", i, "missing")]
        avail = n / (n + miss)
        if avail < 0.65:
            out.append(("availability", i, "", "", fmt(avail), "NA", str(int(n + miss))))
        sk, ku = aud[("describe", i, "skewness")], aud[("describe", i, "kurtosis")]
        if abs(sk) > 2 and ku > 3.5:
            out.append(("skew_kurt", i, "", "", fmt(sk), fmt(ku), str(int(n))))
    order = [ROOTID] + [a for a in IDS if KIDS[a] and a != ROOTID]
    for g in order:
        al = aud[("alpha", g, "alpha")]
        nc = str(int(aud[("alpha", g, "n_complete")]))
        if al < 0:
            out.append(("alpha_negative", g, "", "", fmt(al), "NA", nc))
        elif al < 0.7:
            out.append(("alpha_low", g, "", "", fmt(al), "NA", nc))
        ch = KIDS[g]
        for a in range(len(ch)):
            for b in range(a + 1, len(ch)):
                r = aud[("pearson", ch[a], ch[b])]
                if abs(r) > 0.9:
                    out.append(("collinear", ch[a], ch[b], "", fmt(r), "NA", str(NU)))
        for c in ch:
            r = aud[("pearson", c, g)]
            if r < 0:
                out.append(("negative_parent", c, g, "", fmt(r), "NA", str(NU)))
    for unit in data["units"]:
        vals = unit.get("values", {})
        den = {n["id"]: n.get("denominator") for n in NODES}
        have = 0
        for i in INDS:
            v = vals.get(i)
            ok = v not in (None, "~", "", "null")
            if ok and den[i]:
                ok = unit["denominators"].get(den[i]) not in (None, "~", "", "null")
            have += ok
        if have / len(INDS) < 0.65:
            out.append(("unit_availability", "", "", unit["unit"], fmt(have / len(INDS)), "NA", str(len(INDS))))
    with open(os.path.join(HERE, "asem_expected_flags.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "node", "other", "unit", "value", "value2", "n"])
        w.writerows(out)
    print("flags: %d (%s)" % (len(out), ", ".join(sorted(set(o[0] for o in out)))))


def main():
    asem_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "bench", "asem")
    vg = write_aggregate()
    write_pca()
    write_compare(vg)
    write_flags()
    write_loo(asem_dir)
    write_balance()
    print("all checks passed")


if __name__ == "__main__":
    main()
