#!/usr/bin/python3
"""SYNTHETIC panels for the latent-position projection model (tests/unit/test_latent.c).

Draws K panels of n = 63 provinces over 2020-2025 from the model of docs/projection.md with known
parameters, and writes what a record of that shape would show:
  * 2020 and 2021 (rank years): a random half of the provinces with their exact rank, the others only
    "in the top 10" or "11th or below" (the official top-10 list);
  * 2022, 2023, 2024 (value years): every province's value v = 0.6 + 0.08 z, rounded to 4 decimals, as
    a DTI table publishes them;
  * 2025: the true ranks, hidden from the fit (the calibration target).
Edition changes at 2021 and 2024 (persistence rho_b there, rho_w otherwise).

Output: tests/unit/data/panel_<k>.csv with columns panel,year,province,rank_lo,rank_hi,value,edition_change
(rank_lo = rank_hi for an exact rank), and a header comment with the true parameters.

Usage (from the repository root): /usr/bin/python3 tests/gen_panels.py
Deterministic (numpy's PCG64 with fixed seeds); standard numpy only.
"""
import os

import numpy as np

N, YEARS = 63, list(range(2020, 2026))
BREAKS = {2021, 2024}
TRUE = {"rho_w": 0.75, "rho_b": 0.55, "omega2": 0.40}
K = 4
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unit", "data")


def simulate(rng):
    w2, rw, rb = TRUE["omega2"], TRUE["rho_w"], TRUE["rho_b"]
    mu = rng.normal(0, np.sqrt(w2), N)
    u = rng.normal(0, np.sqrt(1 - w2), N)
    z = {YEARS[0]: mu + u}
    for y in YEARS[1:]:
        c = rb if y in BREAKS else rw
        u = c * u + np.sqrt((1 - w2) * (1 - c * c)) * rng.normal(0, 1, N)
        z[y] = mu + u
    return z


def ranks(v):
    order = np.argsort(-v, kind="stable")
    r = np.empty(N, dtype=int)
    r[order] = np.arange(1, N + 1)
    return r


def main():
    os.makedirs(OUT, exist_ok=True)
    for k in range(K):
        rng = np.random.default_rng(20261201 + k)
        z = simulate(rng)
        path = os.path.join(OUT, "panel_%d.csv" % k)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("# SYNTHETIC panel %d written by tests/gen_panels.py: rho_w=%.2f rho_b=%.2f omega2=%.2f, "
                    "n=%d, rank years 2020-2021 (half exact, half top-10 bounds), value years 2022-2024, "
                    "2025 = hidden truth\n" % (k, TRUE["rho_w"], TRUE["rho_b"], TRUE["omega2"], N))
            f.write("panel,year,province,rank_lo,rank_hi,value,edition_change\n")
            for y in YEARS:
                r = ranks(z[y])
                exact = rng.random(N) < 0.5
                for i in range(N):
                    lo = hi = r[i]
                    value = ""
                    if y <= 2021 and not exact[i]:
                        lo, hi = (1, 10) if r[i] <= 10 else (11, N)
                    if 2022 <= y <= 2024:
                        value = "%.4f" % round(0.6 + 0.08 * z[y][i], 4)
                    f.write("%d,%d,%d,%d,%d,%s,%d\n" % (k, y, i, lo, hi, value, int(y in BREAKS)))
        print("wrote", path)


if __name__ == "__main__":
    main()
