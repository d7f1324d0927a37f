#!/usr/bin/python3
"""Independent reference for the foundation block (issue 17, docs/tuning.md §6).

Written from ../shared/data/METHODOLOGY.md §3.2-3.2a and docs/tuning.md §3-5, without the C code.
Reads data/dti/2022.yaml, data/dti/2023.yaml and data/merger-2025.yaml with PyYAML, and computes
with numpy:
  - the block's value (the mean of awareness, institutions, human_resources, cybersecurity) of every
    province, recovered as (1000 dti - 100 infrastructure - 200 gov - 150 econ - 150 society) / 400;
    the range of the recovered values in 2022 and 2023 (all in [0, 1]: no inconsistency);
  - on the five 2022 provinces whose four members are published: recovered total (4 x mean) minus
    the published sum (|gap| <= 0.0006, METHODOLOGY §3.2a);
  - how many points one weight may move (the rule rewritten to match) before those five rows refuse
    it (the program's members' check: |recovered - members' mean| <= 0.0002 + 0.00005);
  - the fit that is NOT circular: the five weights (infrastructure, gov, econ, society, block)
    fitted on those five rows with the block = the published members' mean, by least squares on the
    simplex (substitution w_block = 1 - sum of the others: an interior optimum, no bound active),
    standard errors s^2 Z (A'A)^-1 Z' with s^2 = RSS / (n - 4);
  - Thai Nguyen 2023 among the 63 provinces and (Thai Nguyen + Bac Kan) among the 34 units of the
    2025 reorganisation (unit value of each indicator = the mean of its former provinces'): rank,
    the cheapest plan into the top 10 (greedy in cost per point of score, needed score from the
    10th best other unit on 4 decimals), each indicator alone, the same with the block costing 4 per
    unit of its mean, and the stability interval of each weight's share (others rescaled) by a brute
    grid over [0, 1] refined by bisection -- not by the crossing lines of the program;
  - P(top 10) under +-25% uniform noise on the five weights, by plain Monte Carlo with 100,000 draws
    (numpy's own generator: agrees with the program only up to Monte Carlo error), for Thai Nguyen
    and for every unit whose probability is neither about 0 nor about 1.
Ranks: 4 decimals half away from zero on the decimal value (snapped to 1e-10 first), ties share the
best rank (tests/reference/competition_rank.py).  Writes tests/reference/block_expected.txt (name
value, one a line), read by tests/unit/test_block.c.  Run from the repository root:
    /usr/bin/python3 tests/reference/block_reference.py
"""
import sys
from decimal import Decimal, ROUND_HALF_UP

import numpy as np
import yaml

IND = ["foundation", "infrastructure", "gov_activity", "econ_activity", "society_activity"]
POINTS = np.array([400, 100, 200, 150, 150], dtype=float)  # models/dti-2022-block.yaml
MEMBERS = ["awareness", "institutions", "human_resources", "cybersecurity"]
TN, BK = "Thái Nguyên", "Bắc Kạn"
TOP = 10


def val(p, k):
    f = p.get(k)
    return float(f["value"]) if isinstance(f, dict) and f.get("value") is not None else None


def load(year):
    with open("data/dti/%d.yaml" % year, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    names, X, members = [], [], []
    for p in doc["provinces"]:
        d = val(p, "dti")
        other = [val(p, k) for k in IND[1:]]
        if d is None or None in other:
            continue
        m = (1000 * d - 100 * other[0] - 200 * other[1] - 150 * other[2] - 150 * other[3]) / 400
        names.append(p["province"])
        X.append([m] + other)
        mv = [val(p, k) for k in MEMBERS]
        members.append(None if None in mv else mv)
    return names, np.array(X), members


def key4(x):
    s = Decimal(repr(float(x))).quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP)
    return int(s.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) * 10000)


def rank_of(scores, i):
    keys = [key4(s) for s in scores]
    return 1 + sum(1 for k in keys if k > keys[i])


def merged(names, X):
    with open("data/merger-2025.yaml", encoding="utf-8") as f:
        m = yaml.safe_load(f)
    unit_of = {u["old"]: u["new"] for u in m["units"]}
    units = sorted(set(unit_of[n] for n in names), key=lambda u: [unit_of[n] for n in names].index(u))
    U = np.array([X[[unit_of[n] == u for n in names]].mean(axis=0) for u in units])
    return units, U, unit_of


def goal(scores, i, X, coef, cost):
    """Needed score, greedy plan (increase per indicator), cost, single-indicator increases."""
    others = sorted((key4(s) for k, s in enumerate(scores) if k != i), reverse=True)
    R = others[TOP - 1]
    needed = (R - 0.5 + 0.01) * 1e-4
    gap = needed - scores[i]
    order = sorted(range(len(coef)), key=lambda j: (cost[j] / coef[j], j))
    plan, left = [0.0] * len(coef), gap
    for j in order:
        room = (1.0 - X[i][j]) * coef[j]
        g = min(room, left)
        plan[j] = g / coef[j]
        left -= g
        if left <= 0:
            break
    single = [gap / c if gap / c <= 1.0 - X[i][j] else None for j, c in enumerate(coef)]
    return needed, plan, sum(c * d for c, d in zip(cost, plan)), single


def stab(X, i, k, top=0, steps=20000):
    """Interval of share t of weight k (others rescaled) keeping i's rank (or top-K membership)."""
    s0 = POINTS / POINTS.sum()

    def cls(t):
        s = s0 * (1 - t) / (1 - s0[k])
        s[k] = t
        r = rank_of(X @ s, i)
        return (r <= top) if top else r

    c0 = cls(s0[k])

    def rank_at(t):
        s = s0 * (1 - t) / (1 - s0[k])
        s[k] = t
        return rank_of(X @ s, i)

    def edge(a, b):  # cls(a) == c0, cls(b) != c0: bisect to 1e-13; the end and the rank just beyond it
        while abs(b - a) > 1e-13:
            m = (a + b) / 2
            if cls(m) == c0:
                a = m
            else:
                b = m
        return a, rank_at(b)

    ends = []
    for direction in (-1, 1):
        t, hi = s0[k], (0.0 if direction < 0 else 1.0)
        step = abs(hi - t) / steps
        beyond = None
        for n in range(1, steps + 1):
            tn = t + direction * step * n if n < steps else hi
            if cls(tn) != c0:
                e, beyond = edge(t + direction * step * (n - 1), tn)
                ends.append((e, beyond))
                break
        else:
            ends.append((hi, None))
    return c0, ends


def main():
    out = []
    fails = []
    for year in (2022, 2023):
        names, X, members = load(year)
        m = X[:, 0]
        out += [("%d_rows" % year, len(names)), ("%d_min" % year, "%.17g" % m.min()),
                ("%d_max" % year, "%.17g" % m.max()),
                ("%d_min_province" % year, names[int(m.argmin())].replace(" ", "_")),
                ("%d_max_province" % year, names[int(m.argmax())].replace(" ", "_"))]
        if not (0 <= m.min() and m.max() <= 1):
            fails.append("%d: a recovered mean outside [0, 1]" % year)
        if year == 2022:
            full = [(n, X[k], mv) for k, (n, mv) in enumerate(zip(names, members)) if mv]
            gaps = [4 * x[0] - sum(mv) for _, x, mv in full]
            out += [("2022_complete", len(full))]
            out += [("2022_gap_%d" % k, "%.17g" % g) for k, g in enumerate(gaps)]
            if max(abs(g) for g in gaps) > 0.0006:
                fails.append("2022: a recovered total more than 0.0006 from the published sum")
            # the non-circular fit: the block from its published members
            F = np.array([[float(np.mean(mv))] + list(x[1:]) for _, x, mv in full])
            y = np.array(dti_of(2022, [n for n, _, _ in full]))
            A = F[:, 1:] - F[:, [0]]
            v, *_ = np.linalg.lstsq(A, y - F[:, 0], rcond=None)
            w = np.concatenate([[1 - v.sum()], v])
            r = y - F @ w
            s2 = r @ r / (len(y) - 4)
            C = s2 * np.linalg.inv(A.T @ A)
            Z = np.vstack([-np.ones(4), np.eye(4)])
            se = np.sqrt(np.diag(Z @ C @ Z.T))
            out += [("members_fit_w_%s" % IND[j], "%.17g" % w[j]) for j in range(5)]
            out += [("members_fit_se_%s" % IND[j], "%.17g" % se[j]) for j in range(5)]
            out += [("members_fit_rms", "%.17g" % np.sqrt(np.mean(r ** 2)))]
            # how far one weight may move (the others fixed, the rule rewritten to match, so the total
            # becomes 1000 + d) before the five rows refuse it: the smallest whole d, each way, with
            # some |recovered - members' mean| > 0.0002 + 0.00005 (the rounding bound of the program)
            dti5 = np.array(dti_of(2022, [n for n, _, _ in full]))
            mean5 = np.array([np.mean(mv) for _, _, mv in full])
            oth = np.array([x[1:] for _, x, _ in full])
            for j in range(5):
                for sign, tag in ((1, "up"), (-1, "down")):
                    for d in range(1, 400):
                        P = POINTS.copy()
                        P[j] += sign * d
                        rec = (P.sum() * dti5 - oth @ P[1:]) / P[0]
                        if np.max(np.abs(rec - mean5)) > 0.0002 + 0.00005:
                            out += [("members_detect_%s_%s" % (IND[j], tag), sign * d)]
                            break
            z = np.abs(w - POINTS / 1000) / se
            if z.max() > 3:
                fails.append("the members' fit is more than 3 standard errors from the official weights")
            continue
        # 2023: Thai Nguyen, among the 63 and among the 34
        coef = POINTS / 1000
        for frame in (63, 34):
            if frame == 63:
                labels, M, i = names, X, names.index(TN)
                share = 1.0
                row = X[i]
            else:
                labels, M, unit_of = merged(names, X)
                i = labels.index(unit_of[TN])
                share = 1.0 / sum(1 for n in names if unit_of[n] == unit_of[TN])
                row = X[names.index(TN)]
            scores = M @ coef
            pre = "tn%d" % frame
            out += [(pre + "_score", "%.17g" % scores[i]), (pre + "_rank", rank_of(scores, i))]
            for costs, tag in ((np.ones(5), ""), (np.array([4.0, 1, 1, 1, 1]), "_c4")):
                # the plan moves Thai Nguyen's own values; a unit of increase moves the unit by `share`
                c = coef * share
                needed, plan, cost, single = goal(scores, i, np.array([row if q == i else M[q]
                                                                       for q in range(len(M))]), c, costs)
                out += [(pre + tag + "_needed", "%.17g" % needed), (pre + tag + "_cost", "%.17g" % cost)]
                out += [(pre + tag + "_plan_%s" % IND[j], "%.17g" % plan[j]) for j in range(5)]
                out += [(pre + tag + "_single_%s" % IND[j], "NA" if single[j] is None else "%.17g" % single[j])
                        for j in range(5)]
                after = M.copy()
                after[i] = M[i] + share * np.array(plan)
                if rank_of(after @ coef, i) > TOP:
                    fails.append("%s%s: the plan does not reach the top 10" % (pre, tag))
            for top in (0, TOP):
                for k in range(5):
                    c0, ends = stab(M, i, k, top)
                    t = "%s_stab%s_%s" % (pre, "_top" if top else "", IND[k])
                    out += [(t + "_lower", "%.12f" % ends[0][0]), (t + "_upper", "%.12f" % ends[1][0]),
                            (t + "_rank_below", "NA" if ends[0][1] is None else int(ends[0][1])),
                            (t + "_rank_above", "NA" if ends[1][1] is None else int(ends[1][1]))]
            # Monte Carlo: +-25% on each weight
            rng = np.random.default_rng(20260417)
            n = 100000
            W = POINTS * (1 + 0.25 * (2 * rng.random((n, 5)) - 1))
            S = (M @ W.T) / W.sum(axis=1)
            K = np.round(np.round(S * 1e4 * 1e6) / 1e6)  # half to even at exact halves: rare, MC only
            ranks = 1 + (K > K[i]).sum(axis=0)
            p = float(np.mean(ranks <= TOP))
            out += [(pre + "_mc_p_top10", "%.6f" % p), (pre + "_mc_median_rank", int(np.median(ranks)))]
            # every unit whose P(top 10) is neither 0 nor 1: by its row among the 63 (the record's
            # order), by its name among the 34 (the map's names, spaces as '_')
            for q in range(len(M)):
                pq = float(np.mean(1 + (K > K[q]).sum(axis=0) <= TOP))
                if 0.005 < pq < 0.995:
                    tag = "row%d" % q if frame == 63 else labels[q].replace(" ", "_")
                    out += [("%s_mc_p_top10_%s" % (pre, tag), "%.6f" % pq)]
    with open("tests/reference/block_expected.txt", "w", encoding="utf-8") as f:
        f.write("# generated by tests/reference/block_reference.py -- do not edit\n")
        for k, v in out:
            f.write("%s %s\n" % (k, v))
    for k, v in out:
        print(k, v)
    for msg in fails:
        print("FAIL:", msg, file=sys.stderr)
    return 1 if fails else 0


def dti_of(year, names):
    with open("data/dti/%d.yaml" % year, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    by = {p["province"]: val(p, "dti") for p in doc["provinces"]}
    return [by[n] for n in names]


if __name__ == "__main__":
    sys.exit(main())
