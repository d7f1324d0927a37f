#!/usr/bin/env python3
"""Writes models/example-raw.yaml and data/example-raw.yaml: a SYNTHETIC composite index over the 63
provinces of data/provinces.yaml with raw sub-indicators in mixed units (counts, percentages, yes/no
criteria, money), built to exercise every method of the engine (docs/methods.md).

The numbers are invented (random.Random with a fixed seed), not statistics of any province.
Standard library only.  Run from the repository root:

    python3 tests/gen_example_raw.py          # rewrites both files
"""

import json
import math
import random
import sys

SEED = 20250601
MODEL = "models/example-raw.yaml"
DATA = "data/example-raw.yaml"
BANNER = (
    "# SYNTHETIC DATA - invented numbers for testing dtirank, NOT statistics of any province.\n"
    "# GENERATED FILE - DO NOT EDIT BY HAND.  Written by tests/gen_example_raw.py (seed %d):\n"
    "#   python3 tests/gen_example_raw.py\n" % SEED
)


def provinces(path="data/provinces.yaml"):
    """(code, name) pairs in registry order, read line by line (no YAML library needed)."""
    out, code = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s.startswith("- code:"):
                code = json.loads(s.split(":", 1)[1].strip())
            elif s.startswith("name:") and code is not None:
                out.append((code, s.split(":", 1)[1].strip()))
                code = None
    if len(out) != 63:
        sys.exit("gen_example_raw: expected 63 provinces, found %d" % len(out))
    return out


MODEL_TEXT = BANNER + """name: example-raw
title: Raw-data example (SYNTHETIC)
note: >-
  SYNTHETIC: a made-up digital-transformation index over the 63 provinces, with raw sub-indicators
  in mixed units (counts, percentages, yes/no criteria, money), written to exercise every method of
  the engine.  Its scores say nothing about any province.
precision: 2
defaults:
  normalise: {method: minmax, min: 0, max: 100}
  aggregate: {method: arithmetic, min_coverage: 2}
  impute: previous
  screen: {min_availability: 0.8}
  rank: unrounded
nodes:
  - id: raw
    name_en: "Raw-data example index"
  - id: infra
    parent: raw
    weight: 0.25
  - id: gov
    parent: raw
    weight: 0.25
  - id: econ
    parent: raw
    weight: 0.3
    aggregate: geometric
  - id: society
    parent: raw
    weight: 0.2
    aggregate: {method: harmonic, min_coverage: all}
  # infra: arithmetic mean of minmax, goalposts, z-score and a difference to a reference unit
  - id: broadband_subs
    name_en: "Fixed broadband subscriptions (count) per thousand people"
    parent: infra
    weight: 2
    denominator: population
    treat: winsor_jrc
  - id: fiber_coverage
    name_en: "Households reached by fibre (%)"
    parent: infra
    weight: 1
    normalise: {method: goalposts, low: 20, high: 100}
  - id: data_centres
    name_en: "Data centres and server rooms (count), log scale"
    parent: infra
    weight: 1
    transform: log
    normalise: {method: zscore, mean: 50, sd: 10}
  - id: mobile_speed
    name_en: "Median mobile download speed (Mbit/s), minus that of TP. Ho Chi Minh"
    parent: infra
    weight: 1
    normalise: {method: distance, reference: "79", mode: difference}
  # gov: categorical criteria, Blom scores and ranks
  - id: egov_portal
    name_en: "Integrated e-government portal (yes / partial / no)"
    parent: gov
    weight: 1
    categories: {yes: 100, partial: 50, no: 0}
    normalise: none
  - id: open_data
    name_en: "Open-data catalogue published (yes / no)"
    parent: gov
    weight: 1
    categories: {yes: 1, no: 0}
  - id: online_services
    name_en: "Administrative procedures fully online (%)"
    parent: gov
    weight: 1
    normalise: blom
  - id: procure_days
    name_en: "Days to complete an e-procurement (lower is better)"
    parent: gov
    weight: 1
    direction: lower
    normalise: rank
  # econ: geometric mean of strictly positive scores
  - id: ecommerce_revenue
    name_en: "E-commerce revenue (billion VND) per thousand people, Box-Cox"
    parent: econ
    weight: 2
    denominator: population
    transform: {method: boxcox, lambda: 0.25}
    normalise: {method: minmax, min: 1, max: 100}
  - id: digital_firms
    name_en: "Digital-technology firms (count), relative to TP. Ha Noi"
    parent: econ
    weight: 1
    normalise: {method: distance, reference: "01", max: 100}
  - id: cashless_share
    name_en: "Cashless payments (% of transactions)"
    parent: econ
    weight: 1
    normalise: {method: ratio, max: 100}
  # society: harmonic mean of strictly positive scores
  - id: internet_users
    name_en: "Internet users (% of adults)"
    parent: society
    weight: 1
    normalise: {method: percentile, min: 1, max: 100}
  - id: cyber_incidents
    name_en: "Reported cyber incidents (count, lower is better)"
    parent: society
    weight: 1
    direction: lower
    normalise: rank_fractional
  - id: skills_training
    name_en: "People trained in digital skills (count) per thousand people"
    parent: society
    weight: 1
    denominator: population
    treat: winsor_jrc
    normalise: {method: minmax, min: 1, max: 100}
"""


def main():
    rng = random.Random(SEED)
    units = provinces()
    big = {"01": 3.0, "79": 3.5, "48": 1.6, "31": 1.5, "92": 1.3}  # the large cities
    rows = []
    for k, (code, name) in enumerate(units):
        size = big.get(code, 1.0)
        pop = round(rng.uniform(320, 2400) * (3.6 if code in ("01", "79") else 1.0), 1)
        dev = rng.gauss(0, 1) + (1.2 if size > 1 else 0)  # a common "development" factor
        v = {}
        v["broadband_subs"] = int(pop * math.exp(4.9 + 0.25 * dev + rng.gauss(0, 0.35)) * size ** 1.5)
        v["fiber_coverage"] = round(min(99.5, max(12.0, 70 + 12 * dev + rng.gauss(0, 6))), 1)
        v["data_centres"] = max(1, int(round(math.exp(1.0 + 0.5 * dev + rng.gauss(0, 0.5)) * size ** 2)))
        v["mobile_speed"] = round(38 + 6 * dev + rng.gauss(0, 4), 2)
        u = rng.random() + 0.15 * dev
        v["egov_portal"] = "yes" if u > 0.45 else "partial" if u > 0.1 else "no"
        v["open_data"] = "yes" if rng.random() + 0.1 * dev > 0.5 else "no"
        v["online_services"] = round(min(99.0, max(5.0, 45 + 12 * dev + rng.gauss(0, 8))), 1)
        v["procure_days"] = max(3, int(round(21 - 3 * dev + rng.gauss(0, 3))))
        v["ecommerce_revenue"] = round(pop * math.exp(-1.2 + 0.6 * dev + rng.gauss(0, 0.4)) * size ** 2, 3)
        v["digital_firms"] = max(2, int(round(math.exp(4.0 + 0.6 * dev + rng.gauss(0, 0.4)) * size ** 2.5)))
        v["cashless_share"] = round(min(95.0, max(4.0, 35 + 10 * dev + rng.gauss(0, 6))), 1)
        v["internet_users"] = round(min(98.0, max(30.0, 72 + 7 * dev + rng.gauss(0, 4))), 1)
        v["cyber_incidents"] = max(0, int(round(math.exp(2.0 + 0.3 * dev + rng.gauss(0, 0.6)) * size)))
        v["skills_training"] = int(pop * math.exp(2.5 + 0.3 * dev + rng.gauss(0, 0.3)) * size ** 3)
        # last year's values: a little lower, for every indicator
        prev = {}
        for key, x in v.items():
            if isinstance(x, str):
                prev[key] = x if rng.random() < 0.8 else ("partial" if key == "egov_portal" else "no")
            elif isinstance(x, int):
                prev[key] = max(1, int(round(x * rng.uniform(0.8, 1.0))))
            else:
                prev[key] = round(x * rng.uniform(0.85, 1.0), 3)
        rows.append({"code": code, "name": name, "pop": pop, "v": v, "prev": prev})
    # missing cells: 1-2 in a dozen provinces (most carried forward from `previous:`, some not), and
    # one province with five gaps, below the 80% availability screen
    keys = list(rows[0]["v"])
    carry = [5, 11, 17, 23, 29, 34, 40, 46, 52, 58]
    for n, k in enumerate(carry):
        for key in rng.sample([x for x in keys if x not in ("mobile_speed", "digital_firms")], 1 + n % 2):
            rows[k]["v"][key] = None
    for k in (8, 44):  # missing now and without a previous value: stays missing
        key = rng.choice(["fiber_coverage", "online_services", "cashless_share"])
        rows[k]["v"][key] = None
        rows[k]["prev"][key] = None
    for key in ("fiber_coverage", "data_centres", "open_data", "online_services", "internet_users"):
        rows[61]["v"][key] = None
        rows[61]["prev"][key] = None

    with open(MODEL, "w", encoding="utf-8") as f:
        f.write(MODEL_TEXT)

    def fmt(x):
        if x is None:
            return "~"
        if isinstance(x, str):
            return x
        return repr(x)

    def mapping(d):
        return "{" + ", ".join("%s: %s" % (k, fmt(x)) for k, x in d.items()) + "}"

    with open(DATA, "w", encoding="utf-8") as f:
        f.write(BANNER)
        f.write("name: example-raw\n")
        f.write("model: example-raw\n")
        f.write('note: "SYNTHETIC: invented numbers for testing (tests/gen_example_raw.py, seed %d); '
                'they describe no real province."\n' % SEED)
        f.write("units:\n")
        for r in rows:
            f.write('  - unit: "%s"\n' % r["code"])
            f.write("    name: %s\n" % json.dumps(r["name"], ensure_ascii=False))
            f.write("    denominators: {population: %r}\n" % r["pop"])
            f.write("    values: %s\n" % mapping(r["v"]))
            f.write("    previous: %s\n" % mapping(r["prev"]))
    print("wrote %s and %s (%d units)" % (MODEL, DATA, len(rows)))


if __name__ == "__main__":
    main()
