#!/usr/bin/python3
"""The old projection workload, vectorised in numpy: the speed yardstick of `make bench` (issues 9, 15).

100,000 runs of the pooled AR(1) on normal scores of ranks ("panel"): per run a parameter draw
(normal-inverse-chi-square), 63 provinces stepped from 2024 to 2030 (6 years), every year ranked and a
rank histogram per province and year accumulated, and the 34 units ranked by their members' mean
position.  The numbers are SYNTHETIC stand-ins of the right shape (the speed does not depend on them).
Prints the seconds taken (median of 3).  Usage: /usr/bin/python3 tests/bench/panel_numpy.py [RUNS]
"""
import sys
import time

import numpy as np

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
N, YEARS, UNITS = 63, 6, 34
CHUNK = 10000


def workload(rng):
    unit_of = np.arange(N) % UNITS
    counts = np.bincount(unit_of, minlength=UNITS)
    hist = np.zeros((YEARS, N, N + 1), dtype=np.int64)
    uhist = np.zeros((YEARS, UNITS, UNITS + 1), dtype=np.int64)
    x0 = -np.sqrt(2) * np.sort(rng.standard_normal(N))
    for start in range(0, RUNS, CHUNK):
        m = min(CHUNK, RUNS - start)
        s2 = 0.32 * 184 / rng.chisquare(184, m)
        a = 0.08 + np.sqrt(s2) * 0.04 * rng.standard_normal(m)
        b = 0.80 + np.sqrt(s2) * 0.07 * rng.standard_normal(m)
        x = np.tile(x0, (m, 1))
        for t in range(YEARS):
            x = a[:, None] + b[:, None] * x + np.sqrt(s2)[:, None] * rng.standard_normal((m, N))
            order = np.argsort(-x, axis=1)
            ranks = np.empty_like(order)
            np.put_along_axis(ranks, order, np.arange(1, N + 1)[None, :], axis=1)
            for p in range(N):
                hist[t, p] += np.bincount(ranks[:, p], minlength=N + 1)
            ux = np.zeros((m, UNITS))
            for j in range(N):
                ux[:, unit_of[j]] += x[:, j]
            ux /= counts[None, :]
            uorder = np.argsort(-ux, axis=1)
            uranks = np.empty_like(uorder)
            np.put_along_axis(uranks, uorder, np.arange(1, UNITS + 1)[None, :], axis=1)
            for j in range(UNITS):
                uhist[t, j] += np.bincount(uranks[:, j], minlength=UNITS + 1)
            x = -np.sqrt(2) * 0 + x  # the next year starts from this year's positions
    return hist, uhist


def main():
    times = []
    for k in range(3):
        rng = np.random.default_rng(k)
        t0 = time.perf_counter()
        workload(rng)
        times.append(time.perf_counter() - t0)
    times.sort()
    print("%.3f" % times[1])


if __name__ == "__main__":
    main()
