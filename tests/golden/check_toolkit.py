#!/usr/bin/env python3
"""Independent checks of the golden outputs of the analyst's toolkit commands (issue 14).

The golden files are dtirank's own output; this script proves their numbers against values computed
without dtirank (tests/reference/, numpy/scipy) or by hand (below):

  compare --year 2022 --year 2023      every unit's ranks, shift and top-10 crossing exactly, Spearman's rho
                                       (scipy.stats.spearmanr of the ranks), mean and largest |shift| at 1e-12
                                       -- tests/reference/dti_expected_compare.csv (regions_reference.py)
  compare --model asem --model asem-p05  ranks, shifts, crossings exactly and rho at 1e-9
                                       -- asem_expected_compare.csv (toolkit_reference.py)
  compare --drop all (ASEM)            2,499 scores at 1e-9, ranks and shifts exactly; mean and largest |shift|
                                       per indicator -- asem_expected_loo.csv, asem_expected_loo_summary.csv
  rank --by-region, profile            every 2024 region rank, Thái Nguyên's region table and rank in its
                                       size third (SYNTHETIC populations) -- dti_expected_regions.csv
  score --weights pca (ASEM)           every PCA weight and loading at 1e-9 -- asem_expected_pca.csv
  score --impute-years (panel)         the scores worked by hand in the comment of PANEL below

Standard library only; from the repository root:  python3 tests/golden/check_toolkit.py
"""
import csv
import io
import json
import os
import sys

GOLDEN = "tests/golden"
REF = "tests/reference"
failures = []
checks = 0


def check(ok, msg):
    global checks
    checks += 1
    if not ok:
        failures.append(msg)


def close(a, b, tol):
    return abs(a - b) <= tol * max(1.0, abs(b))


def golden(name):
    with open(os.path.join(GOLDEN, name, "stdout"), encoding="utf-8") as f:
        return f.read()


def golden_csv(name):
    return list(csv.DictReader(io.StringIO(golden(name), newline="")))


def ref_csv(name):
    with open(os.path.join(REF, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def table(doc, name):
    return next(t for t in doc["tables"] if t["name"] == name)


def check_compare_years():
    ref = ref_csv("dti_expected_compare.csv")
    summary = ref.pop()
    out = {r["unit"]: r for r in golden_csv("compare_years_csv")}
    check(len(out) == 63, "compare_years_csv: %d rows, not 63" % len(out))
    cross = {"1": "enters", "-1": "leaves", "0": ""}
    for r in ref:
        o = out.get(r["code"])
        check(o is not None, "compare_years_csv: no row for %s" % r["code"])
        if o:
            got = (o["rank_a"], o["rank_b"], o["shift"], o["cross"])
            want = (r["rank_a"], r["rank_b"], r["shift"], cross[r["cross"]])
            check(got == want, "compare_years_csv %s: %s, expected %s" % (r["code"], got, want))
    meta = json.loads(golden("compare_years_json"))["metadata"]
    check(close(meta["spearman"], float(summary["name"]), 1e-12), "compare_years_json: rho %r" % meta["spearman"])
    check(meta["units_both"] == int(summary["rank_a"]), "compare_years_json: units_both")
    check(close(meta["mean_abs_shift"], float(summary["rank_b"]), 1e-12), "compare_years_json: mean |shift|")
    check(close(meta["max_abs_shift"], float(summary["shift"]), 1e-12), "compare_years_json: max |shift|")


def check_compare_models():
    ref = ref_csv("asem_expected_compare.csv")
    rho = float(ref.pop()["rank_a"])
    out = {r["unit"]: r for r in golden_csv("compare_models_asem_csv")}
    cross = {"1": "enters", "-1": "leaves", "0": ""}
    for r in ref:
        o = out[r["unit"]]
        check((o["rank_a"], o["rank_b"], o["shift"], o["cross"]) == (r["rank_a"], r["rank_b"], r["shift"], cross[r["cross"]]),
              "compare_models_asem_csv %s" % r["unit"])
    meta = json.loads(golden("compare_models_asem_json"))["metadata"]
    check(close(meta["spearman"], rho, 1e-9), "compare_models_asem_json: rho %r, expected %r" % (meta["spearman"], rho))


def check_loo():
    ref = ref_csv("asem_expected_loo.csv")
    out = {r["unit"]: r for r in golden_csv("compare_drop_all_asem_units_csv")}
    for r in ref:
        o = out[r["unit"]]
        d = r["dropped"]
        check(close(float(o[d + "_score"]), float(r["score"]), 1e-9), "loo %s %s: score" % (d, r["unit"]))
        check(o[d + "_rank"] == r["rank"] and o[d] == r["shift"], "loo %s %s: rank/shift" % (d, r["unit"]))
    summ = {r["dropped"]: r for r in golden_csv("compare_drop_all_asem_csv")}
    for r in ref_csv("asem_expected_loo_summary.csv"):
        o = summ[r["dropped"]]
        check(close(float(o["mean_abs_shift"]), float(r["mean_abs_shift"]), 1e-12), "loo %s: mean" % r["dropped"])
        check(float(o["max_abs_shift"]) == float(r["max_abs_shift"]), "loo %s: max" % r["dropped"])


def check_regions():
    ref = {r["code"]: r for r in ref_csv("dti_expected_regions.csv")}
    out = golden_csv("rank_2024_by_region_csv")
    check(len(out) == 63, "rank_2024_by_region_csv: %d rows" % len(out))
    for o in out:
        r = ref[o["code"]]
        check((o["region"], o["region_rank"]) == (r["region"], r["region_rank"]),
              "rank_2024_by_region_csv %s: %s %s, expected %s %s" % (o["code"], o["region"], o["region_rank"],
                                                                    r["region"], r["region_rank"]))
    doc = json.loads(golden("profile_thai_nguyen_json"))
    check(doc["metadata"]["region_rank"] == int(ref["19"]["region_rank"]), "profile: Thái Nguyên's region rank")
    by_name = {r["name"]: r for r in ref.values()}
    peers = table(doc, "region")["rows"]
    check(len(peers) == sum(1 for r in ref.values() if r["region"] == ref["19"]["region"]), "profile: region size")
    for q in peers:
        check(str(q["region_rank"]) == by_name[q["name"]]["region_rank"], "profile region table: %s" % q["name"])
    text = golden("profile_size")
    r = ref["19"]
    third = ["smallest", "middle", "largest"][int(r["size_third"])]
    n = {"0": 21, "1": 21, "2": 21}[r["size_third"]]
    rank = int(r["size_rank"])
    suffix = "th" if 11 <= rank % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    want = "Units of similar size (the %s third by population, %d units): %d%s." % (third, n, rank, suffix)
    check(want in text, "profile_size: no line %r" % want)


def check_pca():
    ref = {}
    for r in ref_csv("asem_expected_pca.csv"):
        if r["section"] == "weight":
            ref[(r["row"], r["column"])] = float(r["value"])
    out = {r["node"]: r for r in golden_csv("score_weights_pca_weights_csv")}
    for (node, col), v in ref.items():
        if col in ("weight", "loading") and node in out:
            got = float(out[node]["share" if col == "weight" else "loading"])
            check(close(got, v, 1e-9), "pca %s %s: %r, expected %r" % (node, col, got, v))
    check(len(out) == 59, "score_weights_pca_weights_csv: %d nodes, not 59" % len(out))


# The SYNTHETIC panel (tests/gen_toolkit_data.py), index = (a + b + 2c) / 4, every child required:
#   2023 with locf: U1 c is carried from 2021 (1): (4 + 2 + 2*1)/4 = 2; U2 (5 + 1 + 2*2)/4 = 2.5;
#     U3 (3 + 6 + 2*1)/4 = 2.75; U4 (4 + 4 + 8)/4 = 4.
#   2021 with linear: U1 a between 2020 (1) and 2023 (4): 1 + 3 (2021 - 2020)/(2023 - 2020) = 2, so
#     (2 + 2 + 2)/4 = 1.5; U2 (3 + 1 + 4)/4 = 2; U3 has no b before 2023 (never carried backward): no
#     score; U4 4.
PANEL = {"locf_2023": {"U1": 2.0, "U2": 2.5, "U3": 2.75, "U4": 4.0},
         "linear_2021": {"U1": 1.5, "U2": 2.0, "U3": None, "U4": 4.0}}


def check_panel():
    for case in ("score_panel_locf_csv", "score_panel_long_locf_csv"):
        got = {r["unit"]: float(r["index"]) for r in golden_csv(case)}
        check(got == PANEL["locf_2023"], "%s: %s" % (case, got))
    for case in ("score_panel_linear_2021_json", "score_panel_long_linear_2021_json"):
        rows = table(json.loads(golden(case)), "scores")["rows"]
        got = {r["unit"]: r["index"] for r in rows}
        check(got == PANEL["linear_2021"], "%s: %s" % (case, got))


def main():
    for f in (check_compare_years, check_compare_models, check_loo, check_regions, check_pca, check_panel):
        f()
    for f in failures:
        print("check_toolkit: " + f)
    print("check_toolkit: %d of %d checks passed" % (checks - len(failures), checks))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
