#!/usr/bin/python3
"""Independent reference implementation of the COINr pipeline on the ASEM example.

Written only from /work/shared/bench/asem/PIPELINE.md (and README.md there); it does
not use any code of dtirank or of COINr.  Plain IEEE double arithmetic throughout
(Python floats, sums added left to right in dataset order), no numpy, no pandas.

Steps (PIPELINE.md section numbers):
  0 load      units sorted by uCode, 49 indicators in iMeta order
  1 denominate  y = x / d (no scale factor)
  2 impute    column by column, EurAsia_group mean over all units
  3 screen    byNA, drop unit if availability < 0.9
  4 treat     type-2 skew/kurt, iterative winsorisation with ties (max 5), log_CT fallback
  5 normalise min-max [0,100] with Direction
  6 aggregate weighted arithmetic mean, weights renormalised over non-missing children
  7 rank      competition ranks on the unrounded Index (ties share the best rank)

Usage (from the repository root):
    /usr/bin/python3 tests/reference/asem_reference.py [ASEM_DIR]
ASEM_DIR defaults to ../shared/bench/asem.  Writes, next to this script:
    asem_expected_scores.csv, asem_expected_normalised.csv, asem_expected_treatment.csv
Exits non-zero if any checkpoint of PIPELINE.md is not reproduced.
"""

import csv
import math
import os
import sys

NAN = float("nan")
HERE = os.path.dirname(os.path.abspath(__file__))


def isna(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt(v):
    """repr-exact output: 17 significant digits, NA for missing."""
    if isna(v):
        return "NA"
    return "%.17g" % v


FAILURES = []


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("CHECK FAILED: " + msg, file=sys.stderr)


# ----------------------------------------------------------------------------
# 0. Load
# ----------------------------------------------------------------------------

def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def num(s):
    s = s.strip()
    if s == "" or s == "NA":
        return NAN
    return float(s)


def load(asem_dir):
    mhead, mrows = read_csv(os.path.join(asem_dir, "asem_iMeta.csv"))
    meta = [dict(zip(mhead, r)) for r in mrows]
    indicators = [m for m in meta if m["Type"] == "Indicator"]
    aggregates = [m for m in meta if m["Type"] == "Aggregate"]
    dhead, drows = read_csv(os.path.join(asem_dir, "asem_iData.csv"))
    data = [dict(zip(dhead, r)) for r in drows]
    data.sort(key=lambda r: r["uCode"].encode("ascii"))   # plain byte order
    return meta, indicators, aggregates, data


# ----------------------------------------------------------------------------
# helpers on columns (lists of floats, NaN = missing)
# ----------------------------------------------------------------------------

def dsum(xs):
    """Plain double sum, left to right."""
    s = 0.0
    for x in xs:
        s += x
    return s


def mean(xs):
    xs = [x for x in xs if not isna(x)]
    if not xs:
        return NAN
    return dsum(xs) / len(xs)


def skew_kurt(col):
    """Type-2 (sample-adjusted) skewness G1 and excess kurtosis G2 (PIPELINE 4.1)."""
    xs = [x for x in col if not isna(x)]
    n = len(xs)
    if n == 0:
        return NAN, NAN
    m = dsum(xs) / n
    d = [x - m for x in xs]
    s2 = dsum([di * di for di in d])
    s3 = dsum([math.pow(di, 3) for di in d])
    s4 = dsum([math.pow(di, 4) for di in d])
    g1 = NAN
    g2 = NAN
    if n >= 3:
        try:
            b1 = math.sqrt(n) * s3 / math.pow(s2, 1.5)
            g1 = b1 * math.sqrt(n * (n - 1)) / (n - 2)
        except ZeroDivisionError:
            g1 = NAN
    if n >= 4:
        try:
            r = n * s4 / (s2 * s2)
            g2 = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
        except ZeroDivisionError:
            g2 = NAN
    return g1, g2


def passes(col):
    """Three-valued check of PIPELINE 4.2: True (passes), False (needs treatment), None (undefined)."""
    g1, g2 = skew_kurt(col)
    a = None if math.isnan(g1) else (abs(g1) < 2)
    b = None if math.isnan(g2) else (g2 < 3.5)
    if a is True or b is True:
        return True
    if a is False and b is False:
        return False
    return None


# ----------------------------------------------------------------------------
# 4. Treat one column
# ----------------------------------------------------------------------------

def treat_column(x):
    """Returns (y, info) with info = dict(action, nwin, side, positions)."""
    info = {"action": "none", "nwin": 0, "side": "none", "positions": []}
    chk = passes(x)
    if chk is not False:
        return list(x), info
    w = list(x)
    nwin = 0
    n_high = 0        # positions replaced in the latest high-side step
    n_low = 0         # positions replaced in the latest low-side step
    sides = set()
    touched = set()
    while passes(w) is False and nwin < 5:
        g1, _ = skew_kurt(w)
        obs = [i for i, v in enumerate(w) if not isna(v)]
        if g1 >= 0:
            ext = max(w[i] for i in obs)
            pos = [i for i in obs if w[i] == ext]
            newv = max(w[i] for i in obs if w[i] != ext)
            for i in pos:
                w[i] = newv
            n_high = len(pos)
            sides.add("high")
        else:
            ext = min(w[i] for i in obs)
            pos = [i for i in obs if w[i] == ext]
            newv = min(w[i] for i in obs if w[i] != ext)
            for i in pos:
                w[i] = newv
            n_low = len(pos)
            sides.add("low")
        touched.update(pos)
        nwin = n_high + n_low
    side = "both" if len(sides) == 2 else next(iter(sides))
    after = passes(w)
    if after is True:
        info.update(action="winsorise", nwin=nwin, side=side, positions=sorted(touched))
        return w, info
    if after is None:
        # PIPELINE 4.3 step 5: undefined check on w -> original column unchanged
        # (nwin/side are not reported for an unchanged column)
        return list(x), info
    # still fails: log_CT on the ORIGINAL column, kept unconditionally
    obs = [v for v in x if not isna(v)]
    mn = min(obs)
    mx = max(obs)
    y = [NAN if isna(v) else math.log(v - mn + 0.01 * (mx - mn)) for v in x]
    info.update(action="log", nwin=nwin, side=side)
    return y, info


# ----------------------------------------------------------------------------
# pipeline
# ----------------------------------------------------------------------------

def run(asem_dir):
    meta, indicators, aggregates, data = load(asem_dir)
    icodes = [m["iCode"] for m in indicators]
    units = [r["uCode"] for r in data]
    nu = len(units)
    check(len(icodes) == 49, "49 indicators (got %d)" % len(icodes))
    check(nu == 51, "51 units (got %d)" % nu)

    # Raw: dict code -> column (list over units)
    raw = {c: [num(r[c]) for r in data] for c in icodes}
    n_missing_raw = sum(1 for c in icodes for v in raw[c] if isna(v))
    check(n_missing_raw == 63, "63 missing cells in Raw (got %d)" % n_missing_raw)

    # 1. Denominate
    den = {}
    for m in indicators:
        c = m["iCode"]
        dcol = m["Denominator"].strip()
        if dcol:
            d = [num(r[dcol]) for r in data]
            den[c] = [NAN if (isna(a) or isna(b)) else a / b for a, b in zip(raw[c], d)]
        else:
            den[c] = list(raw[c])
    n_missing_den = sum(1 for c in icodes for v in den[c] if isna(v))
    check(n_missing_den == 65, "65 missing cells after Denominate (got %d)" % n_missing_den)

    # 2. Impute: EurAsia_group mean, column by column, over all units
    groups = [r["EurAsia_group"].strip() or None for r in data]
    imp = {}
    imputed_log = []   # (indicator, group, n_obs, units, value)
    for c in icodes:
        col = list(den[c])
        for g in sorted(set(x for x in groups if x is not None)):
            idx = [i for i in range(nu) if groups[i] == g]
            obs = [col[i] for i in idx if not isna(col[i])]
            mg = dsum(obs) / len(obs) if obs else NAN
            miss = [i for i in idx if isna(col[i])]
            for i in miss:
                col[i] = mg
            if miss:
                imputed_log.append((c, g, len(obs), [units[i] for i in miss], mg))
        imp[c] = col
    n_missing_imp = sum(1 for c in icodes for v in imp[c] if isna(v))
    check(n_missing_imp == 0, "no missing cell after Impute (got %d)" % n_missing_imp)
    n_asia = sum(len(u) for (_, g, _, u, _) in imputed_log if g == "Asia")
    n_eur = sum(len(u) for (_, g, _, u, _) in imputed_log if g == "Europe")
    check((n_asia, n_eur) == (62, 3), "62 Asia + 3 Europe imputed (got %d + %d)" % (n_asia, n_eur))
    expected_imputed = {
        ("Elec", "Asia"): (20, "LAO", 0.0565810530569),
        ("Gas", "Asia"): (20, "LAO", 0.481575368326),
        ("ConSpeed", "Asia"): (13, "BGD, BRN, KAZ, KHM, LAO, MMR, MNG, PAK", 12.9153846154),
        ("ForPort", "Asia"): (18, "BRN, KHM, LAO", 0.779390352555),
        ("Tariff", "Asia"): (18, "MMR, MNG, THA", 4.01611111111),
        ("TBTs", "Asia"): (20, "BGD", 246.25),
        ("Pat", "Asia"): (15, "BGD, BRN, KHM, LAO, MMR, VNM", 0.16732843426),
        ("CultServ", "Asia"): (18, "BRN, LAO, VNM", 0.00104370414917),
        ("CultServ", "Europe"): (29, "ESP", 0.0155141942955),
        ("CultGood", "Asia"): (14, "BGD, IDN, KHM, KOR, LAO, MMR, VNM", 0.0129142736473),
        ("PrimEner", "Asia"): (20, "LAO", 122.904047104),
        ("Poverty", "Asia"): (15, "BRN, JPN, KHM, MYS, NZL, SGP", 6.42666666667),
        ("Poverty", "Europe"): (29, "ITA", 0.372413793103),
        ("Palma", "Asia"): (16, "BRN, KOR, MMR, NZL, SGP", 1.59625),
        ("Palma", "Europe"): (29, "MLT", 1.19103448276),
        ("TertGrad", "Asia"): (14, "BGD, BRN, KAZ, KHM, LAO, MMR, VNM", 17.17151),
        ("FemLab", "Asia"): (19, "BRN, MMR", 0.74888577704),
        ("PubDebt", "Asia"): (20, "MNG", 52.784),
        ("PrivDebt", "Asia"): (20, "BRN", 100.92720237),
        ("RDExp", "Asia"): (17, "BGD, BRN, LAO, MMR", 1.18232),
        ("NEET", "Asia"): (19, "CHN, KOR", 16.6526315789),
    }
    got_imputed = {(c, g): (n, ", ".join(u), v) for (c, g, n, u, v) in imputed_log}
    check(set(got_imputed) == set(expected_imputed), "imputed (indicator, group) pairs as in PIPELINE 2")
    for k, (n, us, v) in expected_imputed.items():
        if k in got_imputed:
            gn, gus, gv = got_imputed[k]
            check(gn == n and gus == us and float("%.12g" % gv) == v,
                  "imputation %s: got n=%d units=%s value=%.12g" % (k, gn, gus, gv))

    # 3. Screen byNA, threshold 0.9
    keep = []
    for i in range(nu):
        nmiss = sum(1 for c in icodes if isna(imp[c][i]))
        avail = 1 - nmiss / len(icodes)
        if not (avail < 0.9):
            keep.append(i)
    check(len(keep) == nu, "Screen removes no unit (kept %d)" % len(keep))
    units = [units[i] for i in keep]
    nu = len(units)
    scr = {c: [imp[c][i] for i in keep] for c in icodes}

    # 4. Treat
    trt = {}
    tlog = []
    for c in icodes:
        g1b, g2b = skew_kurt(scr[c])
        y, info = treat_column(scr[c])
        g1a, g2a = skew_kurt(y)
        trt[c] = y
        info.update(indicator=c, skew_before=g1b, kurt_before=g2b, skew_after=g1a, kurt_after=g2a,
                    old=[scr[c][i] for i in info["positions"]],
                    new=[y[i] for i in info["positions"]],
                    units=[units[i] for i in info["positions"]])
        tlog.append(info)
    check_treatment(tlog, scr, trt, units, icodes)

    # 5. Normalise min-max [0,100] with Direction
    direction = {m["iCode"]: float(m["Direction"]) for m in indicators}
    nrm = {}
    for c in icodes:
        xp = [NAN if isna(v) else direction[c] * v for v in trt[c]]
        obs = [v for v in xp if not isna(v)]
        mn, mx = min(obs), max(obs)
        nrm[c] = [NAN if isna(v) else (v - mn) / (mx - mn) * (100 - 0) + 0 for v in xp]

    # 6. Aggregate level by level
    values = dict(nrm)
    rows_by_code = {m["iCode"]: m for m in meta if m["Type"] in ("Indicator", "Aggregate")}
    for level in (2, 3, 4):
        for p in [m["iCode"] for m in aggregates if int(m["Level"]) == level]:
            children = [m["iCode"] for m in meta
                        if m["Type"] in ("Indicator", "Aggregate") and m["Level"].strip()
                        and int(m["Level"]) == level - 1 and m["Parent"] == p]
            col = []
            for u in range(nu):
                kept = [(float(rows_by_code[ch]["Weight"]), values[ch][u]) for ch in children
                        if not isna(values[ch][u])]
                if not kept:
                    col.append(NAN)
                    continue
                wsum = dsum([w for w, _ in kept])
                col.append(dsum([(w / wsum) * v for w, v in kept]))
            values[p] = col

    # 7. Rank (competition, unrounded)
    idx = values["Index"]
    rank = []
    for u in range(nu):
        if isna(idx[u]):
            rank.append(None)
        else:
            rank.append(1 + sum(1 for v in idx if not isna(v) and v > idx[u]))

    return dict(units=units, icodes=icodes, aggregates=aggregates, values=values, rank=rank,
                tlog=tlog)


# ----------------------------------------------------------------------------
# PIPELINE 4.4 treatment table (asserted)
# ----------------------------------------------------------------------------

EXPECTED_TREATMENT = [
    # indicator, skew, kurt, nwin, side, units (in any order), donor value (6 sig), skew after, kurt after
    ("Flights", 2.2436, 6.2982, 1, "high", ["MLT"], 0.0118871, 1.7538, 3.2469),
    ("Bord", 4.2114, 19.9046, 3, "high", ["LUX", "SGP", "BEL"], 0.000993289, 1.6596, 1.5392),
    ("Gas", 4.6689, 22.2943, 3, "high", ["BRN", "NOR", "MMR"], 0.863017, 1.7856, 2.3408),
    ("Services", 3.9504, 17.6476, 4, "high", ["LUX", "MLT", "IRL", "SGP"], 0.760099, 1.6248, 2.1155),
    ("FDI", 2.4554, 5.7771, 2, "high", ["KHM", "MNG"], 0.136275, 1.9157, 2.4062),
    ("ForPort", 6.9278, 48.8152, 3, "high", ["LUX", "IRL", "MLT"], 6.04387, 1.3595, 0.9011),
    ("CostImpEx", 2.6914, 9.8426, 1, "high", ["PAK"], 595, 1.5897, 2.3584),
    ("Tariff", 2.3216, 5.0620, 3, "high", ["BGD", "PAK", "KHM"], 7.68, 1.8553, 2.8505),
    ("StMob", 2.8944, 10.1065, 2, "high", ["CYP", "LUX"], 0.0109609, 1.0777, 0.6620),
    ("CultServ", 5.2836, 28.4924, 3, "high", ["MLT", "LUX", "ESP"], 0.0120072, 1.9271, 3.3044),
    ("Forest", 2.7113, 9.3478, 2, "high", ["PRT", "KHM"], 17.2735, 1.4240, 1.7988),
    ("Poverty", 2.6289, 6.9557, 3, "high", ["LAO", "IND", "BGD"], 8.3, 1.1593, -0.4357),
    ("NGOs", 3.4129, 13.0520, 3, "high", ["BEL", "LUX", "CHE"], 0.0429093, 1.1548, 0.1322),
    ("FemLab", -2.0089, 5.0005, 1, "low", ["PAK"], 0.345576, -1.8924, 4.3634),
    ("PubDebt", 2.0289, 6.1600, 1, "high", ["JPN"], 176.94, 1.2595, 1.7916),
]


def r4(v):
    return round(v, 4)


def check_treatment(tlog, scr, trt, units, icodes):
    by = {t["indicator"]: t for t in tlog}
    wins = [t["indicator"] for t in tlog if t["action"] == "winsorise"]
    logs = [t["indicator"] for t in tlog if t["action"] == "log"]
    check(sorted(wins) == sorted(e[0] for e in EXPECTED_TREATMENT),
          "winsorised set as in PIPELINE 4.4 (got %s)" % wins)
    check(logs == [], "no log transform (got %s)" % logs)
    check(sum(1 for t in tlog if t["action"] == "none") == 34, "34 indicators pass at once")
    for (c, sk, ku, nwin, side, us, donor, ska, kua) in EXPECTED_TREATMENT:
        t = by[c]
        check(r4(t["skew_before"]) == sk and r4(t["kurt_before"]) == ku,
              "%s skew/kurt before: %.6f %.6f" % (c, t["skew_before"], t["kurt_before"]))
        check(r4(t["skew_after"]) == ska and r4(t["kurt_after"]) == kua,
              "%s skew/kurt after: %.6f %.6f" % (c, t["skew_after"], t["kurt_after"]))
        check(t["nwin"] == nwin and t["side"] == side, "%s nwin/side: %d %s" % (c, t["nwin"], t["side"]))
        check(sorted(t["units"]) == sorted(us), "%s units: %s" % (c, t["units"]))
        check(all(float("%.6g" % v) == donor for v in t["new"]), "%s new values: %s" % (c, t["new"]))
        # only the listed units differ between Screened and Treated
        diff = [units[i] for i in range(len(units)) if scr[c][i] != trt[c][i]]
        check(sorted(diff) == sorted(us), "%s changed cells: %s" % (c, diff))
    for c in icodes:
        if c not in by or by[c]["action"] == "none":
            check(scr[c] == trt[c], "%s unchanged" % c)
    # Notes of 4.4: FemLab kurt still above 3.5 after winsorising
    check(by["FemLab"]["kurt_after"] > 3.5, "FemLab kurt after > 3.5")


# ----------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------

PILLARS = ["Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social", "SusEcFin"]


def main():
    asem_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "bench", "asem")
    res = run(asem_dir)
    units, icodes, values, rank, tlog = (res["units"], res["icodes"], res["values"], res["rank"],
                                         res["tlog"])
    U = {u: i for i, u in enumerate(units)}
    check(sorted(m["iCode"] for m in res["aggregates"] if int(m["Level"]) == 2) == sorted(PILLARS),
          "pillar codes")

    # --- checkpoints of PIPELINE 6 (tolerance 1e-12, absolute) ---
    cps = [("CHE", "Conn", 62.787961718068345), ("CHE", "Sust", 73.979486758615081),
           ("CHE", "Index", 68.383724238341713), ("RUS", "Index", 35.655544511668985)]
    maxdev = 0.0
    for u, c, ref in cps:
        got = values[c][U[u]]
        dev = abs(got - ref)
        maxdev = max(maxdev, dev)
        print("checkpoint %-3s %-5s = %s   (PIPELINE.md %s, diff %.3g)" % (u, c, fmt(got), repr(ref), dev))
        check(dev <= 1e-12, "checkpoint %s %s: %r vs %r" % (u, c, got, ref))
    print("max checkpoint deviation: %.3g" % maxdev)

    # --- ranks of PIPELINE 7 ---
    expected_ranks = [(1, "CHE", 68.38), (2, "NLD", 64.82), (3, "DNK", 64.80), (4, "NOR", 64.47),
                      (5, "BEL", 63.54), (49, "CHN", 37.77), (50, "PAK", 37.63), (51, "RUS", 35.66)]
    for r, u, s in expected_ranks:
        i = U[u]
        check(rank[i] == r and round(values["Index"][i], 2) == s,
              "rank %d %s %.2f (got rank %s, %.4f)" % (r, u, s, rank[i], values["Index"][i]))
    check(sorted(rank) == list(range(1, 52)), "no tie in the Index ranks")

    # --- outputs ---
    with open(os.path.join(HERE, "asem_expected_scores.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["uCode"] + PILLARS + ["Conn", "Sust", "Index", "rank"])
        for i, u in enumerate(units):
            w.writerow([u] + [fmt(values[c][i]) for c in PILLARS + ["Conn", "Sust", "Index"]]
                       + ["NA" if rank[i] is None else str(rank[i])])
    with open(os.path.join(HERE, "asem_expected_normalised.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["uCode"] + icodes)
        for i, u in enumerate(units):
            w.writerow([u] + [fmt(values[c][i]) for c in icodes])
    with open(os.path.join(HERE, "asem_expected_treatment.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["indicator", "skew_before", "kurt_before", "action", "nwin", "side",
                    "skew_after", "kurt_after"])
        for t in tlog:
            w.writerow([t["indicator"], fmt(t["skew_before"]), fmt(t["kurt_before"]), t["action"],
                        t["nwin"], t["side"], fmt(t["skew_after"]), fmt(t["kurt_after"])])

    print("ranks: " + ", ".join("%d %s" % (rank[i], units[i])
                                for i in sorted(range(len(units)), key=lambda i: rank[i])[:5])
          + " ... " + ", ".join("%d %s" % (rank[i], units[i])
                                for i in sorted(range(len(units)), key=lambda i: rank[i])[-3:]))
    if FAILURES:
        print("%d check(s) FAILED" % len(FAILURES), file=sys.stderr)
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
